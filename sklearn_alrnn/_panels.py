"""Panel DataFrames (sktime's and aeon's "pd-multiindex": rows indexed by sequence and time step) and the
time order of rows: which frames are panels, their sequences in time order, their targets paired with
them, and time stamps that sort as times."""

import re

import numpy as np

from ._warnings import warn_user

__all__ = [
    "check_time_dimension", "check_time_order", "evenly_spaced", "is_panel_frame", "is_time_index", "panel_arguments",
    "panel_sequences", "panel_targets", "time_index", "time_order",
]


def is_panel_frame(X):
    """Whether X is a panel DataFrame (sktime's and aeon's "pd-multiindex"): rows indexed by
    (sequence, ..., time step), one column per feature, some sequence of several rows; or such a
    Series, of one feature. (Where every sequence has one row, the rows are the sequences, as a
    wide table's.)"""
    levels = getattr(getattr(X, "index", None), "nlevels", 1)  # a polars DataFrame has columns, no index
    if not (levels >= 2 and (hasattr(X, "columns") or hasattr(X, "to_frame"))):
        return False
    return bool(X.index.droplevel(-1).duplicated().any())


#: What a panel's row-by-row input is instead: one entry per sequence, the hint says where rows belong.
_PER_SEQUENCE = {"y": "for a target per step, ALRNNClassifier(per_step=True) reads a label per row, and "
                      "ALRNNRegressor a list of one target array per sequence",
                 "sample_weight": "step_weight weighs rows"}


def panel_targets(X, y, name="y", per_row=False):
    """``y`` (a sample or step weight, ``name``) for X. Where X is a panel DataFrame: one entry per row
    becomes one array per sequence, each in time order, as X's sequences are read (per-step targets or
    step weights; refused where ``per_row`` is False: sequence-to-one labels, sample weights); and a
    pandas ``y`` indexed by the panel's sequence keys is put in the order of X's sequences (that of
    their first rows), whatever order it lists them in, as a Series of labels by case would otherwise
    pair with other cases. So is a pandas ``y`` beside a pandas Series of sequences indexed by case."""
    if y is None:
        return y
    if getattr(X, "ndim", 0) == 1 and getattr(X, "dtype", None) == object and hasattr(X, "index"):
        return _paired_by_key(y, X.index) if X.index.is_unique else y
    if not is_panel_frame(X):
        return y
    keys = X.index.droplevel(-1).unique()
    index = getattr(y, "index", None)  # a pandas y's (a list's index is a method)
    if _entries(y) == len(X):
        if not per_row:
            raise ValueError(
                f"X is a panel DataFrame (rows indexed by sequence and time step, as sktime's and aeon's "
                f"pd-multiindex): its {len(X)} rows are {len(keys)} sequences by the levels of its index but the "
                f"last, while {name} has {len(y)} entries, one per row. Give {name} one entry per sequence "
                f"({_PER_SEQUENCE[name]}); or, if each row is a sequence (a wide table, its columns the time "
                "steps), pass X.to_numpy()."
            )
        import pandas as pd

        by_row = hasattr(index, "equals") and index.is_unique and X.index.is_unique and index.isin(X.index).all()
        values = np.asarray(y.reindex(X.index) if by_row else y)
        parts = [part.to_numpy() for part in panel_sequences(pd.DataFrame(values.reshape(len(X), -1), index=X.index))]
        return [part[:, 0] for part in parts] if values.ndim == 1 else parts
    return _paired_by_key(y, keys)


def _entries(y):
    """How many entries y holds, without making it an array (np.ndim of a list of one array per
    sequence, per-step targets, is NumPy's "inhomogeneous shape" error); None for a scalar."""
    try:
        return None if isinstance(y, str) else len(y)
    except TypeError:  # a scalar, or a 0-d array
        return None


