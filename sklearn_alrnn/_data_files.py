"""The command line's data files: long-format CSV tables and the time-series archives' files (``fit``,
``predict``, ``analyze``) and recorded series (``reconstruct``: .npy, .npz, a Monash .tsf or the
numeric columns of a CSV file), read as spreadsheets and other packages write them, with errors
that name the file's fault."""

import itertools
import lzma
import os
import re
import warnings
import zlib
from collections import Counter

import numpy as np

from ._archive_formats import is_ucr_case, load_tsf, load_ucr_tsv
from ._arff_format import load_arff
from ._array_files import ARRAY_FILES, LABELLED_FILES, header_file, read_array_file
from ._csv_text import (
    ISO_DATE, cell_number, csv_dialect, is_blank, is_gap, open_csv, read_csv_rows, without_comments,
    without_repeated_header,
)
from ._panels import evenly_spaced
from ._series import (
    TIME_STAMP_RTOL, constant_columns, counter_and_run_columns, evenly_repeated, numbers_as_dates, rise_text,
    time_index_columns,
)
from ._ts_format import load_ts
from ._validation import is_missing, lengths_before_padding, pad_sequences
from ._warnings import warn_user
from .tabular import _as_floats, _shown, _warn_of_targets_among, listed_columns, target_columns, to_sequences

#: What reading a data file can raise: missing or damaged files (a bad gzip or bz2 stream is an
#: OSError, a bad xz stream an LZMAError, damaged bytes inside a gzip stream a zlib.error, a truncated
#: one an EOFError), undecodable or unparsable text.
_UNREADABLE = (OSError, EOFError, lzma.LZMAError, zlib.error, ValueError, UnicodeDecodeError)


#: Archive files the commands read by their suffix: cases and their labels, no columns to name.
ARCHIVE_READERS = {".ts": load_ts, ".arff": load_arff, ".tsv": load_ucr_tsv}


def archive_reader(path, ucr_2015=False, csv_cases=False):
    """The reader of an archive file by its suffix (.ts, .arff, and .tsv where its first line is a case of
    the UCR archive's, not the header of a table); None for a table. With ``ucr_2015``, a file without a
    suffix or a .txt file whose first line is such a case too (the archive's 2015 files, "Coffee_TRAIN"):
    a table of labelled sequences has a header, whereas a recorded series' text file may not. With
    ``csv_cases`` (no column is named), a .csv file whose first line is such a case, not pandas'
    names 0, 1, ..., and whose first column repeats as class labels do, its first value and each
    value twice on average (copies of the archive as CSV; not a recording's values, nor a table
    with its labels last); with ``csv_cases="wide"``, only where it has fewer lines than values a
    line (a recording has more steps than variables)."""
    suffix = os.path.splitext(path)[1].lower()
    reader = ARCHIVE_READERS.get(suffix, load_ucr_tsv if ucr_2015 and suffix in (".txt", "") or
                                 csv_cases and suffix == ".csv" else None)
    if reader is load_ucr_tsv:
        try:
            with open(path, encoding="utf-8-sig", errors="replace") as handle:
                filled = (line for line in handle if line.strip())  # the .csv check reads the first labels
                lines = list(itertools.islice(filled, 1000 if suffix == ".csv" else 1))
        except OSError:  # the table reader names what is wrong with the file
            return None
        if not lines or not is_ucr_case(lines[0]):
            return None
        if suffix == ".csv":
            labels = [line.split(",", 1)[0].strip() for line in lines]
            names = [name.strip() for name in lines[0].split(",")]
            if labels[0] not in labels[1:] or len(set(labels)) > len(labels) / 2 or \
                    names == [str(i) for i in range(len(names))] or csv_cases == "wide" and len(lines) >= len(names):
                return None
    return reader


