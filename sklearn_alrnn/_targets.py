"""Targets of the sequence estimators: class labels (one per sequence, or one per step) as the rows
the loss reads, and the scores of per-step outputs over the steps that carry a target."""

import numpy as np
from scipy.sparse import issparse
from sklearn.exceptions import DataConversionWarning
from sklearn.metrics import r2_score
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array

from ._validation import (
    _as_numeric_array, cells_as_sequences, check_sequence_targets, is_missing, refuse_iterators_and_mappings, span_steps,
    step_mask,
)
from ._warnings import warn_user
from ._input_features import feature_moments
from ._weights import step_weights, valid_targets


def class_labels(y, lengths, n_timesteps, per_step):
    """``(labels, counted, missing)``: y as (n,) labels, or per step as (n, T) labels with any valid
    label beyond each sequence's length and at missing steps; ``counted`` are the labels at valid
    steps that carry one (for ``classes_``); ``missing`` (n, T) marks valid steps whose label is
    NaN or None, "no target here" as for the regressor's per-step targets (None per sequence).

    Per step, y is an (n, T') array with T' >= T (entries beyond each length are ignored), an
    (n, T', 1) array (``to_sequences(..., per_step=True)``'s layout) or a list (1-D object array,
    Series) of 1-D arrays, one label per step of each sequence.
    """
    if not per_step:
        refuse_iterators_and_mappings(y, "y")
        _refuse_collections_of_labels(y)
        y = check_array(y, ensure_2d=False, allow_nd=True, dtype=None, input_name="y", ensure_min_samples=0,
                        ensure_all_finite="allow-nan")
        if y.ndim == 2 and y.shape[1] != 1 or y.ndim > 2:
            raise ValueError(
                "ALRNNClassifier expects y of shape (n_samples,) with one label per sequence, or (n_samples, "
                "n_labels) of 0 and 1 with a set of labels per sequence (MultiLabelBinarizer's output; "
                "MultiOutputClassifier fits other columns one by one); per_step=True reads one label per step. Got "
                f"y of shape {y.shape}{'' if y.ndim > 2 else ' with values other than the numbers 0 and 1'}."
            )
        if y.ndim == 2:  # scikit-learn's column_or_1d would name this file as the warning's source
            warn_user("A column-vector y was passed when a 1d array was expected. Please change the shape of y "
                      "to (n_samples,), for example using ravel().", DataConversionWarning)
            y = y[:, 0]
        check_count(y.shape[0], lengths)
        _check_no_missing_labels(y)
        _check_label_types(y)
        return y, y, None
    y = cells_as_sequences(y, "y", panels=False)  # a 1-D object array or Series of label arrays: a list
    if isinstance(y, (list, tuple)) and any(np.ndim(labels) == 1 for labels in y):
        check_count(len(y), lengths)
        sequences = [np.asarray(labels) for labels in y]
        for i, (labels, length) in enumerate(zip(sequences, lengths)):
            if labels.shape not in ((length,), (n_timesteps,)):  # as long as its sequence, or padded as X is
                raise ValueError(f"y[{i}] has shape {labels.shape}; sequence {i} has {length} steps.")
        joined = np.concatenate(sequences)
        labels = np.full((len(lengths), n_timesteps), joined[0], dtype=joined.dtype)
        for i, (sequence, length) in enumerate(zip(sequences, lengths)):
            labels[i, :length] = sequence[:length]
    else:
        labels = check_array(
            y, ensure_2d=False, allow_nd=True, dtype=None, input_name="y", ensure_min_samples=0, ensure_all_finite=False
        )
        if labels.ndim == 3 and labels.shape[2] == 1:
            labels = labels[:, :, 0]
        longest = int(lengths.max(initial=0))
        if labels.ndim != 2 or labels.shape[1] < longest:
            # One label per row of a 2-D X: likely one recording (steps in rows) read as many sequences.
            one_recording = labels.ndim == 1 and len(labels) == len(lengths)
            hint = " One recording with a label per step (its steps in rows) is one sequence: fit X[None], y[None]."
            raise ValueError(
                "per_step=True expects y of shape (n_samples, n_timesteps) or (n_samples, n_timesteps, 1) with "
                f"n_timesteps >= {longest} (X's longest sequence), or a list of per-sequence label arrays (sets of "
                "labels: (n_samples, n_timesteps, n_labels) of 0 and 1, or a list of (n_timesteps_i, n_labels) "
                f"arrays); got y of shape {labels.shape}." + hint * one_recording
            )
        check_count(labels.shape[0], lengths)
        labels = span_steps(labels, n_timesteps, mode="edge")  # steps past the sequences are filled below
    valid = step_mask(lengths, n_timesteps)
    missing = valid & missing_labels(labels)
    counted = labels[valid & ~missing]
    if counted.size == 0:
        raise ValueError("Every per-step label of y is missing (NaN, None or pandas' NA): there is no target to learn.")
    labels[~valid | missing] = counted[0]
    _check_label_types(counted)
    return labels, counted, missing


