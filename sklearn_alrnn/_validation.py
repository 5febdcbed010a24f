"""Coercion and checking of sequence inputs and targets.

Every public entry point turns its ``X`` into a zero-padded float array of shape
``(n_samples, n_timesteps, n_features)`` plus an integer ``lengths`` array; the
kernels never see NaN padding or ragged lists.
"""

from collections.abc import Iterator, Mapping
from numbers import Integral, Real

import numpy as np
from scipy.sparse import issparse
from sklearn.utils.validation import check_array

from ._panels import check_time_dimension, check_time_order, is_panel_frame, panel_sequences
from ._warnings import warn_user

__all__ = [
    "cells_as_sequences", "check_answer_size", "check_no_dates",
    "check_sequences", "check_sequence_targets", "join_blocks", "pad_sequences", "sequence_blocks", "sequences_shape",
    "step_mask", "warn_if_unscaled",
]


#: Input features whose mean or standard deviation exceeds this get a warning:
#: the initialisation assumes inputs of unit scale (a regressor fed a raw
#: feature of scale 1e4 ends 60 times worse than after scaling; RESULTS.md).
UNSCALED_INPUT_LIMIT = 100.0


def as_whole_number(value):
    """``value`` as an int where it is a whole number in another guise (2.0, a 0-d array, as files
    written by other software store P), else unchanged for the caller's check to name."""
    try:
        number = np.asarray(value)
    except Exception:  # noqa: BLE001 - anything odd is left for the caller's message
        return value
    if number.ndim == 0 and number.dtype.kind in "iuf" and np.isfinite(number) and float(number).is_integer():
        return int(number)
    return value


def model_name(model):
    """The class name of a model a function was given, naming ``best_estimator_`` for a fitted search
    (GridSearchCV and its kind), which holds the model rather than being one."""
    return type(model).__name__ + " (a search: pass its best_estimator_)" * hasattr(model, "best_estimator_")


def real_array(value, name):
    """``value`` as a float64 array (NaN and inf kept, for the caller to judge), or a ValueError naming
    ``name`` where it is not real numbers: complex values with imaginary parts, which a cast to float
    drops with only a ComplexWarning, strings, ragged nesting. Complex values whose imaginary parts
    are all zero (as eigen-decompositions return them) are their real parts."""
    try:
        array = np.asarray(value)
        if np.iscomplexobj(array):
            if np.any(array.imag != 0):
                raise ValueError(f"complex, with imaginary parts up to {np.abs(array.imag).max():.3g}")
            array = array.real
        return array.astype(np.float64, copy=False)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must hold real numbers ({error}).") from None


def is_missing(value):
    """Whether a value (a text, a label) is missing: None, a NaN (Python's or NumPy's), or pandas' NA or
    NaT (the empty cells of "string", nullable integer and datetime columns), told apart without
    importing pandas."""
    if isinstance(value, (float, np.floating)):
        return bool(np.isnan(value))
    return value is None or type(value).__name__ in ("NAType", "NaTType")


def check_counts(minimum=1, **counts):
    """Refuse a count (a generator's size, a number of steps) that is not an integer >= ``minimum``."""
    for name, value in counts.items():
        if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
            raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}.")


def check_range(low, high=np.inf, **values):
    """Refuse a real parameter (a noise level, a probability) that is not a finite number in [low, high]."""
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, Real) or not (low <= value <= high and np.isfinite(value)):
            bounds = f">= {low}" if high == np.inf else f"in [{low}, {high}]"
            raise ValueError(f"{name} must be a real number {bounds}; got {value!r}.")


def warn_if_unscaled(X, lengths):
    """Warn, naming the feature, when an input feature is far from unit scale."""
    valid = X[step_mask(lengths, X.shape[1])]
    if valid.size == 0:
        return
    mean, std = valid.mean(axis=0), valid.std(axis=0)
    worst = int(np.argmax(np.maximum(np.abs(mean), std)))
    if max(abs(mean[worst]), std[worst]) > UNSCALED_INPUT_LIMIT:
        warn_user(
            f"Input feature {worst} has mean {mean[worst]:.3g} and standard deviation {std[worst]:.3g}: "
            "the recurrence trains badly on inputs far from unit scale. Standardise the features "
            "(standardize_inputs=True, or sklearn_alrnn.SequenceScaler in a pipeline).",
            UserWarning,
        )


