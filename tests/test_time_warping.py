"""``time_warping``: every training epoch reads each sequence along a fresh random time warp."""

import pickle

import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_alrnn import ALRNNClassifier, ALRNNRegressor, load
from sklearn_alrnn._augmentation import WARP_KNOTS, lag_one_autocorrelation, time_warped, warp_speeds


def reference_warp(x, speeds):
    """One sequence (L, K) along the warp of knot speeds ``speeds``, written with np.interp."""
    length = len(x)
    speed = np.interp(np.arange(length - 1), np.linspace(0, length - 1, len(speeds)), speeds)
    clock = np.concatenate([[0.0], np.cumsum(speed)])
    clock *= (length - 1) / clock[-1]
    return np.column_stack([np.interp(clock, np.arange(length), x[:, k]) for k in range(x.shape[1])])


@pytest.fixture(scope="module")
def smooth_data():
    """Two classes of noisy sines (one or two bumps per sequence) with random phases."""
    rng = np.random.RandomState(0)
    t = np.linspace(0, 1, 40)
    y = rng.randint(2, size=60)
    phase = rng.uniform(0, 2 * np.pi, size=(60, 1))
    X = np.sin(2 * np.pi * (1 + y[:, None]) * t + phase)[..., None] + 0.05 * rng.normal(size=(60, 40, 1))
    return X, y


@pytest.fixture(scope="module")
def warped_fit(smooth_data):
    X, y = smooth_data
    return ALRNNClassifier(n_hidden=6, n_nonlinear=2, max_iter=8, random_state=0).fit(X, y)


