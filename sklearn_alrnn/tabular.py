"""Long-format tables (one row per time step) to and from the package's sequence arrays."""

import numbers
import warnings

import numpy as np

from ._panels import time_order
from ._validation import check_no_dates, is_missing
from ._warnings import warn_user

__all__ = ["to_sequences", "sequence_predictions_to_rows"]


def table_of_columns(columns):
    """Named columns as a pandas DataFrame, or as a NumPy structured array without pandas.

    Parameters
    ----------
    columns : dict of str -> array-like
        Columns of equal length; object columns (strings) become Unicode.
    """
    try:
        import pandas as pd
    except ImportError:
        arrays = [np.asarray(column) for column in columns.values()]
        arrays = [array.astype(str) if array.dtype.kind == "O" else array for array in arrays]
        dtype = [(name, array.dtype) for name, array in zip(columns, arrays)]
        return np.array(list(zip(*arrays)), dtype=dtype)
    return pd.DataFrame(columns)


def listed_columns(columns, at_most=20):
    """A table's column names as an error message lists them: the first ``at_most`` and how many more."""
    names = list(columns)
    return names if len(names) <= at_most else f"{names[:at_most]} and {len(names) - at_most} more"


def numeric_columns(df, excluded):
    """Names of ``df``'s numeric columns (integer or float, NumPy or pandas dtypes) not in ``excluded``."""
    return [c for c in df.columns if c not in excluded and getattr(df[c].dtype, "kind", "O") in "iuf"]


def default_feature_columns(df, excluded):
    """:func:`numeric_columns`, with a warning naming the columns left out for holding no numbers
    (booleans, categories, text), which a user may have meant as features."""
    features = numeric_columns(df, excluded)
    left_out = [c for c in df.columns if c not in excluded and c not in features]
    if features and left_out:
        warn_user(f"The numeric columns {features} are the features; {left_out} hold no numbers and are left out. "
                  "Name the features to silence this (feature_cols; --features on the command line; booleans "
                  "read as 0 and 1, categories need encoding first, e.g. pd.get_dummies).")
    return features


def _pandas_table(df, function):
    """``df`` as a pandas DataFrame: as given, or from a table that converts itself (a polars
    DataFrame or LazyFrame, a pyarrow Table); anything else is a TypeError naming it."""
    if hasattr(df, "groupby") and hasattr(df, "columns"):  # groupby first: a LazyFrame warns of reading its columns
        return df
    module = type(df).__module__.split(".")[0]
    kind = type(df).__name__ if module == "builtins" else f"{module}.{type(df).__name__}"
    table = df.collect() if hasattr(df, "collect") and not hasattr(df, "to_pandas") else df  # a LazyFrame
    if hasattr(table, "to_pandas"):
        try:
            return table.to_pandas()
        except ImportError as error:  # polars needs pandas and pyarrow for it
            raise TypeError(f"{function} reads a pandas DataFrame; the {kind} given did not convert: {error}") from None
    raise TypeError(
        f"{function} reads a pandas DataFrame in long format (one row per sequence and time step); got {kind}."
    )


def _warn_of_columns_constant_per_sequence(X, lengths, columns):
    """Warn where default feature columns hold one value per sequence, different between sequences: an
    identifier (a subject's number) or an attribute of the sequence, read as a constant input."""
    long_enough = lengths >= 2
    if long_enough.sum() < 2:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a column missing from a whole sequence: not constant
        highest, lowest = np.nanmax(X[long_enough], axis=1), np.nanmin(X[long_enough], axis=1)
    constant = (highest == lowest).all(axis=0) & (highest.max(axis=0) > lowest.min(axis=0))
    named = [column for column, flagged in zip(columns, constant) if flagged]
    if named:
        warn_user(f"The feature columns {named} hold one value per sequence: read as constant inputs. If they "
                  "identify the sequences (a subject's number) rather than describe them, leave them out with "
                  "feature_cols.")


def _as_floats(frame, columns):
    """``frame[columns]`` as floats (pandas' NA as NaN), or a ValueError naming the column and row of a
    non-number."""
    try:
        return frame[columns].to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        for column in columns:
            for row, value in zip(frame.index, frame[column]):
                try:
                    float(np.nan if is_missing(value) else value)
                except (TypeError, ValueError):
                    raise ValueError(f"Feature column {column!r} is not numeric: row {row!r} holds {value!r}.") from None
        raise


def _shown(value):
    """A sequence id or time stamp as a message shows it: strings quoted, NumPy scalars as plain numbers."""
    return repr(str(value)) if isinstance(value, str) else str(value)


