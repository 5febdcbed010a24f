"""Checking the recorded series of ALRNNForecaster: one series, a 3-D array of series or a list,
their exogenous inputs and a forecast's context; results returned in the series' layout."""

from collections.abc import Mapping

import numpy as np
from scipy.sparse import issparse
from scipy.stats import kendalltau
from sklearn.utils.validation import check_array

from ._panels import check_time_order, is_panel_frame
from ._validation import _as_numeric_array, cells_as_sequences, check_no_dates, lengths_before_padding
from ._validation import refuse_iterators_and_mappings
from ._warnings import warn_user


_STRINGS_HINT = ("a recorded series holds numbers only: pass its numeric columns (labels and dates left out; a "
                 "column naming the series of a table that stacks several reads as a panel: "
                 "X.set_index([that column, time]))")


def _check_no_gaps(item, label):
    """A recorded series with missing or infinite values gets told where and what to do about it."""
    if item.dtype.kind not in "fc" or item.size == 0:
        return
    bad_rows = np.flatnonzero(~np.isfinite(item).reshape(len(item), -1).all(axis=1))
    if bad_rows.size:
        raise ValueError(
            f"{label} has NaN or infinite values in {bad_rows.size} of its {len(item)} steps (the first at "
            f"step {bad_rows[0]}); expected finite values. Fill short gaps (e.g. pandas' interpolate) or pass "
            "the stretches between gaps as a list of series."
        )


def _one_series_as_a_list(X):
    """Numbers (one univariate series) or rows of numbers (one (T, N) series), not a list of series."""
    return all(np.ndim(item) == 0 for item in X) or _rows_of_numbers(X)


def holds_several_series(X):
    """Whether ``check_series`` reads X as several series (a 3-D array or a list of series), not one."""
    X = cells_as_sequences(X)
    if isinstance(X, (list, tuple)):
        return len(X) > 0 and not _one_series_as_a_list(X)
    return np.ndim(X) == 3


def _rows_of_numbers(X):
    """Python lists (or tuples) of numbers, all of one length: the rows of one series (T, N), as
    NumPy and scikit-learn read nested lists (``X.tolist()`` of a table). A list of 1-D arrays, or
    of lists of different lengths, stays a list of univariate series."""
    return (
        all(isinstance(item, (list, tuple)) for item in X)
        and len({len(item) for item in X}) == 1
        and all(np.ndim(value) == 0 for item in X for value in item)
    )


def named_columns(X):
    """What carries X's column names for scikit-learn's ``feature_names_in_``: X itself, or the first
    of a list of DataFrames, which must share their columns."""
    if not (isinstance(X, (list, tuple)) and X and all(hasattr(part, "columns") for part in X)):
        return X
    names = [list(part.columns) for part in X]
    other = next((i for i, columns in enumerate(names) if columns != names[0]), None)
    if other is not None:
        raise ValueError(
            f"The DataFrames of a list must share their columns; item 0 has {names[0]}, item {other} {names[other]}."
        )
    return X[0]


def check_sequence_feature_names(estimator, X, reset):
    """``feature_names_in_`` of sequences given as a list of DataFrames (steps in rows, features in
    columns, shared, strings as scikit-learn keeps them): set by the first fit, checked after."""
    # A lone DataFrame is univariate sequences, one per row: its columns are time steps, not features;
    # but a panel's (rows indexed by sequence and time step) are the features.
    refuse_iterators_and_mappings(X)  # before any reading of columns
    if getattr(X, "ndim", 0) == 1 and getattr(X, "dtype", None) == object:  # a Series of sequences: a list
        X = list(X)
    named = named_columns(X) if isinstance(X, (list, tuple)) or is_panel_frame(X) else None
    if named is None:
        refuse_pivoted_features(X)
        if reset:
            warn_if_a_long_table(X)
    names = string_columns(named)
    _check_time_step_names(estimator, string_columns(X) if named is None else None, reset)
    if reset:
        _remember(estimator, "feature_names_in_", None if names is None else np.asarray(names, dtype=object))
        return
    fitted = getattr(estimator, "feature_names_in_", None)
    if names is not None and fitted is not None and not np.array_equal(names, fitted):
        raise ValueError(
            f"The feature names should match those that were passed during fit: {list(fitted)} "
            f"were fitted, the sequences have {list(names)}."
        )
    if (names is None) != (fitted is None):  # scikit-learn's warnings
        warn_user(f"X does not have valid feature names, but {type(estimator).__name__} was fitted with feature "
                  "names" if names is None else f"X has feature names, but {type(estimator).__name__} was "
                  "fitted without feature names")