def read_table(path):
    try:
        import pandas as pd
    except ImportError:
        raise SystemExit("error: reading CSV tables needs pandas: pip install pandas")
    try:
        with open_csv(path) as opened, warnings.catch_warnings():
            dialect, decimal = csv_dialect(opened)
            handle, repeats = without_repeated_header(without_comments(opened, dialect, decimal, above_only=True),
                                                      dialect)
            # index_col=False: pandas would otherwise read the first column as the index, and shift the names
            # onto the wrong columns, where a delimiter ends every line (as some exports write); where the
            # cells past the header's names are not empty, pandas would drop them with a warning.
            warnings.filterwarnings("error", message="Length of header", category=pd.errors.ParserWarning)
            # Before pandas 3 its default float parser may miss the written number by a unit in the last place.
            exact = {"float_precision": "round_trip"} if int(pd.__version__.split(".")[0]) < 3 else {}
            sep = r"\s+" if dialect is None else dialect.delimiter
            # skipinitialspace: "id, t, x" names the columns "id", "t" and "x", and ", up" holds "up".
            table = pd.read_csv(handle, sep=sep, decimal=decimal, index_col=False, skipinitialspace=True, **exact)
            handle.seek(0)
            header = pd.read_csv(handle, sep=sep, header=None, nrows=1, dtype=str, keep_default_na=False,
                                 skipinitialspace=True).iloc[0].tolist()
    except pd.errors.ParserWarning:
        raise SystemExit(f"error: cannot read {path!r}: rows hold values in more columns than the header names; "
                         "name every column in the header") from None
    except _UNREADABLE as exc:
        raise SystemExit(f"error: cannot read {path!r}: {exc}")
    table.columns = _names_as_written(table.columns, header)
    if repeats:
        warn_user(f"{path!r} repeats its header on {repeats} later line{'s' * (repeats > 1)} (files joined one after "
                  "another); skipped")
    # A row of empty cells (",,,,", as spreadsheets export the rows below a table) is no row, as a blank line is none.
    table = table.dropna(how="all").reset_index(drop=True)
    unnamed = [name for name in table.columns if str(name).startswith("Unnamed: ")]
    empty = [name for name in unnamed if table[name].isna().all()]
    # The index pandas' to_csv writes by default, under an empty name: row numbers, not a feature.
    row_numbers = unnamed[:1] if table.columns[0] in unnamed and np.array_equal(
        pd.to_numeric(table.iloc[:, 0], errors="coerce"), np.arange(len(table))) else []
    return table.drop(columns=list(dict.fromkeys(empty + row_numbers)))


def _names_as_written(columns, header):
    """pandas' ``columns`` of a table whose first line holds ``header``: each name without the spaces
    around it, and a name written more than once as "x (1 of 2)", "x (2 of 2)" by its place (pandas
    renames the second "x.1", a name the file does not hold, which ``--features x`` passed over)."""
    names = [name.strip() for name in header]
    if len(names) != len(columns):
        return columns
    counts, seen, written = Counter(filter(None, names)), Counter(), []
    for column, name in zip(columns, names):
        seen[name] += 1
        written.append(column if not name else name if counts[name] == 1 else
                       f"{name} ({seen[name]} of {counts[name]})")
    return written


def table_sequences(table, id_col, time_col, features, target=None, per_step=False, gaps=False):
    """``to_sequences`` of a table read from a file, of its ``features`` columns; a missing feature value
    is refused by its sequence and time stamp (in the arrays it would be a NaN step, or at a sequence's
    end taken for padding), or with ``gaps`` kept as NaN (for SequenceImputer)."""
    _check_columns(table, [id_col, time_col, *features, *target_columns(target)])
    if not gaps:
        missing = table[features].isna().to_numpy()
        if missing.any():
            row, column = np.argwhere(missing)[0]
            raise ValueError(
                f"column {features[column]!r} has no value at {id_col}={_shown(table[id_col].iloc[row])}, "
                f"{time_col}={_shown(table[time_col].iloc[row])} (data row {row}); fill missing values first, e.g. "
                "by interpolating within each sequence (--gaps interpolate)"
            )
    return to_sequences(table, id_col, time_col, features, target, per_step)


def refuse_row_numbers(values, columns, what):
    """Refuse a column of a table's ``values`` (n_rows, len(columns)) that rises by the same step from each
    row to the next, as a row number does, as not a ``what``: for columns taken by default, not named."""
    counters = [columns[j] for j in time_index_columns(values)]
    if counters:
        raise ValueError(f"column {counters[0]!r} rises by the same step from each row to the next, as a row "
                         f"number does (a spreadsheet's or pandas' index): it is not a {what}; name the {what}s with "
                         "--features")


