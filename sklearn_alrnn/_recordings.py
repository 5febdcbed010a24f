"""Recorded series read from files that ship inside packages on the registry (no download code, no
dependency on those packages).

Daphnet gait: body-worn accelerometers of a person with Parkinson's disease walking, from the
Daphnet Freezing of Gait data set (Baechlin et al., "Wearable assistant for Parkinson's disease
patients with the freezing of gait symptom", IEEE Trans. Inf. Technol. Biomed. 14(2), 2010;
UCI Machine Learning Repository, CC BY 4.0). Subject 6, run 2: 7,040 rows at 64 Hz (110 s) of
acceleration in milli-g, 3 axes at each of the ankle, the thigh ("leg") and the lower back
("trunk"); no freezing episode falls in this stretch, so it is steady walking, a noisy
physiological oscillator of about one stride per second. Shipped in the wheel of aeon 1.6.0
(BSD-3-Clause) at ``aeon/datasets/data/Daphnet_S06R02E0/S06R02E0.csv``. Get it with::

    pip download aeon==1.6.0 --no-deps -d data/

(or, where aeon is installed, call the loader without a path).

Santa Fe laser: data set A of the Santa Fe Time Series Prediction Competition (Weigend and
Gershenfeld, eds., "Time Series Prediction: Forecasting the Future and Understanding the Past",
1994), the intensity pulsations of a far-infrared NH3 laser recorded by Huebner, Abraham and Weiss,
chaotic and close to the Lorenz equations: about eight steps a pulsation, an amplitude that grows
over tens of pulsations and collapses. 10,093 integer-valued steps (the competition trained on the
first 1,000). Shipped in the wheel of reservoirpy 0.4.2 (MIT licence; taken from James McNames'
data-set pages) at ``reservoirpy/datasets/santafe_laser.npy``. Get it with::

    pip download reservoirpy==0.4.2 --no-deps -d data/

(or, where reservoirpy is installed, call the loader without a path).
"""

import csv
import io
import zipfile

import numpy as np

from ._corpora import ShippedFile, read_shipped_file, shipped_file_path

__all__ = ["load_daphnet_gait", "DAPHNET_CHANNELS", "load_santafe_laser"]

_GAIT = ShippedFile("aeon/datasets/data/Daphnet_S06R02E0/S06R02E0.csv", "aeon", "1.6.0")
_LASER = ShippedFile("reservoirpy/datasets/santafe_laser.npy", "reservoirpy", "0.4.2")
DAPHNET_CHANNELS = (
    "ankle_horiz_fwd", "ankle_vert", "ankle_horiz_lateral",
    "leg_horiz_fwd", "leg_vert", "leg_horiz_lateral",
    "trunk_horiz_fwd", "trunk_vert", "trunk_horiz_lateral",
)


def load_daphnet_gait(path=None, channels=None):
    """Accelerometer recording of steady walking (see the module docstring for the source).

    Parameters
    ----------
    path : str, path-like or None, default=None
        The aeon 1.6.0 wheel (``aeon-1.6.0-py3-none-any.whl``), or ``S06R02E0.csv`` from it;
        None reads the file from an installed aeon that ships it, without importing aeon.
    channels : sequence of str, optional
        Which columns to return, by name (see ``DAPHNET_CHANNELS``); all nine by default.

    Returns
    -------
    X : ndarray of shape (7040, n_channels)
        Acceleration in milli-g, one row every 1/64 s, columns in the order asked for.

    Examples
    --------
    >>> X = load_daphnet_gait("data/aeon-1.6.0-py3-none-any.whl", channels=["ankle_vert"])  # doctest: +SKIP
    >>> X.shape  # doctest: +SKIP
    (7040, 1)
    """
    channels = list(DAPHNET_CHANNELS if channels is None else channels)
    unknown = [name for name in channels if name not in DAPHNET_CHANNELS]
    if unknown or not channels:
        raise ValueError(f"channels must be a non-empty list of {list(DAPHNET_CHANNELS)}; got {channels!r}.")
    path = shipped_file_path(path, _GAIT)
    try:
        data = read_shipped_file(path, _GAIT)
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    except (OSError, UnicodeDecodeError, zipfile.BadZipFile, csv.Error) as error:
        raise ValueError(f"Cannot read the Daphnet recording from {path!r}: {error}") from None
    header = rows[0] if rows else []
    missing = [name for name in DAPHNET_CHANNELS if name not in header]
    if missing:
        raise ValueError(f"{path!r} is not the Daphnet recording: expected columns {list(DAPHNET_CHANNELS)}, "
                         f"found {header}.")
    columns = [header.index(name) for name in channels]
    try:
        X = np.array([[float(row[j]) for j in columns] for row in rows[1:]])
    except (ValueError, IndexError) as error:
        raise ValueError(f"{path!r} has a malformed row: {error}") from None
    if X.shape[0] < 2 or not np.isfinite(X).all():
        raise ValueError(f"{path!r} holds {X.shape[0]} rows, or non-finite values; expected 7,040 finite rows.")
    return X


def load_santafe_laser(path=None):
    """Intensity of a chaotic far-infrared laser (see the module docstring for the source).

    Parameters
    ----------
    path : str, path-like or None, default=None
        The reservoirpy 0.4.2 wheel (``reservoirpy-0.4.2-py3-none-any.whl``), or
        ``santafe_laser.npy`` from it; None reads the file from an installed reservoirpy
        that ships it, without importing reservoirpy.

    Returns
    -------
    X : ndarray of shape (10093, 1)
        The recorded intensity (integers 0-255, as floats), one row per sample.

    Examples
    --------
    >>> X = load_santafe_laser("data/reservoirpy-0.4.2-py3-none-any.whl")  # doctest: +SKIP
    >>> X.shape  # doctest: +SKIP
    (10093, 1)
    """
    path = shipped_file_path(path, _LASER)
    try:
        data = read_shipped_file(path, _LASER)
    except (OSError, zipfile.BadZipFile) as error:
        raise ValueError(f"Cannot read the Santa Fe laser recording from {path!r}: {error}") from None
    try:
        X = np.load(io.BytesIO(data), allow_pickle=False)
    except (ValueError, EOFError, OSError) as error:
        raise ValueError(f"{path!r} is not the Santa Fe laser recording (an .npy array): {error}") from None
    if X.dtype.kind not in "iuf" or X.ndim not in (1, 2) or X.size != X.shape[0] or X.shape[0] < 2:
        raise ValueError(f"{path!r} holds an array of shape {X.shape} and dtype {X.dtype}; expected the "
                         "laser's 10,093 numbers, one column.")
    X = X.astype(np.float64).reshape(-1, 1)
    if not np.isfinite(X).all():
        raise ValueError(f"{path!r} holds non-finite values; the laser recording has none.")
    return X
