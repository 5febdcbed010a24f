"""Pooled sequence-to-one readouts: exact gradients, valid steps only, the estimators' features."""

import pickle

import numpy as np
import pytest
from scipy.special import softmax
from sklearn.exceptions import NotFittedError

from sklearn_alrnn import ALRNNClassifier, ALRNNRegressor
from sklearn_alrnn.io import load
from sklearn_alrnn._kernels.cpu import CPUEngine
from sklearn_alrnn._loss import loss_and_gradients
from sklearn_alrnn._model import PARAMETER_NAMES
from sklearn_alrnn._readout import (
    LONG_SEQUENCE_MEAN_LENGTH,
    READOUTS,
    n_readout_features,
    pool_gradient,
    pool_states,
)

from .test_cpu import LENGTHS, M, O, _engine_with_budget, _problem
from .test_loss import assert_gradients_match_central_differences

POOLED = [r for r in READOUTS if r != "last"]


def _pooled_problem(readout, loss, seed=0):
    params, X, Y = _problem(2, loss, per_step=False, seed=seed)
    rng = np.random.RandomState(seed + 1)
    # Small enough that the softmax is not saturated (a vanishing gradient
    # would leave only rounding noise to compare).
    params["B"] = 0.1 * rng.normal(size=(O, n_readout_features(readout, M)))
    return params, X, Y


@pytest.mark.parametrize("readout", READOUTS)
@pytest.mark.parametrize("loss", ["squared_error", "log_loss"])
def test_every_readout_matches_central_finite_differences(readout, loss):
    params, X, Y = _pooled_problem(readout, loss)
    assert_gradients_match_central_differences(
        params, X, Y, loss=loss, alpha=0.1, per_step=False, engine=CPUEngine(M, 2), readout=readout
    )


@pytest.mark.parametrize("readout", POOLED)
def test_pooling_reads_valid_steps_only(readout):
    rng = np.random.RandomState(0)
    H = rng.normal(size=(LENGTHS.shape[0], LENGTHS.max(), 3))
    H_poisoned = H.copy()
    for i, length in enumerate(LENGTHS):
        H_poisoned[i, length:] = 1e6  # would win every max and dominate every mean
    pooled, _ = pool_states(H_poisoned, LENGTHS, readout)
    for i, length in enumerate(LENGTHS):
        valid = H[i, :length]
        positive_mean = np.maximum(valid, 0).mean(0)
        expected = {"mean": [valid.mean(0)], "max": [valid.max(0)], "mean+max": [valid.mean(0), valid.max(0)],
                    "positive_mean+max": [positive_mean, valid.max(0)], "mean+last": [valid.mean(0), valid[-1]]}
        np.testing.assert_allclose(pooled[i], np.concatenate(expected[readout]))
    _, argmax = pool_states(H_poisoned, LENGTHS, readout)
    dH = pool_gradient(np.ones_like(pooled), LENGTHS, readout, H.shape[1], argmax)
    assert not dH[np.arange(H.shape[1])[None, :] >= LENGTHS[:, None]].any()


@pytest.mark.parametrize("readout", POOLED)
def test_pooled_loss_is_the_same_in_parts(readout):
    params, X, Y = _pooled_problem(readout, "log_loss")
    kwargs = dict(loss="log_loss", alpha=0.0, per_step=False, readout=readout)
    whole_value, whole = loss_and_gradients(params, X, LENGTHS, Y, engine=CPUEngine(M, 2), **kwargs)
    tiny_budget = (LENGTHS.max() + 1) * M * 8  # one sequence per part
    parts_value, parts = loss_and_gradients(
        params, X, LENGTHS, Y, engine=_engine_with_budget(2, 1, tiny_budget), **kwargs
    )
    assert parts_value == pytest.approx(whole_value, rel=1e-12)
    for name in PARAMETER_NAMES:
        np.testing.assert_allclose(parts[name], whole[name], rtol=1e-10, atol=1e-14)


@pytest.fixture(scope="module")
def ragged_data():
    rng = np.random.RandomState(0)
    X = [rng.normal(size=(length, 2)) for length in rng.randint(3, 15, size=60)]
    y = np.array([int(x[:, 0].max() > 1.5) for x in X])
    return X, y


@pytest.mark.parametrize("readout", READOUTS)
def test_predictions_read_the_pooled_hidden_states(ragged_data, readout):
    X, y = ragged_data
    model = ALRNNClassifier(n_hidden=6, n_nonlinear=2, max_iter=3, readout=readout, random_state=0).fit(X, y)
    Z = model.hidden_states(X)
    lengths = np.array([len(x) for x in X])
    if readout == "last":
        expected = Z[np.arange(len(X)), lengths - 1]
    else:
        expected = pool_states(np.nan_to_num(Z), lengths, readout)[0]
    features = model.transform(X)
    assert features.shape == (len(X), n_readout_features(readout, 6)) == (len(X), model.B_.shape[1])
    np.testing.assert_allclose(features, expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(model.predict_proba(X), softmax(features @ model.B_.T + model.b_, axis=1), rtol=1e-8)


def test_a_warm_start_cannot_change_the_readout(ragged_data):
    X, y = ragged_data
    model = ALRNNClassifier(n_hidden=4, max_iter=2, readout="mean", warm_start=True, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="readout"):
        model.set_params(readout="max").fit(X, y)


def test_readout_is_ignored_for_per_step_targets():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(20, 6, 1))
    Y = np.cumsum(X, axis=1)
    model = ALRNNRegressor(n_hidden=4, n_nonlinear=0, max_iter=2, readout="mean+max", random_state=0).fit(X, Y)
    assert model.B_.shape == (1, 4)
    assert model.predict(X).shape == Y.shape


