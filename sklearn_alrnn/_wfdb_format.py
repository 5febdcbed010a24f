"""PhysioNet's WFDB records (the MIT-BIH arrhythmia database and most of PhysioNet's ECG, blood-pressure
and gait recordings): a text header, ``RECORD.hea``, and the samples in binary signal files beside it.

The header's first line names the record, its number of signals, the sampling frequency and the
number of samples per signal; a line per signal then gives its file, the file's storage format (with
samples per frame, skew and a byte offset), the gain and baseline that map the stored integers to
physical units, the units, the ADC's resolution and zero, an initial value, a checksum, a block size
and a description (its label). Signals stored in one file are interleaved frame by frame, a frame
holding each signal's samples of one sampling interval. Lines starting with # are comments. (Read by
hand from the specification, PhysioNet's header(5) and signal(5): the wfdb package would bring
requests, aiohttp, matplotlib and soundfile along for one header and one array; the signals agree
with its ``rdrecord`` in every format read here.)
"""

import datetime
import os
import re

import numpy as np

from ._recording_time import Signals
from ._warnings import warn_user

__all__ = ["load_wfdb", "load_wfdb_annotations"]

#: Each storage format read: (bytes, samples) per group of samples, and the value that marks a sample
#: as missing (format 8 stores differences, which have none).
_FORMATS = {
    8: (1, 1, None), 16: (2, 1, -(2**15)), 61: (2, 1, -(2**15)), 80: (1, 1, -(2**7)), 160: (2, 1, -(2**15)),
    212: (3, 2, -(2**11)), 310: (4, 3, -(2**9)), 311: (4, 3, -(2**9)), 24: (3, 1, -(2**23)), 32: (4, 1, -(2**31)),
}
_FORMAT_FIELD = re.compile(r"(\d+)(?:x(\d+))?(?::(\d+))?(?:\+(\d+))?$")
_GAIN_FIELD = re.compile(r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(?:\((-?\d+)\))?(?:/(.*))?$")


def _integer(text, what, default=None):
    """A header field's whole number (below 2**53 in size, as a sample count or offset is), or a ValueError."""
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"its header's {what} is {text!r}, not a whole number; it is no WFDB header") from None
    if abs(value) >= 2**53:
        raise ValueError(f"its header's {what} is {text!r}, beyond any a record holds; it is no WFDB header")
    return value


def _record_line(line):
    """(number of signals, sampling frequency, samples per signal or None, start date and time or None) of
    the header's first line."""
    fields = line.split()
    if "/" in fields[0]:
        raise ValueError(f"it is the header of a multi-segment record ({fields[0]}): each segment is a record of its "
                         "own, read one, or join them with the wfdb package (wfdb.rdrecord, then np.save)")
    if len(fields) < 2:
        raise ValueError(f"its first line {line!r} gives no number of signals; it is no WFDB header")
    n_signals = _integer(fields[1], "number of signals")
    frequency = 250.0  # the specification's default
    if len(fields) > 2:
        try:
            frequency = float(fields[2].split("/")[0])
        except ValueError:
            raise ValueError(f"its header's sampling frequency is {fields[2]!r}, not a number") from None
        if not np.isfinite(frequency) or frequency <= 0:
            raise ValueError(f"its header's sampling frequency is {fields[2]!r}, not a positive number")
    n_samples = _integer(fields[3], "number of samples per signal") if len(fields) > 3 else None
    if n_signals < 1 or n_samples is not None and n_samples < 0:
        raise ValueError(f"its header names {n_signals} signals of {n_samples} samples; there is nothing to read")
    return n_signals, frequency, n_samples, _base_date_time(fields[4:6])


def _base_date_time(fields):
    """The date and time of the first sample from the record line's base time (HH:MM:SS, seconds with a
    fraction) and base date (DD/MM/YYYY); None without a date (a time of day is no start) or where
    they are no date and time."""
    time = re.fullmatch(r"(\d{1,2}):(\d{1,2}):(\d{1,2}(?:\.\d*)?)", fields[0]) if len(fields) == 2 else None
    date = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", fields[1]) if time else None
    if not date:
        return None
    day, month, year = map(int, date.groups())
    try:
        return datetime.datetime(year, month, day) + datetime.timedelta(
            hours=int(time[1]), minutes=int(time[2]), seconds=float(time[3]))
    except ValueError:  # a day or month beyond the calendar's
        return None