def _zero_one_table(y, ndim):
    """y as a float array of ``ndim`` dimensions whose last holds two columns or more, all 0 or 1 (or
    NaN), else None. Only 0 and 1: scikit-learn's type_of_target calls any table of two integers, 1
    and 3 say, an indicator; text is class labels."""
    try:
        y = check_array(y, accept_sparse=True, ensure_2d=False, allow_nd=True, dtype=None, input_name="y",
                        ensure_min_samples=0, ensure_all_finite=False)
    except ValueError:  # a ragged list: per-step labels, or a mistake class_labels names
        return None
    y = y.toarray() if issparse(y) else y
    if y.ndim != ndim or y.shape[-1] < 2 or y.dtype.kind in "US" or (
            y.dtype == object and any(isinstance(label, str) for label in y.ravel())):
        return None
    try:
        y = y.astype(np.float64)  # pandas' nullable columns come as objects
    except (TypeError, ValueError):  # None among numbers: a mistake class_labels names
        return None
    known = y[~np.isnan(y)]
    return y if np.isin(known, (0, 1)).all() else None


def _refuse_collections_of_labels(y):
    """Refuse a list of each sequence's labels as such (its tags, of different numbers or in sets):
    sets of labels are 0 / 1 columns, which ``MultiLabelBinarizer`` makes (NumPy's message was
    "inhomogeneous shape", scikit-learn's "Unknown label type")."""
    collections = (list, tuple, set, frozenset)
    if not isinstance(y, (list, tuple)) or not any(isinstance(labels, collections) for labels in y):
        return
    sizes = {len(labels) if isinstance(labels, collections) else None for labels in y}
    if len(sizes) > 1 or any(isinstance(labels, (set, frozenset)) for labels in y):
        raise ValueError("y holds a collection of labels for each sequence; ALRNNClassifier reads sets of labels as "
                         "0 / 1 columns, one per label: pass MultiLabelBinarizer().fit_transform(y) (its classes_ "
                         "name the columns).")


def label_indicator(y, n_timesteps):
    """A sequence-to-one y of several columns of 0 and 1 (``MultiLabelBinarizer``'s output, sparse
    too; a bool table) as an (n, n_labels) int array, each sequence's set of labels; None for
    another y. ``n_timesteps``: X's, to warn of per-step labels given without ``per_step``."""
    refuse_iterators_and_mappings(y, "y")
    y = _zero_one_table(y, ndim=2)
    if y is None:
        return None
    per_step_hint = " For one label per step (NaN: none there), pass per_step=True." if y.shape[1] == n_timesteps else ""
    missing = np.isnan(y)
    if missing.any():
        rows = np.flatnonzero(missing.any(axis=1))
        raise ValueError(f"Input y contains NaN: {rows.size} sequence(s) without their labels, the first {rows[0]}; "
                         "a set of labels per sequence needs every column (0 or 1) of every sequence." + per_step_hint)
    if y.shape[1] == n_timesteps >= 3:
        warn_user(f"y has {n_timesteps} columns of 0 and 1, as many as X has time steps: it is read as a set of "
                  f"{n_timesteps} labels each sequence may carry.{per_step_hint}")
    return (y != 0).astype(np.int64)


