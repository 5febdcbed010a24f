"""Process noise for ALRNNForecaster's free runs: the one-step residuals' covariance, and runs
driven by Gaussian noise of that covariance on the observed units.

A deterministic map fitted to a noisy recording follows the recording's conditional mean: its free
runs are narrower than the data and their spectrum too sharp (walking data: standard deviations
0.20-0.84 against 1.11-1.34). The map plus noise with the covariance of its one-step errors,

    z_t = F(z_{t-1}) + C s_t + E e_t,    e_t ~ N(0, process_noise^2 Sigma),

with E the observed units' rows of the identity, is the generative model those errors imply. The
noise enters through the input term, so the engines run it unchanged.
"""

from numbers import Real

import numpy as np
from sklearn.utils import check_random_state

from ._validation import real_array


def residual_covariance(observed, predicted):
    """Covariance (N, N) of the one-step errors ``observed[t + 1] - predicted[t]`` pooled over the
    series (lists of standardised (T, N) arrays), in those units, as the map's parameters are."""
    residuals = np.concatenate([x[1:] - p[:-1] for x, p in zip(observed, predicted)])
    with np.errstate(over="ignore", invalid="ignore"):  # an unstable map's: not finite, refused where noise is drawn
        return np.atleast_2d(np.cov(residuals.astype(np.float64), rowvar=False, ddof=0))


def check_residual_covariance(covariance, n_features, as_fitted=False):
    """``covariance`` as a finite, symmetric, positive semi-definite (N, N) float array; ``as_fitted``
    (a model file's) may also be as :func:`residual_covariance` left an unstable map's: not finite."""
    covariance = real_array(covariance, "residual_covariance")
    if covariance.shape != (n_features, n_features):
        raise ValueError(f"residual_covariance must be of shape {(n_features, n_features)}; got shape {covariance.shape}.")
    if not np.all(np.isfinite(covariance)):
        if as_fitted:
            return covariance
        raise ValueError("residual_covariance must hold finite values.")
    if not np.allclose(covariance, covariance.T, rtol=1e-8, atol=1e-12 * max(1.0, np.abs(covariance).max())):
        raise ValueError("residual_covariance must be symmetric.")
    if np.linalg.eigvalsh(covariance)[0] < -1e-8 * max(1.0, np.abs(covariance).max()):
        raise ValueError("residual_covariance must be positive semi-definite (a covariance matrix).")
    return covariance


def check_process_noise(process_noise, covariance):
    """``process_noise`` as a float >= 0; a positive one needs the model's ``residual_covariance_``."""
    if isinstance(process_noise, bool) or not isinstance(process_noise, Real) or not process_noise >= 0 \
            or not np.isfinite(process_noise):
        raise ValueError(f"process_noise must be a finite number >= 0; got {process_noise!r}.")
    if process_noise > 0 and covariance is None:
        raise ValueError(
            "process_noise > 0 needs the one-step residuals' covariance (residual_covariance_), which this model "
            "lacks: it was built by from_parameters without residual_covariance, or saved by a version before it. "
            "Refit it, or pass from_parameters(..., residual_covariance=...)."
        )
    if process_noise > 0 and not np.all(np.isfinite(covariance)):
        raise ValueError(
            "process_noise > 0 draws noise of the one-step residuals' covariance (residual_covariance_), which is "
            "not finite: the one-step predictions on the training series left the floating-point range (fit warned "
            "of it), so the fitted map is unstable. Refit it, e.g. with a lower learning_rate_init."
        )
    return float(process_noise)


def noisy_drive(C, inputs, covariance, process_noise, random_state):
    """The input weights and inputs (n_steps, K) of a run with process noise: ``C`` with the
    observed units' identity columns appended, and ``inputs`` with Gaussian draws of covariance
    ``process_noise^2 covariance`` (N, N) appended. Returns ``C`` and ``inputs`` themselves for
    ``process_noise`` 0."""
    if process_noise == 0:
        return C, inputs
    N = len(covariance)
    values, vectors = np.linalg.eigh(covariance)
    factor = vectors * np.sqrt(np.clip(values, 0.0, None))  # factor @ factor.T == covariance
    draws = check_random_state(random_state).standard_normal((len(inputs), N)) @ factor.T
    observed = np.zeros((C.shape[0], N), dtype=C.dtype)
    observed[:N] = np.eye(N)
    noisy_inputs = np.concatenate([inputs, (process_noise * draws).astype(inputs.dtype)], axis=1)
    return np.ascontiguousarray(np.concatenate([C, observed], axis=1)), noisy_inputs
