"""The CUDA engine against the CPU engine: loss and every gradient, and the device rules.

Runs under the CUDA simulator (NUMBA_ENABLE_CUDASIM=1, tiny problems) in its own process,
or on a real GPU with ALRNN_CUDA_TESTS=1.
"""

import warnings

import numpy as np
import pytest

cuda_module = pytest.importorskip("sklearn_alrnn._kernels.cuda")

from sklearn_alrnn import ALRNNClassifier, ALRNNRegressor  # noqa: E402
from sklearn_alrnn._kernels.cpu import CPUEngine  # noqa: E402
from sklearn_alrnn._kernels.cuda import CUDAEngine  # noqa: E402
from sklearn_alrnn._loss import loss_and_gradients  # noqa: E402
from sklearn_alrnn._model import PARAMETER_NAMES, initialize_parameters  # noqa: E402


def _problem(M, n_nonlinear, per_step, loss, seed=0, K=2, O=2, n=3, T=5):
    rng = np.random.RandomState(seed)
    lengths = np.array([T, 2, 4][:n])
    X = rng.normal(size=(n, T, K)) * (np.arange(T)[None, :, None] < lengths[:, None, None])
    params = initialize_parameters(M, K, O, rng)
    params["W"] = 0.5 * rng.normal(size=(M, M))
    params["h"] = 0.3 * rng.normal(size=M)
    shape = (n, T, O) if per_step else (n, O)
    Y = np.eye(O)[rng.randint(O, size=shape[:-1])] if loss == "log_loss" else rng.normal(size=shape)
    if per_step:
        Y = Y * (np.arange(T)[None, :, None] < lengths[:, None, None])
    return params, X, lengths, Y


