"""ALRNNForecaster's noise model: the one-step residuals' covariance and free runs driven by it."""

import copy
import pickle
import warnings

import numpy as np
import pytest

from sklearn_alrnn import ALRNNForecaster, load

NOISE_COVARIANCE = np.array([[0.25, 0.1], [0.1, 0.16]])
AR_COEFFICIENTS = np.array([0.9, 0.7])


def noisy_autoregression(n_steps, seed=0):
    """x_t = diag(AR_COEFFICIENTS) x_{t-1} + e_t, e_t ~ N(0, NOISE_COVARIANCE)."""
    rng = np.random.default_rng(seed)
    noise = rng.multivariate_normal(np.zeros(2), NOISE_COVARIANCE, size=n_steps)
    x = np.zeros((n_steps, 2))
    for t in range(1, n_steps):
        x[t] = AR_COEFFICIENTS * x[t - 1] + noise[t]
    return x


@pytest.fixture(scope="module")
def fitted_autoregression():
    X = noisy_autoregression(20_000)
    model = ALRNNForecaster(n_hidden=4, n_nonlinear=0, max_iter=30, n_init=1, random_state=0)
    return model.fit(X), X


def linear_forecaster(a, noise_covariance, mean=(0.0, 0.0), scale=(1.0, 1.0), C=None):
    """A forecaster with the map x_t = a x_{t-1} (+ C s_t) of two observed units and no latent ones,
    whose one-step errors have ``noise_covariance`` in the data's units."""
    scale = np.asarray(scale)
    return ALRNNForecaster.from_parameters(
        np.asarray(a, dtype=float), np.zeros((2, 2)), np.zeros(2), np.zeros((0, 2)), n_nonlinear=0, C=C,
        mean=np.asarray(mean), scale=scale, residual_covariance=noise_covariance / np.outer(scale, scale),
    )


def test_residual_covariance_is_that_of_predicts_one_step_errors_and_finds_the_true_noise(fitted_autoregression):
    model, X = fitted_autoregression
    errors = (X[1:] - model.predict(X)[:-1]) / model.scale_  # in the units the map acts on
    np.testing.assert_allclose(model.residual_covariance_, np.cov(errors, rowvar=False, ddof=0), rtol=1e-10)
    in_data_units = model.residual_covariance_ * np.outer(model.scale_, model.scale_)
    np.testing.assert_allclose(in_data_units, NOISE_COVARIANCE, rtol=0.1, atol=0.01)


def test_a_noise_driven_run_of_a_linear_map_has_its_stationary_covariance():
    model = linear_forecaster(AR_COEFFICIENTS, NOISE_COVARIANCE, mean=(10.0, -5.0), scale=(3.0, 0.5))
    run = model.generate(200_001, x0=[10.0, -5.0], process_noise=1.0, random_state=0)[1:]
    # For diagonal A: Cov_ij = Sigma_ij / (1 - a_i a_j).
    stationary = NOISE_COVARIANCE / (1.0 - np.outer(AR_COEFFICIENTS, AR_COEFFICIENTS))
    np.testing.assert_allclose(np.cov(run, rowvar=False), stationary, rtol=0.05)
    np.testing.assert_allclose(run.mean(axis=0), [10.0, -5.0], atol=0.02)
    lag_one = [np.corrcoef(run[1:, i], run[:-1, i])[0, 1] for i in range(2)]
    np.testing.assert_allclose(lag_one, AR_COEFFICIENTS, atol=0.01)
    doubled = model.generate(200_001, x0=[10.0, -5.0], process_noise=2.0, random_state=0)[1:]
    np.testing.assert_allclose(doubled - [10.0, -5.0], 2.0 * (run - [10.0, -5.0]), atol=1e-9)  # linear in the noise


def test_the_noise_adds_to_the_exogenous_drive_without_replacing_it():
    C = np.array([[1.0], [-2.0]])
    model = linear_forecaster([0.0, 0.0], NOISE_COVARIANCE, mean=(1.0, 2.0), scale=(0.1, 4.0), C=C)
    exog = np.sin(np.arange(100_000) * 0.01)[:, None]
    driven = model.generate(100_001, x0=[1.0, 2.0], exog=exog)
    noisy = model.generate(100_001, x0=[1.0, 2.0], exog=exog, process_noise=1.0, random_state=1)
    np.testing.assert_allclose(driven[1:], [1.0, 2.0] + [0.1, 4.0] * (exog @ C.T), atol=1e-12)
    np.testing.assert_allclose(np.cov(noisy[1:] - driven[1:], rowvar=False), NOISE_COVARIANCE, rtol=0.05)


def test_no_noise_is_the_deterministic_run_and_the_draws_follow_random_state(fitted_autoregression):
    model, X = fitted_autoregression
    np.testing.assert_array_equal(model.generate(300, process_noise=0.0), model.generate(300))
    np.testing.assert_array_equal(model.forecast(X[:400], 50, process_noise=0.0), model.forecast(X[:400], 50))
    first = model.forecast(X[:400], 50, process_noise=1.0, random_state=3)
    np.testing.assert_array_equal(first, model.forecast(X[:400], 50, process_noise=1.0, random_state=3))
    assert not np.allclose(first, model.forecast(X[:400], 50, process_noise=1.0, random_state=4))
    np.testing.assert_array_equal(
        model.generate(300, process_noise=1.0, random_state=5), model.generate(300, process_noise=1.0, random_state=5)
    )