def wide_sequences(table, steps, target=None):
    """``(X, y)`` of a wide table: a row per univariate sequence, its values in the ``steps`` columns in
    that order, empty cells after a shorter sequence's last value its padding; y the ``target`` column
    (a column of y each where ``target`` is a list; None without one), refused where a row has none. A
    column that counts the rows is refused."""
    _check_columns(table, [*steps, *target_columns(target)])
    _warn_of_targets_among(steps, target_columns(target))
    if not steps:
        raise ValueError(f"the table has no numeric columns besides {target!r} to read as time steps")
    X = _as_floats(table, list(steps))
    refuse_row_numbers(X, steps, "time step")
    return X, _row_targets(table, target)


def text_rows(table, text_col, target=None):
    """``(texts, y)`` of a table of a row per text: the ``text_col`` column's cells (numbers as text, an
    empty cell missing, which ``SequenceTokenizer`` refuses by row) and y as :func:`wide_sequences` reads it."""
    _check_columns(table, [text_col, *target_columns(target)])
    texts = [text if isinstance(text, str) or is_missing(text) else str(text) for text in table[text_col]]
    return texts, _row_targets(table, target)


def _check_columns(table, columns):
    """Refuse ``columns`` the table lacks, naming those it has."""
    missing = [column for column in columns if column not in table]
    if not missing:
        return
    names = list(map(str, table.columns))
    twice = next((column for column in missing if any(name.startswith(f"{column} (1 of ") for name in names)), None)
    if twice is not None:
        hint = f": its header names {twice!r} more than once; choose one by the name given here"
    elif all(cell_number(name) is not None for name in names):
        hint = (": its first line, read as the names, holds numbers; a file of cases without a header (a label, "
                "then the values, on each line) is read with no column option")
    else:
        hint = ""
    raise ValueError(f"columns {missing} are not in the table; it has {listed_columns(names)}{hint}")


def _row_targets(table, target):
    """y of a table of a row per sequence: the ``target`` column (a column of y each where ``target`` is a
    list; None without one), refused where a row has none."""
    if target is None:
        return None
    for column in target_columns(target):
        unlabelled = np.flatnonzero(table[column].isna().to_numpy())
        if unlabelled.size:
            raise ValueError(f"column {column!r} is empty in {unlabelled.size} rows (the first: data row "
                             f"{unlabelled[0]}); every sequence of a wide table needs its target")
    return table[target_columns(target) if isinstance(target, (list, tuple)) else target].to_numpy()


_FILL_GAPS = "fill short gaps (--gaps interpolate) or cut the series there (--gaps split)"
def _check_date_column(name, cells, other_text_columns=False):
    """Refuse a column of ISO 8601 dates that runs backwards (a download written newest first), out of
    order or through a time twice: the rows are read in the file's order, so the series would be
    learnt that way; warn where the dates have gaps (:func:`_panels.evenly_spaced`), read as no time.
    Days without a time that repeat in order, beside ``other_text_columns`` or each as often (but the
    first and last, which may be cut), are left alone: another column may hold the times of day.
    The time between rows the dates give (:func:`_date_sampling`), or None."""
    if not all(ISO_DATE.match(cell) for cell in cells):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # NumPy's deprecation of time zones in date strings
            stamps = np.array([cell.strip() for cell in cells], dtype="datetime64")  # to the finest unit written
    except ValueError:  # not dates, or not in ISO 8601
        return None
    if np.datetime_data(stamps.dtype)[0] in ("Y", "M", "W", "D", "h", "m"):
        stamps = stamps.astype("datetime64[s]")  # so that months of 28 to 31 days differ
    durations = np.diff(stamps)
    steps = durations.astype("int64")
    if np.any(steps == 0) and np.all(steps >= 0) and all(
            re.fullmatch(r"\s*\d{4}-\d{2}(-\d{2})?\s*", cell) for cell in cells):
        if other_text_columns or evenly_repeated(steps != 0):
            return None  # days alone, repeated, beside another column of text or as often: times of day elsewhere
    backwards = np.flatnonzero(steps <= 0)
    if backwards.size:
        row = backwards[0] + 1
        how = "backwards (newest first)" if np.all(steps < 0) else \
            f"out of order (data row {row} is earlier than row {row - 1})" if steps[row - 1] < 0 else \
            f"through a date twice (data rows {row - 1} and {row}: {stamps[row]})"
        raise ValueError(f"column {name.strip()!r} holds dates that run {how}; the rows are read in the file's "
                         "order, so sort them by date first (and keep one row per date)")
    if len(stamps) >= 3 and not evenly_spaced(stamps):
        shortest, longest = _duration(durations.min()), _duration(durations.max())
        warn_user(f"Column {name.strip()!r} holds dates with gaps (steps from {shortest} to {longest}), but the "
                  "rows are read as equal time steps: fill the missing rows first (e.g. by interpolating) where a "
                  "gap is not to be read as no time.")
    return _date_sampling(name, (stamps[-1] - stamps[0]) / np.timedelta64(1, "s") / len(durations)) \
        if len(durations) else None


