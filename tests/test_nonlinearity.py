"""The research claims, as tests: gating needs a nonlinear unit; a linear task needs none."""

import numpy as np
import pytest

from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline

from sklearn_alrnn import ALRNNClassifier, ALRNNForecaster, ALRNNRegressor, RegimeDecomposer, SequenceScaler, datasets
from sklearn_alrnn import nonlinearity_profile
from sklearn_alrnn.nonlinearity import count_visited_regimes
from sklearn_alrnn.metrics import free_run_score


@pytest.fixture(scope="module")
def addition_data():
    X, y = datasets.make_addition(2500, 50, random_state=0)
    return X[:2000], y[:2000], X[2000:], y[2000:]


@pytest.mark.parametrize("n_nonlinear", [2, 4])
@pytest.mark.slow
def test_a_few_relu_units_solve_the_adding_problem(addition_data, n_nonlinear):
    X, y, X_test, y_test = addition_data
    reg = ALRNNRegressor(n_hidden=32, n_nonlinear=n_nonlinear, random_state=0).fit(X, y)
    assert np.mean((reg.predict(X_test) - y_test) ** 2) < 0.01


@pytest.mark.slow
def test_a_linear_rnn_cannot_gate(addition_data):
    X, y, X_test, y_test = addition_data
    reg = ALRNNRegressor(n_hidden=32, n_nonlinear=0, random_state=0).fit(X, y)
    assert np.mean((reg.predict(X_test) - y_test) ** 2) > 0.05


def test_the_adding_problem_is_gated_by_a_regime_entered_at_the_marked_steps_only():
    # Gating as the research describes it: one linear regime, entered when a marker arrives, adds
    # the marked value to the memory; the others hold it. Seeds 0-4 alike: the gate regime holds
    # 91-99.6% of the marked steps and at most 1.5% of the others (test MSE 0.004-0.007).
    X, y = datasets.make_addition(2000, 30, random_state=0)
    model = ALRNNRegressor(n_hidden=16, n_nonlinear=2, random_state=0).fit(X[:1600], y[:1600])
    assert np.mean((model.predict(X[1600:]) - y[1600:]) ** 2) < 0.02
    codes = RegimeDecomposer(model, prefit=True).fit(X[1600:]).transform(X[1600:])
    marked = X[1600:, :, 1] == 1
    gate = np.bincount(codes[marked]).argmax()
    assert np.mean(codes[marked] == gate) > 0.9 and np.mean(codes[~marked] == gate) < 0.05


def test_context_dependent_integration_switches_rules_with_one_relu_unit_each_regime_integrating_its_stream():
    # Mante et al. (2013): a context cue says which of two evidence streams to integrate. A linear
    # network cannot choose; one ReLU unit can, and its regime follows the context. Seeds 0-2:
    # accuracy 0.75-0.77 at P = 0 and 0.93-0.96 at P = 1, the unit on at 79-88% of the steps of one
    # context and 2-4% of the other's.
    X, y = datasets.make_context_integration(1500, 30, random_state=0)
    models = {P: ALRNNClassifier(n_hidden=16, n_nonlinear=P, readout="last", random_state=0).fit(X[:1200], y[:1200])
              for P in (0, 1)}
    assert models[0].score(X[1200:], y[1200:]) < 0.82 < 0.9 < models[1].score(X[1200:], y[1200:])
    decomposer = RegimeDecomposer(models[1], prefit=True).fit(X[1200:])
    codes = decomposer.transform(X[1200:])
    context = X[1200:, 0, 2:].argmax(axis=1)
    on = [np.mean(codes[context == c] == 1) for c in (0, 1)]
    assert abs(on[0] - on[1]) > 0.6
    # Inside each context's regime the map is linear, so the readout's response to one unit of a stream
    # k steps before the end is sum_i (w . direction_i) lambda_i^k loading_i: the cued stream must be
    # integrated (its early steps count as much as its late ones), the other ignored. Seeds 0-11 (all
    # but seed 9, whose fit failed at 0.75): over the 30 steps the cued stream's summed response is
    # 26-1,961 times the other's, and a step 29 back weighs 1.35-6.1 times the last one. (How: on 8 of
    # the 12 seeds one line attractor shared by both regimes, the context selecting what enters it by
    # the mode's left eigenvector, Mante et al.'s mechanism; on 3, a slow mode for each context.)
    readout = models[1].B_[1] - models[1].B_[0]
    lags = np.arange(30)[:, None]
    for system in decomposer.linear_systems_:
        cued = int(np.argmax([np.mean(codes[context == c] == system.code) for c in (0, 1)]))
        modes = system.modes()
        response = np.real((readout @ modes.directions) * modes.eigenvalues**lags @ modes.input_loadings[:, :2])
        assert abs(response[:, cued].sum()) > 10 * abs(response[:, 1 - cued].sum())
        assert response[-1, cued] / response[0, cued] > 0.9