def test_forecast_sample_paths_spread_as_the_noise_model_says():
    """One step ahead, a sample path's spread around the deterministic forecast is the noise's."""
    model = linear_forecaster(AR_COEFFICIENTS, NOISE_COVARIANCE)
    context = np.ones((5, 2))
    mean_path = model.forecast(context, 1)
    paths = np.stack([model.forecast(context, 1, process_noise=1.0, random_state=seed)[0] for seed in range(4000)])
    np.testing.assert_allclose(paths.mean(axis=0), mean_path[0], atol=0.03)
    np.testing.assert_allclose(np.cov(paths, rowvar=False), NOISE_COVARIANCE, rtol=0.1)


def test_the_covariance_is_saved_loaded_and_pickled(tmp_path, fitted_autoregression):
    model, _ = fitted_autoregression
    model.save(tmp_path / "model.alrnn")
    for restored in (load(tmp_path / "model.alrnn"), pickle.loads(pickle.dumps(model))):
        np.testing.assert_array_equal(restored.residual_covariance_, model.residual_covariance_)
        draws = dict(process_noise=1.0, random_state=0)
        np.testing.assert_array_equal(restored.generate(200, **draws), model.generate(200, **draws))


def test_a_model_without_the_covariance_refuses_noise_and_runs_without(tmp_path, fitted_autoregression):
    model, _ = fitted_autoregression
    bare = ALRNNForecaster.from_parameters(model.a_, model.W_, model.h_, model.L_, n_nonlinear=0)
    assert bare.residual_covariance_ is None
    with pytest.raises(ValueError, match="lacks"):
        bare.generate(10, process_noise=1.0)
    assert bare.generate(10).shape == (10, 2)
    bare.save(tmp_path / "bare.alrnn")
    with pytest.raises(ValueError, match="from_parameters without residual_covariance"):
        load(tmp_path / "bare.alrnn").forecast(np.zeros((3, 2)), 5, process_noise=0.5)
    by_hand = copy.deepcopy(model)  # a model whose attributes were set one by one
    del by_hand.residual_covariance_
    by_hand.save(tmp_path / "by_hand.alrnn")
    assert load(tmp_path / "by_hand.alrnn").residual_covariance_ is None
    with pytest.raises(ValueError, match="lacks"):
        by_hand.generate(5, process_noise=1.0)
    state = model.__getstate__()
    del state["residual_covariance_"]  # a pickle of a version before the noise model
    old = ALRNNForecaster.__new__(ALRNNForecaster)
    old.__setstate__(state)
    assert old.residual_covariance_ is None and old.generate(5).shape == (5, 2)


def test_a_map_whose_one_step_predictions_overflowed_refuses_noise_by_name(tmp_path):
    # Training that blows up (a step size of 1, noise of 5) keeps a map whose one-step predictions
    # on the series overflow, so the residuals' covariance is NaN. Noise-driven runs ended inside
    # NumPy's eigh with "LinAlgError: Eigenvalues did not converge".
    t = np.arange(300) * 0.3
    X = np.column_stack([np.sin(t * (k + 1)) for k in range(3)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the blow-up and the overflow, warned of as designed
        model = ALRNNForecaster(noise=5.0, batch_size=64, learning_rate_init=1.0, n_init=1, max_iter=2,
                                random_state=0).fit(X)
    assert not np.all(np.isfinite(model.residual_covariance_))
    message = "residual_covariance_.*not finite: the one-step predictions on the training series left the floating"
    with pytest.raises(ValueError, match=message):
        model.generate(10, process_noise=1.0)
    with pytest.raises(ValueError, match=message):
        model.forecast(X[:20], 5, process_noise=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert model.generate(10).shape == (10, 3)  # the deterministic run is still there to look at
    # Saved, it loads as it was (the file's non-finite covariance was refused: a model saved but lost).
    model.save(tmp_path / "unstable.alrnn")
    loaded = load(tmp_path / "unstable.alrnn")
    np.testing.assert_array_equal(loaded.residual_covariance_, model.residual_covariance_)
    with pytest.raises(ValueError, match=message):
        loaded.generate(10, process_noise=1.0)


@pytest.mark.parametrize("process_noise", [-1.0, np.nan, np.inf, "1", True, None])
def test_bad_process_noise_is_named(fitted_autoregression, process_noise):
    model, X = fitted_autoregression
    with pytest.raises(ValueError, match="process_noise must be a finite number >= 0"):
        model.generate(10, process_noise=process_noise)
    with pytest.raises(ValueError, match="process_noise must be a finite number >= 0"):
        model.forecast(X[:10], 5, process_noise=process_noise)


@pytest.mark.parametrize(
    "covariance, message",
    [
        (np.eye(3), r"must be of shape \(2, 2\)"),
        (np.array([[1.0, 0.5], [0.0, 1.0]]), "symmetric"),
        (np.array([[1.0, 2.0], [2.0, 1.0]]), "positive semi-definite"),
        (np.array([[np.nan, 0.0], [0.0, 1.0]]), "finite"),
    ],
)
def test_a_bad_covariance_from_elsewhere_is_named(covariance, message):
    with pytest.raises(ValueError, match=message):
        ALRNNForecaster.from_parameters(
            AR_COEFFICIENTS, np.zeros((2, 2)), np.zeros(2), np.zeros((0, 2)), n_nonlinear=0, residual_covariance=covariance
        )