def _date_sampling(name, seconds):
    """The time between rows of dates ``seconds`` apart on average (stamps written to the millisecond
    at 64 Hz step by 15 and 16 ms), in the largest of days, hours, minutes and seconds that it fills,
    and that unit (:func:`_time_between_rows`: none where it is one of them)."""
    unit, length = next(((unit, length) for unit, length in (("day", 86400), ("hour", 3600), ("minute", 60))
                         if seconds >= length), ("second", 1))
    dt = seconds / length
    return _time_between_rows(dt, f"{unit} (column {name.strip()!r} steps by {dt:.4g} {unit}s)")


def _time_between_rows(step, unit):
    """``(step, unit)``, or None where the step is one unit: an hourly series' exponents per hour, or a
    row counter's per unit, are those per step."""
    return None if np.isclose(step, 1.0, rtol=1e-9, atol=0) else (float(step), unit)


def _duration(step):
    """A time step (a timedelta64) in the largest unit that divides it ("3 days", "90 minutes", "15 milliseconds")."""
    units = (("D", "days"), ("h", "hours"), ("m", "minutes"), ("s", "seconds"), ("ms", "milliseconds"),
             ("us", "microseconds"))
    for unit, name in units:
        if step % np.timedelta64(1, unit) == np.timedelta64(0, unit):
            return f"{step // np.timedelta64(1, unit)} {name}"
    return f"{step // np.timedelta64(1, 'ns')} nanoseconds"


def _without_columns(series, kept, columns):
    """``series`` (a list of (n_rows, len(kept)) arrays) and the ``kept`` columns' (name, numbers) without
    ``columns``."""
    return [np.delete(part, columns, axis=1) for part in series], [column for j, column in enumerate(kept)
                                                                   if j not in columns]


def _yyyymmdd_days(numbers, cells):
    """The ISO days of a column whose numbers all write dates as YYYYMMDD (``numbers_as_dates``), a
    cell without a number (a gap, NaN under ``--gaps``) kept as it is; else None."""
    values = np.array(numbers, dtype=float)
    present = ~np.isnan(values)
    days = numbers_as_dates(values[present]) if present.any() else None
    if days is None:
        return None
    days = iter(days)
    return [next(days) if here else cell for here, cell in zip(present, cells)]


