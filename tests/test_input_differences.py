"""``input_differences``: the network reads each feature and its scaled first difference."""

import pickle

import numpy as np
import pytest

from sklearn_alrnn import ALRNNClassifier, ALRNNRegressor, RegimeDecomposer, load
from sklearn_alrnn._kernels.cpu import CPUEngine
from sklearn_alrnn._model import regime_codes
from sklearn_alrnn._input_features import difference_scale, step_differences


@pytest.fixture(scope="module")
def ragged_data():
    rng = np.random.RandomState(0)
    X = [np.cumsum(rng.normal(size=(n, 2)), axis=0) * [1.0, 10.0] for n in (9, 4, 1, 7, 12, 6) * 5]
    y = np.array([int(x[-1, 0] > x[0, 0]) for x in X])
    return X, y


@pytest.fixture(scope="module")
def fitted(ragged_data):
    X, y = ragged_data
    return ALRNNClassifier(
        n_hidden=6, n_nonlinear=2, max_iter=5, input_differences=True, elapsed_steps=False, random_state=0
    ).fit(X, y)


def test_differences_are_taken_within_each_sequence_only():
    X = np.array([[[1.0], [4.0], [9.0], [0.0]], [[2.0], [3.0], [0.0], [0.0]]])
    lengths = np.array([3, 2])
    np.testing.assert_array_equal(step_differences(X, lengths)[..., 0], [[0, 3, 5, 0], [0, 1, 0, 0]])
    # the differences that exist: 3, 5, 1 (no first step, no padding)
    np.testing.assert_allclose(difference_scale(X, lengths), [np.std([3.0, 5.0, 1.0])])


def test_the_network_reads_the_features_then_their_scaled_differences(ragged_data, fitted):
    X, _ = ragged_data
    assert fitted.n_features_in_ == 2 and fitted.C_.shape == (6, 4)
    steps = np.concatenate([np.diff(x, axis=0) for x in X if len(x) > 1])
    np.testing.assert_allclose(fitted.input_difference_scale_, steps.std(axis=0))
    T = max(len(x) for x in X)
    augmented = np.zeros((len(X), T, 4))
    for i, x in enumerate(X):
        augmented[i, : len(x), :2] = x
        augmented[i, 1 : len(x), 2:] = np.diff(x, axis=0) / fitted.input_difference_scale_
    lengths = np.array([len(x) for x in X])
    expected = CPUEngine(6, 2).hidden_states(fitted.a_, fitted.W_, fitted.h_, fitted.C_, augmented, lengths)
    np.testing.assert_allclose(fitted.hidden_states(X), expected, rtol=1e-12, atol=1e-12)
    codes = RegimeDecomposer(fitted, prefit=True, output="codes").fit(X).transform(X)
    valid = codes >= 0
    np.testing.assert_array_equal(codes[valid], regime_codes(expected, 2)[valid])


def test_the_regressor_reads_differences_by_default_and_can_read_the_features_alone(ragged_data):
    X, y = ragged_data
    model = ALRNNRegressor(n_hidden=4, max_iter=2, random_state=0).fit(X, y.astype(float))
    assert model.input_difference_scale_ is not None and model.C_.shape == (4, 4)
    model = ALRNNRegressor(n_hidden=4, max_iter=2, input_differences=False, random_state=0).fit(X, y.astype(float))
    assert model.input_difference_scale_ is None and model.C_.shape == (4, 2)


def test_sample_weights_weigh_the_difference_scale_like_repeated_sequences(ragged_data):
    X, y = ragged_data
    weights = 1.0 + np.arange(len(X)) % 3
    repeated = [x for x, w in zip(X, weights) for _ in range(int(w))]
    settings = dict(n_hidden=4, max_iter=1, input_differences=True, random_state=0)
    weighted = ALRNNClassifier(**settings).fit(X, y, sample_weight=weights)
    duplicated = ALRNNClassifier(**settings).fit(repeated, np.repeat(y, weights.astype(int)))
    np.testing.assert_allclose(weighted.input_difference_scale_, duplicated.input_difference_scale_, rtol=1e-12)


