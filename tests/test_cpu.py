"""The CPU engine: Numba kernels against the NumPy reference, thread counts, batches in parts."""

import numpy as np
import pytest

from sklearn_alrnn._kernels.cpu import CPUEngine
from sklearn_alrnn._kernels.reference import ReferenceEngine
from sklearn_alrnn._loss import loss_and_gradients
from sklearn_alrnn._model import PARAMETER_NAMES, initialize_parameters

M, K, O = 5, 3, 2
LENGTHS = np.array([7, 3, 5, 1])


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


def _engine_with_budget(n_nonlinear, n_threads, budget):
    """A CPU engine whose parts hold ``budget`` bytes of states (None: its own budget)."""
    engine = CPUEngine(M, n_nonlinear, n_threads)
    if budget is not None:
        engine.states_budget_bytes = budget
        engine.min_sequences_per_part = 1
    return engine


@pytest.mark.parametrize("per_step", [False, True])
@pytest.mark.parametrize("loss", ["squared_error", "log_loss"])
@pytest.mark.parametrize("n_nonlinear", [0, 2, M])
def test_numba_kernels_equal_reference(n_nonlinear, loss, per_step):
    params, X, Y = _problem(n_nonlinear, loss, per_step, seed=1)
    kwargs = dict(loss=loss, alpha=0.01, per_step=per_step)
    value, grads = loss_and_gradients(params, X, LENGTHS, Y, engine=CPUEngine(M, n_nonlinear), **kwargs)
    value_ref, grads_ref = loss_and_gradients(params, X, LENGTHS, Y, engine=ReferenceEngine(M, n_nonlinear), **kwargs)
    assert abs(value - value_ref) <= 1e-10 * max(1.0, abs(value_ref))
    for name in PARAMETER_NAMES:
        np.testing.assert_allclose(grads[name], grads_ref[name], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("per_step", [False, True])
def test_float32_engine_follows_the_float64_reference(per_step):
    params64, X64, Y64 = _problem(2, "squared_error", per_step, seed=2)
    params32, X32, Y32 = _problem(2, "squared_error", per_step, dtype=np.float32, seed=2)
    kwargs = dict(loss="squared_error", alpha=0.0, per_step=per_step)
    value64, grads64 = loss_and_gradients(params64, X64, LENGTHS, Y64, engine=ReferenceEngine(M, 2), **kwargs)
    value32, grads32 = loss_and_gradients(params32, X32, LENGTHS, Y32, engine=CPUEngine(M, 2), **kwargs)
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
    kwargs = dict(loss="squared_error", alpha=0.0, per_step=False)
    for budget in (None, 5 * (T + 1) * M * np.dtype(dtype).itemsize):  # whole batch, parts of 5
        engines = [_engine_with_budget(3, 1, budget), _engine_with_budget(3, 3, budget)]
        value1, grads1 = loss_and_gradients(params, X.astype(dtype), lengths, Y, engine=engines[0], **kwargs)
        value3, grads3 = loss_and_gradients(params, X.astype(dtype), lengths, Y, engine=engines[1], **kwargs)
        assert value1 == value3
        for name in PARAMETER_NAMES:
            np.testing.assert_array_equal(grads1[name], grads3[name])
    a, W, h, C = (params[k] for k in "aWhC")
    np.testing.assert_array_equal(
        CPUEngine(M, 3, 1).final_states(a, W, h, C, X.astype(dtype), lengths),
        CPUEngine(M, 3, 4).final_states(a, W, h, C, X.astype(dtype), lengths),
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
    kwargs = dict(loss=loss, alpha=0.01, per_step=per_step, sample_weight=rng.rand(n) + 0.5)
    value, grads = loss_and_gradients(params, X, lengths, Y, engine=CPUEngine(M, 3), **kwargs)
    bytes_per_sequence = (T + 1) * M * 8
    for per_part in (1, 3, 4):
        engine = _engine_with_budget(3, 2, per_part * bytes_per_sequence)
        assert [rows.stop - rows.start for rows in engine.parts(n, T, np.float64)][0] == per_part
        value_parts, grads_parts = loss_and_gradients(params, X, lengths, Y, engine=engine, **kwargs)
        assert value_parts == pytest.approx(value, rel=1e-12)
        for name in PARAMETER_NAMES:
            np.testing.assert_allclose(grads_parts[name], grads[name], rtol=1e-11, atol=1e-14)


def test_engine_matches_reference_on_long_ragged_batches():
    """45 units and 9 sequences exercise every tile width and a partial tile of sequences."""
    rng = np.random.RandomState(7)
    n, T = 9, 40
    X, lengths, params = _ragged_batch(rng, n, T, n_hidden=45, n_features=2, n_outputs=3, w_scale=0.4)
    Y = rng.normal(size=(n, T, 3)) * (np.arange(T)[None, :, None] < lengths[:, None, None])
    kwargs = dict(loss="squared_error", alpha=0.0, per_step=True)
    value, grads = loss_and_gradients(params, X, lengths, Y, engine=CPUEngine(45, 6, 2), **kwargs)
    value_ref, grads_ref = loss_and_gradients(params, X, lengths, Y, engine=ReferenceEngine(45, 6), **kwargs)
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
    engine = CPUEngine(M, 0)
    engine.forward_states(a, W, h, C, X, lengths, Z)
    A = np.diag(a) + W
    for i, n in enumerate(lengths):
        for t in range(1, n + 1):
            # z_t = sum_{k=1..t} A^{t-k} (C s_k + h)
            expected = sum(
                np.linalg.matrix_power(A, t - k) @ (C @ X[i, k - 1] + h) for k in range(1, t + 1)
            )
            np.testing.assert_allclose(Z[i, t], expected, rtol=1e-10, atol=1e-10)
    final = engine.final_states(a, W, h, C, X, lengths)
    np.testing.assert_allclose(final, Z[np.arange(3), lengths], rtol=0, atol=0)
