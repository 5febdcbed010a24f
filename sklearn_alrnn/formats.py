"""Converters between the package's layout and those of aeon / sktime and tslearn.

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

from ._validation import cells_as_sequences, check_sequences

__all__ = ["from_aeon", "to_aeon", "from_tslearn", "to_tslearn"]


def from_aeon(X):
    """aeon / sktime layout -> ours.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_channels, n_timesteps) or list of (n_channels, n_timesteps_i)

    Returns
    -------
    ndarray of shape (n_samples, n_timesteps, n_channels), or a list of
    (n_timesteps_i, n_channels) arrays for unequal lengths.
    """
    if isinstance(X, (list, tuple)):
        out = []
        for i, seq in enumerate(X):
            seq = np.asarray(seq)
            if seq.ndim != 2:
                raise ValueError(f"aeon's np-list holds 2-D (n_channels, n_timesteps) arrays; item {i} has shape {seq.shape}.")
            out.append(np.ascontiguousarray(seq.T))
        return out
    X = np.asarray(X)
    if X.ndim != 3:
        raise ValueError(f"Expected an aeon array of shape (n_samples, n_channels, n_timesteps); got shape {X.shape}.")
    return np.ascontiguousarray(np.transpose(X, (0, 2, 1)))


def to_aeon(X):
    """Ours -> aeon / sktime layout; the inverse of :func:`from_aeon`.

    A 3-D array without padding becomes ``(n_samples, n_channels, n_timesteps)``;
    ragged input (a list, or NaN padding) becomes a list of
    ``(n_channels, n_timesteps_i)`` arrays.
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
    """tslearn's NaN-padded ``(n_samples, max_timesteps, n_features)`` -> ours (the same array, validated)."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 3:
        raise ValueError(f"Expected a tslearn array of shape (n_samples, max_timesteps, n_features); got {X.shape}.")
    check_sequences(X)
    return X


def to_tslearn(X):
    """Ours (3-D, 2-D univariate, list or NaN-padded) -> tslearn's NaN-padded 3-D array."""
    padded, lengths = check_sequences(X)
    padded = padded.copy()  # check_sequences may return X itself
    padded[np.arange(padded.shape[1])[None, :] >= lengths[:, None]] = np.nan
    return padded
