"""The model's definitions: which units are nonlinear, regime codes, initialisation."""

import numpy as np
import pytest

from sklearn_alrnn._model import LRU_DIAGONAL_RANGE, initialize_parameters, phi, regime_codes


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


def test_lru_initialisation_starts_slow_with_bounded_state_variance():
    rng = np.random.RandomState(0)
    M, K = 400, 3
    params = initialize_parameters(M, K, 2, rng, init="lru", n_readout_features=2 * M)
    a, C = params["a"], params["C"]
    assert a.min() >= LRU_DIAGONAL_RANGE[0] and a.max() <= LRU_DIAGONAL_RANGE[1]
    # Drawn uniformly by area on the ring: the median |a|^2 sits mid-way between the bounds.
    assert np.median(a**2) == pytest.approx(np.mean(np.square(LRU_DIAGONAL_RANGE)), abs=0.01)
    assert params["B"].shape == (2, 2 * M)
    # Each linear unit driven by unit-variance white noise has stationary variance
    # |C_i|^2 / (1 - a_i^2), which the input scaling keeps near 1 whatever a_i.
    stationary = (C**2).sum(axis=1) / (1 - a**2)
    assert 0.8 < stationary.mean() < 1.2
    assert np.corrcoef(stationary, a)[0, 1] == pytest.approx(0, abs=0.15)


def test_dsr_initialisation_keeps_its_draws():
    """The default dynamical-systems start is unchanged by the "lru" option (pinned fits rely on it)."""
    rng = np.random.RandomState(3)
    params = initialize_parameters(4, 2, 1, rng)
    rng = np.random.RandomState(3)
    R = rng.standard_normal((4, 4))
    K = R.T @ R / 4 + np.eye(4)
    np.testing.assert_allclose(params["a"], np.diag(K / np.max(np.linalg.eigvalsh(K))))