def _read_csv_series(path, features=None, series_column=None, fitted_series_column=None, gaps=False):
    """The numeric columns of a CSV file (an optional header row; lines starting with # are comments),
    the names of the columns left out: those without a single number (dates, labels), dates written
    as numbers (YYYYMMDD), a first column without a name (the index pandas writes) and, beside other
    numeric columns, those that rise by the same step every row (a time index, in decimal years
    too), hold one value in every row or count or number (``_without_clocks_and_constants``), and
    the kept columns' names (None without a header naming each once). ``features`` (header names, or
    numbers without a header) choose the columns instead, in that order. A chosen column with
    numbers and other cells is an error naming the cell. Cells separated by semicolons or tabs may
    write decimals with a comma, or by runs of spaces (``csv_dialect``). With a ``series_column``
    (named as features are), the rows of each of its values are one series, in the order the values
    first appear: a stack (n_series, n_timesteps, n_variables), NaN-padded; and those values (None
    without a ``series_column``). ``fitted_series_column``, the one a model was fitted with, is the
    ``series_column`` where none is given and the header has it. With ``gaps``, an empty or NA cell of a
    numeric column is a NaN (:func:`split_at_gaps` cuts the series there, :func:`interpolate_gaps` fills it).
    Last, the time between rows that a time index left out or dates give (``_without_clocks_and_constants``,
    :func:`_check_date_column`), else None."""
    header, rows, decimal = read_csv_rows(path)
    width = len(rows[0])
    names = header if header is not None and len(header) == width else [f"column {i}" for i in range(width)]
    stripped = [name.strip() for name in names]
    if features is not None:
        features = _chosen_columns(features, stripped, header is not None, "--features")
    if series_column is None and header is not None and fitted_series_column in stripped:
        series_column = fitted_series_column
    if series_column is not None:
        series_column, = _chosen_columns([series_column], stripped, header is not None, "--id-col")
        rows = [row for row in rows if not is_blank(row)]  # blank lines between the series
        if features is not None and series_column in features:
            raise ValueError(f"column {series_column!r} names the series (--id-col); it is not one of --features")
        ids = [cell.strip() for cell in list(zip(*rows))[stripped.index(series_column)]]
        if "" in ids:
            raise ValueError(f"column {series_column!r} (--id-col) is empty in data row {ids.index('')}: which "
                             "series is the row's?")
        groups = [np.flatnonzero(np.array(ids) == name) for name in dict.fromkeys(ids)]
    else:
        groups = [np.arange(len(rows))]
    kept, left_out, texts = [], [], []
    for i, (name, cells) in enumerate(zip(stripped, zip(*rows))):
        if name == series_column:
            continue
        chosen = features is None or name in features
        numbers = [cell_number(cell, decimal) for cell in cells]
        if gaps and any(number is not None for number in numbers):
            numbers = [np.nan if number is None and is_gap(cell) else number
                       for number, cell in zip(numbers, cells)]
        dates = None if None in numbers else _yyyymmdd_days(numbers, cells)
        if all(number is None for number in numbers) or dates is not None or (
                i == 0 and header is not None and not name and features is None):
            texts.append((name, cells if dates is None else dates))
            if features is None:
                unnamed = "the unnamed first column (an index)" if i == 0 else f"unnamed column {i}"
                left_out.append(f"{name!r} (dates written as YYYYMMDD)" if dates else name or unnamed)
            elif chosen:
                raise ValueError(f"column {name!r}, chosen by --features, holds "
                                 f"{'dates' if dates else 'no numbers'}, as {cells[0]!r}")
        elif not chosen:
            continue
        elif None in numbers:
            row = numbers.index(None)
            if is_gap(cells[row]):
                hint = f" (a gap: {_FILL_GAPS})"
            elif row == 0 and header is not None and all(cell_number(cell, decimal) is None for cell in rows[0]):
                hint = " (a second header line, such as the units, is read as a comment where it starts with #)"
            elif [cell.strip() for cell in rows[row]] == stripped:
                hint = (" (the header again: the recordings of files joined one after another are series of their "
                        "own; give each file, or a column naming each one's rows, --id-col)")
            else:
                hint = ""
            raise ValueError(f"column {name!r} holds {cells[row]!r} in data row {row}, which is not a number{hint}")
        else:
            kept.append((name, numbers))
    if not kept:
        raise ValueError("no column of numbers")
    dated = []
    for name, cells in texts:
        for group in groups:  # each series' dates run forward; the next series' start again
            label = name if len(groups) == 1 else f"{name} (series {ids[group[0]]})"
            dated.append(_check_date_column(label, [cells[row] for row in group], other_text_columns=len(texts) > 1))
    values = np.array([numbers for _, numbers in kept]).T
    series = [values[group] for group in groups]
    sampling = next((found for found in dated if found is not None), None)
    if features is not None:
        order = [[name for name, _ in kept].index(feature) for feature in features]
        series, kept = [part[:, order] for part in series], [kept[j] for j in order]
    else:
        series, kept, clock = _without_clocks_and_constants(series, kept, left_out)
        sampling = clock or sampling
    names = [name for name, _ in kept]
    named = header is not None and all(names) and len(set(names)) == len(names)
    series_ids = None if series_column is None else list(dict.fromkeys(ids))
    series = series[0] if len(series) == 1 else pad_sequences(series)
    return series, left_out, names if named else None, series_ids, sampling


