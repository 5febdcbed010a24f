"""Teacher-forced training of a forecaster: parameters, forcing schedules, loss and gradient.

A forecaster is an autonomous AL-RNN (optionally driven by exogenous inputs
``s_t``) whose first N units are the observation: ``x_hat_t = z_t[:N]``, the
identity observation model of the dynamical-systems reconstruction literature
(Brenner et al. 2024). A window starts from ``z_0 = [x_0 ; L x_0]``: the
unobserved units come from a learned linear map of the first observation.
The kernels are in ``_kernels.forcing``.
"""

import numpy as np

from ._model import initialize_parameters, split_flat
from ._regime_maps import jacobians_of_bits
from ._measures import MIXTURE_POINTS, evenly_spaced, grid_fits, occupancy_reference, spectrum_reference
from ._warnings import warn_user

#: Order in which a forecaster's parameters travel through the optimiser.
FORECASTER_PARAMETER_NAMES = ("a", "W", "h", "C", "L")

#: Checkpoints are selected by free runs from up to ``EVALUATION_STARTS`` observations spread over
#: the longest training series (``evaluation_steps`` steps of it), at least ``EVALUATION_RUN_STEPS``
#: apart, scored by their pooled D_stsp plus their mean D_H. Shorter evaluations make one run from
#: the first observation, scored by its D_stsp, as in the reference. Runs from several points catch
#: a map that leaves the attractor for a stable fixed point from some of them only (Lorenz-63 at
#: P = 12, five seeds: held-out D_stsp mean 0.80 -> 0.41, the worst 2.46 -> 0.58), and the spectrum
#: keeps their choice from trading it for geometry (RESULTS.md); short runs would show neither.
EVALUATION_STARTS, EVALUATION_RUN_STEPS = 4, 20_000

#: Each evaluation run is as long as the whole evaluation (as far as its exogenous inputs go), so
#: that a map whose runs stay chaotic for a while and then rest on a stable fixed point loses: at
#: P = 12 with 2,000 epochs, runs of 25,000 steps kept a Lorenz-63 map that falls after about
#: 30,000 (held-out D_stsp 1.86; 0.34 with runs of 100,000; RESULTS.md). The runs hold at most
#: ``EVALUATION_VALUES`` values in all, and never fewer steps than the evaluation spread over them.
EVALUATION_VALUES = 2**22

#: A fit warns when more than this share of its kept checkpoint's evaluation run steps lie beyond
#: the series' range widened by its width on each side, or overflowed: its free runs grow without
#: bound, as every checkpoint's did on an ECG with baseline wander (RESULTS.md), and so will
#: ``generate``'s.
ESCAPED_SHARE_WARNING = 0.01

#: Batches per epoch of the reference protocol, the most that ``batches_per_epoch="auto"`` takes.
REFERENCE_BATCHES_PER_EPOCH = 50

#: With series of different lengths, windows fit the shortest series, unless leaving out series
#: that hold less than ``1 - WINDOW_ROW_SHARE`` of the rows lets them be ``WINDOW_GAIN`` times longer.
WINDOW_ROW_SHARE, WINDOW_GAIN = 0.9, 2

#: ``n_hidden="auto"``: the reference's 20 units, or more where the observed and nonlinear units
#: would leave fewer than ``AUTO_LATENT_UNITS`` latent ones. On Lorenz-96 with 20 observed
#: variables 2, 8 and 18 latent units reconstructed alike (RESULTS.md), and each unit costs time.
AUTO_HIDDEN_UNITS, AUTO_LATENT_UNITS = 20, 2

#: ``n_nonlinear="auto"``: 12 ReLU units (at most the units left beside the observed ones). Free runs
#: of Lorenz-63 with 20 units by P = 2 / 4 / 6 / 8 / 12 / 17: D_stsp 2.1-3.6 / 1.07 / 0.93-1.46 /
#: 0.80-0.97 / 0.29-0.47 / 0.34; Halvorsen's cycle, Thomas' attractor and Roessler gain as much, Chua's
#: piecewise-linear attractor keeps its 0.13 (RESULTS.md, "Twenty-seventh session").
AUTO_NONLINEAR_UNITS = 12

