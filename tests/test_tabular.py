"""Long-format tables (one row per time step) to sequence arrays and back."""

import io
import warnings

import numpy as np
import pytest

from sklearn_alrnn import sequence_predictions_to_rows, to_sequences

pd = pytest.importorskip("pandas")


def _long_table(seed=0, n_sequences=6):
    rng = np.random.RandomState(seed)
    rows = []
    for sid in range(n_sequences):
        for t in range(rng.randint(2, 7)):
            rows.append({"id": f"s{sid}", "time": 100 + 7 * t, "a": rng.normal(), "b": rng.normal(),
                         "target": rng.normal()})
    return pd.DataFrame(rows)


def test_long_format_round_trip_with_unequal_lengths_and_shuffled_rows():
    table = _long_table()
    shuffled = table.sample(frac=1.0, random_state=1).reset_index(drop=True)
    X, y, ids = to_sequences(shuffled, "id", "time", ["a", "b"], "target", per_step=True)
    assert list(ids) == sorted(table["id"].unique())
    lengths = table.groupby("id").size().loc[ids].to_numpy()
    assert X.shape == (6, lengths.max(), 2)
    for i, sid in enumerate(ids):
        rows = table[table["id"] == sid].sort_values("time")
        np.testing.assert_array_equal(X[i, : lengths[i]], rows[["a", "b"]].to_numpy())
        assert np.isnan(X[i, lengths[i]:]).all()
    # Per-step values mapped back land on their own rows, in the table's row order.
    back = sequence_predictions_to_rows(shuffled, "id", "time", ids, y)
    np.testing.assert_array_equal(back, shuffled["target"].to_numpy())
    # A list of per-sequence arrays (what predict answers for a list X) maps the same way; it was a
    # NumPy "inhomogeneous shape" error.
    as_list = [y[i, :length] for i, length in enumerate(table.groupby("id").size().loc[ids])]
    np.testing.assert_array_equal(sequence_predictions_to_rows(shuffled, "id", "time", ids, as_list), back)
    as_list[2] = as_list[2][:-1]
    with pytest.raises(ValueError, match=r"one array per id \(6\).* sequence 2 with \d+ steps for \d+ rows"):
        sequence_predictions_to_rows(shuffled, "id", "time", ids, as_list)
    _, y_last, _ = to_sequences(shuffled, "id", "time", ["a", "b"], "target")
    expected = table.sort_values("time").groupby("id")["target"].last().loc[ids].to_numpy()
    np.testing.assert_array_equal(y_last, expected)


