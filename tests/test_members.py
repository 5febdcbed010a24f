"""``n_members``: networks trained from their own seeds, joined into one block-diagonal AL-RNN."""

import numpy as np
import pytest
from scipy.special import softmax
from sklearn.exceptions import ConvergenceWarning

from sklearn_alrnn import ALRNNClassifier, ALRNNRegressor, RegimeDecomposer, load
from sklearn_alrnn._initialisations import members_for
from sklearn_alrnn._kernels.reference import ReferenceEngine
from sklearn_alrnn._model import initialize_parameters, join_networks, relu_units

from .conftest import make_linear_recurrence, make_sign_memory

SETTINGS = dict(n_hidden=6, n_nonlinear=2, max_iter=8)


def _member_seeds(random_state, n_members):
    return np.random.RandomState(random_state).randint(np.iinfo(np.int32).max, size=n_members)


@pytest.fixture(scope="module")
def classification_data():
    X, y = make_sign_memory(40, n_timesteps=12)
    return X, y + (X[:, -1, 0] > 1)  # three classes


@pytest.fixture(scope="module")
def joined_classifier(classification_data):
    return ALRNNClassifier(n_members=3, random_state=0, **SETTINGS).fit(*classification_data)


@pytest.mark.parametrize("readout", ["max", "mean+max", "positive_mean+max", "last"])
def test_the_joined_classifier_predicts_the_softmax_of_the_members_mean_logits(classification_data, readout):
    X, y = classification_data
    joined = ALRNNClassifier(n_members=3, random_state=0, readout=readout, **SETTINGS).fit(X, y)
    members = [
        ALRNNClassifier(random_state=int(seed), readout=readout, **SETTINGS).fit(X, y) for seed in _member_seeds(0, 3)
    ]
    # log p_i = logits_i - logsumexp_i: the per-row constants cancel in the softmax
    expected = softmax(np.mean([np.log(member.predict_proba(X)) for member in members], axis=0), axis=1)
    np.testing.assert_allclose(joined.predict_proba(X), expected, atol=1e-12)
    np.testing.assert_allclose(joined.member_losses_, [member.loss_curve_[-1] for member in members])


def test_the_joined_regressor_predicts_the_members_mean_in_the_user_s_units():
    X, Y = make_linear_recurrence(40, n_timesteps=10)
    Y = 100.0 + 10.0 * Y  # the targets are standardised inside each member
    joined = ALRNNRegressor(n_members=2, random_state=3, **SETTINGS).fit(X, Y)
    members = [ALRNNRegressor(random_state=int(seed), **SETTINGS).fit(X, Y) for seed in _member_seeds(3, 2)]
    np.testing.assert_allclose(joined.predict(X), np.mean([m.predict(X) for m in members], axis=0), rtol=1e-12)


def test_each_member_is_a_block_of_the_joined_network(classification_data, joined_classifier):
    X, y = classification_data
    members = [ALRNNClassifier(random_state=int(seed), **SETTINGS).fit(X, y) for seed in _member_seeds(0, 3)]
    M, P, k = 6, 2, 3
    assert joined_classifier.a_.shape == (k * M,) and joined_classifier.n_nonlinear_ == k * P
    assert joined_classifier.n_members_ == k
    Z = joined_classifier.hidden_states(X)
    for i, member in enumerate(members):
        # member i's linear units sit i-th among the linear ones, its ReLU units i-th among the last k P
        rows = np.r_[i * (M - P) : (i + 1) * (M - P), k * (M - P) + i * P : k * (M - P) + (i + 1) * P]
        np.testing.assert_allclose(Z[..., rows], member.hidden_states(X), atol=1e-12)
        others = np.setdiff1d(np.arange(k * M), rows)
        assert not joined_classifier.W_[np.ix_(rows, others)].any()
    assert relu_units(k * M, k * P) == slice(k * (M - P), k * M)


def test_join_networks_is_exact_for_every_unit_order():
    """A direct check on random networks: the joined recurrence is the members' side by side."""
    rng = np.random.RandomState(0)
    members = [initialize_parameters(5, 3, 2, rng, n_readout_features=10) for _ in range(4)]
    for params in members:
        params["W"] = 0.3 * rng.standard_normal((5, 5))
        params["h"] = rng.standard_normal(5)
    joined = join_networks(members, n_nonlinear=3)
    X = rng.normal(size=(7, 9, 3))
    lengths = np.full(7, 9)
    engine, joined_engine = ReferenceEngine(5, 3), ReferenceEngine(20, 12)
    final = [engine.final_states(p["a"], p["W"], p["h"], p["C"], X, lengths) for p in members]
    joined_final = joined_engine.final_states(joined["a"], joined["W"], joined["h"], joined["C"], X, lengths)
    for i, member_final in enumerate(final):  # 2 linear units each, then the 4 x 3 ReLU units
        np.testing.assert_allclose(joined_final[:, np.r_[2 * i : 2 * i + 2, 8 + 3 * i : 11 + 3 * i]], member_final)
    # "mean+max" readout columns: the groups of M columns stay groups of k M
    pooled = [np.hstack([z, 2 * z]) for z in final]
    joined_pooled = np.hstack([joined_final, 2 * joined_final])
    expected = np.mean([p @ params["B"].T + params["b"] for p, params in zip(pooled, members)], axis=0)
    np.testing.assert_allclose(joined_pooled @ joined["B"].T + joined["b"], expected, atol=1e-12)


