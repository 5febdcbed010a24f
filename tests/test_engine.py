"""The engine contract (``_kernels._engine``): every engine agrees with the reference on it."""

import numpy as np
import pytest

from sklearn_alrnn._kernels import make_engine
from sklearn_alrnn._kernels._engine import Engine
from sklearn_alrnn._kernels.cpu import CPUEngine
from sklearn_alrnn._kernels.reference import ReferenceEngine
from sklearn_alrnn._model import initialize_parameters


def _batch(n=6, T=9, M=7, K=2, seed=0):
    rng = np.random.RandomState(seed)
    lengths = rng.randint(1, T + 1, size=n)
    lengths[0] = T
    X = rng.normal(size=(n, T, K)) * (np.arange(T)[None, :, None] < lengths[:, None, None])
    params = initialize_parameters(M, K, 1, rng)
    params["W"] = 0.5 * rng.normal(size=(M, M))
    params["h"] = 0.3 * rng.normal(size=M)
    return X, lengths, params


def test_engine_is_built_for_one_architecture():
    engine = CPUEngine(7, 3)
    assert (engine.n_hidden, engine.n_nonlinear, engine.n_linear) == (7, 3, 4)
    assert isinstance(engine, Engine) and isinstance(ReferenceEngine(7, 3), Engine)
    with pytest.raises(ValueError, match=r"n_nonlinear must be between 0 and n_hidden=4; got n_nonlinear=5"):
        CPUEngine(4, 5)
    with pytest.raises(TypeError):
        Engine(4, 1)  # the contract's methods are abstract


def test_make_engine_gives_the_cpu_engine_with_its_threads():
    engine = make_engine("cpu", 5, 2, n_jobs=3)
    assert isinstance(engine, CPUEngine) and engine.n_threads == 3 and engine.n_nonlinear == 2
    assert make_engine("cpu", 5, 2).n_threads == 1
    assert engine.default_dtype == "float64"


@pytest.mark.parametrize("n_nonlinear", [0, 3, 7])
def test_trajectories_final_states_and_readout_states_agree_with_the_reference(n_nonlinear):
    X, lengths, p = _batch()
    a, W, h, C = (p[k] for k in "aWhC")
    cpu, reference = CPUEngine(7, n_nonlinear, 2), ReferenceEngine(7, n_nonlinear)
    states = cpu.hidden_states(a, W, h, C, X, lengths)
    np.testing.assert_allclose(states, reference.hidden_states(a, W, h, C, X, lengths), rtol=1e-12)
    valid = np.arange(X.shape[1])[None, :] < lengths[:, None]
    assert np.isnan(states[~valid]).all() and np.isfinite(states[valid]).all()
    last = states[np.arange(len(lengths)), lengths - 1]
    np.testing.assert_allclose(cpu.final_states(a, W, h, C, X, lengths), last, rtol=1e-12)
    np.testing.assert_allclose(reference.forward_readout(a, W, h, C, X, lengths, False), last, rtol=1e-12)
    every = reference.forward_readout(a, W, h, C, X, lengths, True)
    np.testing.assert_allclose(every[valid], states[valid], rtol=1e-12)


def test_parts_cover_the_batch_in_order_within_the_budget():
    engine = CPUEngine(8, 2)
    engine.states_budget_bytes = 3 * 11 * 8 * 8  # three sequences of T = 10 in float64
    engine.min_sequences_per_part = 1
    assert [(s.start, s.stop) for s in engine.parts(8, 10, np.float64)] == [(0, 3), (3, 6), (6, 8)]
    engine.min_sequences_per_part = 4
    assert [(s.start, s.stop) for s in engine.parts(8, 10, np.float64)] == [(0, 4), (4, 8)]
    assert [(s.start, s.stop) for s in ReferenceEngine(8, 2).parts(8, 10, np.float64)] == [(0, 8)]


def test_readout_parts_hold_one_part_while_the_caller_goes_back_through_it():
    """Per part: forward, then backward on the same trajectories, as the loss does."""
    X, lengths, p = _batch(n=5)
    a, W, h, C = (p[k] for k in "aWhC")
    whole = ReferenceEngine(7, 3)
    grads_whole = [np.zeros_like(p[k]) for k in "aWhC"]
    H = whole.forward_readout(a, W, h, C, X, lengths, False)
    whole.backward_readout(a, W, C, X, lengths, False, np.ones_like(H), *grads_whole)
    in_parts = CPUEngine(7, 3)
    in_parts.states_budget_bytes, in_parts.min_sequences_per_part = 1, 1
    grads_parts = [np.zeros_like(p[k]) for k in "aWhC"]
    seen = []
    for rows, H_part in in_parts.readout_parts(a, W, h, C, X, lengths, False):
        seen.append(rows.start)
        in_parts.backward_readout(a, W, C, X[rows], lengths[rows], False, np.ones_like(H_part), *grads_parts)
    assert seen == [0, 1, 2, 3, 4]
    for got, expected in zip(grads_parts, grads_whole):
        np.testing.assert_allclose(got, expected, rtol=1e-11, atol=1e-13)
