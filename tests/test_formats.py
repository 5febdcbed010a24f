"""Other libraries' layouts: aeon / sktime (channels first) and tslearn."""

import numpy as np
import pytest

from sklearn_alrnn import (
    from_aeon,
    from_tslearn,
    to_aeon,
    to_tslearn,
)

pd = pytest.importorskip("pandas")


def test_aeon_and_tslearn_converters_round_trip_exactly():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(5, 9, 3))
    aeon = to_aeon(X)
    assert aeon.shape == (5, 3, 9)
    np.testing.assert_array_equal(aeon[2, 1], X[2, :, 1])
    np.testing.assert_array_equal(from_aeon(aeon), X)
    ragged = [rng.normal(size=(n, 2)) for n in (4, 7, 1)]
    aeon_list = to_aeon(ragged)
    assert [a.shape for a in aeon_list] == [(2, 4), (2, 7), (2, 1)]
    for got, expected in zip(from_aeon(aeon_list), ragged):
        np.testing.assert_array_equal(got, expected)
    padded = to_tslearn(ragged)
    assert padded.shape == (3, 7, 2) and np.isnan(padded[0, 4:]).all()
    np.testing.assert_array_equal(from_tslearn(padded), padded)
    with pytest.raises(ValueError, match="Complex data not supported"):  # a float cast dropped the imaginary part
        from_tslearn(padded + 1j)
    for got, expected in zip(to_aeon(padded), aeon_list):
        np.testing.assert_array_equal(got, expected)
    with pytest.raises(ValueError, match=r"\(n_samples, n_channels, n_timesteps\); got shape \(5, 9\)"):
        from_aeon(X[:, :, 0])
    # A case transposed by mistake (steps first) shows as a change of channel count, named where it
    # happens rather than as features that differ when an estimator reads the list.
    with pytest.raises(ValueError, match=r"same channels; item 0 has 2, item 2 7 \(shape \(7, 2\), channels first\)"):
        from_aeon([aeon_list[0], aeon_list[1], ragged[1]])


def test_to_tslearn_returns_a_new_array():
    X = np.random.RandomState(0).normal(size=(3, 5, 2))
    converted = to_tslearn(X)
    np.testing.assert_array_equal(converted, X)
    converted[0, 0, 0] = 99.0
    assert X[0, 0, 0] != 99.0
