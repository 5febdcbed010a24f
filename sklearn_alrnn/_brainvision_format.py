"""Brain Products' BrainVision recordings (EEG laboratories' format, one of the two that BIDS names for
EEG beside EDF): a text header, ``NAME.vhdr``, a marker file and the samples in a data file.

The header is an INI file. ``[Common Infos]`` names the data file, its format (BINARY or ASCII), its
orientation (MULTIPLEXED: a sample of every channel in turn; VECTORIZED: each channel's samples in
one run), the number of channels and the sampling interval in microseconds; ``[Binary Infos]`` the
binary number type; ``[ASCII Infos]`` the decimal symbol and the lines and columns to skip;
``[Channel Infos]`` a line per channel, ``Ch1=Fp1,REF,0.1,µV``: its name (a comma written as
``\\1``), reference, resolution (the unit per stored number) and unit. ``DataType`` is TIMEDOMAIN
(Analyzer's exports of spectra are refused). An export of Analyzer's segmentation
(``SegmentationType=MARKERBASED``) holds segments of ``SegmentDataPoints`` samples each, one after
the other. The marker file, an INI file too, lists markers,
``Mk2=New Segment,,15001,1,0,20240101120530000000``: type, description, first sample (counted from
1), length, channel and, for a new segment, its start's date and time to the microsecond; in a
continuous recording a new segment after the first marks where the recorder resumed after a pause.
(Read by hand from Brain Products' specification, BrainVision Core Data Format 1.0: MNE, which reads
it, is a large dependency for one header and one array; the channels agree with MNE's
``read_raw_brainvision`` on files that pybv writes and on files written here.)
"""

import configparser
import datetime
import os
from functools import partial

import numpy as np

from ._edf_format import header_number
from ._recording_time import Signals, pauses_as_gaps
from ._warnings import warn_user

__all__ = ["load_brainvision", "load_brainvision_markers"]

_number = partial(header_number, fault="")  # a header field's finite number, or a ValueError naming it

#: The binary number types read.
_BINARY = {"INT_16": "<i2", "UINT_16": "<u2", "INT_32": "<i4", "IEEE_FLOAT_32": "<f4", "IEEE_FLOAT_64": "<f8"}


def _header(path, size=1 << 20):
    """The sections of a header (or marker file: its first ``size`` bytes, None for all), read as UTF-8
    or, where it is not, as Windows' Latin-1 (older recorders)."""
    with open(path, "rb") as file:
        raw = file.read(size)
    first = raw.split(b"\n", 1)[0].decode("latin-1").strip()
    if not ("Brain Vision" in first or "BrainVision" in first):
        raise ValueError(f"its first line is {first[:60]!r}, not a BrainVision header's")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text.split("[Comment]")[0].split("\n", 1)[1] if "\n" in text else "")
    except configparser.Error as exc:
        raise ValueError(f"its header is no INI text ({type(exc).__name__})") from None
    return {section.lower(): {key.lower(): value.strip() for key, value in parser[section].items()}
            for section in parser.sections()}


def _field(sections, section, key, default=None):
    """The value of ``key`` (as the specification writes it) in ``section`` (by its name in lower case)."""
    value = sections.get(section, {}).get(key.lower(), default)
    if value is None:
        raise ValueError(f"its header gives no {key} in [{section.title()}]")
    return value


