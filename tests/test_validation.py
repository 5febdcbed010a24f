"""Every bad input raises a ValueError that names what was expected and what was given."""

import copy
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import NotFittedError

from sklearn_alrnn import ALRNNClassifier, ALRNNRegressor
from sklearn_alrnn._panels import panel_targets
from sklearn_alrnn._validation import check_sequences
from sklearn_alrnn._series import check_series
from sklearn_alrnn.formats import from_aeon


def test_layouts_3d_2d_ragged_and_nan_padding_agree(ragged_sequences):
    X_list = ragged_sequences
    X_padded, lengths = check_sequences(X_list)
    assert X_padded.shape == (5, 7, 2)
    np.testing.assert_array_equal(lengths, [7, 3, 5, 1, 6])
    assert np.all(X_padded[1, 3:] == 0)

    nan_padded = np.full((5, 7, 2), np.nan)
    for i, seq in enumerate(X_list):
        nan_padded[i, : len(seq)] = seq
    X_again, lengths_again = check_sequences(nan_padded)
    np.testing.assert_array_equal(X_again, X_padded)
    np.testing.assert_array_equal(lengths_again, lengths)

    univariate, lengths_uni = check_sequences(np.arange(6.0).reshape(2, 3))
    assert univariate.shape == (2, 3, 1)
    np.testing.assert_array_equal(lengths_uni, [3, 3])


def test_ragged_univariate_list():
    X, lengths = check_sequences([[1.0, 2.0, 3.0], [4.0]])
    assert X.shape == (2, 3, 1)
    np.testing.assert_array_equal(lengths, [3, 1])


@pytest.fixture(scope="module")
def fitted_small():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(20, 6, 3))
    y = rng.randint(2, size=20)
    return ALRNNClassifier(n_hidden=4, n_nonlinear=1, max_iter=2, random_state=0).fit(X, y)


GOOD_X = np.random.RandomState(1).normal(size=(10, 6, 3))
GOOD_Y = np.arange(10) % 2


def _with(value, where):
    X = GOOD_X.copy()
    X[where] = value
    return X


