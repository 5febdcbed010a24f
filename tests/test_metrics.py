"""The reconstruction measures: zero for the truth against itself, far from zero for impostors."""

import warnings

import numpy as np
import pytest

from sklearn_alrnn import ALRNNForecaster, datasets
from sklearn_alrnn._measures import correlation_sums, occupancy_reference, spectrum_reference
from sklearn_alrnn.metrics import (
    correlation_dimension,
    kaplan_yorke_dimension,
    lyapunov_spectrum,
    max_lyapunov_exponent,
    power_spectrum_distance,
    return_period,
    state_space_divergence,
)

from .conftest import lozi_map


@pytest.fixture(scope="module")
def two_lorenz_runs():
    X, _ = datasets.make_lorenz63(n_samples=2, n_timesteps=30_000, random_state=0)
    return X[0], X[1]


@pytest.fixture(scope="module")
def moment_matched_gaussian(two_lorenz_runs):
    truth, _ = two_lorenz_runs
    rng = np.random.RandomState(0)
    return rng.multivariate_normal(truth.mean(axis=0), np.cov(truth.T), size=truth.shape[0])


def test_truth_against_itself_scores_zero(two_lorenz_runs):
    truth, _ = two_lorenz_runs
    assert state_space_divergence(truth, truth) == pytest.approx(0.0, abs=1e-12)
    assert power_spectrum_distance(truth, truth) == pytest.approx(0.0, abs=1e-7)


def test_an_independent_run_of_the_system_scores_near_zero(two_lorenz_runs):
    truth, other = two_lorenz_runs
    assert state_space_divergence(truth, other) < 0.2
    assert power_spectrum_distance(truth, other) < 0.06


def test_a_moment_matched_gaussian_scores_far_from_zero(two_lorenz_runs, moment_matched_gaussian):
    truth, _ = two_lorenz_runs
    assert state_space_divergence(truth, moment_matched_gaussian) > 2.0
    assert power_spectrum_distance(truth, moment_matched_gaussian) > 0.8


def test_a_diverged_run_scores_worst_instead_of_nan(two_lorenz_runs):
    truth, other = two_lorenz_runs
    diverged = other.copy()
    diverged[100:] = np.nan
    assert state_space_divergence(truth, diverged) > state_space_divergence(truth, other[:100])
    assert np.isfinite(state_space_divergence(truth, diverged))
    assert power_spectrum_distance(truth, diverged) == 1.0
    # Points that leave the true data's range lower the generated occupancy inside it.
    escaped = other.copy()
    escaped[::2] += 100.0
    assert state_space_divergence(truth, escaped) > state_space_divergence(truth, other[::2]) + 0.5


def _divergence_on_an_explicit_grid(truth, generated, n_bins, eps=1e-5):
    """The binned D_stsp summed over every bin of an explicit grid (the reference's formula)."""
    std = truth.std(axis=0)
    edges = [np.linspace(t.min() - 0.1 * s, t.max() + 0.1 * s, n_bins + 1) for t, s in zip(truth.T, std)]
    n_total_bins = n_bins ** truth.shape[1]
    # Every generated point counts in its total, inside the grid or not.
    p, q = ((np.histogramdd(x, bins=edges)[0] + eps) / (len(x) + eps * n_total_bins) for x in (truth, generated))
    return np.sum(p * np.log(p / q))


def test_divergence_counts_every_bin_of_the_grid():
    """The closed form for empty bins equals the sum over an explicit grid."""
    rng = np.random.RandomState(0)
    truth, generated = rng.normal(size=(500, 2)), rng.normal(0.3, 1.2, size=(400, 2))
    assert state_space_divergence(truth, generated, n_bins=7) == pytest.approx(
        _divergence_on_an_explicit_grid(truth, generated, 7), rel=1e-6
    )


def _delays(x, n_delays, lag=8):
    return np.column_stack([x[i * lag : len(x) - (n_delays - 1 - i) * lag] for i in range(n_delays)])


@pytest.mark.parametrize("n_delays", [8, 10])
def test_a_grid_too_fine_for_the_data_gives_way_to_the_mixture_estimate(two_lorenz_runs, n_delays):
    # 30 bins in 8 to 10 dimensions: the histograms' pseudo-counts outweighed 30,000 points, and the
    # grid scored the Gaussian like the truth (0.061 and 0.005 with 8 delays, 0 and 0 with 10).
    # Each estimate draws its Monte-Carlo samples; the runs' digits follow the machine's rounding: over
    # random states 0-7 one machine scored the runs 0.037-0.069 and the Gaussian 0.148-0.191 with 8
    # delays (0.048-0.084 and 0.277-0.322 with 10), so the means of four states are compared.
    truth, other = (_delays(run[:, 0], n_delays) for run in two_lorenz_runs)
    gaussian = np.random.RandomState(0).multivariate_normal(truth.mean(0), np.cov(truth.T), size=len(truth))
    close = np.mean([state_space_divergence(truth, other, random_state=seed) for seed in range(4)])
    far = np.mean([state_space_divergence(truth, gaussian, random_state=seed) for seed in range(4)])
    assert abs(close) < 0.1 and far > 0.15 and far > 2.5 * abs(close)