def step_mask(lengths, n_timesteps):
    """Boolean (n, T): True at the valid steps of each sequence."""
    return np.arange(n_timesteps)[None, :] < lengths[:, None]


def span_steps(per_step, n_timesteps, mode="constant"):
    """Per-step values (n, T', ...) cut or padded (np.pad's ``mode``) along the steps to X's
    ``n_timesteps``: X's padding may run past its longest sequence, and theirs stop short of X's."""
    widths = [(0, 0)] * per_step.ndim
    widths[1] = (0, max(0, n_timesteps - per_step.shape[1]))
    return np.pad(per_step[:, :n_timesteps], widths, mode=mode)


TOKENS_HINT = "raw texts go through SequenceTokenizer first: make_pipeline(SequenceTokenizer(), estimator)"


def _is_temporal(dtype):
    """Whether a NumPy, pandas or polars data type holds dates, times of day or durations."""
    polars_test = getattr(dtype, "is_temporal", None)
    return getattr(dtype, "kind", "O") in "mM" or (callable(polars_test) and bool(polars_test()))


def _holds_no_numbers(dtype):
    """Whether a NumPy, pandas or polars data type holds neither numbers nor booleans (text, categories)."""
    if type(dtype).__module__.startswith("polars"):
        return not (dtype.is_numeric() or str(dtype) == "Boolean")
    return getattr(dtype, "kind", "O") not in "biuf"


def _columns_where(X, test):
    """What of X has a data type that passes ``test``: the names of a DataFrame's such columns (pandas or
    polars), ["values"] for such an array or Series, the first such finding in a list of them, else []."""
    if isinstance(X, (list, tuple)):
        arrays = (item for item in X if hasattr(item, "dtype") or hasattr(item, "dtypes"))
        return next(filter(None, (_columns_where(item, test) for item in arrays)), [])
    dtypes = getattr(X, "dtypes", None)
    if dtypes is not None and hasattr(dtypes, "items"):
        return [str(column) for column, dtype in dtypes.items() if test(dtype)]
    if isinstance(dtypes, list) and hasattr(X, "columns"):  # a polars DataFrame's, in its columns' order
        return [str(column) for column, dtype in zip(X.columns, dtypes) if test(dtype)]
    return ["values"] if test(getattr(X, "dtype", None)) else []


def _dates_and_durations(X):
    """What of X holds dates, times or durations (NumPy or pandas datetime64 / timedelta64, polars'
    temporal types), as :func:`_columns_where` names it. Cast to float they become counts of
    nanoseconds (or microseconds), a series of a clock's readings rather than of the data."""
    return _columns_where(X, _is_temporal)


def check_no_dates(X, input_name, hint="the steps are the rows in their order; a DatetimeIndex may label them"):
    """Refuse dates, times and durations among the values of X (:func:`_dates_and_durations`)."""
    dated = _dates_and_durations(X)
    if dated:
        where = "its values" if dated == ["values"] else f"column {', '.join(map(repr, dated))}"
        raise ValueError(f"{input_name} holds dates or durations ({where}), which are not measurements: leave them "
                         f"out ({hint}).")