@pytest.mark.parametrize(
    "X, y, message",
    [
        (_with(np.nan, (2, 1, 0)), GOOD_Y, r"NaN inside a sequence \(sequence 2, time step 1"),
        (_with(np.nan, (2, 5, 0)), GOOD_Y, r"NaN inside a sequence \(sequence 2, time step 5, feature 0\).*Fill"),
        (_with(np.inf, (3, 2, 1)), GOOD_Y, r"infinity \(first at sequence 3, time step 2\)"),
        (_with(np.nan, (4, slice(None), slice(None))), GOOD_Y, r"sequence 4 has zero length"),
        (np.empty((0, 6, 3)), np.empty(0), r"0 sample\(s\)"),
        (np.empty((10, 0, 3)), GOOD_Y, r"0 time steps"),
        (np.empty((10, 6, 0)), GOOD_Y, r"0 feature\(s\)"),
        (GOOD_X[0, 0], GOOD_Y, r"got an array with 1 dimension\(s\).*Reshape your data"),
        (GOOD_X[..., None], GOOD_Y, r"Expected X as a 3-D array.*got an array with 4 dimension"),
        (np.array([["a", "b"], ["c", "d"]], dtype=object), [0, 1], r"could not convert|Unable to convert"),
        (GOOD_X, GOOD_Y[:7], r"X has 10 sequences, y has 7 labels"),
        (GOOD_X, None, r"requires y to be passed"),
        ([np.zeros((3, 2)), np.zeros((4, 3))], [0, 1], r"same number of features.*\[2, 3\]"),
        # Equal lengths, different feature counts: ours, not NumPy's "inhomogeneous shape".
        ([np.zeros((5, 2)), np.zeros((5, 3))], [0, 1], r"same number of features.*\[2, 3\]"),
        ([[[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]], [0, 1], r"same number of features"),
    ],
)
def test_bad_fit_input_raises_naming_expected_and_given(X, y, message):
    with pytest.raises(ValueError, match=message):
        ALRNNClassifier(n_hidden=4, max_iter=1).fit(X, y)


def test_wrong_feature_count_at_predict(fitted_small):
    with pytest.raises(ValueError, match=r"X has 2 features, but ALRNNClassifier is expecting 3"):
        fitted_small.predict(np.zeros((4, 6, 2)))
    # A 2-D X is univariate sequences: one feature, not six.
    with pytest.raises(ValueError, match=r"X has 1 features, but ALRNNClassifier is expecting 3 .*sequences\).$"):
        fitted_small.predict(np.zeros((4, 6)))
    # What the array may be instead, where its shape allows it: one sequence given 2-D (by rows or by
    # columns), or sequences in aeon's (n_samples, n_features, n_timesteps) layout.
    sequence = np.arange(18.0).reshape(6, 3)
    with pytest.raises(ValueError, match=r"If X is one sequence of shape \(n_timesteps, 3\), pass X\[None\].$"):
        fitted_small.predict(sequence)
    with pytest.raises(ValueError, match=r"If X is one sequence stored a row per feature, \(3, n_timesteps\), pass "
                                         r"X.T\[None\].$"):
        fitted_small.predict(sequence.T)
    aeon_layout = np.stack([sequence.T, sequence.T])
    for X in (aeon_layout, list(aeon_layout)):
        with pytest.raises(ValueError, match=r"X has 6 features, .* If X is stored \(n_samples, n_features, "
                                             r"n_timesteps\), as aeon stores it, pass formats.from_aeon\(X\).$"):
            fitted_small.predict(X)
    np.testing.assert_array_equal(fitted_small.predict(from_aeon(aeon_layout)),
                                  np.repeat(fitted_small.predict(sequence[None]), 2))  # the advice works


def test_class_labels_given_to_the_regressor_point_to_the_classifier():
    # NumPy's "could not convert string to float: np.str_('a')" alone before.
    for y in (np.array(["up", "down"] * 5), [["up"], ["down"]] * 5):
        with pytest.raises(ValueError, match=r"y holds strings that are not numbers \(could not convert string to "
                                             r"float: .*up.*\); ALRNNRegressor predicts numbers, ALRNNClassifier"):
            ALRNNRegressor(n_hidden=4, max_iter=1).fit(GOOD_X, y)


def test_more_nonlinear_than_hidden_units():
    with pytest.raises(ValueError, match=r"between 0 and n_hidden=4; got n_nonlinear=5"):
        ALRNNRegressor(n_hidden=4, n_nonlinear=5).fit(GOOD_X, GOOD_Y.astype(float))


@pytest.mark.parametrize(
    "param, value",
    [("n_hidden", 0), ("n_nonlinear", -1), ("dtype", "float16"), ("device", "tpu"), ("clip_norm", 0.0)],
)
def test_invalid_hyperparameters(param, value):
    with pytest.raises(ValueError, match=param):
        ALRNNRegressor(**{param: value}).fit(GOOD_X, GOOD_Y.astype(float))


def test_unfitted_model_raises_not_fitted():
    for method in ("predict", "transform", "hidden_states"):
        with pytest.raises(NotFittedError):
            getattr(ALRNNRegressor(), method)(GOOD_X)


def test_nan_and_bad_shapes_in_y():
    y = GOOD_Y.astype(float)
    y[3] = np.nan
    with pytest.raises(ValueError, match="Input y contains NaN: 1 missing target.* the first for sequence 3"):
        ALRNNRegressor(n_hidden=4, max_iter=1).fit(GOOD_X, y)
    Y = np.zeros((10, 6, 1))
    Y[2, 4, 0] = np.inf  # a NaN there would mean "no target at this step" (issue 14)
    with pytest.raises(ValueError, match=r"y contains infinity inside a sequence \(sequence 2, time step 4"):
        ALRNNRegressor(n_hidden=4, max_iter=1).fit(GOOD_X, Y)
    with pytest.raises(ValueError, match="Every target of y is NaN"):
        ALRNNRegressor(n_hidden=4, max_iter=1).fit(GOOD_X, np.full((10, 6, 1), np.nan))
    padded = GOOD_X.copy()
    padded[:, 4:] = np.nan  # only the NaN padding beyond the lengths could look like targets: found by fuzzing
    with pytest.raises(ValueError, match="Every target of y is NaN"):
        ALRNNRegressor(n_hidden=4, max_iter=1).fit(padded, np.full((10, 6, 1), np.nan))
    with pytest.raises(ValueError, match=r"cover 4 time steps, but X's longest sequence has 6; expected y of shape "
                                         r"\(n_samples, 6, n_outputs\)"):
        ALRNNRegressor(n_hidden=4, max_iter=1).fit(GOOD_X, np.zeros((10, 4, 1)))
    # targets padded only to the longest sequence, X further: every target step is there
    fitted = ALRNNRegressor(n_hidden=4, max_iter=1, random_state=0).fit(padded, np.ones((10, 4, 1)))
    assert fitted.score(padded, np.ones((10, 4, 1))) == fitted.score(padded, np.ones((10, 6, 1)))
    with pytest.raises(ValueError, match=r"expects y of shape \(n_samples,\).*Got y of shape \(10, 2\) with values"):
        ALRNNClassifier(n_hidden=4, max_iter=1).fit(GOOD_X, np.tile([0, 2], (10, 1)))
    with pytest.raises(ValueError, match=r"expects y of shape \(n_samples,\).*Got y of shape \(10, 2, 2\)\."):
        ALRNNClassifier(n_hidden=4, max_iter=1).fit(GOOD_X, np.zeros((10, 2, 2)))
    with pytest.raises(ValueError, match="Unknown label type"):
        ALRNNClassifier(n_hidden=4, max_iter=1).fit(GOOD_X, np.linspace(0, 1, 10))


def test_nan_padded_per_step_targets_are_accepted():
    X = GOOD_X.copy()
    X[0, 4:] = np.nan
    Y = np.random.RandomState(0).normal(size=(10, 6, 2))
    Y[0, 4:] = np.nan
    reg = ALRNNRegressor(n_hidden=4, max_iter=3, random_state=0).fit(X, Y)
    pred = reg.predict(X)
    assert pred.shape == (10, 6, 2)
    assert np.isnan(pred[0, 4:]).all() and np.isfinite(pred[0, :4]).all()
    assert np.isfinite(reg.score(X, Y))


@given(
    lengths=st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=6),
    n_features=st.integers(min_value=1, max_value=3),
    seed=st.integers(min_value=0, max_value=2**16),
)
@settings(max_examples=60, deadline=None)
def test_ragged_lists_and_nan_padding_round_trip(lengths, n_features, seed):
    rng = np.random.RandomState(seed)
    sequences = [rng.normal(size=(n, n_features)) for n in lengths]
    X, got_lengths = check_sequences(sequences)
    np.testing.assert_array_equal(got_lengths, lengths)
    padded = np.full(X.shape, np.nan)
    for i, seq in enumerate(sequences):
        np.testing.assert_array_equal(X[i, : len(seq)], seq)
        assert np.all(X[i, len(seq) :] == 0)
        padded[i, : len(seq)] = seq
    X_again, lengths_again = check_sequences(padded)
    np.testing.assert_array_equal(X_again, X)
    np.testing.assert_array_equal(lengths_again, lengths)


