"""Long-format tables, peers' layouts, and SequenceScaler on ragged input."""

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline

from sklearn_alrnn import (
    ALRNNClassifier,
    SequenceScaler,
    from_aeon,
    from_tslearn,
    sequence_predictions_to_rows,
    to_aeon,
    to_sequences,
    to_tslearn,
)

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
    X_last, y_last, _ = to_sequences(shuffled, "id", "time", ["a", "b"], "target")
    expected = table.sort_values("time").groupby("id")["target"].last().loc[ids].to_numpy()
    np.testing.assert_array_equal(y_last, expected)


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
    sid = next(s for s, n in table.groupby("id").size().items() if n >= 3)
    gappy = table.drop(index=table.index[(table["id"] == sid) & (table["time"] == 107)])
    with pytest.raises(ValueError, match=rf"Sequence '{sid}' misses time stamps: .*between 100 and 114"):
        to_sequences(gappy, "id", "time", step=7)
    to_sequences(table, "id", "time", step=7)  # a regular grid passes


def test_aeon_and_tslearn_converters_round_trip_exactly():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(5, 9, 3))
    aeon = to_aeon(X)
    assert aeon.shape == (5, 3, 9)
    np.testing.assert_array_equal(aeon[2, 1], X[2, :, 1])
    np.testing.assert_array_equal(from_aeon(aeon), X)
    ragged = [rng.normal(size=(n, 2)) for n in (4, 7, 1)]
    aeon_list = to_aeon(ragged)
    assert [a.shape for a in aeon_list] == [(2, 4), (2, 7), (2, 1)]
    for got, expected in zip(from_aeon(aeon_list), ragged):
        np.testing.assert_array_equal(got, expected)
    padded = to_tslearn(ragged)
    assert padded.shape == (3, 7, 2) and np.isnan(padded[0, 4:]).all()
    np.testing.assert_array_equal(from_tslearn(padded), padded)
    for got, expected in zip(to_aeon(padded), aeon_list):
        np.testing.assert_array_equal(got, expected)
    with pytest.raises(ValueError, match=r"\(n_samples, n_channels, n_timesteps\); got shape \(5, 9\)"):
        from_aeon(X[:, :, 0])


def test_sequence_scaler_keeps_layout_and_padding():
    rng = np.random.RandomState(0)
    ragged = [rng.normal(loc=5, scale=3, size=(n, 2)) for n in (3, 8, 5)]
    scaler = SequenceScaler().fit(ragged)
    stacked = np.concatenate(ragged)
    np.testing.assert_allclose(scaler.mean_, stacked.mean(axis=0))
    np.testing.assert_allclose(scaler.scale_, stacked.std(axis=0))
    out = scaler.transform(ragged)
    assert [o.shape for o in out] == [(3, 2), (8, 2), (5, 2)]
    np.testing.assert_allclose(np.concatenate(out).mean(axis=0), 0, atol=1e-12)
    padded = to_tslearn(ragged)
    scaled = scaler.transform(padded)
    assert np.isnan(scaled[0, 3:]).all() and not np.isnan(scaled[0, :3]).any()
    np.testing.assert_allclose(scaler.inverse_transform(scaled)[1], ragged[1])
    assert scaler.get_feature_names_out().tolist() == ["x0", "x1"]
    with pytest.raises(ValueError, match="X has 3 features, but SequenceScaler is expecting 2"):
        scaler.transform(np.zeros((2, 4, 3)))


def test_pipeline_with_sequence_scaler_on_ragged_input():
    rng = np.random.RandomState(1)
    X = [rng.normal(loc=100, scale=20, size=(rng.randint(4, 12), 1)) for _ in range(120)]
    y = np.array([int(x[:2, 0].sum() > 200) for x in X])
    pipe = make_pipeline(SequenceScaler(), ALRNNClassifier(n_hidden=8, n_nonlinear=2, random_state=0, max_iter=150))
    pipe.fit(X, y)
    assert pipe.score(X, y) > 0.8


def test_to_tslearn_returns_a_new_array():
    X = np.random.RandomState(0).normal(size=(3, 5, 2))
    converted = to_tslearn(X)
    np.testing.assert_array_equal(converted, X)
    converted[0, 0, 0] = 99.0
    assert X[0, 0, 0] != 99.0
