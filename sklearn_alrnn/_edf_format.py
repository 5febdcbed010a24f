"""The European Data Format of physiological recordings (EDF, EDF+ and BioSemi's 24-bit BDF), in which
PhysioNet and sleep, EEG and ECG laboratories share them.

A 256-byte header in ASCII gives the number of data records, their duration and the number of
signals; then, signal by signal, each field of every signal (label, transducer, physical dimension,
physical and digital minimum and maximum, prefiltering, samples per record); then the records, each
holding every signal's samples of that record in turn, as little-endian 16-bit (EDF) or 24-bit (BDF)
integers, which the minima and maxima map linearly onto the physical values. An EDF+ file's
"EDF Annotations" signal (a BDF+ file's "BDF Annotations") holds text, not samples; its first entry
in each record (the time-keeping annotation: "+120.5" and two bytes 20) is the record's start in
seconds, which in a discontinuous file ("EDF+D" in the header's reserved field) may come after the
previous record ends: the recording paused. (Read by hand: the libraries that read EDF, such as
pyEDFlib and MNE, are compiled or large dependencies for one header and one array; the signals agree
with pyEDFlib's on the test files its wheel ships.)
"""

import datetime

import numpy as np

from ._recording_time import pauses_as_gaps

__all__ = ["data_records", "header_number", "little_endian_integers", "load_edf", "load_edf_annotations"]

#: The labels of the signals that hold annotations, not samples.
_ANNOTATIONS = ("EDF Annotations", "BDF Annotations")
#: The labels (in lower case) of trigger channels, whose samples are event codes (BioSemi's "Status",
#: the low 16 bits of each sample; MNE's stimulus channels by name).
_TRIGGERS = ("status", "trigger")
#: The fields of each signal's header, in the order the file gives them, and their widths in bytes.
_SIGNAL_FIELDS = (("label", 16), ("transducer", 80), ("dimension", 8), ("physical_min", 8), ("physical_max", 8),
                  ("digital_min", 8), ("digital_max", 8), ("prefiltering", 80), ("samples", 8), ("reserved", 32))


def header_number(text, what, fault="; it is no EDF file"):
    """A header field's finite number, or a ValueError naming the field (and the ``fault`` that implies)."""
    try:
        number = float(text)
    except ValueError:
        number = np.nan
    if not np.isfinite(number):
        raise ValueError(f"its header's {what} is {text.strip()!r}, not a finite number{fault}")
    return number


def _time_keeping(raw, start, stop):
    """Each data record's start in seconds and the annotations (onset, duration, text) of the EDF+
    annotation signal whose bytes are ``raw[:, start:stop]``: in each record, time-stamped annotation
    lists ("+Onset", 21 and a duration, 20, texts each ended by 20, then 0), the first of which, with
    no text, times the record (EDF+ section 2.2.4). A record whose first list is no time is None."""
    record_starts, annotations = [], []
    for part in raw[:, start:stop]:
        lists = [tal for tal in part.tobytes().split(b"\x00") if tal]
        for number, tal in enumerate(lists):
            stamp, *texts = tal.split(b"\x14")
            onset, _, duration = stamp.partition(b"\x15")
            onset, duration = _seconds(onset, signed=True), _seconds(duration) if duration else 0.0
            if number == 0:
                record_starts.append(onset)
            for text in texts:
                if text.strip() and onset is not None and duration is not None:
                    annotations.append((onset, duration, text.decode("utf-8", errors="replace").strip()))
        if not lists:
            record_starts.append(None)
    return record_starts, annotations


def _seconds(text, signed=False):
    """A time in an annotation list (an onset with its sign, "+12.5"; a duration without one, "30"), or
    None where it is none."""
    text = text.decode("latin-1")
    try:
        value = float(text) if (text[:1] in "+-") == signed else np.nan
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def _start_time(header):
    """The date and time of the header's start (dd.mm.yy, hh.mm.ss; years from 1985), or None."""
    try:
        start = datetime.datetime.strptime(header[168:184], "%d.%m.%y%H.%M.%S")
    except ValueError:
        return None
    return start.replace(year=start.year + 100) if start.year < 1985 else start  # "yy" from 1985 to 2084