def test_large_finite_values_whose_sum_overflows_are_valid():
    # The quick all-finite check sums X; an overflowing sum must fall back to
    # the full checks, not reject the data.
    X = np.full((3, 4, 2), 3e38, dtype=np.float32)
    with np.errstate(over="ignore"):
        assert not np.isfinite(np.sum(X))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # NumPy's "overflow encountered in reduce" stays inside
        X_checked, lengths = check_sequences(X, dtype=np.float32)
    np.testing.assert_array_equal(X_checked, X)
    np.testing.assert_array_equal(lengths, [4, 4, 4])
    X[1, 2, 0] = np.inf
    with pytest.raises(ValueError, match="sequence 1, time step 2"):
        check_sequences(X, dtype=np.float32)


def test_finite_values_beyond_float32_are_named_not_called_infinity():
    # A float32 estimator casts X to float32; values of 1e39 became inf there, and the message was
    # "Input X contains infinity" about data that hold none, after NumPy's "overflow in cast".
    message = r"X has values beyond the float32 range \(\+-3.4\d*e\+38\) of dtype='float32'.*dtype='float64'"
    X = np.ones((3, 5, 2))
    X[2, 1, 1] = -1e39
    for layout in (X, list(X), X.tolist()):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(ValueError, match=message):
                check_sequences(layout, dtype=np.float32)
    X_checked, _ = check_sequences(X)  # float64 holds them
    assert X_checked[2, 1, 1] == -1e39
    with pytest.raises(ValueError, match=message):
        ALRNNRegressor(dtype="float32", max_iter=1).fit(X, [0.0, 1.0, 2.0])


def test_one_nan_or_infinity_in_finite_data_is_found():
    X = np.ones((3, 5, 2))
    X[2, 1, 1] = np.nan
    with pytest.raises(ValueError, match="sequence 2, time step 1, feature 1"):
        check_sequences(X)
    X[2, 1, 1] = -np.inf
    with pytest.raises(ValueError, match="infinity"):
        check_sequences(X)


def test_pandas_containers_of_sequences_are_lists_of_sequences():
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    sequences = [rng.normal(size=(n, 2)) for n in (3, 5, 4)]
    expected, expected_lengths = check_sequences(sequences)
    for X in (
        pd.Series(sequences, dtype=object),
        pd.DataFrame({f"dim_{k}": [pd.Series(s[:, k]) for s in sequences] for k in range(2)}),  # sktime's nested
    ):
        padded, lengths = check_sequences(X)
        np.testing.assert_array_equal(lengths, expected_lengths)
        np.testing.assert_array_equal(padded, expected)
    nested = pd.DataFrame({"dim_0": [pd.Series(np.ones(3))], "dim_1": [pd.Series(np.ones(4))]})
    with pytest.raises(ValueError, match=r"Row 0 of a nested DataFrame X has features of different lengths \[3, 4\]"):
        check_sequences(nested)



