"""Physiological and sound recordings in Python: their signals (:func:`load_recording`), their
annotations (:func:`load_annotations`: sleep stages, stimulus markers, events) and the labelled
windows the two give a classifier (:func:`annotation_windows`), on one clock."""

import os

import numpy as np
from sklearn.utils import Bunch

from ._array_files import LABELLED_FILES, header_file, read_array_file, read_labelled_file, signals_of_one_rate
from ._brainvision_format import load_brainvision_markers
from ._edf_format import load_edf_annotations
from ._eeglab_format import load_eeglab_events
from ._gdf_format import load_gdf_events
from ._recording_time import sample_times
from ._wfdb_format import load_wfdb_annotations
from ._xdf_format import load_xdf_markers
from ._warnings import warn_user

__all__ = ["load_recording", "load_annotations", "annotation_windows"]

#: The recordings :func:`load_recording` reads: those that state their sampling rate.
RECORDINGS = LABELLED_FILES + (".wav",)

#: The annotations :func:`load_annotations` reads, by the suffix of the file given.
_ANNOTATION_READERS = {".edf": load_edf_annotations, ".bdf": load_edf_annotations, ".gdf": load_gdf_events,
                       ".vhdr": load_brainvision_markers, ".set": load_eeglab_events, ".xdf": load_xdf_markers,
                       ".xdfz": load_xdf_markers}


def load_recording(path, channels=None):
    """Read the signals of one sampling rate from a physiological or sound recording.

    The formats of PhysioNet, sleep, ECG and EEG laboratories, read without their libraries: EDF,
    EDF+ and BioSemi's BDF; GDF (versions 1 and 2: BioSig's, the BCI competitions'); PhysioNet's
    WFDB records (formats 8, 16, 61, 80, 160, 212, 310, 311, 24 and 32); BrainVision (``.vhdr``) and
    EEGLAB (``.set``) EEG recordings; the Lab Streaming Layer's XDF (``.xdf``, ``.xdfz``: each
    stream's channels on its own clock, moved onto the recorder's as pyxdf moves them); WAV sound.
    ``sklearn-alrnn reconstruct`` reads them the same way.

    Parameters
    ----------
    path : str or path-like
        An EDF / BDF, GDF or XDF file, a WFDB record's header (``.hea``), signal file (``.dat``) or
        name without a suffix, a BrainVision header (``.vhdr``) or data file (``.eeg``), an EEGLAB
        dataset (``.set`` or its ``.fdt``) or a WAV file; a data file is read through the header
        beside it.
    channels : sequence of str, default=None
        The signals to read, by label, in that order, all of one rate (and of one XDF stream). By
        default every signal of the rate whose signals hold the most samples (a sleep study's EEG
        and EOG at 100 Hz, not its four signals at 1 Hz); WAV channels have no labels.

    Returns
    -------
    recording : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : ndarray of shape (n_samples, n_channels) or (n_epochs, n_samples, n_channels)
            The samples in the file's physical units (an EDF signal's dimension, a WFDB signal's
            units, a BrainVision channel's unit, EEGLAB's microvolts; a WAV file's stored numbers).
            An epoched EEGLAB dataset or a segmented BrainVision export gives a stack of its epochs,
            a series each. NaN marks a gap: a WFDB sample stored as missing, and one row at each
            pause of a recording that pauses (an EDF+D file's records apart in time, EEGLAB's
            boundary events, BrainVision's new segments, a GDF event table's new segments after a
            break, an XDF stream's breaks in its time stamps; a warning names them).
            ``ALRNNForecaster`` takes the stretches between gaps as a list of series (Examples).
        times : ndarray of shape data.shape[:-1]
            Each row's time in seconds from the first sample, on the clock the file's annotations
            count on (:func:`load_annotations`): through an EDF+D file's pauses, their time (an XDF
            stream's: its time stamps, from the first sample of the main stream); the samples stored
            for the others (GDF, EEGLAB and BrainVision count no pause's time). NaN at a pause's
            row.
        channels : list of str
            The signals' labels (WAV: "channel 0", "channel 1", ...).
        sampling_rate : float
            Samples per second.
        start_time : datetime.datetime or None
            The date and time of the first sample, where the file gives it (EDF, GDF, a WFDB header's
            base time and date; BrainVision's first new segment).
        left_out : list of str
            The signals of other rates that were not read, each with its rate.

    See Also
    --------
    load_annotations : The recording's annotations, on the same clock.
    annotation_windows : Windows of a recording labelled by its annotations, for a classifier.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_alrnn import ALRNNForecaster
    >>> from sklearn_alrnn.datasets import load_recording
    >>> night = load_recording("SC4001E0-PSG.edf", channels=["EEG Fpz-Cz"])  # doctest: +SKIP
    >>> night.sampling_rate  # doctest: +SKIP
    100.0
    >>> gap = np.isnan(night.data).any(axis=1)  # doctest: +SKIP
    >>> stretches = [part[~np.isnan(part).any(axis=1)] for part in np.split(night.data, np.flatnonzero(gap))]
    ... # doctest: +SKIP
    >>> model = ALRNNForecaster(random_state=0).fit([s for s in stretches if len(s) > 1])  # doctest: +SKIP
    """
    path = header_file(os.fspath(path))
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in RECORDINGS:
        raise ValueError(f"load_recording reads {', '.join(RECORDINGS)} recordings (a WFDB record also by its .dat "
                         f"or its name, BrainVision by its .eeg, EEGLAB by its .fdt); got {path!r}")
    if channels is not None and (isinstance(channels, str) or not len(channels)):
        raise ValueError(f"channels must be a non-empty list of signal labels; got {channels!r}")
    if channels is not None and suffix == ".wav":
        raise ValueError("a WAV file's channels have no labels to choose them by: pass channels=None and "
                         "index the columns of data")
    start_time = None
    try:
        if suffix == ".wav":
            data, _, left_out, rate = read_array_file(path)
            data = data.reshape(len(data), -1)  # one channel: a column
            names, times = [f"channel {i}" for i in range(data.shape[1])], np.arange(len(data)) / rate
        else:
            signals = read_labelled_file(path)
            data, names, left_out, rate = signals_of_one_rate(signals, channels, "channels")
            times, start_time = sample_times(signals, names[0]), signals.start_time
    except (OSError, EOFError, ValueError) as exc:
        raise ValueError(f"cannot read {path!r} as a recording: {exc}") from None
    return Bunch(data=data.astype(float, copy=False), times=times, channels=list(names), sampling_rate=float(rate),
                 start_time=start_time, left_out=left_out)


