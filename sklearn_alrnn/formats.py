"""Converters between the package's layout and those of aeon / sktime and tslearn, and networks
trained elsewhere: saved by PyTorch (:func:`read_torch`, :func:`forecaster_from_torch`) or by the
research code's Julia (:func:`forecaster_from_bson`), read without either; and a fitted forecaster
written for PyTorch (:func:`forecaster_to_torch`), without it.

Axis orders:

- sklearn_alrnn: ``(n_samples, n_timesteps, n_features)``, channels last; unequal
  lengths as a list of ``(n_timesteps_i, n_features)`` arrays or as trailing NaN.
- aeon / sktime ("numpy3D"): ``(n_samples, n_channels, n_timesteps)``, channels
  first; unequal lengths as a list of ``(n_channels, n_timesteps_i)`` arrays
  (aeon's "np-list").
- tslearn: ``(n_samples, max_timesteps, n_features)`` with NaN after each
  sequence's end: the same axis order as ours, so converting is checking.
"""

import numpy as np

from ._bson_files import forecaster_from_bson
from ._panels import is_panel_frame
from ._series import refuse_pivoted_features
from ._torch_files import forecaster_from_torch, read_torch
from ._torch_saving import forecaster_to_torch
from ._validation import _as_numeric_array, cells_as_sequences, check_sequences

__all__ = ["from_aeon", "to_aeon", "from_tslearn", "to_tslearn", "read_torch", "forecaster_from_torch",
           "forecaster_from_bson", "forecaster_to_torch"]


def from_aeon(X):
    """aeon / sktime layout -> ours.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_channels, n_timesteps) or list of (n_channels, n_timesteps_i)
        A 2-D array ``(n_samples, n_timesteps)`` is aeon's "numpy2D", univariate
        series; so is a 1-D case in the list. A DataFrame whose rows are indexed
        by (case, time step) is the "pd-multiindex" panel, one column per channel; a
        DataFrame whose cells are series is the "nested_univ" format of older sktime
        readers (a row per case, a column per channel); a Series of arrays is a list.

    Returns
    -------
    ndarray of shape (n_samples, n_timesteps, n_channels), or a list of
    (n_timesteps_i, n_channels) arrays for unequal lengths.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_alrnn import from_aeon
    >>> aeon_X = np.arange(12.0).reshape(2, 2, 3)  # 2 cases, 2 channels, 3 steps
    >>> from_aeon(aeon_X)[0]  # steps in rows, channels in columns
    array([[0., 3.],
           [1., 4.],
           [2., 5.]])
    """
    sequences = cells_as_sequences(X)
    # "pd-multiindex" (rows of (case, time step)) and "nested_univ" (a row per case, cells of series) hold
    # the channels in columns already, as ours do; a Series of arrays is a list of aeon's cases.
    if isinstance(sequences, list) and (hasattr(X, "columns") or is_panel_frame(X)):
        cases = [_as_numeric_array(case, np.float64, "X") for case in sequences]  # pandas' NA as NaN
        return np.stack(cases) if len({len(case) for case in cases}) == 1 else cases
    refuse_pivoted_features(X)
    X = sequences
    if isinstance(X, (list, tuple)):
        out = []
        for i, seq in enumerate(X):
            seq = np.asarray(seq)
            seq = seq[None] if seq.ndim == 1 else seq
            if seq.ndim != 2:
                raise ValueError(f"aeon's np-list holds 2-D (n_channels, n_timesteps) arrays; item {i} has shape {seq.shape}.")
            if out and seq.shape[0] != out[0].shape[1]:
                raise ValueError(
                    f"aeon's np-list holds cases of the same channels; item 0 has {out[0].shape[1]}, "
                    f"item {i} {seq.shape[0]} (shape {seq.shape}, channels first)."
                )
            out.append(np.ascontiguousarray(seq.T))
        return out
    X = np.asarray(X)
    X = X[:, None] if X.ndim == 2 else X
    if X.ndim != 3:
        raise ValueError(
            "Expected an aeon array of shape (n_samples, n_channels, n_timesteps), or (n_samples, n_timesteps) "
            f"for univariate series; got shape {X.shape}."
        )
    return np.ascontiguousarray(np.transpose(X, (0, 2, 1)))


def to_aeon(X):
    """Ours -> aeon / sktime layout; the inverse of :func:`from_aeon`.

    A 3-D array without padding becomes ``(n_samples, n_channels, n_timesteps)``;
    ragged input (a list, or NaN padding) becomes a list of
    ``(n_channels, n_timesteps_i)`` arrays.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_alrnn import to_aeon
    >>> to_aeon(np.zeros((4, 10, 2))).shape
    (4, 2, 10)
    >>> [case.shape for case in to_aeon([np.zeros((3, 2)), np.ones((2, 2))])]  # unequal lengths: aeon's np-list
    [(2, 3), (2, 2)]
    """
    X = cells_as_sequences(X)
    if isinstance(X, (list, tuple)):
        padded, lengths = check_sequences(X)
    else:
        X = np.asarray(X)
        X3 = X[:, :, None] if X.ndim == 2 else X
        padded, lengths = check_sequences(X3, dtype=X3.dtype if X3.dtype.kind == "f" else np.float64)
        if np.all(lengths == X3.shape[1]):
            return np.ascontiguousarray(np.transpose(X3, (0, 2, 1)))
    return [np.ascontiguousarray(padded[i, :length].T) for i, length in enumerate(lengths)]


def from_tslearn(X):
    """tslearn's NaN-padded ``(n_samples, max_timesteps, n_features)`` -> ours (the same array, validated).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_alrnn import from_tslearn
    >>> from_tslearn(np.array([[[1.0], [2.0]], [[3.0], [np.nan]]])).shape
    (2, 2, 1)
    """
    X = _as_numeric_array(X, np.float64, "X")  # complex refused (a float cast would drop the imaginary part)
    if X.ndim != 3:
        raise ValueError(f"Expected a tslearn array of shape (n_samples, max_timesteps, n_features); got {X.shape}.")
    check_sequences(X)
    return X


def to_tslearn(X):
    """Ours (3-D, 2-D univariate, list or NaN-padded) -> tslearn's NaN-padded 3-D array.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_alrnn import to_tslearn
    >>> to_tslearn([np.zeros((3, 1)), np.ones((2, 1))])[:, :, 0]
    array([[ 0.,  0.,  0.],
           [ 1.,  1., nan]])
    """
    padded, lengths = check_sequences(X)
    padded = padded.copy()  # check_sequences may return X itself
    padded[np.arange(padded.shape[1])[None, :] >= lengths[:, None]] = np.nan
    return padded