def refuse_pivoted_features(X):
    """Refuse a table of a row per sequence whose columns are pairs, as ``pivot(columns=time, values=[a, b])``
    names them: several features, each over the time steps, which would read as one univariate
    sequence of all their steps in a row."""
    columns = getattr(X, "columns", None)
    if getattr(columns, "nlevels", 1) == 1:
        return
    outer = list(dict.fromkeys(map(str, columns.get_level_values(0))))
    raise ValueError(
        f"X is a table of a row per sequence whose columns are pairs (({', '.join(map(str, columns[0]))}), ...): "
        f"{len(outer)} groups of columns ({', '.join(outer[:4])}{', ...' * (len(outer) > 4)}) over the other level, "
        f"which would read as one univariate sequence of all {len(columns)} columns in a row. Pass the sequences with "
        "the time steps in rows, e.g. X.stack(level=1) where the second level is the time (rows indexed by sequence "
        "and step, a column per feature), or to_sequences on the long table."
    )


def warn_if_a_long_table(X):
    """Warn where a table read as a row per sequence (its columns the time steps) has a column that
    counts steps and starts again (:func:`counter_and_run_columns`), as the time column of a long
    table (a row per time step of several sequences) does: its rows would be read as sequences."""
    if not hasattr(X, "columns") or len(X) < 3:
        return
    try:
        values = np.asarray(X.head(10_000) if hasattr(X, "head") else X, dtype=np.float64)  # the first rows tell
    except (TypeError, ValueError):  # text columns: the sequences' reading names them
        return
    counters = counter_and_run_columns(values)[0]
    if counters:
        warn_user(
            f"X is read as a table of a row per sequence, its columns the time steps, but its column "
            f"{_column_label(list(X.columns), counters[0])} counts steps that start again every few rows, as the time "
            "column of a long table (a row per time step of several sequences) does: each row would be read as a "
            "sequence of the columns' values. Turn a long table into sequences with to_sequences(X, id_col, "
            "time_col), or pass it as a panel, X.set_index([id_col, time_col])."
        )


def _remember(estimator, attribute, names):
    """A first fit's ``names`` as ``attribute``; None forgets an earlier fit's (a refit on unnamed data)."""
    estimator.__dict__.pop(attribute, None)
    if names is not None:
        setattr(estimator, attribute, names)


#: What a model fitted on named columns checks later inputs against: its features' names, a wide
#: table's time steps' (a row per sequence) and a forecaster's exogenous inputs'.
_COLUMN_NAMES = ("feature_names_in_", "_time_step_names", "_exog_names")


def column_names_state(model):
    """The model's :data:`_COLUMN_NAMES` that are set, as lists of strings (for a model file)."""
    return {name: [str(column) for column in getattr(model, name)]
            for name in _COLUMN_NAMES if getattr(model, name, None) is not None}


def restore_column_names(model, fitted, counts):
    """Set the :data:`_COLUMN_NAMES` a model file's fitted state holds (absent: fitted without
    names); ``counts`` gives how many names each must hold, where that is known."""
    for attribute in _COLUMN_NAMES:
        names, count = fitted.get(attribute), counts.get(attribute)
        if names is None:
            continue
        if not (isinstance(names, list) and all(isinstance(name, str) for name in names)
                and (count is None or len(names) == count)):
            raise ValueError(f"{attribute} must be a list of {count or 'any number of'} strings; got {names!r}.")
        setattr(model, attribute, np.asarray(names, dtype=object) if attribute == "feature_names_in_" else names)


def string_columns(frame):
    """A DataFrame's column names where all are strings, as scikit-learn keeps names; else None."""
    columns = list(getattr(frame, "columns", []))
    return columns if columns and all(isinstance(column, str) for column in columns) else None