def test_a_panel_dataframe_is_one_sequence_per_case_in_time_order():
    # sktime's and aeon's "pd-multiindex": before, its rows were read as univariate sequences (the
    # classifier counted 60 sequences for 6 labels, from_aeon gave (60, 2, 1), the forecaster joined
    # the cases into one series).
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    sequences = [rng.normal(size=(n, 2)) for n in (3, 5, 4)]
    rows = [(case, t, *values) for case, s in zip("cab", sequences) for t, values in enumerate(s)]
    panel = pd.DataFrame(rows, columns=["case", "t", "x", "y"]).set_index(["case", "t"])
    shuffled = panel.sample(frac=1.0, random_state=0)  # rows in any order, cases by first appearance
    order = list(dict.fromkeys(shuffled.index.get_level_values("case")))
    for X, cases in ((panel, "cab"), (shuffled, order)):
        padded, lengths = check_sequences(X)
        expected, expected_lengths = check_sequences([sequences["cab".index(case)] for case in cases])
        np.testing.assert_array_equal(lengths, expected_lengths)
        np.testing.assert_array_equal(padded, expected)
    hierarchical = panel.assign(store="s1").set_index("store", append=True).reorder_levels(["store", "case", "t"])
    np.testing.assert_array_equal(check_sequences(hierarchical)[0], check_sequences(panel)[0])  # all levels but time
    series, layout = check_series(panel, "X")
    assert layout == "list" and [s.shape for s in series] == [(3, 2), (5, 2), (4, 2)]
    one_feature, _ = check_sequences(panel["y"])  # a Series so indexed: one feature
    np.testing.assert_array_equal(one_feature, check_sequences(panel[["y"]])[0])
    # A pivoted long table, one row per (subject, trial) and its columns the time steps, reads as a
    # panel (sktime's convention); fitted with a target per row it is refused, naming the way out.
    wide = pd.DataFrame(rng.normal(size=(4, 6)), index=pd.MultiIndex.from_product([["s1", "s2"], [1, 2]]))
    assert check_sequences(wide)[0].shape == (2, 2, 6)
    with pytest.raises(ValueError, match=r"its 4 rows are 2 sequences .* y has 4 entries, one per row.*X.to_numpy"):
        panel_targets(wide, np.arange(4))
    panel_targets(wide, np.arange(2))
    one_trial = wide.iloc[[0, 2]]  # one row per subject: no panel, each row a sequence
    assert check_sequences(one_trial)[0].shape == (2, 6, 1)
    panel_targets(one_trial, np.arange(2))

def test_a_1d_object_array_of_sequences_is_a_list_of_sequences():
    rng = np.random.RandomState(0)
    sequences = [rng.normal(size=(n, 2)) for n in (3, 5, 4)]
    as_objects = np.empty(3, dtype=object)  # np.array(sequences, dtype=object), without NumPy's shape guessing
    for i, sequence in enumerate(sequences):
        as_objects[i] = sequence
    for got, expected in zip(check_sequences(as_objects), check_sequences(sequences)):
        np.testing.assert_array_equal(got, expected)
    forecaster_series, layout = check_series(as_objects, "X")
    assert layout == "list" and [s.shape for s in forecaster_series] == [(3, 2), (5, 2), (4, 2)]


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda m: m.W_.__setitem__((0, 0), np.nan), "The fitted W_ holds NaN"),
        (lambda m: m.a_.__setitem__(0, np.inf), "The fitted a_ holds NaN"),
        (lambda m: m.B_.__setitem__((0, 0), np.nan), "The fitted B_ holds NaN"),
        (lambda m: setattr(m, "W_", m.W_[:, :3]), r"The fitted W_ has shape \(4, 3\); the network of a_ \(n_hidden=4\) needs \(4, 4\)"),
        (lambda m: setattr(m, "C_", m.C_[:, :2]), r"The fitted C_ has shape \(4, 2\); .* needs \(4, 3\)"),
        (lambda m: setattr(m, "B_", m.B_[:, :3]), r"The fitted B_ has shape \(2, 3\); .* needs \(any, 4\)"),
        (lambda m: setattr(m, "b_", m.b_[:1]), r"The fitted b_ has shape \(1,\); .* needs \(2,\)"),
        (lambda m: setattr(m, "n_nonlinear_", 9), "n_nonlinear_ lie in \\[0, n_hidden\\]; got a_ of shape \\(4,\\) and n_nonlinear_=9"),
        (lambda m: setattr(m, "classes_", m.classes_[:1]), r"The fitted classes_ has shape \(1,\); B_ reads out 2 classes"),
    ],
)
def test_parameters_damaged_after_the_fit_are_named_instead_of_predicting_from_them(fitted_small, damage, message):
    # Fault injection: a NaN weight once gave class 0 for every sequence, without a word.
    import copy

    model = copy.deepcopy(fitted_small)
    for name in ("a_", "W_", "B_"):
        setattr(model, name, getattr(model, name).copy())
    damage(model)
    for call in (model.predict, model.predict_proba, model.transform, model.hidden_states):
        with pytest.raises(ValueError, match=message):
            call(GOOD_X)