def _as_numeric_array(X, dtype, input_name, strings_hint=TOKENS_HINT):
    """np.asarray with scikit-learn's messages for complex, object and empty data, a message for
    finite values that the (float32) dtype cannot hold, which a cast would turn into inf, a message
    naming dates and durations, and ``strings_hint`` after the message for strings that are not
    numbers."""
    if issparse(X):  # scikit-learn's TypeError reads "dense data is required", without saying how it is read
        text = ("; a document-term matrix (CountVectorizer's) counts words without their order: "
                f"{TOKENS_HINT}" if strings_hint == TOKENS_HINT else "")
        raise TypeError(f"Sparse data was passed for {input_name} (a SciPy {type(X).__name__} of shape {X.shape}); "
                        f"dense sequences are required: pass {input_name}.toarray(), which reads each row as a "
                        f"sequence and each column as a time step{text}.")
    if isinstance(X, (list, tuple)) and any(issparse(sequence) for sequence in X):
        raise TypeError(f"Sparse data was passed for {input_name}: its sequences include SciPy sparse matrices; "
                        "dense sequences are required: pass each as .toarray(), of shape (n_timesteps, n_features).")
    check_no_dates(X, input_name)
    try:
        with np.errstate(over="raise"):
            return check_array(
                X, dtype=dtype, allow_nd=True, ensure_2d=False, ensure_all_finite=False, ensure_min_samples=0,
                ensure_min_features=0, input_name=input_name,
            )
    except FloatingPointError:
        limit = np.finfo(dtype).max
        raise ValueError(
            f"{input_name} has values beyond the {np.dtype(dtype).name} range (+-{limit:.3g}) of dtype="
            f"'{np.dtype(dtype).name}'; rescale it, or fit with dtype='float64'."
        ) from None
    except ValueError as error:
        if str(error).startswith("Complex data not supported"):  # scikit-learn's message prints the whole array
            raise ValueError(f"Complex data not supported: {input_name} holds complex numbers; pass real values (their "
                             ".real, or abs()).") from None
        if "could not convert string" not in str(error):
            raise
        textual = _columns_where(X, _holds_no_numbers)
        if textual != ["values"] and _columns_where(X, lambda dtype: not _holds_no_numbers(dtype)):
            # a table's columns of text beside its numbers: categories or labels, not a text to tokenise
            named = f"column {textual[0]!r} holds" if len(textual) == 1 else f"columns {textual} hold"
            strings_hint = f"{named} text or categories: " + (
                "encode them as numbers first (e.g. pd.get_dummies or OneHotEncoder), or leave them out"
                if strings_hint == TOKENS_HINT else strings_hint)
        raise ValueError(f"{input_name} holds strings that are not numbers ({error}); {strings_hint}.") from None
    except TypeError as error:  # objects that are neither numbers nor strings, e.g. pandas Timestamps in a list
        raise TypeError(f"{input_name} holds values that are not numbers ({error}).") from None


def _ragged_to_padded(sequences, dtype, first_index=0):
    """A list of (T_i,) or (T_i, K) arrays -> NaN-padded (n, max T_i, K) array."""
    arrays = []
    for i, seq in enumerate(sequences):
        arr = _as_numeric_array(seq, dtype, "X")
        if arr.ndim == 1:
            arr = arr[:, None]
        if arr.ndim != 2:
            raise ValueError(
                f"Each sequence in a list X must be 1-D (n_timesteps,) or 2-D "
                f"(n_timesteps, n_features); sequence {first_index + i} has shape {arr.shape}."
            )
        arrays.append(arr)
    n_features = {arr.shape[1] for arr in arrays}
    if len(n_features) > 1:
        raise ValueError(
            "All sequences in a list X must have the same number of features "
            f"(last axis); got {sorted(n_features)}."
        )
    n_timesteps = max(arr.shape[0] for arr in arrays)
    padded = np.full((len(arrays), n_timesteps, arrays[0].shape[1]), np.nan, dtype=dtype)
    for i, arr in enumerate(arrays):
        padded[i, : arr.shape[0]] = arr
    return padded


def refuse_iterators_and_mappings(X, name="X"):
    """Refuse an iterator (a generator), read once, so gone for the next reading and held by NumPy as one
    object, a query not yet run (polars' LazyFrame), and a mapping (sequences or targets by id), whose
    order would pair them by chance."""
    if isinstance(X, Iterator):
        raise TypeError(
            f"{name} is an iterator ({type(X).__name__}), read once; pass its items as a list: list({name})."
        )
    if hasattr(X, "collect") and hasattr(X, "collect_schema"):
        raise TypeError(f"{name} is a polars LazyFrame, a query not yet run; pass its result: {name}.collect().")
    if isinstance(X, Mapping) and hasattr(X, "to_dataframe") and hasattr(X, "dims"):
        raise TypeError(f"{name} is an xarray Dataset; pass {name}.to_dataframe() (its variables as the columns, its "
                        "time and sequence dimensions as the index), or one DataArray.")
    if isinstance(X, Mapping) and not issparse(X):  # SciPy's DOK matrices are dicts: refused as sparse later
        how = (f"its sequences as a list, e.g. list({name}.values()), with the targets in the same order (or, where "
               f"its values are the columns of one table, pd.DataFrame({name}))" if name == "X" else
               f"its values as a list in the order of X's sequences, e.g. list({name}.values())")
        raise TypeError(f"{name} is a {type(X).__name__} (keys such as {next(iter(X), None)!r}); pass {how}.")