def _signal_line(line, index):
    """A signal's file, format, samples per frame, byte offset, gain, baseline, initial value, checksum
    and label, from its line of the header."""
    fields = line.split(maxsplit=8)
    fmt = _FORMAT_FIELD.match(fields[1]) if len(fields) > 1 else None
    if fmt is None:
        raise ValueError(f"the line of signal {index} ({line!r}) gives no storage format; it is no WFDB header")
    fmt_code, per_frame, skew, offset = (_integer(value, f"format of signal {index}", default)
                                         for value, default in zip(fmt.groups(), (0, 1, 0, 0)))
    if fmt_code not in _FORMATS:
        known = ", ".join(map(str, sorted(_FORMATS)))
        raise ValueError(f"signal {index} is stored in format {fmt_code}, which is not read here (formats {known} "
                         "are; convert it with the wfdb package: wfdb.rdrecord, then np.save)")
    if skew:
        raise ValueError(f"signal {index} is skewed by {skew} samples; skewed signals are not read here "
                         "(align them with the wfdb package: wfdb.rdrecord, then np.save)")
    gain, baseline = 200.0, None  # the specification's defaults; the baseline is the ADC zero's
    if len(fields) > 2:
        match = _GAIN_FIELD.match(fields[2])
        if match is None:
            raise ValueError(f"the gain of signal {index} is {fields[2]!r}, not a number; it is no WFDB header")
        gain = float(match.group(1)) or 1.0  # 0: uncalibrated, read in the ADC's units
        baseline = _integer(match.group(2), f"baseline of signal {index}")
    adc_zero = _integer(fields[4] if len(fields) > 4 else None, f"ADC zero of signal {index}", 0)
    initial = _integer(fields[5] if len(fields) > 5 else None, f"initial value of signal {index}", adc_zero)
    checksum = _integer(fields[6] if len(fields) > 6 else None, f"checksum of signal {index}")
    label = fields[8].strip() if len(fields) > 8 else ""
    return {"file": fields[0], "format": fmt_code, "per_frame": per_frame or 1, "offset": offset, "gain": gain,
            "baseline": adc_zero if baseline is None else baseline, "initial": initial, "checksum": checksum,
            "label": label or f"signal {index}"}


