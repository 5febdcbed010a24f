"""Teacher-forced windows and free runs: the kernels against plain loops and finite differences."""

import warnings

import numpy as np
import pytest

from sklearn_alrnn._forcing import (
    EVALUATION_RUN_STEPS,
    EVALUATION_STARTS,
    FORECASTER_PARAMETER_NAMES,
    FreeRunEvaluation,
    TrainingWindows,
    adapted_alpha,
    evaluation_starts,
    forced_loss_and_gradients,
    forcing_schedule,
    free_run_from,
    initial_states,
    initialize_forecaster,
    jacobian_norm_bound,
    training_window,
)
from sklearn_alrnn._kernels.cpu import CPUEngine
from sklearn_alrnn._model import flatten_parameters, phi, split_flat
from sklearn_alrnn._optim import RAdamOptimizer
from sklearn_alrnn.metrics import power_spectrum_distance, state_space_divergence

M, N, K, T = 6, 2, 1, 11


def _problem(n_nonlinear, n_inputs=K, seed=0):
    rng = np.random.RandomState(seed)
    params = initialize_forecaster(M, N, n_inputs, rng, np.float64)
    params["W"] = rng.normal(scale=0.4, size=(M, M))
    params["h"] = rng.normal(scale=0.3, size=M)
    windows = rng.normal(size=(4, T + 1, N))
    inputs = rng.normal(size=(4, T, n_inputs))
    return params, windows, inputs


def _loop_forward(params, windows, inputs, forcing, n_nonlinear):
    """The forced recurrence written out one window and one step at a time."""
    predictions = np.empty(windows[:, 1:].shape)
    for i, window in enumerate(windows):
        z = np.concatenate([window[0], params["L"] @ window[0]])
        for t in range(T):
            z = params["a"] * z + params["W"] @ phi(z, n_nonlinear) + params["C"] @ inputs[i, t] + params["h"]
            predictions[i, t] = z[:N]
            z[:N] = forcing[t] * window[t + 1] + (1 - forcing[t]) * z[:N]
    return predictions


@pytest.mark.parametrize("teacher_forcing, alpha", [("sparse", 1.0), ("sparse", 0.6), ("generalized", 0.3)])
@pytest.mark.parametrize("n_nonlinear", [0, 2, M - N])
def test_forced_windows_match_loops_and_finite_differences(teacher_forcing, alpha, n_nonlinear):
    params, windows, inputs = _problem(n_nonlinear)
    engine = CPUEngine(M, n_nonlinear)
    forcing = forcing_schedule(T, teacher_forcing, 3, alpha, np.float64)
    flat, views = flatten_parameters(params, FORECASTER_PARAMETER_NAMES)
    grad = np.empty_like(flat)
    value, _ = forced_loss_and_gradients(views, windows, inputs, forcing, engine, grad)
    expected = _loop_forward(params, windows, inputs, forcing, n_nonlinear)
    assert value == pytest.approx(np.mean((expected - windows[:, 1:]) ** 2), rel=1e-12)

    shapes = {name: params[name].shape for name in FORECASTER_PARAMETER_NAMES}

    def loss_at(vector):
        scratch = np.empty_like(vector)
        return forced_loss_and_gradients(
            split_flat(vector, shapes, FORECASTER_PARAMETER_NAMES), windows, inputs, forcing, engine, scratch
        )[0]

    eps = 1e-6
    numeric = np.array([(loss_at(flat + e) - loss_at(flat - e)) / (2 * eps) for e in np.eye(flat.size) * eps])
    rel = np.linalg.norm(grad - numeric) / np.linalg.norm(numeric)
    assert rel < 1e-7
    assert np.all(split_flat(grad, shapes, FORECASTER_PARAMETER_NAMES)["L"] != 0)


