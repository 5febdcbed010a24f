"""``n_members``: networks trained from their own seeds, joined into one block-diagonal AL-RNN or
distilled into one network of the size asked for."""

import numpy as np
import pytest
from scipy.special import softmax

from sklearn_alrnn import ALRNNClassifier, ALRNNRegressor, RegimeDecomposer, load
from sklearn_alrnn._initialisations import members_for
from sklearn_alrnn._kernels.reference import ReferenceEngine
from sklearn_alrnn._model import initialize_parameters, join_networks, relu_units

from .conftest import make_linear_recurrence, make_sign_memory

SETTINGS = dict(n_hidden=6, n_nonlinear=2, max_iter=8, n_members=1)
JOINED = dict(SETTINGS, n_members=3, combine_members="join")  # three members side by side


def _member_seeds(random_state, n_members):
    return np.random.RandomState(random_state).randint(np.iinfo(np.int32).max, size=n_members)


@pytest.fixture(scope="module")
def classification_data():
    X, y = make_sign_memory(40, n_timesteps=12)
    return X, y + (X[:, -1, 0] > 1)  # three classes


@pytest.fixture(scope="module")
def joined_classifier(classification_data):
    return ALRNNClassifier(random_state=0, **JOINED).fit(*classification_data)


@pytest.mark.parametrize("readout", ["max", "mean+max", "last"])
def test_the_joined_classifier_predicts_the_softmax_of_the_members_mean_logits(classification_data, readout):
    X, y = classification_data
    joined = ALRNNClassifier(random_state=0, readout=readout, **JOINED).fit(X, y)
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
    joined = ALRNNRegressor(random_state=3, **dict(JOINED, n_members=2)).fit(X, Y)
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
    threaded = ALRNNClassifier(random_state=0, n_jobs=2, **JOINED).fit(X, y)
    np.testing.assert_array_equal(threaded.W_, joined_classifier.W_)
    joined_classifier.save(tmp_path / "joined.npz")
    restored = load(tmp_path / "joined.npz")
    assert restored.n_members_ == 3 and restored.n_nonlinear_ == 6
    np.testing.assert_array_equal(restored.predict_proba(X), joined_classifier.predict_proba(X))
    decomposer = RegimeDecomposer(restored, prefit=True).fit(X)
    assert decomposer.n_regimes_ <= 2**6


def test_warm_start_continues_the_joined_network_and_partial_fit_trains_one(classification_data, joined_classifier):
    X, y = classification_data
    continued = ALRNNClassifier(random_state=0, **JOINED).fit(X, y)
    continued.set_params(warm_start=True, max_iter=2).fit(X, y)
    assert continued.a_.shape == (18,) and continued.n_iter_ > 0
    assert not np.array_equal(continued.W_, joined_classifier.W_)
    continued.partial_fit(X, y)  # the joined network, with a fresh optimiser
    assert continued.a_.shape == (18,)
    single = ALRNNClassifier(random_state=0, **JOINED).partial_fit(X, y, classes=np.unique(y))
    assert single.a_.shape == (6,) and single.n_members_ == 1


@pytest.mark.parametrize(
    "shape, joined, distilled",
    [((40, 12), 5, 5), ((36, 251), 5, 5), ((60, 1000), 2, 1), ((40, 1000), 3, 2), ((100, 1460), 1, 1), ((5000, 200), 1, 1)],
)
def test_auto_members_fit_a_budget_of_sequence_steps(shape, joined, distilled):
    """The budget counts every network trained: a distilled model's student too."""
    assert members_for("auto", np.zeros(shape + (1,))) == joined
    assert members_for("auto", [np.zeros((shape[1], 1))] * shape[0]) == joined
    assert members_for("auto", np.zeros(shape + (1,)), "distil") == distilled
    assert members_for(3, np.zeros(shape + (1,)), "distil") == 3
    assert members_for("auto", np.zeros(shape + (1,)), "distil", n_init=2) == 1  # the best of n_init instead


def test_the_distilled_classifier_is_one_network_trained_on_the_joined_members(classification_data):
    X, y = classification_data
    distilled = ALRNNClassifier(random_state=0, **dict(SETTINGS, n_members=3)).fit(X, y)
    assert distilled.a_.shape == (6,) and distilled.n_nonlinear_ == 2
    assert distilled.n_members_ == 1 and distilled.n_teachers_ == 3
    joined = ALRNNClassifier(random_state=0, **JOINED).fit(X, y)
    np.testing.assert_array_equal(distilled.member_losses_, joined.member_losses_)
    # the student: one more seed, trained on the joined network's outputs
    student = ALRNNClassifier(random_state=int(_member_seeds(0, 4)[3]), **SETTINGS)._fit(X, y, teacher=joined)
    np.testing.assert_array_equal(distilled.W_, student.W_)
    threaded = ALRNNClassifier(random_state=0, n_jobs=2, **dict(SETTINGS, n_members=3)).fit(X, y)
    np.testing.assert_array_equal(threaded.W_, distilled.W_)


