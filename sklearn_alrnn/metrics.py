"""Measures of a dynamical-systems reconstruction: geometry, time scales, prediction, chaos.

The conventions follow the reconstruction literature's evaluation code
(DurstewitzLab; Koppe et al. 2019, Brenner et al. 2022 and 2024, Hess et al.
2023); where this module departs from it, the docstring says so.

- :func:`state_space_divergence` (D_stsp): how differently the true and the
  generated trajectories fill the state space (Kullback-Leibler divergence of
  their occupancy);
- :func:`power_spectrum_distance` (D_H): how differently they oscillate
  (Hellinger distance of smoothed power spectra);
- :func:`prediction_error` (PE_n): the n-step-ahead error from every point;
- :func:`max_lyapunov_exponent`, :func:`lyapunov_spectrum`: the Lyapunov exponents of a fitted
  map, and :func:`kaplan_yorke_dimension`, the attractor dimension they imply;
- :func:`free_run_score`: minus D_stsp of free runs, a scorer for model selection by geometry.
"""

import warnings

import numpy as np
from scipy.ndimage import gaussian_filter1d
from scipy.special import logsumexp
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.validation import check_is_fitted

__all__ = [
    "state_space_divergence",
    "power_spectrum_distance",
    "prediction_error",
    "max_lyapunov_exponent",
    "lyapunov_spectrum",
    "kaplan_yorke_dimension",
    "free_run_score",
]

#: Laplace smoothing of the occupancy histograms (the reference's 1e-5).
HISTOGRAM_SMOOTHING = 1e-5
#: Up to this many dimensions D_stsp bins the state space; above, it compares Gaussian mixtures.
MAX_BINNED_DIMENSIONS = 10
#: Points of each trajectory that the Gaussian-mixture estimate uses, and its Monte-Carlo samples.
MIXTURE_POINTS = 10_000
MIXTURE_SAMPLES = 1_000


def _fitted_forecaster(model, function):
    """``model`` if it is a fitted forecaster; an input-to-output network has no free run to measure."""
    if not hasattr(model, "generate"):
        raise InvalidParameterError(
            f"{function} measures a fitted ALRNNForecaster; got {type(model).__name__}. For the map of "
            "another AL-RNN, fit RegimeDecomposer or use sklearn_alrnn.analysis on its a_, W_, h_."
        )
    check_is_fitted(model, "a_")
    return model


