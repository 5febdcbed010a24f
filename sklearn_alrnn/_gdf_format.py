"""GDF, the General Data Format for biomedical signals (Schlögl, 2006; versions 1.x and 2.x), in which
BioSig and brain-computer interface laboratories share EEG recordings (BCI Competition IV's
motor-imagery sets 2a and 2b, the classic benchmarks of imagined movement).

A fixed header of 256 bytes gives the version ("GDF 1.25", "GDF 2.20"), the start date, the header's
length, the number of data records and their duration, and the number of signals; then 256 bytes a
signal, field by field as EDF lays them out (label, transducer, physical dimension, physical and
digital minimum and maximum, samples per record and each signal's data type: little-endian integers
of 8 to 64 bits or IEEE floats, in binary where EDF writes text); GDF 2 may add a tag-length-value
header. The data records follow, as EDF's. After them an event table: each event's position (the
first sample is 1, at the table's own rate), its 16-bit type (0x0301 "cue of the left hand", written
"769" as MNE writes it; a type with the bit 0x8000 closes the event of its type before it) and, in
mode 3, its channel and duration. Type 0x7FFE starts a new segment after a break: the recording
paused. (Read by hand from the specification, arXiv:cs/0608052, and BioSig's reader: MNE's reader
takes one data type a file and reads GDF 2.21's record duration, a float, as two integers.)
"""

import datetime
import math
import os

import numpy as np

from ._edf_format import data_records, little_endian_integers
from ._recording_time import pauses_as_gaps
from ._warnings import warn_user

__all__ = ["load_gdf", "load_gdf_events"]

#: Each data type a signal may have (GDF's code) and its NumPy type; 255 + n and 511 + n are signed and
#: unsigned integers of n bits, of which whole bytes are read (24 bits as BioSemi's BDF stores them).
_TYPES = {1: "<i1", 2: "<u1", 3: "<i2", 4: "<u2", 5: "<i4", 6: "<u4", 7: "<i8", 8: "<u8", 16: "<f4", 17: "<f8"}
_TYPES |= {255 + bits: f"<i{bits // 8}" for bits in (8, 16, 32, 64)} | {
    511 + bits: f"<u{bits // 8}" for bits in (8, 16, 32, 64)} | {255 + 24: "int24", 511 + 24: "uint24"}
#: The event types of a break (a new segment starts), of values of a sparsely sampled signal (no
#: event), and the bit that marks an event's end.
_NEW_SEGMENT, _SPARSE_SAMPLE, _END = 0x7FFE, 0x7FFF, 0x8000


