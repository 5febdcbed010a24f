"""What a sequence-to-one readout sees: the last valid state, or a pooling over valid steps.

``readout="last"`` reads ``z_T`` at each sequence's last valid step, the
classical RNN readout; ``"mean"`` and ``"max"`` pool the states ``z_1 .. z_T``
over the valid steps only (never over padding). Pooling gives every step a
direct path to the loss, which is what lets a small training set of long
sequences train at all: the gradient need not survive hundreds of steps of
backpropagation. ``"mean+max"`` concatenates the two poolings, so the readout
matrix ``B`` has ``2 M`` columns (mean features first). ``"positive_mean+max"``
reads the mean of the positive part ``max(z, 0)`` and the maximum of each unit:
how long and how far a unit's state stays above zero, the smooth cousin of
MiniRocket's proportion of positive values; for a linear unit, a filtered copy
of the input, it is a nonlinear summary that neither the mean nor the maximum
gives. ``"mean+last"`` reads the mean and the last state. ``"auto"`` chooses at
the first fit: for the classifier "positive_mean+max" for dense sequences at
least ``LONG_SEQUENCE_MEAN_LENGTH`` steps long on average, "max" otherwise; for
the regressor, when it stops early, "mean+last" from ``SEQUENCES_PER_READOUT_COLUMN``
training sequences per readout column on, "mean" otherwise.

The pooling works on per-step states ``H`` (n, T, M) from the engine, and its
gradient (exact, with max's gradient going to the first step attaining the
maximum, the positive part's to the steps above zero) goes back to the engine
as per-step state gradients.
"""

import numpy as np

from ._kernels.pooling import (
    add_max_gradient,
    add_mean_gradient,
    max_over_valid_steps,
    mean_over_valid_steps,
)
from ._warnings import warn_user

#: Each readout's poolings, in the order of their M columns of ``B``.
POOLINGS = {
    "last": (),
    "mean": ("mean",),
    "max": ("max",),
    "mean+max": ("mean", "max"),
    "positive_mean+max": ("positive_mean", "max"),
    "mean+last": ("mean", "last"),
}
READOUTS = tuple(POOLINGS)

#: With ``readout="auto"``, a first fit on dense sequences at least this long on average reads
#: "positive_mean+max", shorter ones "max" (RESULTS.md: over 20 seeds the positive part's mean
#: lifted the archive sets of 100 steps and more, PickupGestureWiimoteZ +0.027, and cost the
#: sets of 24-84 steps and the 30-step sign-memory task).
LONG_SEQUENCE_MEAN_LENGTH = 100
#: With ``readout="auto"``, a regressor that stops early reads the last state beside the mean
#: ("mean+last") from this many training sequences per column of that readout on, the mean alone
#: below or without early stopping (RESULTS.md, "Regression targets at the end of the window": the
#: last state lifted targets at the window's end; with more columns than sequences,
#: CardanoSentiment's noise was fitted; without a validation split to stop on, its fits stalled on
#: a plateau of scikit-learn's check data that the loss rule ends).
SEQUENCES_PER_READOUT_COLUMN = 2


def chosen_readout(readout, lengths, tokens, per_step, regression=False, n_hidden=None, early_stopping=False):
    """The readout a first fit on sequences of these ``lengths`` uses: ``readout`` itself
    unless it is "auto" (per-step models read every step; theirs is then unused)."""
    if readout != "auto":
        return readout
    if regression:
        columns = n_readout_features("mean+last", n_hidden)
        enough = lengths.shape[0] >= SEQUENCES_PER_READOUT_COLUMN * columns
        return "mean+last" if early_stopping and enough else "mean"
    long_sequences = not (tokens or per_step) and lengths.mean() >= LONG_SEQUENCE_MEAN_LENGTH
    return "positive_mean+max" if long_sequences else "max"


def n_readout_features(readout, n_hidden, per_step=False):
    """Columns of the readout matrix ``B``: a per-step readout reads each state as it is."""
    return n_hidden if per_step else max(1, len(POOLINGS[readout])) * n_hidden