def test_a_distilled_model_saves_and_warm_starts_as_one_network(classification_data, tmp_path):
    X, y = classification_data
    distilled = ALRNNClassifier(random_state=1, **dict(SETTINGS, n_members=2)).fit(X, y)
    distilled.save(tmp_path / "distilled.npz")
    restored = load(tmp_path / "distilled.npz")
    assert restored.n_teachers_ == 2 and restored.n_members_ == 1
    np.testing.assert_array_equal(restored.predict_proba(X), distilled.predict_proba(X))
    W = distilled.W_.copy()
    distilled.set_params(warm_start=True, max_iter=2).fit(X, y)
    assert distilled.a_.shape == (6,) and not np.array_equal(distilled.W_, W)


def test_distillation_targets_are_the_softened_logits_and_the_regressor_s_scaled_predictions():
    classifier = ALRNNClassifier()
    logits = np.array([[0.0, 3.0], [6.0, 0.0]])
    np.testing.assert_allclose(
        classifier._distillation_targets(logits, np.eye(2), np.array([5, 5]), per_step=False),
        softmax(logits / 3.0, axis=1),
    )
    per_step = np.ones((2, 3, 2))
    Y = np.zeros((2, 3, 2))
    soft = classifier._distillation_targets(per_step, Y, np.array([3, 1]), per_step=True)
    np.testing.assert_array_equal(soft[1, 1:], 0)  # no target beyond a sequence's end
    np.testing.assert_allclose(soft[0], 0.5)
    regressor = ALRNNRegressor()
    regressor._target_mean, regressor._target_scale = np.array([10.0]), np.array([2.0])
    Y = np.array([[[1.0], [np.nan], [0.0]]])  # in training units; NaN: no target at that step
    targets = regressor._distillation_targets(np.array([[[14.0], [12.0], [8.0]]]), Y, np.array([3]), per_step=True)
    np.testing.assert_array_equal(targets, [[[2.0], [np.nan], [-1.0]]])


class _FlippingTeacher:
    """A teacher whose logits say the opposite of the labels."""

    def __init__(self, y):
        self.logits = np.where(np.asarray(y)[:, None] == np.array([0, 1]), -5.0, 5.0)

    def _output(self, X):
        return self.logits, None


def test_the_student_learns_the_teacher_while_early_stopping_scores_the_labels():
    X, y = make_sign_memory(120, n_timesteps=10)
    student = ALRNNClassifier(
        n_hidden=8, n_nonlinear=2, max_iter=60, early_stopping=True, n_iter_no_change=60, n_members=1, random_state=0
    )._fit(X, y, teacher=_FlippingTeacher(y))
    assert np.mean(student.predict(X) != y) > 0.75  # it learned the teacher's answers ...
    assert max(student.validation_scores_) < 0.4  # ... and was scored against y


def test_per_step_targets_and_token_input_join_too():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 10, 2))
    Y = np.cumsum(X[..., :1], axis=1)  # a target at every step
    joined = ALRNNRegressor(n_hidden=5, n_members=2, max_iter=5, random_state=0, combine_members="join").fit(X, Y)
    members = [ALRNNRegressor(n_hidden=5, max_iter=5, random_state=int(s)).fit(X, Y) for s in _member_seeds(0, 2)]
    np.testing.assert_allclose(joined.predict(X), np.mean([m.predict(X) for m in members], axis=0), atol=1e-12)
    tokens = [rng.randint(0, 7, size=rng.randint(3, 9)) for _ in range(30)]
    labels = np.array([int(3 in sequence) for sequence in tokens])
    settings = dict(n_hidden=5, max_iter=5, input_type="tokens", n_members=1)
    joined = ALRNNClassifier(random_state=0, **dict(settings, n_members=2, combine_members="join")).fit(tokens, labels)
    members = [ALRNNClassifier(random_state=int(s), **settings).fit(tokens, labels) for s in _member_seeds(0, 2)]
    expected = softmax(np.mean([np.log(m.predict_proba(tokens)) for m in members], axis=0), axis=1)
    assert joined.C_.shape == (10, 7)
    np.testing.assert_allclose(joined.predict_proba(tokens), expected, atol=1e-12)
