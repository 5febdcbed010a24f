"""Loss and gradient of a mini-batch: BPTT against central finite differences."""

import numpy as np
import pytest

from sklearn_alrnn._kernels.cpu import CPUEngine
from sklearn_alrnn._loss import loss_and_gradients
from sklearn_alrnn._model import PARAMETER_NAMES

from .test_cpu import LENGTHS, M, _problem


def assert_gradients_match_central_differences(params, X, Y, eps=1e-6, **kwargs):
    """Every parameter's gradient from ``loss_and_gradients`` against central finite differences."""
    _, grads = loss_and_gradients(params, X, LENGTHS, Y, **kwargs)
    for name in PARAMETER_NAMES:
        numeric = np.zeros_like(params[name])
        for idx in np.ndindex(params[name].shape):
            original = params[name][idx]
            params[name][idx] = original + eps
            plus, _ = loss_and_gradients(params, X, LENGTHS, Y, **kwargs)
            params[name][idx] = original - eps
            minus, _ = loss_and_gradients(params, X, LENGTHS, Y, **kwargs)
            params[name][idx] = original
            numeric[idx] = (plus - minus) / (2 * eps)
        rel = np.linalg.norm(grads[name] - numeric) / np.linalg.norm(numeric)
        assert rel < 1e-6, f"{name}: relative error {rel:.2e}"


@pytest.mark.parametrize("per_step", [False, True])
@pytest.mark.parametrize("loss", ["squared_error", "log_loss"])
@pytest.mark.parametrize("n_nonlinear", [0, 2, M])
def test_bptt_matches_central_finite_differences(n_nonlinear, loss, per_step):
    params, X, Y = _problem(n_nonlinear, loss, per_step)
    assert_gradients_match_central_differences(
        params, X, Y, loss=loss, alpha=0.1, per_step=per_step, engine=CPUEngine(M, n_nonlinear)
    )


@pytest.mark.parametrize("per_step", [False, True])
def test_smoothed_label_targets_have_exact_gradients(per_step):
    """The classifier's ``label_smoothing`` trains on rows that are not one-hot."""
    params, X, Y = _problem(2, "log_loss", per_step)
    Y = np.where(Y.sum(axis=-1, keepdims=True) > 0, 0.8 * Y + 0.2 / Y.shape[-1], 0.0)
    assert_gradients_match_central_differences(
        params, X, Y, loss="log_loss", alpha=0.1, per_step=per_step, engine=CPUEngine(M, 2)
    )


def test_label_set_loss_is_sklearns_binary_log_loss_with_exact_gradients():
    """Sets of labels (a y of 0 / 1 columns): the mean over sequences of the sigmoid
    cross-entropies summed over labels, as MLP's ``binary_log_loss``, and its exact gradient."""
    from scipy.special import expit
    from sklearn.neural_network._base import binary_log_loss

    params, X, _ = _problem(2, "squared_error", per_step=False)
    Y = (np.random.RandomState(1).uniform(size=(X.shape[0], params["b"].size)) > 0.5).astype(float)
    engine = CPUEngine(M, 2)
    value, _ = loss_and_gradients(params, X, LENGTHS, Y, loss="binary_log_loss", alpha=0.0, per_step=False,
                                  engine=engine)
    last = engine.final_states(params["a"], params["W"], params["h"], params["C"], X, LENGTHS)
    # scikit-learn clips probabilities at the machine epsilon, which moves this large loss in its tenth digit
    assert value == pytest.approx(binary_log_loss(Y, expit(last @ params["B"].T + params["b"])), rel=1e-8)
    assert_gradients_match_central_differences(
        params, X, 0.9 * Y + 0.05, loss="binary_log_loss", alpha=0.1, per_step=False, engine=engine
    )
