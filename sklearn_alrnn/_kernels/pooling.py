"""Numba kernels of the pooled readouts: pooling over valid steps and its gradient.

They read per-step states ``H`` (n, T, M) on the host (a view of an engine's
trajectories) and loop in memory order; NumPy's ``argmax`` over the time axis
of a (n, T, M) array walks it with a stride and costs as much as the forward
pass.
"""

import numpy as np

from ._cache import cached_njit


@cached_njit(nogil=True)
def max_over_valid_steps(H, lengths, out, argmax):
    """``out[i, j] = max_{t < lengths[i]} H[i, t, j]``, ``argmax`` the first step attaining it."""
    for i in range(H.shape[0]):
        for j in range(H.shape[2]):
            out[i, j] = H[i, 0, j]
            argmax[i, j] = 0
        for t in range(1, lengths[i]):
            for j in range(H.shape[2]):
                if H[i, t, j] > out[i, j]:
                    out[i, j] = H[i, t, j]
                    argmax[i, j] = t


@cached_njit(nogil=True)
def mean_over_valid_steps(H, lengths, out, positive_part):
    """``out[i, j]`` = mean of ``H[i, t, j]`` over ``t < lengths[i]``
    (of ``max(H[i, t, j], 0)`` with ``positive_part``)."""
    # Adding the clipped value instead of skipping the step keeps the loop free of branches and
    # the sums the same to the last bit ("positive_mean+max" with its gradient: 10.7 -> 2.0 ms per
    # batch of 16 x 1,460 steps of random signs, RESULTS.md).
    floor = 0.0 if positive_part else -np.inf
    for i in range(H.shape[0]):
        for j in range(H.shape[2]):
            out[i, j] = 0.0
        for t in range(lengths[i]):
            for j in range(H.shape[2]):
                out[i, j] += max(H[i, t, j], floor)
        for j in range(H.shape[2]):
            out[i, j] /= lengths[i]


@cached_njit(nogil=True)
def add_max_gradient(d_max, argmax, dH):
    """``dH[i, argmax[i, j], j] += d_max[i, j]``."""
    for i in range(d_max.shape[0]):
        for j in range(d_max.shape[1]):
            dH[i, argmax[i, j], j] += d_max[i, j]


@cached_njit(nogil=True)
def add_mean_gradient(d_mean, H, lengths, dH, positive_part):
    """``dH[i, t, j] += d_mean[i, j] / lengths[i]`` for ``t < lengths[i]`` (with ``positive_part``,
    only where ``H[i, t, j] > 0``)."""
    share = np.empty(d_mean.shape[1], dtype=dH.dtype)
    for i in range(d_mean.shape[0]):
        for j in range(d_mean.shape[1]):
            share[j] = d_mean[i, j] / lengths[i]
        for t in range(lengths[i]):
            for j in range(d_mean.shape[1]):
                if positive_part:
                    dH[i, t, j] += share[j] if H[i, t, j] > 0.0 else 0.0
                else:
                    dH[i, t, j] += share[j]