def test_a_target_among_the_features_is_warned_of():
    # The network would read the value it is to predict: silently fitted before.
    table = _long_table()
    with pytest.warns(UserWarning, match=r"The target columns \['target'\] are feature columns too"):
        X, y, _ = to_sequences(table, "id", "time", ["a", "target"], "target")
    np.testing.assert_array_equal(X[np.arange(len(y)), table.groupby("id").size().to_numpy() - 1, 1], y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        to_sequences(table, "id", "time", None, "target")  # the default features leave the target out
        to_sequences(table, "id", "time", ["a", "b"], "target")


def test_a_list_of_target_columns_gives_a_column_of_y_each():
    table = _long_table().assign(tag=lambda frame: (frame["a"] > 0).astype(int))
    shuffled = table.sample(frac=1.0, random_state=2).reset_index(drop=True)
    _, y, ids = to_sequences(shuffled, "id", "time", ["a", "b"], ["target", "tag"])
    last = table.sort_values("time").groupby("id")[["target", "tag"]].last().loc[ids].to_numpy()
    assert y.shape == (6, 2)
    np.testing.assert_array_equal(y, last)
    _, one, _ = to_sequences(shuffled, "id", "time", ["a", "b"], ["target"])  # a list of one: a column of one
    np.testing.assert_array_equal(one, last[:, :1])
    _, per_step, _ = to_sequences(shuffled, "id", "time", ["a", "b"], ["target", "tag"], per_step=True)
    _, alone, _ = to_sequences(shuffled, "id", "time", ["a", "b"], "tag", per_step=True)
    assert per_step.shape[2] == 2
    np.testing.assert_array_equal(per_step[:, :, 1:], alone)
    with pytest.raises(ValueError, match="target_col is an empty list"):
        to_sequences(table, "id", "time", ["a"], [])
    with pytest.raises(ValueError, match=r"Columns \['missing'\] are not in the table"):
        to_sequences(table, "id", "time", ["a"], ["target", "missing"])


def test_long_format_errors():
    table = _long_table()
    with pytest.raises(ValueError, match=r"Duplicated time stamp: sequence 's0' has more than one row at time=100"):
        to_sequences(pd.concat([table, table.iloc[:1]]), "id", "time")
    broken = table.copy()
    broken.loc[2, "time"] = np.nan
    with pytest.raises(ValueError, match="missing time stamps"):
        to_sequences(broken, "id", "time")
    with pytest.raises(ValueError, match=r"Columns \['nope'\] are not in the table"):
        to_sequences(table, "id", "time", ["nope"])
    twice = pd.concat([table, table[["a"]]], axis=1)  # pandas lets two columns share a name (it crashed here)
    for features in (["a"], None):
        with pytest.raises(ValueError, match=r"The table names 2 columns 'a': which is meant\?"):
            to_sequences(twice, "id", "time", features)
    sid = next(s for s, n in table.groupby("id").size().items() if n >= 3)
    gappy = table.drop(index=table.index[(table["id"] == sid) & (table["time"] == 107)])
    with pytest.raises(ValueError, match=rf"Sequence '{sid}' misses time stamps: .*between 100 and 114"):
        to_sequences(gappy, "id", "time", step=7)
    to_sequences(table, "id", "time", step=7)  # a regular grid passes
    numbered = table.assign(id=table["id"].str[1:].astype(int))  # ids and times as plain numbers, not np.int64(0)
    with pytest.raises(ValueError, match=r"Duplicated time stamp: sequence 0 has more than one row at time=100\.$"):
        to_sequences(pd.concat([numbered, numbered.iloc[:1]]), "id", "time")
    with pytest.raises(TypeError, match="reads a pandas DataFrame in long format .*got numpy.ndarray"):
        to_sequences(table.to_numpy(), "id", "time")
    dated = table.assign(day=pd.Timestamp("2000-01-01") + pd.to_timedelta(table["time"], unit="D"))
    with pytest.raises(ValueError, match=r"feature_cols holds dates .*\(column 'day'\).*time stamps go in time_col"):
        to_sequences(dated, "id", "time", ["a", "day"])
    assert to_sequences(dated, "id", "day")[0].shape[2] == 4  # time, a, b and target: the dates order the steps
    X, _, ids = to_sequences(table, "id", "time")
    with pytest.raises(ValueError, match=rf"predictions must have shape \(n_sequences=6, n_timesteps >= {X.shape[1]}"):
        sequence_predictions_to_rows(table, "id", "time", ids, np.zeros(6))  # one value per sequence
    with pytest.raises(ValueError, match=r"Sequences \['s0'\] of the table are not among ids"):
        sequence_predictions_to_rows(table, "id", "time", ids[1:], np.zeros((5, X.shape[1])))


def test_ids_of_mixed_types_keep_their_types_and_map_back():
    # Tables joined from two sources name sequences 1 and "b": the ids came back as the strings "1" and
    # "b", which sequence_predictions_to_rows then did not find in the table.
    table = pd.DataFrame({"id": [1, "b", 1, "b", "b"], "t": [0, 0, 1, 1, 2], "x": [1.0, 2.0, 3.0, 4.0, 5.0]})
    X, _, ids = to_sequences(table, "id", "t", ["x"])
    assert {type(key) for key in ids} == {int, str}
    np.testing.assert_array_equal(sequence_predictions_to_rows(table, "id", "t", ids, X[..., 0]), table["x"])


def test_rows_without_an_id_a_number_or_any_rows_are_named_not_dropped():
    table = _long_table()
    orphan = table.copy()
    orphan.loc[3, "id"] = None  # once dropped from its sequence without a word
    with pytest.raises(ValueError, match=r"Column 'id' has 1 missing sequence ids \(the first in row 3\)"):
        to_sequences(orphan, "id", "time")
    texty = table.copy()
    texty["a"] = texty["a"].astype(object)
    texty.loc[4, "a"] = "n/a"
    with pytest.raises(ValueError, match=r"Feature column 'a' is not numeric: row 4 holds 'n/a'"):
        to_sequences(texty, "id", "time", ["a", "b"])
    with pytest.raises(ValueError, match="The table has no rows"):
        to_sequences(table.iloc[:0], "id", "time")
    # A CSV of a header alone reads as columns of no type, not numbers: the missing rows are named,
    # not the missing feature columns.
    header_only = pd.read_csv(io.StringIO("id,time,a,b\n"))
    with pytest.raises(ValueError, match="The table has no rows"):
        to_sequences(header_only, "id", "time")


def test_a_last_row_without_any_feature_value_is_named_since_it_reads_as_padding():
    table = _long_table()
    last = table.groupby("id")["time"].idxmax()
    holed = table.copy()
    holed.loc[[last["s2"], last["s4"]], ["a", "b"]] = np.nan
    with pytest.warns(UserWarning, match=r"2 of the 6 sequences have no feature value on their last row \(the first: "
                                         rf"sequence 's2' at time={table.loc[last['s2'], 'time']}\); the estimators"):
        to_sequences(holed, "id", "time", ["a", "b"], "target")
    holed.loc[last["s2"], "b"] = 0.5  # one value keeps the row a step (its NaN is for the estimators to refuse)
    with pytest.warns(UserWarning, match=r"1 of the 6 sequences .*sequence 's4'"):
        to_sequences(holed, "id", "time", ["a", "b"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        to_sequences(table, "id", "time")


def test_default_features_name_what_they_leave_out_and_read_as_identifiers():
    # feature_cols=None took the numeric columns without a word: a subject's number became an input, a
    # boolean or text column was dropped, and labels that change within a sequence were cut to the last.
    table = _long_table().assign(subject=lambda t: t["id"].str[1:].astype(int) % 4, moving=lambda t: t["a"] > 0,
                                 activity=lambda t: np.where(t["b"] > 0, "walk", "sit"))
    with pytest.warns(UserWarning) as caught:
        X, y, _ = to_sequences(table, "id", "time", target_col="activity")
    messages = [str(w.message) for w in caught]
    assert X.shape[2] == 4 and len(messages) == 3, messages
    assert messages[0].startswith("The numeric columns ['a', 'b', 'target', 'subject'] are the features; ['moving'] "
                                  "hold no numbers and are left out.")
    assert messages[1].startswith("The labels 'activity' change within 4 of the 6 sequences (the first: sequence "
                                  "'s0'); y holds each sequence's last value.")
    assert messages[2].startswith("The feature columns ['subject'] hold one value per sequence")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        to_sequences(table, "id", "time", ["a", "b", "moving"], "activity", per_step=True)
        to_sequences(table.drop(columns=["moving", "subject", "activity"]), "id", "time", target_col="target")


def test_time_stamps_written_as_text_order_the_steps_as_times():
    values = np.arange(12.0)
    as_text = pd.DataFrame({"id": "a", "time": [str(i) for i in range(12)], "x": values})  # "10" sorts before "2"
    X, _, ids = to_sequences(as_text.sample(frac=1.0, random_state=0), "id", "time", ["x"], step=1)
    np.testing.assert_array_equal(X[0, :, 0], values)
    shuffled = as_text.sample(frac=1.0, random_state=1)
    np.testing.assert_array_equal(sequence_predictions_to_rows(shuffled, "id", "time", ids, X), shuffled["x"])
    assert as_text["time"].iloc[-1] == "11"  # the caller's table is left as it was
    iso = as_text.assign(time=[f"2024-01-{i + 1:02d}T08:00+01:00" for i in range(12)]).iloc[::-1]
    np.testing.assert_array_equal(to_sequences(iso, "id", "time", ["x"], step="1D")[0][0, :, 0], values)
    with pytest.raises(ValueError, match=r"misses time stamps: expected steps of 1D, found a gap between 2024-01-02 "):
        to_sequences(iso.drop(index=2), "id", "time", ["x"], step="1D")
    with pytest.raises(ValueError, match=r"step must be a duration for time stamps that are dates.*got 1\."):
        to_sequences(iso, "id", "time", ["x"], step=1)
    for duration in (np.timedelta64(1, "D"), pd.Timedelta(days=1), pd.offsets.Day(1)):  # NumPy's is an integer type
        assert to_sequences(iso, "id", "time", ["x"], step=duration)[0].shape == (1, 12, 1)
    monthly = as_text.assign(time=[f"{1949 + i // 6}-{i % 6 * 2 + 1:02d}" for i in range(12)])  # "1949-01", a month
    np.testing.assert_array_equal(to_sequences(monthly.iloc[::-1], "id", "time", ["x"])[0][0, :, 0], values)
    mixed_precision = [f"2024-01-{i + 1:02d}" + " 10:00" * (i % 2) for i in range(12)]  # a spreadsheet's midnight
    quarters = [f"{1959 + i // 4}Q{i % 4 + 1}" for i in range(12)]
    for stamps in ([f"2024/01/{i + 1:02d}" for i in range(12)], [f"{i + 1}:30" for i in range(12)],  # "10:30" < "2:30"
                   mixed_precision, quarters):
        in_order = to_sequences(as_text.assign(time=stamps).iloc[::-1], "id", "time", ["x"])[0][0, :, 0]
        np.testing.assert_array_equal(in_order, values)
    american = as_text.assign(time=[f"{i + 1}/01/2024" for i in range(12)])  # "10/01" sorts before "2/01"
    with pytest.raises(ValueError, match=r"Time column 'time' holds text that is neither a number nor an ISO 8601 "
                                         r"date \('1/01/2024'\).*pd.to_datetime"):
        to_sequences(american, "id", "time", ["x"])


def test_a_regular_grid_of_decimal_time_stamps_has_no_gaps():
    for offset in (0.0, 1.7e9):  # seconds since 1970, as loggers write them
        table = pd.DataFrame({"id": "a", "time": offset + 0.1 * np.arange(200), "x": np.arange(200.0)})
        assert to_sequences(table, "id", "time", step=0.1)[0].shape == (1, 200, 1)  # 0.3 - 0.2 != 0.1
        with pytest.raises(ValueError, match=r"misses time stamps: expected steps of 0.1"):
            to_sequences(table.drop(index=50), "id", "time", step=0.1)
    with pytest.raises(ValueError, match=r"step must be a number for time stamps that are numbers; got '1h'"):
        to_sequences(table, "id", "time", step="1h")


def test_one_feature_column_by_name_and_an_index_named_as_a_column():
    table = _long_table()
    by_name = to_sequences(table, "id", "time", "a")[0]
    np.testing.assert_array_equal(by_name, to_sequences(table, "id", "time", ["a"])[0])
    with pytest.raises(ValueError, match=r"Columns \['id'\] are not in the table.*name the index: pass df.reset_index"):
        to_sequences(table.set_index("id"), "id", "time")


def test_polars_tables_read_as_the_same_pandas_tables():
    # polars' DataFrame has no groupby and its LazyFrame is a query; both were "got DataFrame" before.
    pl = pytest.importorskip("polars")
    pytest.importorskip("pyarrow")  # polars converts to pandas through it
    table = _long_table(seed=3).sample(frac=1.0, random_state=0)
    expected = to_sequences(table, "id", "time", ["a", "b"], "target", per_step=True)
    fast = pl.from_pandas(table)
    for given in (fast, fast.lazy()):
        for got, want in zip(to_sequences(given, "id", "time", ["a", "b"], "target", per_step=True), expected):
            np.testing.assert_array_equal(got, want)
    X, _, ids = expected
    np.testing.assert_array_equal(sequence_predictions_to_rows(fast, "id", "time", ids, X[..., 0]), table["a"])
    with pytest.raises(TypeError, match=r"reads a pandas DataFrame in long format .*; got list\."):
        to_sequences([[1, 2]], "id", "time")