def pool_states(H, lengths, readout):
    """Pooled features (n, F) of per-step states ``H`` (n, T, M), and what their gradient needs."""
    n, _, M = H.shape
    pooled = np.empty((n, n_readout_features(readout, M)), dtype=H.dtype)
    context = {}
    for k, pooling in enumerate(POOLINGS[readout]):
        columns = pooled[:, k * M : (k + 1) * M]
        if pooling == "max":
            context["argmax"] = np.empty((n, M), dtype=np.int64)
            max_over_valid_steps(H, lengths, columns, context["argmax"])
        elif pooling == "last":
            columns[:] = H[np.arange(n), lengths - 1]
        else:
            mean_over_valid_steps(H, lengths, columns, pooling == "positive_mean")
            context["H"] = H
    return pooled, context


def pool_gradient(d_pooled, lengths, readout, n_timesteps, context):
    """dL/dH (n, T, M) from dL/d(pooled features) (n, F); zero at padding."""
    poolings = POOLINGS[readout]
    n, M = d_pooled.shape[0], d_pooled.shape[1] // len(poolings)
    dH = np.zeros((n, n_timesteps, M), dtype=d_pooled.dtype)
    for k, pooling in enumerate(poolings):
        d_columns = np.ascontiguousarray(d_pooled[:, k * M : (k + 1) * M])
        if pooling == "max":
            add_max_gradient(d_columns, context["argmax"], dH)
        elif pooling == "last":
            dH[np.arange(n), lengths - 1] += d_columns
        else:
            add_mean_gradient(d_columns, context["H"], lengths, dH, pooling == "positive_mean")
    return dH


def overflowed_sequences(output, lengths, per_step):
    """Indices of the sequences whose outputs at their valid steps are not finite: their hidden
    states left the floating-point range (a fitted map that grows, run for longer than it can)."""
    if per_step:
        output = np.where(np.arange(output.shape[1])[None, :, None] < lengths[:, None, None], output, 0.0)
    return np.flatnonzero(~np.all(np.isfinite(output.reshape(output.shape[0], -1)), axis=1))


def warn_of_overflow(output, lengths, per_step):
    """A RuntimeWarning naming the sequences whose outputs overflowed; those outputs become NaN."""
    overflowed = overflowed_sequences(output, lengths, per_step)
    if overflowed.size:
        first = int(overflowed[0])
        warn_user(
            f"The hidden states of {overflowed.size} of {output.shape[0]} sequences (the first: sequence {first}, "
            f"{int(lengths[first])} steps) left the floating-point range: the fitted network amplifies some states "
            "from step to step, and these sequences are longer than it can follow. Their outputs are NaN; "
            "shorten them (for instance to their last steps) or fit on sequences as long.",
            RuntimeWarning,
        )
        if per_step:  # the steps before a state overflowed keep their outputs
            output[~np.all(np.isfinite(output), axis=-1)] = np.nan
        else:
            output[overflowed] = np.nan
    return overflowed


def refuse_labels_of_overflowed(output, lengths, per_step):
    """A ValueError naming the sequences whose scores overflowed: no label can be read from NaN
    (``argmax`` would give the first class without a word)."""
    overflowed = overflowed_sequences(output, lengths, per_step)
    if overflowed.size:
        raise ValueError(
            f"No label can be predicted for sequences {overflowed[:10].tolist()}{' ...' if overflowed.size > 10 else ''}: "
            "their hidden states left the floating-point range (see the RuntimeWarning). predict_proba gives the "
            "other sequences' probabilities and NaN for these."
        )


def rescale_readout(B, b, target_mean, target_scale, to_training):
    """Convert the regressor's readout ``B``, ``b`` in place from the user's units to standardised
    targets (``to_training``) or back (``_targets.target_moments``)."""
    mean, scale = (v.astype(b.dtype) for v in (target_mean, target_scale))
    if to_training:
        B /= scale[:, None]
        b -= mean
        b /= scale
    else:
        B *= scale[:, None]
        b *= scale
        b += mean


def softmax_of_one_logit(B, b):
    """A binary model's single readout row w and bias (a sigmoid's logit, as a binary cross-entropy
    trains it) as the two rows [0; w] and biases [0, b] of a softmax over two classes, whose second
    probability is that sigmoid; any other B and b as given."""
    if np.ndim(B) != 2 or np.shape(B)[0] != 1 or np.size(b) != 1:  # np.size(None) is 1: no bias
        return B, b
    B = np.asarray(B, dtype=float)
    return np.vstack([np.zeros_like(B), B]), None if b is None else np.r_[0.0, np.ravel(np.asarray(b, dtype=float))]
