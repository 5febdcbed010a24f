"""Shared data and session-scoped fitted models, so Numba compiles and models train once."""

import os

import numpy as np
import pytest

from sklearn_alrnn import ALRNNClassifier, ALRNNForecaster, ALRNNRegressor


def make_sign_memory(n_samples, n_timesteps=30, n_cue=5, random_state=0):
    """Label = sign of the sum of the first ``n_cue`` steps of a noisy univariate sequence."""
    rng = np.random.RandomState(random_state)
    X = rng.normal(size=(n_samples, n_timesteps, 1))
    y = (X[:, :n_cue, 0].sum(axis=1) > 0).astype(int)
    return X, y


def make_linear_recurrence(n_samples, n_timesteps=25, random_state=0):
    """Targets of a known stable linear system x_t = A x_{t-1} + U s_t, read at the end."""
    rng = np.random.RandomState(random_state)
    A = np.array([[0.9, 0.2], [-0.2, 0.8]])
    U = rng.normal(size=(2, 3))
    X = rng.normal(size=(n_samples, n_timesteps, 3))
    state = np.zeros((n_samples, 2))
    for t in range(n_timesteps):
        state = state @ A.T + X[:, t] @ U.T
    return X, state


# A hand-built AL-RNN with M = 3 units, the last P = 2 ReLU, one input feature.
HAND_BUILT_A = np.array([0.5, 0.4, 0.3])
HAND_BUILT_W = np.array([[0.1, -0.6, 0.4], [0.3, 0.2, -0.5], [-0.4, 0.7, 0.1]])
HAND_BUILT_H = np.array([0.2, 0.5, -0.3])
HAND_BUILT_C = np.array([[1.0], [0.5], [-1.0]])


def lozi_map(a=1.7, b=0.5):
    """The Lozi map x' = 1 - a|x| + y, y' = b x as an AL-RNN: units (y, x, -x), the last two ReLU, so that
    |x| = relu(x) + relu(-x); chaotic at (1.7, 0.5), with exponents 0.4702 and -1.1634 (Sprott 2003),
    escaping to infinity beyond a = 2."""
    W = np.array([[0.0, b, -b], [1.0, -a, -a], [-1.0, a, a]])
    return ALRNNForecaster.from_parameters(np.zeros(3), W, np.array([0.0, 1.0, -1.0]), np.zeros((2, 1)), n_nonlinear=2)


def hand_built_step(z, s=0.0):
    """One step of the hand-built model, written out by hand."""
    phi = z.copy()
    phi[1:] = np.maximum(phi[1:], 0)
    return HAND_BUILT_A * z + HAND_BUILT_W @ phi + HAND_BUILT_H + HAND_BUILT_C[:, 0] * s


@pytest.fixture(scope="session")
def sign_memory_data():
    return make_sign_memory(1500, random_state=0)


@pytest.fixture(scope="session")
def fitted_memory_classifier(sign_memory_data):
    X, y = sign_memory_data
    return ALRNNClassifier(n_hidden=16, n_nonlinear=2, random_state=0).fit(X[:1200], y[:1200])


@pytest.fixture(scope="session")
def linear_recurrence_data():
    return make_linear_recurrence(600, random_state=1)


@pytest.fixture(scope="session")
def fitted_linear_regressor(linear_recurrence_data):
    X, Y = linear_recurrence_data
    return ALRNNRegressor(n_hidden=8, n_nonlinear=0, random_state=0).fit(X[:500], Y[:500, 0])


@pytest.fixture
def ragged_sequences():
    rng = np.random.RandomState(3)
    lengths = [7, 3, 5, 1, 6]
    return [rng.normal(size=(n, 2)) for n in lengths]


# The CUDA tests need NUMBA_ENABLE_CUDASIM (or a GPU) set before numba is imported,
# so they run in a process of their own (tests/test_cuda_simulator.py starts it).
collect_ignore = [] if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1" or os.environ.get("ALRNN_CUDA_TESTS") else ["cuda"]