def _assert_cuda_matches_cpu(params, X, lengths, Y, n_nonlinear, **kwargs):
    M = params["a"].shape[0]
    value, grads = loss_and_gradients(params, X, lengths, Y, engine=CUDAEngine(M, n_nonlinear), **kwargs)
    value_cpu, grads_cpu = loss_and_gradients(params, X, lengths, Y, engine=CPUEngine(M, n_nonlinear), **kwargs)
    assert value == pytest.approx(value_cpu, rel=1e-12)
    for name in PARAMETER_NAMES:
        np.testing.assert_allclose(grads[name], grads_cpu[name], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("per_step", [False, True])
@pytest.mark.parametrize("loss", ["squared_error", "log_loss"])
@pytest.mark.parametrize("n_nonlinear", [0, 2, 4])
def test_cuda_loss_and_gradients_equal_the_cpu_engine(n_nonlinear, loss, per_step):
    params, X, lengths, Y = _problem(4, n_nonlinear, per_step, loss)
    _assert_cuda_matches_cpu(params, X, lengths, Y, n_nonlinear=n_nonlinear, loss=loss, alpha=0.01, per_step=per_step)


@pytest.mark.parametrize("readout", ["mean", "max", "mean+max"])
def test_cuda_pooled_readouts_equal_the_cpu_engine(readout):
    params, X, lengths, Y = _problem(4, 2, False, "log_loss")
    columns = 8 if readout == "mean+max" else 4
    params["B"] = 0.3 * np.random.RandomState(1).normal(size=(2, columns))
    _assert_cuda_matches_cpu(params, X, lengths, Y, n_nonlinear=2, loss="log_loss", alpha=0.01, per_step=False,
                             readout=readout)


def test_global_memory_fallback_when_w_does_not_fit(monkeypatch):
    monkeypatch.setattr(cuda_module, "SHARED_MEMORY_BYTES", 8)  # forces W out of shared memory
    assert CUDAEngine._launch_shape(np.zeros(4))[1] is False
    params, X, lengths, Y = _problem(4, 2, False, "squared_error", seed=1)
    _assert_cuda_matches_cpu(params, X, lengths, Y, n_nonlinear=2, loss="squared_error", alpha=0.0, per_step=False)


@pytest.mark.parametrize("w_in_shared_memory", [True, False])
def test_blocks_of_several_sequences_equal_the_cpu_engine(monkeypatch, w_in_shared_memory):
    # Large batches put up to 8 sequences in a block; here 11 ragged ones: a full block of 8 and
    # one of 3, whose five empty places must leave every result alone.
    monkeypatch.setattr(cuda_module, "MIN_BLOCKS", 1)
    if not w_in_shared_memory:  # room for 8 state vectors of 5 float64 units, not for W beside them
        monkeypatch.setattr(cuda_module, "SHARED_MEMORY_BYTES", 8 * 5 * 8)
        assert CUDAEngine._launch_shape(np.zeros(5), 8)[1] is False
    a = np.zeros(5)
    assert CUDAEngine._sequences_per_block(11, a) == 8 and CUDAEngine._sequences_per_block(5, a) == 4
    rng = np.random.RandomState(3)
    M, P, n, T = 5, 2, 11, 6
    lengths = np.array([6, 1, 3, 6, 2, 5, 4, 1, 6, 3, 2])
    X = rng.normal(size=(n, T, 2)) * (np.arange(T)[None, :, None] < lengths[:, None, None])
    params = initialize_parameters(M, 2, 2, rng)
    params["W"] = 0.5 * rng.normal(size=(M, M))
    params["h"] = 0.3 * rng.normal(size=M)
    Y = rng.normal(size=(n, T, 2)) * (np.arange(T)[None, :, None] < lengths[:, None, None])
    for per_step in (False, True):
        _assert_cuda_matches_cpu(params, X, lengths, Y if per_step else Y[:, 0], n_nonlinear=P,
                                 loss="squared_error", alpha=0.01, per_step=per_step)
    a, W, h, C = (params[k] for k in "aWhC")
    np.testing.assert_allclose(CUDAEngine(M, P).final_states(a, W, h, C, X, lengths),
                               CPUEngine(M, P).final_states(a, W, h, C, X, lengths), rtol=1e-12, atol=1e-14)


def test_blocks_hold_several_sequences_only_in_large_batches_of_small_networks():
    # 256 blocks at least (two per SM of a large GPU); above 512 units one sequence a block, whose
    # launch fits the registers and shared memory of 1024 threads (8 float64 states: 64 KiB).
    assert [CUDAEngine._sequences_per_block(n, np.zeros(128, np.float32)) for n in (255, 512, 1024, 2048, 4096)] == [
        1, 2, 4, 8, 8,
    ]
    assert CUDAEngine._sequences_per_block(4096, np.zeros(512, np.float64)) == 8
    assert CUDAEngine._sequences_per_block(4096, np.zeros(513, np.float32)) == 1
    for M in (512, 1024):
        a = np.zeros(M, np.float64)
        assert CUDAEngine._launch_shape(a, CUDAEngine._sequences_per_block(4096, a))[2] <= cuda_module.SHARED_MEMORY_BYTES


def test_final_states_equal_the_cpu_engine():
    params, X, lengths, _ = _problem(5, 3, False, "squared_error", seed=2)
    a, W, h, C = (params[k] for k in "aWhC")
    np.testing.assert_allclose(
        CUDAEngine(5, 3).final_states(a, W, h, C, X, lengths),
        CPUEngine(5, 3).final_states(a, W, h, C, X, lengths),
        rtol=1e-12, atol=1e-14,
    )


def test_device_cuda_trains_to_numpy_parameters_that_predict_and_pickle_on_the_cpu():
    import pickle

    rng = np.random.RandomState(0)
    X = rng.normal(size=(6, 4, 2))
    y = np.array([0, 1, 0, 1, 1, 0])
    gpu = ALRNNClassifier(n_hidden=3, n_nonlinear=1, max_iter=2, device="cuda", random_state=0).fit(X, y)
    assert all(isinstance(getattr(gpu, n + "_"), np.ndarray) for n in PARAMETER_NAMES)
    assert gpu.a_.dtype == np.float32  # float32 by default on the GPU
    cpu = ALRNNClassifier(
        n_hidden=3, n_nonlinear=1, max_iter=2, device="cpu", dtype="float32", random_state=0
    ).fit(X, y)
    for name in PARAMETER_NAMES:
        np.testing.assert_allclose(getattr(gpu, name + "_"), getattr(cpu, name + "_"), rtol=1e-4, atol=1e-5)
    restored = pickle.loads(pickle.dumps(gpu))
    np.testing.assert_array_equal(restored.predict_proba(X), gpu.predict_proba(X))
    reg64 = ALRNNRegressor(n_hidden=3, max_iter=1, device="cuda", dtype="float64", random_state=0).fit(X, y * 1.0)
    assert reg64.a_.dtype == np.float64


def test_auto_never_picks_the_simulator():
    if not cuda_module.simulator_enabled():
        pytest.skip("only meaningful under the simulator")
    assert cuda_module.gpu_available() is False
    rng = np.random.RandomState(0)
    model = ALRNNRegressor(n_hidden=3, max_iter=1, device="auto").fit(rng.normal(size=(4, 3, 1)), np.zeros(4))
    assert model.a_.dtype == np.float64  # ran on the CPU engine


def test_several_tiles_of_the_weight_gradient_product():
    """M = 20 spans two 16-wide tiles, and 3 x 9 (sequence, step) rows span two row tiles."""
    params, X, lengths, Y = _problem(20, 6, False, "squared_error", seed=3, T=9)
    _assert_cuda_matches_cpu(params, X, lengths, Y, n_nonlinear=6, loss="squared_error", alpha=0.0, per_step=False)


def test_row_splits_of_the_weight_gradient_product(monkeypatch):
    """3 x 27 rows in 3 splits of 27: two row tiles per split, the second one partial."""
    monkeypatch.setattr(cuda_module, "ROW_SPLITS", 3)
    params, X, lengths, Y = _problem(5, 2, True, "squared_error", seed=4, T=27)
    _assert_cuda_matches_cpu(params, X, lengths, Y, n_nonlinear=2, loss="squared_error", alpha=0.0, per_step=True)


def test_row_tiles_that_cross_several_sequences_shorter_than_a_tile(monkeypatch):
    """11 x 5 rows in 2 splits of 28: each 16-row tile spans four sequences, so the (sequence,
    step) of a tile's rows advances across more than one sequence's end."""
    monkeypatch.setattr(cuda_module, "ROW_SPLITS", 2)
    rng = np.random.RandomState(6)
    lengths = rng.randint(1, 6, size=11)
    X = rng.normal(size=(11, 5, 2)) * (np.arange(5)[None, :, None] < lengths[:, None, None])
    params = initialize_parameters(5, 2, 1, rng)
    params["W"] = 0.5 * rng.normal(size=(5, 5))
    Y = rng.normal(size=(11, 5, 1)) * (np.arange(5)[None, :, None] < lengths[:, None, None])
    _assert_cuda_matches_cpu(params, X, lengths, Y, n_nonlinear=2, loss="squared_error", alpha=0.0, per_step=True)


def test_inputs_in_fortran_order_give_the_same_gradients():
    """The weight-gradient product reads the inputs as flat rows: any memory order must arrive as them."""
    params, X, lengths, Y = _problem(5, 2, True, "squared_error", seed=5, T=7)
    _assert_cuda_matches_cpu(params, np.asfortranarray(X), lengths, Y, n_nonlinear=2, loss="squared_error",
                             alpha=0.0, per_step=True)


def test_small_grids_launch_without_a_low_occupancy_warning():
    """numba-cuda warns at each launch of fewer than 128 blocks; small batches make them on purpose.
    A stand-in kernel warns as numba-cuda 0.30's dispatcher does (its own warning class, a colour
    code before the text); on a real GPU the fit launches real kernels."""
    import importlib

    from sklearn_alrnn._kernels.cuda.kernels import _launch

    classes = []
    for module in ("numba.core.errors", "numba.cuda.core.errors"):
        try:
            classes.append(importlib.import_module(module).NumbaPerformanceWarning)
        except (ImportError, AttributeError):
            pass

    class WarningKernel:
        def __getitem__(self, launch_configuration):
            for category in classes:
                warnings.warn(category("\x1b[1mGrid size 2 will likely result in GPU under-utilization due to "
                                       "low occupancy.\x1b[0m"))
            return launch_configuration

    with warnings.catch_warnings():
        for category in classes:
            warnings.simplefilter("error", category)
        assert _launch(WarningKernel(), 2, 32, 64) == (2, 32, 0, 64)
        rng = np.random.RandomState(0)
        ALRNNRegressor(n_hidden=4, max_iter=2, device="cuda").fit(rng.normal(size=(6, 3, 1)), rng.normal(size=6))


def test_launches_from_several_threads_leave_the_warning_filters_as_they_were():
    """Fits of several initialisations launch from threads; without the launch lock, one thread's
    catch_warnings could restore the filter list of another's, leaving a filter behind."""
    import threading

    from sklearn_alrnn._kernels.cuda.kernels import _launch

    class Kernel:
        def __getitem__(self, launch_configuration):
            return launch_configuration

    before = list(warnings.filters)

    def launch_many():
        for _ in range(20_000):
            _launch(Kernel(), 1, 1)

    threads = [threading.Thread(target=launch_many) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert warnings.filters == before


def test_token_ids_give_the_cpu_engine_s_loss_and_gradients():
    rng = np.random.RandomState(3)
    lengths = np.array([5, 2, 4])
    ids = rng.randint(0, 7, size=(3, 5))
    ids[np.arange(5)[None] >= lengths[:, None]] = -1
    params = initialize_parameters(4, 7, 2, rng, embedding=True)
    params["W"] = 0.5 * rng.normal(size=(4, 4))
    Y = rng.normal(size=(3, 2))
    _assert_cuda_matches_cpu(params, ids, lengths, Y, n_nonlinear=2, loss="squared_error", alpha=0.01, per_step=False)


# ------------------------------------------------- dynamical-systems reconstruction
def _forced_problem(n_inputs, seed=0, M=6, N=2, n=3, T=9):
    from sklearn_alrnn._forcing import initialize_forecaster

    rng = np.random.RandomState(seed)
    params = initialize_forecaster(M, N, n_inputs, rng, np.float64)
    params["W"] = rng.normal(scale=0.4, size=(M, M))
    params["h"] = rng.normal(scale=0.3, size=M)
    return params, rng.normal(size=(n, T + 1, N)), rng.normal(size=(n, T, n_inputs))


@pytest.mark.parametrize("teacher_forcing, alpha, n_inputs, n_nonlinear", [
    ("sparse", 1.0, 0, 2), ("sparse", 0.6, 1, 4), ("generalized", 0.3, 2, 0),
])
def test_cuda_forced_loss_and_gradients_equal_the_cpu_engine(teacher_forcing, alpha, n_inputs, n_nonlinear):
    from sklearn_alrnn._forcing import FORECASTER_PARAMETER_NAMES, forced_loss_and_gradients, forcing_schedule
    from sklearn_alrnn._model import flatten_parameters

    params, windows, inputs = _forced_problem(n_inputs)
    forcing = forcing_schedule(windows.shape[1] - 1, teacher_forcing, 3, alpha, np.float64)
    results = []
    for engine in (CUDAEngine(6, n_nonlinear), CPUEngine(6, n_nonlinear)):
        flat, views = flatten_parameters(params, FORECASTER_PARAMETER_NAMES)
        grad = np.empty_like(flat)
        value, states = forced_loss_and_gradients(views, windows, inputs, forcing, engine, grad)
        results.append((value, grad, states.copy()))
    (value, grad, states), (value_cpu, grad_cpu, states_cpu) = results
    assert value == pytest.approx(value_cpu, rel=1e-12)
    np.testing.assert_allclose(states, states_cpu, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grad, grad_cpu, rtol=1e-10, atol=1e-12)


@pytest.mark.filterwarnings("ignore:overflow encountered")  # the simulator computes in NumPy scalars
def test_cuda_free_run_equals_the_cpu_engine_and_marks_overflow():
    params, windows, inputs = _forced_problem(1, seed=3)
    a, W, h, C = (params[k] for k in "aWhC")
    z0 = np.random.RandomState(4).normal(size=(3, 6))
    runs = [engine.free_run(a, W, h, C, z0, inputs, 2) for engine in (CUDAEngine(6, 2), CPUEngine(6, 2))]
    np.testing.assert_allclose(runs[0], runs[1], rtol=1e-12, atol=1e-12)
    exploding = np.full(6, 1e200)
    run = CUDAEngine(6, 2).free_run(exploding, W, h, C, z0, inputs, 2)
    assert np.all(np.isnan(run[:, 2:])) and np.all(np.isfinite(run[:, 0]))


def test_a_forecaster_trained_on_the_device_equals_one_trained_on_the_cpu():
    from sklearn_alrnn import ALRNNForecaster

    t = np.arange(300) * 0.1
    X = np.column_stack([np.sin(t), np.cos(1.3 * t)])
    settings = dict(n_hidden=5, n_nonlinear=1, sequence_length=20, batch_size=4, batches_per_epoch=3, max_iter=4,
                    evaluation_interval=2, evaluation_steps=50, n_init=1, random_state=0)
    gpu = ALRNNForecaster(device="cuda", **settings).fit(X)
    cpu = ALRNNForecaster(device="cpu", **settings).fit(X)
    np.testing.assert_allclose(gpu.loss_curve_, cpu.loss_curve_, rtol=1e-9)
    for name in ("a_", "W_", "h_", "C_", "L_"):
        np.testing.assert_allclose(getattr(gpu, name), getattr(cpu, name), rtol=1e-9, atol=1e-12)