def test_holding_a_bit_needs_two_relu_units_and_two_stable_fixed_points():
    # The 1-bit flip-flop: a linear network (P = 0) has one fixed point and can only integrate the
    # pulses, which a held sign is not. One ReLU unit cannot make a map bistable: its two regimes
    # hold a fixed point each only where det(I - J) differs in sign between them, and a stable
    # regime has det(I - J) > 0 (RESULTS.md). Two ReLU units can. Seeds 0-2 alike: held-out R^2
    # 0.55-0.57 with 1 stable point, 0.61-0.62 with 1 at P = 1, 0.92-0.95 with 2 at P = 2.
    X, y = datasets.make_flipflop(500, 100, n_bits=1, random_state=0)
    X_test, y_test = datasets.make_flipflop(200, 100, n_bits=1, random_state=100)
    results = {}
    for P in (0, 1, 2):
        model = ALRNNRegressor(n_hidden=8, n_nonlinear=P, random_state=0).fit(X, y)
        decomposer = RegimeDecomposer(model, prefit=True).fit(X_test)
        stable = [p for p in decomposer.all_fixed_points() if p.real and np.abs(p.eigenvalues).max() < 1]
        results[P] = model.score(X_test, y_test), len(stable)
    assert results[0][0] < 0.7 and results[0][1] <= 1
    assert results[1][0] < 0.8 and results[1][1] <= 1
    assert results[2][0] > 0.9 and results[2][1] == 2


@pytest.mark.slow
def test_profile_on_addition_needs_a_nonlinear_unit():
    X, y = datasets.make_addition(900, 20, random_state=1)
    profile = nonlinearity_profile(
        ALRNNRegressor(n_hidden=16, random_state=0), X, y, n_nonlinear=[0, 2], cv=2
    )
    assert profile.minimal_n_nonlinear_ >= 1
    assert profile.mean_score[0] < 0.5 < profile.mean_score[1]
    assert profile.regimes_visited[0] == 1 and 1 <= profile.regimes_visited[1] <= 4
    table = profile.table()
    assert list(table["n_nonlinear"]) == [0, 2]


@pytest.mark.slow
def test_profile_on_a_leaky_integral_needs_none():
    rng = np.random.RandomState(2)
    X = rng.normal(size=(400, 20, 1))
    y = (0.8 ** np.arange(19, -1, -1) * X[:, :, 0]).sum(axis=1)
    profile = nonlinearity_profile(
        ALRNNRegressor(n_hidden=8, random_state=0), X, y, n_nonlinear=[0, 1, 2], cv=2
    )
    assert profile.minimal_n_nonlinear_ == 0
    assert profile.mean_score[0] > 0.98
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    ax_score, ax_regimes = profile.plot()
    assert len(ax_score.lines) >= 1 and len(ax_regimes.lines) == 2