def test_an_iterator_of_sequences_is_named_not_read_as_one_object():
    # A generator reached np.asarray as one object: "X holds values that are not numbers (... 'generator')".
    from sklearn_alrnn import ALRNNForecaster, SequenceScaler

    sequences = list(GOOD_X)
    model = ALRNNClassifier(n_hidden=4, max_iter=1, random_state=0)
    calls = [lambda: model.fit((s for s in sequences), GOOD_Y), lambda: SequenceScaler().fit(iter(sequences)),
             lambda: ALRNNForecaster(max_iter=1).fit(s for s in sequences)]
    for call in calls:
        with pytest.raises(TypeError, match=r"X is an iterator \((generator|list_iterator)\), read once; pass its "
                                            r"items as a list: list\(X\)"):
            call()
    model.fit(sequences, GOOD_Y)
    with pytest.raises(TypeError, match=r"X is an iterator \(map\)"):
        model.predict(map(np.asarray, sequences))
    ids = [np.arange(n) % 5 for n in range(2, 12)]  # token ids: "Token ids must be integers; X has dtype object"
    tokens = ALRNNClassifier(n_hidden=4, max_iter=1, input_type="tokens", random_state=0).fit(ids, GOOD_Y)
    with pytest.raises(TypeError, match=r"X is an iterator \(generator\)"):
        tokens.predict(sequence for sequence in ids)
    # A dict of sequences by id was "X holds values that are not numbers (... 'dict')".
    by_id = {f"s{i}": sequence for i, sequence in enumerate(sequences)}
    for call in (lambda: model.fit(by_id, GOOD_Y), lambda: ALRNNForecaster(max_iter=1).fit({"x": np.arange(9.0)})):
        with pytest.raises(TypeError, match=r"X is a dict \(keys such as '(s0|x)'\); pass its sequences as a list, "
                                            r"e\.g\. list\(X\.values\(\)\).* pd\.DataFrame\(X\)"):
            call()
    for Estimator in (ALRNNClassifier, ALRNNRegressor):  # targets by id pair by the dict's order: refused too
        with pytest.raises(TypeError, match=r"y is a dict \(keys such as 's0'\); pass its values as a list in the "):
            Estimator(max_iter=1).fit(sequences, {f"s{i}": label for i, label in enumerate(GOOD_Y)})


def test_a_series_of_dataframes_keeps_their_column_names_as_a_list_does():
    pd = pytest.importorskip("pandas")
    frames = [pd.DataFrame(sequence, columns=["pulse", "pressure", "flow"]) for sequence in GOOD_X]
    model = ALRNNClassifier(n_hidden=4, max_iter=1, random_state=0).fit(pd.Series(frames), GOOD_Y)
    assert model.feature_names_in_.tolist() == ["pulse", "pressure", "flow"]
    with pytest.raises(ValueError, match=r"\['pulse', 'pressure', 'flow'\] were fitted, the sequences have \['flow'"):
        model.predict(pd.Series([frame[["flow", "pressure", "pulse"]] for frame in frames]))


