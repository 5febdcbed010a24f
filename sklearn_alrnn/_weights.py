"""Sample and step weights: which (sequence, step) targets a loss counts and how much, which
sequences count at all (weight 0 means absent), and the early-stopping split among those that do."""

import numpy as np
from sklearn.model_selection import train_test_split

from ._validation import _as_numeric_array, cells_as_sequences, span_steps, step_mask

__all__ = [
    "MIN_VALIDATION_SEQUENCES", "step_weights", "valid_targets", "sequences_carrying_weight", "check_targets_carry_weight",
    "early_stopping_split", "check_step_weight", "refuse_step_weight", "target_step_weights", "scored_step_weights",
]


def step_weights(lengths, n_timesteps, sample_weight, step_weight=None):
    """(n, T) weight of each (sequence, step) in a per-step loss: the sequence's weight times the
    step's (``step_weight``, 1 when None), 0 beyond each length."""
    weight = step_mask(lengths, n_timesteps) * np.asarray(sample_weight)[:, None]
    return weight if step_weight is None else weight * step_weight[:, :n_timesteps]


def valid_targets(Y, lengths, per_step, sample_weight, step_weight=None):
    """``(rows, weights)``: the target rows the loss counts and their weights.

    Per step, every valid (sequence, step) row of ``Y`` (n, T, O) with its
    sequence's weight times its step weight; otherwise ``Y`` (n, O) and
    ``sample_weight`` as given.
    """
    if not per_step:
        return Y, sample_weight
    mask = step_mask(lengths, Y.shape[1])
    return Y[mask], step_weights(lengths, Y.shape[1], sample_weight, step_weight)[mask]


#: Early stopping needs this many held-out sequences (R^2 is undefined on one); a split that
#: holds out fewer trains on all sequences without it, with a warning.
MIN_VALIDATION_SEQUENCES = 2


def sequences_carrying_weight(sample_weight, step_weight):
    """(n,) bool: the sequences whose targets carry weight (a weight above 0, and per step some
    step weight above 0); the others count as absent."""
    weighted = sample_weight > 0
    if step_weight is not None:
        weighted &= step_weight.any(axis=1)
    return weighted


def check_targets_carry_weight(sample_weight, step_weight):
    """``sequences_carrying_weight``, or a ``ValueError`` where none does (scikit-learn before 1.7
    lets all-zero sample weights through, and step weights, or NaN targets, can leave no weighted
    target)."""
    if not sample_weight.any():
        raise ValueError("Sample weights must contain at least one non-zero number.")
    weighted = sequences_carrying_weight(sample_weight, step_weight)
    if not weighted.any():
        raise ValueError("No target carries weight: each sequence with a sample_weight above 0 has step_weight 0 "
                         "(or a NaN target) at every step.")
    return weighted


def early_stopping_split(labels, weighted, validation_fraction, rng):
    """Indices of the training and validation sequences, or None when the split leaves no
    training sequence or fewer than ``MIN_VALIDATION_SEQUENCES`` to score.

    Only sequences that carry weight (``weighted``) are held out, stratified by ``labels`` where
    given (and every class can be); the others, which count for nothing, stay in training, so that
    neither part is left without weight.
    """
    candidates = np.flatnonzero(weighted)
    n_validation = int(np.ceil(validation_fraction * len(candidates)))  # as train_test_split rounds
    if n_validation < MIN_VALIDATION_SEQUENCES or n_validation >= len(candidates):
        return None
    try:
        train, val = train_test_split(
            candidates, test_size=validation_fraction, random_state=rng,
            stratify=None if labels is None else labels[candidates],
        )
    except ValueError:  # a class too small to stratify: split at random
        train, val = train_test_split(candidates, test_size=validation_fraction, random_state=rng)
    return np.concatenate([train, np.flatnonzero(~weighted)]), val


def check_step_weight(step_weight, lengths, n_timesteps):
    """``step_weight`` as a float (n, T) array, 0 beyond each length.

    Accepts a 2-D array covering at least the T steps of X, or a list (1-D
    object array, Series) of 1-D arrays of each sequence's length. Weights
    must be finite and non-negative, and some step must carry weight.
    """
    step_weight = cells_as_sequences(step_weight, "step_weight", panels=False)
    if isinstance(step_weight, (list, tuple)) and any(np.ndim(w) == 1 for w in step_weight):
        if len(step_weight) != len(lengths):
            raise ValueError(f"step_weight has {len(step_weight)} sequences; X has {len(lengths)}.")
        weights = np.zeros((len(lengths), n_timesteps))
        for i, (w, length) in enumerate(zip(step_weight, lengths)):
            w = _as_numeric_array(w, np.float64, "step_weight")
            if w.shape not in ((length,), (n_timesteps,)):  # as long as its sequence, or padded as X is
                raise ValueError(f"step_weight[{i}] has shape {w.shape}; sequence {i} has {length} steps.")
            weights[i, :length] = w[:length]
    else:
        weights = _as_numeric_array(step_weight, np.float64, "step_weight")
        if weights.ndim != 2 or weights.shape[0] != len(lengths) or weights.shape[1] < lengths.max(initial=0):
            raise ValueError(
                f"step_weight must have shape (n_samples, n_timesteps) = ({len(lengths)}, {n_timesteps}) "
                f"or be a list of per-sequence arrays; got shape {weights.shape}."
            )
        weights = span_steps(weights, n_timesteps)
        weights = np.where(step_mask(lengths, n_timesteps), weights, 0.0)
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise ValueError("step_weight must be finite and non-negative (0 means no target at that step).")
    if not (weights > 0).any():
        raise ValueError("step_weight is 0 at every step: there is no target to learn.")
    return weights


def refuse_step_weight(step_weight, because):
    """A ``ValueError`` where ``step_weight`` is given for one target per sequence (``because`` says
    where that comes from: the y given, or the fitted model)."""
    if step_weight is not None:
        raise ValueError(f"step_weight weighs per-step targets; {because}.")


def target_step_weights(step_weight, Y, lengths, per_step):
    """The step weights of targets ``Y``: None for one target per sequence (where ``step_weight``
    is refused); per step, the checked weights, 0 where a target is NaN (set to 0 in ``Y``)."""
    if not per_step:
        refuse_step_weight(step_weight, "y has one target per sequence")
        return None
    missing = np.isnan(Y).any(axis=-1)
    if step_weight is None and not missing.any():
        return None
    if step_weight is None:
        weights = step_mask(lengths, Y.shape[1]).astype(float)
    else:
        weights = check_step_weight(step_weight, lengths, Y.shape[1])
    if missing.any():
        Y[missing] = 0.0
        weights = np.where(missing, 0.0, weights)
        if not (weights > 0).any():
            raise ValueError("Every target of y is NaN (or weighted 0): there is no target to learn.")
    return weights


def scored_step_weights(present, step_weight, lengths):
    """(n, T) weight of each step in a per-step score: 0 where the step has no target (``present``
    False: a NaN target or missing label), times ``step_weight`` where given, as fit reads it."""
    weights = present.astype(float)
    return weights if step_weight is None else weights * check_step_weight(step_weight, lengths, present.shape[1])