#: Generalized teacher forcing re-estimates an adaptive alpha every this many
#: batches and anneals towards it with ``ALPHA_ANNEALING`` (Hess et al. 2023).
ALPHA_UPDATE_INTERVAL = 5
ALPHA_ANNEALING = 0.999

#: A free run this many training standard deviations from the training mean has left the data:
#: ``generate`` and ``forecast`` say so (an unstable map from a one-lead ECG's held-out start reached
#: 1e21 in 21,600 steps, every value finite).
RUNAWAY_DEVIATIONS = 100


def network_units(n_hidden, n_observed, n_nonlinear):
    """The hidden units M and ReLU units P that the ``n_hidden`` and ``n_nonlinear`` settings give
    for N observed variables, checked: the observed variables are read from linear units."""
    if n_nonlinear == "auto":
        room = AUTO_NONLINEAR_UNITS if n_hidden == "auto" else n_hidden - n_observed
        n_nonlinear = max(0, min(AUTO_NONLINEAR_UNITS, room))
    M = n_hidden if n_hidden != "auto" else max(AUTO_HIDDEN_UNITS, n_observed + n_nonlinear + AUTO_LATENT_UNITS)
    if n_nonlinear > M:
        raise ValueError(f"n_nonlinear={n_nonlinear} exceeds n_hidden={M}.")
    if n_observed > M - n_nonlinear:
        raise ValueError(
            (f"The {n_observed} observed variables are read from the first {n_observed} linear units, so "
             if n_observed > 1 else "The observed variable is read from the first linear unit, so ")
            + f"n_hidden - n_nonlinear must be at least {n_observed}; got n_hidden={M}, n_nonlinear={n_nonlinear} "
            '(n_hidden="auto" sizes the network to the data).'
        )
    return M, n_nonlinear


def initialize_forecaster(n_hidden, n_observed, n_inputs, rng, dtype):
    """The dynamical-systems initialisation of ``a, W, h, C`` and ``L ~ U(+-1/sqrt(N))``."""
    params = initialize_parameters(n_hidden, n_inputs, 1, rng, dtype, init="dsr")
    bound = 1.0 / np.sqrt(n_observed)
    params["L"] = rng.uniform(-bound, bound, size=(n_hidden - n_observed, n_observed)).astype(dtype)
    return {name: params[name] for name in FORECASTER_PARAMETER_NAMES}


def training_window(lengths, sequence_length):
    """Steps per training window: ``sequence_length``, or fewer to fit the shortest series, unless
    the series that hold a window ``WINDOW_GAIN`` times longer keep ``WINDOW_ROW_SHARE`` of all
    rows: then the longest such window, and the shorter series are left out of training (a warning
    names them). So a short stretch between two gaps of a recording does not cut every window to
    its length; one series, or several of one length, get ``min(sequence_length, length - 1)``."""
    lengths = np.asarray(lengths)
    ordered = np.sort(lengths)[::-1]
    enough = np.cumsum(ordered) >= WINDOW_ROW_SHARE * ordered.sum()
    fits_all = int(min(sequence_length, ordered[-1] - 1))
    window = int(min(sequence_length, ordered[np.argmax(enough)] - 1))
    if window < WINDOW_GAIN * fits_all:
        return fits_all
    left_out = lengths <= window
    if left_out.any():
        warn_user(
            f"{left_out.sum()} of the {len(lengths)} series ({lengths[left_out].sum()} of {lengths.sum()} rows) are "
            f"shorter than the training windows of {window + 1} rows and are left out of training; a smaller "
            "sequence_length takes them in.", UserWarning
        )
    return window