def _check_time_step_names(estimator, names, reset):
    """The column names of a wide table (a row per sequence, a column per time step), kept by the
    first fit (``_time_step_names``); a later table, which may be longer or shorter, must name the
    steps they share in the same order, else its columns are reordered or one is not a step."""
    if reset:
        _remember(estimator, "_time_step_names", names)
        return
    fitted = getattr(estimator, "_time_step_names", None)
    shared = min(len(names or ()), len(fitted or ()))
    if shared and names[:shared] != fitted[:shared]:
        at = next(i for i in range(shared) if names[i] != fitted[i])
        raise ValueError(
            f"X is a table whose columns are the time steps of its rows' sequences, and its column {at} is "
            f"{names[at]!r} where the fit's table had {fitted[at]!r}: the steps would be read out of order, or a "
            "column that is not a step as one. Give the columns in the fit's order (a table of longer or shorter "
            "sequences continues or cuts them), or pass X.to_numpy() to read the values as they stand."
        )


#: How far the steps of a time stamp may exceed its shortest step (a share of it): decimal years step by
#: the months' lengths (28 to 31 days) or the years' (365 or 366 days), and by the last decimal written.
TIME_STAMP_RTOL = 0.25


def time_index_columns(values, rtol=1e-9):
    """Columns of one series (T, N) that rise every row by the same positive step, the longest within
    ``rtol`` of the shortest: a clock's readings (a time index), not a variable of the recorded system;
    with ``TIME_STAMP_RTOL``, time stamps in decimal years too. Relative tolerance only: a variable in
    tiny units rises by steps that all lie within any absolute one."""
    steps = np.diff(values, axis=0)
    if len(steps) < 2:
        return []
    shortest, longest = steps.min(axis=0), steps.max(axis=0)
    return [j for j in range(values.shape[1]) if shortest[j] > 0 and longest[j] <= (1 + rtol) * shortest[j]]


def rise_text(column):
    """How a time index ``column`` rises: "by 1", or "by 0.0767 to 0.0849" where its steps differ."""
    steps = np.diff(column)
    low, high = steps.min(), steps.max()
    return f"by {low:g}" if np.isclose(low, high, rtol=1e-9, atol=0) else f"by {low:.3g} to {high:.3g}"


def numbers_as_dates(column):
    """The ISO 8601 days that a column's numbers all write as YYYYMMDD (19580329, as NOAA's and
    statsmodels' tables do), else None."""
    if not np.all((column >= 1e7) & (column < 3e7) & (column == np.round(column))):
        return None
    text = [f"{int(number)}" for number in column]
    dates = [f"{day[:4]}-{day[4:6]}-{day[6:]}" for day in text]
    try:
        np.array(dates, dtype="datetime64[D]")
    except ValueError:  # a month or a day out of range (20231350): numbers after all
        return None
    return dates


def constant_columns(values):
    """Indices of the columns of ``values`` (T, N) that hold one value in every row: no dynamics."""
    return np.flatnonzero(np.all(values == values[:1], axis=0))


def counter_and_run_columns(values):
    """Columns of one table (T, N) that count or number rather than measure: ``counters`` rise by the
    same step every row but where they start again from their first value, through three values or
    more (the steps of several series stacked in one table, or a clock that wraps, an hour of the
    day; a column alternating 0, 1, 0, 1 may measure a switch, or cue sequences listed by class in
    turn); ``runs`` hold whole numbers, each value in one run of rows, three runs or more, of 10
    rows or more on average or rising by one step after as many rows each (a series' number, or a
    coarse time stamp such as a year beside the quarter; a single switch may be a variable's)."""
    steps = np.diff(values, axis=0)
    counters, runs = [], []
    for j in range(values.shape[1]):
        column, changes = values[:, j], np.count_nonzero(steps[:, j])
        restarts = column[1:] == column[0]
        rising = steps[~restarts, j]
        if (restarts.any() and len(rising) > 1 and rising[0] > 0 and np.allclose(rising, rising[0], rtol=1e-9, atol=0)
                and len(np.unique(column)) >= 3):
            counters.append(j)
        elif (2 <= changes < len(steps) and np.all(column == np.round(column))
              and len(np.unique(column)) == changes + 1 and (changes <= len(column) / 10 or _stairs(steps[:, j]))):
            runs.append(j)
    return counters, runs


def _stairs(steps):
    """Whether a column's ``steps`` rise by one amount, after as many rows at each value: a clock."""
    rises = steps[steps != 0]
    return rises[0] > 0 and np.allclose(rises, rises[0], rtol=1e-9, atol=0) and evenly_repeated(steps != 0)