@pytest.mark.parametrize("alpha", [1.0, 0.7])
def test_forcing_scales_the_gradient_through_the_observed_units_only(alpha):
    """At a forced step, the gradient reaching the prediction is (1 - alpha) times that of the
    forced state on the observed units, and all of it on the latent units."""
    params, windows, inputs = _problem(2)
    engine = CPUEngine(M, 2)
    forced = 5  # the state after step 5 is forced (forcing[4])
    forcing = np.zeros(T)
    forcing[forced - 1] = alpha
    Z = np.empty((4, T + 1, M))
    Z[:, 0] = initial_states(params["L"], windows[:, 0])
    engine.forced_forward(
        params["a"], params["W"], params["h"], params["C"], inputs, windows[:, 1:], forcing, Z, np.empty((4, T, N))
    )
    G = np.zeros_like(Z)
    G[:, forced + 1 :, :N] = 1.0  # losses only on predictions after the forced step
    grads = [np.zeros_like(params[name]) for name in "aWhC"]
    engine.forced_backward(params["a"], params["W"], params["C"], inputs, forcing, N, Z, G, *grads)
    slopes = np.where(np.arange(M) < M - 2, 1.0, (Z[:, forced] > 0).astype(float))
    through_forced_state = params["a"] * G[:, forced + 1] + slopes * (G[:, forced + 1] @ params["W"])
    np.testing.assert_allclose(G[:, forced, :N], (1 - alpha) * through_forced_state[:, :N], rtol=1e-12, atol=0)
    np.testing.assert_allclose(G[:, forced, N:], through_forced_state[:, N:], rtol=1e-12)
    assert np.all(through_forced_state[:, :N] != 0)
    if alpha == 1.0:
        assert np.all(G[:, forced, :N] == 0.0)


def test_sparse_schedule_forces_every_interval_steps():
    np.testing.assert_array_equal(forcing_schedule(7, "sparse", 3, 1.0, np.float64), [0, 0, 1, 0, 0, 1, 0])
    np.testing.assert_array_equal(forcing_schedule(3, "generalized", 3, 0.2, np.float64), [0.2] * 3)


def test_free_run_matches_the_map_and_marks_overflow():
    params, windows, _ = _problem(2, n_inputs=0)
    engine = CPUEngine(M, 2)
    z0 = initial_states(params["L"], windows[:, 0])
    run = engine.free_run(params["a"], params["W"], params["h"], params["C"], z0, np.zeros((4, 30, 0)), M)
    z = z0[1]
    for t in range(30):
        z = params["a"] * z + params["W"] @ phi(z, 2) + params["h"]
        np.testing.assert_allclose(run[1, t], z, rtol=1e-12, atol=1e-12)
    exploding = dict(params, a=np.full(M, 1e200))
    run = engine.free_run(exploding["a"], params["W"], params["h"], params["C"], z0, np.zeros((4, 5, 0)), N)
    assert np.all(np.isnan(run[:, 2:])) and np.all(np.isfinite(run[:, 0]))