class TrainingWindows:
    """Random training windows of ``window + 1`` rows from standardised series, as the reference
    draws them: a series with probability proportional to its starting rows, then a start.
    ``window`` comes from ``training_window``; series shorter than a window have no starting rows.
    ``longest`` is the index of the longest series."""

    def __init__(self, scaled, inputs, sequence_length):
        lengths = np.array([len(s) for s in scaled])
        self.window, self.longest = training_window(lengths, sequence_length), int(np.argmax(lengths))
        self.data, self.exog = np.concatenate(scaled), np.concatenate(inputs)
        self.offsets = np.cumsum(lengths) - lengths
        self.starts_per_series = np.maximum(0, lengths - self.window)
        self.n_starts = int(self.starts_per_series.sum())
        self.series_weights = self.starts_per_series / self.n_starts
        self.steps = np.arange(self.window + 1)

    def batches_per_epoch(self, setting, batch_size):
        """``setting``; for "auto" as many batches as the starting rows fill, at most the reference's."""
        if setting != "auto":
            return setting
        return min(REFERENCE_BATCHES_PER_EPOCH, -(-self.n_starts // batch_size))

    def draw(self, batch_size, noise, rng):
        """(batch, window + 1, N) observations with Gaussian noise of std ``noise``, and the
        (batch, window, K) inputs that drive their steps."""
        which = rng.choice(len(self.offsets), size=batch_size, p=self.series_weights)
        first = self.offsets[which] + (rng.random_sample(batch_size) * self.starts_per_series[which]).astype(int)
        rows = first[:, None] + self.steps
        windows = self.data[rows]
        if noise:
            windows = windows + (noise * rng.standard_normal(windows.shape)).astype(self.data.dtype)
        return windows, self.exog[rows[:, :-1]]


def initial_states(L, x0):
    """``[x_0 ; L x_0]`` for each row of ``x0`` (n, N): (n, M)."""
    return np.concatenate([x0, x0 @ L.T], axis=1)


def free_runs(engine, params, starts, inputs, n_out):
    """Free runs from standardised observations ``starts`` (k, N): each run's start ``[x ; L x]``
    and one row per step of its ``inputs`` (k, n_steps, K), the first ``n_out`` units of each."""
    z0 = initial_states(params["L"], starts)
    run = engine.free_run(params["a"], params["W"], params["h"], params["C"], z0, inputs, n_out)
    return np.concatenate([z0[:, None, :n_out], run], axis=1)


def one_step_predictions(engine, params, states, scaled, inputs, alpha):
    """``predict``'s estimates (T, N), standardised, for each series: one step of the map from each
    state read from the series (``read_in_windows``), its observed units first forced to the data by
    ``alpha``. Where the states read grow past the floating-point range between forcings, the
    estimates are not finite and a ``RuntimeWarning`` names the first such row."""
    out = []
    for x, s, z in zip(scaled, inputs, states):
        # As the forcing kernels weigh them: z + alpha (x - z) loses x where z is far larger (1e20 + (-1 - 1e20) is 0).
        with np.errstate(over="ignore", invalid="ignore"):  # 0 * inf where the states overflowed
            z[:, : x.shape[1]] = alpha * x + (1.0 - alpha) * z[:, : x.shape[1]]
        drive = np.ascontiguousarray(s[:, None])
        step = engine.free_run(params["a"], params["W"], params["h"], params["C"], z, drive, x.shape[1])
        out.append(step[:, 0])
        row = first_non_finite_row(out[-1])
        if row is not None:
            warn_user(
                f"The one-step predictions leave the floating-point range at row {row} of {len(out[-1])}: "
                "the states read from the series grow past it between forcings. The fitted map is unstable.",
                RuntimeWarning,
            )
    return out


def free_run_from(engine, params, x0, inputs, n_out):
    """``free_runs`` from one observation ``x0`` (N,) with ``inputs`` (n_steps, K)."""
    return free_runs(engine, params, x0[None], inputs[None], n_out)[0]


def evaluation_starts(series, inputs, n_steps, n_starts=None):
    """Where checkpoints' evaluation free runs start, and what drives them: ``n_starts``
    observations of ``series`` (standardised), the first one first, spread so that the last has
    ``n_steps // n_starts`` rows after it. By default as many as lie ``EVALUATION_RUN_STEPS``
    apart, one to ``EVALUATION_STARTS``. Each run has ``n_steps`` steps (``EVALUATION_VALUES``),
    or as many as the exogenous ``inputs`` (T, K) hold after its start. Returns the starting rows'
    positions (k,) and each run's inputs, a list of (steps - 1, K) arrays."""
    if n_starts is None:
        n_starts = min(EVALUATION_STARTS, max(1, n_steps // EVALUATION_RUN_STEPS))
    spacing = max(2, n_steps // n_starts)
    positions = np.unique(np.linspace(0, len(series) - spacing, n_starts).astype(int))
    run_steps = max(spacing, min(n_steps, EVALUATION_VALUES // (len(positions) * series.shape[1])))
    if inputs.shape[1] == 0:  # nothing drives the runs: they can go past the series' end
        return positions, [np.zeros((run_steps - 1, 0), inputs.dtype)] * len(positions)
    return positions, [inputs[p : p + run_steps - 1] for p in positions]


class FreeRunEvaluation:
    """How checkpoints are selected: the free runs from ``reference[positions]`` with ``inputs``
    (``evaluation_starts``) against ``reference``, whose side of the measures is computed once.

    Calling it with an engine and parameters returns ``(score, divergence, escaped)``: the pooled
    runs' state-space divergence; the score, which is that divergence for one run, and for several
    adds their mean power-spectrum distance from the stretches of ``reference`` they start at (as
    far as ``reference`` goes); and the share of the runs' steps off the data (``escaped_share``). A
    model whose runs leave the attractor from some points, or after a while, scores badly even when
    one run stays on it. Where no grid fits the reference (``grid_fits``, as in
    ``metrics.state_space_divergence``) the divergence is a Monte-Carlo estimate: the reference's
    mixture on ``MIXTURE_POINTS`` points spread evenly over its first half, its samples from its
    second half, the runs' mixture on ``MIXTURE_POINTS`` points spread evenly over all runs; every
    checkpoint is scored on the same samples, so that ``random_state`` determines the fit and
    checkpoints differ only by their runs.
    """

    def __init__(self, reference, positions, inputs):
        self.reference, self.positions, self.inputs = reference, positions, inputs
        # Runs of one length go to the engine in one call, so that one that runs them in parallel
        # (CUDA) takes them together.
        self.stacked_inputs = np.stack(inputs) if len({len(s) for s in inputs}) == 1 else None
        self.mixture = not grid_fits(reference.shape)
        spread = evenly_spaced(reference, 2 * MIXTURE_POINTS) if self.mixture else reference
        self.occupancy = occupancy_reference(spread, random_state=0)
        low, high = reference.min(axis=0), reference.max(axis=0)
        margin = np.maximum(high - low, 1.0)
        self.low, self.high = low - margin, high + margin
        if len(positions) > 1:
            self.spectra = [
                spectrum_reference(reference[p : p + min(len(s) + 1, len(reference) - p)])
                for p, s in zip(positions, inputs)
            ]

    def __call__(self, engine, params):
        N = self.reference.shape[1]
        if self.stacked_inputs is not None:
            runs = list(free_runs(engine, params, self.reference[self.positions], self.stacked_inputs, N))
        else:
            runs = [free_run_from(engine, params, self.reference[p], s, N) for p, s in zip(self.positions, self.inputs)]
        pooled = np.concatenate(runs)
        escaped = self.escaped_share(pooled)
        if self.mixture:
            divergence = self.occupancy.divergence_from_centres(evenly_spaced(pooled, MIXTURE_POINTS))
        else:
            divergence = self.occupancy.divergence(pooled)
        if len(self.positions) == 1:
            return divergence, divergence, escaped
        spectra = [spectra.distance(run) for spectra, run in zip(self.spectra, runs)]
        return divergence + float(np.mean(spectra)), divergence, escaped

    def escaped_share(self, points):
        """Share of ``points`` (n, N) that are not finite or lie beyond the reference's range
        widened on each side by its width, at least 1 (a constant variable's range is a point), in
        some variable."""
        with np.errstate(invalid="ignore"):  # NaN compares False: escaped
            inside = np.all((points >= self.low) & (points <= self.high), axis=1)
        return 1.0 - float(inside.mean())


def first_non_finite_row(rows):
    """Index of the first row of ``rows`` (n, k) with an entry that is not finite, or None."""
    bad = ~np.all(np.isfinite(rows), axis=1)
    return int(np.argmax(bad)) if bad.any() else None


def warn_where_a_run_overflows(run):
    """Warn, and return True, where a free run (n_steps, n) has left the floating-point range."""
    step = first_non_finite_row(run)
    if step is not None:
        warn_user(
            f"The free run left the floating-point range at step {step} of {len(run)}; "
            "the rows from there are NaN. The fitted map is unstable from this start.",
            RuntimeWarning,
        )
    return step is not None


def warn_where_a_run_leaves(run):
    """Warn where a standardised free run (n_steps, N) leaves the floating-point range, or else
    goes further than ``RUNAWAY_DEVIATIONS`` from the training mean (``generate``, ``forecast``)."""
    away = np.any(np.abs(run) > RUNAWAY_DEVIATIONS, axis=1)
    if not warn_where_a_run_overflows(run) and away.any():
        warn_user(
            f"The free run goes further than {RUNAWAY_DEVIATIONS} training standard deviations from the training "
            f"mean at step {int(np.argmax(away))} of {len(run)}: the fitted map is unstable from this start. "
            "forecast from a longer context, another random_state or more nonlinear units may stay on the data.",
            RuntimeWarning,
        )


def warn_if_runs_escape(share):
    """Warn where a fit's kept checkpoint has more than ``ESCAPED_SHARE_WARNING`` of its evaluation
    run steps off the data (``escaped_share``)."""
    if share > ESCAPED_SHARE_WARNING:
        warn_user(
            f"The kept checkpoint's free runs leave the training data: {share:.0%} of their steps lie more "
            "than the data's range beyond it, or overflowed, so generate and long forecasts grow without "
            "bound. A trend or a drifting baseline in the series is the usual cause: remove it (a high-pass "
            "filter, differences) before fitting.", RuntimeWarning,
        )


def read_in_windows(engine, params, x, inputs, window, schedule):
    """States (T, M) of a standardised series ``x`` (T, N) read as in training.

    Consecutive windows of ``window`` rows, each started from ``[x ; L x]`` at
    its first row, the observed units forced on ``schedule(n_steps, dtype)``.
    Forcing every step instead would clamp the observed units and leave the
    latent ones without the feedback that keeps them bounded in training; a
    fitted model can diverge there.
    """
    states = np.empty((len(x), params["a"].shape[0]), dtype=x.dtype)
    for first in range(0, len(x), window):
        rows = x[first : first + window]
        Z = np.empty((1, len(rows), states.shape[1]), dtype=x.dtype)
        Z[:, 0] = initial_states(params["L"], rows[:1])
        engine.forced_forward(
            params["a"], params["W"], params["h"], params["C"], inputs[None, first : first + len(rows) - 1],
            rows[None, 1:], schedule(len(rows) - 1, x.dtype), Z, np.empty((1, len(rows) - 1, x.shape[1]), x.dtype),
        )
        states[first : first + len(rows)] = Z[0]
    return states


def forcing_schedule(n_steps, teacher_forcing, forcing_interval, alpha, dtype, end_forced=False):
    """Forcing weight of each of ``n_steps`` steps.

    ``"sparse"``: ``alpha`` after every ``forcing_interval``-th step, 0 elsewhere
    (identity forcing when alpha = 1), counted from the last step instead with
    ``end_forced``; ``"generalized"``: ``alpha`` at every step.
    """
    if teacher_forcing == "generalized":
        return np.full(n_steps, alpha, dtype=dtype)
    schedule = np.zeros(n_steps, dtype=dtype)
    if end_forced:
        schedule[n_steps - 1 :: -forcing_interval] = alpha
    else:
        schedule[forcing_interval - 1 :: forcing_interval] = alpha
    return schedule


def forced_loss_and_gradients(params, windows, inputs, forcing, engine, grad_out, states_out=None):
    """Mean squared one-step error of teacher-forced windows and its gradient.

    Parameters
    ----------
    params : dict of str -> ndarray
        ``FORECASTER_PARAMETER_NAMES``.
    windows : ndarray of shape (n, T + 1, N)
        Observations; row 0 of each window sets its initial state, rows 1..T
        are the targets and the forcing signal.
    inputs : ndarray of shape (n, T, K)
        Exogenous inputs; ``inputs[:, t]`` drives the step from row t to t + 1.
    forcing : ndarray of shape (T,)
        ``forcing_schedule``.
    engine : Engine
    grad_out : ndarray of shape (n_parameters,)
        Receives the flat gradient.
    states_out : ndarray of shape (n, T + 1, M), default=None
        Receives the teacher-forced states (a workspace; allocated when None).

    Returns
    -------
    value : float
        Mean over windows, steps and observed units of the squared error (the
        reference implementation's MSE).
    states : ndarray of shape (n, T + 1, M)
    """
    n, T1, N = windows.shape
    M = params["a"].shape[0]
    Z = np.empty((n, T1, M), dtype=windows.dtype) if states_out is None else states_out
    Z[:, 0] = initial_states(params["L"], windows[:, 0])
    predictions = np.empty((n, T1 - 1, N), dtype=windows.dtype)
    data = windows[:, 1:]
    engine.forced_forward(params["a"], params["W"], params["h"], params["C"], inputs, data, forcing, Z, predictions)
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging fit: the caller checks finiteness
        diff = predictions - data
        value = float(np.mean(diff * diff))
    G = np.zeros_like(Z)
    G[:, 1:, :N] = diff * (2.0 / diff.size)
    grad_out.fill(0)
    grads = split_flat(grad_out, {name: params[name].shape for name in params}, FORECASTER_PARAMETER_NAMES)
    with np.errstate(over="ignore", invalid="ignore"):  # as above: the caller checks the gradient's finiteness
        d_initial = engine.forced_backward(
            params["a"], params["W"], params["C"], inputs, forcing, N, Z, G,
            grads["a"], grads["W"], grads["h"], grads["C"],
        )
        grads["L"] += d_initial[:, N:].T @ windows[:, 0]
    return value, Z


def jacobian_norm_bound(params, states, n_linear):
    """Largest geometric mean, over windows, of the step Jacobians' spectral norms.

    The "product upper bound" of Hess et al. (2023): the Jacobian at z is
    ``diag(a) + W diag(phi'(z))``, which depends only on z's regime, so one
    norm per visited regime suffices.
    """
    a, W = params["a"].astype(np.float64), params["W"].astype(np.float64)
    bits = states[:, :-1, n_linear:] > 0
    steps = bits.reshape(bits.shape[0] * bits.shape[1], bits.shape[2])  # -1 cannot stand for 0 rows of P = 0 bits
    visited, inverse = np.unique(steps, axis=0, return_inverse=True)
    log_norms = np.log(np.linalg.norm(jacobians_of_bits(a, W, visited), ord=2, axis=(1, 2)))
    per_step = log_norms[inverse.reshape(-1)].reshape(bits.shape[:2])
    return float(np.exp(per_step.mean(axis=1).max()))


def adapted_alpha(alpha, norm_bound):
    """One annealing step of the adaptive forcing weight towards ``max(0, 1 - 1 / bound)``."""
    estimate = max(0.0, 1.0 - 1.0 / norm_bound)
    if estimate > alpha:
        return estimate
    return ALPHA_ANNEALING * alpha + (1 - ALPHA_ANNEALING) * estimate