def test_a_grid_that_the_data_fill_stays_a_grid(two_lorenz_runs):
    # Four delays of 30,000 steps on 30 bins per dimension: pseudo-counts of 8 against 30,000 points.
    truth, other = (_delays(run[:, 0], 4) for run in two_lorenz_runs)
    explicit = _divergence_on_an_explicit_grid(truth, other, 30)
    assert state_space_divergence(truth, other) == pytest.approx(explicit, rel=1e-6)
    assert state_space_divergence(truth, other) < 0.5


def _lorenz96_runs(n_steps, n_vars=20, n_runs=2, dt=0.05, forcing=8.0):
    """Runs of Lorenz-96 from random starts after 1,000 steps (RK4): a chaotic attractor of many dimensions."""
    def rate(x):
        return (np.roll(x, -1, axis=1) - np.roll(x, 2, axis=1)) * np.roll(x, 1, axis=1) - x + forcing

    x = forcing + np.random.RandomState(0).normal(size=(n_runs, n_vars))
    runs = np.empty((n_runs, n_steps, n_vars))
    for t in range(-1000, n_steps):
        k1 = rate(x)
        k2 = rate(x + 0.5 * dt * k1)
        k3 = rate(x + 0.5 * dt * k2)
        x = x + dt / 6 * (k1 + 2 * k2 + 2 * k3 + rate(x + dt * k3))
        if t >= 0:
            runs[:, t] = x
    return runs


def test_an_independent_run_scores_near_zero_in_many_dimensions_too():
    # The reference draws its samples around the true mixture's own centres, which sit closer to it
    # than another run's points can: two runs of 20-variable Lorenz-96 scored 0.68 against each other
    # and a Gaussian with the moments 0.87 (random_state 0-7). The samples now come from the true
    # trajectory's second half, the centres from its first: 0.02 +- 0.03 against 0.20 +- 0.04.
    truth, other = _lorenz96_runs(20_000)
    gaussian = np.random.RandomState(0).multivariate_normal(truth.mean(0), np.cov(truth.T), size=len(truth))
    assert state_space_divergence(truth, truth, random_state=0) == 0.0
    close = [state_space_divergence(truth, other, random_state=seed) for seed in range(3)]
    far = [state_space_divergence(truth, gaussian, random_state=seed) for seed in range(3)]
    assert abs(np.mean(close)) < 0.06 and np.mean(far) > 0.12 and min(far) > max(close)


def test_high_dimensional_divergence_uses_gaussian_mixtures():
    rng = np.random.RandomState(0)
    truth = rng.normal(size=(3000, 12))
    same_law = rng.normal(size=(3000, 12))
    shifted = rng.normal(size=(3000, 12)) + 3.0
    close = state_space_divergence(truth, same_law, random_state=0)
    far = state_space_divergence(truth, shifted, random_state=0)
    assert abs(close) < 0.5 and far > 20 * max(abs(close), 0.1)


def test_high_dimensional_divergence_does_not_depend_on_the_units():
    # The mixtures' kernels have a fixed variance; they once read raw units, so that recordings in
    # microvolts scored a moment-matched Gaussian as the truth, and data of 1e8 scored negative.
    rng = np.random.RandomState(1)
    mixing = 3 * rng.normal(size=(2, 12))  # a cycle through 12 dimensions
    truth, other = (np.c_[np.cos(phase), np.sin(phase)] @ mixing for phase in rng.uniform(0, 2 * np.pi, (2, 3000)))
    gaussian = rng.multivariate_normal(truth.mean(0), np.cov(truth.T), size=3000)
    close, far = (state_space_divergence(truth, x, random_state=0) for x in (other, gaussian))
    assert far > 100 * abs(close)
    for unit in (1e-6, 1e8, 1e300):
        for generated, expected in ((other, close), (gaussian, far)):
            assert state_space_divergence(truth * unit, generated * unit, random_state=0) == pytest.approx(
                expected, rel=1e-6, abs=1e-9
            )
    noisy = truth[:3] + 0.1 * rng.normal(size=(3, 12))  # three points far out: a small divergence, not -5
    assert state_space_divergence(1e8 * truth[:3], 1e8 * noisy, random_state=0) == pytest.approx(
        state_space_divergence(truth[:3], noisy, random_state=0), rel=1e-6
    )


