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
- :func:`correlation_dimension` (D_2): the dimension of any trajectory's points, recorded or generated;
- :func:`return_period`: the period of a run that comes back to itself, a cycle's or a closed curve's;
- :func:`free_run_score`: minus D_stsp of free runs, a scorer for model selection by geometry.
"""

from numbers import Real

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.validation import check_is_fitted

from ._map_measures import map_exponents, mean_n_step_error
from ._measures import (
    SCALING_BEND, Spectra, check_column_order, check_pair, check_trajectory, correlation_sums, occupancy_reference,
    return_distances, returns, scaling_slopes, standardised,
)
from ._validation import check_counts, model_name, real_array
from ._warnings import warn_user

__all__ = [
    "state_space_divergence",
    "power_spectrum_distance",
    "prediction_error",
    "max_lyapunov_exponent",
    "lyapunov_spectrum",
    "kaplan_yorke_dimension",
    "correlation_dimension",
    "return_period",
    "free_run_score",
]


def _fitted_forecaster(model, function):
    """``model`` if it is a fitted forecaster; an input-to-output network has no free run to measure."""
    if not hasattr(model, "generate"):
        raise InvalidParameterError(
            f"{function} measures a fitted ALRNNForecaster; got {model_name(model)}. For the map of "
            "another AL-RNN, fit RegimeDecomposer or use sklearn_alrnn.analysis on its a_, W_, h_."
        )
    check_is_fitted(model, "a_")
    return model


def state_space_divergence(X_true, X_gen, n_bins=30, *, scaling=1.0, random_state=None):
    """Kullback-Leibler divergence KL(p_true || p_gen) of the state-space occupancy (D_stsp).

    Where the grid fits the data (below), both trajectories are binned on a
    grid of ``n_bins`` per dimension spanning the true data's range widened
    by 0.1 standard deviation on each side (the reference's Julia code);
    the histograms are Laplace-smoothed, ``p = (count + 1e-5) / (n + 1e-5
    n_bins^N)``, and all ``n_bins^N`` bins enter the sum (the empty
    ones in closed form, so memory grows with the points, not the grid).
    Departure from the reference: generated points outside the grid, or
    non-finite (a diverged run), still count in the generated total ``n``, so
    a run that leaves the attractor scores worse instead of being ignored. A
    dimension along which the true data are constant (up to rounding), which
    has no range to grid, gets bins as wide as its value's power of two, the
    value in the middle one (and unit spread in the mixture estimate).

    The grid fits up to 10 dimensions (the reference's bound) while its
    smoothing pseudo-counts, ``1e-5 n_bins^N``, come to at most a tenth of
    the true trajectory's points. More pseudo-counts flatten both histograms
    towards the uniform one, until any trajectory scores near 0 (8 delays of
    Lorenz-63 over 30,000 steps: the truth 0.005, a Gaussian 0.061). With 30
    bins the grid fits 4 dimensions from 81 points, 5 from 2,430, 6 from
    72,900, 7 from 2.2 million; departure from the reference, which bins up
    to 10 dimensions whatever the length.

    Where no grid fits, both trajectories are first standardised by the true
    one's mean and standard deviation per dimension (an identity on z-scored
    data, as the reference's are; so, like the grid, the score does not depend
    on the data's units), each is a mixture of isotropic Gaussians of variance
    ``scaling`` on at most 10,000 points spread evenly over its first half,
    and the divergence is the Monte-Carlo estimate of Hershey & Olsen (2007)
    over 1,000 samples: points of the true trajectory's second half, each with
    a draw of the kernel's noise (samples where a density underflows are
    dropped). It can come out below 0: slightly near 0, and by more on a
    handful of points (3 points in 12 dimensions against their reversal:
    -2.9). Departure from the reference, which draws the samples around its
    centres' own points: those sit closer to the true mixture than any other
    trajectory's points can, so that in many dimensions the truth scored far
    from 0 (two 20,000-step runs of 20-variable Lorenz-96: 0.68, and a
    Gaussian with their moments 0.87; now 0.02 and 0.20, means over 8 random
    states). A non-finite generated point keeps its weight in the mixture and
    adds no density, as a point outside the grid does.

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
        variance (the mixture estimate only).
    random_state : int, RandomState instance or None
        Monte-Carlo samples (the mixture estimate only).

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
    check_column_order(X_true, X_gen)
    return occupancy_reference(X_true, n_bins, scaling=scaling, random_state=random_state).divergence(X_gen)


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
    X_true, X_gen = check_pair(X_true, X_gen)
    length = min(X_true.shape[0], X_gen.shape[0])
    return Spectra(X_true[:length], smoothing).distance(X_gen)


def prediction_error(model, X, n_steps=20, *, exog=None):
    """Mean squared n-step-ahead error of a fitted forecaster from every point of X (PE_n).

    From each observation x_t with t + n_steps inside its series, the model
    starts at ``[x_t ; L x_t]``, runs ``n_steps`` steps freely, and is compared
    with x_{t + n_steps}; the squared errors are averaged over starts,
    dimensions and series, in the units of X (z-score X for a scale-free
    figure). A series of ``n_steps`` steps or fewer has no such start and adds
    nothing; where every series is that short, a ``ValueError`` says so.

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
    return mean_n_step_error(_fitted_forecaster(model, "prediction_error"), X, n_steps, exog)


def max_lyapunov_exponent(model, n_steps=10_000, *, transient=1_000, x0=None, constant_input=None):
    """Largest Lyapunov exponent of a fitted forecaster's map, per step: the first of :func:`lyapunov_spectrum`.

    Positive for chaos, zero for a cycle, negative for a stable fixed point.
    Divide by the sampling interval for a rate per unit of time (Lorenz-63:
    about 0.9 per time unit, 0.009 per step at dt = 0.01).

    Parameters
    ----------
    model, n_steps, transient, x0, constant_input
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
    return float(_exponents(model, "max_lyapunov_exponent", 1, n_steps, transient, x0, constant_input)[0])


def lyapunov_spectrum(model, n_exponents=None, n_steps=10_000, *, transient=1_000, x0=None, constant_input=None):
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
    Exogenous inputs are held at ``constant_input`` (zero by default): the
    exponents of the map under a constant drive.

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
    constant_input : array-like of shape (n_inputs_,), default=None
        The exogenous inputs' constant values, in their units (None: zero), as for
        ``RegimeDecomposer(constant_input=...)``.

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
    return _exponents(model, "lyapunov_spectrum", n_exponents, n_steps, transient, x0, constant_input)


def _exponents(model, function, n_exponents, n_steps, transient, x0, constant_input):
    model = _fitted_forecaster(model, function)
    exponents = map_exponents(model, n_exponents, n_steps, transient, x0, constant_input)
    if np.isnan(exponents).any():
        warn_user(
            f"The free run left the floating-point range within {transient + n_steps} steps: the map grows without "
            "bound from this start, so it has no Lyapunov exponents there (NaN).", RuntimeWarning
        )
    return exponents


def kaplan_yorke_dimension(exponents, *, zero_tolerance=0.0):
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
    zero_tolerance : float, default=0.0
        Exponents within this of 0 count as 0. A run of n steps measures a
        zero exponent (a stable cycle's, along the cycle) only to within about
        2 / n (a reconstructed gait's: -0.00017 per step over 10,000 steps,
        which makes the dimension 0, not 1); ``3 / n_steps`` of
        :func:`lyapunov_spectrum` tells a cycle from a fixed point.

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
    >>> cycle = [-0.00017, -0.011, -0.023]  # a stable cycle's exponents per step over 10,000 steps
    >>> kaplan_yorke_dimension(cycle), kaplan_yorke_dimension(cycle, zero_tolerance=3 / 10_000)
    (0.0, 1.0)
    """
    exponents = real_array(exponents, "exponents")
    if exponents.ndim != 1 or exponents.size == 0:
        raise ValueError(f"exponents must be a non-empty 1-D array; got shape {exponents.shape}.")
    if np.isnan(exponents).any() or np.isposinf(exponents).any():
        raise ValueError("exponents contain NaN or +inf; a spectrum of a run that diverged has no dimension.")
    if not (isinstance(zero_tolerance, Real) and 0 <= zero_tolerance < np.inf):
        raise ValueError(f"zero_tolerance must be a finite number >= 0; got {zero_tolerance!r}.")
    exponents = np.where(np.abs(exponents) <= zero_tolerance, 0.0, exponents)
    largest_first = -np.sort(-exponents)
    partial_sums = np.cumsum(largest_first)
    j = int(np.sum(partial_sums >= 0))  # once negative, the partial sums only fall
    if j in (0, exponents.size):
        return float(j)
    return float(j + partial_sums[j - 1] / abs(largest_first[j]))


def correlation_dimension(X, *, pair_fractions=(1e-3, 1e-1), n_points=5000, theiler_window=10, random_state=None):
    """The correlation dimension D_2 of a trajectory's points (Grassberger & Procaccia 1983).

    The correlation sum C(r) is the fraction of pairs of points closer than r
    (Euclidean distance, each dimension z-scored); on an attractor of
    dimension D it grows as r^D at small r. D_2 is the least-squares slope of
    log C against log r over 12 radii spaced logarithmically between the
    distances below which ``pair_fractions`` of the pairs lie (the scaling
    range), counted on ``n_points`` points drawn at random from X, without the
    pairs at most ``theiler_window`` steps apart in time (Theiler 1986: along a
    flow's path close neighbours in time look one-dimensional). Unlike
    :func:`kaplan_yorke_dimension` it needs no model, so it compares a free
    run's geometry with a recording's, and a fractional value tells a chaotic
    attractor from a cycle (1) or a torus (2). In theory D_2 <= D_1, the
    information dimension that the Kaplan-Yorke dimension estimates.

    Measured with the defaults on 100,000 steps (random_state 0-4): Lorenz-63 2.03-2.04
    (literature 2.05), Henon 1.19-1.22 (1.21), Lozi 1.37-1.38 (1.38), a circle
    1.00, a torus 2.08, Gaussian noise in three dimensions 2.9, Roessler's attractor
    1.81-1.83 (its Kaplan-Yorke dimension is 2.01). Fewer
    points bias it low (Lorenz-63 over 1,000 steps: 1.9), and so do many
    dimensions, which need exponentially many points: 9.8 on 40,000 steps of a
    20-variable Lorenz-96. Compare trajectories of one length and one unit of time,
    and ones that return near themselves: a trend or a drift has no dimension.

    Parameters
    ----------
    X : array-like of shape (n_timesteps, n_dims)
        A trajectory (finite); a 1-D X is one dimension.
    pair_fractions : tuple of two floats, default=(1e-3, 1e-1)
        The scaling range, as the fractions of pairs within its smallest and
        largest radius, 0 < low < high < 1.
    n_points : int, default=5000
        Points drawn from X (all of them in a shorter X): time and memory grow
        as their pairs do, about 0.1 s for 5,000 points in three dimensions.
    theiler_window : int, default=10
        Pairs of points at most this many steps apart are left out; 0 keeps all.
    random_state : int, RandomState instance or None
        Draws the points, and the pairs whose distances set the range.

    Returns
    -------
    float
        With a warning where the slopes over the two halves of the range
        differ by more than 30% (a curved log C, no scaling range: 300 steps of
        Lorenz-63 or Roessler; 100,000 steps of the sets measured above: 0-5%).
        0, with a warning, where more than the smaller of ``pair_fractions``
        of the pairs coincide exactly (a fixed point or a cycle, or values
        quantised so coarsely that they repeat: dither those), or as many are
        as far apart as the larger fraction. A ValueError where the smallest
        radius would hold fewer than 10 pairs (with the defaults, trajectories
        under about 160 steps).

    Examples
    --------
    A circle is one-dimensional, Lorenz-63's attractor slightly more than two:

    >>> import numpy as np
    >>> from sklearn_alrnn.datasets import make_lorenz63
    >>> from sklearn_alrnn.metrics import correlation_dimension
    >>> t = 0.01 * np.arange(20_000)
    >>> print(f"{correlation_dimension(np.column_stack([np.cos(t), np.sin(t)]), random_state=0):.1f}")
    1.0
    >>> X = make_lorenz63(1, 20_000, random_state=0)[0][0]
    >>> bool(1.95 < correlation_dimension(X, random_state=0) < 2.15)  # 2.05 in the literature
    True
    """
    X = check_trajectory(X, "X")
    try:
        low, high = real_array(pair_fractions, "pair_fractions").reshape(2)
    except ValueError:
        low = high = np.nan
    if not 0 < low < high < 1:
        raise ValueError(f"pair_fractions must be two fractions 0 < low < high < 1; got {pair_fractions!r}.")
    check_counts(minimum=2, n_points=n_points)
    check_counts(minimum=0, theiler_window=theiler_window)
    rng = check_random_state(random_state)
    n_steps = X.shape[0]
    times = np.arange(n_steps) if n_steps <= n_points else np.sort(rng.choice(n_steps, n_points, replace=False))
    radii, sums = correlation_sums(standardised(X[times]), times, (low, high), theiler_window, rng)
    if radii is None:
        warn_user(
            f"The pairs' distances do not spread over the scaling range: more than {low:g} of the pairs of points "
            f"coincide, or {high:g} are as far apart (a fixed point or a cycle, quantised values, a lattice). At that "
            "scale the points are a finite set, of dimension 0.", UserWarning
        )
        return 0.0
    dimension, lower, upper = scaling_slopes(radii, sums)
    if abs(lower - upper) > SCALING_BEND * dimension:
        warn_user(
            f"The correlation sum bends over the scaling range (slope {lower:.2f} over its lower half, "
            f"{upper:.2f} over its upper half), so {dimension:.2f} is not a reliable dimension: {len(times)} "
            "points may be too few, or the trajectory too short to return near itself (or it never does: a trend).",
            UserWarning,
        )
    return dimension


def return_period(X, *, tolerance=0.1, max_period=None):
    """The period in steps after which a trajectory comes back to where it was: a cycle's or a closed curve's.

    ``d(tau)``, the mean squared distance between the points ``tau`` steps apart (each dimension
    z-scored), over twice the summed variance, is 0 where the run is back and about 1 where it has
    forgotten (1 minus the mean autocorrelation). The first local minimum of d below
    ``tolerance`` is the first return; the minima near its multiples, parabola-refined, while
    they stay below ``tolerance``, give the period as the least-squares slope of their lags
    against k. A cycle of the map gives its order; a flow's limit cycle sampled at steps that do
    not lock to it, a closed curve that ``find_cycles`` does not report, gives a fractional period
    (a 2-D rotation by 2 pi / 65.37 per step: 65.37 to 1e-8); with the second Lyapunov exponent
    ``lambda_2`` (per step) of :func:`lyapunov_spectrum`, ``exp(lambda_2 * period)`` is the factor by
    which a perturbation across the cycle shrinks in one turn. Pass a run after its transient.

    Parameters
    ----------
    X : array-like of shape (n_timesteps, n_dims)
        A trajectory (finite); a 1-D X is one dimension.
    tolerance : float in (0, 1], default=0.1
        The largest ``d`` of a return: 0.1 asks the run to come back with a mean
        autocorrelation of 0.9. Noisy recordings come back less closely (a
        recorded gait's strides: 0.65); a larger tolerance gives their typical
        period, 1 any recurrence.
    max_period : int, default=None
        The longest first return looked for; None: a third of the steps, so that
        the multiples refine it.

    Returns
    -------
    float
        NaN, with a warning, where the run does not come back within ``tolerance``
        (a chaotic or noisy run: Lorenz-63 at the default).

    Examples
    --------
    A rotation by 0.01 radian per step comes back after 2 pi / 0.01 steps; a chaotic run never does:

    >>> import numpy as np
    >>> from sklearn_alrnn.metrics import return_period
    >>> t = 0.01 * np.arange(20_000)
    >>> print(f"{return_period(np.column_stack([np.cos(t), np.sin(t)])):.4f} against {2 * np.pi / 0.01:.4f}")
    628.3185 against 628.3185
    """
    X = check_trajectory(X, "X")
    if not (isinstance(tolerance, Real) and 0 < tolerance <= 1):
        raise ValueError(f"tolerance must be a number in (0, 1]; got {tolerance!r}.")
    n_steps = X.shape[0]
    max_period = max(1, n_steps // 3) if max_period is None else max_period
    check_counts(max_period=max_period)
    if not max_period <= n_steps - 3:
        raise ValueError(f"max_period={max_period} leaves no return to see in {n_steps} steps; at most {n_steps - 3}.")
    lags = returns(return_distances(standardised(X)), tolerance, max_period)
    if lags.size == 0:
        warn_user(
            f"The trajectory does not come back within tolerance={tolerance:g} (a mean autocorrelation of "
            f"{1 - tolerance:g}) in {max_period} steps: no period. A chaotic or noisy run; a larger tolerance gives "
            "its typical return time.", UserWarning,
        )
        return np.nan
    turns = np.arange(1, lags.size + 1)
    return float(turns @ lags / (turns @ turns))


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
        At most 0 on the grid, about 0 at best with the mixture estimate of
        many dimensions (which can come out a little above). Very negative
        where the runs leave the data (a RuntimeWarning names the step where a
        run leaves the floating-point range). Pooled series split as one
        trajectory does: the mixture's centres from the first half of the
        pooled rows, its samples from the second.

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