def _paired_by_key(y, keys):
    """A pandas ``y`` whose index lists the sequences' ``keys`` in another order, reordered by them."""
    index = getattr(y, "index", None)  # a pandas y's (a list's index is a method)
    if not hasattr(index, "equals") or index.nlevels != keys.nlevels or len(index) != len(keys) or index.equals(keys):
        return y
    return y.reindex(keys) if not index.duplicated().any() and index.isin(keys).all() else y


def panel_arguments(X, y, sample_weight, step_weight, estimator):
    """``(y, sample_weight, step_weight)`` for the ``estimator``'s X (:func:`panel_targets`): y may hold a
    target per row for a classifier with ``per_step=True`` only. A regressor's per-row targets are
    refused, as they are a pivoted table's (a row per (subject, trial), its columns the time steps),
    which reads as a panel but means a target per sequence."""
    return (panel_targets(X, y, per_row=getattr(estimator, "per_step", False)),
            panel_targets(X, sample_weight, "sample_weight"),
            panel_targets(X, step_weight, "step_weight", per_row=True))


#: Dates as ISO 8601 spells them, and with slashes as year-first locales do ("2024-03", a month;
#: "2024-03-01", "2024/03/01", "2024-03-01 08:30:00", "2024-03-01T08:30Z", "2024-03-01T08:30:00.5+01:00"),
#: the text a CSV file's time column holds; times of day ("8:30", "08:30:15.5").
_DATE = re.compile(r"\d{4}([-/])\d{2}(\1\d{2}([T ]\d{2}:\d{2}(:\d{2}([.,]\d+)?)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)?)?")
_CLOCK = re.compile(r"\d{1,2}:\d{2}(:\d{2}([.,]\d+)?)?")
#: Quarters ("1959Q1", "1959-Q1"), as economic series are written.
_QUARTER = re.compile(r"(\d{4})-?Q([1-4])")


def time_order(column, name, convert):
    """Time stamps (a pandas Series) as values that sort in time's order. Numbers, dates and categories
    stay as they are; text (dates read from a CSV file, numbers stored as strings) becomes the numbers,
    dates (in UTC) or times of day it spells, since strings sort letter by letter ("10" before "9",
    "12/01/2023" before "2/01/2024", "10:00" before "8:30"). Other text is refused, the message naming
    the stamps (``name``) and how to parse them (``convert``)."""
    import pandas as pd

    if column.dtype != object and not isinstance(column.dtype, pd.StringDtype):
        return column
    try:
        return pd.to_numeric(column)
    except (TypeError, ValueError):
        pass
    texts = [value for value in column if isinstance(value, str)]
    if not texts:  # Python objects that are not text (datetime.date, Decimal) compare as themselves
        return column
    stripped = column.str.strip().str.replace(",", ".", regex=False)
    if len(texts) == len(column) and all(_CLOCK.fullmatch(text) for text in stripped):
        return pd.to_timedelta(stripped.where(stripped.str.count(":") == 2, stripped + ":00"))
    if len(texts) == len(column) and all(_QUARTER.fullmatch(text) for text in stripped):
        year, quarter = stripped.str.extract(_QUARTER.pattern).astype(int).T.to_numpy()
        return pd.Series(pd.to_datetime({"year": year, "month": 3 * quarter - 2, "day": 1}, utc=True).array,
                         index=column.index)
    odd = next((text for text in texts if not _DATE.fullmatch(text.strip())), None)
    if odd is not None or len(texts) < len(column):
        shown = odd if odd is not None else next(value for value in column if not isinstance(value, str))
        raise ValueError(
            f"{name} holds text that is neither a number nor an ISO 8601 date ({shown!r}), which would sort letter "
            f"by letter; write the dates as ISO 8601 (2024-03-01 08:30) or as numbers, or convert them, e.g. "
            f"{convert} with their format."
        )
    # Dates of different precision in one column ("2024-01-05" beside "2024-01-05 10:00", as spreadsheets
    # write midnight) stop pandas 2's parser at the first format it infers, unless told they are mixed.
    mixed = {"format": "mixed"} if int(pd.__version__.split(".")[0]) >= 2 else {}
    return pd.to_datetime(stripped, utc=True, **mixed)