def cells_as_sequences(X, name="X", panels=True):
    """A container whose cells are sequences, as a list of sequences; anything else as given.

    A 1-D object array or a pandas Series of arrays (a polars Series of lists) is a list of
    sequences; a DataFrame whose cells are 1-D series (sktime's "nested" format: one column per
    feature, one row per sequence) becomes one (n_timesteps, n_features) array per row, and with
    ``panels`` a panel DataFrame (rows indexed by sequence and time step) one DataFrame per
    sequence (targets and weights indexed so are one per row). Iterators and mappings are refused
    (:func:`refuse_iterators_and_mappings`).
    """
    refuse_iterators_and_mappings(X, name)
    if panels and is_panel_frame(X):
        return panel_sequences(X)
    if isinstance(X, np.ndarray) and X.dtype == object and X.ndim == 1 and all(np.ndim(cell) >= 1 for cell in X):
        return list(X)  # NumPy's form of ragged sequences, np.array([a, b], dtype=object)
    if not hasattr(X, "to_numpy") or len(X) == 0:  # pandas' and polars' Series and DataFrames have it
        return X
    cells = X.to_numpy()
    if not (cells.dtype == object and all(np.ndim(cell) >= 1 for cell in cells.ravel())):
        return X
    if cells.ndim == 1:
        return list(cells)
    sequences = []
    for i, row in enumerate(cells):
        lengths = {len(cell) for cell in row}
        if len(lengths) > 1:
            raise ValueError(
                f"Row {i} of a nested DataFrame X has features of different lengths {sorted(lengths)}; "
                "every feature of a sequence needs one value per time step."
            )
        sequences.append(np.column_stack([np.asarray(cell) for cell in row]))
    return sequences


def _is_ragged_list(X):
    """True for a list of sequences whose shapes differ (lengths or feature counts)."""
    if not isinstance(X, (list, tuple)):
        return False
    shapes = set()
    for seq in X:
        try:
            shapes.add(np.shape(seq))
        except ValueError:  # a nested list ragged inside: reported per sequence
            return True
    return len(shapes) > 1 and all(len(shape) >= 1 for shape in shapes)


def pad_sequences(X, dtype=np.float64, first_index=0):
    """Return ``X`` as a NaN-padded 3-D array, without any further checks.

    Parameters
    ----------
    X : array-like or list of array-like
        3-D ``(n_samples, n_timesteps, n_features)``, 2-D univariate
        ``(n_samples, n_timesteps)``, or a list of 1-D / 2-D sequences of
        possibly different lengths.
    dtype : numpy dtype, default=np.float64
    first_index : int, default=0
        Index of X's first sequence in the caller's data (for messages about a block of it).

    Returns
    -------
    X_padded : ndarray of shape (n_samples, n_timesteps, n_features)
    """
    check_time_dimension(X, "X", time_axis=1)
    X = cells_as_sequences(X)
    if isinstance(X, (list, tuple)):
        for i, sequence in enumerate(X):
            check_time_order(sequence, f"sequence {first_index + i} of X")
    if _is_ragged_list(X):
        return _ragged_to_padded(X, dtype, first_index)
    try:
        arr = _as_numeric_array(X, dtype, "X")
    except TypeError:
        if not (isinstance(X, (list, tuple)) and any(hasattr(item, "iloc") for item in X)):
            raise
        # pandas items converted one by one: a nullable column's NA becomes NaN only so (about 3 times slower:
        # 1.7 s against 0.5 s for 5,000 frames of 20 x 3)
        return _ragged_to_padded(X, dtype, first_index)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    elif arr.ndim != 3:
        raise ValueError(
            "Expected X as a 3-D array (n_samples, n_timesteps, n_features), a 2-D "
            "array of univariate sequences (n_samples, n_timesteps) or a list of "
            f"sequences; got an array with {arr.ndim} dimension(s) and shape "
            f"{arr.shape}. Reshape your data: X[None] for a single multivariate "
            "sequence, X.reshape(1, -1) for a single univariate one."
        )
    return arr