def load_brainvision(path):
    """Read the channels of a BrainVision recording in their units.

    Parameters
    ----------
    path : str or path-like
        The recording's header (``.vhdr``); its data file is read from the same folder.

    Returns
    -------
    signals : Signals (dict of str -> (ndarray, float))
        Each channel's name (made unique by its place where two share one) and its samples, each
        stored number times the channel's resolution, in the channel's unit (µV unless the header
        says otherwise), of shape (n_samples,) (with a NaN at each pause the marker file marks), or
        (n_segments, n_points) for a segmented export, with the rate in hertz, in the header's order.
    """
    sections = _header(path)
    common = "common infos"
    n_channels = int(_number(_field(sections, common, "NumberOfChannels"), "NumberOfChannels"))
    interval = _number(_field(sections, common, "SamplingInterval"), "SamplingInterval")
    if n_channels < 1 or interval <= 0:
        raise ValueError(f"its header gives {n_channels} channels sampled every {interval:g} microseconds")
    channels = sections.get("channel infos", {})
    names, resolutions = [], []
    for i in range(1, n_channels + 1):
        fields = [field.strip() for field in channels.get(f"ch{i}", "").split(",")]
        if not fields[0]:
            raise ValueError(f"its header describes no channel {i} (Ch{i}= in [Channel Infos]) of {n_channels}")
        name = fields[0].replace("\\1", ",")
        names.append(name if name not in names else f"{name} ({i - 1})")
        resolutions.append(_number(fields[2], f"resolution of channel {name!r}") if len(fields) > 2 and fields[2]
                           else 1.0)
    data_type = _field(sections, common, "DataType", "TIMEDOMAIN").upper()
    if data_type != "TIMEDOMAIN":  # BrainVision Analyzer's exports of spectra or complex values
        raise ValueError(f"its DataType is {data_type}: its numbers are no recording over time (TIMEDOMAIN)")
    orientation = _field(sections, common, "DataOrientation", "MULTIPLEXED").upper()
    if orientation not in ("MULTIPLEXED", "VECTORIZED"):
        raise ValueError(f"its data orientation is {orientation!r}; MULTIPLEXED or VECTORIZED is read")
    # The data file beside the header, as recorders write it (a folder it may name is not read).
    data_name = os.path.basename(_field(sections, common, "DataFile").replace("\\", "/"))
    data_path = os.path.join(os.path.dirname(path), data_name)
    if _field(sections, common, "DataFormat", "BINARY").upper() == "ASCII":
        stored = _ascii_samples(data_path, sections.get("ascii infos", {}), n_channels, orientation)
    else:
        number_type = _field(sections, "binary infos", "BinaryFormat").upper()
        if number_type not in _BINARY:
            raise ValueError(f"its samples are stored as {number_type}, which is not read here "
                             f"({', '.join(_BINARY)} are)")
        stored = np.fromfile(data_path, _BINARY[number_type]).astype(float)
        if len(stored) % n_channels:
            raise ValueError(f"{data_name} holds {len(stored)} numbers, no whole number of "
                             f"samples of {n_channels} channels: the file is cut short")
        stored = stored.reshape(-1, n_channels) if orientation == "MULTIPLEXED" else stored.reshape(n_channels, -1).T
    rate = 1e6 / interval
    try:
        markers = _markers(path, sections)
    except ValueError as exc:
        warn_user(f"{os.path.basename(path)}: {exc}; the pauses it may mark are not known, and the samples are read "
                  "as one stretch", UserWarning)
        markers = []
    segments = [(position, date) for kind, _, position, _, date in markers if kind.lower() == "new segment"]
    start_time = next((date for _, date in segments if date), None)
    segment = _segment_points(sections, len(stored))
    if segment:  # an export of Analyzer's segmentation: its segments (epochs) are a stack of series
        return Signals({name: (stored[:, i].reshape(-1, segment) * resolutions[i], rate)
                        for i, name in enumerate(names)}, start_time=start_time)
    signals = {name: (stored[:, i] * resolutions[i], rate) for i, name in enumerate(names)}
    return pauses_as_gaps(signals, _pauses(segments, len(stored), rate), path,
                          "where its marker file starts a new segment", start_time=start_time)


def _segment_points(sections, n_samples):
    """The points of each segment of a segmented export (``SegmentationType`` other than
    NOTSEGMENTED, ``SegmentDataPoints``), or None for a continuous recording."""
    common = sections.get("common infos", {})
    if common.get("segmentationtype", "NOTSEGMENTED").upper() == "NOTSEGMENTED":
        return None
    points = int(_number(_field(sections, "common infos", "SegmentDataPoints"), "SegmentDataPoints"))
    if points < 1 or n_samples % points:
        raise ValueError(f"it holds {n_samples} samples, no whole number of segments of {points} (SegmentDataPoints)")
    return points


def _markers(path, sections):
    """The markers of the marker file the header at ``path`` names: (type, description, first sample
    counted from 0, length in samples, date or None) each, in the file's order; none where it names
    none; a ValueError naming the marker file where it cannot be read."""
    name = sections.get("common infos", {}).get("markerfile")
    if not name:
        return []
    marker_path = os.path.join(os.path.dirname(path), os.path.basename(name.replace("\\", "/")))
    try:
        lines = _header(marker_path, size=None).get("marker infos", {})
    except (OSError, ValueError) as exc:
        raise ValueError(f"its marker file {os.path.basename(marker_path)} cannot be read ({exc})") from None
    markers = []
    for value in lines.values():
        fields = [field.strip().replace("\\1", ",") for field in value.split(",")] + [""] * 5
        try:
            position, points = int(fields[2]) - 1, int(fields[3] or 1)
        except ValueError:
            continue
        markers.append((fields[0], fields[1], position, points, _segment_date(fields[5])))
    return markers