def test_checkpoints_are_scored_on_free_runs_from_points_spread_over_the_series():
    rng = np.random.RandomState(3)
    series, exog = rng.normal(size=(1000, N)), rng.normal(size=(1000, 1))
    # Evaluations too short for two runs EVALUATION_RUN_STEPS apart make one, from the first
    # observation as in the reference; longer ones as many as fit, up to EVALUATION_STARTS. Runs
    # that nothing drives are as long as the whole evaluation.
    np.testing.assert_array_equal(evaluation_starts(series, exog, 400)[0], [0])
    long_series, no_exog = np.zeros((10 * EVALUATION_RUN_STEPS, N)), np.zeros((10 * EVALUATION_RUN_STEPS, 0))
    for n_steps, n_runs in [(2 * EVALUATION_RUN_STEPS - 1, 1), (3 * EVALUATION_RUN_STEPS, 3),
                            (10 * EVALUATION_RUN_STEPS, EVALUATION_STARTS)]:
        positions, inputs = evaluation_starts(long_series, no_exog, n_steps)
        assert positions.shape == (n_runs,) and positions[0] == 0
        assert np.diff(positions, prepend=0).max() >= EVALUATION_RUN_STEPS or n_runs == 1
        assert [s.shape for s in inputs] == [(n_steps - 1, 0)] * n_runs
    # Runs driven by exogenous inputs end where the inputs do.
    positions, inputs = evaluation_starts(series, exog, 400, n_starts=4)
    np.testing.assert_array_equal(positions, [0, 300, 600, 900])
    assert [len(s) for s in inputs] == [399, 399, 399, 100]
    np.testing.assert_array_equal(inputs[2], exog[600:999])
    params = initialize_forecaster(M, N, 1, rng, np.float64)
    engine = CPUEngine(M, 2)
    runs = [free_run_from(engine, params, series[p], s, N) for p, s in zip(positions, inputs)]
    # Several runs: their pooled D_stsp plus each one's D_H from the stretch it starts at.
    divergence = state_space_divergence(series, np.concatenate(runs))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # 100 steps are a short spectrum; the sum is checked
        spectra = np.mean([power_spectrum_distance(series[p : p + 400], run[: 1000 - p]) for p, run in zip(positions, runs)])
        score, pooled, _ = FreeRunEvaluation(series, positions, inputs)(engine, params)
    assert pooled == pytest.approx(divergence, rel=1e-12) and score == pytest.approx(divergence + spectra, rel=1e-12)
    # One run: its D_stsp, the reference's criterion.
    one = FreeRunEvaluation(series, positions[:1], inputs[:1])(engine, params)[:2]
    assert one == (pytest.approx(state_space_divergence(series, runs[0]), rel=1e-12),) * 2
    # A map that stays near the data from the first point only scores worse than one that stays
    # from every point: the runs from the other points count.
    contracting = dict(params, a=np.full(M, 0.5), W=np.zeros((M, M)), h=np.zeros(M), C=np.zeros((M, 1)))
    runaway = dict(contracting, a=np.where(np.arange(M) < N, 1.02, 0.5))
    spread = series.copy()
    spread[0] = 0.0  # the first run starts at the fixed point and stays there
    positions, inputs = evaluation_starts(spread, exog, 400, n_starts=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        calm = FreeRunEvaluation(spread, positions, inputs)(engine, contracting)
        assert all(np.greater(FreeRunEvaluation(spread, positions, inputs)(engine, runaway), calm))


def _rotation(radius_factor, omega=0.125):
    """A map whose first two units turn by ``omega`` and shrink by ``radius_factor`` each step."""
    W = np.zeros((M, M))
    W[:2, :2] = radius_factor * np.array([[np.cos(omega), np.sin(omega)], [-np.sin(omega), np.cos(omega)]])
    return dict(a=np.zeros(M), W=W, h=np.zeros(M), C=np.zeros((M, 0)), L=np.zeros((M - N, N)))


def test_a_map_that_leaves_the_attractor_only_after_a_while_loses_the_checkpoint_evaluation():
    # The series is the circle the exact rotation draws; the fading rotation stays near it for the
    # first quarter of the evaluation (radius 0.98 after 2,000 steps) and then spirals towards its
    # fixed point (0.92 after 8,000), as a chaotic run that comes to rest on a stable fixed point.
    series = free_run_from(CPUEngine(M, 2), _rotation(1.0), np.array([0.0, 1.0]), np.zeros((7999, 0)), N)
    exact, fading = _rotation(1.0), _rotation(0.98 ** (1 / 2000))
    positions, inputs = evaluation_starts(series, np.zeros((8000, 0)), 8000, n_starts=4)
    quarter = [s[:1999] for s in inputs]  # runs only as far as the next start
    engine = CPUEngine(M, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        assert FreeRunEvaluation(series, positions, inputs)(engine, exact)[0] < 0.01
        seen_whole = FreeRunEvaluation(series, positions, inputs)(engine, fading)[0]
        seen_in_quarters = FreeRunEvaluation(series, positions, quarter)(engine, fading)[0]
    assert seen_whole > 2 * seen_in_quarters


@pytest.mark.parametrize("n_dims", [8, 12])
def test_where_no_grid_fits_the_evaluation_divergence_reads_every_run(n_dims):
    # The mixture estimate reads 10,000 points of each side; from the pooled runs they must come
    # from all of them, not only from the start of the first, so that runs which leave the data
    # from the later points raise the divergence itself, not only the spectrum part. In 8
    # dimensions the grid's pseudo-counts outweighed the 40,000 points and the two maps scored alike.
    n_hidden = n_dims + 2
    series = np.random.RandomState(0).normal(size=(40_000, n_dims))
    series[0] = 0.0  # the first run starts at the maps' fixed point and stays there
    positions, inputs = evaluation_starts(series, np.zeros((40_000, 0)), 40_000, n_starts=4)
    contracting = dict(a=np.full(n_hidden, 0.5), W=np.zeros((n_hidden, n_hidden)), h=np.zeros(n_hidden),
                       C=np.zeros((n_hidden, 0)), L=np.zeros((n_hidden - n_dims, n_dims)))
    runaway = dict(contracting, a=np.where(np.arange(n_hidden) < n_dims, 1.02, 0.5))
    engine = CPUEngine(n_hidden, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        calm = FreeRunEvaluation(series, positions, inputs)(engine, contracting)[1]
        leaving = FreeRunEvaluation(series, positions, inputs)(engine, runaway)[1]
    # A quarter of the runaway's points stay where all of the calm map's are: log 4 more.
    assert leaving - calm == pytest.approx(np.log(4), abs=0.05)


def test_adaptive_alpha_follows_the_jacobian_bound():
    params, windows, inputs = _problem(2)
    Z = np.empty((4, T + 1, M))
    forced_loss_and_gradients(
        params, windows, inputs, np.zeros(T), CPUEngine(M, 2),
        np.empty(sum(p.size for p in params.values())), Z,
    )
    bound = jacobian_norm_bound(params, Z, M - 2)
    # The bound is the largest per-window geometric mean of the step Jacobians' spectral norms.
    logs = np.zeros((4, T))
    for i in range(4):
        for t in range(T):
            slopes = np.r_[np.ones(M - 2), (Z[i, t, M - 2 :] > 0).astype(float)]
            logs[i, t] = np.log(np.linalg.norm(np.diag(params["a"]) + params["W"] * slopes, 2))
    assert bound == pytest.approx(np.exp(logs.mean(axis=1).max()), rel=1e-12)
    # A linear network (P = 0) has one Jacobian, diag(a) + W, at every step (reshaping 0 bits a step failed).
    linear = jacobian_norm_bound(params, Z, M)
    assert linear == pytest.approx(np.linalg.norm(np.diag(params["a"]) + params["W"], 2), rel=1e-12)
    assert adapted_alpha(0.0, 4.0) == pytest.approx(0.75)  # a larger estimate is taken at once
    assert adapted_alpha(0.9, 2.0) == pytest.approx(0.999 * 0.9 + 0.001 * 0.5)  # a smaller one annealed
    assert adapted_alpha(0.5, 0.5) == pytest.approx(0.999 * 0.5)  # contracting: estimate 0


def test_radam_starts_with_momentum_steps_then_rectified_adam_steps():
    params = np.zeros(2)
    optimizer = RAdamOptimizer(params, learning_rate_init=0.1)
    optimizer.update_params(np.array([1.0, -2.0]))
    np.testing.assert_allclose(params, [-0.1, 0.2])  # bias-corrected momentum: the gradient itself
    for _ in range(10):
        optimizer.update_params(np.array([1.0, -2.0]))
    # Past the first steps, the rectified step of a constant gradient approaches lr * sign.
    before = params.copy()
    optimizer.update_params(np.array([1.0, -2.0]))
    step = params - before
    assert np.all(np.sign(step) == [-1, 1]) and np.allclose(np.abs(step[0]), np.abs(step[1]))


#: The stretches between the 59 missing weeks of statsmodels' weekly CO2 record (1958-2001).
CO2_STRETCHES = [856, 490, 404, 157, 100, 66, 28, 15, 13, 13, 10, 10, 10, 10, 8, 7, 6, 6, 6, 4, 2, 2, 2]


@pytest.mark.parametrize(
    "lengths, sequence_length, expected",
    [
        ([1000], 200, 200),
        ([150], 200, 149),  # one short series: shorter windows
        ([300, 300, 300], 200, 200),
        (list(range(30, 61)), 200, 29),  # ragged, none much shorter: windows fit them all
        ([40, 27, 49], 200, 26),
    ],
)
def test_training_windows_fit_every_series_unless_a_few_short_ones_would_cut_them(lengths, sequence_length, expected):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert training_window(lengths, sequence_length) == expected


def test_a_few_short_series_are_left_out_of_training_with_a_warning():
    with pytest.warns(UserWarning, match=r"^1 of the 2 series \(50 of 5050 rows\) are shorter than the training windows of 201"):
        assert training_window([5000, 50], 200) == 200
    # CO2's stretches: windows of 100 rows on the 5 longest (2,007 of 2,225 rows), not of 2 on all.
    with pytest.warns(UserWarning, match=r"^18 of the 23 series \(218 of 2225 rows\) .* windows of 100 rows"):
        assert training_window(CO2_STRETCHES, 200) == 99
    rng = np.random.RandomState(0)
    series = [rng.normal(size=(n, 2)) for n in (50, 5000, 30)]
    with pytest.warns(UserWarning, match="2 of the 3 series"):
        sampler = TrainingWindows(series, [np.zeros((len(s), 0)) for s in series], 200)
    assert (sampler.window, sampler.longest) == (200, 1)
    np.testing.assert_array_equal(sampler.starts_per_series, [0, 4800, 0])
    windows, _ = sampler.draw(64, 0.0, rng)
    first_rows = windows[:, 0]
    assert all(np.any(np.all(series[1] == row, axis=1)) for row in first_rows)