def evenly_repeated(changes):
    """Whether the runs of equal values that ``changes`` (one per step: whether the value changed) cut a
    column into have one length, the first and last (which may be cut short) no longer."""
    lengths = np.diff(np.flatnonzero(np.r_[True, changes, True]))
    return bool(np.all(lengths[1:-1] == lengths.max()))


def _column_label(names, column):
    """How a warning names column ``column`` of a series: by its name where the columns have names."""
    return repr(str(names[column])) if names is not None else str(column)


def warn_if_columns_are_not_variables(series, names=None):
    """Warn where the columns of recorded series look like something other than the system's
    variables: more columns than rows in every series (series stored variables by rows, as aeon
    and sktime do, whose transposes are meant), or, beside other variables, a column of every
    series that is a time index (fitted as a variable it is a ramp, which free runs would have
    to extrapolate), or that counts or numbers (:func:`counter_and_run_columns`: a long table of
    several series given as one), or that holds one value throughout; and a variable that trends
    (:func:`trending_column`), whose first differences forecast better."""
    values = np.concatenate(series)
    constant = constant_columns(values)
    if constant.size:
        column = constant[0]
        warn_user(
            f"Column {_column_label(names, column)} of X holds one value ({values[0, column]:g}) in every row"
            f"{' of every series' if len(series) > 1 else ''}: no dynamics to learn, yet it takes one of the network's "
            "observed units and is a dimension of the measures' state space. Leave it out."
        )
    if all(len(item) < item.shape[1] for item in series):
        warn_user(
            f"X's series have fewer steps than variables ({len(series[0])} steps of {series[0].shape[1]} in the "
            "first): a series is (n_timesteps, n_features), its rows the steps. If the rows are the variables "
            "(aeon's and sktime's layout), pass the transpose (X.T, or X.transpose(0, 2, 1) for a 3-D array)."
        )
    clocks = sorted(set.intersection(*(set(time_index_columns(item, TIME_STAMP_RTOL)) for item in series)))
    if clocks and len(clocks) < series[0].shape[1]:
        column = clocks[0]
        warn_user(
            f"Column {_column_label(names, column)} of X rises {rise_text(series[0][:, column])} "
            "every row: a time index, not a variable of the system, which fitted as one is a ramp that free runs "
            "would have to extrapolate. Leave it out (the rows are the steps, in order; a DataFrame may keep it as "
            "its index)."
        )
    dated = [j for j in range(values.shape[1]) if numbers_as_dates(values[:, j]) is not None]
    if dated and len(dated) < values.shape[1]:
        warn_user(
            f"Column {_column_label(names, dated[0])} of X holds dates written as numbers (YYYYMMDD: "
            f"{values[0, dated[0]]:.0f}): not a variable of the system. Leave it out (a DataFrame may keep it as its "
            "index, pd.to_datetime(column, format='%Y%m%d'))."
        )
    counters, runs = (sorted(set().union(*found) - set(clocks) - set(dated))
                      for found in zip(*map(counter_and_run_columns, series)))
    if (counters or runs) and len(counters + runs) < series[0].shape[1]:
        what = [f"column {_column_label(names, j)} rises by one step every row but where it starts again from its "
                "first value (a step counter of several series, or a clock that wraps)" for j in counters[:1]]
        what += [f"column {_column_label(names, j)} keeps each of its values for one run of rows (a series' number, or "
                 "a coarse time stamp such as a year)" for j in runs[:1]]
        warn_user(
            f"In X, {' and '.join(what)}: {'not variables' if len(what) > 1 else 'not a variable'} of the system. "
            "Leave such columns out (a clock may drive the map as exog); several series stacked in one table go as a "
            "list of series, or as a panel DataFrame (X.set_index([series, step]))."
        )
    trend = trending_column(series, set(constant) | set(clocks) | set(dated) | set(counters) | set(runs))
    if trend is not None:
        index, column, tau = trend
        warn_user(
            f"Column {_column_label(names, column)} of X{f' (series {index})' * (len(series) > 1)} trends: Kendall's "
            f"tau with time {tau:.2f}, its last third moving on in the direction of its middle third. Its later "
            "values leave the range of its earlier ones, so a forecast past the training range extrapolates a map that "
            "never saw it. Fit the first differences instead, d = np.diff(X, axis=0), and add the forecasts' running "
            "sum to the last value, X[-1] + np.cumsum(model.forecast(d, n_steps), axis=0) (on the command line: "
            "reconstruct --differences)."
        )