def _table_times(df, time_col):
    """A table's time column as values that sort in time's order (:func:`._panels.time_order`), the same
    for ``to_sequences`` and ``sequence_predictions_to_rows``."""
    parse = f"df[{time_col!r}] = pd.to_datetime(df[{time_col!r}], format='%d/%m/%Y %H:%M')"
    return time_order(df[time_col], f"Time column {time_col!r}", parse)


def _off_grid(times, starts_a_sequence, step):
    """Positions i of the sorted time stamps where ``times[i + 1] - times[i]`` is not ``step``, within a
    sequence: durations exactly (``step`` a timedelta or text such as "1h"), numbers up to their rounding
    (0.3 - 0.2 is not 0.1 in floating point)."""
    import pandas as pd

    differences = pd.Series(times).diff().to_numpy()[1:]
    if differences.dtype.kind == "m":
        try:
            if isinstance(step, numbers.Number) and not isinstance(step, np.timedelta64):  # pd.Timedelta(1): 1 ns
                raise TypeError
            step = pd.Timedelta(step).to_timedelta64()
        except (TypeError, ValueError):
            raise ValueError(f"step must be a duration for time stamps that are dates, such as '1h' or "
                             f"pd.Timedelta(minutes=5); got {step!r}.") from None
        return np.flatnonzero((differences != step) & ~starts_a_sequence[1:])
    if not isinstance(step, numbers.Real) or isinstance(step, (bool, np.timedelta64)):
        raise ValueError(f"step must be a number for time stamps that are numbers; got {step!r}.")
    rounding = 8 * np.spacing(np.abs(np.asarray(times, dtype=float)).max())
    return np.flatnonzero((np.abs(differences - step) > 1e-9 * abs(step) + rounding) & ~starts_a_sequence[1:])


def _warn_of_targets_among(features, targets):
    """Warn where ``targets`` (column names) are among the ``features`` too: the network would read the
    value it is to predict."""
    read_back = [column for column in targets if column in features]
    if read_back:
        warn_user(f"The target columns {read_back} are feature columns too: the network reads the value it is to "
                  "predict (at its step; a wide table's, as a time step). Leave them out of feature_cols "
                  "(--features) unless that is meant.")


def target_columns(target_col):
    """``to_sequences``' ``target_col`` as a list of columns: none, one column, or a list of them."""
    return [] if target_col is None else list(target_col) if isinstance(target_col, (list, tuple)) else [target_col]


