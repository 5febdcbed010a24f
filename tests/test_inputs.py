"""``standardize_inputs``: training reads standardised features, the fitted model the user's."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sklearn_alrnn import (
    ALRNNClassifier, ALRNNRegressor, SequenceScaler, from_aeon, load, sequence_predictions_to_rows, to_sequences,
)

from .conftest import make_sign_memory


@pytest.fixture(scope="module")
def offset_data():
    X, y = make_sign_memory(60, 12, random_state=4)
    X = X * np.array([300.0, 0.01]) + np.array([-2e3, 5.0])  # far from unit scale, differently per feature
    return [x[: 6 + i % 7] for i, x in enumerate(X)], y  # ragged: the padding must not count


@pytest.mark.parametrize("Estimator", [ALRNNClassifier, ALRNNRegressor])
def test_training_reads_standardised_features_and_the_weights_stay_in_the_users_units(Estimator, offset_data):
    sequences, y = offset_data
    weights = 1.0 + np.arange(60) % 3
    valid = np.concatenate(sequences)
    step_weights = np.concatenate([np.full(len(x), w) for x, w in zip(sequences, weights)])
    mean = np.average(valid, axis=0, weights=step_weights)
    scale = np.sqrt(np.average((valid - mean) ** 2, axis=0, weights=step_weights))
    target = y if Estimator is ALRNNClassifier else y * 3.0 - 1.0
    kwargs = dict(n_hidden=6, max_iter=15, input_differences=True, early_stopping=False, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        raw = Estimator(**kwargs).fit(sequences, target, sample_weight=weights)
        by_hand = Estimator(standardize_inputs=False, **kwargs).fit(
            [(x - mean) / scale for x in sequences], target, sample_weight=weights
        )
    np.testing.assert_allclose(raw._input_mean, mean, rtol=1e-10)
    np.testing.assert_allclose(raw._input_scale, scale, rtol=1e-10)
    np.testing.assert_allclose(raw.C_[:, :2], by_hand.C_[:, :2] / scale, rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(raw.C_[:, 2:], by_hand.C_[:, 2:], rtol=1e-6, atol=1e-12)  # differences: unit scale
    np.testing.assert_allclose(raw.h_, by_hand.h_ - raw.C_[:, :2] @ mean, rtol=1e-6, atol=1e-9)
    standardised = [(x - mean) / scale for x in sequences[:5]]
    np.testing.assert_allclose(
        raw.hidden_states(sequences[:5]), by_hand.hidden_states(standardised), rtol=1e-6, atol=1e-9
    )
    np.testing.assert_allclose(raw.predict(sequences), by_hand.predict([(x - mean) / scale for x in sequences]))


def test_save_load_and_pickle_keep_the_moments_and_a_warm_start_goes_on_alike(offset_data, tmp_path):
    X, y = offset_data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = ALRNNRegressor(n_hidden=5, max_iter=3, warm_start=True, random_state=0).fit(X, y)
        model.save(tmp_path / "model.alrnn")
        for restored in (load(tmp_path / "model.alrnn"), pickle.loads(pickle.dumps(model))):
            np.testing.assert_array_equal(restored._input_mean, model._input_mean)
            np.testing.assert_array_equal(restored._input_scale, model._input_scale)
            continued = pickle.loads(pickle.dumps(model)).fit(X, y)
            np.testing.assert_allclose(restored.fit(X, y).predict(X), continued.predict(X), rtol=1e-10)


@pytest.mark.parametrize("mean, scale, message", [
    ([1.0], [1.0, 1.0], "input_mean must be 2 finite numbers"),
    ([1.0, float("nan")], [1.0, 1.0], "input_mean must be 2 finite numbers"),
    ([0.0, 0.0], [1.0, 0.0], "input_scale must be 2 finite numbers > 0"),
    ([0.0, 0.0], None, "input_mean and input_scale must be given together"),
])
def test_saved_moments_that_contradict_the_model_are_refused(offset_data, mean, scale, message):
    X, y = offset_data
    state, arrays = ALRNNClassifier(n_hidden=4, max_iter=1).fit(X, y)._portable_state()
    state.update(input_mean=mean, input_scale=scale)
    with pytest.raises(ValueError, match=message):
        ALRNNClassifier(n_hidden=4)._restore_portable_state(state, arrays)


def test_models_from_before_the_standardisation_read_and_train_on_the_features_as_given(offset_data, tmp_path):
    X, y = offset_data
    with pytest.warns(UserWarning, match="Input feature 0 has mean -1.98e"):
        model = ALRNNClassifier(n_hidden=4, max_iter=1, standardize_inputs=False).fit(X, y)
    assert model._input_mean is None
    state, arrays = ALRNNClassifier(n_hidden=4, max_iter=1).fit(X, y)._portable_state()
    del state["input_mean"], state["input_scale"]
    restored = ALRNNClassifier(n_hidden=4)
    restored._restore_portable_state(state, arrays)
    assert restored._input_mean is None
    old_pickle = model.__dict__.copy()
    del old_pickle["_input_mean"], old_pickle["_input_scale"]
    unpickled = ALRNNClassifier.__new__(ALRNNClassifier)
    unpickled.__setstate__(old_pickle)
    np.testing.assert_allclose(unpickled.predict_proba(X), model.predict_proba(X))


def test_token_input_is_not_standardised():
    X = [np.array([1, 2, 3]), np.array([0, 4]), np.array([2])] * 4
    model = ALRNNClassifier(n_hidden=4, max_iter=2, input_type="tokens", random_state=0).fit(X, [0, 1, 0] * 4)
    assert model._input_mean is None and model.C_.shape == (4, 5)


def test_a_float32_fit_warns_when_an_offset_leaves_the_feature_few_digits():
    X, y = make_sign_memory(40, 8, random_state=2)
    offset = 300.0 + X[:, :, :1] * 3e-3  # a mean about 1e5 times its standard deviation
    with pytest.warns(UserWarning, match="Input feature 0 has a mean .*e\\+0[45] times .* float32 .* dtype='float64'"):
        ALRNNClassifier(n_hidden=4, max_iter=1, dtype="float32").fit(offset, y)
    for features, dtype in ((offset, "float64"), (300.0 + X[:, :, :1], "float32")):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ALRNNClassifier(n_hidden=4, max_iter=1, dtype=dtype).fit(features, y)
        assert not [w for w in caught if "significant digits" in str(w.message)]



def test_a_panel_dataframe_is_read_as_its_cases_with_their_column_names():
    # sktime's "pd-multiindex" panel (rows indexed by case and time step): its 60 rows were read as
    # 60 univariate sequences ("X has 60 sequences, y has 6 labels").
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    index = pd.MultiIndex.from_product([range(6), range(10)], names=["case", "t"])
    panel = pd.DataFrame(rng.normal(size=(60, 2)), index=index, columns=["pulse", "pressure"])
    y = np.arange(6) % 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = ALRNNClassifier(n_hidden=4, max_iter=2, random_state=0).fit(panel, y)
    np.testing.assert_array_equal(model.feature_names_in_, ["pulse", "pressure"])
    cases = [panel.loc[case].to_numpy() for case in range(6)]
    with pytest.warns(UserWarning, match="X does not have valid feature names"):  # arrays after named columns
        np.testing.assert_array_equal(model.predict_proba(panel), model.predict_proba(cases))
        np.testing.assert_array_equal(model.predict_proba(panel.iloc[::-1]), model.predict_proba(cases[::-1]))
    with pytest.raises(ValueError, match=r"\['pulse', 'pressure'\] were fitted, the sequences have"):
        model.predict(panel[["pressure", "pulse"]])
    with pytest.raises(ValueError, match="its 60 rows are 6 sequences .* y has 60 entries, one per row"):
        ALRNNRegressor(n_hidden=4, max_iter=1).fit(panel, np.arange(60.0))
    labels = pd.Series(y, index=pd.MultiIndex.from_product([["s1", "s2"], [1, 2, 3]]))  # one label per case
    assert ALRNNClassifier(n_hidden=4, max_iter=1).fit(panel, labels).classes_.tolist() == [0, 1]

def test_targets_indexed_by_a_panels_cases_pair_with_their_own_cases():
    # The panel's sequences come in the order of their first rows (b, a, c, d); a Series of labels by
    # case (a, b, c, d) was paired by position, each case with another's label.
    pd = pytest.importorskip("pandas")
    index = pd.MultiIndex.from_product([["b", "a", "c", "d"], range(5)], names=["case", "t"])
    labels = {"a": 0, "b": 1, "c": 1, "d": 0}
    panel = pd.DataFrame({"x": [labels[case] + 0.01 * t for case, t in index]}, index=index)
    by_case = pd.Series(labels)
    in_panel_order = np.array([1, 0, 1, 0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = ALRNNClassifier(n_hidden=4, max_iter=1, random_state=0).fit(panel, by_case)
        reference = ALRNNClassifier(n_hidden=4, max_iter=1, random_state=0).fit(panel, in_panel_order)
        np.testing.assert_array_equal(model.predict_proba(panel), reference.predict_proba(panel))
        weighted = ALRNNRegressor(n_hidden=4, max_iter=1, random_state=0)
        weighted.fit(panel, by_case * 1.0, sample_weight=pd.Series({"a": 0.0, "b": 1.0, "c": 1.0, "d": 1.0}))
        unweighted_a = ALRNNRegressor(n_hidden=4, max_iter=1, random_state=0)
        unweighted_a.fit(panel, in_panel_order * 1.0, sample_weight=np.array([1.0, 0.0, 1.0, 1.0]))
    np.testing.assert_array_equal(weighted.predict(panel), unweighted_a.predict(panel))
    assert model.score(panel, by_case) == reference.score(panel, in_panel_order)


def test_targets_by_case_pair_with_a_series_of_sequences_by_its_index():
    # A column of recordings (a Series of arrays indexed by case, b, a, c, d) beside labels by case in
    # another order (a, b, c, d) was paired by position, each case with another's label.
    pd = pytest.importorskip("pandas")
    labels = {"a": 0, "b": 1, "c": 1, "d": 0}
    order = ["b", "a", "c", "d"]
    recordings = pd.Series([np.full((5, 1), labels[case]) + 0.01 * np.arange(5)[:, None] for case in order],
                           index=order)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = ALRNNRegressor(n_hidden=4, max_iter=1, random_state=0).fit(recordings, pd.Series(labels) * 1.0)
        reference = ALRNNRegressor(n_hidden=4, max_iter=1, random_state=0).fit(list(recordings), [1.0, 0.0, 1.0, 0.0])
    np.testing.assert_array_equal(model.predict(recordings), reference.predict(list(recordings)))


def test_per_step_labels_of_a_panel_may_come_as_one_array_per_case():
    # One label array per case beside a panel (a per-step y as a list X takes it) was NumPy's
    # "inhomogeneous shape" error when the cases have different lengths.
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    cases = {"a": rng.normal(size=4), "b": rng.normal(size=6)}
    panel = pd.concat({case: pd.DataFrame({"x": x}) for case, x in cases.items()}, names=["case", "t"])
    labels = [np.where(x > 0, "up", "down") for x in cases.values()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = ALRNNClassifier(n_hidden=4, max_iter=1, per_step=True, random_state=0).fit(panel, labels)
        reference = ALRNNClassifier(n_hidden=4, max_iter=1, per_step=True, random_state=0)
        reference.fit([x[:, None] for x in cases.values()], labels)
    for ours, theirs in zip(model.predict(panel), reference.predict([x[:, None] for x in cases.values()])):
        np.testing.assert_array_equal(ours, theirs)


def test_a_panels_labels_and_step_weights_by_row_are_per_step():
    # One label per row of a panel was refused ("Give y one target per sequence"), though a per-step
    # classifier reads exactly that: each row's, in the sequence's time order.
    pd = pytest.importorskip("pandas")
    index = pd.MultiIndex.from_product([["b", "a", "c"], [2, 0, 1, 3]], names=["case", "t"])
    panel = pd.DataFrame({"x": np.random.RandomState(0).normal(size=12)}, index=index)
    labels = pd.Series(np.where(panel["x"] > 0, "up", "down"), index=index)
    cases = [panel.loc[case].sort_index()["x"].to_numpy() for case in ["b", "a", "c"]]
    per_case = [labels.loc[case].sort_index().to_numpy() for case in ["b", "a", "c"]]
    weights = pd.Series(np.arange(12.0) % 3, index=index)
    per_case_weights = [weights.loc[case].sort_index().to_numpy() for case in ["b", "a", "c"]]
    settings = dict(n_hidden=4, max_iter=2, random_state=0, per_step=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = ALRNNClassifier(**settings).fit(panel, labels, step_weight=weights)
        reference = ALRNNClassifier(**settings).fit([c[:, None] for c in cases], per_case, step_weight=per_case_weights)
        np.testing.assert_array_equal(model.predict_proba(panel), reference.predict_proba([c[:, None] for c in cases]))
        as_lists = reference.score([c[:, None] for c in cases], per_case)
        assert model.score(panel.iloc[::-1], labels.iloc[::-1]) == as_lists
        # Per-step predictions come per sequence, in time order; they map back onto the panel's rows so.
        rows = sequence_predictions_to_rows(panel.reset_index(), "case", "t", panel.index.get_level_values(0).unique(),
                                            model.predict(panel))
        by_row = {(case, t): model.predict(panel.loc[[case]])[0][rank]
                  for case in ["b", "a", "c"] for rank, t in enumerate(sorted(panel.loc[case].index))}
        assert rows.tolist() == [by_row[key] for key in panel.index]
        # A regressor's targets by row are refused: a pivoted table's rows read as a panel too.
        with pytest.raises(ValueError, match=r"y has 12 entries, one per row.*ALRNNRegressor a list of one target"):
            ALRNNRegressor(n_hidden=4, max_iter=1).fit(panel, panel["x"].cumsum())
    with pytest.raises(ValueError, match=r"while sample_weight has 12 entries, one per row.*step_weight weighs rows"):
        ALRNNClassifier(**settings).fit(panel, labels, sample_weight=weights)
    with pytest.raises(ValueError, match=r"y has 12 entries, one per row.*ALRNNClassifier\(per_step=True\) reads"):
        ALRNNClassifier(n_hidden=4, max_iter=1).fit(panel, labels)


def test_a_panels_time_steps_written_as_text_are_ordered_as_times():
    # A panel indexed by (case, time) from a CSV file holds its time stamps as text, which sorted letter by
    # letter: "10" and "11" came before "2".
    pd = pytest.importorskip("pandas")
    values = np.arange(24.0)
    as_text = pd.DataFrame({"x": values}, index=pd.MultiIndex.from_arrays([np.repeat(["a", "b"], 12),
                                                                          [str(t) for t in range(12)] * 2]))
    np.testing.assert_array_equal(from_aeon(as_text)[:, :, 0], values.reshape(2, 12))
    dated = as_text.set_axis(pd.MultiIndex.from_arrays([np.repeat(["a", "b"], 12),
                                                        [f"2024-01-{t + 1:02d}" for t in range(12)] * 2]))
    np.testing.assert_array_equal(from_aeon(dated.iloc[::-1])[:, :, 0], values.reshape(2, 12)[::-1])
    american = as_text.set_axis(pd.MultiIndex.from_arrays([np.repeat(["a", "b"], 12),
                                                           [f"{t + 1}/01/2024" for t in range(12)] * 2]))
    with pytest.raises(ValueError, match=r"The time steps of a panel DataFrame .* \('1/01/2024'\), which would sort"):
        ALRNNClassifier(n_hidden=4, max_iter=1).fit(american, [0, 1])
    twice = as_text.set_axis(pd.MultiIndex.from_arrays([np.repeat(["a", "b"], 12), [str(t // 2) for t in range(24)]]))
    with pytest.raises(ValueError, match=r"Duplicated time stamp: sequence a of a panel DataFrame .* at time 0;"):
        ALRNNClassifier(n_hidden=4, max_iter=1).fit(twice, [0, 1])  # was read as 12 steps, each time twice
    midnight = dated.set_axis(pd.MultiIndex.from_arrays([np.repeat(["a", "b"], 12), [f"2024-01-{t // 2 + 1:02d}"
                                                         + " 00:00" * (t % 2) for t in range(24)]]))
    with pytest.raises(ValueError, match=r"Duplicated time stamp: sequence a .* at time 2024-01-01 00:00;"):
        ALRNNClassifier(n_hidden=4, max_iter=1).fit(midnight, [0, 1])  # one time written two ways


def test_pandas_missing_values_in_nullable_columns_read_as_nan():
    # pandas' nullable dtypes ("Float64", "Int64", "string", Arrow's) mark an empty cell with NA, not NaN:
    # a list of such DataFrames or a panel of them, padded with NA, was refused as "not numbers", and a
    # "string" per-step label left empty as "y mixes label types ['NAType', 'str']".
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    lengths = [5, 8, 6, 8]
    arrays = [np.column_stack([rng.normal(size=8), rng.randint(0, 5, size=8)]) for _ in lengths]
    for array, length in zip(arrays, lengths):
        array[length:] = np.nan
    nullable = [pd.DataFrame({"a": pd.array(x[:, 0], dtype="Float64"), "b": pd.array(x[:, 1], dtype="Float64")})
                .astype({"b": "Int64"}) for x in arrays]
    assert nullable[0]["b"].isna().sum() == 3 and nullable[0]["b"].dtype == "Int64"
    panel = pd.concat(nullable, keys=range(4))
    labels = [pd.Series(np.where(x[:, 0] > 0, "up", "down"), dtype="string") for x in arrays]
    labels[1].iloc[2] = pd.NA
    as_objects = [np.array(["up" if v > 0 else "down" for v in x[:, 0]], dtype=object) for x in arrays]
    as_objects[1][2] = None
    settings = dict(n_hidden=4, max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = ALRNNClassifier(per_step=True, **settings).fit(arrays, as_objects)
        for sequences in (nullable, panel):
            model = ALRNNClassifier(per_step=True, **settings).fit(sequences, labels)
            np.testing.assert_array_equal(model.predict_proba(sequences)[1], reference.predict_proba(arrays)[1])
    np.testing.assert_array_equal(from_aeon(panel), np.stack(arrays))
    long = panel.rename_axis(["case", "step"]).reset_index()  # a long table, its padding rows kept
    with pytest.warns(UserWarning, match="2 of the 4 sequences have no feature value on their last row"):
        np.testing.assert_array_equal(to_sequences(long, "case", "step", ["a", "b"])[0], np.stack(arrays))
    with pytest.raises(ValueError, match=r"y contains NaN or other missing labels \(None, pandas' NA\): 1 of them"):
        ALRNNClassifier(**settings).fit(arrays, pd.Series(["a", "b", pd.NA, "a"], dtype="string"))


def test_a_wide_table_must_name_its_time_steps_in_the_fits_order(tmp_path):
    # A table of a row per sequence and a column per step: its columns reversed, or a label column left
    # in the first place, were read silently as steps in that order.
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    wide = pd.DataFrame(rng.normal(size=(30, 12)), columns=[f"t{i}" for i in range(12)])
    y = (wide.iloc[:, :3].sum(axis=1) > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = ALRNNClassifier(n_hidden=4, max_iter=2, random_state=0).fit(wide, y)
    longer = pd.DataFrame(rng.normal(size=(3, 20)), columns=[f"t{i}" for i in range(20)])
    np.testing.assert_array_equal(model.predict_proba(longer), model.predict_proba(longer.to_numpy()))
    np.testing.assert_array_equal(model.predict_proba(wide.iloc[:, :5]), model.predict_proba(wide.to_numpy()[:, :5]))
    with pytest.raises(ValueError, match=r"its column 0 is 't11' where the fit's table had 't0'.*X.to_numpy\(\)"):
        model.predict(wide[wide.columns[::-1]])
    model.save(tmp_path / "model.alrnn")
    for reader in (model, pickle.loads(pickle.dumps(model)), load(tmp_path / "model.alrnn")):
        with pytest.raises(ValueError, match=r"its column 0 is 'label' where the fit's table had 't0'"):
            reader.predict(wide.assign(label=y)[["label", *wide.columns]])


def test_a_long_table_given_as_a_wide_one_is_warned_of_by_its_time_column():
    # A row per (patient, hour) given to fit as it stands: each row was read, without a word, as a
    # sequence of four steps (patient, hour, pulse, temperature).
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    long = pd.DataFrame({"patient": np.repeat(range(10), 5), "hour": np.tile(range(5), 10),
                         "pulse": rng.normal(size=50), "temperature": rng.normal(size=50)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.warns(UserWarning, match=r"its column 'hour' counts steps that start again every few rows.*"
                                             r"to_sequences\(X, id_col, time_col\)"):
            ALRNNClassifier(n_hidden=4, max_iter=1).fit(long, np.repeat(np.arange(10) % 2, 5))
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)  # a wide table's columns are steps: no warning
            warnings.simplefilter("ignore", ConvergenceWarning)
            wide = long.pivot(index="patient", columns="hour", values="pulse")
            wide.columns = [f"hour {hour}" for hour in wide.columns]
            ALRNNClassifier(n_hidden=4, max_iter=1).fit(wide, np.arange(10) % 2)
            # nor where a step alternates between two values, as the cue of sequences listed by class in turn
            ALRNNClassifier(n_hidden=4, max_iter=1).fit(wide.assign(**{"hour 0": np.arange(10) % 2}), np.arange(10) % 2)


def test_a_pivoted_table_of_several_features_is_refused_with_how_to_stack_it():
    # pivot(columns="t", values=["ax", "ay"]) names its columns (feature, step): it was read as one
    # univariate sequence of 12 steps, ax's six then ay's.
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    long = pd.DataFrame({"id": np.repeat(range(20), 6), "t": np.tile(range(6), 20), "ax": rng.normal(size=120),
                         "ay": rng.normal(size=120)})
    wide = long.pivot(index="id", columns="t", values=["ax", "ay"])
    for call in (lambda: ALRNNClassifier(max_iter=1).fit(wide, np.arange(20) % 2), lambda: SequenceScaler().fit(wide),
                 lambda: from_aeon(wide)):
        with pytest.raises(ValueError, match=r"columns are pairs \(\(ax, 0\), ...\): 2 groups of columns \(ax, ay\) .* "
                                             r"one univariate sequence of all 12 columns .* X.stack\(level=1\)"):
            call()
    stacked = wide.stack(level=1)
    assert SequenceScaler().fit(stacked).feature_names_in_.tolist() == ["ax", "ay"]
    np.testing.assert_array_equal(from_aeon(stacked), from_aeon(long.set_index(["id", "t"])))


def test_sequences_given_as_dataframes_keep_their_column_names(tmp_path):
    # One DataFrame per sequence (steps in rows, features in columns), as a long table splits into:
    # the names were dropped, so swapped columns or another recording's variables were read silently.
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    sequences = [pd.DataFrame(rng.normal(size=(5 + i % 3, 2)), columns=["pulse", "pressure"]) for i in range(30)]
    y = np.array([s["pulse"].iloc[0] > 0 for s in sequences]).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = ALRNNClassifier(n_hidden=4, n_nonlinear=1, max_iter=3, random_state=0).fit(sequences, y)
        np.testing.assert_array_equal(model.feature_names_in_, ["pulse", "pressure"])
        swapped = [s[["pressure", "pulse"]] for s in sequences]
        path = tmp_path / "named.alrnn.npz"
        model.save(path)
        for reader in (model, load(path), pickle.loads(pickle.dumps(model))):
            with pytest.warns(UserWarning, match="X does not have valid feature names, but ALRNNClassifier was fitted "
                                                 "with feature names"):  # as scikit-learn's estimators warn
                unnamed = reader.predict([s.to_numpy() for s in sequences])
            np.testing.assert_array_equal(unnamed, model.predict(sequences))
            for call in (reader.predict, reader.predict_proba, lambda X: reader.partial_fit(X, y)):
                with pytest.raises(ValueError, match=r"\['pulse', 'pressure'\] were fitted, the sequences have "
                                                     r"\['pressure', 'pulse'\]"):
                    call(swapped)
        renamed = [s.rename(columns={"pulse": "temperature"}) for s in sequences]
        with pytest.raises(ValueError, match=r"share their columns; item 0 has \['pulse', 'pressure'\], item 15"):
            ALRNNRegressor(n_hidden=4, max_iter=1).fit(sequences[:15] + renamed[15:], y * 1.0)
        assert not hasattr(model.fit([s.to_numpy() for s in sequences], y), "feature_names_in_")  # a refit forgets
        with pytest.warns(UserWarning, match="X has feature names, but ALRNNClassifier was fitted without"):
            model.predict(sequences)
        numbered = [s.set_axis([0, 1], axis=1) for s in sequences]  # names that are not strings are not kept
        assert not hasattr(ALRNNRegressor(n_hidden=4, max_iter=1).fit(numbered, y * 1.0), "feature_names_in_")
        # A time-stamp column among the features was "float() argument must be ... not 'Timestamp'".
        stamped = [s.assign(taken=pd.Timestamp("2020-01-01") + pd.to_timedelta(np.arange(len(s)), unit="s"))
                   for s in sequences]
        for call in (model.fit, SequenceScaler().fit):
            with pytest.raises(ValueError, match=r"X holds dates or durations \(column 'taken'\)"):
                call(stamped, y)


def test_sequences_whose_time_index_does_not_rise_are_refused():
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    sequences = [pd.DataFrame(rng.normal(size=(8, 2)), index=pd.date_range("2024", periods=8, freq="h"))
                 for _ in range(10)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = ALRNNClassifier(n_hidden=4, max_iter=1, random_state=0).fit(sequences, np.arange(10) % 2)
    with pytest.raises(ValueError, match=r"The rows of sequence 3 of X are time steps, and its DatetimeIndex runs "
                                         r"backwards \(newest first\)"):
        model.predict(sequences[:3] + [sequences[3].iloc[::-1]])
    # Events may share a time stamp (two clicks in one second): read in the order of their rows.
    events = sequences[3].set_axis(sequences[3].index.floor("2h"))
    assert not events.index.is_unique
    np.testing.assert_array_equal(model.predict_proba([events]), model.predict_proba([sequences[3]]))