def test_members_do_not_depend_on_n_jobs_and_files_keep_them(classification_data, joined_classifier, tmp_path):
    X, y = classification_data
    threaded = ALRNNClassifier(n_members=3, random_state=0, n_jobs=2, **SETTINGS).fit(X, y)
    np.testing.assert_array_equal(threaded.W_, joined_classifier.W_)
    joined_classifier.save(tmp_path / "joined.npz")
    restored = load(tmp_path / "joined.npz")
    assert restored.n_members_ == 3 and restored.n_nonlinear_ == 6
    np.testing.assert_array_equal(restored.predict_proba(X), joined_classifier.predict_proba(X))
    decomposer = RegimeDecomposer(restored, prefit=True).fit(X)
    assert decomposer.n_regimes_ <= 2**6


def test_warm_start_continues_the_joined_network_and_partial_fit_trains_one(classification_data, joined_classifier):
    X, y = classification_data
    continued = ALRNNClassifier(n_members=3, random_state=0, **SETTINGS).fit(X, y)
    continued.set_params(warm_start=True, max_iter=2).fit(X, y)
    assert continued.a_.shape == (18,) and continued.n_iter_ > 0
    assert not np.array_equal(continued.W_, joined_classifier.W_)
    continued.partial_fit(X, y)  # the joined network, with a fresh optimiser
    assert continued.a_.shape == (18,)
    single = ALRNNClassifier(n_members=3, random_state=0, **SETTINGS).partial_fit(X, y, classes=np.unique(y))
    assert single.a_.shape == (6,) and single.n_members_ == 1
    # Another number of members is another architecture: warm_start used to go on with the fitted one.
    with pytest.raises(ValueError, match=r"fitted with \(units, .*\)=\(18, 6, .*ask for \(12, 4, "):
        continued.set_params(n_members=2).fit(X, y)
    with pytest.raises(ValueError, match=r"fitted with \(units, .*\)=\(6, 2, .*ask for \(18, 6, "):
        single.set_params(warm_start=True).fit(X, y)
    single.partial_fit(X, y)  # partial_fit goes on with the one network


@pytest.mark.parametrize(
    "shape, expected", [((40, 12), 5), ((36, 251), 5), ((60, 1000), 2), ((100, 1460), 1), ((5000, 200), 1)]
)
def test_auto_members_fit_a_budget_of_sequence_steps(shape, expected):
    assert members_for("auto", np.zeros(shape + (1,))) == expected
    assert members_for("auto", [np.zeros((shape[1], 1))] * shape[0]) == expected
    assert members_for(3, np.zeros(shape + (1,))) == 3


def test_per_step_targets_and_token_input_join_too():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 10, 2))
    Y = np.cumsum(X[..., :1], axis=1)  # a target at every step
    joined = ALRNNRegressor(n_hidden=5, n_members=2, max_iter=5, random_state=0).fit(X, Y)
    members = [ALRNNRegressor(n_hidden=5, max_iter=5, random_state=int(s)).fit(X, Y) for s in _member_seeds(0, 2)]
    np.testing.assert_allclose(joined.predict(X), np.mean([m.predict(X) for m in members], axis=0), atol=1e-12)
    tokens = [rng.randint(0, 7, size=rng.randint(3, 9)) for _ in range(30)]
    labels = np.array([int(3 in sequence) for sequence in tokens])
    settings = dict(n_hidden=5, max_iter=5, input_type="tokens")
    joined = ALRNNClassifier(n_members=2, random_state=0, **settings).fit(tokens, labels)
    members = [ALRNNClassifier(random_state=int(s), **settings).fit(tokens, labels) for s in _member_seeds(0, 2)]
    expected = softmax(np.mean([np.log(m.predict_proba(tokens)) for m in members], axis=0), axis=1)
    assert joined.C_.shape == (10, 7)
    np.testing.assert_allclose(joined.predict_proba(tokens), expected, atol=1e-12)


@pytest.mark.parametrize("settings", [dict(n_members=3), dict(n_init=3)])
def test_the_fits_warnings_come_once_not_once_per_fit(classification_data, settings):
    X, y = classification_data
    with pytest.warns(ConvergenceWarning) as record:
        ALRNNClassifier(random_state=0, **dict(SETTINGS, max_iter=2, **settings)).fit(X, y)
    assert sum(issubclass(w.category, ConvergenceWarning) for w in record) == 1