def test_profile_rejects_p_above_n_hidden_and_estimators_without_a_p():
    with pytest.raises(ValueError, match=r"lie in \[0, n_hidden=4\]"):
        nonlinearity_profile(ALRNNRegressor(n_hidden=4), np.zeros((4, 3, 1)), np.zeros(4), n_nonlinear=[5])
    with pytest.raises(ValueError, match=r"varies n_nonlinear of an ALRNNClassifier, ALRNNRegressor or ALRNNForecaster "
                       r"\(alone or at the end of a Pipeline\); got None"):
        nonlinearity_profile(None, np.zeros((4, 3, 1)), np.zeros(4))
    # Numbers of units are whole: 1.5 was read as 1, "all" as the letters of a word, [] as out of range.
    for bad in ([1.5], "all", [], [True], [[0, 1]]):
        with pytest.raises(ValueError, match="n_nonlinear must be a non-empty list of whole numbers of ReLU units"):
            nonlinearity_profile(ALRNNRegressor(n_hidden=4), np.zeros((4, 3, 1)), np.zeros(4), n_nonlinear=bad)
    for bad in (-0.01, np.nan):  # no P would be "as good as the best"
        with pytest.raises(ValueError, match=r"tolerance must be a real number >= 0.0; got -?nan|tolerance .*-0.01"):
            nonlinearity_profile(ALRNNRegressor(n_hidden=4), np.zeros((4, 3, 1)), np.zeros(4), tolerance=bad)


def test_a_pipeline_ending_in_an_alrnn_is_profiled_and_its_network_read_after_the_preprocessing():
    # The documented recipe, SequenceScaler then the network, was refused ("varies n_nonlinear of an
    # ALRNNClassifier, ..."); its regimes are those of the network on the scaled sequences.
    rng = np.random.RandomState(0)
    X = 50 + 10 * rng.normal(size=(60, 8, 1))
    y = X[:, :, 0].mean(axis=1)
    settings = dict(n_hidden=4, max_iter=30, random_state=0)
    pipeline = make_pipeline(SequenceScaler(), ALRNNRegressor(**settings))
    profile = nonlinearity_profile(pipeline, X, y, n_nonlinear=[0, 2], cv=2)
    search = GridSearchCV(pipeline, {"alrnnregressor__n_nonlinear": [0, 2]}, cv=2, refit=False).fit(X, y)
    expected = np.array([search.cv_results_[f"split{k}_test_score"] for k in range(2)]).T
    np.testing.assert_array_equal(profile.fold_scores["score"], expected)
    fitted = clone(pipeline).set_params(alrnnregressor__n_nonlinear=2).fit(X[30:], y[30:])  # the second fold's
    assert profile.fold_regimes_visited[1, 1] == count_visited_regimes(fitted[-1], fitted[0].transform(X[:30]))
    assert count_visited_regimes(fitted, X[:30]) == profile.fold_regimes_visited[1, 1]
    assert profile.fold_regimes_visited[0].tolist() == [1, 1]
    assert profile.fold_n_iter[1, 1] == fitted[-1].n_iter_


def test_a_fit_that_fails_raises_its_error_instead_of_a_profile_that_ranks_its_nan_first():
    # A forecaster of 6 units cannot hold P = 6 beside its observed variable: before, those folds
    # scored NaN with a warning, and best_n_nonlinear_ was 6, NumPy's argmax of NaN.
    series = np.sin(0.2 * np.arange(300))[:, None]
    forecaster = ALRNNForecaster(n_hidden=6, max_iter=2, n_init=1, evaluation_steps=50, random_state=0)
    with pytest.raises(ValueError, match="n_hidden - n_nonlinear must be at least 1; got n_hidden=6, n_nonlinear=6"):
        nonlinearity_profile(forecaster, series, None, n_nonlinear=[0, 6], cv=2)
    with pytest.raises(ValueError, match="scores fits of the ALRNNRegressor on \\(X, y\\); y was not given"):
        nonlinearity_profile(ALRNNRegressor(n_hidden=4), np.zeros((4, 3, 1)), None)


