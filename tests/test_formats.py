"""Other libraries' layouts: aeon / sktime (channels first) and tslearn."""

import warnings

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
    with pytest.raises(ValueError, match="X holds complex numbers"):  # a float cast dropped the imaginary part
        from_tslearn(padded + 1j)
    for got, expected in zip(to_aeon(padded), aeon_list):
        np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(from_aeon(aeon[:, 0]), X[:, :, :1])  # aeon's "numpy2D": univariate
    np.testing.assert_array_equal(from_aeon([case[0] for case in aeon_list])[1], ragged[1][:, :1])
    with pytest.raises(ValueError, match=r"\(n_samples, n_timesteps\) for univariate series; got shape \(5,\)"):
        from_aeon(X[:, 0, 0])
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


def test_series_in_aeons_layout_given_as_they_are_get_a_warning_that_names_from_aeon():
    # Read as (n_samples, n_timesteps, n_features), each time point of aeon's (n, channels, time)
    # was a feature of a sequence of one step per channel, fitted without a word.
    from sklearn_alrnn import ALRNNClassifier, ALRNNForecaster

    rng = np.random.RandomState(0)
    y = np.arange(30) % 2
    message = r"X has 120 features per step and {} steps? per sequence, .* pass sklearn_alrnn.from_aeon\(X\)"
    for channels in (1, 3, 90):  # 90 channels of 120 time points: more features than steps, not twice as many
        aeon = rng.normal(size=(30, channels, 120)).cumsum(axis=2)
        with pytest.warns(UserWarning, match=message.format(channels)):
            ALRNNClassifier(n_hidden=4, max_iter=1).fit(aeon, y)
        with warnings.catch_warnings():
            warnings.filterwarnings("error", message="X has .* features per step")
            ALRNNClassifier(n_hidden=4, max_iter=1).fit(from_aeon(aeon), y)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="X has .* features per step")
        ALRNNClassifier(n_hidden=4, max_iter=1).fit(rng.normal(size=(30, 10, 120)), y)  # e.g. word embeddings
    series = rng.normal(size=(40, 2)).cumsum(axis=0)
    quick = {"max_iter": 1, "n_init": 1, "evaluation_steps": 20, "sequence_length": 10}
    with pytest.warns(UserWarning, match=r"fewer steps than variables \(2 steps of 40 in the first\): .* transpose"):
        ALRNNForecaster(**quick).fit(series.T)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="X's series have fewer steps")
        ALRNNForecaster(**quick).fit(series)
        five = rng.normal(size=(100, 5)).cumsum(axis=0)
        ALRNNForecaster(**quick).fit([five, five[:3]])  # one short series among longer ones


def test_from_aeon_reads_a_panel_dataframe():
    panel = pd.DataFrame({"case": [0, 0, 1, 1, 1], "t": [1, 0, 0, 1, 2],
                          "a": [1.0, 0, 5, 6, 7], "b": [2.0, 1, 5, 6, 7]})
    cases = from_aeon(panel.set_index(["case", "t"]))
    assert [case.tolist() for case in cases] == [[[0, 1], [1, 2]], [[5, 5], [6, 6], [7, 7]]]
    equal = from_aeon(panel[panel["t"] < 2].set_index(["case", "t"]))
    assert equal.shape == (2, 2, 2) and equal[0].tolist() == [[0, 1], [1, 2]]


def test_from_aeon_reads_sktimes_nested_dataframe():
    # Older sktime readers (load_from_tsfile_to_dataframe) return a row per case, a column per channel,
    # each cell a series; from_aeon read it as a (2, 1, 2) array of Series objects.
    nested = pd.DataFrame({"dim_0": [pd.Series([0.0, 1, 2]), pd.Series([5.0, 6])],
                           "dim_1": [pd.Series([9.0, 8, 7]), pd.Series([4.0, 3])]})
    cases = from_aeon(nested)
    assert [case.tolist() for case in cases] == [[[0, 9], [1, 8], [2, 7]], [[5, 4], [6, 3]]]
    equal = from_aeon(nested.iloc[[0, 0]])
    assert equal.shape == (2, 3, 2) and equal[1].tolist() == [[0, 9], [1, 8], [2, 7]]
    assert [case.tolist() for case in to_aeon(nested)] == [[[0, 1, 2], [9, 8, 7]], [[5, 6], [4, 3]]]