def panel_sequences(X):
    """A panel DataFrame as one DataFrame per sequence, which the index's levels but the last name (in
    the order they first appear; a missing id is a sequence too), its rows in the order of the last
    level, the time step."""
    levels = list(range(X.index.nlevels - 1))
    sequences = []
    for key, frame in X.groupby(level=levels, sort=False, dropna=False):
        frame = frame.droplevel(levels)
        times = time_order(frame.index.to_series(), "The time steps of a panel DataFrame (its index's last level)",
                           "X.index = X.index.set_levels(pd.to_datetime(X.index.levels[-1], format='%d/%m/%Y'), "
                           "level=-1)")
        repeated = times.duplicated().to_numpy()  # as times: "2024-01-05" and "2024-01-05 00:00" are one
        if repeated.any():
            raise ValueError(f"Duplicated time stamp: sequence {key[0] if len(key) == 1 else key} of a panel DataFrame "
                             f"has more than one row at time {frame.index[repeated][0]}; keep one row "
                             "per time step (e.g. X.groupby(level=list(range(X.index.nlevels))).mean()).")
        try:
            frame = frame.iloc[np.argsort(times.to_numpy(), kind="stable")]
        except TypeError:  # time stamps of mixed types: the rows in the order given
            pass
        sequences.append(frame)
    return sequences


def is_time_index(index):
    """Whether a pandas index holds dates, periods or durations (a DataFrame's rows as time steps)."""
    return type(index).__name__ in ("DatetimeIndex", "PeriodIndex", "TimedeltaIndex")


#: Names by which a labelled array's dimension (xarray's ``dims``) holds time steps.
TIME_DIMENSION_NAMES = ("time", "times", "t", "step", "steps", "timestep", "timesteps", "time_step", "time_steps")


def check_time_dimension(X, name, time_axis):
    """Refuse an xarray DataArray whose dimension named as time (:data:`TIME_DIMENSION_NAMES`) is
    not at ``time_axis``, where its values would be read with another axis as the time steps (a
    recording stored channels by rows, as aeon's and MNE's are)."""
    dims = getattr(X, "dims", None)
    if not (isinstance(dims, tuple) and hasattr(X, "transpose") and len(dims) > time_axis):
        return
    timed = [axis for axis, dim in enumerate(dims) if str(dim).lower() in TIME_DIMENSION_NAMES]
    if timed and time_axis not in timed:
        order = list(dims)
        order.insert(time_axis, order.pop(timed[0]))
        raise ValueError(f"{name} is a DataArray of dimensions {dims}, whose axis {time_axis} is read as the time "
                         f"steps; transpose it: .transpose({', '.join(map(repr, order))}).")


def time_index(X):
    """The time stamps that label X's rows (its time steps), as a DatetimeIndex, TimedeltaIndex or
    PeriodIndex, and how to sort the rows by them; (None, None) where the rows are labelled by no
    times. A DataFrame's or Series' index (pyarrow-backed stamps, as pandas' ``dtype_backend="pyarrow"``
    reads a CSV file's dates, become their DatetimeIndex or TimedeltaIndex), or the coordinate of a 1-D
    or 2-D xarray DataArray's first dimension."""
    if isinstance(getattr(X, "dims", None), tuple) and hasattr(X, "indexes"):
        dim = X.dims[0] if 1 <= len(X.dims) <= 2 else None
        index, sort = X.indexes.get(dim), f".sortby({dim!r})"
    else:
        index, sort = getattr(X, "index", None), ".sort_index()"
    kind = getattr(getattr(index, "dtype", None), "kind", None)
    if not is_time_index(index) and kind in ("M", "m") and hasattr(index, "equals"):
        import pandas as pd

        index = (pd.DatetimeIndex if kind == "M" else pd.TimedeltaIndex)(index)
    return (index, sort) if is_time_index(index) else (None, None)


