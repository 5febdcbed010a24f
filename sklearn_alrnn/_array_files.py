"""Recorded series stored as arrays rather than text: NumPy's .npy and .npz, MATLAB's .mat, WAV sound,
the European Data Format's EDF / BDF signals, GDF, PhysioNet's WFDB records, BrainVision and EEGLAB EEG
recordings and the Lab Streaming Layer's XDF (``reconstruct`` and ``forecast`` read them;
``datasets.load_recording`` those that state their sampling rate, in Python)."""

import os
import warnings
import zipfile

import numpy as np

from ._brainvision_format import load_brainvision
from ._edf_format import load_edf
from ._eeglab_format import load_eeglab
from ._gdf_format import load_gdf
from ._matlab_files import load_matlab
from ._recording_time import main_signals
from ._warnings import warn_user
from ._wfdb_format import load_wfdb
from ._xdf_format import load_xdf
from .io import _METADATA_KEY, ZIP_DAMAGE
from .tabular import listed_columns

#: The suffixes of the recordings :func:`read_array_file` reads, and of those whose variables have names
#: (the European Data Format's EDF, EDF+ and BioSemi's 24-bit BDF; GDF; a WFDB record's or a BrainVision
#: recording's header; an EEGLAB dataset; the Lab Streaming Layer's XDF), read by these.
ARRAY_FILES = (".npy", ".npz", ".mat", ".wav", ".edf", ".bdf", ".gdf", ".hea", ".vhdr", ".set", ".xdf", ".xdfz")
_LABELLED_READERS = {".edf": load_edf, ".bdf": load_edf, ".gdf": load_gdf, ".hea": load_wfdb,
                     ".vhdr": load_brainvision, ".set": load_eeglab, ".xdf": load_xdf, ".xdfz": load_xdf}
LABELLED_FILES = tuple(_LABELLED_READERS)

#: Data files read through the header beside them: a WFDB record's signals, a BrainVision recording's
#: samples, an EEGLAB dataset's.
_HEADERS = {".dat": ".hea", ".eeg": ".vhdr", ".fdt": ".set"}


def header_file(path):
    """The header that reads the recording ``path`` names where it names a data file with its header
    beside it (a WFDB record's .dat, a BrainVision recording's .eeg, an EEGLAB dataset's .fdt) or a
    WFDB record by its name without a suffix, as PhysioNet names records; else ``path``."""
    stem, suffix = os.path.splitext(path)
    header = _HEADERS.get(suffix.lower())
    if header and os.path.isfile(stem + header):
        return stem + header
    if not os.path.exists(path) and os.path.isfile(path + ".hea"):
        return path + ".hea"
    return path


def read_array_file(path, features=None):
    """``(series, names, left_out, rate)`` of a recording in an array format (:data:`ARRAY_FILES`): its
    array, the variables' names where the file gives them (the labels of an EDF, GDF, WFDB, XDF, BrainVision
    or EEGLAB recording's signals; else None), what was left out (signals of other rates) and the
    sampling rate in hertz where the file states it (those and WAV; else None).
    ``features`` chooses such signals by label (:data:`LABELLED_FILES`; the other formats hold no
    columns to name)."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix in LABELLED_FILES:
        return signals_of_one_rate(read_labelled_file(path), features)
    if suffix == ".mat":
        return _mat_array(path), None, [], None
    if suffix == ".wav":
        return _wav_samples(path)
    start, refusal = _NUMPY_FILES[suffix]
    with open(path, "rb") as file:
        if file.read(len(start)) != start:  # else np.load takes it for a pickle and suggests loading that
            raise ValueError(refusal)
    try:
        loaded = np.load(path, allow_pickle=False)
        return (loaded if suffix == ".npy" else _only_array(loaded)), None, [], None
    except (zipfile.BadZipFile, *ZIP_DAMAGE) as error:
        raise ValueError(f"it is damaged ({type(error).__name__}: {error})") from None


#: The first bytes of NumPy's files, and what a file that starts otherwise is told.
_NUMPY_FILES = {
    ".npy": (b"\x93NUMPY", "it does not start with a .npy header; it is not a saved NumPy array"),
    ".npz": (b"PK", "it does not start as a zip archive does; it is not a NumPy .npz archive"),
}


def _only_array(archive):
    """The one array of an open .npz archive."""
    with archive:
        if _METADATA_KEY in archive.files:
            raise ValueError("it is a model file (sklearn_alrnn.load reads it), not a recorded series")
        if len(archive.files) != 1:
            raise ValueError(f"it holds {len(archive.files)} arrays ({', '.join(archive.files)}); an .npz archive "
                             "of the series alone is read, or an .npy file")
        return archive[archive.files[0]]


def _mat_array(path):
    """The one numeric array of a MATLAB .mat file (versions 4 to 7, which SciPy reads), but scalars (a
    sampling rate) and structures' fields; a row or column vector as one variable."""
    variables = load_matlab(path, resave="save it with save(path, 'x', '-v7'), or read it with h5py and np.save "
                                         "the series")
    arrays = {name: value for name, value in variables.items()
              if "." not in name and value.dtype.kind in "biuf" and value.size > 1}
    if len(arrays) != 1:
        raise ValueError(f"it holds {len(arrays)} numeric arrays besides scalars ({', '.join(arrays) or 'none'}); a "
                         ".mat file of the series alone is read")
    series, = arrays.values()
    return series.ravel() if series.ndim == 2 and 1 in series.shape else series


