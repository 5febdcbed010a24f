"""What a sequence-to-one readout sees: the last valid state, or a pooling over valid steps.

``readout="last"`` reads ``z_T`` at each sequence's last valid step, the
classical RNN readout; ``"mean"`` and ``"max"`` pool the states ``z_1 .. z_T``
over the valid steps only (never over padding). Pooling gives every step a
direct path to the loss, which is what lets a small training set of long
sequences train at all: the gradient need not survive hundreds of steps of
backpropagation. ``"mean+max"`` concatenates the two poolings, so the readout
matrix ``B`` has ``2 M`` columns (mean features first).

The pooling works on per-step states ``H`` (n, T, M) from the engine, and its
gradient (exact, with max's gradient going to the first step attaining the
maximum) goes back to the engine as per-step state gradients.
"""

import numpy as np

from ._kernels.pooling import (
    add_max_gradient,
    add_mean_gradient,
    max_over_valid_steps,
    mean_over_valid_steps,
)

READOUTS = ("last", "mean", "max", "mean+max")


def n_readout_features(readout, n_hidden):
    """Columns of the readout matrix ``B``."""
    return 2 * n_hidden if readout == "mean+max" else n_hidden


def pool_states(H, lengths, readout):
    """Pooled features (n, F) of per-step states ``H`` (n, T, M), and what their gradient needs."""
    n, _, M = H.shape
    pooled = np.empty((n, n_readout_features(readout, M)), dtype=H.dtype)
    argmax = None
    if readout in ("mean", "mean+max"):
        mean_over_valid_steps(H, lengths, pooled[:, :M])
    if readout in ("max", "mean+max"):
        argmax = np.empty((n, M), dtype=np.int64)
        max_over_valid_steps(H, lengths, pooled[:, -M:], argmax)
    return pooled, argmax


def pool_gradient(d_pooled, lengths, readout, n_timesteps, argmax):
    """dL/dH (n, T, M) from dL/d(pooled features) (n, F); zero at padding."""
    n, M = d_pooled.shape[0], d_pooled.shape[1] // (2 if readout == "mean+max" else 1)
    dH = np.zeros((n, n_timesteps, M), dtype=d_pooled.dtype)
    if readout in ("mean", "mean+max"):
        add_mean_gradient(np.ascontiguousarray(d_pooled[:, :M]), lengths, dH)
    if readout in ("max", "mean+max"):
        add_max_gradient(np.ascontiguousarray(d_pooled[:, -M:]), argmax, dH)
    return dH
