"""RegimeDecomposer, on hand-built models with known answers and on trained ones."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sklearn_alrnn import ALRNNClassifier, ALRNNRegressor, RegimeDecomposer, datasets
from sklearn_alrnn.analysis import bits_to_code, classify_stability, iterate_map

from .conftest import HAND_BUILT_A as A
from .conftest import HAND_BUILT_C as C
from .conftest import HAND_BUILT_H as H
from .conftest import HAND_BUILT_W as W
from .conftest import hand_built_step as _step

@pytest.fixture
def hand_built():
    return RegimeDecomposer.from_parameters(A, W, H, C, n_nonlinear=2)


def test_linear_systems_fixed_points_and_eigenvalues_of_a_hand_built_model(hand_built):
    assert list(hand_built.regimes_) == [0, 1, 2, 3]
    reals = []
    for code, system, fp in zip(hand_built.regimes_, hand_built.linear_systems_, hand_built.fixed_points_):
        bits = [(code >> 1) & 1, code & 1]
        J = np.diag(A) + W @ np.diag([1.0, *bits])
        np.testing.assert_allclose(system.J, J, rtol=0, atol=1e-15)
        expected = np.linalg.solve(np.eye(3) - J, H)
        np.testing.assert_allclose(fp.point, expected, rtol=1e-12)
        real = [int(expected[1] > 0), int(expected[2] > 0)] == bits
        assert fp.real == real
        reals.append(real)
        np.testing.assert_allclose(np.sort_complex(fp.eigenvalues), np.sort_complex(np.linalg.eigvals(J)))
        assert hand_built.spectral_radius_[list(hand_built.regimes_).index(code)] == pytest.approx(
            np.abs(np.linalg.eigvals(J)).max()
        )
    assert any(reals) and not all(reals), "the model must have both real and virtual fixed points"


def test_real_fixed_points_are_fixed_points_of_the_nonlinear_map(hand_built):
    for fp in hand_built.all_fixed_points(constant_input=[0.7]):
        if fp.real:
            np.testing.assert_allclose(_step(fp.point, 0.7), fp.point, atol=1e-9)
            assert bits_to_code((fp.point[1:] > 0).astype(int)) == fp.code


def test_stability_types_time_constants_and_periods():
    # A stable focus: one rotating pair of modulus 0.9, one real mode 0.5.
    theta = 2 * np.pi / 12
    J = np.zeros((3, 3))
    J[:2, :2] = 0.9 * np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    J[2, 2] = 0.5
    dec = RegimeDecomposer.from_parameters(np.zeros(3), J, np.ones(3), n_nonlinear=0)
    (fp,) = dec.fixed_points_
    assert fp.stability == "stable focus"
    np.testing.assert_allclose(fp.time_constants[:2], -1 / np.log(0.9))
    np.testing.assert_allclose(fp.rotation_periods[:2], 12.0)
    assert fp.rotation_periods[2] == np.inf
    saddle = RegimeDecomposer.from_parameters(np.array([1.5, 0.5]), np.zeros((2, 2)), np.ones(2), n_nonlinear=0)
    assert saddle.fixed_points_[0].stability == "saddle"
    node = RegimeDecomposer.from_parameters(np.array([1.5, 2.0]), np.zeros((2, 2)), np.ones(2), n_nonlinear=0)
    assert node.fixed_points_[0].stability == "unstable node"


def test_an_integrator_is_marginally_stable_with_an_infinite_time_constant():
    # Unit 0 integrates its input (a = 1): the memory mode of a working-memory model. Its time
    # constant used to come out as -inf and the fixed point as a "saddle".
    integrator = RegimeDecomposer.from_parameters(np.array([1.0, 0.5, 0.5]), np.zeros((3, 3)), np.zeros(3), n_nonlinear=1)
    for fp in integrator.fixed_points_:
        assert fp.stability == "marginally stable"
        assert fp.time_constants[0] == np.inf and fp.time_constants[1] == pytest.approx(1 / np.log(2))
        # I - J is singular: a line of fixed points along the integrator, through the origin
        np.testing.assert_allclose(np.abs(fp.continuum.ravel()), [1.0, 0.0, 0.0])
        np.testing.assert_allclose(fp.point, 0.0)
    assert integrator.summary()["fixed_point_dimension"].tolist() == [1, 1]
    drifting = RegimeDecomposer.from_parameters(np.array([1.0, 0.5]), np.zeros((2, 2)), np.ones(2), n_nonlinear=1)
    assert np.isnan(drifting.summary()["fixed_point_dimension"]).all()  # z0 grows by 1 each step: none
    rotation = np.array([[0.0, -1.0], [1.0, 0.0]])  # undamped: period 4
    assert classify_stability(np.linalg.eigvals(rotation)) == "marginally stable"
    assert classify_stability(np.array([1.0, 1.5])) == "unstable node"
    assert classify_stability(np.array([1.0, 1.5, 0.5])) == "saddle"


def test_a_trained_flip_flop_holds_each_of_its_patterns_at_its_own_stable_fixed_point():
    # Sussillo & Barak (2013): a network trained on the 2-bit flip-flop stores its four patterns as
    # four stable fixed points of the zero-input map. The decomposer must find exactly these as its
    # real, stable fixed points, and a pulse held for 195 steps must end on a different one for each
    # pattern (seeds 0-3 alike: 4 stable real points, each pattern's state on its own to 1e-4).
    X, y = datasets.make_flipflop(500, 100, n_bits=2, random_state=0)
    model = ALRNNRegressor(n_hidden=16, n_nonlinear=4, random_state=0).fit(X, y)
    assert model.score(X, y) > 0.9
    decomposer = RegimeDecomposer(model, prefit=True).fit(X)
    stable = [p.point for p in decomposer.all_fixed_points() if p.real and np.abs(p.eigenvalues).max() < 1]
    assert len(stable) == 4
    patterns = np.array([(1, 1), (1, -1), (-1, 1), (-1, -1)])
    probes = np.zeros((4, 200, 2))
    probes[:, 5] = patterns
    held = model.hidden_states(probes)[:, -1]
    distances = np.linalg.norm(held[:, None] - np.array(stable)[None], axis=-1)
    assert sorted(distances.argmin(axis=1)) == [0, 1, 2, 3] and distances.min(axis=1).max() < 1e-3
    np.testing.assert_allclose(model.predict(probes)[:, -1], patterns, atol=0.2)


@pytest.fixture(scope="module")
def memory_model_and_data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 12, 1))
    y = (X[:, :3, 0].sum(axis=1) > 0).astype(int)
    clf = ALRNNClassifier(n_hidden=8, n_nonlinear=3, max_iter=40, random_state=0).fit(X, y)
    return clf, X, y


def test_codes_agree_with_the_sign_pattern_of_hidden_states(memory_model_and_data):
    clf, X, y = memory_model_and_data
    X_ragged = [X[0, :5], X[1], X[2, :1]]
    dec = RegimeDecomposer(clf, prefit=True).fit(X, y)
    for data in (X, X_ragged):
        codes = dec.transform(data)
        states = clf.hidden_states(data)
        bits = (states[..., -3:] > 0).astype(int)
        expected = bits[..., 0] * 4 + bits[..., 1] * 2 + bits[..., 2]
        expected[np.isnan(states[..., 0])] = -1
        np.testing.assert_array_equal(codes, expected)


def test_fitted_statistics_occupancy_and_transition_matrix(memory_model_and_data):
    clf, X, y = memory_model_and_data
    dec = RegimeDecomposer(clf, prefit=True).fit(X)
    codes = dec.transform(X)
    values, counts = np.unique(codes, return_counts=True)
    assert set(dec.regimes_) == set(values)
    assert np.all(np.diff(dec.occupancy_) <= 0)
    np.testing.assert_allclose(dec.occupancy_.sum(), 1.0)
    index = {c: i for i, c in enumerate(dec.regimes_)}
    counted = np.zeros((dec.n_regimes_,) * 2)
    for row in codes:
        for u, v in zip(row[:-1], row[1:]):
            counted[index[u], index[v]] += 1
    rows = counted.sum(axis=1, keepdims=True)
    expected = np.where(rows > 0, counted / np.where(rows > 0, rows, 1), np.eye(dec.n_regimes_))
    np.testing.assert_allclose(dec.transition_matrix_, expected)
    occupancy = RegimeDecomposer(clf, prefit=True, output="occupancy").fit(X).transform(X)
    assert occupancy.shape == (300, dec.n_regimes_)
    np.testing.assert_allclose(occupancy.sum(axis=1), 1.0)
    np.testing.assert_allclose(occupancy.mean(axis=0), dec.occupancy_)


def test_linear_model_has_exactly_one_regime():
    rng = np.random.RandomState(1)
    X = rng.normal(size=(40, 6, 2))
    reg = ALRNNRegressor(n_hidden=4, n_nonlinear=0, max_iter=3, random_state=0)
    dec = RegimeDecomposer(reg).fit(X, X.sum(axis=(1, 2)))
    assert list(dec.regimes_) == [0] and dec.n_regimes_ == 1
    est = dec.estimator_
    np.testing.assert_allclose(dec.linear_systems_[0].J, np.diag(est.a_) + est.W_)
    assert np.all(dec.transform(X) == 0)
    assert dec.transition_matrix_.tolist() == [[1.0]]
    assert reg is not dec.estimator_ and not hasattr(reg, "a_")  # a clone was fitted


def test_a_network_that_cannot_be_or_is_already_fitted_without_prefit_is_named():
    rng = np.random.RandomState(1)
    X = rng.normal(size=(40, 6, 2))
    y = X.sum(axis=(1, 2))
    reg = ALRNNRegressor(n_hidden=4, n_nonlinear=1, max_iter=3, random_state=0)
    with pytest.raises(ValueError, match=r"clone of the ALRNNRegressor on \(X, y\), and y was not given: pass y, or prefit=True with a fitted"):
        RegimeDecomposer(reg).fit(X)
    with pytest.warns(ConvergenceWarning):
        reg.fit(X, y)
    # Before: the regressor's own "requires y to be passed", which does not say that a clone is fitted.
    with pytest.raises(ValueError, match="and y was not given: pass y, or prefit=True reads the fitted ALRNNRegressor as it is"):
        RegimeDecomposer(reg).fit(X)
    with pytest.warns(UserWarning, match="fits a clone of the ALRNNRegressor on the data given to fit, not the fitted"):
        assert RegimeDecomposer(reg).fit(X, y).estimator_ is not reg
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert RegimeDecomposer(reg, prefit=True).fit(X).estimator_ is reg


def test_pipeline_occupancy_features_into_logistic_regression(memory_model_and_data):
    _, X, y = memory_model_and_data
    pipe = make_pipeline(
        RegimeDecomposer(ALRNNClassifier(n_hidden=8, n_nonlinear=3, max_iter=20, random_state=0), output="occupancy"),
        LogisticRegression(),
    )
    pipe.fit(X, y)
    assert 0.5 <= pipe.score(X, y) <= 1.0
    names = pipe[0].get_feature_names_out()
    assert all(name.startswith("regime_") and len(name) == len("regime_") + 3 for name in names)


def test_summary_and_set_output(memory_model_and_data):
    pd = pytest.importorskip("pandas")
    clf, X, y = memory_model_and_data
    dec = RegimeDecomposer(clf, prefit=True, output="occupancy").fit(X)
    table = dec.summary()
    assert list(table.columns) == [
        "code", "bits", "occupancy", "real_fixed_point", "fixed_point_dimension", "stability", "spectral_radius",
        "slowest_time_constant",
    ]
    assert (table["fixed_point_dimension"] == 0).all()  # a trained map's regimes: isolated points
    assert table["code"].tolist() == dec.regimes_.tolist()
    frame = dec.set_output(transform="pandas").transform(X)
    assert isinstance(frame, pd.DataFrame) and list(frame.columns) == list(dec.get_feature_names_out())
    codes = RegimeDecomposer(clf, prefit=True).fit(X).set_output(transform="pandas").transform(X)
    assert list(codes.columns) == [f"step{t}" for t in range(12)]


def test_bad_inputs_to_the_decomposer():
    with pytest.raises(ValueError, match="needs an estimator"):
        RegimeDecomposer().fit(np.zeros((2, 3, 1)))
    with pytest.raises(ValueError, match=r"W of shape \(M, M\)"):
        RegimeDecomposer.from_parameters(A, W[:2], H, n_nonlinear=1)
    with pytest.raises(ValueError, match="between 0 and 3 \\(the number of units\\); got 4"):
        RegimeDecomposer.from_parameters(A, W, H, n_nonlinear=4)
    from sklearn.utils._param_validation import InvalidParameterError

    with pytest.raises(InvalidParameterError, match="The 'output' parameter of RegimeDecomposer must be"):
        RegimeDecomposer.from_parameters(A, W, H, C, n_nonlinear=2, output="bits")  # was read as occupancy
    with pytest.raises(ValueError, match=r"constant_input must hold real numbers \(could not convert string to float"):
        RegimeDecomposer.from_parameters(A, W, H, C, n_nonlinear=2, constant_input=["x"])
    # Complex values lost their imaginary parts to a float cast, with only NumPy's ComplexWarning.
    with pytest.raises(ValueError, match=r"constant_input must hold real numbers \(complex, with imaginary parts up to 2"):
        RegimeDecomposer.from_parameters(A, W, H, C, n_nonlinear=2, constant_input=[1 + 2j])
    with pytest.raises(ValueError, match=r"W must hold real numbers \(complex, with imaginary parts up to 0.5"):
        RegimeDecomposer.from_parameters(A, W + 0.5j, H, n_nonlinear=2)
    np.testing.assert_array_equal(  # an eigen-decomposition's complex dtype with no imaginary part is its real part
        RegimeDecomposer.from_parameters(A + 0j, W, H, n_nonlinear=2).fixed_points_[0].point,
        RegimeDecomposer.from_parameters(A, W, H, n_nonlinear=2).fixed_points_[0].point,
    )
    dec = RegimeDecomposer.from_parameters(A, W, H, C, n_nonlinear=2)
    with pytest.raises(ValueError, match="X has 2 features, but RegimeDecomposer is expecting 1"):
        dec.transform(np.zeros((2, 3, 2)))
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        RegimeDecomposer(ALRNNRegressor(), prefit=True).fit(np.zeros((2, 3, 1)))


def test_from_parameters_then_fit_records_visited_regimes(hand_built):
    X = np.random.RandomState(2).normal(size=(20, 15, 1))
    hand_built.fit(X)
    codes = hand_built.transform(X)
    assert set(hand_built.regimes_) == set(np.unique(codes))
    assert hand_built.transition_matrix_.shape == (hand_built.n_regimes_,) * 2


def test_plots_render_to_png(tmp_path, memory_model_and_data):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sklearn_alrnn import plotting

    clf, X, _ = memory_model_and_data
    dec = RegimeDecomposer(clf, prefit=True).fit(X)
    paths = []
    for name, draw in [
        ("series", lambda: plotting.plot_regime_timeseries(clf.hidden_states(X[:1])[0, :, :2], dec.transform(X[:1])[0])),
        ("transitions", lambda: plotting.plot_transition_matrix(dec)),
        ("eigenvalues", lambda: plotting.plot_eigenvalues(dec)),
        ("sharing", lambda: plotting.plot_regime_sharing(dec.sharing(X, np.arange(len(X)) % 3), dec.n_nonlinear_)[0]),
    ]:
        ax = draw()
        path = tmp_path / f"{name}.png"
        ax.figure.savefig(path)
        plt.close(ax.figure)
        paths.append(path)
        image = plt.imread(path)
        assert image.shape[0] > 100 and image[..., :3].std() > 0.01, f"{name} is blank"


def test_many_nonlinear_units_analyse_the_visited_regimes_only():
    rng = np.random.RandomState(5)
    M = 18
    dec = RegimeDecomposer.from_parameters(
        rng.uniform(0.2, 0.8, M), 0.1 * rng.normal(size=(M, M)), rng.normal(size=M),
        rng.normal(size=(M, 2)), n_nonlinear=M,
    )
    assert dec.n_regimes_ == 0
    with pytest.raises(ValueError, match="enumeration stops at P=16"):
        dec.all_fixed_points()
    X = rng.normal(size=(10, 8, 2))
    dec.fit(X)
    assert dec.n_regimes_ == len(np.unique(dec.transform(X)[dec.transform(X) >= 0]))
    for fp in dec.fixed_points_:
        if fp.real:
            np.testing.assert_allclose(
                dec._parameters["a"] * fp.point
                + dec._parameters["W"] @ np.maximum(fp.point, 0) + dec._parameters["h"],
                fp.point, atol=1e-9,
            )


def test_large_networks_start_with_no_regimes_and_batches_give_each_regimes_own_analysis():
    rng = np.random.RandomState(7)
    # 2**14 regimes of 64 units: 0.5 GiB of Jacobians (2 GiB at P = 16) before; now none up front.
    M = 64
    big = RegimeDecomposer.from_parameters(
        rng.uniform(0.2, 0.8, M), 0.05 * rng.normal(size=(M, M)), rng.normal(size=M), n_nonlinear=14
    )
    assert big.n_regimes_ == 0
    trajectory, _ = iterate_map(big._parameters["a"], big._parameters["W"], big._parameters["h"],
                                rng.normal(size=M), 200, n_nonlinear=14)
    assert big.fit_states(trajectory).n_regimes_ >= 1
    # 1,024 regimes of 12 units are analysed up front, in batches, each as on its own; the
    # ReLU unit that feeds itself with weight 1 makes I - J singular where it is on.
    M, P = 12, 10
    a, W, h = rng.uniform(0.2, 0.8, M), 0.1 * rng.normal(size=(M, M)), rng.normal(size=M)
    a[-1], W[:, -1] = 0.0, 0.0
    W[-1, -1] = 1.0
    dec = RegimeDecomposer.from_parameters(a, W, h, n_nonlinear=P)
    assert list(dec.regimes_) == list(range(2**P))
    for code in (0, 1, 2, 513, 1022, 1023):
        J = np.diag(a) + W * np.r_[np.ones(M - P), [(code >> k) & 1 for k in range(P - 1, -1, -1)]]
        fp = dec.fixed_points_[code]
        np.testing.assert_array_equal(dec.linear_systems_[code].J, J)
        if code % 2:  # the self-feeding unit is on
            assert np.isnan(fp.point).all() and not fp.real
        else:
            np.testing.assert_allclose(fp.point, np.linalg.solve(np.eye(M) - J, h), rtol=1e-12)
            assert fp.real == bool(np.all((fp.point[M - P:] > 0) == [(code >> k) & 1 for k in range(P - 1, -1, -1)]))
        assert fp.stability == classify_stability(np.linalg.eigvals(J))
    assert [fp.code for fp in dec.all_fixed_points()] == list(range(2**P))


def test_the_regimes_share_one_read_only_input_matrix():
    # A token model's C embeds the whole vocabulary: a copy per regime took gigabytes.
    rng = np.random.RandomState(3)
    M, vocabulary = 8, 20_000
    C_wide = rng.normal(size=(M, vocabulary))
    dec = RegimeDecomposer.from_parameters(rng.uniform(0.2, 0.8, M), 0.1 * rng.normal(size=(M, M)),
                                           rng.normal(size=M), C_wide, n_nonlinear=6)
    first = dec.linear_systems_[0]
    assert all(s.input_matrix is first.input_matrix and s.bias is first.bias for s in dec.linear_systems_)
    np.testing.assert_array_equal(first.input_matrix, C_wide)
    with pytest.raises(ValueError, match="read-only"):
        first.input_matrix[0, 0] = 1.0
    C_wide[0, 0] = 99.0  # the caller's array stays the caller's
    assert first.input_matrix[0, 0] != 99.0


def test_summary_without_pandas_is_a_structured_array(hand_built, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    table = hand_built.summary()
    assert isinstance(table, np.ndarray) and table.dtype.names[:3] == ("code", "bits", "occupancy")
    assert table["code"].tolist() == [0, 1, 2, 3]
    assert table["bits"].tolist() == ["00", "01", "10", "11"]
    assert np.isnan(table["occupancy"]).all()  # no sequences seen yet
    np.testing.assert_allclose(table["spectral_radius"], hand_built.spectral_radius_)


def test_from_parameters_accepts_a_diagonal_matrix_and_column_bias():
    dec = RegimeDecomposer.from_parameters(np.diag(A), W, H[:, None], C, n_nonlinear=2)
    reference = RegimeDecomposer.from_parameters(A, W, H, C, n_nonlinear=2)
    for got, expected in zip(dec.fixed_points_, reference.fixed_points_):
        np.testing.assert_array_equal(got.point, expected.point)
    with pytest.raises(ValueError, match="off-diagonal entries"):
        RegimeDecomposer.from_parameters(np.ones((3, 3)), W, H, n_nonlinear=2)


def test_pipeline_estimator_applies_its_preprocessing(memory_model_and_data):
    from sklearn_alrnn import SequenceScaler

    _, X, y = memory_model_and_data
    pipe = make_pipeline(SequenceScaler(), ALRNNClassifier(n_hidden=6, n_nonlinear=2, max_iter=5, random_state=0))
    dec = RegimeDecomposer(pipe).fit(X * 10 + 3, y)
    network = dec.estimator_[-1]
    scaled = dec.estimator_[0].transform(X * 10 + 3)
    states = network.hidden_states(scaled)
    bits = (states[..., -2:] > 0).astype(int)
    np.testing.assert_array_equal(dec.transform(X * 10 + 3), bits[..., 0] * 2 + bits[..., 1])
    with pytest.raises(ValueError, match="analyses an ALRNNClassifier, ALRNNRegressor or ALRNNForecaster .*got LogisticRegression"):
        RegimeDecomposer(LogisticRegression()).fit(X[:, :, 0], y)
    search = GridSearchCV(ALRNNClassifier(n_hidden=6, max_iter=2, random_state=0), {"n_nonlinear": [1, 2]}, cv=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X, y)
    with pytest.raises(ValueError, match=r"got GridSearchCV \(a search: pass its best_estimator_\)"):
        RegimeDecomposer(search, prefit=True).fit(X)
    assert RegimeDecomposer(search.best_estimator_, prefit=True).fit(X).regimes_.size >= 1


def test_fit_states_records_an_autonomous_trajectory():
    dec = RegimeDecomposer.from_parameters(A, W, H, n_nonlinear=2)
    states, codes = iterate_map(A, W, H, np.array([1.0, -1.0, 2.0]), 300, n_nonlinear=2)
    dec.fit_states(states)
    values, counts = np.unique(codes, return_counts=True)
    assert set(dec.regimes_) == set(values)
    np.testing.assert_allclose(sorted(dec.occupancy_), sorted(counts / counts.sum()))
    np.testing.assert_allclose(dec.transition_matrix_.sum(axis=1), 1.0)
    with pytest.raises(ValueError, match=r"Expected states of shape \(n_timesteps, 3\)"):
        dec.fit_states(np.zeros((5, 4)))
    # An autonomous map reads no sequences: fit(X) and transform(X) say where its regimes come from
    # instead of counting features (it "expects 0", and an (n, T, 0) array "needs at least 1").
    for X in (np.zeros((2, 5, 3)), np.zeros((2, 5, 0))):
        for method in (dec.transform, dec.fit):
            with pytest.raises(ValueError, match=r"autonomous map .*fit_states\(states\)"):
                method(X)
    assert set(dec.regimes_) == set(values)  # the refused calls left the recorded regimes alone


def test_readers_of_a_fitted_model_use_the_fitted_number_of_nonlinear_units(memory_model_and_data):
    """The hyper-parameter may change after fitting; the decomposer and the profile's
    regime count read ``n_nonlinear_``."""
    import copy

    from sklearn_alrnn.nonlinearity import count_visited_regimes

    clf, X, _ = memory_model_and_data
    changed = copy.deepcopy(clf).set_params(n_nonlinear=0)
    dec = RegimeDecomposer(changed, prefit=True).fit(X)
    reference = RegimeDecomposer(clf, prefit=True).fit(X)
    assert dec.n_nonlinear_ == clf.n_nonlinear_ == 3
    np.testing.assert_array_equal(dec.regimes_, reference.regimes_)
    assert count_visited_regimes(changed, X) == reference.n_regimes_ > 1
    np.testing.assert_array_equal(changed.predict_proba(X), clf.predict_proba(X))


def test_sharing_measures_how_far_groups_use_the_same_regimes():
    # z_t = C s_t with the second unit a ReLU: its bit is the sign of the input, so a sequence of
    # positive inputs lives in regime 1, of negative inputs in regime 0.
    decomposer = RegimeDecomposer.from_parameters(
        np.zeros(2), np.zeros((2, 2)), np.zeros(2), np.array([[1.0], [1.0]]), n_nonlinear=1
    )
    # One more positive sequence than negative: regime 1 is the most occupied, so it comes first.
    positive, negative = np.ones((4, 4, 1)), -np.ones((3, 4, 1))
    mixed = np.tile(np.array([1.0, -1.0, 1.0, -1.0])[None, :, None], (2, 1, 1))
    X = np.concatenate([positive, negative, mixed])
    groups = ["up"] * 4 + ["down"] * 3 + ["both"] * 2
    result = decomposer.sharing(X, groups)
    assert result.groups.tolist() == ["both", "down", "up"] and result.regimes.tolist() == [1, 0]
    occupancy = dict(zip(result.groups, result.occupancy.tolist()))
    regime = {code: i for i, code in enumerate(result.regimes)}
    assert occupancy["up"][regime[1]] == 1.0 and occupancy["down"][regime[0]] == 1.0
    assert occupancy["both"] == [0.5, 0.5]
    np.testing.assert_allclose(result.overlap, [[1, 0.5, 0.5], [0.5, 1, 0], [0.5, 0, 1]])
    assert result.mean_overlap == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match=r"one label per sequence \(9\); got shape \(2,\)"):
        decomposer.sharing(X, ["a", "b"])
    # A missing group label was a group of its own ("nan"), or a TypeError in sorting None and words.
    for missing in (np.nan, None):
        with pytest.raises(ValueError, match=r"groups has no label \(NaN or None\) for sequence 5"):
            decomposer.sharing(X, np.array(groups[:5] + [missing] + groups[6:], dtype=object))
    with pytest.raises(ValueError, match="for sequence 0"):
        decomposer.sharing(X, np.r_[np.nan, np.ones(8)])


def test_sharing_counts_each_regime_in_its_own_column():
    # z_t = s_t through two ReLU units: the regime is the signs of the two inputs. The regimes, most
    # occupied first, are 2, 0, 1: an order that is no swap of the codes' own.
    decomposer = RegimeDecomposer.from_parameters(np.zeros(2), np.zeros((2, 2)), np.zeros(2), np.eye(2), n_nonlinear=2)
    step = {2: [1.0, -1.0], 0: [-1.0, -1.0], 1: [-1.0, 1.0]}
    sequences = [[2] * 6, [0] * 4 + [1] * 2, [2] * 3 + [0] + [1] * 2]
    X = np.array([[step[code] for code in codes] for codes in sequences])
    each = decomposer.sharing(X, ["s1", "s2", "s3"])  # a group per sequence
    assert each.regimes.tolist() == [2, 0, 1]
    np.testing.assert_allclose(each.occupancy, [[1, 0, 0], [0, 4 / 6, 2 / 6], [3 / 6, 1 / 6, 2 / 6]])
    np.testing.assert_allclose(np.diag(each.overlap), 1.0)
    fitted = RegimeDecomposer.from_parameters(np.zeros(2), np.zeros((2, 2)), np.zeros(2), np.eye(2), n_nonlinear=2,
                                              output="occupancy").fit(X)
    assert fitted.regimes_.tolist() == [2, 0, 1]
    np.testing.assert_allclose(fitted.transform(X), each.occupancy)
    # 2 -> 2 seven times and 2 -> 0 once; 0 -> 0 three times and 0 -> 1 twice; 1 -> 1 only.
    np.testing.assert_allclose(fitted.transition_matrix_, [[7 / 8, 1 / 8, 0], [0, 3 / 5, 2 / 5], [0, 0, 1]])


def test_fit_states_takes_trajectories_of_different_lengths_as_a_list():
    # A forecaster's hidden_states of several series is such a list; NumPy once refused it.
    rng = np.random.RandomState(0)
    first, second = rng.normal(size=(50, 3)), rng.normal(size=(20, 3))
    from_list = RegimeDecomposer.from_parameters(A, W, H, C, n_nonlinear=2).fit_states([first, second])
    padded = np.full((2, 50, 3), np.nan)
    padded[0], padded[1, :20] = first, second
    from_padding = RegimeDecomposer.from_parameters(A, W, H, C, n_nonlinear=2).fit_states(padded)
    np.testing.assert_array_equal(from_list.regimes_, from_padding.regimes_)
    np.testing.assert_allclose(from_list.occupancy_, from_padding.occupancy_)
    np.testing.assert_allclose(from_list.transition_matrix_, from_padding.transition_matrix_)
    assert from_list.occupancy_.sum() == pytest.approx(1.0)
    with pytest.raises(ValueError, match=r"a list of \(n_timesteps, 3\) trajectories; got \[\(50, 3\), \(20, 2\)\]"):
        from_list.fit_states([first, second[:, :2]])


def test_plots_name_what_they_were_given_instead_of_failing_inside_matplotlib(memory_model_and_data):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from sklearn.exceptions import NotFittedError

    from sklearn_alrnn import plotting

    clf, X, _ = memory_model_and_data
    with pytest.raises(ValueError, match=r"got series of shape \(20, 2\) and codes of shape \(10,\)"):
        plotting.plot_regime_timeseries(np.zeros((20, 2)), np.zeros(10, dtype=int))
    with pytest.raises(TypeError, match="plot_transition_matrix draws a fitted RegimeDecomposer; got ALRNNClassifier"):
        plotting.plot_transition_matrix(clf)
    with pytest.raises(NotFittedError):
        plotting.plot_eigenvalues(RegimeDecomposer(clf, prefit=True))
    with pytest.raises(TypeError, match="what RegimeDecomposer.sharing returns; got NoneType"):
        plotting.plot_regime_sharing(None, 2)
    # A decomposer of a large P starts with no regimes: nothing to draw, no columns to name yet.
    rng = np.random.RandomState(0)
    empty = RegimeDecomposer.from_parameters(rng.uniform(0.2, 0.8, 20), 0.1 * rng.normal(size=(20, 20)),
                                             rng.normal(size=20), n_nonlinear=18)
    with pytest.raises(ValueError, match=r"holds no regimes .* call fit\(X\) or fit_states"):
        plotting.plot_eigenvalues(empty)
    with pytest.raises(ValueError, match=r"a column per step of the sequences fit\(X\) read"):
        empty.get_feature_names_out()
    # Thousands of regimes are drawn without a legend of thousands.
    many = RegimeDecomposer.from_parameters(rng.uniform(0.2, 0.8, 12), 0.1 * rng.normal(size=(12, 12)),
                                            rng.normal(size=12), n_nonlinear=10)
    assert plotting.plot_eigenvalues(many).get_legend() is None
    assert plotting.plot_eigenvalues(RegimeDecomposer(clf, prefit=True).fit(X)).get_legend() is not None
    import matplotlib.pyplot as plt

    plt.close("all")


def test_states_that_leave_the_floating_point_range_have_no_regime_and_are_warned_of(memory_model_and_data):
    # A self-weight of 1e300 sends the first unit past the range within a few steps (before: a bare
    # KeyError from the transition count, which met the code -1 inside a sequence).
    import copy

    clf, X, _ = memory_model_and_data
    grown = copy.deepcopy(clf)
    grown.W_ = clf.W_.copy()
    grown.W_[0, 0] = 1e300
    with pytest.warns(RuntimeWarning, match=r"sequences \(the first: sequence 0, from step \d+\) left the floating-point"):
        decomposer = RegimeDecomposer(grown, prefit=True).fit(X)
    with pytest.warns(RuntimeWarning, match="left the floating-point range"):
        codes = decomposer.transform(X)
    assert (codes == -1).any() and set(np.unique(codes[codes >= 0])) == set(decomposer.regimes_)
    np.testing.assert_allclose(decomposer.transition_matrix_.sum(axis=1), 1.0)
    np.testing.assert_allclose(decomposer.occupancy_.sum(), 1.0)


def test_many_regimes_give_the_same_transitions_as_a_sparse_array(memory_model_and_data, monkeypatch):
    """Above the dense limit the transition matrix is a CSR array holding the dense one's entries;
    the heatmap refuses it by name instead of drawing thousands of rows."""
    from scipy import sparse

    from sklearn_alrnn import _regime_counts
    from sklearn_alrnn.plotting import plot_transition_matrix

    clf, X, _ = memory_model_and_data
    dense = RegimeDecomposer(clf, prefit=True).fit(X)
    monkeypatch.setattr(_regime_counts, "MAX_DENSE_TRANSITION_REGIMES", 1)
    sparse_fit = RegimeDecomposer(clf, prefit=True).fit(X)
    assert dense.n_regimes_ > 1 and isinstance(dense.transition_matrix_, np.ndarray)
    assert isinstance(sparse_fit.transition_matrix_, sparse.csr_array)
    np.testing.assert_array_equal(sparse_fit.transition_matrix_.toarray(), dense.transition_matrix_)
    pytest.importorskip("matplotlib")
    with pytest.raises(ValueError, match=f"visited {dense.n_regimes_} regimes, too many for one heatmap"):
        plot_transition_matrix(sparse_fit)


def test_linear_systems_are_a_sequence_read_like_a_list(hand_built):
    systems = hand_built.linear_systems_
    assert len(systems) == hand_built.n_regimes_
    as_list = list(systems)
    assert [s.code for s in as_list] == list(hand_built.regimes_)
    assert systems[-1].code == as_list[-1].code and [s.code for s in systems[1:]] == [s.code for s in as_list[1:]]
    np.testing.assert_array_equal(systems[-1].J, as_list[-1].J)
    with pytest.raises(IndexError):
        systems[len(systems)]