def _records(path):
    """The header text, the signals' header fields and the data records (bytes by record) of an EDF or
    BDF file, with the number of bytes a sample takes, and the records' duration."""
    with open(path, "rb") as file:
        data = file.read()
    bdf = data[:8] == b"\xffBIOSEMI"
    if len(data) < 256 or not (bdf or data[:8].strip() == b"0"):
        raise ValueError("it does not start as an EDF or BDF file does (a version of '0', or BioSemi's mark)")
    header = data[:256].decode("ascii", errors="replace")
    header_bytes = int(header_number(header[184:192], "header size"))
    n_records = int(header_number(header[236:244], "number of records"))
    duration = header_number(header[244:252], "record duration")
    n_signals = int(header_number(header[252:256], "number of signals"))
    if n_signals < 1 or header_bytes != 256 * (n_signals + 1):
        raise ValueError(f"its header names {n_signals} signals in {header_bytes} bytes; an EDF header of n signals "
                         "holds 256 * (n + 1)")
    fields, offset = {}, 256
    for name, width in _SIGNAL_FIELDS:
        block = data[offset: offset + width * n_signals].decode("latin-1")
        fields[name] = [block[i * width: (i + 1) * width].strip() for i in range(n_signals)]
        offset += width * n_signals
    fields["samples"] = [int(header_number(text, "samples per record")) for text in fields["samples"]]
    if min(fields["samples"]) < 0:
        raise ValueError(f"its header gives a signal {min(fields['samples'])} samples per record; it is no EDF file")
    width = 3 if bdf else 2
    return header, fields, data_records(data, header_bytes, n_records, width * sum(fields["samples"])), width, duration


def data_records(data, header_bytes, n_records, record_bytes):
    """The ``n_records`` data records of ``record_bytes`` each that follow a header of ``header_bytes``
    in a file's bytes ``data`` (EDF's layout, and GDF's), as bytes by record: where the count is
    negative (-1: not written while recording), the whole records the file holds; a ValueError where
    the file is cut short of them."""
    after_header = len(data) - header_bytes
    if n_records < 0:
        n_records = after_header // max(record_bytes, 1)
    if after_header < n_records * record_bytes:
        raise ValueError(f"it holds {max(after_header, 0)} bytes of records where its header promises {n_records} "
                         f"records of {record_bytes}: the file is cut short")
    return np.frombuffer(data, np.uint8, n_records * record_bytes, header_bytes).reshape(n_records, record_bytes)


def _signal_bytes(fields, width):
    """Each signal's label and its columns (start, stop) in a data record's bytes."""
    stops = np.cumsum([width * count for count in fields["samples"]])
    return [(label, stop - width * count, stop)
            for label, count, stop in zip(fields["label"], fields["samples"], stops)]


def load_edf(path):
    """Read the signals of an EDF, EDF+ or BDF file in physical units.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    signals : Signals (dict of str -> (ndarray, float))
        Each signal's label (made unique by its place where two share one) and its samples with the
        samples' rate in hertz (a NaN at each pause of an EDF+D file), in the file's order; annotation
        signals left out; the date and time of its first sample, and its trigger channels by name.
    """
    header, fields, raw, width, duration = _records(path)
    discontinuous = header[192:197] in ("EDF+D", "BDF+D")
    signals, record_starts, triggers = {}, None, []
    for i, (label, start, stop) in enumerate(_signal_bytes(fields, width)):
        if label in _ANNOTATIONS and record_starts is None:
            # Every record's start where records may pause, else the first's (the clock's start).
            record_starts = _time_keeping(raw if discontinuous else raw[:1], start, stop)[0]
        if label not in _ANNOTATIONS and fields["samples"][i] > 0:
            digital = _digital(raw, start, stop, width)
            low, high, physical_low, physical_high = (
                header_number(fields[field][i], field.replace("_", " "))
                for field in ("digital_min", "digital_max", "physical_min", "physical_max"))
            gain = (physical_high - physical_low) / (high - low) if high != low else 1.0
            name = label if label and label not in signals else f"{label or 'signal'} ({i})"
            rate = fields["samples"][i] / duration if duration > 0 else 1.0
            signals[name] = ((digital - low) * gain + physical_low, rate)
            triggers += [name] * (label.lower() in _TRIGGERS)
    if not signals:
        raise ValueError("it holds no signal but annotations")
    pauses = []
    if discontinuous:
        finest = 0.5 / max(rate for _, rate in signals.values())  # half the shortest sampling interval
        pauses = _pauses(record_starts, duration, finest)
    signals = pauses_as_gaps(signals, pauses, path, "as the start times of an EDF+D file's data records say",
                             start_time=_first_sample_time(header, record_starts), clock_runs_on=True)
    signals.triggers = triggers
    return signals


