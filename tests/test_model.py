"""The model's definitions: which units are nonlinear, regime codes, initialisation."""

import numpy as np

from sklearn_alrnn._model import initialize_parameters, phi, regime_codes


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