def test_high_dimensional_divergence_counts_a_diverged_run_instead_of_dropping_it():
    rng = np.random.RandomState(0)
    truth, generated = rng.normal(size=(3000, 12)), rng.normal(size=(3000, 12))
    kept = state_space_divergence(truth, generated, random_state=0)
    # Three quarters of the run's first half, whose points are the mixture's centres, overflowed
    # (NaN) or went to the end of the floating-point range: the quarter left carries a quarter of
    # the weight, so log 4 more than its 375 points alone (the centres of 750 steps), not the same score.
    for gone in (np.nan, 1e307):
        diverged = generated.copy()
        diverged[375:] = gone
        assert state_space_divergence(truth, diverged, random_state=0) == pytest.approx(
            state_space_divergence(truth, generated[:750], random_state=0) + np.log(4), rel=1e-9
        )
    assert state_space_divergence(truth, np.full_like(generated, np.nan), random_state=0) == np.inf
    assert np.isfinite(kept)


def test_spectra_tell_frequencies_apart():
    t = np.arange(5000)
    slow, fast = np.sin(0.05 * t)[:, None], np.sin(0.5 * t)[:, None]
    assert power_spectrum_distance(slow, slow * 3 + 1) == pytest.approx(0.0, abs=1e-7)  # z-scored first
    assert power_spectrum_distance(slow, fast) > 0.9


def test_a_run_resting_on_a_fixed_point_has_no_spectrum_to_share():
    noise = np.random.default_rng(0).normal(size=(5000, 2))
    resting = np.ones((5000, 2))  # a flat spectrum would match white noise exactly
    assert power_spectrum_distance(noise, resting) == 1.0
    assert power_spectrum_distance(resting, noise) == 1.0
    assert power_spectrum_distance(resting, 2 * resting) == 0.0
    half = np.column_stack([noise[:, 0], resting[:, 1]])  # per dimension, then averaged
    assert power_spectrum_distance(noise, half) == pytest.approx(0.5, abs=1e-6)


def test_a_spectrum_too_short_for_its_smoothing_is_flagged():
    t = np.arange(40)
    slow, fast = np.sin(0.05 * t)[:, None], np.sin(2.5 * t)[:, None]
    with pytest.warns(UserWarning, match="21 frequencies, fewer than 4 x smoothing=20"):
        flattened = power_spectrum_distance(slow, fast)
    assert flattened < 0.05  # what the warning is about: different spectra, a distance near 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert power_spectrum_distance(slow, fast, smoothing=1) > 0.5


def test_the_measures_do_not_depend_on_the_units_even_near_the_floating_point_limit(two_lorenz_runs):
    # Both measures are scale-free (the grid follows the true data's range, spectra are
    # z-scored); recordings in units near 1e300 or 1e-300 once overflowed their moments
    # into a perfect score of 0.
    truth, other = two_lorenz_runs
    divergence = state_space_divergence(truth, other)
    distance = power_spectrum_distance(truth, other)
    assert divergence > 0.01 and distance > 0.01
    for unit in (2.0**1000, 2.0**-1000):
        assert state_space_divergence(truth * unit, other * unit) == divergence
        assert power_spectrum_distance(truth * unit, other * unit) == distance
    assert state_space_divergence(truth * 1e300, other * 1e300) == pytest.approx(divergence, rel=1e-6)
    assert power_spectrum_distance(truth * 1e300, other * 1e300) == pytest.approx(distance, rel=1e-6)
    # Subnormal data: their peak's power of two, 2^1000 or more, applied as a factor overflowed to
    # inf and the scores to NaN-driven nonsense; they keep about 5 digits of the data's 16.
    subnormal_truth, subnormal_other = truth * 1e-310, other * 1e-310
    with np.errstate(over="raise", invalid="raise"):
        assert state_space_divergence(subnormal_truth, subnormal_other) == pytest.approx(divergence, rel=1e-2)
        assert power_spectrum_distance(subnormal_truth, subnormal_other) == pytest.approx(distance, rel=1e-2)
    in_12_dimensions = np.tile(truth[:3000], 4), np.tile(other[:3000], 4)
    assert state_space_divergence(*(x * 1e-310 for x in in_12_dimensions), random_state=0) == pytest.approx(
        state_space_divergence(*in_12_dimensions, random_state=0), rel=1e-2
    )