def load_annotations(path):
    """Read the annotations of a recording: sleep stages, stimulus and response markers, events.

    Parameters
    ----------
    path : str or path-like
        An EDF+ / BDF+ file, with signals or with annotations only (a sleep study's hypnogram); a
        GDF file (its event table: BCI Competition IV's cues); an XDF file (its marker streams); a
        BrainVision recording's header (``.vhdr``), data (``.eeg``) or marker file (``.vmrk``), read
        through the header beside it; an EEGLAB dataset (``.set`` or its ``.fdt``); a WFDB
        annotation file beside its record's header (``100.atr``: the MIT-BIH beat labels).

    Returns
    -------
    annotations : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes, one entry per annotation, in the
        order of their onsets (``pandas.DataFrame(dict(annotations))`` is a table of them).

        onset : ndarray of shape (n_annotations,)
            In seconds from the recording's first sample, on the clock of :func:`load_recording`'s
            ``times`` (a BrainVision marker's position, an EEGLAB event's latency, a WFDB annotation's
            sample, counted in the samples stored).
        duration : ndarray of shape (n_annotations,)
            In seconds; 0 where the file gives none.
        description : ndarray of shape (n_annotations,) of str
            The text: an EDF+ annotation's ("Sleep stage W"), a GDF event's type in decimal ("769",
            a cue of the left hand; an event closed by its end event lasts until it), an XDF
            marker's, a BrainVision marker's "type/description" ("Stimulus/S  1"), an EEGLAB event's
            type ("boundary", "5"), a WFDB annotation's mnemonic and text ("V", "+ (AFIB").
        start_time : datetime.datetime or None
            The date and time of the first sample (EDF+, GDF, a WFDB record's base time and date;
            BrainVision's first new segment).

    Examples
    --------
    >>> from sklearn_alrnn.datasets import load_annotations
    >>> stages = load_annotations("SC4001EC-Hypnogram.edf")  # doctest: +SKIP
    >>> stages.description[0]  # the hypnogram's first stage  # doctest: +SKIP
    'Sleep stage W'
    """
    path = os.fspath(path)
    stem, suffix = os.path.splitext(path)
    if suffix.lower() == ".vmrk":
        path = stem + ".vhdr"
    path = header_file(path)
    stem, suffix = os.path.splitext(path)
    reader = _ANNOTATION_READERS.get(suffix.lower())
    if reader is None and suffix.lower() not in (".hea", ".dat") and os.path.isfile(stem + ".hea"):
        reader = load_wfdb_annotations  # a WFDB annotation file beside its record's header
    if reader is None:
        raise ValueError(f"load_annotations reads EDF+ / BDF+ (.edf, .bdf), GDF (.gdf), XDF (.xdf, .xdfz), "
                         f"BrainVision (.vhdr, .eeg, .vmrk) and EEGLAB (.set, .fdt) annotations, and WFDB annotation "
                         f"files beside their record's header (.atr, ...); got {path!r}")
    try:
        annotations, start_time = reader(path)
    except (OSError, EOFError, ValueError) as exc:
        raise ValueError(f"cannot read the annotations of {path!r}: {exc}") from None
    annotations = sorted(annotations, key=lambda annotation: annotation[0])
    onset, duration, description = zip(*annotations) if annotations else ((), (), ())
    return Bunch(onset=np.array(onset, dtype=float), duration=np.array(duration, dtype=float),
                 description=np.array(description, dtype=str), start_time=start_time)


