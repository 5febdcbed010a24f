"""Features whose amplitudes differ by orders of magnitude between sequences are read per sequence."""

import pickle
import warnings

import numpy as np
import pytest

from sklearn_alrnn import ALRNNClassifier, ALRNNRegressor, RegimeDecomposer, SequenceScaler, load
from sklearn_alrnn._inputs import AMPLITUDE_SPREAD_LIMIT, amplitude_spread
from sklearn_alrnn.analysis import fixed_point
from sklearn_alrnn._input_features import read_per_sequence

# Without time warps: with them the waves need more epochs than 60 (1.0 at the default budget).
QUICK = dict(n_hidden=8, max_iter=60, random_state=0, time_warping=0)


def make_waves(n, seed, n_steps=40):
    """Sines against square waves of random phase, amplitudes log-uniform over 1e-4 to 1e4."""
    rng = np.random.RandomState(seed)
    y = rng.randint(2, size=n)
    wave = np.sin(2 * np.pi * np.arange(n_steps) / 10 + rng.uniform(0, 2 * np.pi, size=(n, 1)))
    wave = np.where(y[:, None] == 1, np.sign(wave), wave)
    return (10 ** rng.uniform(-4, 4, size=(n, 1)) * wave)[..., None], y


@pytest.fixture(scope="module")
def waves():
    return make_waves(200, 0), make_waves(200, 1)


@pytest.fixture(scope="module")
def wave_classifier(waves):
    (X, y), _ = waves
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ALRNNClassifier(**QUICK).fit(X, y)


def test_amplitude_spread_measures_the_sequences_standard_deviations():
    rng = np.random.RandomState(0)
    amplitudes = np.logspace(-3, 2, 40)[:, None]  # standard deviations from 0.001 to 100
    X = rng.normal(size=(40, 30, 3))
    X[..., 0] *= amplitudes
    X[..., 2] = 0.0
    X[::2, 5, 2] = 1.0  # pulses, constant in half the sequences: not a spread of amplitudes
    spread = amplitude_spread(X, np.full(40, 30))
    assert 2e4 < spread[0] < 1e5 and spread[0] > AMPLITUDE_SPREAD_LIMIT
    assert 1 < spread[1] < 2 and spread[2] == pytest.approx(1.0)


def test_reading_per_sequence_loses_nothing_and_leaves_padding_zero():
    rng = np.random.RandomState(1)
    lengths = np.array([7, 3, 5, 1])
    X = rng.normal(size=(4, 7, 3)) * np.array([1e-3, 1.0, 1e250])
    X[2, :, 1] = 4.0  # a constant sequence
    X[np.arange(7)[None, :] >= lengths[:, None]] = 0.0
    floor = np.array([1e-9, 1e-6])
    read = read_per_sequence(X, lengths, np.array([1, 2]), floor)
    assert read.shape == (4, 7, 3 + 4) and np.isfinite(read).all()
    for i, n in enumerate(lengths):
        np.testing.assert_array_equal(read[i, :n, 0], X[i, :n, 0])  # not listed: as given
        for column, feature in ((1, 1), (2, 2)):
            k = column - 1
            values = read[i, :n, feature]
            mean, log_std = read[i, :n, 3 + k], read[i, :n, 5 + k]
            assert np.ptp(mean) == 0 and np.ptp(log_std) == 0  # constant over the sequence
            np.testing.assert_allclose(mean + np.exp(log_std) * values, X[i, :n, feature], rtol=1e-12, atol=1e-12)
            if n > 1 and not (i == 2 and feature == 1):
                np.testing.assert_allclose([values.mean(), values.std()], [0, 1], atol=1e-12)
        assert not read[i, n:].any()
    np.testing.assert_array_equal(read[2, :5, 1], 0.0)  # the constant sequence reads as zeros
    assert read[2, 0, 5] == np.log(floor[0])


