"""EEGLAB datasets (``.set``), the EEG toolbox's files and the third EEG format BIDS names: a MATLAB file
holding the ``EEG`` structure (or its fields at the top level, as newer EEGLAB saves them).

Its ``data`` is the samples in microvolts, channels by points (by trials, for epoched data), or the
name of a ``.fdt`` file beside it that holds them as little-endian 32-bit floats in MATLAB's column
order; ``srate`` is the sampling rate, ``chanlocs(i).labels`` the channels' names, ``nbchan``,
``pnts`` and ``trials`` the sizes. Where EEGLAB cut data out of a continuous dataset, or joined two,
an event of type "boundary" marks the join (its ``latency`` half a sample before the first sample
after it, counted from 1; its ``duration`` the samples removed). (Read with SciPy's MATLAB reader;
the channels agree with MNE's ``read_raw_eeglab`` and ``read_epochs_eeglab``.)
"""

import os

import numpy as np

from ._matlab_files import load_matlab
from ._recording_time import Signals, pauses_as_gaps

__all__ = ["load_eeglab", "load_eeglab_events"]


def _eeg_structure(path):
    """The fields of a dataset's EEG structure (or of the file, where they stand at its top level)."""
    variables = load_matlab(path, squeeze=True,
                            resave="save it from EEGLAB with pop_saveset(EEG, 'filename', name, 'version', '7')")
    prefix = "EEG." if any(name.startswith("EEG.") for name in variables) else ""
    fields = {name[len(prefix):]: value for name, value in variables.items() if name.startswith(prefix)}
    missing = [name for name in ("data", "srate", "nbchan") if name not in fields]
    if missing:
        raise ValueError(f"it holds no EEGLAB dataset: the fields {missing} of its EEG structure are missing")
    return fields


def _size(fields, name):
    value = np.asarray(fields.get(name, 1))
    if value.size != 1 or value.dtype.kind not in "iuf" or not np.isfinite(value) or value < 1 or value != int(value):
        raise ValueError(f"its EEG.{name} is {value.tolist()!r}, not a whole number of at least 1")
    return int(value)


def _rate(fields):
    """The dataset's sampling rate in hertz, or a ValueError naming it."""
    rate = np.asarray(fields["srate"])
    if rate.size != 1 or rate.dtype.kind not in "iuf" or not np.isfinite(rate) or rate <= 0:
        raise ValueError(f"its EEG.srate is {rate.tolist()!r}, not a positive sampling rate")
    return float(rate)


def load_eeglab(path):
    """Read the channels of an EEGLAB dataset.

    Parameters
    ----------
    path : str or path-like
        The dataset's ``.set`` file; a ``.fdt`` data file it names is read from the same folder.

    Returns
    -------
    signals : Signals (dict of str -> (ndarray, float))
        Each channel's label (made unique by its place where two share one; "EEG i" where none is
        given) and its samples in microvolts, of shape (n_points,), or (n_trials, n_points) for
        epoched data, with the sampling rate in hertz, in the dataset's order.
    """
    fields = _eeg_structure(path)
    n_channels, n_points, n_trials = (_size(fields, name) for name in ("nbchan", "pnts", "trials"))
    rate = _rate(fields)
    data = fields["data"]
    if data.dtype.kind == "U":  # the name of the .fdt file beside it (a folder it may name is not read)
        data = os.path.basename(str(data).replace("\\", "/"))
        data_path = os.path.join(os.path.dirname(path), data)
        stored = np.fromfile(data_path, "<f4")
        if stored.size != n_channels * n_points * n_trials:
            raise ValueError(f"{data} holds {stored.size} numbers where the dataset's sizes give {n_channels} "
                             f"channels x {n_points} points x {n_trials} trials: the file is cut short or foreign")
        data = stored.reshape((n_channels, n_points, n_trials), order="F")
    data = np.asarray(data)
    if data.dtype.kind not in "iuf" or data.size != n_channels * n_points * n_trials:
        raise ValueError(f"its EEG.data holds {data.size} {data.dtype} values where the dataset's sizes give "
                         f"{n_channels} channels x {n_points} points x {n_trials} trials")
    data = data.reshape((n_channels, n_points, n_trials), order="F").astype(float)
    labels = [str(label) for label in np.atleast_1d(fields.get("chanlocs.labels", []))]
    names = []
    for i in range(n_channels):
        label = labels[i] if len(labels) == n_channels and labels[i] else f"EEG {i}"
        names.append(label if label not in names else f"{label} ({i})")
    signals = {name: (data[i, :, 0] if n_trials == 1 else data[i].T, rate) for i, name in enumerate(names)}
    if n_trials > 1:  # an epoch's boundaries are its own: each trial is a series already
        return Signals(signals)
    return pauses_as_gaps(signals, _boundaries(fields, n_points, rate), path,
                          "where EEGLAB removed data or joined datasets (its boundary events)")


def _events(fields):
    """The events of a dataset: their types as texts (a number's as written: "5"), latencies (samples
    counted from 1, epochs one after the other) and durations in samples (NaN where none is given);
    none where the dataset's events are not of that shape."""
    types = np.atleast_1d(fields.get("event.type", []))
    latencies = np.atleast_1d(fields.get("event.latency", []))
    if types.dtype.kind not in "Uiuf" or latencies.dtype.kind not in "iuf" or len(types) != len(latencies):
        return np.array([], dtype=str), np.zeros(0), np.zeros(0)
    if types.dtype.kind != "U":
        types = np.array([f"{value:g}" for value in types], dtype=str)
    durations = np.atleast_1d(fields.get("event.duration", []))
    if durations.dtype.kind not in "iuf" or len(durations) != len(types):
        durations = np.full(len(types), np.nan)
    return np.char.strip(types), latencies.astype(float), durations.astype(float)


def load_eeglab_events(path):
    """The events of an EEGLAB dataset (stimuli, responses, boundaries).

    Parameters
    ----------
    path : str or path-like
        The dataset's ``.set`` file.

    Returns
    -------
    annotations : list of (float, float, str)
        Each event's onset and duration in seconds (its latency from the first sample as 0 s; an
        epoched dataset's epochs one after the other; a duration not given 0) and its type, in the
        dataset's order, as MNE reads them.
    start_time : None
        EEGLAB keeps no date.
    """
    fields = _eeg_structure(path)
    rate = _rate(fields)
    types, latencies, durations = _events(fields)
    return [((latency - 1) / rate, max(np.nan_to_num(duration), 0.0) / rate, kind)
            for kind, latency, duration in zip(types, latencies, durations) if np.isfinite(latency)], None


def _boundaries(fields, n_points, rate):
    """(start, length) in seconds of each join a boundary event marks inside a continuous dataset: the
    samples before the first sample after it, and the samples EEGLAB removed there (NaN where it
    does not say, as for joined datasets)."""
    types, latencies, durations = _events(fields)
    boundary = (np.char.lower(types) == "boundary") & np.isfinite(latencies)
    starts = np.ceil(latencies[boundary] - 1)  # 0-based: the first sample after the join
    removed = durations[boundary]
    inside = (starts > 0) & (starts < n_points)
    starts, order = np.unique(starts[inside], return_index=True)
    return [(start / rate, length / rate) for start, length in zip(starts, removed[inside][order])]