def test_scales_beside_the_weights_damaged_after_the_fit_are_named_too():
    # Fault injection: a NaN input-difference scale, elapsed-step moment or forecaster standardisation
    # gave NaN for every prediction without a word (the weights were checked, these were not).
    from sklearn_alrnn import ALRNNForecaster, metrics

    for name, index, value in [("input_difference_scale_", 1, np.nan), ("elapsed_steps_moments_", 1, 0.0)]:
        model = ALRNNRegressor(n_hidden=4, max_iter=2, input_differences=True, elapsed_steps=True, random_state=0)
        model.fit(GOOD_X, GOOD_Y.astype(float))
        getattr(model, name)[index] = value
        for call in (model.predict, model.transform):
            with pytest.raises(ValueError, match=rf"The fitted {name} must be of shape \(\d,\) with finite values "
                                                 r"\(scales > 0\); got array\(.*refit or reload it"):
                call(GOOD_X)
    series = np.column_stack([np.sin(np.arange(200) * 0.2), np.cos(np.arange(200) * 0.2)])
    forecaster = ALRNNForecaster(n_hidden=6, n_nonlinear=1, max_iter=2, n_init=1, random_state=0).fit(series)
    for name, value, message in [("mean_", np.nan, "with finite values;"),
                                 ("scale_", 0.0, r"with finite values \(scales > 0\)"),
                                 ("initial_observation_", np.inf, "with finite values;")]:
        model = copy.deepcopy(forecaster)
        getattr(model, name)[1] = value
        calls = [lambda: model.generate(5), lambda: model.forecast(series[:20], 3), lambda: model.predict(series),
                 lambda: model.observe(np.zeros((2, 6))), lambda: metrics.max_lyapunov_exponent(model, n_steps=50)]
        for call in calls:
            with pytest.raises(ValueError, match=rf"The fitted {name} must be of shape \(2,\) {message}"):
                call()


@pytest.mark.parametrize(
    "convert",
    [
        lambda w: w.astype(np.float32),  # one tensor copied from PyTorch, the others float64
        lambda w: w.tolist(),
        lambda w: np.asfortranarray(w),
    ],
)
def test_weights_set_from_elsewhere_predict_as_their_values_say(fitted_small, convert):
    # Fault injection: a float32 or list W_ beside float64 a_ once stopped predict with a Numba typing error.
    import copy

    model = copy.deepcopy(fitted_small)
    model.W_ = convert(fitted_small.W_)
    expected = copy.deepcopy(fitted_small)
    expected.W_ = np.asarray(model.W_, dtype=np.float64)
    np.testing.assert_allclose(model.predict_proba(GOOD_X), expected.predict_proba(GOOD_X), rtol=1e-6)
    assert model.W_.dtype == model.a_.dtype == np.float64 and model.W_.flags.c_contiguous
    continued = copy.deepcopy(fitted_small)
    continued.W_ = convert(fitted_small.W_)
    continued.partial_fit(GOOD_X, GOOD_Y)  # stopped at W_.shape for a list
    expected.partial_fit(GOOD_X, GOOD_Y)
    np.testing.assert_allclose(continued.W_, expected.W_, rtol=1e-5, atol=1e-7)


def test_integer_weights_predict_as_floats(fitted_small):
    import copy

    model, expected = copy.deepcopy(fitted_small), copy.deepcopy(fitted_small)
    model.W_ = np.eye(4, dtype=np.int64)
    expected.W_ = np.eye(4)
    np.testing.assert_allclose(model.predict_proba(GOOD_X), expected.predict_proba(GOOD_X))


def test_hyperparameters_changed_after_the_fit_do_not_change_its_predictions(fitted_small):
    # Readers of a fitted model use its fitted attributes, never the hyper-parameters.
    from sklearn.base import clone

    model = clone(fitted_small).fit(np.random.RandomState(0).normal(size=(20, 6, 3)), np.arange(20) % 2)
    expected = model.predict_proba(GOOD_X)
    model.set_params(n_hidden=7, n_nonlinear=5, readout="last", input_differences=True, elapsed_steps=True)
    np.testing.assert_array_equal(model.predict_proba(GOOD_X), expected)


def test_the_packages_warnings_name_the_callers_line():
    # Raised at different depths inside the package (the fit loop, the input checks, the measures, the free
    # run), each warning points at the user's call, where the filter by module and line can act on it.
    from sklearn.exceptions import ConvergenceWarning, DataConversionWarning

    from sklearn_alrnn import ALRNNForecaster, metrics

    X, y = np.random.RandomState(0).normal(size=(12, 5, 2)), np.arange(12) % 2
    growing = ALRNNForecaster.from_parameters([1.5], np.zeros((1, 1)), [1.0], np.zeros((0, 1)), n_nonlinear=0)
    calls = (
        (ConvergenceWarning, lambda: ALRNNClassifier(n_hidden=4, max_iter=1, random_state=0).fit(X, y)),
        # from the worker threads that fit the initialisations and the members, whose own stacks end in the pool
        (ConvergenceWarning,
         lambda: ALRNNClassifier(n_hidden=4, max_iter=1, n_init=2, n_members=2, n_jobs=2).fit(X, y)),
        (UserWarning, lambda: ALRNNRegressor(n_hidden=4, max_iter=1, standardize_inputs=False).fit(X * 1e4, y)),
        (RuntimeWarning, lambda: growing.generate(2000, x0=[1.0])),
        (UserWarning, lambda: metrics.correlation_dimension(np.zeros((400, 2)))),
        (DataConversionWarning, lambda: ALRNNClassifier(n_hidden=4, max_iter=1).fit(X, y[:, None])),
    )
    for category, call in calls:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            call()
        ours = [warning for warning in caught if issubclass(warning.category, category)]
        assert ours and {warning.filename for warning in ours} == {__file__}, [str(w.message) for w in caught]