@pytest.mark.parametrize(
    ("lengths", "expected"),
    [([99, 101, 100], "positive_mean+max"), ([99, 100, 98], "max"), ([24] * 3, "max")],
)
def test_auto_readout_pools_the_positive_part_beside_the_maximum_on_long_sequences(lengths, expected):
    """The rule is the mean length of the first fit's sequences, at LONG_SEQUENCE_MEAN_LENGTH."""
    assert LONG_SEQUENCE_MEAN_LENGTH == 100
    rng = np.random.RandomState(0)
    X = [rng.normal(size=(n, 2)) for n in lengths * 4]
    y = np.arange(len(X)) % 2
    model = ALRNNClassifier(n_hidden=5, max_iter=2, random_state=0).fit(X, y)
    assert model.readout == "auto" and model.readout_ == expected
    assert model.B_.shape == (2, n_readout_features(expected, 5))
    lengths = np.array([len(x) for x in X])
    np.testing.assert_allclose(model.transform(X), pool_states(np.nan_to_num(model.hidden_states(X)), lengths, expected)[0])
    # Refitting with a warm start keeps the readout chosen first, whatever the lengths now.
    model.set_params(warm_start=True).fit([x[:10] for x in X], y)
    assert model.readout_ == expected


def test_auto_readout_reads_token_sequences_by_their_maximum():
    rng = np.random.RandomState(0)
    X = [rng.randint(0, 7, size=150) for _ in range(8)]
    y = np.arange(8) % 2
    model = ALRNNClassifier(n_hidden=4, max_iter=2, input_type="tokens", random_state=0).fit(X, y)
    assert model.readout_ == "max" and model.B_.shape == (2, 4)


def test_auto_readout_of_per_step_labels_is_every_step_as_before():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(6, 120, 1))
    Y = (X[:, :, 0] > 0).astype(int)
    model = ALRNNClassifier(n_hidden=4, max_iter=2, per_step=True, random_state=0).fit(X, Y)
    before = ALRNNClassifier(n_hidden=4, max_iter=2, per_step=True, readout="max", random_state=0).fit(X, Y)
    assert model.readout_ == "max" and model.B_.shape == (2, 4)
    np.testing.assert_array_equal(model.predict_proba(X), before.predict_proba(X))


def test_the_chosen_readout_survives_saving_and_pickling(tmp_path):
    rng = np.random.RandomState(1)
    X, y = rng.normal(size=(8, 120, 1)), np.arange(8) % 2
    model = ALRNNClassifier(n_hidden=4, max_iter=2, random_state=0).fit(X, y)
    model.save(tmp_path / "model.alrnn")
    for restored in (load(tmp_path / "model.alrnn"), pickle.loads(pickle.dumps(model))):
        assert restored.readout_ == "positive_mean+max"
        np.testing.assert_allclose(restored.predict_proba(X), model.predict_proba(X), rtol=1e-12)


def test_readout_of_an_unfitted_model_is_not_fitted_error():
    with pytest.raises(NotFittedError):
        ALRNNClassifier().readout_


def test_the_regressors_auto_readout_adds_the_last_state_from_two_sequences_per_column():
    # Long sequences, where the classifier's "auto" would pool the positive part: the regressor's
    # rule counts sequences against the 2 * n_hidden columns of "mean+last" instead.
    rng = np.random.RandomState(2)
    X = rng.normal(size=(16, 120, 1))
    y = X[:, :, 0].clip(0).mean(axis=1)
    for n_samples, readout, n_columns in ((15, "mean", 4), (16, "mean+last", 8)):
        model = ALRNNRegressor(n_hidden=4, max_iter=2, readout="auto", random_state=0).fit(X[:n_samples], y[:n_samples])
        assert model.readout_ == readout and model.B_.shape == (1, n_columns)
    assert ALRNNRegressor(n_hidden=4, max_iter=2).fit(X, y).readout_ == "mean+last"  # the default: "auto"
    # Without early stopping "auto" keeps the mean: with no validation split to stop on, fits of
    # "mean+last" stalled on a plateau of scikit-learn's check data.
    no_stop = ALRNNRegressor(n_hidden=4, max_iter=2, early_stopping=False, random_state=0).fit(X, y)
    assert no_stop.readout_ == "mean" and no_stop.B_.shape == (1, 4)
