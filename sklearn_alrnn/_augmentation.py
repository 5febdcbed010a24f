"""Random time warps of training sequences: the classifier's data augmentation (``time_warping``).

Every epoch each training sequence is read along its own random monotone warp of the time axis,
the sequence's values linearly interpolated at the warped times. The warp's speed is drawn at
``WARP_KNOTS`` knots spread evenly over the sequence, ``max(0.1, 1 + strength * N(0, 1))``, and
interpolated between them; the warped clock is rescaled to end where the sequence ends, so the
first and last values and the length stay, and only when things happen in between changes. A
small training set then teaches the network what nearest-neighbour classification with dynamic
time warping assumes: that a pattern a little early, late, fast or slow is the same pattern.
(Um et al. 2017, "Data augmentation of wearable sensor data", call it time warping; Iwana and
Uchida 2021 survey it for time-series classification.)
"""

import numpy as np

from ._input_features import sequence_moments
from ._kernels._cache import cached_njit
from ._validation import step_mask

#: Knots of a warp's random speed, both ends included. Screened 4 to 34 on nine archive sets
#: (RESULTS.md): 18 best.
WARP_KNOTS = 18
#: The slowest a warped clock runs, as a fraction of the original speed (lower draws are raised to it).
MIN_WARP_SPEED = 0.1
#: ``time_warping="auto"``'s strength: the standard deviation of the speed at a knot.
AUTO_WARP_STRENGTH = 0.3
#: "auto" warps inputs whose consecutive steps correlate at least this much: sampled smooth
#: signals (the archive sets: 0.50-0.99), not sequences of independent draws (the research
#: tasks: -0.05-0.0), where a value moved by a step is a different value, not a delay.
AUTO_WARP_MIN_AUTOCORRELATION = 0.3


def lag_one_autocorrelation(X, lengths, block_values=2**22):
    """The features' mean lag-one autocorrelation over the valid steps: each sequence's values
    about its own mean, the products of consecutive steps over the squares, pooled over the
    sequences. X is (n, T, K) padded; 0.0 for a feature that never varies. Read in blocks of
    about ``block_values`` values, so that a large training set is not copied whole. The sums are
    kept in units of each feature's largest centred value so far, so that values near 1e200,
    whose products overflow, give the ratio they give in other units."""
    lagged = squares = scale = np.zeros(X.shape[2])
    rows = max(1, block_values // max(1, X.shape[1] * X.shape[2]))
    for start in range(0, X.shape[0], rows):
        block, n_valid = X[start : start + rows], lengths[start : start + rows]
        valid = step_mask(n_valid, X.shape[1])[..., None]
        centred = np.where(valid, block - sequence_moments(block, n_valid)[0][:, None], 0.0)
        new_scale = np.maximum(scale, np.abs(centred).max(axis=(0, 1)))
        unit = np.where(new_scale > 0, new_scale, 1.0)
        lagged, squares = lagged * (scale / unit) ** 2, squares * (scale / unit) ** 2
        centred, scale = centred / unit, new_scale
        lagged = lagged + (centred[:, 1:] * centred[:, :-1]).sum(axis=(0, 1))
        squares = squares + (centred**2).sum(axis=(0, 1))
    varying = np.asarray(squares) > 0
    if not varying.any():
        return 0.0
    return float(np.mean(lagged[varying] / squares[varying]))


def warp_speeds(n_sequences, strength, random_state):
    """Knot speeds of one epoch's warps, a row of ``WARP_KNOTS`` per sequence, drawn from
    ``random_state`` (a ``RandomState``)."""
    return np.maximum(1.0 + strength * random_state.standard_normal((n_sequences, WARP_KNOTS)), MIN_WARP_SPEED)


def time_warped(X, lengths, speeds, n_columns):
    """A copy of padded sequences X (n, T, K) whose first ``n_columns`` features are read along
    the time warp of each sequence's knot speeds (a row of ``speeds``); the other columns, like
    the clock of ``elapsed_steps``, and the steps beyond each length are copied as they are."""
    warped = X.copy()
    _warp_sequences(X, lengths.astype(np.int64, copy=False), speeds, n_columns, warped)
    return warped


@cached_njit(nogil=True)
def _warp_sequences(X, lengths, speeds, n_columns, out):
    """``out[i, t, :n_columns]`` = ``X[i]`` linearly interpolated at the warped time of step t:
    the running sum of the speed, piecewise linear between the knots ``speeds[i]`` spread over
    ``[0, lengths[i] - 1]``, scaled to run from 0 to ``lengths[i] - 1``."""
    n_knots = speeds.shape[1]
    clock = np.empty(X.shape[1])
    for i in range(X.shape[0]):
        length = lengths[i]
        if length < 3:
            continue
        clock[0] = 0.0
        for t in range(1, length):
            position = (t - 1) * (n_knots - 1) / (length - 1)
            knot = min(int(position), n_knots - 2)
            weight = position - knot
            clock[t] = clock[t - 1] + (1.0 - weight) * speeds[i, knot] + weight * speeds[i, knot + 1]
        scale = (length - 1) / clock[length - 1]
        for t in range(1, length - 1):
            at = clock[t] * scale
            step = min(int(at), length - 2)
            weight = at - step
            for k in range(n_columns):
                out[i, t, k] = (1.0 - weight) * X[i, step, k] + weight * X[i, step + 1, k]