def _frame(t, names):
    """t as a DataFrame whose columns name its dimensions x, y, z in the order of ``names``."""
    pd = pytest.importorskip("pandas")
    return pd.DataFrame(t, columns=list("xyz"))[list(names)]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda t: state_space_divergence(t, t[:, :2]), "dimensions"),
        (lambda t: state_space_divergence(np.where(t > 2, np.nan, t), t), "NaN"),
        (lambda t: state_space_divergence(t, t, n_bins=0), "n_bins"),
        (lambda t: power_spectrum_distance(t, t, smoothing=0), "smoothing"),
        (lambda t: power_spectrum_distance(t[:1], t), "n_timesteps >= 2"),
        (lambda t: state_space_divergence(t[None], t), "shape"),
        (lambda t: state_space_divergence(t + 0j, t), "must be real; got complex"),
        (lambda t: state_space_divergence(t, t + 0j), "X_gen must be real; got complex"),
        (lambda t: occupancy_reference(t).divergence(t[:, :2]), "X_true has 3 dimensions and X_gen 2"),
        (lambda t: spectrum_reference(t).distance(t[:999]), "X_gen has 999 steps; .* the reference's 1000"),
        (lambda t: spectrum_reference(t).distance(t[:, :2]), "X_true has 3 dimensions and X_gen 2"),
        (lambda t: state_space_divergence(_frame(t, "xyz"), _frame(t, "zyx")), r"columns \['x', 'y', 'z'\] and X_gen"),
        (lambda t: power_spectrum_distance(_frame(t, "xyz"), _frame(t, "yxz")), r"X_gen\[X_true.columns\]"),
    ],
)
def test_bad_inputs_are_refused(two_lorenz_runs, call, message):
    with pytest.raises(ValueError, match=message):
        call(two_lorenz_runs[0][:1000])


def test_a_reference_built_once_scores_each_trajectory_as_the_measures_do(two_lorenz_runs, moment_matched_gaussian):
    """Checkpoint selection scores many free runs against one training series with the reference
    objects; each score must be the measure's own, whatever was scored before it."""
    truth, other = two_lorenz_runs
    wide = np.tile(truth[:3000], (1, 4))  # 12 dimensions: the mixture estimate
    occupancy, mixture = occupancy_reference(truth), occupancy_reference(wide, random_state=0)
    spectra = spectrum_reference(truth[:20_000])
    for generated in (other, moment_matched_gaussian, other[::-1] * 1.5):
        assert occupancy.divergence(generated) == state_space_divergence(truth, generated)
        assert spectra.distance(generated) == power_spectrum_distance(truth[:20_000], generated)
        wide_generated = np.tile(generated[:3000], (1, 4))
        assert mixture.divergence(wide_generated) == state_space_divergence(wide, wide_generated, random_state=0)



def test_the_spectrum_of_a_piecewise_linear_chaotic_map_is_the_known_one():
    model = lozi_map()
    spectrum = lyapunov_spectrum(model, n_steps=200_000, x0=[0.1])
    assert spectrum.shape == (3,) and np.all(np.diff(spectrum) < 0)
    np.testing.assert_allclose(spectrum[:2], [0.4702, -1.1634], atol=0.005)
    # |det J| = b on the Lozi plane: the two exponents add up to log(b) at every step, not just on average
    assert spectrum[:2].sum() == pytest.approx(np.log(0.5), abs=1e-9)
    assert spectrum[2] < -30  # the copy -x of x: a direction the map annihilates, up to round-off
    assert kaplan_yorke_dimension(spectrum) == pytest.approx(1.4042, abs=0.01)
    assert max_lyapunov_exponent(model, n_steps=200_000, x0=[-0.2]) == pytest.approx(0.4702, abs=0.005)
    np.testing.assert_array_equal(lyapunov_spectrum(model, 2, n_steps=1000, x0=[0.1]),
                                  lyapunov_spectrum(model, 2, n_steps=1000, x0=[0.1]))


def test_the_full_spectrum_sums_to_the_mean_log_volume_change_along_the_run():
    rng = np.random.RandomState(3)
    M, P = 6, 3
    a, W, h = rng.uniform(0.3, 0.9, M), rng.normal(scale=0.6, size=(M, M)), rng.normal(scale=0.5, size=M)
    model = ALRNNForecaster.from_parameters(a, W, h, rng.normal(size=(M - 2, 2)), n_nonlinear=P)
    z = np.concatenate([[0.3, -0.2], model.L_ @ [0.3, -0.2]])
    log_volume = []
    for _ in range(1500):
        slope = np.r_[np.ones(M - P), z[M - P:] > 0]
        log_volume.append(np.log(abs(np.linalg.det(np.diag(a) + W * slope))))
        z = a * z + W @ np.where(slope > 0, z, 0.0) + h
    spectrum = lyapunov_spectrum(model, n_steps=1000, transient=500, x0=[0.3, -0.2])
    assert spectrum.sum() == pytest.approx(np.mean(log_volume[500:]), abs=1e-9)


