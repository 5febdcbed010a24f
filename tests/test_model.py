"""The model's definitions: which units are nonlinear, regime codes, initialisation."""

import warnings

import numpy as np
import pytest

from sklearn_alrnn._model import (
    LRU_DIAGONAL_RANGE,
    MAX_INITIAL_GROWTH,
    initialize_parameters,
    phi,
    regime_codes,
)


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


@pytest.mark.parametrize("n_hidden", [8, 32, 128])
def test_lru_initialisation_does_not_grow_over_the_training_length(n_hidden):
    """The coupling W lifts the slowest modes above 1 (a spectral radius of 1.01-1.03 at 32
    units: states past 1e10 over 1500 steps). Given a training length over which the draw
    would amplify a state more than 100-fold, a and W are scaled together to a stable start that keeps
    its slow memory; over short sequences the draw is kept."""
    for seed in range(3):
        drawn = initialize_parameters(n_hidden, 1, 2, np.random.RandomState(seed), init="lru")
        drawn_radius = np.max(np.abs(np.linalg.eigvals(np.diag(drawn["a"]) + drawn["W"])))
        if n_hidden >= 32:  # the case the scaling is for: every draw here is unstable over 1500 steps
            assert drawn_radius > 1
        for n_steps in (5, 1500):
            params = initialize_parameters(n_hidden, 1, 2, np.random.RandomState(seed), init="lru", n_steps=n_steps)
            if drawn_radius**n_steps <= MAX_INITIAL_GROWTH:
                for name in ("a", "W", "C"):
                    np.testing.assert_array_equal(params[name], drawn[name])
                continue
            linear_map = np.diag(params["a"]) + params["W"]  # every unit linear, or every ReLU unit active
            assert np.max(np.abs(np.linalg.eigvals(linear_map))) == pytest.approx(LRU_DIAGONAL_RANGE[1])
            shrink = params["a"] / drawn["a"]  # one common factor on a and W
            np.testing.assert_allclose(shrink, shrink[0])
            np.testing.assert_allclose(params["W"], shrink[0] * drawn["W"])
            # Slow memory is kept at the usual widths (W's pull on it grows with sqrt(n_hidden)).
            assert params["a"].max() > (0.95 if n_hidden <= 32 else 0.9)
            z, largest = np.zeros(n_hidden), 0.0
            for s in np.random.RandomState(seed).standard_normal(n_steps):
                z = linear_map @ z + params["C"][:, 0] * s
                largest = max(largest, np.abs(z).max())
            assert largest < 50  # stationary: unit standard deviations 1-10
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # radius ** n_steps would overflow here
        very_long = initialize_parameters(n_hidden, 1, 2, np.random.RandomState(0), init="lru", n_steps=10**7)
    assert np.max(np.abs(np.linalg.eigvals(np.diag(very_long["a"]) + very_long["W"]))) <= LRU_DIAGONAL_RANGE[1] + 1e-12


def test_dsr_initialisation_keeps_its_draws():
    """The default dynamical-systems start is unchanged by the "lru" option (pinned fits rely on it)."""
    rng = np.random.RandomState(3)
    params = initialize_parameters(4, 2, 1, rng)
    rng = np.random.RandomState(3)
    R = rng.standard_normal((4, 4))
    K = R.T @ R / 4 + np.eye(4)
    np.testing.assert_allclose(params["a"], np.diag(K / np.max(np.linalg.eigvalsh(K))))