def _pauses(segments, n_samples, rate):
    """(start, length) in seconds of each pause before a new segment ``segments`` (first sample, date)
    inside the recording, its length from the segments' dates where both have one (else NaN)."""
    segments = sorted(segments, key=lambda segment: segment[0])
    pauses = []
    for (before, before_date), (position, date) in zip(segments, segments[1:]):
        if 0 < position < n_samples and position > before:
            lasted = (date - before_date).total_seconds() - (position - before) / rate \
                if date and before_date else np.nan
            pauses.append((position / rate, lasted if lasted >= 0 else np.nan))  # a clock set back: not known
    if segments and 0 < segments[0][0] < n_samples:
        pauses.insert(0, (segments[0][0] / rate, np.nan))
    return pauses


def load_brainvision_markers(path):
    """The markers of a BrainVision recording (its header given, or its data or marker file beside it).

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    annotations : list of (float, float, str)
        Each marker's onset and duration in seconds (its first sample, counted from the recording's
        first as 0 s, and its samples) and "type/description" ("Stimulus/S  1"), in the file's order,
        but the first new segment's (the recording's start), as MNE reads them.
    start_time : datetime.datetime or None
        The date and time of the first new segment.
    """
    sections = _header(path)
    interval = _number(_field(sections, "common infos", "SamplingInterval"), "SamplingInterval")
    if interval <= 0:
        raise ValueError(f"its header gives a sampling interval of {interval:g} microseconds")
    markers = _markers(path, sections)
    segments = [marker for marker in markers if marker[0].lower() == "new segment"]
    start_time = next((marker[4] for marker in segments if marker[4]), None)
    if segments and markers[0] is segments[0]:
        markers = markers[1:]
    rate = 1e6 / interval
    annotations = [(position / rate, max(points, 0) / rate, f"{kind}/{text}")
                   for kind, text, position, points, _ in markers]
    return annotations, start_time


def _segment_date(text):
    """The date and time of a new segment's start, ``YYYYMMDDhhmmssuuuuuu``, or None where it has none."""
    try:
        return datetime.datetime.strptime(text[:14], "%Y%m%d%H%M%S") + \
            datetime.timedelta(microseconds=int(text[14:20] or 0))
    except ValueError:
        return None


def _ascii_samples(data_path, ascii_infos, n_channels, orientation):
    """The numbers of an ASCII data file (samples, channels): a line per sample (MULTIPLEXED) or per
    channel (VECTORIZED), after ``SkipLines`` lines and ``SkipColumns`` columns (a channel's name)."""
    skip_lines = int(_number(ascii_infos.get("skiplines", "0"), "SkipLines"))
    skip_columns = int(_number(ascii_infos.get("skipcolumns", "0"), "SkipColumns"))
    decimal = ascii_infos.get("decimalsymbol", ".")
    with open(data_path, encoding="utf-8", errors="replace") as file:
        lines = [line for line in file.read().splitlines()[skip_lines:] if line.strip()]
    rows = []
    for number, line in enumerate(lines, start=skip_lines + 1):
        cells = line.split()[skip_columns:]
        try:
            rows.append([float(cell.replace(decimal, ".") if decimal != "." else cell) for cell in cells])
        except ValueError:
            raise ValueError(f"line {number} of {os.path.basename(data_path)} holds a cell that is no number") from None
    widths = {len(row) for row in rows}
    expected = n_channels if orientation == "MULTIPLEXED" else None
    if not rows or len(widths) > 1 or expected is not None and widths != {expected} or \
            orientation == "VECTORIZED" and len(rows) != n_channels:
        raise ValueError(f"{os.path.basename(data_path)} holds {len(rows)} lines of {sorted(widths)} numbers, not "
                         f"a {'line per sample' if expected else 'line per channel'} of {n_channels} channels")
    samples = np.array(rows, dtype=float)
    return samples if orientation == "MULTIPLEXED" else samples.T