def test_a_linear_maps_exponents_are_the_logs_of_its_eigenvalue_moduli():
    rng = np.random.RandomState(0)
    W = rng.normal(size=(5, 5))
    W *= 0.95 / np.max(np.abs(np.linalg.eigvals(W)))  # a rotating pair among them
    model = ALRNNForecaster.from_parameters(np.zeros(5), W, np.zeros(5), np.zeros((4, 1)), n_nonlinear=0)
    expected = np.sort(np.log(np.abs(np.linalg.eigvals(W))))[::-1]
    np.testing.assert_allclose(lyapunov_spectrum(model, n_steps=20_000, x0=[1.0]), expected, atol=2e-3)
    np.testing.assert_allclose(lyapunov_spectrum(model, 2, n_steps=20_000, x0=[1.0]), expected[:2], atol=2e-3)


@pytest.mark.parametrize(
    "exponents, dimension",
    [([0.906, 0.0, -14.572], 2.0622), ([-0.1, -0.5], 0.0), ([0.0, -1.0], 1.0), ([0.3, 0.1], 2.0),
     ([0.5, -np.inf], 1.0), ([-1.0, 0.5, 0.2], 2.7)],
)
def test_kaplan_yorke_dimension(exponents, dimension):
    assert kaplan_yorke_dimension(exponents) == pytest.approx(dimension, abs=1e-4)


def test_a_zero_exponent_measured_a_little_off_zero_still_counts_as_zero():
    # A stable cycle of a reconstructed gait over 10,000 steps: -0.00017, -0.011, -0.023 per step.
    cycle = [-0.00017, -0.011, -0.023]
    assert kaplan_yorke_dimension(cycle) == 0.0  # read as a fixed point
    assert kaplan_yorke_dimension(cycle, zero_tolerance=3e-4) == 1.0
    assert kaplan_yorke_dimension([0.00017, -0.011, -0.023], zero_tolerance=3e-4) == 1.0  # either side
    # Exponents beyond the tolerance keep their values: Lorenz-63's first.
    assert kaplan_yorke_dimension([0.906, 0.0002, -14.572], zero_tolerance=3e-4) == pytest.approx(2.0622, abs=1e-4)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda m: lyapunov_spectrum(m, 0), "n_exponents must be an integer >= 1; got 0"),
        (lambda m: lyapunov_spectrum(m, 4), "n_exponents=4 exceeds the map's 3 dimensions"),
        (lambda m: lyapunov_spectrum(m, 1.5), "n_exponents must be an integer"),
        (lambda m: lyapunov_spectrum(m, transient=-1), "transient must be an integer >= 0; got -1"),
        (lambda m: lyapunov_spectrum(m, n_steps=0), "n_steps must be an integer >= 1; got 0"),
        (lambda m: lyapunov_spectrum(m, x0=[1.0, 2.0]),
         r"x0 has 2 values \(shape \(2,\)\), but 1 features were fitted"),
        (lambda m: kaplan_yorke_dimension([0.5, np.nan]), "NaN or \\+inf"),
        (lambda m: kaplan_yorke_dimension(np.zeros((2, 2))), "non-empty 1-D array; got shape \\(2, 2\\)"),
        (lambda m: kaplan_yorke_dimension([]), "non-empty 1-D array"),
        (lambda m: kaplan_yorke_dimension([0.1], zero_tolerance=-1e-3), "zero_tolerance must be a finite number >= 0"),
        (lambda m: kaplan_yorke_dimension([0.1], zero_tolerance=np.inf), "finite number >= 0; got inf"),
        (lambda m: kaplan_yorke_dimension([0.1], zero_tolerance="small"), "finite number >= 0; got 'small'"),
    ],
)
def test_bad_spectrum_requests_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call(lozi_map())


def test_a_spectrum_of_a_run_that_overflows_is_nan_with_a_warning():
    model = lozi_map(a=3.0)  # the Lozi map escapes to infinity beyond a = 2
    with pytest.warns(RuntimeWarning, match="left the floating-point range within 3000 steps"):
        assert np.isnan(lyapunov_spectrum(model, n_steps=2000, x0=[0.1])).all()


def henon_attractor(n_steps, a=1.4, b=0.3):
    points = np.empty((n_steps + 100, 2))
    points[0] = 0.1
    for t in range(n_steps + 99):
        points[t + 1] = 1 - a * points[t, 0] ** 2 + points[t, 1], b * points[t, 0]
    return points[100:]