def step_label_sets(y, lengths, n_timesteps):
    """Per step, a set of labels at each step: y of shape (n_samples, n_timesteps, n_labels) of 0
    and 1 (two labels or more), or a list of (n_timesteps_i, n_labels) arrays, as an (n,
    n_timesteps, n_labels) float array, NaN at steps without labels (a NaN among a step's columns)
    and beyond each listed sequence; None for another y."""
    y = cells_as_sequences(y, "y", panels=False)
    if not isinstance(y, (list, tuple)):
        sets = _zero_one_table(y, ndim=3)
        if sets is None:
            return None
        check_count(sets.shape[0], lengths)
        if sets.shape[1] < lengths.max(initial=0):
            raise ValueError(f"y's sets of labels cover {sets.shape[1]} time steps; X's longest sequence has "
                             f"{lengths.max()}: expected y of shape (n_samples, {n_timesteps}, n_labels).")
        return span_steps(sets, n_timesteps)
    items = [_zero_one_table(item, ndim=2) for item in y]
    if not items or any(item is None for item in items) or len({item.shape[1] for item in items}) > 1:
        return None
    check_count(len(items), lengths)
    sets = np.full((len(items), n_timesteps, items[0].shape[1]), np.nan)
    for i, (item, length) in enumerate(zip(items, lengths)):
        if len(item) not in (length, n_timesteps):
            raise ValueError(f"y[{i}] has {len(item)} rows of labels; sequence {i} has {length} steps.")
        sets[i, : len(item)] = item
    return sets


def labelled_steps_right(output, y, lengths, classes, multilabel):
    """``(right, present)``, (n, T) each: whether a per-step model's outputs give each step's label
    (every label of its set), and whether the step of y carries one."""
    if not multilabel:
        labels, _, missing = class_labels(y, lengths, output.shape[1], per_step=True)
        return classes[np.argmax(output, axis=-1)] == labels, ~missing
    sets = step_label_sets(y, lengths, output.shape[1])
    if sets is None or sets.shape[-1] != classes.size:
        raise ValueError(f"The model was fitted on sets of {classes.size} labels per step: expected y of shape "
                         f"(n_samples, n_timesteps, {classes.size}) of 0 and 1, or a list of (n_timesteps_i, "
                         f"{classes.size}) arrays.")
    return np.all((output > 0) == (sets > 0.5), axis=-1), ~np.isnan(sets).any(axis=-1)


def missing_labels(labels):
    """Where labels are NaN (float arrays) or missing (object arrays: None, NaN, pandas' NA): steps without a target."""
    if labels.dtype.kind == "f":
        return np.isnan(labels)
    if labels.dtype == object:
        return np.array([is_missing(label) for label in labels.ravel()], dtype=bool).reshape(labels.shape)
    return np.zeros(labels.shape, dtype=bool)


def _check_no_missing_labels(y):
    """Refuse a sequence's missing label (:func:`missing_labels`): a sequence-to-one fit has no step to leave out."""
    missing = np.flatnonzero(missing_labels(y))
    if missing.size:
        raise ValueError(
            f"Input y contains NaN or other missing labels (None, pandas' NA): {missing.size} of them, the first for "
            f"sequence {missing[0]}; every sequence needs a class label: leave the unlabelled sequences out of X and y."
        )


def _check_label_types(labels):
    """Refuse labels that cannot be sorted into ``classes_`` (strings mixed with numbers or None)."""
    if labels.dtype == object:
        kinds = {str if isinstance(label, str) else type(label) for label in labels}
        if len(kinds) > 1 and str in kinds:
            names = sorted(kind.__name__ for kind in kinds)
            raise ValueError(
                f"y mixes label types {names}; class labels must be all strings or all numbers "
                "(a missing label such as None has no class)."
            )
    check_classification_targets(labels)


def check_count(n_rows, lengths, noun="labels"):
    if n_rows != lengths.shape[0]:
        raise ValueError(
            f"X and y have inconsistent numbers of samples: X has {lengths.shape[0]} sequences, y has {n_rows} {noun}."
        )