def _without_clocks_and_constants(series, kept, left_out):
    """The ``series`` and their ``kept`` columns' (name, numbers) without, beside other columns, those that
    rise every row of each series (a time index, restarting in each), hold one value in every row, or
    count or number (:func:`counter_and_run_columns`: a clock that wraps, a year beside the month, the
    step or number of several series in one table), which are added to ``left_out``; and the time
    between rows, with its unit, where a time index rises by other than 1 a row (else None)."""
    time_axes = sorted(set.intersection(*(set(time_index_columns(part, TIME_STAMP_RTOL)) for part in series)))
    sampling = None
    if len(time_axes) < len(kept):  # a column rising by one step every row counts time; it is no variable
        left_out += [f"{kept[j][0]!r} (rises {rise_text(series[0][:, j])} every row: a time index)" for j in time_axes]
        if time_axes and len(series[0]) > 1:
            clock = series[0][:, time_axes[0]]
            step = (clock[-1] - clock[0]) / (len(clock) - 1)
            sampling = _time_between_rows(step, f"unit of column {kept[time_axes[0]][0]!r} (its step of {step:.4g})")
        series, kept = _without_columns(series, kept, time_axes)
    constant = constant_columns(np.concatenate(series))
    if len(constant) < len(kept):  # a column of one value has no dynamics (an anomaly label that never fires)
        left_out += [f"{kept[j][0]!r} (one value, {series[0][0, j]:g}, in every row)" for j in constant]
        series, kept = _without_columns(series, kept, constant)
    counters, runs = (sorted(set().union(*found)) for found in zip(*map(counter_and_run_columns, series)))
    if counters + runs and len(counters + runs) < len(kept):
        several = "several series in one table, which --id-col reads as such"
        left_out += [f"{kept[j][0]!r} (starts again from {series[0][0, j]:g}: a clock that wraps, or the steps of "
                     f"{several})" for j in counters]
        left_out += [f"{kept[j][0]!r} (keeps each value for a run of rows: a coarse time stamp, or the number of "
                     f"{several})" for j in runs]
        series, kept = _without_columns(series, kept, sorted(counters + runs))
    return series, kept, sampling


def _chosen_columns(features, names, named, option):
    """The column ``names`` that ``features`` (given by ``option``) choose: names of the header where the
    table is ``named``, else numbers from 0 (the reader's "column 0", ...); refused where a column is
    missing or named twice."""
    if not named:
        if not all(feature.strip().isdigit() for feature in features):
            raise ValueError(f"the file has no header row, so {option} names its columns by number, from 0 to "
                             f"{len(names) - 1}; got {features}")
        features = [f"column {int(feature)}" for feature in features]
    missing = [feature for feature in features if feature not in names]
    if missing:
        raise ValueError(f"{option} names {missing}, which the table lacks; it has {names}")
    twice = [feature for feature in features if names.count(feature) > 1 or features.count(feature) > 1]
    if twice:
        raise ValueError(f"column {twice[0]!r} is named twice (in the header or in {option}): which is meant?")
    return features


def read_series(path, features=None, series_column=None, fitted_series_column=None, gaps=False):
    """A recorded series (n_timesteps, n_variables), or a stack of series (n_series, n_timesteps,
    n_variables), with the variables' names, the series' names and the time between rows.

    Read from an array file (:func:`read_array_file`: .npy, .npz, .mat, .wav, the signals of one rate
    or the ``features`` of an EDF / BDF, GDF, WFDB, XDF, BrainVision or EEGLAB recording, an epoched one's a
    stack; a data file or a WFDB record's name reads its header), a Monash .tsf file, the cases of an
    archive file (.ts, .arff, a UCR .tsv, a .csv copy of fewer rows than columns), or the numeric
    columns of a .csv (or its ``features``, named by its header; a stack of the rows of each value of
    its ``series_column``). The variables' names are a header's or a recording's labels (else None);
    the series' names the values of ``series_column``, or of ``fitted_series_column`` where a header
    has it (else None); the time between rows, with its unit, the rate of an EDF, GDF, WFDB, XDF,
    BrainVision, EEGLAB or WAV recording (in seconds) or the step of a CSV table's time index or
    dates (else None). A row with a missing value (an empty or NA cell, NaN or infinity) is refused,
    or with ``gaps`` kept, a NaN."""
    left_out, names, series_ids, sampling = [], None, None, None
    path = header_file(path)
    try:
        suffix = os.path.splitext(path)[1].lower()
        read_archive = archive_reader(path, csv_cases="wide" if features is None and series_column is None else False)
        no_table = suffix in ARRAY_FILES or suffix == ".tsf" or read_archive
        if no_table and (series_column is not None or features is not None and suffix not in LABELLED_FILES):
            raise ValueError(f"{'--features' if series_column is None else '--id-col'} names columns of a table; "
                             "the file is no table")
        if suffix in ARRAY_FILES:
            series, names, left_out, rate = read_array_file(path, features)
            sampling = None if rate is None else (1 / rate, f"second (the file's {rate:g} Hz)")
        elif suffix == ".tsf":
            series = pad_sequences(load_tsf(path)[0])
        elif read_archive:  # its cases are the series; their labels are not the system's
            series = pad_sequences(read_archive(path)[0])
            if suffix == ".csv":
                left_out = ["the first column (class labels: a row per case, as the UCR archive's CSV copies hold "
                            "them; each case is a series)"]
        else:
            series, left_out, names, series_ids, sampling = _read_csv_series(
                path, features, series_column, fitted_series_column, gaps)
    except _UNREADABLE as exc:
        raise SystemExit(f"error: cannot read a numeric series from {path!r}: {exc}")
    if left_out:
        print(f"Columns left out: {', '.join(left_out)}")
    series = series.reshape(len(series), -1) if series.ndim == 1 else series
    series = series[0] if series.ndim == 3 and len(series) == 1 else series
    if series.ndim not in (2, 3) or 0 in series.shape or series.dtype.kind not in "biuf":  # complex: not a recording
        raise SystemExit(
            f"error: {path!r} must hold a real (n_timesteps, n_variables) array or a stack "
            f"(n_series, n_timesteps, n_variables) of series; got {series.dtype} of shape {series.shape}"
        )
    series = series.astype(float)
    if series.ndim == 3:  # all-NaN rows after a series' last step pad it to the stack's length, as in fit
        series = [s[:n] if n else s for s, n in zip(series, lengths_before_padding(np.isnan(series)))]
    for i, part in enumerate(series_list(series)):
        if not gaps and not np.isfinite(part).all():
            row = int(np.flatnonzero(~np.isfinite(part).all(axis=1))[0])
            where = f"row {row}" if isinstance(series, np.ndarray) else f"series {i}, row {row}"
            raise SystemExit(
                f"error: {path!r} holds NaN or infinite values (first in {where}); a recorded series must be "
                f"finite: {_FILL_GAPS}"
            )
    return series, names, series_ids, sampling


