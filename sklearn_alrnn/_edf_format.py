"""The European Data Format of physiological recordings (EDF, EDF+ and BioSemi's 24-bit BDF), in which
PhysioNet and sleep, EEG and ECG laboratories share them.

A 256-byte header in ASCII gives the number of data records, their duration and the number of
signals; then, signal by signal, each field of every signal (label, transducer, physical dimension,
physical and digital minimum and maximum, prefiltering, samples per record); then the records, each
holding every signal's samples of that record in turn, as little-endian 16-bit (EDF) or 24-bit (BDF)
integers, which the minima and maxima map linearly onto the physical values. An EDF+ file's
"EDF Annotations" signal (a BDF+ file's "BDF Annotations") holds text, not samples. (Read by hand:
the libraries that read EDF, such as pyEDFlib and MNE, are compiled or large dependencies for one
header and one array; the signals agree with pyEDFlib's on the test files its wheel ships.)
"""

import numpy as np

__all__ = ["header_number", "load_edf"]

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
    signals, start = {}, 0
    for i, label in enumerate(fields["label"]):
        stop = start + width * samples[i]
        if label not in ("EDF Annotations", "BDF Annotations") and samples[i] > 0:
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
    return signals
