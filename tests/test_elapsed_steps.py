"""``elapsed_steps``: the network reads the standardised step index as a last input column."""

import pickle

import numpy as np
import pytest

from sklearn_alrnn import ALRNNClassifier, ALRNNRegressor, RegimeDecomposer, load
from sklearn_alrnn._kernels.cpu import CPUEngine
from sklearn_alrnn._input_features import elapsed_steps_moments


@pytest.fixture(scope="module")
def ragged_data():
    rng = np.random.RandomState(0)
    X = [rng.normal(size=(n, 2)) * [1.0, 5.0] for n in (9, 4, 1, 7, 12, 6) * 5]
    y = np.array([int(x[:, 0].max() > 1.0) for x in X])
    return X, y


@pytest.fixture(scope="module")
def fitted(ragged_data):
    X, y = ragged_data
    return ALRNNClassifier(n_hidden=6, n_nonlinear=2, max_iter=5, random_state=0).fit(X, y)


def test_the_moments_are_those_of_the_valid_steps_weighted_like_their_sequences():
    lengths = np.array([3, 1, 2])  # step indices 0 1 2 | 0 | 0 1
    steps = [0, 1, 2, 0, 0, 1]
    np.testing.assert_allclose(elapsed_steps_moments(lengths, 4), [np.mean(steps), np.std(steps)])
    weights = np.array([2.0, 0.0, 1.0])  # as if the first sequence were there twice, the second not
    steps = [0, 1, 2, 0, 1, 2, 0, 1]
    np.testing.assert_allclose(elapsed_steps_moments(lengths, 4, weights), [np.mean(steps), np.std(steps)])


def test_the_network_reads_the_features_then_the_standardised_step_index(ragged_data, fitted):
    X, _ = ragged_data
    lengths = np.array([len(x) for x in X])
    steps = np.concatenate([np.arange(n) for n in lengths])
    np.testing.assert_allclose(fitted.elapsed_steps_moments_, [steps.mean(), steps.std()])
    assert fitted.n_features_in_ == 2 and fitted.C_.shape == (6, 3) and fitted.input_difference_scale_ is None
    augmented = np.zeros((len(X), lengths.max(), 3))
    for i, x in enumerate(X):
        augmented[i, : len(x), :2] = x
        augmented[i, : len(x), 2] = (np.arange(len(x)) - steps.mean()) / steps.std()
    expected = CPUEngine(6, 2).hidden_states(fitted.a_, fitted.W_, fitted.h_, fitted.C_, augmented, lengths)
    np.testing.assert_allclose(fitted.hidden_states(X), expected, rtol=1e-12, atol=1e-12)


def test_auto_reads_them_for_sequence_to_one_labels_of_sequences_of_different_lengths(ragged_data):
    X, y = ragged_data
    settings = dict(n_hidden=4, max_iter=1, random_state=0)
    equal = np.stack([np.resize(x, (5, 2)) for x in X])
    assert ALRNNClassifier(**settings).fit(equal, y).elapsed_steps_moments_ is None
    assert ALRNNClassifier(elapsed_steps=True, **settings).fit(equal, y).C_.shape == (4, 3)
    assert ALRNNClassifier(elapsed_steps=False, **settings).fit(X, y).C_.shape == (4, 2)
    per_step_labels = [np.full(len(x), label) for x, label in zip(X, y)]
    assert ALRNNClassifier(per_step=True, **settings).fit(X, per_step_labels).elapsed_steps_moments_ is None
    tokens = [np.arange(len(x)) % 3 for x in X]
    assert ALRNNClassifier(input_type="tokens", **settings).fit(tokens, y).elapsed_steps_moments_ is None
    assert ALRNNRegressor(**settings).fit(X, y.astype(float)).elapsed_steps_moments_ is None
    assert ALRNNRegressor(elapsed_steps=True, **settings).fit(X, y.astype(float)).C_.shape == (4, 5)  # + differences


def test_save_load_and_pickle_keep_them(ragged_data, fitted, tmp_path):
    X, _ = ragged_data
    path = tmp_path / "clock.alrnn.npz"
    fitted.save(path)
    for copy in (load(path), pickle.loads(pickle.dumps(fitted))):
        np.testing.assert_array_equal(copy.elapsed_steps_moments_, fitted.elapsed_steps_moments_)
        np.testing.assert_array_equal(copy.predict_proba(X), fitted.predict_proba(X))


def test_a_file_from_before_elapsed_steps_reads_the_features_alone(fitted):
    state, arrays = fitted._portable_state()
    del state["elapsed_steps_moments"]
    restored = ALRNNClassifier(n_hidden=6, n_nonlinear=2)
    restored._restore_portable_state(state, dict(arrays, C_=arrays["C_"][:, :2]))
    assert restored.elapsed_steps_moments_ is None and restored.elapsed_steps is False


@pytest.mark.parametrize("moments, message", [([4.0, 0.0], "standard deviation > 0"), ([4.0], "2 finite numbers"),
                                              ([4.0, float("nan")], "2 finite numbers")])
def test_corrupt_moments_in_a_file_are_refused(fitted, moments, message):
    state, arrays = fitted._portable_state()
    state["elapsed_steps_moments"] = moments
    with pytest.raises(ValueError, match=message):
        ALRNNClassifier(n_hidden=6, n_nonlinear=2)._restore_portable_state(state, arrays)


def test_a_model_file_without_their_input_column_is_refused(fitted):
    state, arrays = fitted._portable_state()
    with pytest.raises(ValueError, match="elapsed steps read"):
        ALRNNClassifier(n_hidden=6, n_nonlinear=2)._restore_portable_state(state, dict(arrays, C_=arrays["C_"][:, :2]))


def test_a_warm_start_cannot_switch_them(ragged_data):
    X, y = ragged_data
    model = ALRNNClassifier(n_hidden=4, max_iter=2, warm_start=True, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="elapsed_steps"):
        model.set_params(elapsed_steps=False).fit(X, y)
    model.set_params(elapsed_steps="auto").fit(X, y)  # "auto" keeps what the first fit chose
    assert model.C_.shape == (4, 3)


def test_fixed_points_hold_the_clock_at_the_first_step(ragged_data, fitted):
    X, _ = ragged_data
    decomposer = RegimeDecomposer(fitted, prefit=True, constant_input=[0.5, -1.0]).fit(X)
    mean, std = fitted.elapsed_steps_moments_
    np.testing.assert_allclose(decomposer._model_input([0.5, -1.0]), [0.5, -1.0, -mean / std])
    with pytest.raises(ValueError, match="3 inputs"):
        RegimeDecomposer(fitted, prefit=True, constant_input=[0.5]).fit(X)