def test_a_forecaster_profile_folds_a_series_in_time_order():
    series = datasets.make_roessler(1, 1200, random_state=0)[0][0]
    forecaster = ALRNNForecaster(max_iter=4, n_init=1, evaluation_interval=2, random_state=0)  # n_hidden="auto"
    scoring = {"geometry": free_run_score, "prediction": None}
    profile = nonlinearity_profile(forecaster, series, None, n_nonlinear=[0, 2], cv=2, scoring=scoring)
    # cv=2 means TimeSeriesSplit(2): train on the past, score on what follows, as a search by hand does.
    search = GridSearchCV(forecaster, {"n_nonlinear": [0, 2]}, cv=TimeSeriesSplit(2), scoring=scoring, refit=False)
    results = search.fit(series).cv_results_
    for name in scoring:
        expected = np.array([results[f"split{k}_test_{name}"] for k in range(2)]).T
        np.testing.assert_array_equal(profile.fold_scores[name], expected)
    assert np.all(profile.fold_scores["geometry"] <= 0) and np.all(profile.fold_scores["prediction"] < 0)
    assert profile.fold_regimes_visited[0].tolist() == [1, 1] and np.all(profile.fold_regimes_visited[1] <= 4)
    assert profile.fold_n_iter.tolist() == [[4, 4], [4, 4]]


def test_regimes_of_a_network_with_more_relu_units_than_a_code_holds_are_counted_from_their_bits():
    from sklearn_alrnn._model import regime_codes
    from sklearn_alrnn.nonlinearity import count_visited_regimes

    X, y = datasets.make_addition(n_samples=40, n_timesteps=10, random_state=0)
    model = ALRNNRegressor(n_hidden=70, n_nonlinear=66, max_iter=2, random_state=0).fit(X, y)
    states = model.hidden_states(X)
    patterns = {tuple(row) for row in (states[..., -66:] > 0).reshape(-1, 66)}
    assert count_visited_regimes(model, X) == len(patterns) > 1
    # Integer codes would wrap around past 63 bits: they are refused by name instead.
    with pytest.raises(ValueError, match="hold at most 63 ReLU units; got n_nonlinear=66"):
        regime_codes(states, 66)
    assert regime_codes(states[..., -63:], 63).min() >= 0  # 63 bits still fit


def test_regimes_of_a_large_fold_are_counted_a_block_of_sequences_at_a_time(monkeypatch):
    # hidden_states refuses answers above 2 GiB: a whole validation fold of a text set can be one.
    # Here the limit is a few sequences' states, and the count must not ask for more at once.
    from sklearn_alrnn import nonlinearity
    from sklearn_alrnn.nonlinearity import count_visited_regimes

    X, y = datasets.make_addition(n_samples=50, n_timesteps=12, random_state=0)
    model = ALRNNRegressor(n_hidden=10, n_nonlinear=6, max_iter=3, random_state=0).fit(X, y)
    states = model.hidden_states(X)
    patterns = {tuple(row) for row in (states[..., -6:] > 0).reshape(-1, 6)}
    one_sequence = 12 * 10 * 8
    monkeypatch.setattr(nonlinearity, "STATES_BLOCK_BYTES", 7 * one_sequence)
    asked = []
    whole = model.hidden_states

    def limited(block, **kwargs):
        asked.append(len(block))
        return whole(block, max_bytes=7 * one_sequence)

    monkeypatch.setattr(model, "hidden_states", limited)
    assert count_visited_regimes(model, X) == len(patterns) > 1
    assert asked == [7] * 7 + [1]
    assert count_visited_regimes(model, list(X)) == len(patterns)  # a list is sliced as a list
    # An unfitted network, alone or in a pipeline, was an AttributeError on a_.
    for unfitted in (ALRNNRegressor(), make_pipeline(SequenceScaler(), ALRNNRegressor())):
        with pytest.raises(NotFittedError, match="ALRNNRegressor instance is not fitted yet"):
            count_visited_regimes(unfitted, X)
