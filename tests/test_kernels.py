"""The engine: BPTT against finite differences, Numba kernels against the NumPy reference."""

import numpy as np
import pytest

from sklearn_alrnn._kernels import reference
from sklearn_alrnn._kernels.cpu import CPUEngine
from sklearn_alrnn._loss import loss_and_gradients
from sklearn_alrnn._model import PARAMETER_NAMES, initialize_parameters, phi, regime_codes

M, K, O = 5, 3, 2
LENGTHS = np.array([7, 3, 5, 1])
ENGINE = CPUEngine(n_threads=1)


def _problem(n_nonlinear, loss, per_step, dtype=np.float64, seed=0):
    rng = np.random.RandomState(seed)
    n, T = LENGTHS.shape[0], LENGTHS.max()
    X = rng.normal(size=(n, T, K))
    X[np.arange(T)[None, :] >= LENGTHS[:, None]] = 0.0
    params = initialize_parameters(M, K, O, rng)
    # Strong recurrent weights and biases so ReLU units switch along the trajectories.
    params["W"] = 0.5 * rng.normal(size=(M, M))
    params["h"] = 0.3 * rng.normal(size=M)
    shape = (n, T, O) if per_step else (n, O)
    if loss == "log_loss":
        Y = np.eye(O)[rng.randint(O, size=shape[:-1])]
    else:
        Y = rng.normal(size=shape)
    if per_step:
        Y = Y * (np.arange(T)[None, :, None] < LENGTHS[:, None, None])
    params = {k: v.astype(dtype) for k, v in params.items()}
    return params, X.astype(dtype), Y.astype(dtype)