@pytest.mark.filterwarnings("error")  # each has a straight scaling range
def test_correlation_dimensions_of_sets_of_known_dimension(two_lorenz_runs):
    t = 0.01 * np.arange(20_000)
    assert correlation_dimension(np.column_stack([np.cos(t), np.sin(t)]), random_state=0) == pytest.approx(1.0, abs=0.02)
    # Grassberger & Procaccia (1983): Henon 1.21 +- 0.01, Lorenz-63 2.05 +- 0.01; Lozi 1.38 (Sprott 2003).
    assert correlation_dimension(henon_attractor(20_000), random_state=0) == pytest.approx(1.21, abs=0.04)
    assert correlation_dimension(two_lorenz_runs[0], random_state=0) == pytest.approx(2.05, abs=0.05)
    # The Lozi attractor as an AL-RNN's free run: (y, x) of its hidden states. D_2 stays below the
    # Kaplan-Yorke dimension of the same map (1.404), as D_2 <= D_1 requires.
    states = lozi_map().generate(20_100, x0=[0.1], return_states=True)[1][100:, :2]
    lozi = correlation_dimension(states, random_state=0)
    assert lozi == pytest.approx(1.38, abs=0.04) and lozi < 1.404
    assert correlation_dimension(states, random_state=1) != lozi  # other points drawn
    assert correlation_dimension(states, random_state=1) == correlation_dimension(states, random_state=1)


def test_the_theiler_window_leaves_out_neighbours_along_the_path(two_lorenz_runs):
    # On 2,000 steps of a finely sampled flow, pairs of points a few steps apart lie on a line and
    # pull the slope towards 1; leaving them out recovers Lorenz-63's 2.05.
    short = two_lorenz_runs[0][:2000]
    with_neighbours = correlation_dimension(short, theiler_window=0, random_state=0)
    without = correlation_dimension(short, random_state=0)
    assert without - with_neighbours > 0.05 and without == pytest.approx(2.05, abs=0.05)


@pytest.mark.parametrize("n_points, theiler_window", [(300, 0), (300, 3), (800, 5)])
def test_correlation_sums_count_the_pairs_far_enough_apart_in_time(n_points, theiler_window):
    # 300 points: the range from all pairs; 800: from a random draw of them. The sums against brute force.
    rng = np.random.RandomState(0)
    times = np.sort(rng.choice(2 * n_points, n_points, replace=False))
    points = np.cumsum(rng.standard_normal((n_points, 3)), axis=0)  # neighbours in time are near
    radii, sums = correlation_sums(points, times, (0.01, 0.2), theiler_window, rng)
    first, second = np.triu_indices(n_points, k=1)
    apart = times[second] - times[first] > theiler_window
    distances = np.linalg.norm(points[first[apart]] - points[second[apart]], axis=1)
    np.testing.assert_allclose(sums, [np.mean(distances <= r) for r in radii], rtol=1e-12)
    assert sums[0] == pytest.approx(0.01, rel=0.5) and sums[-1] == pytest.approx(0.2, rel=0.1)


def test_the_correlation_dimension_does_not_depend_on_the_units(two_lorenz_runs):
    X = two_lorenz_runs[0][:10_000]
    dimension = correlation_dimension(X, random_state=0)
    assert correlation_dimension(X * 2.0**1000, random_state=0) == dimension  # exact: a power of two
    assert correlation_dimension(X * [1e300, 1e-6, 1e6], random_state=0) == pytest.approx(dimension, rel=1e-6)
    with np.errstate(over="raise", invalid="raise"):
        assert correlation_dimension(X * 1e-310, random_state=0) == pytest.approx(dimension, rel=1e-2)


def test_a_correlation_sum_without_a_straight_scaling_range_is_flagged(two_lorenz_runs):
    # 300 steps of Lorenz-63 (three turns): slopes of about 4.7 and 2.3 over the range's two halves.
    with pytest.warns(UserWarning, match=r"bends over the scaling range \(slope 4.\d\d over its lower half, 2.\d\d"):
        correlation_dimension(two_lorenz_runs[0][:300], random_state=0)
    with pytest.warns(UserWarning, match="never does: a trend"):
        correlation_dimension(np.arange(500.0), random_state=0)