def _wav_samples(path):
    """A WAV recording's samples (n_samples, n_channels) as floats, in the file's units (16-bit integers,
    say): a heart's or a voice's sound, as PhysioNet shares heart sounds; no names, nothing left out,
    and its rate."""
    from scipy.io import wavfile

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", wavfile.WavFileWarning)
            rate, samples = wavfile.read(path)
    except Exception as exc:  # wave's and SciPy's errors of bytes that are no WAV file
        raise ValueError(f"SciPy cannot read it as a WAV file ({type(exc).__name__}: {exc})") from None
    for warning in caught:  # a recorder stopped before it wrote the size: what it holds is the sound
        message = str(warning.message)
        if "EOF" in message:
            message = (f"The WAV file {os.path.basename(path)!r} ends before the size its header gives ({message}); "
                       f"the {len(samples)} samples it holds are read.")
        warn_user(message, warning.category)
    return samples.astype(float), None, [], float(rate)


def read_labelled_file(path):
    """The signals of an EDF / BDF, GDF, WFDB, XDF, BrainVision or EEGLAB recording (:data:`LABELLED_FILES`), with
    their clock: a :class:`~sklearn_alrnn._recording_time.Signals`."""
    return _LABELLED_READERS[os.path.splitext(path)[1].lower()](path)


def signals_of_one_rate(signals, features, option="--features"):
    """The ``signals`` of a recording (:data:`LABELLED_FILES`; label -> (samples, rate); an epoched
    dataset's samples (n_trials, n_points)) that share one sampling rate (and stream, an XDF file's):
    those ``features`` names (labels), or its main signals (:func:`main_signals`); their labels, the
    others' labels and rates, left out, and their rate; ``option`` is what chose them, in messages."""
    if features is not None:
        unknown = [name for name in features if name not in signals]
        if unknown:
            raise ValueError(f"{option} names {unknown}, which the recording lacks; its signals are "
                             f"{listed_columns(signals)}")
        chosen = list(features)
        if len({signals[name][1] for name in chosen}) > 1:
            rates = ", ".join(f"{name} {signals[name][1]:g} Hz" for name in chosen)
            raise ValueError(f"{option} names signals sampled at different rates ({rates}); choose signals of one")
        if len({signals.group(name) for name in chosen}) > 1:
            streams = ", ".join(f"{name} of {signals.sources[name]!r}" for name in chosen)
            raise ValueError(f"{option} names signals of different streams ({streams}), each sampled on a clock of "
                             "its own; choose signals of one")
    else:  # a trigger channel's event codes are no signal of the recording's, unless named
        chosen = main_signals(signals)
    left_out = [f"{name!r} ({rate:g} Hz" + (f", stream {signals.sources[name]!r}" if name in signals.sources else "")
                + ")" + " (a trigger channel: its events are annotations)" * (name in signals.triggers)
                for name, (_, rate) in signals.items() if name not in chosen]
    if not signals[chosen[0]][0].size:  # a data file cut to nothing, a header of no samples
        raise ValueError(f"its signals {listed_columns(chosen)} hold no samples")
    return np.stack([signals[name][0] for name in chosen], axis=-1), chosen, left_out, signals[chosen[0]][1]