def _header(data):
    """The fixed and the signals' header fields of a GDF file's bytes ``data``."""
    if len(data) < 256 or data[:3] != b"GDF":
        raise ValueError("it does not start as a GDF file does (a version such as 'GDF 2.20')")
    try:
        version = float(data[3:8].decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        raise ValueError(f"its version is {data[:8]!r}, not 'GDF' and a number") from None
    gdf1 = version < 1.9
    header_bytes = int(np.frombuffer(data, "<i8", 1, 184)[0]) if version < 1.92 else \
        256 * int(np.frombuffer(data, "<u2", 1, 184)[0])
    n_records = int(np.frombuffer(data, "<i8", 1, 236)[0])
    if version < 2.21:
        numerator, denominator = np.frombuffer(data, "<u4", 2, 244).astype(float)
        duration = numerator / denominator if denominator else np.nan
    else:  # GDF 2.21 onwards: seconds, a float
        duration = float(np.frombuffer(data, "<f8", 1, 244)[0])
    n_signals = int(np.frombuffer(data, "<u4" if gdf1 else "<u2", 1, 252)[0])
    if not np.isfinite(duration) or duration <= 0:
        raise ValueError(f"its header gives data records of {duration:g} s; the sampling rates need a duration")
    if n_signals < 1 or header_bytes < 256 * (n_signals + 1):
        raise ValueError(f"its header names {n_signals} signals in {header_bytes} bytes; a GDF header of n signals "
                         "holds at least 256 * (n + 1)")
    if len(data) < header_bytes:
        raise ValueError(f"it holds {len(data)} bytes, fewer than its header of {header_bytes}: the file is cut short")

    def column(offset, kind, size):
        return np.frombuffer(data, kind, n_signals, 256 + offset * n_signals) if kind else [
            _text(data[256 + offset * n_signals + i * size: 256 + offset * n_signals + (i + 1) * size])
            for i in range(n_signals)]

    digital = "<i8" if gdf1 else "<f8"
    fields = {"label": column(0, None, 16), "physical_min": column(104, "<f8", 8),
              "physical_max": column(112, "<f8", 8), "digital_min": column(120, digital, 8).astype(float),
              "digital_max": column(128, digital, 8).astype(float), "samples": column(216, "<i4", 4),
              "type": column(220, "<u4", 4)}
    if not np.isfinite(fields["samples"].max() / duration):
        raise ValueError(f"its header gives {fields['samples'].max()} samples in records of {duration:g} s")
    return {"version": version, "header_bytes": header_bytes, "n_records": n_records, "duration": duration,
            "start_time": _start_time(data, gdf1), **fields}


def _text(raw):
    """A header's text field, to its first NUL byte (GDF pads with them)."""
    raw = raw.split(b"\x00")[0]
    try:
        return raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        return raw.decode("latin-1").strip()


def _start_time(data, gdf1):
    """The date and time of the first sample: GDF 1's text "YYYYMMDDhhmmsscc" (cc: hundredths), GDF 2's
    days since the year 0 as a fixed-point number of 32 bits either side of the point (MATLAB's
    datenum); None where not given."""
    try:
        if gdf1:
            text = data[168:184].decode("ascii")
            hundredths = int(text[14:16]) if text[14:16].strip() else 0
            return datetime.datetime.strptime(text[:14], "%Y%m%d%H%M%S") + datetime.timedelta(
                seconds=hundredths / 100)
        days = int(np.frombuffer(data, "<u8", 1, 168)[0]) / 2**32
        return datetime.datetime(1, 1, 1) + datetime.timedelta(days=days - 367) if days else None
    except (UnicodeDecodeError, ValueError, OverflowError):  # none given, or a damaged one
        return None


def _records(path):
    """The header fields, the data records (bytes by record), each signal's columns (start, stop) in a
    record and the bytes after the records (the event table) of a GDF file."""
    with open(path, "rb") as file:
        data = file.read()
    header = _header(data)
    widths = []
    for label, count, code in zip(header["label"], header["samples"], header["type"]):
        if int(code) not in _TYPES:
            raise ValueError(f"its signal {label!r} is stored as GDF data type {code}, which is not read here (the "
                             "integers of 8 to 64 bits and IEEE floats are)")
        if count < 0:
            raise ValueError(f"its header gives the signal {label!r} {count} samples per record")
        widths.append(int(count) * (3 if "24" in _TYPES[int(code)] else np.dtype(_TYPES[int(code)]).itemsize))
    stops = np.cumsum(widths)
    raw = data_records(data, header["header_bytes"], header["n_records"], int(stops[-1]))
    return header, raw, list(zip(stops - widths, stops)), data[header["header_bytes"] + raw.size:]


def _digital(raw, start, stop, code):
    """The stored numbers of the signal of data type ``code`` whose bytes are ``raw[:, start:stop]``."""
    block = np.ascontiguousarray(raw[:, start:stop]).reshape(-1)
    kind = _TYPES[int(code)]
    return little_endian_integers(block, 3, signed=kind == "int24") if "24" in kind else block.view(kind)


def load_gdf(path):
    """Read the signals of a GDF file (versions 1.x and 2.x) in physical units.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    signals : Signals (dict of str -> (ndarray, float))
        Each signal's label (made unique by its place where two share one) and its samples with the
        samples' rate in hertz (a NaN at each break the event table marks, type 0x7FFE), in the
        file's order; signals of no samples per record (sparsely sampled ones) left out; the date
        and time of the first sample.
    """
    header, raw, columns, rest = _records(path)
    signals = {}
    for i, ((start, stop), rate) in enumerate(zip(columns, header["samples"] / header["duration"])):
        if stop == start:
            continue
        label = header["label"][i]
        low, high, physical_low, physical_high = (header[field][i] for field in
                                                  ("digital_min", "digital_max", "physical_min", "physical_max"))
        if not np.isfinite([low, high, physical_low, physical_high]).all():
            raise ValueError(f"its header gives the signal {label!r} the digital range {low:g} to {high:g} and the "
                             f"physical range {physical_low:g} to {physical_high:g}, not finite numbers")
        gain = (physical_high - physical_low) / (high - low) if high != low else 1.0
        name = label if label and label not in signals else f"{label or 'signal'} ({i})"
        signals[name] = ((_digital(raw, start, stop, header["type"][i]) - low) * gain + physical_low, float(rate))
    if not signals:
        raise ValueError("it holds no signal of samples in its data records")
    try:
        positions, codes, _, _, rate = _event_table(rest, header)
    except ValueError as exc:
        warn_user(f"{os.path.basename(path)}: {exc}; the breaks it may mark are not known, and the samples are read "
                  "as one stretch", UserWarning)
        positions, codes, rate = np.zeros(0), np.zeros(0), 1.0
    onsets = positions / rate
    breaks = np.unique(onsets[(codes == _NEW_SEGMENT) & (onsets > 0) & (onsets < len(raw) * header["duration"])])
    return pauses_as_gaps(signals, [(start, np.nan) for start in breaks], path,
                          "where its event table starts a new segment after a break (type 0x7FFE)",
                          start_time=header["start_time"])


def _event_table(table, header):
    """Each event's position (samples from the first, 0), type, channel (0: all) and duration (samples;
    0 where mode 1 gives none) of the event table whose bytes ``table`` follow the data records, and
    the table's sampling rate."""
    if len(table) < 8:
        return (np.zeros(0, int),) * 4 + (1.0,)
    mode = table[0]
    if header["version"] < 1.94:
        rate, count = int.from_bytes(table[1:4], "little"), int.from_bytes(table[4:8], "little")
    else:
        count, rate = int.from_bytes(table[1:4], "little"), float(np.frombuffer(table, "<f4", 1, 4)[0])
    if mode not in (1, 3):
        raise ValueError(f"its event table is of mode {mode}; modes 1 and 3 are read")
    if not np.isfinite(rate) or rate < 0:
        raise ValueError(f"its event table's sampling rate is {rate:g}, not a rate")
    if not rate:  # not given (GDF 1.24 and before): the data's, as BioSig takes it (the rates' common multiple)
        samples = [int(count) for count in header["samples"] if count > 0] or [1]
        common = math.lcm(*samples)
        rate = (common if common < 2**53 else max(samples)) / header["duration"]
    fields = (("<u4", 4), ("<u2", 2)) + (("<u2", 2), ("<u4", 4)) * (mode == 3)
    needed = 8 + count * sum(size for _, size in fields)
    if len(table) < needed:
        raise ValueError(f"its event table of {count} events needs {needed} bytes and has {len(table)}: the file is "
                         "cut short")
    columns, offset = [], 8
    for kind, size in fields:
        columns.append(np.frombuffer(table, kind, count, offset).astype(np.int64))
        offset += count * size
    positions, codes = columns[:2]
    channels, durations = columns[2:] if mode == 3 else (np.zeros(count, int), np.zeros(count, int))
    return positions - 1, codes, channels, durations, rate


def load_gdf_events(path):
    """The events of a GDF file: cues, responses, artefacts, breaks.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    annotations : list of (float, float, str)
        Each event's onset and duration in seconds (from the first sample; an event closed by its
        end event, type + 0x8000, lasts until it; 0 where the table gives none) and its type in
        decimal ("769", BCI Competition IV's cue of the left hand), in the order of their onsets;
        values of sparsely sampled signals (type 0x7FFF) are no events.
    start_time : datetime.datetime or None
        The date and time of the first sample.
    """
    header, _, _, rest = _records(path)
    positions, codes, channels, durations, rate = _event_table(rest, header)
    order = np.argsort(positions, kind="stable")
    events, open_events = [], {}
    for position, code, channel, duration in zip(positions[order], codes[order], channels[order], durations[order]):
        if code == _SPARSE_SAMPLE:
            continue
        if code & _END and (code & ~_END, channel) in open_events:  # the end of an event before it
            event = open_events.pop((code & ~_END, channel))
            events[event][1] = position - events[event][0]
            continue
        open_events[code, channel] = len(events)
        events.append([position, duration, str(code)])
    return [(position / rate, duration / rate, code) for position, duration, code in events], header["start_time"]