def _digital(raw, start, stop, width):
    """The stored integers of the signal whose bytes are ``raw[:, start:stop]`` (little-endian, 16 or 24
    bits, two's complement), record after record."""
    return little_endian_integers(raw[:, start:stop], width)


def little_endian_integers(raw, width, signed=True):
    """The integers of ``width`` bytes (2 or 3: BDF's and GDF's 24 bits, which NumPy has no type for),
    little-endian, two's complement where ``signed``, whose bytes are ``raw`` in order."""
    values = raw.reshape(-1, width).astype(np.int64)
    digital = values[:, 0] | values[:, 1] << 8 | (values[:, 2] << 16 if width == 3 else 0)
    return np.where(digital >= 1 << (8 * width - 1), digital - (1 << 8 * width), digital) if signed else digital


def load_edf_annotations(path):
    """The annotations of an EDF+ or BDF+ file, with or without signals (a hypnogram's sleep stages),
    and the events of its trigger channels.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    annotations : list of (float, float, str)
        Each annotation's onset and duration in seconds (0 where it has none; the onset from the
        first sample, as MNE gives it) and its text, in the file's order; then the events of a
        trigger channel (BioSemi's "Status", a "Trigger" signal): each run of a nonzero code in the
        low 16 bits of its samples, the code as text ("65").
    start_time : datetime.datetime or None
        The date and time of the first sample.
    """
    header, fields, raw, width, duration = _records(path)
    annotations, record_starts = [], None
    for label, start, stop in _signal_bytes(fields, width):
        if label in _ANNOTATIONS:
            starts, found = _time_keeping(raw, start, stop)
            record_starts = starts if record_starts is None else record_starts
            annotations += found
    if not record_starts or None in record_starts:  # a plain EDF file's records follow one another
        record_starts = [_first_record_start(record_starts) + record * duration for record in range(len(raw))]
    for count, (label, start, stop) in zip(fields["samples"], _signal_bytes(fields, width)):
        if label.lower() in _TRIGGERS and count > 0:
            annotations += _trigger_events(_digital(raw, start, stop, width) & 0xFFFF, count, duration, record_starts)
    first = _first_record_start(record_starts)
    return [(onset - first, duration, text) for onset, duration, text in annotations], \
        _first_sample_time(header, record_starts)


def _trigger_events(codes, per_record, duration, record_starts):
    """(onset, duration, code) of each run of a nonzero event code on a trigger channel, its samples
    ``per_record`` a data record of ``duration`` seconds, records starting at ``record_starts``."""
    changes = np.flatnonzero(np.diff(codes, prepend=0))
    ends = np.append(changes[1:], len(codes))
    events = changes[codes[changes] != 0]
    lengths = (ends - changes)[codes[changes] != 0]
    onsets = np.asarray(record_starts)[events // per_record] + events % per_record * duration / per_record
    return [(onset, length * duration / per_record, str(code))
            for onset, length, code in zip(onsets, lengths, codes[events])]


def _first_record_start(record_starts):
    """The first data record's start in seconds after the header's start time (0 where not given)."""
    return record_starts[0] if record_starts and record_starts[0] is not None else 0.0


def _first_sample_time(header, record_starts):
    """The date and time of the first sample: the header's start time, and an EDF+ file's first record's
    start after it (a fraction of a second, where the header's time has none); None where not given."""
    start = _start_time(header)
    try:
        return None if start is None else start + datetime.timedelta(seconds=_first_record_start(record_starts))
    except OverflowError:  # a damaged start, past the calendar's end
        return None


def _pauses(record_starts, duration, tolerance):
    """The (start, length) in seconds of the samples read of each pause of more than ``tolerance``
    seconds between data records that start at ``record_starts``; a ValueError where records overlap
    or go back in time."""
    if record_starts is None:
        raise ValueError("it is a discontinuous EDF+ file (EDF+D) without the annotation signal that times its "
                         "data records")
    if None in record_starts:
        record = record_starts.index(None)
        raise ValueError(f"data record {record} does not open with its start time (+seconds); the annotation "
                         "signal of this EDF+D file is damaged")
    record_starts = np.array(record_starts)
    after = record_starts[1:] - (record_starts[:-1] + duration)
    if (after < -tolerance).any():
        record = int(np.argmax(after < -tolerance)) + 1
        raise ValueError(f"its data record {record} starts at {record_starts[record]:g} s, before record "
                         f"{record - 1} ends ({record_starts[record - 1] + duration:g} s); the file is damaged")
    paused = np.flatnonzero(after > tolerance)
    return [((record + 1) * duration, after[record]) for record in paused]