def test_token_input_has_no_differences():
    X = [np.array([1, 2, 3]), np.array([0, 4]), np.array([2])] * 4
    model = ALRNNClassifier(
        n_hidden=4, max_iter=2, input_type="tokens", input_differences=True, random_state=0
    ).fit(X, [0, 1, 0] * 4)
    assert model.input_difference_scale_ is None and model.C_.shape == (4, 5)


def test_save_load_and_pickle_keep_the_differences(ragged_data, fitted, tmp_path):
    X, _ = ragged_data
    fitted.save(tmp_path / "model.alrnn")
    for restored in (load(tmp_path / "model.alrnn"), pickle.loads(pickle.dumps(fitted))):
        np.testing.assert_array_equal(restored.input_difference_scale_, fitted.input_difference_scale_)
        np.testing.assert_allclose(restored.predict_proba(X), fitted.predict_proba(X), rtol=1e-12)


@pytest.mark.parametrize("scale, message", [
    ([1.0], "input_difference_scale must be 2 finite numbers"),
    ([1.0, -2.0], "input_difference_scale must be 2 finite numbers"),
    ("wide", "input_difference_scale must be 2 finite numbers"),
    (["a", "b"], "input_difference_scale must be 2 finite numbers"),
    (None, r"C_ has shape \(6, 4\), expected \(6, 2\)"),
])
def test_a_saved_scale_that_contradicts_the_model_is_refused(fitted, scale, message):
    fitted_state, arrays = fitted._portable_state()
    fitted_state["input_difference_scale"] = scale
    restored = ALRNNClassifier(n_hidden=6, n_nonlinear=2)
    with pytest.raises(ValueError, match=message):
        restored._restore_portable_state(fitted_state, arrays)


def test_a_file_from_before_input_differences_reads_the_features_alone(fitted):
    fitted_state, arrays = fitted._portable_state()
    del fitted_state["input_difference_scale"]
    arrays = dict(arrays, C_=arrays["C_"][:, :2])
    restored = ALRNNClassifier(n_hidden=6, n_nonlinear=2)
    restored._restore_portable_state(fitted_state, arrays)
    assert restored.input_difference_scale_ is None and restored.input_differences is False


def test_a_warm_start_cannot_switch_the_differences(ragged_data):
    X, y = ragged_data
    model = ALRNNClassifier(
        n_hidden=4, max_iter=2, warm_start=True, input_differences=True, elapsed_steps=False, random_state=0
    )
    model.fit(X, y)
    with pytest.raises(ValueError, match="input_differences"):
        model.set_params(input_differences=False).fit(X, y)
    model.set_params(input_differences="auto").fit(X, y)  # "auto" keeps what the first fit chose
    assert model.C_.shape == (4, 4)


@pytest.mark.parametrize("length, reads_differences", [(199, False), (200, True)])
def test_auto_reads_differences_from_a_mean_length_of_200_steps(length, reads_differences):
    rng = np.random.RandomState(0)
    X = [rng.normal(size=(length + d, 1)) for d in (-50, 50, -1, 1)]  # mean length = length
    model = ALRNNClassifier(n_hidden=3, max_iter=1, elapsed_steps=False, random_state=0).fit(X, [0, 1, 0, 1])
    assert model.input_differences == "auto"
    assert (model.input_difference_scale_ is not None) == reads_differences
    assert model.C_.shape == (3, 2 if reads_differences else 1)


def test_a_constant_input_has_zero_differences_in_the_regime_analysis(ragged_data, fitted):
    X, _ = ragged_data
    level = np.array([0.5, -1.0])
    decomposer = RegimeDecomposer(fitted, prefit=True, constant_input=level).fit(X)
    padded = np.concatenate([level, [0.0, 0.0]])
    for point in decomposer.fixed_points_:
        z, code = point.point, point.code
        on = np.r_[np.ones(4, bool), [bool(code >> 1 & 1), bool(code & 1)]]  # linear units, then the bits
        step = fitted.a_ * z + fitted.W_ @ np.where(on, z, 0.0) + fitted.C_ @ padded + fitted.h_
        np.testing.assert_allclose(step, z, rtol=1e-8, atol=1e-10)  # a fixed point of its regime's map
    assert len(decomposer.all_fixed_points()) == 4
    with pytest.raises(ValueError, match="constant_input has 3 features; the model has 4 inputs"):
        RegimeDecomposer(fitted, prefit=True, constant_input=[1.0, 2.0, 3.0]).fit(X)
