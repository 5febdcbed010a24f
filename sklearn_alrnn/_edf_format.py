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

import os

import numpy as np

from ._warnings import warn_user

__all__ = ["header_number", "load_edf", "pauses_as_gaps"]

#: The labels of the signals that hold annotations, not samples.
_ANNOTATIONS = ("EDF Annotations", "BDF Annotations")
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


def pauses_as_gaps(signals, pauses, path, where):
    """``signals`` (label -> (samples, rate)) with a NaN at each of the recording's ``pauses``: the
    times (seconds of samples read) where a stretch after a pause starts, each with how long the
    pause lasted (seconds; NaN where the file does not say). A warning names them and ``where`` the
    file marks them; ``reconstruct`` and ``forecast`` cut the series there or fill the row
    (``--gaps``) rather than join the stretches as if the recording had gone on."""
    if not len(pauses):
        return signals
    starts, lasted = np.asarray(pauses, dtype=float).reshape(-1, 2).T
    told = "; ".join(f"after {start:g} s of samples" + (f" (for {length:g} s)" if np.isfinite(length) else "")
                     for start, length in zip(starts[:3], lasted[:3])) + "; ..." * (len(starts) > 3)
    warn_user(f"{os.path.basename(path)}: the recording pauses {len(starts)} time{'s' * (len(starts) > 1)}, "
              f"{where}: {told}. Each pause is read as one missing row (NaN), a gap to cut the series at or "
              "to fill (reconstruct's --gaps split or interpolate), not joined over", UserWarning)
    return {label: (np.insert(samples, np.rint(starts * rate).astype(int), np.nan), rate)
            for label, (samples, rate) in signals.items()}


def _record_starts(raw, start, stop):
    """Each data record's start in seconds, from the time-keeping annotation that opens its part
    ``raw[:, start:stop]`` of the annotation signal (EDF+ section 2.2.4: "+Onset" then 20)."""
    starts = []
    for record, part in enumerate(raw[:, start:stop]):
        text = part.tobytes().split(b"\x14", 1)[0].split(b"\x15", 1)[0].decode("latin-1")
        try:
            onset = float(text) if text[:1] in "+-" and text else np.nan
        except ValueError:
            onset = np.nan
        if not np.isfinite(onset):
            raise ValueError(f"data record {record} opens with {text[:20]!r}, not its start time (+seconds); the "
                             "annotation signal of this EDF+D file is damaged")
        starts.append(onset)
    return np.array(starts)


def load_edf(path):
    """Read the signals of an EDF, EDF+ or BDF file in physical units.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    signals : dict of str -> (ndarray, float)
        Each signal's label (made unique by its place where two share one) and its samples with the
        samples' rate in hertz, in the file's order; annotation signals left out.
    """
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
    samples = [int(header_number(text, "samples per record")) for text in fields["samples"]]
    if min(samples) < 0:
        raise ValueError(f"its header gives a signal {min(samples)} samples per record; it is no EDF file")
    width = 3 if bdf else 2
    record_bytes = width * sum(samples)
    if n_records < 0:  # -1: not written while recording; the records that follow are all there are
        n_records = (len(data) - header_bytes) // max(record_bytes, 1)
    if len(data) < header_bytes + n_records * record_bytes:
        raise ValueError(f"it holds {len(data) - header_bytes} bytes of records where its header promises "
                         f"{n_records} records of {record_bytes}: the file is cut short")
    raw = np.frombuffer(data, np.uint8, n_records * record_bytes, header_bytes).reshape(n_records, record_bytes)
    discontinuous = header[192:197] in ("EDF+D", "BDF+D")
    signals, start, record_starts = {}, 0, None
    for i, label in enumerate(fields["label"]):
        stop = start + width * samples[i]
        if label in _ANNOTATIONS and record_starts is None and discontinuous:
            record_starts = _record_starts(raw, start, stop)
        if label not in _ANNOTATIONS and samples[i] > 0:
            values = raw[:, start:stop].reshape(-1, width).astype(np.int32)
            digital = values[:, 0] | values[:, 1] << 8 | (values[:, 2] << 16 if bdf else 0)
            digital = np.where(digital >= 1 << (8 * width - 1), digital - (1 << 8 * width), digital)
            low, high, physical_low, physical_high = (
                header_number(fields[field][i], field.replace("_", " "))
                for field in ("digital_min", "digital_max", "physical_min", "physical_max"))
            gain = (physical_high - physical_low) / (high - low) if high != low else 1.0
            name = label if label and label not in signals else f"{label or 'signal'} ({i})"
            signals[name] = ((digital - low) * gain + physical_low, samples[i] / duration if duration > 0 else 1.0)
        start = stop
    if not signals:
        raise ValueError("it holds no signal but annotations")
    if discontinuous:
        finest = 0.5 / max(rate for _, rate in signals.values())  # half the shortest sampling interval
        signals = pauses_as_gaps(signals, _pauses(record_starts, duration, finest), path,
                                 "as the start times of an EDF+D file's data records say")
    return signals


def _pauses(record_starts, duration, tolerance):
    """The (start, length) in seconds of the samples read of each pause of more than ``tolerance``
    seconds between data records that start at ``record_starts``; a ValueError where records overlap
    or go back in time."""
    if record_starts is None:
        raise ValueError("it is a discontinuous EDF+ file (EDF+D) without the annotation signal that times its "
                         "data records")
    after = record_starts[1:] - (record_starts[:-1] + duration)
    if (after < -tolerance).any():
        record = int(np.argmax(after < -tolerance)) + 1
        raise ValueError(f"its data record {record} starts at {record_starts[record]:g} s, before record "
                         f"{record - 1} ends ({record_starts[record - 1] + duration:g} s); the file is damaged")
    paused = np.flatnonzero(after > tolerance)
    return [((record + 1) * duration, after[record]) for record in paused]