def test_warnings_of_fits_in_worker_threads_obey_filters_by_the_callers_module():
    # The initialisations' warnings are gathered in the main thread and given again, under the caller's
    # module: they named contextlib's (or the thread pool's) and a filter by module did not act on them.
    from sklearn.exceptions import ConvergenceWarning

    X, y = np.random.RandomState(0).normal(size=(12, 5, 2)), np.arange(12) % 2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=ConvergenceWarning, module=__name__)
        ALRNNClassifier(n_hidden=4, max_iter=1, n_init=2, n_jobs=2).fit(X, y)
    assert not [warning for warning in caught if issubclass(warning.category, ConvergenceWarning)]


def test_a_warning_under_python_dash_c_names_its_line():
    # `python -c`'s __main__ has a loader that holds no source: warnings given with its globals raised ImportError.
    import subprocess
    import sys

    code = ("import numpy as np; from sklearn_alrnn import ALRNNClassifier\n"
            "X, y = np.random.RandomState(0).normal(size=(12, 5, 2)), np.arange(12) % 2\n"
            "ALRNNClassifier(n_hidden=4, max_iter=1).fit(X, y)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "<string>:3: ConvergenceWarning" in result.stderr, result.stderr[-2000:]


def test_polars_frames_are_read_by_their_columns_and_types():
    # A polars column of dates was read as microsecond counts; a one-column frame of texts as its column.
    pl = pytest.importorskip("polars")
    import datetime

    from sklearn_alrnn import ALRNNForecaster, SequenceTokenizer

    t = np.arange(80)
    series = pl.DataFrame({"x": np.sin(0.2 * t), "y": np.cos(0.2 * t)})
    model = ALRNNForecaster(n_hidden=6, n_nonlinear=1, max_iter=2, sequence_length=10, random_state=0).fit(series)
    assert list(model.feature_names_in_) == ["x", "y"]
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        np.testing.assert_array_equal(model.predict(series), model.predict(series.to_numpy()))
    stamped = series.with_columns(pl.Series("time", [datetime.datetime(2024, 1, 1, int(h) % 24) for h in t]))
    with pytest.raises(ValueError, match=r"X holds dates or durations \(column 'time'\)"):
        ALRNNForecaster(max_iter=1).fit(stamped)
    with pytest.raises(TypeError, match=r"X is a polars LazyFrame, a query not yet run; .*X.collect\(\)"):
        ALRNNClassifier(max_iter=1).fit(series.lazy(), t % 2)
    sequences = np.random.RandomState(0).normal(size=(12, 6, 2))  # per-step targets: a polars Series per sequence
    targets = [pl.Series(np.cumsum(sequence[:, 0])) for sequence in sequences]
    regressor = ALRNNRegressor(n_hidden=4, max_iter=2, random_state=0).fit(sequences, targets)
    assert regressor.predict(sequences).shape == (12, 6, 1)  # was read as 6 outputs of each sequence
    ragged = [sequence[: 3 + i % 4, 0] for i, sequence in enumerate(sequences)]  # a column of lists, as polars holds
    column = pl.Series("signal", [list(sequence) for sequence in ragged])  # recordings ("setting an array element")
    univariate = ALRNNRegressor(n_hidden=4, max_iter=2, random_state=0).fit(ragged, [r.sum() for r in ragged])
    np.testing.assert_array_equal(univariate.predict(column), univariate.predict(ragged))
    texts = ["a good film", "a bad one"]
    tokens = SequenceTokenizer().fit_transform(pl.DataFrame({"text": texts}))
    assert [list(ids) for ids in tokens] == [list(ids) for ids in SequenceTokenizer().fit_transform(texts)]


def test_xarray_arrays_are_read_by_their_named_dimensions_and_time_coordinate():
    # A DataArray of (trial, channel, time), as recordings are stored, was read with the channels as time steps; a
    # series whose time coordinate runs backwards was learnt backwards; a Dataset got the advice for a dict.
    xr = pytest.importorskip("xarray")
    pd = pytest.importorskip("pandas")
    from sklearn_alrnn import ALRNNForecaster

    rng = np.random.RandomState(0)
    trials = xr.DataArray(rng.normal(size=(12, 7, 2)), dims=("trial", "time", "channel"))
    labels = np.arange(12) % 2
    model = ALRNNClassifier(n_hidden=4, max_iter=2, random_state=0).fit(trials, labels)
    np.testing.assert_array_equal(model.predict_proba(trials), model.predict_proba(trials.to_numpy()))
    stored = trials.transpose("trial", "channel", "time")
    with pytest.raises(ValueError, match=r"X is a DataArray of dimensions \('trial', 'channel', 'time'\), whose axis 1 "
                                         r"is read as the time steps; transpose it: \.transpose\('trial', 'time', "):
        model.predict(stored)
    with pytest.raises(ValueError, match=r"sequence 1 of X is a DataArray of dimensions \('channel', 'time'\)"):
        model.predict([trials[0], stored[1]])
    t = np.arange(60)
    series = xr.DataArray(np.c_[np.sin(0.2 * t), np.cos(0.2 * t)], dims=("time", "variable"),
                          coords={"time": pd.date_range("2024", periods=60, freq="h")})
    forecaster = ALRNNForecaster(n_hidden=6, n_nonlinear=1, max_iter=1, sequence_length=10, random_state=0).fit(series)
    with pytest.raises(ValueError, match=r"its DatetimeIndex runs backwards .*\(\.sortby\('time'\)\)"):
        forecaster.fit(series[::-1])
    with pytest.raises(ValueError, match=r"context is a DataArray of dimensions \('variable', 'time'\)"):
        forecaster.forecast(series[:20].T, 3)
    with pytest.raises(TypeError, match=r"X is an xarray Dataset; pass X\.to_dataframe\(\)"):
        forecaster.fit(series.to_dataset("variable"))
    assert forecaster.fit(series.to_dataset("variable").to_dataframe()).n_features_in_ == 2


def test_a_tables_columns_of_text_beside_its_numbers_are_named():
    # A category column among a sequence's features got the advice to tokenise texts, naming no column.
    pd = pytest.importorskip("pandas")
    from sklearn_alrnn import ALRNNForecaster

    rng = np.random.RandomState(0)
    frames = [pd.DataFrame({"speed": rng.normal(size=6), "gear": pd.Categorical(rng.choice(["low", "high"], 6))})
              for _ in range(4)]
    with pytest.raises(ValueError, match=r"X holds strings that are not numbers .*; column 'gear' holds text or "
                                         r"categories: encode them as numbers first"):
        ALRNNClassifier(max_iter=1).fit(frames, [0, 1, 0, 1])
    series = pd.DataFrame({"x": rng.normal(size=40), "state": "rest", "phase": rng.choice(["a", "b"], 40)})
    with pytest.raises(ValueError, match=r"columns \['state', 'phase'\] hold text or categories: a recorded series "
                                         r"holds numbers only: .*X\.set_index\(\[that column, time\]\)"):
        ALRNNForecaster(max_iter=1).fit(series)
    with pytest.raises(ValueError, match=r"raw texts go through SequenceTokenizer first"):  # words as the steps
        ALRNNClassifier(max_iter=1).fit(pd.DataFrame({"t0": ["a", "b"], "t1": ["c", "d"]}), [0, 1])


def test_sparse_matrices_are_refused_saying_how_dense_data_would_be_read():
    # scikit-learn's "Sparse data was passed for X, but dense data is required" came after "X holds values that
    # are not numbers"; a list of sparse matrices met NumPy's "setting an array element with a sequence".
    from scipy.sparse import csr_matrix

    from sklearn_alrnn import SequenceScaler

    counts = csr_matrix(np.eye(len(GOOD_Y)))
    for call in (lambda: ALRNNClassifier().fit(counts, GOOD_Y), lambda: SequenceScaler().fit(counts)):
        with pytest.raises(TypeError, match=r"Sparse data was passed for X \(a SciPy csr_matrix of shape \(10, 10\)\); "
                                            r"dense sequences are required: pass X\.toarray\(\), which reads each row "
                                            r"as a sequence and each column as a time step; a document-term matrix"):
            call()
    with pytest.raises(TypeError, match=r"X: its sequences include SciPy sparse matrices; .* pass each as \.toarray"):
        ALRNNRegressor().fit([csr_matrix(np.eye(3))] * 2, [0.0, 1.0])
    univariate = GOOD_X[:, :, 0]
    model = ALRNNClassifier(n_hidden=4, max_iter=1, random_state=0).fit(univariate, GOOD_Y)
    with pytest.raises(TypeError, match=r"Sparse data was passed for X"):
        model.predict(csr_matrix(univariate))
    np.testing.assert_array_equal(model.predict(csr_matrix(univariate).toarray()), model.predict(univariate))