def padded_step_targets(y, lengths, n_timesteps):
    """Per-step regression targets given one item per sequence, item i of shape ``(lengths[i],)`` or
    ``(lengths[i], n_outputs)`` (or as long as X's padded time axis, ``n_timesteps``), as a NaN-padded
    ``(n, n_timesteps, n_outputs)`` array: a list of items of different lengths, or of NumPy arrays (a
    1-D object array or pandas Series of items too) each as long as its sequence or X's time axis,
    whether or not the sequences differ in length. None for a table of n rows: a 2-D array, or a list
    of equally long lists of numbers, the way a table is written."""
    cells = cells_as_sequences(y, "y", panels=False)
    held_in_cells, y = cells is not y, cells
    if not isinstance(y, (list, tuple)) or any(np.ndim(target) == 0 for target in y):
        return None
    sizes = [len(target) for target in y]
    items_of_arrays = held_in_cells or all(isinstance(target, np.ndarray) or hasattr(target, "to_numpy")  # a Series
                                           for target in y)
    one_per_step = len(y) == len(lengths) and all(size in (length, n_timesteps) for size, length in zip(sizes, lengths))
    if len(set(sizes)) < 2 and not (items_of_arrays and one_per_step):
        return None
    check_count(len(y), lengths, "targets")
    hint = "ALRNNClassifier(per_step=True) fits class labels per step"
    targets = [_as_numeric_array(target, np.float64, f"y[{i}]", strings_hint=hint) for i, target in enumerate(y)]
    targets = [target[:, None] if target.ndim == 1 else target for target in targets]
    for i, (target, length) in enumerate(zip(targets, lengths)):
        steps_given = target.shape[0] if target.ndim == 2 else None
        if steps_given not in (length, n_timesteps) or target.shape[1] != targets[0].shape[1]:
            raise ValueError(
                f"y[{i}] has shape {np.shape(y[i])}; a list of per-step targets holds one row per step of each "
                f"sequence, ({length},) or ({length}, {targets[0].shape[1]}) for sequence {i} of {length} steps."
            )
    padded = np.full((len(targets), n_timesteps, targets[0].shape[1]), np.nan)  # X's width, whatever it pads
    for i, target in enumerate(targets):
        padded[i, : len(target)] = target
    return padded


def target_moments(Y, lengths, per_step, sample_weight, step_weight):
    """``(mean, scale)`` of the regressor's targets, weighted like the loss (0 and 1 where none
    carries weight). Training runs on targets standardised by them (the readout converted to and
    from these units around it, ``_readout.rescale_readout``): targets of scale 10 or 0.01 then train
    like targets of scale 1, with the same learning rate, initial readout and L2 penalty."""
    valid, weights = valid_targets(Y, lengths, per_step, sample_weight, step_weight)
    if weights.sum() > 0:
        return feature_moments(valid, weights)
    return np.zeros(Y.shape[-1]), np.ones(Y.shape[-1])


def standardised_targets(Y, lengths, per_step, mean, scale):
    """``(Y - mean) / scale`` in Y's dtype, 0 beyond each sequence's length per step."""
    Y = (Y - mean.astype(Y.dtype)) / scale.astype(Y.dtype)
    if per_step:
        Y[~step_mask(lengths, Y.shape[1])] = 0
    return Y


def regression_targets(y, lengths, n_timesteps, dtype):
    """``(Y, per_step)``: one target row per sequence ((n,) or (n, O)), or per step (3-D y or a list of
    per-sequence target arrays of different lengths, NaN kept inside sequences as "no target here")."""
    padded = padded_step_targets(y, lengths, n_timesteps)
    y = padded if padded is not None else np.asarray(y) if not hasattr(y, "dtypes") else y
    if np.ndim(y) == 3:
        return check_sequence_targets(y, lengths, n_timesteps, dtype=dtype, allow_nan=True), True
    try:
        Y = check_array(y, ensure_2d=False, dtype=dtype, input_name="y", ensure_min_samples=0,
                        ensure_all_finite="allow-nan")
    except ValueError as error:
        if "could not convert string" not in str(error):
            raise
        raise ValueError(f"y holds strings that are not numbers ({error}); ALRNNRegressor predicts numbers, "
                         "ALRNNClassifier class labels.") from None
    if Y.ndim not in (1, 2):
        raise ValueError(
            "ALRNNRegressor expects y of shape (n_samples,), (n_samples, n_outputs) or per-step "
            f"(n_samples, n_timesteps, n_outputs); got y of shape {Y.shape}."
        )
    check_count(Y.shape[0], lengths, "targets")
    if Y.ndim == 2 and Y.shape[1] == n_timesteps >= 3:
        warn_user(f"y has {n_timesteps} columns, as many as X has time steps: it is read as {n_timesteps} outputs of "
                  "each sequence, all from its readout. For a target per step, pass y[:, :, None] (3-D) or a list of "
                  "one array per sequence.")
    missing = np.flatnonzero(np.isnan(Y.reshape(len(Y), -1)).any(axis=1))
    if missing.size:
        raise ValueError(
            f"Input y contains NaN: {missing.size} missing target(s), the first for sequence {missing[0]}; every "
            "sequence needs a target: leave those sequences out of X and y (per-step targets, 3-D (n_samples, "
            "n_timesteps, n_outputs) or a list of arrays, read NaN as no target at a step)."
        )
    return Y, False