def sequence_blocks(X, dtype, max_bytes):
    """X's sequences in consecutive blocks of about ``max_bytes`` each once converted to ``dtype``.

    Yields ``(first_index, block)``, each block a slice of X in X's own layout (a view of an
    array, a slice of a list), so that X is never converted or padded as a whole. X that is
    neither a list nor an array of two or more dimensions comes whole (its validation says
    what is wrong with it).
    """
    X = cells_as_sequences(X)
    itemsize = np.dtype(dtype).itemsize
    if isinstance(X, (list, tuple)):
        try:
            values_per_sequence = max((int(np.prod(np.shape(seq))) for seq in X), default=0)
        except ValueError:  # a sequence ragged inside: validation reports it
            values_per_sequence = 0
    elif getattr(X, "ndim", 0) >= 2 and not issparse(X):
        values_per_sequence = int(np.prod(X.shape[1:]))
    else:
        values_per_sequence = 0
    if not values_per_sequence:
        yield 0, X
        return
    yield from sequence_slices(X, max(1, max_bytes // (values_per_sequence * itemsize)))


def sequence_slices(X, rows):
    """``(first_index, block)``: X's sequences ``rows`` at a time, each block a slice of X in X's own
    layout (a view of an array, a slice of a list or of a DataFrame's rows)."""
    X = cells_as_sequences(X)
    if len(X) <= rows:
        yield 0, X
        return
    rows_of = X.iloc if hasattr(X, "iloc") else X
    for start in range(0, len(X), rows):
        yield start, rows_of[start : start + rows]


def join_blocks(parts):
    """``(answer, lengths)`` from ``[(answer_block, lengths_block), ...]`` in row order.

    Answers with a time axis, (n_block, T_block, ...), are joined at the longest T and NaN beyond
    each block's own T (the blocks of a ragged list are padded to their own longest sequence).
    """
    if len(parts) == 1:
        return parts[0]
    answers, lengths = zip(*parts)
    lengths = np.concatenate(lengths)
    if answers[0].ndim < 3:
        return np.concatenate(answers), lengths
    joined = np.full((len(lengths), max(a.shape[1] for a in answers), *answers[0].shape[2:]), np.nan, answers[0].dtype)
    start = 0
    for answer in answers:
        joined[start : start + len(answer), : answer.shape[1]] = answer
        start += len(answer)
    return joined, lengths


def sequences_shape(X):
    """``(n_sequences, longest)`` of X in any accepted layout, without converting it; None if X is not sequences."""
    X = cells_as_sequences(X)
    try:
        if isinstance(X, (list, tuple)):
            return len(X), max((len(seq) for seq in X), default=0)
        shape = np.shape(X)
    except (TypeError, ValueError):
        return None
    return shape[:2] if len(shape) >= 2 else None


def check_answer_size(shape, bytes_per_step, max_bytes, method):
    """Refuse, before anything is allocated, an answer of ``shape`` steps larger than ``max_bytes``."""
    if max_bytes is None or shape is None:
        return
    size = float(np.prod(shape, dtype=np.float64)) * bytes_per_step
    if size > max_bytes:
        raise ValueError(
            f"{method} would return {size / 2**30:.1f} GiB ({' x '.join(map(str, shape))} steps of "
            f"{bytes_per_step} bytes), above max_bytes={max_bytes} ({max_bytes / 2**30:.1f} GiB); ask for "
            "fewer sequences or steps at a time, or raise max_bytes (None lifts the limit)."
        )


def lengths_before_padding(nan):
    """Valid steps of each sequence, given the NaN mask ``(n, T, F)`` of a NaN-padded 3-D array: up to
    its last step that holds any value, so trailing steps whose features are all NaN are padding
    (tslearn's convention); 0 for a sequence that is padding only."""
    has_value = ~nan.all(axis=2)
    return np.where(has_value.any(axis=1), nan.shape[1] - np.argmax(has_value[:, ::-1], axis=1), 0).astype(np.int64)


def _sequences_layout_hint(shape, n_features):
    """What sequences of the wrong width ``shape`` (n, T, F), as read, may be: one multivariate sequence
    given 2-D (its columns, or its rows, the fitted features), or aeon's (n, channels, T) layout."""
    n, n_timesteps, n_feat = shape
    if n_feat == 1 and n_timesteps == n_features:
        return f" If X is one sequence of shape (n_timesteps, {n_features}), pass X[None]."
    if n_feat == 1 and n == n_features:
        return f" If X is one sequence stored a row per feature, ({n_features}, n_timesteps), pass X.T[None]."
    if n_timesteps == n_features:
        return (" If X is stored (n_samples, n_features, n_timesteps), as aeon stores it, pass "
                "formats.from_aeon(X).")
    return ""


def check_sequences(X, *, dtype=np.float64, n_features=None, estimator_name="estimator", first_index=0):
    """Validate sequence input and split it into zero-padded data and lengths.

    Trailing time steps whose features are all NaN are padding (tslearn's
    convention). NaN anywhere else, infinity, empty input and sequences of
    length zero raise a ``ValueError`` that names what was expected.

    Parameters
    ----------
    X : array-like or list of array-like
        See :func:`pad_sequences` for the accepted layouts.
    dtype : numpy dtype, default=np.float64
        Floating dtype of the returned array.
    n_features : int or None, default=None
        Number of features seen in fit; ``None`` skips that check.
    estimator_name : str, default="estimator"
        Used in error messages.
    first_index : int, default=0
        Index of X's first sequence in the caller's data: messages name sequences by
        ``first_index + i`` when X is one block of a larger input.

    Returns
    -------
    X_padded : ndarray of shape (n_samples, n_timesteps, n_features)
        C-contiguous, zeros in the padding; ``X`` itself (not a copy) when it
        is already such an array of ``dtype`` without padding, so treat it as
        read-only.
    lengths : ndarray of shape (n_samples,), dtype int64
        Number of valid time steps of each sequence.
    """
    X = pad_sequences(X, dtype, first_index)
    n_samples, n_timesteps, n_feat = X.shape
    if n_timesteps == 0 and n_samples and n_feat == 1:
        # A 2-D X is univariate sequences: its columns are time steps.
        raise ValueError(
            f"Found array with 0 feature(s) (shape={X.shape[:2]}) while a minimum of 1 "
            f"is required by {estimator_name}: the columns of a 2-D X are the time "
            "steps of univariate sequences, and each sequence needs at least one."
        )
    if n_samples == 0:
        raise ValueError(
            f"Found array with 0 sample(s) (shape={X.shape}) while a minimum of 1 "
            f"is required by {estimator_name}."
        )
    if n_timesteps == 0:
        raise ValueError(
            f"Found sequences with 0 time steps (shape={X.shape}); {estimator_name} "
            "needs at least 1 time step per sequence."
        )
    if n_feat == 0:
        raise ValueError(
            f"Found array with 0 feature(s) (shape={X.shape}) while a minimum of 1 "
            f"is required by {estimator_name}."
        )
    if n_features is not None and n_feat != n_features:
        raise ValueError(
            f"X has {n_feat} features, but {estimator_name} is expecting "
            f"{n_features} features as input (features are the last axis of a "
            f"3-D X; a 2-D X holds univariate sequences).{_sequences_layout_hint(X.shape, n_features)}"
        )
    with np.errstate(over="ignore", invalid="ignore"):  # huge finite values may overflow the sum
        total = np.sum(X)
    if np.isfinite(total):
        # The common case, in one pass: NaN or infinity anywhere makes the sum
        # non-finite (so does an overflow, which then takes the full checks).
        return np.ascontiguousarray(X), np.full(n_samples, n_timesteps, dtype=np.int64)
    if np.isinf(X).any():
        sample, step, _ = np.argwhere(np.isinf(X))[0]
        raise ValueError(
            f"Input X contains infinity (first at sequence {first_index + sample}, time step {step}); "
            "expected finite values, with NaN only as trailing padding."
        )
    nan = np.isnan(X)
    lengths = lengths_before_padding(nan)
    empty = np.flatnonzero(lengths == 0)
    if empty.size:
        raise ValueError(
            f"Input X contains NaN: sequence {first_index + empty[0]} has zero length (all its "
            f"time steps are NaN); {empty.size} sequence(s) are empty. Every sequence "
            "needs at least one time step."
        )
    inside = nan & step_mask(lengths, n_timesteps)[:, :, None]
    if inside.any():
        sample, step, feature = np.argwhere(inside)[0]
        raise ValueError(
            f"Input X contains NaN inside a sequence (sequence {first_index + sample}, time step "
            f"{step}, feature {feature}); NaN is only allowed as padding after the "
            f"last valid step, with every feature NaN (that sequence's valid "
            f"length is {lengths[sample]}). Fill missing values inside sequences first, e.g. by "
            "interpolating along time (SequenceImputer in a Pipeline; archive files mark them '?')."
        )
    X = np.where(nan, 0, X).astype(dtype, copy=False)
    return np.ascontiguousarray(X), lengths


def check_continued_width(n_given, estimator):
    """Data for a warm start (or ``partial_fit``) as wide as the fitted network's input."""
    if n_given != estimator.n_features_in_:
        continued_by = "warm_start=True and partial_fit continue" if hasattr(estimator, "partial_fit") else (
            "warm_start=True continues")
        raise ValueError(
            f"X has {n_given} features, but this {type(estimator).__name__} was fitted on "
            f"{estimator.n_features_in_}: {continued_by} training the fitted network, which reads that many. "
            "Fit with warm_start=False to start anew on data of another width."
        )


def check_sequence_targets(y, lengths, n_timesteps, *, dtype=np.float64, allow_nan=False):
    """Validate per-step regression targets of shape (n_samples, n_timesteps, n_outputs).

    Steps beyond each sequence's length may be NaN (or anything: they are
    ignored); infinity inside a sequence raises, and NaN too unless
    ``allow_nan`` (NaN then marks a step without a target and stays NaN).

    Returns
    -------
    Y : ndarray of shape (n_samples, n_timesteps, n_outputs)
        Zero beyond each sequence's length.
    """
    Y = _as_numeric_array(y, dtype, "y")
    if Y.shape[0] != lengths.shape[0]:
        raise ValueError(
            f"X and y have inconsistent numbers of samples: X has {lengths.shape[0]}, "
            f"y has {Y.shape[0]}."
        )
    longest = int(lengths.max(initial=0))
    if Y.ndim != 3 or Y.shape[1] < longest:
        raise ValueError(
            f"Per-step targets y of shape {Y.shape} cover {Y.shape[1] if Y.ndim > 1 else 0} time steps, but X's "
            f"longest sequence has {longest}; expected y of shape (n_samples, {n_timesteps}, n_outputs)."
        )
    Y = span_steps(Y, n_timesteps)
    valid = step_mask(lengths, n_timesteps)
    bad = (np.isinf(Y) if allow_nan else ~np.isfinite(Y)) & valid[:, :, None]
    if bad.any():
        sample, step, output = np.argwhere(bad)[0]
        raise ValueError(
            f"Input y contains {'infinity' if allow_nan else 'NaN or infinity'} inside a sequence (sequence "
            f"{sample}, time step {step}, output {output}); only steps beyond the sequence's "
            f"length may be NaN{' (NaN inside marks a step without a target)' if allow_nan else ''}."
        )
    return np.ascontiguousarray(np.where(valid[:, :, None], Y, 0).astype(dtype, copy=False))