def test_points_that_coincide_have_dimension_zero_with_a_warning():
    cycle = np.tile([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]], (500, 1))
    for points in (np.ones((1000, 2)), cycle):
        with pytest.warns(UserWarning, match="do not spread over the scaling range: more than 0.001 of the pairs of points coincide"):
            assert correlation_dimension(points, random_state=0) == 0.0


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda X: correlation_dimension(X, pair_fractions=(0.1, 0.01)), r"0 < low < high < 1; got \(0.1, 0.01\)"),
        (lambda X: correlation_dimension(X, pair_fractions=(0, 0.1)), "0 < low < high < 1"),
        (lambda X: correlation_dimension(X, pair_fractions=(0.01, 1)), "0 < low < high < 1"),
        (lambda X: correlation_dimension(X, pair_fractions=0.1), "0 < low < high < 1; got 0.1"),
        (lambda X: correlation_dimension(X, pair_fractions=(0.01, 0.1, 0.2)), "two fractions"),
        (lambda X: correlation_dimension(X, pair_fractions=("a", "b")), "two fractions"),
        (lambda X: correlation_dimension(X, pair_fractions=np.array([1e-3, 0.1]) + 1j), "two fractions"),  # was its real part
        (lambda X: correlation_dimension(X, n_points=1), "n_points must be an integer >= 2; got 1"),
        (lambda X: correlation_dimension(X, n_points=2.5), "n_points must be an integer"),
        (lambda X: correlation_dimension(X, theiler_window=-1), "theiler_window must be an integer >= 0; got -1"),
        (lambda X: correlation_dimension(np.where(X > 2, np.nan, X)), "X contains NaN"),
        (lambda X: correlation_dimension(X + 0j), "X must be real; got complex"),
        (lambda X: correlation_dimension(X[None]), r"n_timesteps >= 2, n_dims\); got shape \(1, 1000, 3\)"),
        (lambda X: correlation_dimension([[1.0, 2.0], [3.0]]), "X must be a trajectory of numbers.*inhomogeneous"),
        (lambda X: state_space_divergence(X, {"x": 1}), "X_gen must be a trajectory of numbers"),
        (lambda X: correlation_dimension(X[:5]), r"the 0 pairs of 5 points more than theiler_window=10 steps apart"),
        (lambda X: correlation_dimension(X[:150]), r"needs 10 pairs of points; pair_fractions\[0\]=0.001 of the 9730 pairs"),
    ],
)
def test_bad_correlation_dimension_requests_are_refused(two_lorenz_runs, call, message):
    with pytest.raises(ValueError, match=message):
        call(two_lorenz_runs[0][:1000])


def test_the_spectrum_under_a_constant_input_is_that_of_the_map_it_drives():
    # The Lozi map with its constant term 1 given as an exogenous input instead of a bias: held at 1,
    # the same map, the same exponents to the bit; held at the default 0, another map.
    W = np.array([[0.0, 0.5, -0.5], [1.0, -1.7, -1.7], [-1.0, 1.7, 1.7]])
    driven = ALRNNForecaster.from_parameters(
        np.zeros(3), W, np.zeros(3), np.zeros((2, 1)), C=np.array([[0.0], [1.0], [-1.0]]), n_nonlinear=2
    )
    np.testing.assert_array_equal(lyapunov_spectrum(driven, n_steps=5000, x0=[0.1], constant_input=[1.0]),
                                  lyapunov_spectrum(lozi_map(), n_steps=5000, x0=[0.1]))
    assert max_lyapunov_exponent(driven, n_steps=5000, x0=[0.1], constant_input=np.array([1.0])) == pytest.approx(
        0.47, abs=0.02)
    with pytest.warns(RuntimeWarning, match="grows without bound"):  # without its constant the map is
        assert np.isnan(max_lyapunov_exponent(driven, n_steps=5000, x0=[0.1]))  # homogeneous, and expands
    for constant_input, message in [([1.0, 2.0], "constant_input has 2 features; the input matrix C has 1"),
                                    ([np.nan], "constant_input contains NaN")]:
        with pytest.raises(ValueError, match=message):
            lyapunov_spectrum(driven, constant_input=constant_input)


def rotation(period, n_steps=20_000):
    t = 2 * np.pi * np.arange(n_steps) / period
    return np.column_stack([np.cos(t), np.sin(t)])


@pytest.mark.filterwarnings("error")
def test_the_return_period_of_cycles_and_closed_curves():
    assert return_period(rotation(7)) == pytest.approx(7.0, abs=1e-9)  # a cycle of the map: its order
    assert return_period(rotation(2 * np.pi / 0.01)) == pytest.approx(2 * np.pi / 0.01, abs=1e-4)
    # A closed curve, not a cycle: the steps never lock to the turn. As an AL-RNN's free run too.
    assert return_period(rotation(65.37)) == pytest.approx(65.37, abs=1e-6)
    angle = 2 * np.pi / 65.37
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    model = ALRNNForecaster.from_parameters(np.zeros(2), turn, np.zeros(2), np.zeros((0, 2)), n_nonlinear=0)
    assert return_period(model.generate(5000, x0=[1.0, 0.0])) == pytest.approx(65.37, abs=1e-6)
    noisy = rotation(65.37) + 0.1 * np.random.default_rng(0).standard_normal((20_000, 2))
    assert return_period(noisy) == pytest.approx(65.37, abs=0.01)
    assert return_period(np.ones((100, 2))) == 1.0  # a fixed point, the 1-cycle