def held_out_split(series, fraction):
    """The training part and the held-out trajectories: the last ``fraction`` of one series' steps,
    or of a stack's series (a list; at least one)."""
    if isinstance(series, np.ndarray):
        n_test = int(round(fraction * len(series)))
        if n_test < 2 or len(series) - n_test < 2:
            raise SystemExit(
                f"error: {len(series)} steps cannot be split into training and held-out parts of at least 2 steps "
                f"each with --test-fraction {fraction}, which holds out {n_test}"
            )
        return series[:-n_test], [series[-n_test:]]
    n_test = max(1, int(round(fraction * len(series))))
    if n_test >= len(series) or min(map(len, series[-n_test:])) < 2:
        raise SystemExit(
            f"error: {len(series)} series of {min(map(len, series))}-{max(map(len, series))} steps cannot be split "
            f"into training series and held-out ones of at least 2 steps with --test-fraction {fraction}"
        )
    return series[:-n_test], series[-n_test:]


def model_columns(series, names, wanted):
    """The ``wanted`` columns of series read with column ``names``, in that order: the columns of a file
    read by name, as a table's are, and its other columns (an anomaly label that the training file
    held constant, say) left out with a note."""
    order = [names.index(name) for name in wanted]
    if len(order) < len(names):
        print(f"Columns left out: {', '.join(repr(name) for name in names if name not in wanted)} (the model's "
              f"variables are {', '.join(map(repr, wanted))})")
    return ([item[..., order] for item in series] if isinstance(series, list) else series[..., order]), wanted


def series_list(series):
    """One series (an array) or several (a list) as a list of series."""
    return [series] if isinstance(series, np.ndarray) else series


def named_series(series, names):
    """Series (an array or a list of them) as DataFrames of the file's column names, so that the forecaster's
    warnings name the columns as the file does; as given without names or without pandas."""
    if names is None:
        return series
    try:
        import pandas as pd
    except ImportError:
        return series
    if isinstance(series, list):
        return [pd.DataFrame(item, columns=names) for item in series]
    return pd.DataFrame(series, columns=names)


def check_can_write(path, option):
    """Refuse, before any training, a file to write whose folder does not exist or cannot be written
    (after the work, its results would be lost with a traceback)."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise SystemExit(f"error: {option} {path!r}: the folder {folder!r} does not exist")
    if not os.access(folder, os.W_OK):
        raise SystemExit(f"error: {option} {path!r}: the folder {folder!r} cannot be written to")