#: A column trends where Kendall's tau of its values with time reaches this, and its last third moves on at
#: least this share as far as its middle third did (a relaxation that has settled moves far less).
TREND_TAU, TREND_KEPT = 0.75, 0.5
#: The trend check reads every k-th series of a stack and every k-th step of a series, k the count over
#: these (so fewer than twice as many), which bounds its cost on long stacks and series.
_TREND_SERIES, _TREND_STEPS = 50, 2000


def trending_column(series, skipped=()):
    """(series index, column, tau) of the first trend (:data:`TREND_TAU`) in a column, outside ``skipped``,
    that trends in more than half of the series of 8 steps or more (a stretch of an oscillation between
    two gaps may rise throughout; a trial of a system rarely does); None where none does."""
    checked = [i for i in range(0, len(series), max(1, len(series) // _TREND_SERIES)) if len(series[i]) >= 8]
    trends = {column: [] for column in sorted(set(range(series[0].shape[1])) - set(skipped))}
    for index in checked:
        sample = series[index][:: max(1, len(series[index]) // _TREND_STEPS)]
        for column, found in trends.items():
            tau = _trend_tau(sample[:, column])
            if tau is not None:
                found.append((index, column, tau))
    return next((found[0] for found in trends.values() if 2 * len(found) > len(checked)), None)


def _trend_tau(values):
    """Kendall's tau of ``values`` with time where they trend, else None."""
    peak = np.max(np.abs(values))
    if not peak > 0:
        return None
    first, middle, last = (np.mean(part / peak) for part in np.array_split(values, 3))  # values near 1e308 stay finite
    if (last - middle) * (middle - first) <= 0 or abs(last - middle) < TREND_KEPT * abs(middle - first):
        return None
    tau = kendalltau(np.arange(len(values)), values)[0]
    return float(tau) if abs(tau) >= TREND_TAU else None


#: A series whose own spread is below this share of all the series' together is, standardised with them, flat.
_FLAT_SHARE = 0.01


def warn_if_scales_differ(series, names=None):
    """Warn where some of several series vary by less than 1% of the spread of all of them together:
    one standardisation reads them as nearly flat lines (unrelated series of a forecasting collection,
    each in its own units), whose dynamics training and forecasts lose."""
    if len(series) < 2:
        return
    values = np.concatenate(series)
    peak = np.max(np.abs(values), axis=0)
    peak[~(peak > 0)] = 1.0  # spreads in units of each column's peak: values near 1e300 do not overflow
    pooled = peak * np.std(values / peak, axis=0)
    own = np.array([peak * np.std(item / peak, axis=0) for item in series])
    flat = (own < _FLAT_SHARE * pooled) & (pooled > 0)
    if flat.any():
        index, column = np.argwhere(flat)[0]
        level = peak[column] * np.mean(series[index][:, column] / peak[column])
        warn_user(
            f"{np.count_nonzero(flat.any(axis=1))} of the {len(series)} series vary by less than 1% of the spread of "
            f"all of them together (series {index}, column {_column_label(names, column)}: standard deviation "
            f"{own[index, column]:.3g} around {level:.3g}, against {pooled[column]:.3g} for all): one standardisation "
            "for all reads them as nearly flat lines, and their dynamics are lost in training and forecasts. If the "
            "series are unrelated (a forecasting collection, each in its own units), standardise each by its own "
            "mean and standard deviation before fit and forecast and convert the forecasts back, or fit a model per "
            "series."
        )


def check_series(X, name, n_features=None, min_steps=2):
    """Recorded series for a forecaster: one series (T,) or (T, N), a 3-D array of series, or a list.

    Returns a list of (T_i, N) float64 arrays of finite values, at least ``min_steps`` steps each,
    and the layout of X: "series" (one), "vector" (one, 1-D), ("array", T) (3-D, whose trailing
    all-NaN steps pad shorter series to T) or "list".
    """
    if issparse(X):
        raise TypeError(f"Sparse input is not supported: {name} must be dense series of finite values.")
    check_time_order(X, name, even_steps=True)
    X = cells_as_sequences(X)
    if isinstance(X, (list, tuple)) and len(X) and _one_series_as_a_list(X):
        X = np.asarray(X)  # numbers: one univariate series, as a 1-D array is; rows of numbers: one (T, N) series
    if isinstance(X, (list, tuple)):
        if len(X) == 0:
            raise ValueError(f"{name} is an empty list; expected one or more series.")
        items, layout = list(X), "list"
    else:
        array = _as_numeric_array(X, np.float64, name, _STRINGS_HINT)
        if array.ndim == 3:
            if len(array) == 0:
                raise ValueError(f"{name} is a 3-D array of no series (shape {array.shape}); expected one or more.")
            # Trailing all-NaN steps pad shorter series (tslearn); NaN elsewhere is a gap that
            # _check_no_gaps refuses, and so is a series that is padding only, kept whole.
            lengths = lengths_before_padding(np.isnan(array)) if array.dtype.kind == "f" else [0] * len(array)
            items = [item[:length] if length else item for item, length in zip(array, lengths)]
            layout = ("array", array.shape[1])
        elif array.ndim in (1, 2):
            items, layout = [array], "series" if array.ndim == 2 else "vector"
        else:
            raise ValueError(
                f"{name} must be one series (n_timesteps, n_features), a 3-D array "
                f"(n_series, n_timesteps, n_features) or a list of series; got {array.ndim} dimensions."
            )
    series = []
    for i, item in enumerate(items):
        if layout == "list":
            check_time_order(item, f"{name}[{i}]", even_steps=True)
        item = _as_numeric_array(item, np.float64, name, _STRINGS_HINT)
        given_shape = item.shape
        if item.ndim == 1:
            item = item[:, None]
        label = name if layout in ("series", "vector") else f"{name}[{i}]"
        _check_no_gaps(item, label)
        if item.ndim == 2 and item.shape[0] < min_steps:
            raise ValueError(f"{label} has {item.shape[0]} steps (n_samples={item.shape[0]}); a series needs at least {min_steps}.")
        # C order: the same values give the same fit, bit for bit, whatever layout they came in
        item = check_array(item, dtype=np.float64, order="C", input_name=label, ensure_min_samples=min_steps)
        if n_features is not None and item.shape[1] != n_features:
            raise ValueError(
                f"{label} has {item.shape[1]} features, but ALRNNForecaster is expecting {n_features} features "
                f"as input.{_series_layout_hint(given_shape, n_features)}"
            )
        n_features = item.shape[1]
        series.append(item)
    return series, layout


_EXOG_ROWS = {  # why a free run from data needs the rows it does: exog[t] drives the step from row t to t + 1
    "forecast": "n_context + n_steps - 1: one per context row and one per forecast step after the first",
    "generate": "n_steps - 1: one per step after x0",
}


def check_exog(exog, series_lengths, n_inputs, name="exog", purpose=None, layout=None, dtype=np.float64):
    """Exogenous inputs matching ``series_lengths``: a list of (T_i, K) arrays of ``dtype`` (K = 0 when None).

    ``purpose`` ("forecast" or "generate") names in a message why a run needs its rows.
    ``layout`` is the series' (``check_series``): a 3-D exog of a 3-D X's shape is cut to each
    series' length, as the rows after a padded series' end drive no step. The model's map takes
    exogenous inputs in their own units, so values beyond ``dtype``'s range are refused: as inf
    they would turn every state after them into NaN."""
    if exog is None:
        if n_inputs:
            inputs = "an exogenous input" if n_inputs == 1 else f"{n_inputs} exogenous inputs"
            raise ValueError(f"This forecaster was fitted with {inputs}; pass {name}.")
        return [np.zeros((length, 0), dtype=dtype) for length in series_lengths]
    inputs, exog_layout = check_series(exog, name, n_inputs or None)
    if n_inputs is not None and inputs[0].shape[1] != n_inputs:
        if n_inputs == 0:
            raise ValueError(f"This forecaster was fitted without exogenous inputs; leave {name} out, or refit with it.")
        raise ValueError(f"{name} has {inputs[0].shape[1]} features, but {n_inputs} were fitted.")
    lengths = [len(s) for s in inputs]
    if isinstance(layout, tuple) and exog_layout == layout and all(m >= n for m, n in zip(lengths, series_lengths)):
        inputs, lengths = [s[:n] for s, n in zip(inputs, series_lengths)], list(series_lengths)
    if lengths != list(series_lengths):
        if purpose is not None:  # one run's, or each of several runs' (forecasts of several contexts)
            wanted, given = (series_lengths[0], lengths[0]) if len(series_lengths) == 1 else (series_lengths, lengths)
            raise ValueError(f"{name} must have {wanted} rows ({_EXOG_ROWS[purpose]}); got {given}.")
        raise ValueError(f"{name} must have one row per step of each series: lengths {series_lengths}; got {lengths}.")
    check_exog_range(inputs, dtype, name)
    return [s.astype(dtype) for s in inputs]


def check_exog_range(inputs, dtype, name="exog"):
    """Refuse exogenous inputs beyond ``dtype``'s range, which would reach the map as inf."""
    limit = np.finfo(dtype).max
    peak = max((np.abs(s).max() for s in inputs if s.size), default=0.0)
    if peak > limit:
        raise ValueError(
            f"{name} has values up to {peak:.3g}, beyond the {np.dtype(dtype).name} range (+-{limit:.3g}) of the "
            "forecaster's parameters; rescale them, or fit with dtype='float64'."
        )


_SEVERAL = ", or several: a 3-D array (n_contexts, n_context, n_features) or a list of them"


def check_context(context, n_features):
    """A forecast's context as a finite (n_context, n_features) float array, at least one row."""
    check_no_dates(context, "context")
    check_time_order(context, "context", even_steps=True)
    try:
        context = np.asarray(context)
    except ValueError:
        raise ValueError(
            f"context must be one series (n_context, {n_features}){_SEVERAL}; got a ragged sequence."
        ) from None
    if context.ndim == 0 or context.shape[0] == 0:
        raise ValueError(f"context must hold at least one observation; got an array of shape {context.shape}.")
    if context.ndim > 2:
        raise ValueError(f"context must be one series (n_context, {n_features}){_SEVERAL}; got {context.shape}.")
    given_shape = context.shape
    context = check_array(context.reshape(len(context), -1), dtype=np.float64, input_name="context")
    if context.shape[1] != n_features:
        raise ValueError(f"context has {context.shape[1]} features, but {n_features} were fitted."
                         f"{_series_layout_hint(given_shape, n_features)}")
    return context


def _series_layout_hint(shape, n_features):
    """What a series of the wrong width may be: one observation given as a 1-D array, or a series
    stored a row per variable (as aeon and MATLAB store channels)."""
    if shape == (n_features,) and n_features > 1:
        return f" If it is one observation of the {n_features} variables, pass it as a row of shape (1, {n_features})."
    if len(shape) == 2 and shape[0] == n_features:
        return f" If it is stored a row per variable, ({n_features}, n_timesteps), pass its transpose, .T."
    return ""


def check_observation(x0, n_features, names=None):
    """One observation, where a free run starts, as a finite (n_features,) float array; one given as a
    row of a DataFrame (a Series, or a one-row frame) must name the fitted ``names`` in their order."""
    check_no_dates(x0, "x0")
    if isinstance(x0, Mapping):  # a row by name, as polars' row(i, named=True) gives it
        labels, x0 = list(x0), list(x0.values())
    elif getattr(x0, "columns", None) is not None:  # a one-row DataFrame (its columns a list in polars)
        labels = list(x0.columns)
    else:  # a pandas Series names its values by its index (a list's index is a method)
        index = getattr(x0, "index", None)
        labels = list(index) if hasattr(index, "equals") else []
    if names is not None and labels and all(isinstance(label, str) for label in labels) and labels != list(names):
        raise ValueError(f"x0 names {labels}; the forecaster was fitted on {list(names)}, in that order. Give x0 "
                         "in the fit's order (x0[names]).")
    given = np.asarray(x0)
    x0 = check_array(given.reshape(1, -1), dtype=np.float64, input_name="x0")
    if x0.shape[1] != n_features:
        several = " (several observations: generate starts from one, forecast continues a context)" * (
            given.ndim == 2 and given.shape[0] > 1 and given.shape[1] == n_features)
        raise ValueError(
            f"x0 has {x0.shape[1]} values (shape {given.shape}), but {n_features} features were fitted{several}."
        )
    return x0[0]


def series_like(parts, layout):
    """Per-series results in the layout the series came in (``check_series``; a 1-D series as one);
    in a 3-D array, NaN after each series' last step, as its padding was."""
    if isinstance(layout, tuple):
        padded = np.full((len(parts), layout[1], *parts[0].shape[1:]), np.nan, dtype=parts[0].dtype)
        for row, part in zip(padded, parts):
            row[: len(part)] = part
        return padded
    return parts if layout == "list" else parts[0]