def check_time_order(X, name, even_steps=False):
    """Refuse a DataFrame or Series (or xarray DataArray) whose rows are time steps and whose index of
    dates, periods or durations does not rise: rows written newest first, as some exports write
    them, or shuffled would be read as steps in that order. With ``even_steps`` (a forecaster's map
    takes one step per row), also refuse the same time twice (a recording joined to itself) and warn
    where the stamps have gaps (:func:`evenly_spaced`; periods one apart): missing rows read as no
    time. (A sequence of events for the estimators may hold two events at one time, in the order of
    its rows.) An xarray DataArray must hold its time dimension where the rows are read
    (:func:`check_time_dimension`: axis 0, or 1 of a stack of series)."""
    check_time_dimension(X, name, time_axis=1 if getattr(X, "ndim", 0) == 3 else 0)
    index, sort = time_index(X)
    if index is None:
        return
    if not index.is_monotonic_increasing:
        how = "backwards (newest first)" if index.is_monotonic_decreasing else "out of order"
        raise ValueError(
            f"The rows of {name} are time steps, and its {type(index).__name__} runs {how}: they would be read in that "
            f"order. Sort the rows by time first ({sort}), or pass .to_numpy() to read them as they stand."
        )
    if not even_steps:
        return
    if not index.is_unique:
        repeated = index[index.duplicated()][0]
        raise ValueError(f"The rows of {name} are time steps, and its {type(index).__name__} holds {repeated} more "
                         "than once: rows of one time would be read as steps. Keep one row per time first (e.g. "
                         ".groupby(level=0).mean()), or pass .to_numpy() to read the rows as they stand; local clock "
                         "times that repeat an hour as summer time ends are told apart by their zone: "
                         ".tz_localize(zone, ambiguous='infer').")
    if len(index) < 3:
        return
    if type(index).__name__ == "PeriodIndex":
        steps = np.diff(index.asi8)  # the periods' ordinals
        if np.all(steps == steps[0]):
            return
        shortest, longest = f"{steps.min()}", f"{steps.max()} periods"
    else:
        zoned = getattr(index, "tz", None) is not None  # steps between instants, weekdays of the local dates
        instants = (index.tz_convert(None) if zoned else index).to_numpy()
        if evenly_spaced(instants, index.tz_localize(None).to_numpy() if zoned else None):
            return
        steps = index[1:] - index[:-1]
        shortest, longest = (_duration_text(step) for step in (steps.min(), steps.max()))
    warn_user(f"The rows of {name} are read as equal time steps of the map, but its {type(index).__name__} has "
              f"gaps (steps from {shortest} to {longest}): resample it to a regular grid first "
              "(e.g. .resample(step).mean().interpolate()) where a gap is not to be read as no time.")


def _duration_text(step):
    """A pandas Timedelta as it reads best: "1 days", "01:00:00" (rather than "0 days 01:00:00")."""
    text = str(step)
    return text[len("0 days "):] if text.startswith("0 days ") else text.removesuffix(" 00:00:00")


def evenly_spaced(stamps, local=None):
    """Whether rising time stamps (a NumPy datetime64 or timedelta64 array) step evenly enough to be read
    as equal steps: within half their median step of it (clock jitter, months of 28 to 31 days, years,
    quarters, days of 23 or 25 hours across a change of summer time), or weekdays a day apart but for
    weekends and holidays (business and trading days; the weekdays of ``local``, the stamps' local
    dates, where given). A missing row doubles a step."""
    unit = np.datetime_data(stamps.dtype)[0]
    steps = np.diff(stamps.astype("int64"))
    median = np.median(steps)
    if steps.min() >= 0.5 * median and steps.max() <= 1.5 * median:
        return True
    day = np.timedelta64(1, "D").astype(f"timedelta64[{unit}]").astype("int64")
    dates = stamps if local is None else local
    weekdays = (dates.astype("datetime64[D]").astype("int64") + 3) % 7 if dates.dtype.kind == "M" else None
    return weekdays is not None and median == day and steps.max() <= 5 * day and bool(np.all(weekdays < 5))