def test_the_kernel_reads_each_sequence_along_its_random_warp():
    rng = np.random.RandomState(1)
    lengths = np.array([30, 7, 2, 18])
    X = np.zeros((4, 30, 3))
    for i, n in enumerate(lengths):
        X[i, :n] = rng.normal(size=(n, 3))
    speeds = warp_speeds(4, 0.4, np.random.RandomState(5))
    assert speeds.shape == (4, WARP_KNOTS) and speeds.min() >= 0.1
    drawn = 1 + 0.4 * np.random.RandomState(5).normal(size=(4, WARP_KNOTS))
    np.testing.assert_array_equal(speeds, np.maximum(drawn, 0.1))
    warped = time_warped(X, lengths, speeds, n_columns=2)
    for i, n in enumerate(lengths):
        expected = reference_warp(X[i, :n, :2], speeds[i]) if n >= 3 else X[i, :n, :2]
        np.testing.assert_allclose(warped[i, :n, :2], expected, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(warped[..., 2], X[..., 2])  # a column left out (the clock) is copied
    np.testing.assert_array_equal(warped[0, [0, 29]], X[0, [0, 29]])  # the ends stay
    assert not np.allclose(warped[0, :, :2], X[0, :, :2])  # and the inside moves
    np.testing.assert_array_equal(warped[1, 7:], 0.0)  # padding stays zero


def test_a_warp_keeps_the_order_of_values_and_a_uniform_speed_changes_nothing():
    ramp = np.linspace(-1, 1, 50)[None, :, None]
    lengths = np.array([50])
    warped = time_warped(ramp, lengths, warp_speeds(1, 0.8, np.random.RandomState(0)), n_columns=1)[0, :, 0]
    assert np.all(np.diff(warped) >= 0) and np.abs(warped - ramp[0, :, 0]).max() > 0.01
    identity = time_warped(ramp, lengths, np.full((1, WARP_KNOTS), 2.5), n_columns=1)
    np.testing.assert_allclose(identity, ramp, rtol=0, atol=1e-12)


def test_the_lag_one_autocorrelation_tells_smooth_signals_from_independent_draws():
    t = np.arange(200)
    sine = np.sin(0.1 * t)[None, :, None]
    assert lag_one_autocorrelation(sine, np.array([200])) == pytest.approx(np.cos(0.1), abs=0.01)
    noise = np.random.RandomState(0).normal(size=(50, 40, 2))
    assert abs(lag_one_autocorrelation(noise, np.full(50, 40))) < 0.05
    blocks = lag_one_autocorrelation(noise + sine[:, :40], np.full(50, 40), block_values=7 * 40 * 2)
    assert blocks == pytest.approx(lag_one_autocorrelation(noise + sine[:, :40], np.full(50, 40)), rel=1e-12)
    offsets = np.repeat(np.arange(5.0)[:, None, None], 10, axis=1)  # constant within each sequence
    assert lag_one_autocorrelation(offsets, np.full(5, 10)) == 0.0
    padded = np.zeros((2, 30, 1))  # the padding beyond each length is not data
    padded[0, :10, 0], padded[1, :30, 0] = np.sin(0.1 * np.arange(10)), np.sin(0.1 * np.arange(30))
    mixed = lag_one_autocorrelation(padded, np.array([10, 30]))
    assert mixed == pytest.approx(lag_one_autocorrelation(padded[1:], np.array([30])), abs=0.05)


def test_the_lag_one_autocorrelation_does_not_depend_on_the_units():
    smooth = np.sin(0.1 * np.arange(40))[None, :, None] + np.random.RandomState(0).normal(size=(50, 40, 2))
    in_units = lag_one_autocorrelation(smooth, np.full(50, 40))
    with np.errstate(over="raise", invalid="raise"):  # products of values near 1e200 overflow
        for unit in (1e-300, 1e200, 1e300):
            assert lag_one_autocorrelation(smooth * unit, np.full(50, 40), block_values=7 * 40 * 2) == pytest.approx(
                in_units, rel=1e-12
            )
    huge_last_block = smooth.copy()
    huge_last_block[-5:] *= 1e150
    assert lag_one_autocorrelation(huge_last_block, np.full(50, 40), block_values=7 * 40 * 2) == pytest.approx(
        lag_one_autocorrelation(huge_last_block, np.full(50, 40)), rel=1e-9
    )


def test_auto_warps_smooth_sequence_to_one_inputs_only(smooth_data, warped_fit):
    X, y = smooth_data
    settings = dict(n_hidden=4, max_iter=1, random_state=0)
    assert warped_fit.time_warping_ == 0.3
    noise = np.random.RandomState(0).normal(size=X.shape)
    assert ALRNNClassifier(**settings).fit(noise, y).time_warping_ == 0.0
    assert ALRNNClassifier(time_warping=0.5, **settings).fit(noise, y).time_warping_ == 0.5
    assert ALRNNClassifier(time_warping=0, **settings).fit(X, y).time_warping_ == 0.0
    per_step_labels = np.repeat(y[:, None], X.shape[1], axis=1)
    assert ALRNNClassifier(per_step=True, time_warping=0.5, **settings).fit(X, per_step_labels).time_warping_ == 0.0
    tokens = (np.abs(X[..., 0]) * 3).astype(int)
    assert ALRNNClassifier(input_type="tokens", **settings).fit(tokens, y).time_warping_ == 0.0
    assert ALRNNRegressor(**settings).fit(X, y.astype(float)).time_warping_ == 0.0
    with pytest.raises(InvalidParameterError, match="time_warping"):
        ALRNNClassifier(time_warping=-0.1, **settings).fit(X, y)


def test_a_batch_reads_warped_features_and_an_unwarped_clock(smooth_data):
    X, y = smooth_data
    ragged = [x[: 20 + i % 20] for i, x in enumerate(X)]
    model = ALRNNClassifier(n_hidden=4, max_iter=1, random_state=0).fit(ragged, y)
    assert model.time_warping_ == 0.3 and model.elapsed_steps_moments_ is not None
    padded, lengths = model._checked_inputs(ragged, np.float64, 1, False)
    warps = model._epoch_warps(len(ragged), np.random.RandomState(0))
    assert warps.shape == (len(ragged), WARP_KNOTS)
    rows = np.array([3, 0, 7])
    batch = model._warped_batch(padded[rows], lengths[rows], warps, rows)
    np.testing.assert_array_equal(batch, time_warped(padded, lengths, warps, 1)[rows])  # each sequence its own warp
    assert not np.allclose(batch[..., 0], padded[rows, :, 0])
    np.testing.assert_array_equal(batch[..., -1], padded[rows, :, -1])  # the clock is not warped
    model.time_warping_ = 0.0
    assert model._epoch_warps(len(ragged), np.random.RandomState(0)) is None
    assert model._warped_batch(padded, lengths, None, rows) is padded


def test_warped_fits_are_reproducible_and_do_not_depend_on_n_jobs(smooth_data, warped_fit):
    X, y = smooth_data
    again = ALRNNClassifier(n_hidden=6, n_nonlinear=2, max_iter=8, random_state=0).fit(X, y)
    np.testing.assert_array_equal(again.W_, warped_fit.W_)
    unwarped = ALRNNClassifier(n_hidden=6, n_nonlinear=2, max_iter=8, random_state=0, time_warping=0).fit(X, y)
    assert not np.allclose(unwarped.W_, warped_fit.W_)
    settings = dict(n_hidden=4, max_iter=3, random_state=0, n_init=2)
    one, two = (ALRNNClassifier(n_jobs=n, **settings).fit(X, y) for n in (1, 2))
    np.testing.assert_array_equal(one.W_, two.W_)


def test_save_load_and_pickle_keep_the_strength(smooth_data, warped_fit, tmp_path):
    X, _ = smooth_data
    path = tmp_path / "warped.alrnn.npz"
    warped_fit.save(path)
    for copy in (load(path), pickle.loads(pickle.dumps(warped_fit))):
        assert copy.time_warping_ == 0.3
        np.testing.assert_array_equal(copy.predict_proba(X), warped_fit.predict_proba(X))
    state, arrays = warped_fit._portable_state()
    del state["time_warping_"]  # a file from before time warps: its fit did not warp
    restored = ALRNNClassifier(n_hidden=6, n_nonlinear=2)
    restored._restore_portable_state(state, arrays)
    assert restored.time_warping_ == 0.0


@pytest.mark.parametrize("value", [-0.3, float("nan"), True, "0.3"])
def test_a_corrupt_strength_in_a_file_is_refused(warped_fit, value):
    state, arrays = warped_fit._portable_state()
    state["time_warping_"] = value
    with pytest.raises(ValueError, match="time_warping_"):
        ALRNNClassifier(n_hidden=6, n_nonlinear=2)._restore_portable_state(state, arrays)
