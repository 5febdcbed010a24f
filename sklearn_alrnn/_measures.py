"""The computations behind the reconstruction measures; :mod:`sklearn_alrnn.metrics` states the
measures and their conventions.

- The reference side, built once and compared with many runs: a fit scores every checkpoint's
  free runs against one training trajectory, so the true trajectory's occupancy (grid or
  Gaussian mixture) and smoothed spectra are computed once (:func:`occupancy_reference`,
  :func:`spectrum_reference`).
- The correlation sums and scaling slopes of the correlation dimension.
- The return distances and returns behind the return period.
- The checks of trajectories the measures share, and their exact power-of-two rescaling.
"""

import numpy as np
from scipy.ndimage import gaussian_filter1d
from scipy.spatial import cKDTree
from scipy.special import logsumexp
from sklearn.utils import check_random_state

from ._series import string_columns
from ._warnings import warn_user

#: A column whose range is at most this fraction of its peak is constant up to rounding.
ROUNDING_SPREAD = 64 * np.finfo(float).eps
#: Laplace smoothing of the occupancy histograms (the reference's 1e-5).
HISTOGRAM_SMOOTHING = 1e-5
#: Up to this many dimensions D_stsp bins the state space (where the grid fits the data, below); above,
#: it compares Gaussian mixtures.
MAX_BINNED_DIMENSIONS = 10
#: The grid fits while its smoothing pseudo-counts (HISTOGRAM_SMOOTHING in each bin) come to at most this
#: share of the true trajectory's points. A share k flattens both histograms towards the uniform one and
#: scales scores by about 1 / (1 + k): with 30 bins, 8 to 10 dimensions scored a true trajectory and a
#: moment-matched Gaussian alike (0.005 and 0.061 for 8 delays of Lorenz-63 over 30,000 steps, 0 and 0
#: for 10; Lorenz-96 at 7 dimensions over 100,000 steps, 3.50 and 3.62).
MAX_SMOOTHING_SHARE = 0.1
#: Points of each trajectory that the Gaussian-mixture estimate uses, and its Monte-Carlo samples.
MIXTURE_POINTS = 10_000
MIXTURE_SAMPLES = 1_000
#: Radii over which the correlation dimension's slope is fitted.
CORRELATION_RADII = 12
#: Point pairs whose distances set the correlation dimension's scaling range (all pairs of fewer points).
RANGE_PAIRS = 200_000
#: Pairs the smallest radius of the correlation dimension's range must hold, on average.
MIN_PAIRS_IN_RANGE = 10
#: Slopes over the two halves of the scaling range further apart than this fraction of the whole slope: no
#: straight range (100,000 steps of Lorenz-63, Roessler, Henon, Lozi, a torus: 0.00-0.05; 300 steps: 0.6-0.7).
SCALING_BEND = 0.3