@pytest.mark.parametrize("per_step", [False, True])
@pytest.mark.parametrize("loss", ["squared_error", "log_loss"])
@pytest.mark.parametrize("n_nonlinear", [0, 2, M])
def test_bptt_matches_central_finite_differences(n_nonlinear, loss, per_step):
    params, X, Y = _problem(n_nonlinear, loss, per_step)
    kwargs = dict(n_nonlinear=n_nonlinear, loss=loss, alpha=0.1, per_step=per_step, kernels=ENGINE)
    _, grads = loss_and_gradients(params, X, LENGTHS, Y, **kwargs)
    eps = 1e-6
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
def test_numba_kernels_equal_reference(n_nonlinear, loss, per_step):
    params, X, Y = _problem(n_nonlinear, loss, per_step, seed=1)
    kwargs = dict(n_nonlinear=n_nonlinear, loss=loss, alpha=0.01, per_step=per_step)
    value, grads = loss_and_gradients(params, X, LENGTHS, Y, kernels=ENGINE, **kwargs)
    value_ref, grads_ref = loss_and_gradients(params, X, LENGTHS, Y, kernels=reference, **kwargs)
    assert abs(value - value_ref) <= 1e-10 * max(1.0, abs(value_ref))
    for name in PARAMETER_NAMES:
        np.testing.assert_allclose(grads[name], grads_ref[name], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("per_step", [False, True])
def test_float32_engine_follows_the_float64_reference(per_step):
    params64, X64, Y64 = _problem(2, "squared_error", per_step, seed=2)
    params32, X32, Y32 = _problem(2, "squared_error", per_step, dtype=np.float32, seed=2)
    kwargs = dict(n_nonlinear=2, loss="squared_error", alpha=0.0, per_step=per_step)
    value64, grads64 = loss_and_gradients(params64, X64, LENGTHS, Y64, kernels=reference, **kwargs)
    value32, grads32 = loss_and_gradients(params32, X32, LENGTHS, Y32, kernels=ENGINE, **kwargs)
    assert np.isclose(value32, value64, rtol=1e-4)
    for name in PARAMETER_NAMES:
        assert grads32[name].dtype == np.float32
        scale = np.abs(grads64[name]).max()
        np.testing.assert_allclose(grads32[name], grads64[name], rtol=1e-4, atol=1e-4 * scale)


def _ragged_batch(rng, n, T, n_hidden=M, n_features=K, n_outputs=O, w_scale=0.5):
    """Zero-padded inputs of random lengths and parameters with a strong recurrence."""
    lengths = rng.randint(1, T + 1, size=n)
    X = rng.normal(size=(n, T, n_features)) * (np.arange(T)[None, :, None] < lengths[:, None, None])
    params = initialize_parameters(n_hidden, n_features, n_outputs, rng)
    params["W"] = w_scale * rng.normal(size=(n_hidden, n_hidden))
    return X, lengths, params


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_thread_count_does_not_change_any_bit(dtype):
    rng = np.random.RandomState(6)
    n, T = 37, 23
    X, lengths, params = _ragged_batch(rng, n, T)
    params = {k: v.astype(dtype) for k, v in params.items()}
    Y = rng.normal(size=(n, O)).astype(dtype)
    kwargs = dict(n_nonlinear=3, loss="squared_error", alpha=0.0, per_step=False)
    for budget in (None, 5 * (T + 1) * M * np.dtype(dtype).itemsize):  # whole batch, parts of 5
        engines = [CPUEngine(1), CPUEngine(3)]
        for engine in engines:
            engine.states_budget_bytes = budget or engine.states_budget_bytes
            engine.min_sequences_per_part = 1
        value1, grads1 = loss_and_gradients(params, X.astype(dtype), lengths, Y, kernels=engines[0], **kwargs)
        value3, grads3 = loss_and_gradients(params, X.astype(dtype), lengths, Y, kernels=engines[1], **kwargs)
        assert value1 == value3
        for name in PARAMETER_NAMES:
            np.testing.assert_array_equal(grads1[name], grads3[name])
    a, W, h, C = (params[k] for k in "aWhC")
    np.testing.assert_array_equal(
        CPUEngine(1).final_states(a, W, h, C, X.astype(dtype), lengths, M - 3),
        CPUEngine(4).final_states(a, W, h, C, X.astype(dtype), lengths, M - 3),
    )


@pytest.mark.parametrize("per_step", [False, True])
@pytest.mark.parametrize("loss", ["squared_error", "log_loss"])
def test_batches_run_in_parts_give_the_same_loss_and_gradients(loss, per_step):
    """Long sequences run a part of the batch at a time (states_budget_bytes)."""
    rng = np.random.RandomState(8)
    n, T = 11, 17
    X, lengths, params = _ragged_batch(rng, n, T)
    if loss == "log_loss":
        Y = np.eye(O)[rng.randint(O, size=(n, T) if per_step else n)]
    else:
        Y = rng.normal(size=(n, T, O) if per_step else (n, O))
    if per_step:
        Y = Y * (np.arange(T)[None, :, None] < lengths[:, None, None])
    kwargs = dict(n_nonlinear=3, loss=loss, alpha=0.01, per_step=per_step, sample_weight=rng.rand(n) + 0.5)
    whole_engine = CPUEngine(1)
    value, grads = loss_and_gradients(params, X, lengths, Y, kernels=whole_engine, **kwargs)
    bytes_per_sequence = (T + 1) * M * 8
    for per_part in (1, 3, 4):
        engine = CPUEngine(2)
        engine.states_budget_bytes, engine.min_sequences_per_part = per_part * bytes_per_sequence, 1
        value_parts, grads_parts = loss_and_gradients(params, X, lengths, Y, kernels=engine, **kwargs)
        assert value_parts == pytest.approx(value, rel=1e-12)
        for name in PARAMETER_NAMES:
            np.testing.assert_allclose(grads_parts[name], grads[name], rtol=1e-11, atol=1e-14)


def test_engine_matches_reference_on_long_ragged_batches():
    """45 units and 9 sequences exercise every tile width and a partial tile of sequences."""
    rng = np.random.RandomState(7)
    n, T = 9, 40
    X, lengths, params = _ragged_batch(rng, n, T, n_hidden=45, n_features=2, n_outputs=3, w_scale=0.4)
    Y = rng.normal(size=(n, T, 3)) * (np.arange(T)[None, :, None] < lengths[:, None, None])
    kwargs = dict(n_nonlinear=6, loss="squared_error", alpha=0.0, per_step=True)
    value, grads = loss_and_gradients(params, X, lengths, Y, kernels=CPUEngine(2), **kwargs)
    value_ref, grads_ref = loss_and_gradients(params, X, lengths, Y, kernels=reference, **kwargs)
    assert value == pytest.approx(value_ref, rel=1e-12)
    for name in PARAMETER_NAMES:
        np.testing.assert_allclose(grads[name], grads_ref[name], rtol=1e-10, atol=1e-12)


def test_linear_rnn_equals_closed_form_recursion():
    """P = 0: z_t = (diag(a) + W) z_{t-1} + C s_t + h, computed independently as a matrix power sum."""
    rng = np.random.RandomState(4)
    a = rng.uniform(0.2, 0.8, size=M)
    W = 0.2 * rng.normal(size=(M, M))
    h = rng.normal(size=M)
    C = rng.normal(size=(M, K))
    T = 9
    X = rng.normal(size=(3, T, K))
    lengths = np.array([T, 4, 6])
    for i, n in enumerate(lengths):
        X[i, n:] = 0
    Z = np.empty((3, T + 1, M))
    ENGINE.forward_states(a, W, h, C, X, lengths, M, Z)
    A = np.diag(a) + W
    for i, n in enumerate(lengths):
        for t in range(1, n + 1):
            # z_t = sum_{k=1..t} A^{t-k} (C s_k + h)
            expected = sum(
                np.linalg.matrix_power(A, t - k) @ (C @ X[i, k - 1] + h) for k in range(1, t + 1)
            )
            np.testing.assert_allclose(Z[i, t], expected, rtol=1e-10, atol=1e-10)
    final = ENGINE.final_states(a, W, h, C, X, lengths, M)
    np.testing.assert_allclose(final, Z[np.arange(3), lengths], rtol=0, atol=0)


def test_nonlinear_units_are_the_last_p():
    z = np.array([-1.0, 2.0, -3.0, 4.0, -5.0])
    np.testing.assert_array_equal(phi(z, 2), [-1.0, 2.0, -3.0, 4.0, 0.0])
    np.testing.assert_array_equal(phi(z, 0), z)
    np.testing.assert_array_equal(phi(z, 5), [0.0, 2.0, 0.0, 4.0, 0.0])
    # Bits of units 3, 4: (4 > 0, -5 > 0) = "10" = 2; zero counts as off.
    assert regime_codes(z, 2) == 2
    assert regime_codes(np.array([1.0, 0.0, 1.0]), 3) == 0b101
    assert regime_codes(np.array([np.nan, 1.0]), 1) == -1


def test_initialisation_follows_the_literature():
    rng = np.random.RandomState(0)
    params = initialize_parameters(64, 3, 2, rng)
    assert np.all(params["a"] > 0) and np.all(params["a"] <= 1)
    assert abs(params["W"].std() - 0.01) < 0.002
    np.testing.assert_array_equal(params["h"], 0)
    bound = np.sqrt(6 / (64 + 3))
    assert np.abs(params["C"]).max() <= bound