def to_sequences(df, id_col, time_col, feature_cols=None, target_col=None, per_step=False, step=None):
    """Turn a long-format DataFrame into NaN-padded sequences (and targets).

    Rows may come in any order and sequences may have different lengths; rows
    are sorted by ``time_col`` within each ``id_col`` group.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per (sequence, time step).
    id_col, time_col : str
        Columns naming the sequence and ordering its steps. Time stamps are numbers, dates or
        text that spells numbers, ISO 8601 dates ("2024-03-01 08:30", as read from a CSV file),
        year-first dates with slashes or times of day ("8:30"); other text is refused, since it
        would sort letter by letter.
    feature_cols : list of str or str, default=None
        Input columns; all other numeric columns when None (with a warning naming the columns
        left out for holding no numbers, and the columns that hold one value per sequence, such
        as a subject's number).
    target_col : str or list of str, default=None
        Target column, if any; a list of columns gives a column of y each
        (several outputs, or 0 / 1 columns: a set of labels per sequence).
    per_step : bool, default=False
        Return one target per step (3-D y, NaN-padded) instead of the target
        at each sequence's last step (with a warning where labels that are not numbers change
        within a sequence).
    step : number, timedelta or str, default=None
        Sampling interval of a regular time grid (a duration such as ``"1h"`` for dates); when
        given, a sequence whose time stamps skip a step raises.

    Returns
    -------
    X : ndarray of shape (n_sequences, max_length, n_features)
        NaN beyond each sequence's length.
    y : ndarray or None
        ``(n_sequences,)`` or, with ``per_step``, ``(n_sequences, max_length, 1)`` (a column of
        ``target_col`` each where it is a list, last): floats padded
        (and missing values marked) with NaN, or, for a target of labels that are not numbers, an
        object array padded with None; ``ALRNNRegressor`` and ``ALRNNClassifier(per_step=True)``
        read either as "no target" there.
    ids : ndarray of shape (n_sequences,)
        Sequence identifiers, in the order of X.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_alrnn import to_sequences
    >>> df = pd.DataFrame({"patient": ["a", "a", "a", "b", "b"], "hour": [2, 0, 1, 0, 1],
    ...                    "pulse": [80.0, 72.0, 75.0, 90.0, 95.0], "sick": [1, 1, 1, 0, 0]})
    >>> X, y, ids = to_sequences(df, "patient", "hour", ["pulse"], "sick")
    >>> X[:, :, 0]  # in time order, NaN after the shorter sequence
    array([[72., 75., 80.],
           [90., 95., nan]])
    >>> y, ids
    (array([1, 0]), array(['a', 'b'], dtype='<U1'))
    """
    df = _pandas_table(df, "to_sequences")
    if isinstance(feature_cols, str):
        feature_cols = [feature_cols]
    several = isinstance(target_col, (list, tuple))
    targets = target_columns(target_col)
    if several and not targets:
        raise ValueError("target_col is an empty list: name the target columns, or pass None for no target.")
    missing = [c for c in [id_col, time_col, *targets, *(feature_cols or [])] if c is not None and c not in df.columns]
    if missing:
        in_index = [c for c in missing if c in df.index.names]
        raise ValueError(
            f"Columns {missing} are not in the table; it has {listed_columns(df.columns)}."
            + (f" {in_index} name the index: pass df.reset_index()." if in_index else "")
        )
    if len(df) == 0:
        raise ValueError("The table has no rows; to_sequences needs at least one row per sequence.")
    used = [id_col, time_col, *targets, *(df.columns if feature_cols is None else feature_cols)]
    repeated = next((c for c in used if np.count_nonzero(df.columns == c) > 1), None)
    if repeated is not None:
        raise ValueError(f"The table names {np.count_nonzero(df.columns == repeated)} columns {repeated!r}: which is "
                         "meant? Give each column its own name (e.g. df.columns = [...]).")
    default_features = feature_cols is None
    if default_features:
        feature_cols = default_feature_columns(df, {id_col, time_col, *targets})
    if not feature_cols:
        raise ValueError("No feature columns: pass feature_cols or add numeric columns.")
    _warn_of_targets_among(feature_cols, targets)
    check_no_dates(df[feature_cols], "feature_cols", hint="time stamps go in time_col")
    for column, what in ((id_col, "sequence ids"), (time_col, "time stamps")):
        if df[column].isna().any():
            rows = np.flatnonzero(df[column].isna().to_numpy())
            raise ValueError(
                f"Column {column!r} has {rows.size} missing {what} (the first in row {df.index[rows[0]]!r}); "
                "every row needs a sequence id and a time stamp."
            )
    df = df.copy(deep=False)
    df[time_col] = _table_times(df, time_col)
    duplicated = df.duplicated(subset=[id_col, time_col])
    if duplicated.any():
        first = np.flatnonzero(duplicated.to_numpy())[0]
        raise ValueError(
            f"Duplicated time stamp: sequence {_shown(df[id_col].iloc[first])} has more than one row at "
            f"{time_col}={_shown(df[time_col].iloc[first])}."
        )
    ordered = df.sort_values([id_col, time_col], kind="stable")
    # Rows in sequence order, each sequence's in time order: sequence i is rows first[i]:first[i] + lengths[i].
    id_values = ordered[id_col].to_numpy()
    starts_a_sequence = np.r_[True, id_values[1:] != id_values[:-1]]
    codes = np.cumsum(starts_a_sequence) - 1
    first_ids = id_values[starts_a_sequence]
    ids = np.array(first_ids.tolist())
    if ids.dtype.kind == "U" and not all(isinstance(key, str) for key in first_ids):
        ids = first_ids.astype(object)  # ids of mixed types (1 and "b"): 1 would become "1"
    lengths = np.bincount(codes, minlength=len(ids))
    first = np.cumsum(lengths) - lengths
    last = first + lengths - 1
    times = ordered[time_col].to_numpy()
    if step is not None:
        gaps = _off_grid(times, starts_a_sequence, step)
        if gaps.size:
            raise ValueError(
                f"Sequence {_shown(ids[codes[gaps[0]]])} misses time stamps: expected steps of {step}, found a gap "
                f"between {times[gaps[0]]} and {times[gaps[0] + 1]}."
            )
    steps = np.arange(len(ordered)) - first[codes]
    X = np.full((len(ids), int(lengths.max()), len(feature_cols)), np.nan)
    X[codes, steps] = _as_floats(ordered, feature_cols)
    y = None
    if targets:
        kinds = [getattr(df[target].dtype, "kind", "O") for target in targets]
        if per_step:
            # Labels that are not numbers (class names) keep their values, padded with None.
            padding, kind = (np.nan, float) if all(k in "biuf" for k in kinds) else (None, object)
            y = np.full(X.shape[:2] + (len(targets),), padding, dtype=kind)
            y[codes, steps] = ordered[targets].to_numpy(dtype=kind, na_value=padding)
        else:
            y = np.asarray(ordered[targets].to_numpy(dtype=object)[last].tolist())
            y = y if several else y[:, 0]
            for target, kind in zip(targets, kinds):
                labels = kind not in "iuf"  # a number may change on purpose
                varying = np.flatnonzero(ordered[target].groupby(codes).nunique().to_numpy() > 1) if labels else []
                if len(varying):
                    warn_user(f"The labels {target!r} change within {len(varying)} of the {len(ids)} sequences "
                              f"(the first: sequence {_shown(ids[varying[0]])}); y holds each sequence's last value. "
                              "per_step=True gives one per step.")
    if default_features:
        _warn_of_columns_constant_per_sequence(X, lengths, feature_cols)
    unmeasured = np.flatnonzero(np.isnan(X[np.arange(len(ids)), lengths - 1]).all(axis=1))
    if unmeasured.size:
        at = _shown(ordered[time_col].iloc[last[unmeasured[0]]])
        warn_user(
            f"{unmeasured.size} of the {len(ids)} sequences have no feature value on their last row (the first: "
            f"sequence {_shown(ids[unmeasured[0]])} at {time_col}={at}); "
            "the estimators read such rows as the NaN padding after a sequence's end, so these sequences end "
            "earlier. Fill the missing values to keep the rows."
        )
    return X, y, ids