def _trajectory(X, name, allow_nonfinite=False):
    if np.iscomplexobj(X):
        raise ValueError(f"{name} must be real; got complex values.")
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[0] < 2 or X.shape[1] < 1:
        raise ValueError(f"{name} must be a trajectory of shape (n_timesteps >= 2, n_dims); got shape {X.shape}.")
    if not allow_nonfinite and not np.all(np.isfinite(X)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    return X


def _generated(X_gen, n_dims):
    """A generated trajectory (non-finite values allowed: a diverged run) of the true one's ``n_dims``."""
    X_gen = _trajectory(X_gen, "X_gen", allow_nonfinite=True)
    if X_gen.shape[1] != n_dims:
        raise ValueError(f"X_true has {n_dims} dimensions and X_gen {X_gen.shape[1]}; they must match.")
    return X_gen


def _pair(X_true, X_gen):
    X_true = _trajectory(X_true, "X_true")
    return X_true, _generated(X_gen, X_true.shape[1])


def _power_of_two_exponent(X):
    """Per column, the power of two that brings the column's peak into [1, 2).

    Scaling by it (``np.ldexp(X, exponent)``) is exact in floating point unless the data are
    subnormal, so scale-free measures give the same bits as on the data itself, and their moments of
    values near 1e300 do not overflow. ``ldexp`` scales without forming ``2 ** exponent``, which
    for data below 2^-1023 would overflow.
    """
    peak = np.max(np.abs(np.where(np.isfinite(X), X, 0.0)), axis=0)
    return -np.floor(np.log2(np.where(peak > 0, peak, 1.0))).astype(np.int64)


def state_space_divergence(X_true, X_gen, n_bins=30, *, scaling=1.0, random_state=None):
    """Kullback-Leibler divergence KL(p_true || p_gen) of the state-space occupancy (D_stsp).

    Up to ``MAX_BINNED_DIMENSIONS`` (10) dimensions, both trajectories are
    binned on a grid of ``n_bins`` per dimension spanning the true data's range
    widened by 0.1 standard deviation on each side (the reference's Julia
    code); the histograms are Laplace-smoothed, ``p = (count + 1e-5) /
    (n + 1e-5 n_bins^N)``, and all ``n_bins^N`` bins enter the sum (the empty
    ones in closed form, so memory grows with the points, not the grid).
    Departure from the reference: generated points outside the grid, or
    non-finite (a diverged run), still count in the generated total ``n``, so
    a run that leaves the attractor scores worse instead of being ignored.

    Above 10 dimensions, both trajectories are first standardised by the true
    one's mean and standard deviation per dimension (an identity on z-scored
    data, as the reference's are; so, like the grid, the score does not depend
    on the data's units), each is a mixture of isotropic Gaussians of variance
    ``scaling`` on its first 10,000 points, and the divergence is the
    Monte-Carlo estimate of Hershey & Olsen (2007) over 1,000 samples of the
    true mixture (samples where a density underflows are dropped), which near
    0 can come out slightly negative; a non-finite generated point keeps its
    weight in the mixture and adds no density, as a point outside the grid does.

    Parameters
    ----------
    X_true : array-like of shape (n_timesteps, n_dims)
        The reference trajectory (finite).
    X_gen : array-like of shape (n_timesteps_gen, n_dims)
        The generated trajectory; lengths may differ.
    n_bins : int, default=30
        Bins per dimension.
    scaling : float, default=1.0
        Variance of the mixture components, in units of the true trajectory's
        variance (high dimensions only).
    random_state : int, RandomState instance or None
        Monte-Carlo samples (high dimensions only).

    Returns
    -------
    float
        0 for identical occupancy; larger is worse. On z-scored Lorenz-63 with
        30 bins, two independent 100,000-step runs of the true system score
        about 0.1 and a Gaussian with the data's moments about 2.4. Short
        trajectories leave bins nearly empty, which the score reads as a
        mismatch: two runs of the true system score 3.3 over 1,000 steps and
        0.53 over 10,000 (0.68 and 0.10 with 10 bins). Compare scores at one
        length, and use fewer bins for short series.

    Examples
    --------
    Two runs of the true system score near 0, a Gaussian with their moments far from it (about 0.25
    and 3.7-4.0 over 20,000 steps: the runs are chaotic, so their digits follow the machine's
    floating-point rounding, its CPU and BLAS):

    >>> import numpy as np
    >>> from sklearn_alrnn.datasets import make_lorenz63
    >>> from sklearn_alrnn.metrics import state_space_divergence
    >>> X = make_lorenz63(2, 20_000, random_state=0)[0]
    >>> gaussian = np.random.default_rng(0).multivariate_normal(X[0].mean(0), np.cov(X[0].T), 20_000)
    >>> truth, impostor = state_space_divergence(X[0], X[1]), state_space_divergence(X[0], gaussian)
    >>> bool(truth < 0.5 < 2 < impostor)
    True
    """
    return occupancy_reference(X_true, n_bins, scaling=scaling, random_state=random_state).divergence(X_gen)


def occupancy_reference(X_true, n_bins=30, *, scaling=1.0, random_state=None):
    """The true side of :func:`state_space_divergence`, built once: its ``divergence(X_gen)`` is
    ``state_space_divergence(X_true, X_gen, n_bins, scaling=scaling, random_state=random_state)``
    (with the same ``random_state`` for every X_gen), so that a fit scoring its checkpoints against
    one trajectory bins it, or evaluates its mixture, only once."""
    X_true = _trajectory(X_true, "X_true")
    if not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
        raise ValueError(f"n_bins must be a positive integer; got {n_bins!r}.")
    if X_true.shape[1] > MAX_BINNED_DIMENSIONS:
        return _MixtureOccupancy(X_true, scaling, check_random_state(random_state))
    return _BinnedOccupancy(X_true, n_bins)


class _Occupancy:
    """A true trajectory's occupancy; ``divergence`` reads a generated one of as many dimensions."""

    def _generated(self, X_gen):
        X_gen = _generated(X_gen, len(self.exponent))
        with np.errstate(over="ignore"):  # a generated value beyond the range: outside the grid, or not finite
            return np.ldexp(X_gen, self.exponent)


class _BinnedOccupancy(_Occupancy):
    """Up to ``MAX_BINNED_DIMENSIONS``: the true trajectory's grid and its occupied bins."""

    def __init__(self, X_true, n_bins):
        # The grid follows the true data's range, so a common exact rescaling changes nothing.
        self.exponent = _power_of_two_exponent(X_true)
        X_true = np.ldexp(X_true, self.exponent)
        std = X_true.std(axis=0)
        self.low = X_true.min(axis=0) - 0.1 * std
        high = X_true.max(axis=0) + 0.1 * std
        self.width = np.where(high > self.low, (high - self.low) / n_bins, 1.0)
        self.n_bins, self.n_points = n_bins, X_true.shape[0]
        self.bins, self.counts = self._occupied_bins(X_true)

    def _occupied_bins(self, X):
        with np.errstate(invalid="ignore", over="ignore"):  # a diverged run: outside the grid
            index = np.floor((X - self.low) / self.width)
        inside = np.all((index >= 0) & (index < self.n_bins), axis=1)
        flat = np.ravel_multi_index(index[inside].astype(np.int64).T, (self.n_bins,) * X.shape[1])
        return np.unique(flat, return_counts=True)

    def divergence(self, X_gen):
        X_gen = self._generated(X_gen)
        bins_gen, counts_gen = self._occupied_bins(X_gen)
        eps = HISTOGRAM_SMOOTHING
        n_total_bins = float(self.n_bins) ** X_gen.shape[1]
        norm_true = self.n_points + eps * n_total_bins
        norm_gen = X_gen.shape[0] + eps * n_total_bins
        union = np.union1d(self.bins, bins_gen)
        count_true = np.zeros(union.shape[0])
        count_true[np.searchsorted(union, self.bins)] = self.counts
        count_gen = np.zeros(union.shape[0])
        count_gen[np.searchsorted(union, bins_gen)] = counts_gen
        p_true = (count_true + eps) / norm_true
        p_gen = (count_gen + eps) / norm_gen
        occupied = np.sum(p_true * np.log(p_true / p_gen))
        empty_true, empty_gen = eps / norm_true, eps / norm_gen
        empty = (n_total_bins - union.shape[0]) * empty_true * np.log(empty_true / empty_gen)
        return float(occupied + empty)


def _mixture_log_density(samples, centres, variance):
    n_dims = centres.shape[1]
    out = np.empty(samples.shape[0])
    for start in range(0, samples.shape[0], 100):
        chunk = samples[start : start + 100]
        with np.errstate(over="ignore", invalid="ignore"):  # a centre near the float range's end
            squared = (chunk**2).sum(1)[:, None] - 2 * chunk @ centres.T + (centres**2).sum(1)[None, :]
        squared = np.where(np.isnan(squared), np.inf, np.maximum(squared, 0))  # inf - inf: infinitely far
        out[start : start + 100] = logsumexp(-0.5 * squared / variance, axis=1)
    return out - np.log(centres.shape[0]) - 0.5 * n_dims * np.log(2 * np.pi * variance)


class _MixtureOccupancy(_Occupancy):
    """Above ``MAX_BINNED_DIMENSIONS``: the true mixture's Monte-Carlo samples and their log densities."""

    def __init__(self, X_true, variance, rng):
        # In the true trajectory's standard units: squared distances expanded as |x|^2 - 2 x.c + |c|^2
        # lose all precision far from the origin (data of 1e8 scored -5), and the kernels' fixed
        # variance would otherwise mean something else in every unit.
        self.exponent = _power_of_two_exponent(X_true)  # exact; keeps the moments of values near 1e300 finite
        X_true = np.ldexp(X_true, self.exponent)
        self.centre, spread = X_true.mean(axis=0), X_true.std(axis=0)
        self.spread = np.where(spread > 0, spread, 1.0)
        centres_true = ((X_true - self.centre) / self.spread)[:MIXTURE_POINTS]
        picks = rng.randint(0, centres_true.shape[0], size=MIXTURE_SAMPLES)
        noise = np.sqrt(variance) * rng.standard_normal((MIXTURE_SAMPLES, X_true.shape[1]))
        self.samples, self.variance = centres_true[picks] + noise, variance
        self.log_p = _mixture_log_density(self.samples, centres_true, variance)

    def divergence(self, X_gen):
        with np.errstate(over="ignore", invalid="ignore"):  # a generated value beyond the range: not finite
            centres_gen = ((self._generated(X_gen) - self.centre) / self.spread)[:MIXTURE_POINTS]
        n_generated = centres_gen.shape[0]
        centres_gen = centres_gen[np.all(np.isfinite(centres_gen), axis=1)]
        if centres_gen.shape[0] == 0:
            return np.inf
        # Non-finite points keep their weight and add no density, as points outside the grid do above.
        log_q = _mixture_log_density(self.samples, centres_gen, self.variance) + np.log(centres_gen.shape[0] / n_generated)
        keep = np.isfinite(self.log_p) & np.isfinite(log_q)
        return float(np.mean(self.log_p[keep] - log_q[keep])) if keep.any() else np.inf


def _smoothed_spectrum(x, smoothing):
    """The normalised smoothed power spectrum of x; None for a constant x, which has no power."""
    x = np.ldexp(x, _power_of_two_exponent(x))
    std = x.std()
    if not std > 0:
        return None
    spectrum = np.abs(np.fft.rfft((x - x.mean()) / std)) ** 2
    spectrum = np.clip(gaussian_filter1d(spectrum, smoothing), 0, None)
    return spectrum / spectrum.sum()


def power_spectrum_distance(X_true, X_gen, smoothing=20):
    """Hellinger distance between smoothed power spectra, averaged over dimensions (D_H).

    Per dimension: z-score, ``|rfft|^2``, a Gaussian filter of standard
    deviation ``smoothing`` frequency bins (scipy's ``gaussian_filter1d``:
    reflected edges, truncated at 4 sigma), negatives clipped, normalised to
    sum 1; then ``H = sqrt(1 - sum sqrt(p q))`` (Mikhaeil et al. 2022).
    Trajectories of different lengths are compared over the shorter length
    (the reference requires equal lengths). A dimension of X_gen with
    non-finite values (a diverged run) scores the maximum, 1, and so does a
    constant dimension (a run resting on a fixed point: no power at any
    frequency) against a varying one; two constants score 0.

    Parameters
    ----------
    X_true, X_gen : array-like of shape (n_timesteps, n_dims)
    smoothing : float, default=20

    Series with fewer than ``4 * smoothing`` frequencies (``n_timesteps // 2
    + 1``) get a warning: the filter spans most of their spectrum and pulls
    the distance towards 0 (two pure tones of different frequencies: at most
    0.01 with 21 frequencies, 0.32 with 41, 0.87 with 81, at smoothing 20).

    Returns
    -------
    float
        In [0, 1]; 0 for identical spectra. On z-scored Lorenz-63 with
        smoothing 20, two independent runs of the true system score about
        0.05 and a Gaussian with the data's moments about 0.9.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_alrnn.datasets import make_lorenz63
    >>> from sklearn_alrnn.metrics import power_spectrum_distance
    >>> X = make_lorenz63(2, 20_000, random_state=0)[0]
    >>> gaussian = np.random.default_rng(0).multivariate_normal(X[0].mean(0), np.cov(X[0].T), 20_000)
    >>> truth, impostor = power_spectrum_distance(X[0], X[1]), power_spectrum_distance(X[0], gaussian)
    >>> bool(truth < 0.1 < 0.8 < impostor)  # about 0.03-0.06 and 0.87, by the machine's rounding (chaos)
    True
    """
    X_true, X_gen = _pair(X_true, X_gen)
    length = min(X_true.shape[0], X_gen.shape[0])
    return _Spectra(X_true[:length], smoothing).distance(X_gen)


def spectrum_reference(X_true, smoothing=20):
    """The true side of :func:`power_spectrum_distance`, built once: its ``distance(X_gen)`` is
    ``power_spectrum_distance(X_true, X_gen[:len(X_true)], smoothing)`` for any X_gen at least as long,
    so that a fit scoring its checkpoints against one stretch computes its spectra only once."""
    return _Spectra(_trajectory(X_true, "X_true"), smoothing)


def frequencies_suffice(n_steps, smoothing=20):
    """Whether ``n_steps`` give the 4 x ``smoothing`` frequencies below which the filter spans most of
    the spectrum and :func:`power_spectrum_distance` tends to 0 whatever the series (it warns)."""
    return n_steps // 2 + 1 >= 4 * smoothing


class _Spectra:
    """The (checked) true trajectory's smoothed spectra, one per dimension (None for a constant one)."""

    def __init__(self, X_true, smoothing):
        if not smoothing > 0:
            raise ValueError(f"smoothing must be positive; got {smoothing!r}.")
        n_frequencies = X_true.shape[0] // 2 + 1
        if not frequencies_suffice(X_true.shape[0], smoothing):
            warnings.warn(
                f"{X_true.shape[0]} steps give {n_frequencies} frequencies, fewer than 4 x smoothing={smoothing}: the "
                "filter spans most of the spectrum and pulls the distance towards 0. Compare longer series or smooth less.",
                UserWarning,
            )
        self.smoothing, self.length = smoothing, X_true.shape[0]
        self.spectra = [_smoothed_spectrum(column, smoothing) for column in X_true.T]

    def distance(self, X_gen):
        X_gen = _generated(X_gen, len(self.spectra))
        if len(X_gen) < self.length:
            raise ValueError(f"X_gen has {len(X_gen)} steps; its spectrum is compared over the reference's {self.length}.")
        distances = []
        for p, generated in zip(self.spectra, X_gen[: self.length].T):
            if not np.all(np.isfinite(generated)):
                distances.append(1.0)
                continue
            q = _smoothed_spectrum(generated, self.smoothing)
            if p is None or q is None:  # a constant shares no power with a varying series, all with another constant
                distances.append(0.0 if p is None and q is None else 1.0)
                continue
            distances.append(np.sqrt(max(0.0, 1.0 - np.sum(np.sqrt(p * q)))))
        return float(np.mean(distances))


def prediction_error(model, X, n_steps=20, *, exog=None):
    """Mean squared n-step-ahead error of a fitted forecaster from every point of X (PE_n).

    From each observation x_t with t + n_steps inside its series, the model
    starts at ``[x_t ; L x_t]``, runs ``n_steps`` steps freely, and is compared
    with x_{t + n_steps}; the squared errors are averaged over starts,
    dimensions and series, in the units of X (z-score X for a scale-free
    figure).

    Parameters
    ----------
    model : ALRNNForecaster
        Fitted.
    X : array-like of shape (n_timesteps, n_features), (n_series, n_timesteps, n_features) or list
        Series, as for ``model.fit``.
    n_steps : int, default=20
    exog : array-like, default=None
        Exogenous inputs, as for ``model.fit``.

    Returns
    -------
    float

    Examples
    --------
    A rotation by 0.1 radian per step predicts its own circle exactly; the
    same rotation shrinking by 1% per step falls behind:

    >>> import numpy as np
    >>> from sklearn_alrnn import ALRNNForecaster
    >>> from sklearn_alrnn.metrics import prediction_error
    >>> turn = np.array([[np.cos(0.1), -np.sin(0.1)], [np.sin(0.1), np.cos(0.1)]])
    >>> exact = ALRNNForecaster.from_parameters(np.zeros(2), turn, np.zeros(2), np.zeros((0, 2)), n_nonlinear=0)
    >>> circle = exact.generate(200, x0=[1.0, 0.0])
    >>> shrinking = ALRNNForecaster.from_parameters(np.zeros(2), 0.99 * turn, np.zeros(2), np.zeros((0, 2)),
    ...                                             n_nonlinear=0)
    >>> for model in (exact, shrinking):
    ...     print(f"{prediction_error(model, circle, n_steps=20):.4f}")
    0.0000
    0.0166
    """
    return _fitted_forecaster(model, "prediction_error")._mean_n_step_error(X, n_steps, exog)


def max_lyapunov_exponent(model, n_steps=10_000, *, transient=1_000, x0=None):
    """Largest Lyapunov exponent of a fitted forecaster's map, per step: the first of :func:`lyapunov_spectrum`.

    Positive for chaos, zero for a cycle, negative for a stable fixed point.
    Divide by the sampling interval for a rate per unit of time (Lorenz-63:
    about 0.9 per time unit, 0.009 per step at dt = 0.01).

    Parameters
    ----------
    model, n_steps, transient, x0
        As for :func:`lyapunov_spectrum`.

    Returns
    -------
    float
        NaN, with a RuntimeWarning, if the free run leaves the floating-point range.

    Examples
    --------
    A rotation that shrinks by 1% per step has the exponent log(0.99):

    >>> import numpy as np
    >>> from sklearn_alrnn import ALRNNForecaster
    >>> from sklearn_alrnn.metrics import max_lyapunov_exponent
    >>> turn = np.array([[np.cos(0.1), -np.sin(0.1)], [np.sin(0.1), np.cos(0.1)]])
    >>> model = ALRNNForecaster.from_parameters(np.zeros(2), 0.99 * turn, np.zeros(2), np.zeros((0, 2)), n_nonlinear=0)
    >>> print(f"{max_lyapunov_exponent(model, x0=[1.0, 0.0]):.4f} against {np.log(0.99):.4f}")
    -0.0101 against -0.0101
    """
    return float(_exponents(model, "max_lyapunov_exponent", 1, n_steps, transient, x0)[0])


def lyapunov_spectrum(model, n_exponents=None, n_steps=10_000, *, transient=1_000, x0=None):
    """The largest ``n_exponents`` Lyapunov exponents of a fitted forecaster's map, per step.

    An orthonormal frame of tangent vectors is pushed along a free run by the
    map's Jacobian ``diag(a) + W diag(phi'(z))`` and orthonormalised again by a
    QR decomposition each step; exponent i is the mean log of the i-th
    diagonal entry of R over ``n_steps`` after ``transient`` steps (Benettin et
    al. 1980, Shimada & Nagashima 1979). Divide by the sampling interval for
    rates per unit of time. A chaotic flow sampled finely shows one positive
    exponent, one near zero (the direction of the flow) and negative ones
    (Lorenz-63: 0.906, 0, -14.57 per time unit; Sprott 2003). The exponents of
    all ``n_hidden`` directions sum to the mean log of ``|det J|`` along the run,
    the rate at which the map contracts volume. A direction that the map
    annihilates (a Jacobian without full rank along the run) scores -inf.
    Exogenous inputs are held at zero.

    Parameters
    ----------
    model : ALRNNForecaster
        Fitted.
    n_exponents : int, default=None
        How many, from the largest; None: all ``n_hidden``.
    n_steps : int, default=10000
    transient : int, default=1000
    x0 : array-like of shape (n_features,), default=None
        Starting observation (default: the first training observation).

    Returns
    -------
    ndarray of shape (n_exponents,)
        Largest first. NaNs, with a RuntimeWarning, if the free run leaves the
        floating-point range.

    Examples
    --------
    A linear map's exponents are the logs of its eigenvalues' moduli:

    >>> import numpy as np
    >>> from sklearn_alrnn import ALRNNForecaster
    >>> from sklearn_alrnn.metrics import lyapunov_spectrum
    >>> W = np.array([[0.9, 0.5, 0.0], [0.0, 0.5, 0.0], [0.0, 0.3, -0.2]])
    >>> model = ALRNNForecaster.from_parameters(np.zeros(3), W, np.zeros(3), np.zeros((2, 1)), n_nonlinear=0)
    >>> print(np.round(lyapunov_spectrum(model, x0=[1.0]), 4), np.round(np.log([0.9, 0.5, 0.2]), 4))
    [-0.1054 -0.6931 -1.6094] [-0.1054 -0.6931 -1.6094]
    """
    return _exponents(model, "lyapunov_spectrum", n_exponents, n_steps, transient, x0)


def _exponents(model, function, n_exponents, n_steps, transient, x0):
    exponents = _fitted_forecaster(model, function)._lyapunov_spectrum(n_exponents, n_steps, transient, x0)
    if np.isnan(exponents).any():
        warnings.warn(
            f"The free run left the floating-point range within {transient + n_steps} steps: the map grows without "
            "bound from this start, so it has no Lyapunov exponents there (NaN).", RuntimeWarning, stacklevel=3
        )
    return exponents


def kaplan_yorke_dimension(exponents):
    """The Kaplan-Yorke (Lyapunov) dimension of an attractor from its Lyapunov exponents.

    ``D = j + (lambda_1 + ... + lambda_j) / |lambda_{j+1}|`` with the exponents
    sorted from the largest and j the largest number whose partial sum is not
    negative (Kaplan & Yorke 1979): 0 for a stable fixed point, 1 for a stable
    cycle, about 2.06 for Lorenz-63 and 2.01 for Roessler's attractor.
    Compare the reconstruction's with the true system's.

    Parameters
    ----------
    exponents : array-like of shape (n_exponents,)
        Lyapunov exponents in any order and any consistent unit (per step or
        per unit of time), e.g. from :func:`lyapunov_spectrum`; -inf allowed.

    Returns
    -------
    float
        ``n_exponents`` when every partial sum is non-negative: then more
        exponents are needed to tell the dimension.

    Examples
    --------
    >>> from sklearn_alrnn.metrics import kaplan_yorke_dimension
    >>> print(f"{kaplan_yorke_dimension([0.906, 0.0, -14.572]):.3f}")
    2.062
    """
    exponents = np.asarray(exponents, dtype=np.float64)
    if exponents.ndim != 1 or exponents.size == 0:
        raise ValueError(f"exponents must be a non-empty 1-D array; got shape {exponents.shape}.")
    if np.isnan(exponents).any() or np.isposinf(exponents).any():
        raise ValueError("exponents contain NaN or +inf; a spectrum of a run that diverged has no dimension.")
    largest_first = -np.sort(-exponents)
    partial_sums = np.cumsum(largest_first)
    j = int(np.sum(partial_sums >= 0))  # once negative, the partial sums only fall
    if j in (0, exponents.size):
        return float(j)
    return float(j + partial_sums[j - 1] / abs(largest_first[j]))


def free_run_score(model, X, y=None, *, exog=None):
    """Minus the state-space divergence of a fitted forecaster's free runs from X (higher is better).

    From the first observation of each series of X, the model runs freely for
    as many steps as the series has; the runs, pooled, are compared with the
    series, pooled (:func:`state_space_divergence`, 30 bins). A scorer for
    ``GridSearchCV(..., scoring=free_run_score)`` and ``cross_val_score``, for
    choosing ``n_nonlinear`` or a forcing setting by the geometry of the
    reconstruction, where the forecaster's own ``score`` (minus the 20-step
    prediction error) chooses by short-term prediction. A held-out fold of
    one series is the continuation of the training part (``TimeSeriesSplit``).

    Parameters
    ----------
    model : ALRNNForecaster
        Fitted.
    X : array-like of shape (n_timesteps, n_features), (n_series, n_timesteps, n_features) or list
        Series, as for ``model.fit``.
    y : None
        Ignored (the scorer signature).
    exog : array-like, default=None
        Exogenous inputs, as for ``model.fit``.

    Returns
    -------
    float
        At most 0. Very negative where the runs leave the data (a RuntimeWarning
        names the step where a run leaves the floating-point range).

    Examples
    --------
    >>> from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
    >>> from sklearn_alrnn import ALRNNForecaster
    >>> from sklearn_alrnn.datasets import make_roessler
    >>> from sklearn_alrnn.metrics import free_run_score
    >>> series = make_roessler(1, 1500, random_state=0)[0][0]
    >>> search = GridSearchCV(ALRNNForecaster(max_iter=5, n_init=1, random_state=0), {"n_nonlinear": [1, 2]},
    ...                       cv=TimeSeriesSplit(2), scoring=free_run_score).fit(series)
    >>> bool(search.cv_results_["mean_test_score"].max() <= 0)
    True
    """
    model = _fitted_forecaster(model, "free_run_score")
    series, inputs, _ = model._checked(X, exog)
    runs = [model._observed_run(states[:, : model.n_features_in_]) for states in model._runs_from_first_points(series, inputs)]
    return -state_space_divergence(np.concatenate(series), np.concatenate(runs))