def class_targets(labelled, lengths, per_step, fitted_classes, classes, smoothing, dtype):
    """``(Y, classes_)``: one-hot targets of :func:`class_labels`' output over the classes, NaN rows at
    the steps without a label (their step weight becomes 0). The classes are those of a first fit's
    labels, or ``partial_fit``'s ``classes``; later fits (``fitted_classes``) refuse other labels."""
    labels, counted, missing = labelled
    if fitted_classes is None:
        fitted_classes = np.unique(counted if classes is None else np.asarray(classes))
    unknown = np.setdiff1d(counted, fitted_classes)
    if unknown.size:
        raise ValueError(f"y contains labels {unknown.tolist()} that are not among the classes "
                         f"{fitted_classes.tolist()} given on the first call to partial_fit or seen in the first fit.")
    Y = one_hot_rows(labels, fitted_classes, lengths, per_step, dtype, smoothing)
    if missing is not None:
        Y[missing] = np.nan
    return Y, fitted_classes


def label_set_targets(indicator, lengths, fitted_classes, classes, smoothing, dtype):
    """``(Y, classes_)``: sigmoid targets of a y of 0 / 1 columns (:func:`label_indicator`, or per
    step :func:`step_label_sets`, whose NaN marks steps without labels); its
    classes are its columns, 0 .. n_labels - 1 (as ``MLPClassifier``'s), which ``partial_fit``'s
    ``classes`` and a later fit (``fitted_classes``) must match."""
    check_count(indicator.shape[0], lengths)
    columns = np.arange(indicator.shape[-1])
    for given in (fitted_classes, None if classes is None else np.unique(classes)):
        if given is not None and not np.array_equal(given, columns):
            raise ValueError(f"A y of {columns.size} columns of 0 and 1 has the classes {columns.tolist()} (its "
                             f"columns); the model's classes are {given.tolist()}.")
    return indicator.astype(dtype) * (1 - smoothing) + smoothing / 2, columns


def one_hot_rows(labels, classes, lengths, per_step, dtype, smoothing=0.0):
    """Labels as one-hot rows over ``classes`` ((n, C), or (n, T, C) with zero rows beyond each length),
    with ``smoothing`` of each row's weight spread evenly over the classes."""
    n_classes = classes.shape[0]
    Y = np.eye(n_classes, dtype=dtype)[np.searchsorted(classes, labels)] * (1 - smoothing) + smoothing / n_classes
    if per_step:
        Y[~step_mask(lengths, labels.shape[1])] = 0
    return Y


def _counted_weights(lengths, n_timesteps, sample_weight, step_weight):
    """(n, T) weight of each step in a per-step score (1 per sequence when ``sample_weight`` is None)."""
    sample_weight = np.ones(len(lengths)) if sample_weight is None else sample_weight
    return step_weights(lengths, n_timesteps, sample_weight, step_weight)


def per_step_r2(Y, output, lengths, sample_weight, step_weight=None, r2=r2_score):
    """R^2 over the (sequence, step) pairs that carry weight: a sequence's weight times the step's
    (``r2=validation_r2`` for early stopping)."""
    weights = _counted_weights(lengths, Y.shape[1], sample_weight, step_weight)
    counted = weights > 0
    return float(r2(Y[counted], output[counted], sample_weight=weights[counted]))


def validation_r2(Y, output, sample_weight=None):
    """R^2, the regressor's early-stopping score; minus the mean squared error where no target
    varies, since R^2 is then undefined (scikit-learn reports 0 for every imperfect prediction, so
    every epoch would tie and the first would be kept)."""
    if np.all(np.ptp(Y, axis=0) == 0):
        return -float(np.mean(np.average((Y - output) ** 2, axis=0, weights=sample_weight)))
    return float(r2_score(Y, output, sample_weight=sample_weight))


def per_step_accuracy(correct, lengths, sample_weight, step_weight=None):
    """Weighted share of correct steps, ``correct`` (n, T) over the steps that carry weight."""
    weights = _counted_weights(lengths, correct.shape[1], sample_weight, step_weight)
    return float(np.sum(correct * weights) / np.sum(weights))