def test_a_feature_whose_amplitudes_spread_is_read_per_sequence(waves, wave_classifier):
    (X, y), (X_test, y_test) = waves
    assert wave_classifier.per_sequence_features_.tolist() == [0]
    assert wave_classifier.n_features_in_ == 1
    assert wave_classifier.C_.shape == (8, 3)  # the feature, its sequence's mean and log deviation
    assert wave_classifier.score(X_test, y_test) >= 0.95
    # Standardised over all sequences instead, the small ones are nearly constant to the network.
    scaler = SequenceScaler().fit(X)
    with pytest.warns(UserWarning, match=r"input feature 0 differ by a factor of .*standardize_inputs=True reads"):
        global_only = ALRNNClassifier(standardize_inputs=False, **QUICK).fit(scaler.transform(X), y)
    assert global_only.per_sequence_features_.size == 0
    assert global_only.score(scaler.transform(X_test), y_test) < 0.8


def test_per_sequence_reads_every_feature_on_request_and_not_otherwise():
    rng = np.random.RandomState(2)
    X, y = rng.normal(size=(30, 12, 3)), rng.normal(size=30)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        every = ALRNNRegressor(standardize_inputs="per_sequence", **QUICK).fit(X, y)
        default = ALRNNRegressor(**QUICK).fit(X, y)
    assert every.per_sequence_features_.tolist() == [0, 1, 2]
    assert every.C_.shape == (8, 2 * (3 + 6)) and every.n_features_in_ == 3  # with input differences
    assert default.per_sequence_features_.size == 0 and default.C_.shape == (8, 6)
    with pytest.raises(ValueError, match="X has 2 features, but ALRNNRegressor is expecting 3"):
        every.predict(X[..., :2])
    with pytest.raises(ValueError, match="standardize_inputs"):
        ALRNNRegressor(standardize_inputs="per_feature").fit(X, y)


def test_a_model_reading_per_sequence_saves_and_pickles(tmp_path, waves, wave_classifier):
    _, (X_test, _) = waves
    expected = wave_classifier.predict_proba(X_test)
    wave_classifier.save(tmp_path / "model.alrnn")
    loaded = load(tmp_path / "model.alrnn")
    np.testing.assert_array_equal(loaded.per_sequence_features_, [0])
    np.testing.assert_array_equal(loaded.predict_proba(X_test), expected)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(wave_classifier)).predict_proba(X_test), expected)


def test_a_corrupt_list_of_per_sequence_features_is_refused(wave_classifier):
    fitted, arrays = wave_classifier._portable_state()
    for changes, message in (
        (dict(per_sequence_features=[1]), "per_sequence_features must be increasing feature indices below 1"),
        (dict(per_sequence_features=["0"]), "per_sequence_features must be"),
        (dict(per_sequence_features=[]), r"sequence_scale_floor must be 0 finite numbers"),
        (dict(sequence_scale_floor=None), "must be given together"),
        (dict(sequence_scale_floor=[0.0]), r"sequence_scale_floor must be 1 finite numbers > 0"),
    ):
        with pytest.raises(ValueError, match=message):
            ALRNNClassifier(**QUICK)._restore_portable_state(dict(fitted, **changes), dict(arrays))


def test_regimes_read_a_constant_input_as_a_constant_sequence(waves, wave_classifier):
    (X, _), _ = waves
    decomposer = RegimeDecomposer(wave_classifier, prefit=True, constant_input=[2.5]).fit(X[:20])
    constant = np.full((1, 6, 1), 2.5)
    read = wave_classifier._model_inputs(constant, np.array([6]))[0]
    np.testing.assert_array_equal(read[1:], np.repeat(read[:1], 5, axis=0))  # the same at every step
    model = wave_classifier
    for found in decomposer.fixed_points_:
        point = fixed_point(model.a_, model.W_, model.h_, found.code, model.n_nonlinear_, C=model.C_,
                            constant_input=read[0])
        np.testing.assert_allclose(found.point, point.point)


def test_constant_sequences_and_float32_read_finitely(waves):
    (X, y), (X_test, _) = waves
    X = X.copy()
    X[:5] = 3.0  # constant sequences: they read as zeros beside their mean and the floor's log
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ALRNNClassifier(dtype="float32", **QUICK).fit(X, y)
    assert model.per_sequence_features_.tolist() == [0]
    probabilities = model.predict_proba(np.concatenate([X_test[:5], np.full((2, 40, 1), -7.0)]))
    assert probabilities.dtype == np.float32 and np.isfinite(probabilities).all()