def annotation_windows(recording, annotations, length, *, offset=0.0, descriptions=None, return_starts=False):
    """Windows of a recording labelled by its annotations: sequences and labels for a classifier.

    Each annotation gives the windows of ``length`` seconds that start ``offset`` seconds after its
    onset, one after the other as long as it lasts (a sleep stage of 90 s: three 30-second
    windows; an annotation shorter than ``length``, a stimulus marker: one). Windows that reach a
    gap (a pause, a sample missing) or past the recording are left out, with a warning counting
    them.

    Parameters
    ----------
    recording : Bunch
        From :func:`load_recording`, with 2-D ``data`` (a continuous recording).
    annotations : Bunch
        From :func:`load_annotations`, of this recording or of a file on the same clock (a sleep
        study's hypnogram: where both files give their start date and time, the onsets are moved
        by the difference).
    length : float
        Seconds a window lasts (``round(length * sampling_rate)`` samples).
    offset : float, default=0.0
        Seconds from an annotation's onset to its first window's start; negative for a window that
        starts before a stimulus (a baseline).
    descriptions : sequence of str, default=None
        The annotations to use, by description (the others, such as "Sleep stage ?" or
        "boundary", left out); all by default.
    return_starts : bool, default=False
        Return each window's start in seconds on the recording's clock too.

    Returns
    -------
    X : ndarray of shape (n_windows, n_steps, n_channels)
        The windows' samples, sequences for :class:`~sklearn_alrnn.ALRNNClassifier`.
    y : ndarray of shape (n_windows,) of str
        Each window's annotation.
    starts : ndarray of shape (n_windows,)
        Each window's first sample's time (``recording.times``), where ``return_starts``.

    Examples
    --------
    >>> from sklearn_alrnn import ALRNNClassifier
    >>> from sklearn_alrnn.datasets import annotation_windows, load_annotations, load_recording
    >>> night = load_recording("SC4001E0-PSG.edf", channels=["EEG Fpz-Cz", "EEG Pz-Oz"])  # doctest: +SKIP
    >>> stages = load_annotations("SC4001EC-Hypnogram.edf")  # doctest: +SKIP
    >>> X, y = annotation_windows(night, stages, 30.0, descriptions=[  # doctest: +SKIP
    ...     "Sleep stage W", "Sleep stage 1", "Sleep stage 2", "Sleep stage 3", "Sleep stage 4", "Sleep stage R"])
    >>> X.shape[1:]  # 30 s at 100 Hz, two channels  # doctest: +SKIP
    (3000, 2)
    >>> model = ALRNNClassifier(random_state=0).fit(X, y)  # doctest: +SKIP
    """
    data, times, rate = recording.data, recording.times, recording.sampling_rate
    if np.ndim(data) != 2:
        raise ValueError(f"annotation_windows cuts a continuous recording, data of shape (n_samples, n_channels); "
                         f"got shape {np.shape(data)} (an epoched recording's epochs are windows already)")
    if not (np.isfinite(length) and length > 0 and np.isfinite(offset)):
        raise ValueError(f"length must be a positive number of seconds and offset a number; got {length!r}, "
                         f"{offset!r}")
    n_steps = int(round(length * rate))
    if n_steps < 1:
        raise ValueError(f"length={length!r} s holds no sample at {rate:g} Hz")
    onset, duration, description = (np.asarray(annotations[key]) for key in ("onset", "duration", "description"))
    if not (len(onset) == len(duration) == len(description)) or not np.isfinite(onset).all() or \
            not (np.isfinite(duration) & (duration >= 0)).all():
        raise ValueError("annotations must give each annotation a finite onset, a duration of 0 or more seconds and a "
                         f"description; got {len(onset)} onsets, {len(duration)} durations, {len(description)} "
                         "descriptions")
    if annotations.get("start_time") is not None and recording.get("start_time") is not None:
        onset = onset + (annotations.start_time - recording.start_time).total_seconds()
    chosen = np.ones(len(onset), bool) if descriptions is None else np.isin(description, list(descriptions))
    if descriptions is not None and not chosen.any():
        raise ValueError(f"descriptions names {list(descriptions)}, which no annotation has; they are "
                         f"{sorted(set(description.tolist()))[:20]}")
    end = np.nanmax(times) + 1 / rate if np.isfinite(times).any() else -np.inf
    starts, labels = [], []
    for begin, lasted, text in zip(onset[chosen] + offset, duration[chosen], description[chosen]):
        # The windows an annotation holds, but none that starts after the recording ends (the first one
        # past it counted as left out), nor more than the recording has rows for.
        count = max(1, int(min(np.floor(lasted / length + 1e-9), np.ceil((end - begin) / length) + 1,
                               len(data) // n_steps + 1)))
        starts += [begin + k * length for k in range(count)]
        labels += [text] * count
    # The row at each window's start: the first row on the clock at or after it (gaps' rows skipped).
    timed = np.flatnonzero(np.isfinite(times))
    starts = np.array(starts, dtype=float)
    first = np.minimum(np.searchsorted(times[timed], starts - 0.5 / rate), len(timed) - 1)
    rows = timed[first]
    # A window starts on a sample (not in a pause or past the end) and ends inside the recording.
    inside = (np.abs(times[rows] - starts) <= 0.5 / rate) & (rows + n_steps <= len(data))
    windows = np.stack([data[row: row + n_steps] for row in rows[inside]]) if inside.any() else \
        np.zeros((0, n_steps, data.shape[1]))
    whole = np.isfinite(windows).all(axis=(1, 2))
    dropped = len(starts) - int(whole.sum())
    if dropped:
        warn_user(f"{dropped} of the {len(starts)} windows reach a gap or past the recording's end and are left out.",
                  UserWarning)
    X, y = windows[whole], np.array(labels, dtype=str)[inside][whole]
    return (X, y, times[rows[inside][whole]]) if return_starts else (X, y)