def test_a_coordinate_constant_up_to_rounding_adds_no_signal_to_the_measures():
    # 50,000 equal values: z-scored, their mean's rounding error (hundreds of ulps) was a signal of
    # unit size, and a run resting on a fixed point came back after 1.49998 steps.
    for value in (0.1, 103.33333333333333):
        assert return_period(np.full((50_000, 2), value)) == 1.0
    # A coordinate resting on its fixed point with last-bit jitter beside a turning pair: the pair's
    # measures, to the bit (before: D_2 1.017 against the circle's 1.007).
    circle = rotation(50.5 * np.sqrt(2), 20_000)
    jitter = 103.33333333333333 + np.random.default_rng(0).choice([0.0, 2.0**-46], size=(20_000, 1))
    assert np.ptp(jitter) > 0
    resting = np.hstack([circle, jitter])
    assert return_period(resting) == return_period(circle)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the pure circle's scaling range bends a little
        assert correlation_dimension(resting, random_state=0) == correlation_dimension(circle, random_state=0)
    # Its spectrum is none: it shares no power with noise (before: D_H 0.61, its jitter read as noise).
    noise = np.random.default_rng(1).standard_normal((20_000, 1))
    assert power_spectrum_distance(noise, jitter) == 1.0
    # A dimension resting on one value: the other run's 1e-12 off it there is not off the grid
    # (before: D_stsp 19.09 over 50,000 steps, where the mean's rounding set the bins' width).
    t = np.arange(50_000) * 0.1
    true = np.column_stack([np.sin(t), np.full(50_000, 0.1)])
    same = np.column_stack([np.sin(t + 1), np.full(50_000, 0.1)])
    nearly = np.column_stack([np.sin(t + 1), np.full(50_000, 0.1 * (1 + 1e-12))])
    assert state_space_divergence(true, nearly) == state_space_divergence(true, same) < 1e-6
    assert state_space_divergence(true, same * [1, 2]) > 10  # another value is another place
    # Above 10 dimensions, where the true spread scales the mixture.
    rng = np.random.default_rng(2)
    true, runs = np.hstack([rng.standard_normal((50_000, 10)), np.full((50_000, 1), 0.1)]), rng.standard_normal((50_000, 10))
    on_the_value = state_space_divergence(true, np.hstack([runs, np.full((50_000, 1), 0.1)]), random_state=0)
    nearly = state_space_divergence(true, np.hstack([runs, np.full((50_000, 1), 0.1 * (1 + 1e-12))]), random_state=0)
    assert nearly == pytest.approx(on_the_value, abs=1e-9) and on_the_value < 0.1
    assert state_space_divergence(true, np.hstack([runs, np.full((50_000, 1), 0.2)]), random_state=0) > 1


def test_the_return_period_uses_only_the_returns_that_stay_close():
    # The phase diffuses: returns near far multiples of the period are no returns at all, and taking
    # them would pull the slope anywhere.
    rng = np.random.default_rng(0)
    for diffusion in (0.005, 0.02, 0.05):
        phase = 2 * np.pi * np.arange(20_000) / 65.0 + np.cumsum(diffusion * rng.standard_normal(20_000))
        assert return_period(np.column_stack([np.cos(phase), np.sin(phase)])) == pytest.approx(65.0, abs=0.1)


def test_a_chaotic_run_has_no_period_but_a_typical_return_time(two_lorenz_runs):
    with pytest.warns(UserWarning, match="does not come back within tolerance=0.1 .* no period"):
        assert np.isnan(return_period(two_lorenz_runs[0][:20_000]))
    roessler = datasets.make_roessler(1, 20_000, random_state=0)[0][0]
    with pytest.warns(UserWarning, match="no period"):
        assert np.isnan(return_period(roessler))
    # Its mean turn, about 5.9 time units at dt = 0.05 (measured 117.1 steps)
    assert 110 < return_period(roessler, tolerance=0.5) < 125


def test_the_return_period_does_not_depend_on_the_units():
    X = rotation(65.37, 5000) + [3.0, -1.0]
    period = return_period(X)
    assert return_period(X * 2.0**1000) == period
    assert return_period(X * [1e300, 1e-6]) == pytest.approx(period, rel=1e-9)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda X: return_period(X, tolerance=0), r"tolerance must be a number in \(0, 1\]; got 0"),
        (lambda X: return_period(X, tolerance=1.5), "tolerance must be a number in"),
        (lambda X: return_period(X, tolerance="close"), "got 'close'"),
        (lambda X: return_period(X, max_period=0), "max_period must be an integer >= 1; got 0"),
        (lambda X: return_period(X, max_period=2.5), "max_period must be an integer"),
        (lambda X: return_period(X, max_period=98), "max_period=98 leaves no return to see in 100 steps; at most 97"),
        (lambda X: return_period(np.where(X > 0.9, np.nan, X)), "X contains NaN"),
        (lambda X: return_period(X[:2]), "max_period=1 leaves no return to see in 2 steps"),
    ],
)
def test_bad_return_period_requests_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call(rotation(7, 100))