def sequence_predictions_to_rows(df, id_col, time_col, ids, predictions):
    """Map per-step predictions ``(n_sequences, max_length[, n_outputs])``, or a list of one array
    per sequence, back onto table rows.

    Returns
    -------
    ndarray of shape (len(df),) or (len(df), n_outputs)
        The prediction for each row of ``df``, in ``df``'s row order.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_alrnn import sequence_predictions_to_rows, to_sequences
    >>> df = pd.DataFrame({"patient": ["a", "a", "a", "b", "b"], "hour": [2, 0, 1, 0, 1],
    ...                    "pulse": [80.0, 72.0, 75.0, 90.0, 95.0]})
    >>> X, _, ids = to_sequences(df, "patient", "hour", ["pulse"])
    >>> sequence_predictions_to_rows(df, "patient", "hour", ids, X / 100)  # back in the table's row order
    array([0.8 , 0.72, 0.75, 0.9 , 0.95])
    """
    df = _pandas_table(df, "sequence_predictions_to_rows")
    position = {key: i for i, key in enumerate(ids)}
    unknown = [key for key in df[id_col].unique() if key not in position]
    if unknown:
        raise ValueError(f"Sequences {unknown[:5]} of the table are not among ids (the third output of to_sequences).")
    step = _table_times(df, time_col).groupby(df[id_col]).rank(method="first").to_numpy(dtype=int) - 1
    sequence = np.array([position[key] for key in df[id_col]])
    if isinstance(predictions, (list, tuple)):  # one array per sequence, as predict answers a list X
        arrays = [np.asarray(part) for part in predictions]
        needed = np.zeros(len(ids), dtype=int)
        np.maximum.at(needed, sequence, step + 1)
        short = [i for i, part in enumerate(arrays) if i < len(ids) and len(part) < needed[i]]
        if len(arrays) != len(ids) or short:
            raise ValueError(
                f"A list of predictions needs one array per id ({len(ids)}), each with a step for every row of "
                f"its sequence; got {len(arrays)} arrays" + (f", sequence {short[0]} with {len(arrays[short[0]])} "
                f"steps for {needed[short[0]]} rows." if short else ".")
            )
        out = np.array([arrays[i][t] for i, t in zip(sequence, step)])
    else:
        predictions = np.asarray(predictions)
        if predictions.ndim < 2 or predictions.shape[0] != len(ids) or predictions.shape[1] <= step.max():
            raise ValueError(
                f"predictions must have shape (n_sequences={len(ids)}, n_timesteps >= {step.max() + 1}[, n_outputs]), "
                f"one row per id and a step for every row of the longest sequence; got shape {predictions.shape}."
            )
        out = predictions[sequence, step]
    return out[:, 0] if out.ndim == 2 and out.shape[1] == 1 else out
