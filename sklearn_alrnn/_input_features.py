"""The features an estimator derives from its inputs: moments for standardisation (of all values,
or of each sequence, overflow-safe), per-sequence reading, first differences and elapsed steps."""

import numpy as np

from ._validation import step_mask
from ._weights import step_weights


def feature_moments(values, weights=None):
    """Weighted mean and standard deviation of each column of ``values`` (n_values, n_features).

    Taken on the values divided by each column's peak, so that values near the
    floating-point limit (1e300) do not overflow; a constant column (standard
    deviation below 1e-12 of its magnitude) gets scale 1.
    """
    if values.shape[1] == 0:  # no columns (a forecaster without exogenous inputs)
        return np.zeros(0), np.ones(0)
    peak = np.max(np.abs(values), axis=0).astype(float) if len(values) else np.ones(values.shape[1])
    peak[~(peak > 0)] = 1.0
    unit = values / peak
    mean = np.average(unit, axis=0, weights=weights)
    std = np.sqrt(np.average((unit - mean) ** 2, axis=0, weights=weights))
    return peak * mean, np.where(std > 1e-12 * (1 + np.abs(mean)), peak * std, 1.0)


def sequence_moments(X, lengths):
    """Mean and standard deviation (n, K) of each sequence's features over its valid steps, taken
    on the values over each sequence's peak so that values near 1e300 do not overflow."""
    mask = step_mask(lengths, X.shape[1])[..., None]
    counts = np.maximum(lengths, 1)[:, None]
    peak = np.abs(X * mask).max(axis=1)
    peak[~(peak > 0)] = 1.0
    unit = X / peak[:, None]
    unit_mean = (unit * mask).sum(axis=1) / counts
    unit_std = np.sqrt((((unit - unit_mean[:, None]) * mask) ** 2).sum(axis=1) / counts)
    return peak * unit_mean, peak * unit_std


def read_per_sequence(X, lengths, features, floor):
    """``X`` (n, T, K) with the ``features`` (k indices) read per sequence: each sequence's values
    minus their mean over its valid steps, divided by their standard deviation (at least ``floor``,
    one per listed feature), with that mean and the log of that standard deviation appended as
    constant features, the k means then the k log deviations: (n, T, K + 2k), zero beyond each
    length. Nothing is lost: a value is its sequence's mean plus the exponential of the log
    deviation times the read value."""
    mask = step_mask(lengths, X.shape[1])[..., None]
    mean, std = sequence_moments(X[..., features], lengths)
    std = np.maximum(std, floor)
    read = np.zeros(X.shape[:2] + (X.shape[2] + 2 * len(features),), dtype=X.dtype)
    read[..., : X.shape[2]] = X * mask
    read[..., features] = (X[..., features] - mean[:, None]) / std[:, None] * mask
    read[..., X.shape[2] :] = np.concatenate([mean, np.log(std)], axis=1)[:, None] * mask
    return read


def step_differences(X, lengths):
    """First differences ``X[:, t] - X[:, t - 1]`` of padded sequences (n, T, K); 0 at each
    sequence's first step and beyond its length."""
    differences = np.zeros_like(X)
    differences[:, 1:] = X[:, 1:] - X[:, :-1]
    differences[~step_mask(lengths, X.shape[1])] = 0.0
    return differences


def _sequence_step_weights(lengths, n_timesteps, sample_weight):
    """(n, T) weight of each valid step: its sequence's ``sample_weight`` (1 when None)."""
    return step_weights(lengths, n_timesteps, np.ones(len(lengths)) if sample_weight is None else sample_weight)


def _weighted_step_moments(values, weights):
    """Weighted mean and standard deviation of each feature of per-step ``values`` (n, T, K) over
    the steps of positive ``weights`` (n, T); 0 and 1 where there are none."""
    counted = weights > 0
    if not counted.any():
        return np.zeros(values.shape[2]), np.ones(values.shape[2])
    return feature_moments(values[counted], weights[counted])


def difference_scale(X, lengths, sample_weight=None):
    """Standard deviation of each feature's first differences over the steps that have one,
    each step weighted by its sequence's ``sample_weight`` (1 when None)."""
    weights = _sequence_step_weights(lengths, X.shape[1], sample_weight)
    weights[:, 0] = 0.0  # a first step has no difference
    return _weighted_step_moments(step_differences(X, lengths), weights)[1]


def with_differences(X, lengths, scale):
    """``X`` with its first differences divided by ``scale`` appended as extra features, (n, T, 2K)."""
    return np.concatenate([X, (step_differences(X, lengths) / scale).astype(X.dtype, copy=False)], axis=2)


def elapsed_steps_moments(lengths, n_timesteps, sample_weight=None):
    """Mean and standard deviation of the step index ``t`` (0 at each sequence's first step) over
    the valid steps, each weighted by its sequence's ``sample_weight`` (1 when None)."""
    steps = np.broadcast_to(np.arange(n_timesteps, dtype=float)[:, None], (len(lengths), n_timesteps, 1))
    mean, std = _weighted_step_moments(steps, _sequence_step_weights(lengths, n_timesteps, sample_weight))
    return np.array([mean[0], std[0]])


def with_elapsed_steps(X, lengths, moments):
    """``X`` (n, T, K) with the standardised step index ``(t - mean) / std`` appended as a last
    feature (n, T, K + 1), 0 beyond each length."""
    elapsed = (np.arange(X.shape[1]) - moments[0]) / moments[1]
    column = np.where(step_mask(lengths, X.shape[1]), elapsed, 0.0).astype(X.dtype, copy=False)
    return np.concatenate([X, column[..., None]], axis=2)