def check_trajectory(X, name, allow_nonfinite=False):
    """X as a float64 trajectory (n_timesteps >= 2, n_dims); a 1-D X is one dimension."""
    try:
        X = np.asarray(X)
        X = X if np.iscomplexobj(X) else np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as error:  # ragged rows, words, objects
        raise ValueError(f"{name} must be a trajectory of numbers, shape (n_timesteps >= 2, n_dims); {error}") from None
    if np.iscomplexobj(X):
        raise ValueError(f"{name} must be real; got complex values.")
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[0] < 2 or X.shape[1] < 1:
        raise ValueError(f"{name} must be a trajectory of shape (n_timesteps >= 2, n_dims); got shape {X.shape}.")
    if not allow_nonfinite and not np.all(np.isfinite(X)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    return X


def check_generated(X_gen, n_dims):
    """A generated trajectory (non-finite values allowed: a diverged run) of the true one's ``n_dims``."""
    X_gen = check_trajectory(X_gen, "X_gen", allow_nonfinite=True)
    if X_gen.shape[1] != n_dims:
        raise ValueError(f"X_true has {n_dims} dimensions and X_gen {X_gen.shape[1]}; they must match.")
    return X_gen


def check_column_order(X_true, X_gen):
    """Refuse DataFrames that name the same variables in other orders: dimensions compare by position."""
    names = [string_columns(X) for X in (X_true, X_gen)]
    if None not in names and names[0] != names[1] and sorted(names[0]) == sorted(names[1]):
        raise ValueError(f"X_true has the columns {names[0]} and X_gen {names[1]}: the dimensions are compared by "
                         "position, so give them in one order (X_gen[X_true.columns]).")


def check_pair(X_true, X_gen):
    """Two trajectories of the same dimensions, in the same order (:func:`check_column_order`)."""
    check_column_order(X_true, X_gen)
    X_true = check_trajectory(X_true, "X_true")
    return X_true, check_generated(X_gen, X_true.shape[1])


def power_of_two_exponent(X):
    """Per column, the power of two that brings the column's peak into [1, 2).

    Scaling by it (``np.ldexp(X, exponent)``) is exact in floating point unless the data are
    subnormal, so scale-free measures give the same bits as on the data itself, and their moments of
    values near 1e300 do not overflow. ``ldexp`` scales without forming ``2 ** exponent``, which
    for data below 2^-1023 would overflow.
    """
    peak = np.max(np.abs(np.where(np.isfinite(X), X, 0.0)), axis=0)
    return -np.floor(np.log2(np.where(peak > 0, peak, 1.0))).astype(np.int64)


def varies(X):
    """Whether each column of X (X itself, when 1-D) varies beyond rounding: its range exceeds
    ``ROUNDING_SPREAD`` of its peak. The range, unlike the standard deviation, carries no rounding
    error of its own (the mean of 50,000 equal values is off by hundreds of ulps)."""
    return np.ptp(X, axis=0) > ROUNDING_SPREAD * np.abs(X).max(axis=0)


def standardised(X):
    """X with each column z-scored, after the exact power-of-two rescaling that keeps the moments of
    values near 1e300 finite. A column constant up to rounding (its range within ``ROUNDING_SPREAD``
    of its peak) becomes exactly 0: z-scored, the rounding error of its mean (hundreds of ulps over
    50,000 equal values) or last-bit jitter would become a signal of unit size, and a run resting on
    a fixed point "returned" at random lags."""
    X = np.ldexp(X, power_of_two_exponent(X))
    varying = varies(X)
    spread = np.where(varying, X.std(axis=0), 1.0)
    return np.where(varying, (X - X.mean(axis=0)) / spread, 0.0)


def occupancy_reference(X_true, n_bins=30, *, scaling=1.0, random_state=None):
    """The true side of :func:`state_space_divergence`, built once: its ``divergence(X_gen)`` is
    ``state_space_divergence(X_true, X_gen, n_bins, scaling=scaling, random_state=random_state)``
    (with the same ``random_state`` for every X_gen), so that a fit scoring its checkpoints against
    one trajectory bins it, or evaluates its mixture, only once."""
    X_true = check_trajectory(X_true, "X_true")
    if not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
        raise ValueError(f"n_bins must be a positive integer; got {n_bins!r}.")
    if grid_fits(X_true.shape, n_bins):
        return _BinnedOccupancy(X_true, n_bins)
    return _MixtureOccupancy(X_true, scaling, check_random_state(random_state))


def grid_fits(shape, n_bins=30):
    """Whether D_stsp bins a true trajectory of ``shape`` (n_points, n_dims) on ``n_bins`` per dimension:
    at most ``MAX_BINNED_DIMENSIONS``, and a grid whose smoothing does not outweigh the data."""
    n_points, n_dims = shape
    if n_dims > MAX_BINNED_DIMENSIONS:
        return False
    return HISTOGRAM_SMOOTHING * float(n_bins) ** n_dims <= MAX_SMOOTHING_SHARE * n_points


class _Occupancy:
    """A true trajectory's occupancy; ``divergence`` reads a generated one of as many dimensions."""

    def _generated(self, X_gen):
        return self._rescaled(check_generated(X_gen, len(self.exponent)))

    def _rescaled(self, points):
        with np.errstate(over="ignore"):  # a generated value beyond the range: outside the grid, or not finite
            return np.ldexp(points, self.exponent)


class _BinnedOccupancy(_Occupancy):
    """Where ``grid_fits``: the true trajectory's grid and its occupied bins."""

    def __init__(self, X_true, n_bins):
        # The grid follows the true data's range, so a common exact rescaling changes nothing.
        self.exponent = power_of_two_exponent(X_true)
        X_true = np.ldexp(X_true, self.exponent)
        std, varying = X_true.std(axis=0), varies(X_true)
        low, high = X_true.min(axis=0) - 0.1 * std, X_true.max(axis=0) + 0.1 * std
        # A dimension constant up to rounding has no range: bins as wide as its value's power of two,
        # the value in the middle one (a spread of rounding made the bins too narrow for the last bit).
        self.width = np.where(varying, (high - low) / n_bins, 1.0)
        self.low = np.where(varying, low, X_true.min(axis=0) - (n_bins // 2 + 0.5) * self.width)
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


def evenly_spaced(points, n):
    """At most ``n`` of ``points``, evenly spaced over all of them."""
    return points[:: -(-len(points) // n)]


def mixture_centres(points):
    """The mixture's centres among a trajectory's ``points``: at most ``MIXTURE_POINTS``, evenly
    spaced over its first half (the second half of a true trajectory gives the samples)."""
    return evenly_spaced(points[: len(points) // 2], MIXTURE_POINTS)


class _MixtureOccupancy(_Occupancy):
    """Where no grid fits: the true mixture's Monte-Carlo samples and their log densities."""

    def __init__(self, X_true, variance, rng):
        # In the true trajectory's standard units: squared distances expanded as |x|^2 - 2 x.c + |c|^2
        # lose all precision far from the origin (data of 1e8 scored -5), and the kernels' fixed
        # variance would otherwise mean something else in every unit.
        self.exponent = power_of_two_exponent(X_true)  # exact; keeps the moments of values near 1e300 finite
        X_true = np.ldexp(X_true, self.exponent)
        self.centre = X_true.mean(axis=0)
        self.spread = np.where(varies(X_true), X_true.std(axis=0), 1.0)  # a constant: its value's power of two
        standard = (X_true - self.centre) / self.spread
        centres_true = mixture_centres(standard)
        # Samples around the centres' own points were closer to the true mixture than any other
        # trajectory's could be: two runs of 20-variable Lorenz-96 scored 0.68 against each other.
        sources = standard[len(standard) // 2 :]
        picks = rng.randint(0, sources.shape[0], size=MIXTURE_SAMPLES)
        noise = np.sqrt(variance) * rng.standard_normal((MIXTURE_SAMPLES, X_true.shape[1]))
        self.samples, self.variance = sources[picks] + noise, variance
        self.log_p = _mixture_log_density(self.samples, centres_true, variance)

    def divergence(self, X_gen):
        return self.divergence_from_centres(mixture_centres(check_generated(X_gen, len(self.exponent))))

    def divergence_from_centres(self, centres_gen):
        """The divergence from a generated mixture on ``centres_gen`` (n, N), all of them."""
        with np.errstate(over="ignore", invalid="ignore"):  # a generated value beyond the range: not finite
            centres_gen = (self._rescaled(centres_gen) - self.centre) / self.spread
        n_generated = centres_gen.shape[0]
        centres_gen = centres_gen[np.all(np.isfinite(centres_gen), axis=1)]
        if centres_gen.shape[0] == 0:
            return np.inf
        # Non-finite points keep their weight and add no density, as points outside the grid do above.
        log_q = _mixture_log_density(self.samples, centres_gen, self.variance) + np.log(centres_gen.shape[0] / n_generated)
        keep = np.isfinite(self.log_p) & np.isfinite(log_q)
        return float(np.mean(self.log_p[keep] - log_q[keep])) if keep.any() else np.inf


def _smoothed_spectrum(x, smoothing):
    """The normalised smoothed power spectrum of x; None for an x constant up to rounding, which has
    no power (z-scored, its rounding would have the spectrum of noise)."""
    z = standardised(x[:, None])[:, 0]
    if not z.any():  # standardised gives a constant column as exactly 0
        return None
    spectrum = np.abs(np.fft.rfft(z)) ** 2
    spectrum = np.clip(gaussian_filter1d(spectrum, smoothing), 0, None)
    return spectrum / spectrum.sum()


def spectrum_reference(X_true, smoothing=20):
    """The true side of :func:`power_spectrum_distance`, built once: its ``distance(X_gen)`` is
    ``power_spectrum_distance(X_true, X_gen[:len(X_true)], smoothing)`` for any X_gen at least as long,
    so that a fit scoring its checkpoints against one stretch computes its spectra only once."""
    return Spectra(check_trajectory(X_true, "X_true"), smoothing)


def frequencies_suffice(n_steps, smoothing=20):
    """Whether ``n_steps`` give the 4 x ``smoothing`` frequencies below which the filter spans most of
    the spectrum and :func:`power_spectrum_distance` tends to 0 whatever the series (it warns)."""
    return n_steps // 2 + 1 >= 4 * smoothing


class Spectra:
    """The (checked) true trajectory's smoothed spectra, one per dimension (None for a constant one)."""

    def __init__(self, X_true, smoothing):
        if not smoothing > 0:
            raise ValueError(f"smoothing must be positive; got {smoothing!r}.")
        n_frequencies = X_true.shape[0] // 2 + 1
        if not frequencies_suffice(X_true.shape[0], smoothing):
            warn_user(
                f"{X_true.shape[0]} steps give {n_frequencies} frequencies, fewer than 4 x smoothing={smoothing}: the "
                "filter spans most of the spectrum and pulls the distance towards 0. Compare longer series or smooth less.",
                UserWarning,
            )
        self.smoothing, self.length = smoothing, X_true.shape[0]
        self.spectra = [_smoothed_spectrum(column, smoothing) for column in X_true.T]

    def distance(self, X_gen):
        X_gen = check_generated(X_gen, len(self.spectra))
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


def correlation_sums(points, times, pair_fractions, theiler_window, rng):
    """Radii, log-spaced between the distances below which ``pair_fractions`` of the point pairs lie, and
    the correlation sum at each: the fraction of pairs within the radius (Grassberger & Procaccia
    1983). Pairs of points fewer than ``theiler_window`` + 1 steps apart in ``times`` (sorted) are left
    out everywhere. The radii are None where the range is empty: more than the smaller fraction of
    pairs coincide, or are as far apart as the larger fraction (a finite set or a lattice at that scale)."""
    n = points.shape[0]
    close_gaps = []  # the distances of the pairs left out, from neighbours in time outwards
    for lag in range(1, n):
        close = times[lag:] - times[:-lag] <= theiler_window
        if not close.any():
            break
        close_gaps.append(np.linalg.norm(points[lag:][close] - points[:-lag][close], axis=1))
    close_gaps = np.concatenate(close_gaps) if close_gaps else np.zeros(0)
    n_apart = n * (n - 1) // 2 - close_gaps.size
    if pair_fractions[0] * n_apart < MIN_PAIRS_IN_RANGE:
        raise ValueError(
            f"The smallest radius needs {MIN_PAIRS_IN_RANGE} pairs of points; pair_fractions[0]={pair_fractions[0]:g} "
            f"of the {n_apart} pairs of {n} points more than theiler_window={theiler_window} steps apart is "
            f"{pair_fractions[0] * n_apart:.2g}: give a longer trajectory (about 160 steps with the defaults) or a "
            "larger pair_fractions[0]."
        )
    if n * (n - 1) // 2 <= RANGE_PAIRS:
        first, second = np.triu_indices(n, k=1)
    else:
        first, second = rng.randint(0, n, size=(2, RANGE_PAIRS))
    apart = np.abs(times[first] - times[second]) > theiler_window
    distances = np.linalg.norm(points[first[apart]] - points[second[apart]], axis=1)
    low, high = np.quantile(distances, pair_fractions)
    if not 0 < low < high:
        return None, None
    radii = np.geomspace(low, high, CORRELATION_RADII)
    tree = cKDTree(points)
    within = (tree.count_neighbors(tree, radii) - n) / 2  # ordered pairs and each point with itself
    close_within = np.count_nonzero(close_gaps[:, None] <= radii[None, :], axis=0)
    return radii, (within - close_within) / n_apart


def scaling_slopes(radii, sums):
    """The slope of log C against log r over the whole scaling range, its lower half and its upper half."""
    log_r, log_c, half = np.log(radii), np.log(sums), len(radii) // 2
    parts = slice(None), slice(None, half), slice(half, None)
    return tuple(float(np.polyfit(log_r[part], log_c[part], 1)[0]) for part in parts)


def return_distances(points):
    """``d[tau]``, tau = 0 .. T - 1: the mean of ``|z_{t+tau} - z_t|^2`` over t, divided by twice the summed
    variance of the (centred) points: 0 where the run is back where it was, about 1 where it has
    forgotten (1 minus the mean autocorrelation). Exact, through one FFT product."""
    n_steps = points.shape[0]
    squared = np.concatenate([[0.0], np.cumsum((points**2).sum(axis=1))])
    size = 1 << int(np.ceil(np.log2(2 * n_steps)))  # zero padding: a linear, not circular, correlation
    spectra = np.fft.rfft(points, n=size, axis=0)
    cross = np.fft.irfft((spectra * spectra.conj()).sum(axis=1), n=size)[:n_steps]
    lags = np.arange(n_steps)
    before, after = squared[n_steps - lags], squared[n_steps] - squared[lags]  # sums over t < T - tau, t >= tau
    distances = np.maximum(before + after - 2 * cross, 0.0) / (n_steps - lags)
    return distances / (2 * max(float((points**2).sum(axis=0).sum()) / n_steps, np.finfo(float).tiny))


def _vertex(distances, lag):
    """The lag of the parabola's vertex through the distances at ``lag`` - 1, ``lag``, ``lag`` + 1."""
    left, centre, right = distances[lag - 1], distances[lag], distances[lag + 1]
    curvature = left - 2 * centre + right
    return lag + 0.5 * (left - right) / curvature if centre > 0 and curvature > 0 else float(lag)


def returns(distances, tolerance, max_period):
    """The lags (fractional) of the run's successive returns, k = 1, 2, ...: the first local minimum of
    ``distances`` below ``tolerance`` within ``max_period``, then the minimum near each multiple of the
    period so far, while they stay below ``tolerance``. Empty where the run never comes back so close."""
    candidates = np.arange(1, min(max_period, len(distances) - 2) + 1)
    here, before, after = distances[candidates], distances[candidates - 1], distances[candidates + 1]
    is_return = (here <= before) & (here <= after) & (here < tolerance)
    if not is_return.any():
        return np.zeros(0)
    first = int(candidates[is_return][0])
    found, reach = [_vertex(distances, first)], max(1, first // 4)
    while True:
        centre = int(round((len(found) + 1) * found[-1] / len(found)))
        low, high = centre - reach, centre + reach
        if high >= len(distances) - 1:
            return np.array(found)
        lag = low + int(np.argmin(distances[low : high + 1]))
        if not distances[lag] < tolerance or lag in (low, high):  # no closer return near this multiple
            return np.array(found)
        found.append(_vertex(distances, lag))