def _unpacked(data, fmt, n_samples):
    """The first ``n_samples`` stored integers of ``data`` (bytes) in storage format ``fmt``."""
    group_bytes, group_samples, _ = _FORMATS[fmt]
    n_groups = -(-n_samples // group_samples)
    raw = np.zeros(n_groups * group_bytes, np.uint8)
    raw[: min(len(data), len(raw))] = np.frombuffer(data, np.uint8, min(len(data), len(raw)))
    if fmt in (8, 16, 61, 32):
        dtype = {8: "i1", 16: "<i2", 61: ">i2", 32: "<i4"}[fmt]
        return raw.view(dtype)[:n_samples].astype(np.int64)
    if fmt in (80, 160):
        return raw.view({80: "u1", 160: "<u2"}[fmt])[:n_samples].astype(np.int64) - (128 if fmt == 80 else 32768)
    groups = raw.reshape(n_groups, group_bytes).astype(np.int64)
    if fmt == 24:
        values, bits = groups[:, 0] | groups[:, 1] << 8 | groups[:, 2] << 16, 24
    elif fmt == 212:  # two 12-bit samples in three bytes: the second byte's halves hold their high bits
        values, bits = np.column_stack([groups[:, 0] | (groups[:, 1] & 0x0F) << 8,
                                        groups[:, 2] | (groups[:, 1] & 0xF0) << 4]), 12
    else:  # 310: bits 1-10 of two 16-bit words, the third sample in their top 5 bits; 311: a 32-bit word's thirds
        words = groups[:, 0] | groups[:, 1] << 8 | groups[:, 2] << 16 | groups[:, 3] << 24
        values, bits = np.column_stack(
            [words >> 1 & 0x3FF, words >> 17 & 0x3FF, (words >> 11 & 0x1F) | (words >> 27 & 0x1F) << 5] if fmt == 310
            else [words & 0x3FF, words >> 10 & 0x3FF, words >> 20 & 0x3FF]), 10
    values = values.ravel()[:n_samples]
    return np.where(values >= 1 << (bits - 1), values - (1 << bits), values)


def _available(n_bytes, fmt):
    """How many samples ``n_bytes`` bytes of format ``fmt`` hold whole."""
    group_bytes, group_samples, _ = _FORMATS[fmt]
    return n_bytes * group_samples // group_bytes


def _header_lines(path):
    """The lines of a WFDB header but its comments; a ValueError where it holds none (or binary bytes)."""
    with open(path, "rb") as file:
        text = file.read(1 << 20).decode("latin-1")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines or "\0" in text:
        raise ValueError("it holds no WFDB header lines (the record line, then a line per signal)")
    return lines


def load_wfdb(path):
    """Read the signals of a WFDB record in physical units.

    Parameters
    ----------
    path : str or path-like
        The record's header (``.hea``); its signal files are read from the same folder.

    Returns
    -------
    signals : Signals (dict of str -> (ndarray, float))
        Each signal's label (its description, made unique by its place where two share one) and its
        samples (NaN where the record marks a sample missing) with their rate in hertz, in the
        header's order; the date and time of the first sample where the header gives its base date.
    """
    lines = _header_lines(path)
    n_signals, frequency, n_frames, start_time = _record_line(lines[0])
    if len(lines) - 1 < n_signals:
        raise ValueError(f"its header names {n_signals} signals and describes {len(lines) - 1}")
    specs = [_signal_line(line, i) for i, line in enumerate(lines[1: n_signals + 1])]
    folder, samples = os.path.dirname(path), {}
    for file_name in dict.fromkeys(spec["file"] for spec in specs):
        in_file = [(i, spec) for i, spec in enumerate(specs) if spec["file"] == file_name]
        specs_in_file = [spec for _, spec in in_file]
        if len({(spec["format"], spec["offset"]) for spec in specs_in_file}) > 1:
            raise ValueError(f"the signals of {file_name} are given different formats or byte offsets; a WFDB "
                             "signal file holds one")
        fmt, frame = specs_in_file[0]["format"], sum(spec["per_frame"] for spec in specs_in_file)
        if file_name == "~":
            raise ValueError("its signals are stored in no file ('~'); there are no samples to read")
        with open(os.path.join(folder, file_name), "rb") as file:
            file.seek(specs_in_file[0]["offset"])
            data = file.read()
        whole_frames = _available(len(data), fmt) // frame
        frames = whole_frames if n_frames is None else n_frames
        if frames > whole_frames:
            raise ValueError(f"{file_name} holds {whole_frames} frames of samples where the header promises "
                             f"{frames}: the file is cut short")
        stored = _unpacked(data, fmt, frames * frame).reshape(frames, frame)
        column = 0
        for i, spec in in_file:
            samples[i] = _physical(stored[:, column: column + spec["per_frame"]].ravel(), spec, file_name)
            column += spec["per_frame"]
    signals = {}
    for i, spec in enumerate(specs):
        label = spec["label"] if spec["label"] not in signals else f"{spec['label']} ({i})"
        signals[label] = samples[i], frequency * spec["per_frame"]
    return Signals(signals, start_time)


def _physical(digital, spec, file_name):
    """A signal's samples in physical units; a checksum that the samples do not sum to is warned of
    (the file may be damaged)."""
    fmt = spec["format"]
    if fmt == 8:  # first differences from the initial value
        digital = spec["initial"] + np.cumsum(digital)
    if spec["checksum"] is not None and (int(digital.sum()) - spec["checksum"]) % 65536:
        warn_user(f"The samples of signal {spec['label']!r} in {file_name} do not sum to the checksum its header "
                  "gives: the file may be damaged.", UserWarning)
    missing = _FORMATS[fmt][2]
    values = (digital - spec["baseline"]) / spec["gain"]
    return np.where(digital == missing, np.nan, values) if missing is not None else values


#: The annotation codes of annot(5) and their mnemonics, as PhysioNet's tables give them: beats (N
#: normal, V premature ventricular, A atrial premature, ...), then noise, rhythm changes (+) and notes.
_SYMBOLS = dict(zip([*range(1, 15), 16, *range(18, 42)], 'NLRaVFJASEj/Q~|sT*D"=pB^t+u?![]en@xf()r'))
#: The codes that carry an interval of time, a text or a field of the annotation before, not one of their own.
_SKIP, _NUM, _SUB, _CHN, _AUX, _NOTE = 59, 60, 61, 62, 63, 22


def load_wfdb_annotations(path):
    """The annotations of a WFDB annotation file (``100.atr``, the MIT-BIH beat labels; ``.qrs``,
    ``.apn``, ...) beside its record's header, from annot(5)'s MIT format: 16-bit words of a 6-bit
    code and a 10-bit interval in samples since the annotation before, a SKIP code holding a longer
    interval in the next two words, and NUM, SUB, CHN and AUX words adding to the annotation before
    (AUX: the length and bytes of a text, "(AFIB" for a rhythm change).

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    annotations : list of (float, float, str)
        Each annotation's time in seconds from the record's first sample (in samples of the header's
        frequency, or of a time resolution the file states), duration 0 (WFDB annotations are
        instants) and its mnemonic, with its text after a space where it has one ("+ (AFIB"), as the
        wfdb package's ``rdann`` gives them.
    start_time : datetime.datetime or None
        The record's first sample's date and time, where its header gives its base date.
    """
    header = os.path.splitext(path)[0] + ".hea"
    try:
        _, frequency, _, start_time = _record_line(_header_lines(header)[0])
    except OSError:
        raise ValueError(f"its record's header {os.path.basename(header)} is not beside it, and it gives the "
                         "annotations' sampling frequency") from None
    except ValueError as exc:
        raise ValueError(f"its record's header {os.path.basename(header)}: {exc}") from None
    with open(path, "rb") as file:
        data = file.read()
    words = np.frombuffer(data, "<u2", len(data) // 2).astype(int)
    annotations, time, i = [], 0, 0  # [sample, code, text] each
    while i < len(words) and words[i]:
        code, interval = words[i] >> 10, words[i] & 1023
        if code == _SKIP:
            if i + 2 >= len(words):
                raise ValueError("it ends inside a SKIP interval: the file is cut short")
            skip = words[i + 1] << 16 | words[i + 2]  # high word first (a PDP-11 long)
            time, i = time + skip - (1 << 32) * (skip >= 1 << 31), i + 3
            continue
        if code == _AUX:
            text = data[2 * i + 2: 2 * i + 2 + interval]
            if len(text) < interval:
                raise ValueError("it ends inside an annotation's text: the file is cut short")
            if annotations:
                annotations[-1][2] = text.split(b"\0")[0].decode("latin-1")
            i += 1 + (interval + 1) // 2
            continue
        if code not in (_NUM, _SUB, _CHN):
            time += interval
            annotations.append([time, code, ""])
        i += 1
    if i >= len(words):
        raise ValueError("it ends without the word 0 that closes an annotation file: the file is cut short")
    # Notes at sample 0 that begin "##" define the file (its time resolution, its own codes); code 0 is no
    # annotation.
    resolution = frequency
    for sample, code, text in annotations:
        found = re.match(r"## time resolution: (\d+\.?\d*)", text) if sample == 0 and code == _NOTE else None
        resolution = float(found.group(1)) if found and float(found.group(1)) > 0 else resolution
    return [(sample / resolution, 0.0, _SYMBOLS.get(code, f"code {code}") + f" {text}" * bool(text))
            for sample, code, text in annotations
            if code and not (sample == 0 and code == _NOTE and text.startswith("##"))], start_time
