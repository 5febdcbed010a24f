"""ALRNNForecaster: learn a dynamical system from recorded series, forecast and generate."""

from numbers import Integral, Real

import numpy as np
from joblib import effective_n_jobs
from sklearn.base import BaseEstimator
from sklearn.utils import check_array, check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from . import io
from ._forcing import (
    FORECASTER_PARAMETER_NAMES, forcing_schedule, free_run_from, initialize_forecaster, network_units,
    one_step_predictions, read_in_windows, warn_if_runs_escape, warn_where_a_run_leaves, warn_where_a_run_overflows)
from ._forecaster_training import train_forecaster
from ._initialisations import fit_best_initialisation
from ._input_features import feature_moments
from ._interrupts import all_or_nothing
from ._kernels import make_engine
from ._map_measures import mean_n_step_error
from ._model import check_fitted_vector, check_network_parameters, flatten_parameters
from ._panels import time_index
from ._process_noise import check_process_noise, noisy_drive, residual_covariance
from ._persistence import ForecasterStateMixin
from ._series import check_context, check_exog, check_exog_range, check_series, named_columns
from ._series import check_observation, holds_several_series, series_like, warn_if_columns_are_not_variables
from ._series import string_columns, warn_if_scales_differ
from ._validation import check_answer_size, check_continued_width, check_counts
from ._warnings import warn_user

__all__ = ["ALRNNForecaster"]


@io.register_model_class
class ALRNNForecaster(ForecasterStateMixin, BaseEstimator):
    """Dynamical-systems reconstruction with an AL-RNN, trained by teacher forcing.

    The first N of the ``n_hidden`` units are read out as the N observed variables
    (``x_hat_t = z_t[:N]``, so N <= n_hidden - n_nonlinear: they are linear units); the others
    are latent, started from a learned linear map of the first observation (``[x_0 ; L x_0]``).
    Training follows the reconstruction literature (Brenner et al. 2022, 2024; Hess et al. 2023):
    random windows of ``sequence_length`` steps, Gaussian noise, the one-step error under teacher
    forcing, RAdam with an exponentially decaying learning rate, and, every
    ``evaluation_interval`` epochs, free runs from the (longest) series (``evaluation_steps``)
    scored by their state-space divergence from it; the best checkpoint is kept, because a low
    one-step error does not mean a free run with the attractor's geometry. Series are
    standardised per variable inside the model (``mean_``, ``scale_``); everything a user passes
    or receives is in their units, the hidden states and the analysis in standardised units.

    Parameters
    ----------
    n_hidden : int or "auto", default="auto"
        Number of hidden units M. "auto": 20 (the reference's), or N + P + 2
        where N observed variables would leave fewer than 2 latent units.
    n_nonlinear : int or "auto", default="auto"
        Number P of ReLU units (the last P): the dial between the smallest code (2^P regimes; P = 2
        on Lorenz-63, D_stsp 2.3-3.6) and the geometry. "auto": 12, at most n_hidden - N (Lorenz-63
        with 20 units: D_stsp 0.1-0.5). ``GridSearchCV`` picks it; ``n_nonlinear_`` is the P used.
    teacher_forcing : {"sparse", "generalized"}, default="sparse"
        "sparse": after every ``forcing_interval``-th step the observed units are pulled to the data
        with weight ``alpha`` (replaced when alpha=1) and the gradient through them is cut in that
        proportion (Mikhaeil et al. 2022); "generalized": the pull at every step (Hess et al. 2023).
    forcing_interval : int, default=16
        Steps between forcings ("sparse").
    alpha : float in (0, 1] or None, default=None
        Forcing weight. None: 1 for "sparse"; for "generalized", an adaptive
        weight ``1 - 1 / bound`` of the step Jacobians' norms, re-estimated
        every 5 batches and annealed (Hess et al. 2023), starting at 1.
    sequence_length : int, default=200
        Steps per training window, fewer to fit the shortest series, unless leaving out short
        series (under 10% of the rows; a warning names them) lets windows be twice as long.
    noise : float, default=0.05
        Standard deviation of the Gaussian noise added to each training window (in standardised
        units), forcing signal and targets alike (for noise in free runs see ``generate``).
    batch_size : int, default=16
    batches_per_epoch : int or "auto", default="auto"
        Optimiser steps per epoch. "auto": as many batches as the training windows' possible
        starting rows fill (``ceil(n_starts / batch_size)``), at most the reference's 50, so that
        the budget follows the data: a recording of 1,000 steps or more gets the literature's 50,
        a monthly series of 144 one batch per epoch (seconds, not minutes; RESULTS.md).
    max_iter : int, default=2000
        Epochs (each ``batches_per_epoch`` optimiser steps), the literature's budget: with 1000,
        Lorenz-63 free runs scored D_stsp 3.22 / 0.39 at P = 2 / 12, not 2.70 / 0.19 (RESULTS.md).
    learning_rate_init : float, default=1e-3
        RAdam's step size. If the loss blows up, training goes on from the epoch's start at a
        fifth of it, twice at most, with a warning.
    learning_rate_end : float, default=1e-5
        The learning rate decays exponentially to this at the last epoch.
    clip_norm : float or None, default=None
        Clip each gradient to this global norm.
    evaluation_interval : int, default=25
        Epochs between free-run evaluations (checkpoint selection).
    evaluation_steps : int, default=100000
        Steps of each evaluation free run (at most the longest series' length): one run from
        its first observation, or from 40,000 steps runs from up to four points spread over it,
        at least 20,000 steps apart, so that a map that leaves the attractor from some of them,
        or only after a while, loses. Runs driven by exogenous inputs end where the inputs do.
    n_init : int, default=2
        Train this many initialisations (seeds drawn from ``random_state``; in threads with
        ``n_jobs``) and keep the one whose best checkpoint has the smallest divergence, as KMeans
        keeps its best start: fits vary from seed to seed and machine to machine (Roessler: targets
        met on 4 and 7 of 8 seeds on two machines, 6 and 8 of 8 with 4).
    warm_start : bool, default=False
        ``fit`` trains the fitted network on (``max_iter`` more epochs, the learning rate decaying
        afresh; one run, whatever ``n_init``), in the units it was fitted in (``mean_``,
        ``scale_``), on series of its variables and inputs; the starting network is the first
        checkpoint (epoch 0), kept if no later one scores better. A network from
        ``from_parameters`` (the research code's, say) is trained on so too.
    n_jobs : int or None, default=-1
        Threads for the ``n_init`` fits, side by side, and for prediction (-1: all CPUs, None:
        one); results do not depend on it. Lorenz-63 or Roessler with the defaults: 105-165 s on 2
        cores, depending on the machine; one core runs the initialisations one after the other,
        in 1.5-2 times as long. Each fit trains on one thread: two made a batch of 16 windows
        1.4-1.8 times slower, and gained 10% only from batches of 256 (RESULTS.md).
    device : {"cpu", "cuda", "auto"}, default="cpu"
        Where training runs (forced windows, gradients, evaluation free runs); prediction: the CPU.
    dtype : {"float64", "float32"}, default="float64"
    random_state : int, RandomState instance or None, default=None
    verbose : int, default=0

    Attributes
    ----------
    a_, W_, h_ : ndarray
        The map ``z_t = a z_{t-1} + W phi(z_{t-1}) + C s_t + h``.
    C_ : ndarray of shape (n_hidden, n_inputs_)
        Input matrix of the exogenous inputs (no columns without them).
    L_ : ndarray of shape (n_hidden - n_features_in_, n_features_in_)
        Initial latent state from the first observation.
    mean_, scale_ : ndarray of shape (n_features_in_,)
        Standardisation of the observed variables.
    n_nonlinear_ : int
    n_features_in_ : int
        Number N of observed variables.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        The column names of a DataFrame series fitted, when they are all
        strings; ``predict``, ``forecast`` and ``score`` refuse other names.
    n_inputs_ : int
        Number K of exogenous inputs.
    loss_curve_ : list of float
        Mean one-step training loss of each epoch (standardised units).
    evaluation_curve_ : list of tuple
        ``(epoch, score)`` of each evaluation: the free runs' state-space
        divergence from the training series, plus their mean power-spectrum
        distance where there are several (``evaluation_steps``).
    best_epoch_ : int
        Epoch of the kept checkpoint, the one with the lowest score.
    best_evaluation_score_, best_state_space_divergence_ : float
        Its score, and the divergence part of it.
    alpha_ : float
        The forcing weight at the end of training.
    initial_observation_ : ndarray of shape (n_features_in_,)
        The first training observation, where ``generate`` starts by default.
    residual_covariance_ : ndarray of shape (n_features_in_, n_features_in_)
        Covariance of the one-step errors (``predict``) on the training series, standardised
        as the map's units are: the noise of ``generate(process_noise=1)``.
    n_iter_ : int
        Epochs run.
    init_scores_ : ndarray of shape (n_init,) or None
        Minus each initialisation's ``best_evaluation_score_`` (-inf: one that
        Ctrl-C kept from starting); None with ``n_init=1``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_alrnn import ALRNNForecaster
    >>> t = np.arange(2000) * 0.05
    >>> X = np.column_stack([np.sin(t), np.cos(t)])
    >>> model = ALRNNForecaster(n_hidden=8, n_nonlinear=1, max_iter=50, random_state=0).fit(X)
    >>> bool(np.abs(model.forecast(X[:100], n_steps=50) - X[100:150]).max() < 0.05)  # the next 50 steps
    True
    """

    _parameter_constraints: dict = {
        "n_hidden": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "n_nonlinear": [Interval(Integral, 0, None, closed="left"), StrOptions({"auto"})],
        "teacher_forcing": [StrOptions({"sparse", "generalized"})],
        "forcing_interval": [Interval(Integral, 1, None, closed="left")],
        "alpha": [Interval(Real, 0, 1, closed="right"), None],
        "sequence_length": [Interval(Integral, 1, None, closed="left")],
        "noise": [Interval(Real, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "batches_per_epoch": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "learning_rate_end": [Interval(Real, 0, None, closed="neither")],
        "clip_norm": [Interval(Real, 0, None, closed="neither"), None],
        "evaluation_interval": [Interval(Integral, 1, None, closed="left")],
        "evaluation_steps": [Interval(Integral, 2, None, closed="left")],
        "n_init": [Interval(Integral, 1, None, closed="left")],
        "warm_start": ["boolean"],
        "n_jobs": [Interval(Integral, 1, None, closed="left"), Interval(Integral, None, -1, closed="right"), None],
        "device": [StrOptions({"cpu", "cuda", "auto"})],
        "dtype": [StrOptions({"float64", "float32"})],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self, n_hidden="auto", n_nonlinear="auto", *, teacher_forcing="sparse", forcing_interval=16, alpha=None,
        sequence_length=200, noise=0.05, batch_size=16, batches_per_epoch="auto", max_iter=2000,
        learning_rate_init=1e-3, learning_rate_end=1e-5, clip_norm=None, evaluation_interval=25,
        evaluation_steps=100_000, n_init=2, warm_start=False, n_jobs=-1, device="cpu", dtype="float64",
        random_state=None, verbose=0,
    ):
        self.n_hidden = n_hidden
        self.n_nonlinear = n_nonlinear
        self.teacher_forcing = teacher_forcing
        self.forcing_interval = forcing_interval
        self.alpha = alpha
        self.sequence_length = sequence_length
        self.noise = noise
        self.batch_size = batch_size
        self.batches_per_epoch = batches_per_epoch
        self.max_iter = max_iter
        self.learning_rate_init = learning_rate_init
        self.learning_rate_end = learning_rate_end
        self.clip_norm = clip_norm
        self.evaluation_interval = evaluation_interval
        self.evaluation_steps = evaluation_steps
        self.n_init = n_init
        self.warm_start = warm_start
        self.n_jobs = n_jobs
        self.device = device
        self.dtype = dtype
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ fit
    @all_or_nothing
    def fit(self, X, y=None, *, exog=None):
        """Learn the system from one or more recorded series.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features), (n_series, n_timesteps, n_features) or list
            One series (1-D: univariate; nested lists of numbers: its rows), several of one length
            (all-NaN trailing steps pad shorter ones, as in tslearn) or a list of any lengths. Finite.
        y : None
            Ignored (the targets are the series' own next steps).
        exog : array-like, default=None
            Exogenous inputs, one row per step of each series, in the same
            structure as X; ``exog[t]`` drives the step from row t to t + 1.
            In any units: they are standardised for training, and ``C_`` and
            ``h_`` take them as given. Beside a padded 3-D X, a 3-D exog of its
            shape may run on past a series' end: those rows are cut.

        Returns
        -------
        self : ALRNNForecaster

        Warns
        -----
        RuntimeWarning
            When over 1% of the kept checkpoint's evaluation free-run steps lie
            beyond the series' range widened on each side by its width (at least
            a standard deviation), or overflowed: ``generate`` grows without bound.
        UserWarning
            When the columns look like no variables (a time index, one value throughout, more columns than rows),
            a variable trends (its first differences forecast better), or some of several series vary by less
            than 1% of all of them together (series in their own units, which one standardisation reads as flat).
        """
        self._validate_params()
        warm = self.warm_start and hasattr(self, "a_")
        if warm:
            self._check_fitted_network()
        series, layout = check_series(X, "X")
        if warm:
            check_continued_width(series[0].shape[1], self)
        self._check_feature_names(X, reset=not warm)
        warn_if_columns_are_not_variables(series, getattr(self, "feature_names_in_", None))
        warn_if_scales_differ(series, getattr(self, "feature_names_in_", None))
        M, P = (self.a_.shape[0], self.n_nonlinear_) if warm else network_units(
            self.n_hidden, series[0].shape[1], self.n_nonlinear)
        inputs = check_exog(exog, [len(s) for s in series], self.n_inputs_ if warm else None, layout=layout)
        self._check_exog_names(exog, reset=not warm, X=X)
        check_exog_range(inputs, np.dtype(self.dtype))
        if self.n_init > 1 and not warm:
            fit_best_initialisation(
                self, lambda candidate: candidate._fit_one(series, inputs, M, P), lambda model: -model.best_evaluation_score_
            )
        else:
            self._fit_one(series, inputs, M, P, warm)
        warn_if_runs_escape(self._escaped_share)
        inputs = [s.astype(self.a_.dtype) for s in inputs]
        predicted = self._one_step_predictions(series, inputs)
        self.residual_covariance_ = residual_covariance([self._scale(x) for x in series], predicted)
        return self

    def _fit_one(self, series, inputs, M, P, warm=False):
        """``fit`` with one initialisation, on checked ``series`` and ``inputs``, M units and P ReLU
        units; with ``warm``, from the fitted parameters, in the units they were fitted in."""
        N = series[0].shape[1]
        self.init_scores_ = None
        if not warm:
            self.mean_, self.scale_ = feature_moments(np.concatenate(series))
        dtype = np.dtype(self.dtype)
        scaled = [((s - self.mean_) / self.scale_).astype(dtype) for s in series]
        # Inputs train standardised (a stimulus of amplitude 100 blew up the first steps); C_, h_ take them as given.
        input_mean, input_scale = feature_moments(np.concatenate(inputs))
        inputs = [((s - input_mean) / input_scale).astype(dtype) for s in inputs]
        self.n_features_in_, self.n_inputs_, self.n_nonlinear_ = N, inputs[0].shape[1], P
        self.initial_observation_ = series[0][0].copy()
        rng = check_random_state(self.random_state)
        if warm:  # C_ s + h_ in the standardised inputs' terms
            params = self._params() | {"C": self.C_ * input_scale, "h": self.h_ + self.C_ @ input_mean}
            params = {name: np.array(value, dtype=dtype) for name, value in params.items()}
        else:
            params = initialize_forecaster(M, N, self.n_inputs_, rng, dtype)
        flat, views = flatten_parameters(params, FORECASTER_PARAMETER_NAMES)
        train_forecaster(self, make_engine(self.device, M, P, 1), flat, views, scaled, inputs, rng, warm)  # see n_jobs
        self.C_ = (self.C_ / input_scale).astype(dtype)
        self.h_ = (self.h_ - self.C_ @ input_mean).astype(dtype)
        return self

    # ----------------------------------------------------------- prediction
    def _params(self):
        return {name: getattr(self, name + "_") for name in FORECASTER_PARAMETER_NAMES}

    def _check_fitted_network(self):
        """check_is_fitted, the parameters' shapes and values (one float dtype, a_'s, for the kernels), the units'."""
        check_is_fitted(self, "a_")
        check_network_parameters(self, FORECASTER_PARAMETER_NAMES, self.n_inputs_)
        for name, positive in (("mean_", ()), ("scale_", True), ("initial_observation_", ())):
            check_fitted_vector(self, name, self.n_features_in_, positive)

    def _engine(self):
        self._check_fitted_network()
        return make_engine("cpu", self.a_.shape[0], self.n_nonlinear_, effective_n_jobs(self.n_jobs))

    def _scale(self, X):
        return ((X - self.mean_) / self.scale_).astype(self.a_.dtype)

    def _unscale(self, X):
        with np.errstate(over="ignore"):  # values beyond the range in the data's units: named below
            unscaled = X * self.scale_ + self.mean_
        grown = np.isfinite(X) & ~np.isfinite(unscaled)
        if grown.any():
            warn_user(f"Values of up to {np.abs(X[grown]).max():.3g} training standard deviations are beyond the "
                      "floating-point range in the data's units: they are infinite. The fitted map is unstable.",
                      RuntimeWarning)
        return unscaled

    def _check_feature_names(self, X, reset):
        """scikit-learn's column-name bookkeeping (``feature_names_in_``) for a DataFrame series or a list of them."""
        validate_data(self, named_columns(X), reset=reset, skip_check_array=True, ensure_2d=False)

    def _check_exog_names(self, exog, reset=False, X=None):
        """The column names of exogenous inputs given as DataFrames, kept by the first fit (``_exog_names``)
        and checked after; and where X and exog are DataFrames indexed by time, exog's rows must start at
        X's time stamps. Inputs are read by position, so swapped columns or rows of other times would
        drive the map with the wrong inputs."""
        (times, _), (exog_times, _) = time_index(X), time_index(exog)
        if times is not None and exog_times is not None and not exog_times[: len(times)].equals(times):
            raise ValueError(f"exog's rows are read beside X's by position, but its time stamps ({exog_times[0]} to "
                             f"{exog_times[-1]}) do not start with X's ({times[0]} to {times[-1]}, {len(times)} rows); "
                             "align them first, e.g. exog.reindex(X.index).")
        names = string_columns(named_columns(exog))
        if reset:
            self._exog_names = names
        elif names is not None and getattr(self, "_exog_names", None) not in (None, names):
            raise ValueError(f"exog has the columns {names}; the forecaster was fitted with {self._exog_names}, "
                             "in that order. Give the same inputs in the same order (exog[names]).")

    def _checked(self, X, exog, name="X", min_steps=2):
        self._check_fitted_network()
        self._check_feature_names(X, reset=False)
        self._check_exog_names(exog, X=X)
        series, layout = check_series(X, name, self.n_features_in_, min_steps)
        inputs = check_exog(exog, [len(s) for s in series], self.n_inputs_, layout=layout, dtype=self.a_.dtype)
        return series, inputs, layout

    def _forced_states(self, series, inputs, end_forced=False):
        """States (T, M) of each series read as in training (``_forcing.read_in_windows``); with
        ``end_forced``, the sparse forcing falls on the last row (a context's latest observation)."""
        def schedule(n_steps, dtype):
            return forcing_schedule(n_steps, self.teacher_forcing, self.forcing_interval, self.alpha_, dtype, end_forced)
        engine, params = self._engine(), self._params()
        return [read_in_windows(engine, params, self._scale(x), s, self.sequence_length, schedule)
                for x, s in zip(series, inputs)]

    def predict(self, X, *, exog=None):
        """One-step-ahead predictions: row t estimates row t + 1 of each series.

        Each prediction is one step of the map from the state at row t, read as in training
        (``hidden_states``), with its observed units forced to ``x_t``: the latent units carry
        the past, the observed ones the data.

        Parameters
        ----------
        X : array-like, as for ``fit``
        exog : array-like, default=None

        Returns
        -------
        ndarray or list
            The shape and structure of X (NaN where a 3-D X is padded).
        """
        series, inputs, layout = self._checked(X, exog, min_steps=1)  # one observation predicts the next
        out = [self._unscale(p) for p in self._one_step_predictions(series, inputs)]
        return out[0][:, 0] if layout == "vector" else series_like(out, layout)

    def _one_step_predictions(self, series, inputs):
        """``predict``'s estimates (T, N), standardised, of checked ``series`` and ``inputs``."""
        states, scaled = self._forced_states(series, inputs), [self._scale(x) for x in series]
        return one_step_predictions(self._engine(), self._params(), states, scaled, inputs, self.alpha_)

    def forecast(self, context, n_steps, *, exog=None, process_noise=0.0, random_state=None):
        """Continue a series, or several: read each ``context`` teacher-forced, then run freely.

        The last ``sequence_length`` rows of a context are read as a training window: started
        from ``[x ; L x]`` at its first row, the observed units forced on the training schedule.

        Parameters
        ----------
        context : array-like of shape (n_context, n_features), or several
            The observed past, at least one row; several contexts as for ``fit``: a 3-D array
            (n_contexts, n_context, n_features), whose trailing all-NaN rows pad shorter ones, or
            a list (rolling-origin evaluation, an ensemble of starts).
        n_steps : int
            Steps to forecast.
        exog : array-like of shape (n_context + n_steps - 1, n_inputs), default=None
            Inputs at every time from the first context row to the step before the last
            forecast (needed when fitted with inputs); for several contexts, one such array each
            (a list, or a 3-D array for contexts of one length).
        process_noise : float, default=0.0
            As for ``generate``: 1 draws a sample path (many give forecast intervals).
        random_state : int, RandomState instance or None, default=None
            The noise draws (one stream for all the contexts, in their order).

        Returns
        -------
        ndarray of shape (n_steps, n_features)
            The estimates of the ``n_steps`` rows after the context; for several contexts
            (n_contexts, n_steps, n_features), or a list of them for a list.
        """
        self._check_fitted_network()
        self._check_feature_names(context, reset=False)
        several = holds_several_series(context)
        contexts, layout = (check_series(context, "context", self.n_features_in_, min_steps=1) if several
                            else ([check_context(context, self.n_features_in_)], "series"))
        check_counts(n_steps=n_steps)
        lengths = [len(c) for c in contexts]
        inputs = check_exog(exog, [n + n_steps - 1 for n in lengths], self.n_inputs_, purpose="forecast",
                            dtype=self.a_.dtype)
        self._check_exog_names(exog, X=context)
        firsts = [max(0, n - self.sequence_length) for n in lengths]  # each context's last training window
        states = self._forced_states([c[f:] for c, f in zip(contexts, firsts)],
                                     [s[f:n] for s, f, n in zip(inputs, firsts, lengths)], True)
        engine, noise, runs = self._engine(), check_random_state(random_state), []
        for state, s, n_context in zip(states, inputs, lengths):
            C, drive = self._drive(s[n_context - 1 :], process_noise, noise)
            z = np.ascontiguousarray(state[-1:])
            run = engine.free_run(self.a_, self.W_, self.h_, C, z, drive[None], self.n_features_in_)
            runs.append(self._observed_run(run[0]))
        if not several:
            return runs[0]
        return runs if layout == "list" else np.stack(runs)

    def generate(self, n_steps, x0=None, *, exog=None, process_noise=0.0, random_state=None, return_states=False,
                 max_bytes=2**31):
        """A free run of the fitted system from one observation.

        Parameters
        ----------
        n_steps : int
            Rows to return; row 0 is ``x0`` itself.
        x0 : array-like of shape (n_features,), default=None
            Starting observation; the first training observation when None.
        exog : array-like of shape (n_steps - 1, n_inputs), default=None
        process_noise : float, default=0.0
            0: the deterministic run (the reconstruction literature's). s > 0: Gaussian noise of
            covariance ``s**2 * residual_covariance_`` on the observed units at every step; 1
            samples the map with its one-step errors, whose runs keep a noisy recording's
            spread (walking data: D_stsp 3.7-3.9, D_H 0.14-0.16 against 5.8-7.1, 0.42-0.44;
            RESULTS.md). An unstable map may leave the data sooner (a warning says so); where
            runs leave it or break up more often than the data, try 0.5 (the Santa Fe laser).
        random_state : int, RandomState instance or None, default=None
            The noise draws.
        return_states : bool, default=False
            Also return the hidden states (standardised units), for regime analysis.
        max_bytes : int or None, default=2**31
            A run whose states would take more memory is refused with a ``ValueError``
            before anything is allocated; None lifts the limit.

        Returns
        -------
        X_gen : ndarray of shape (n_steps, n_features)
            NaN from the step where the run leaves the floating-point range
            (a RuntimeWarning names it).
        states : ndarray of shape (n_steps, n_hidden), when ``return_states``
        """
        self._check_fitted_network()
        check_counts(n_steps=n_steps)
        check_answer_size((n_steps,), (self.a_.shape[0] + 2 * self.n_features_in_) * 8, max_bytes, "generate")
        x0 = self._starting_observation(x0)
        inputs = check_exog(exog, [n_steps - 1], self.n_inputs_, purpose="generate", dtype=self.a_.dtype)[0]
        self._check_exog_names(exog)
        C, drive = self._drive(inputs, process_noise, random_state)
        states = free_run_from(self._engine(), self._params() | {"C": C}, self._scale(x0), drive, self.a_.shape[0])
        X_gen = self._observed_run(states[:, : self.n_features_in_])
        return (X_gen, states) if return_states else X_gen

    def _drive(self, inputs, process_noise, random_state):
        """The input weights and inputs of a free run driven by ``inputs`` (n_steps, K) and process noise."""
        covariance = getattr(self, "residual_covariance_", None)  # None: from_parameters, or set by hand
        process_noise = check_process_noise(process_noise, covariance)
        return noisy_drive(self.C_, inputs, covariance, process_noise, random_state)

    def _starting_observation(self, x0):
        """``x0`` (the first training observation when None) as a checked (n_features,) array."""
        return check_observation(self.initial_observation_ if x0 is None else x0, self.n_features_in_,
                                 getattr(self, "feature_names_in_", None))

    def _observed_run(self, run):
        """A standardised free run of the observed units in the user's units (``warn_where_a_run_leaves``)."""
        warn_where_a_run_leaves(run)
        return self._unscale(run)

    def hidden_states(self, X, *, exog=None, free_run=False, max_bytes=2**31):
        """Hidden states (standardised units) of each series, for regime analysis.

        Parameters
        ----------
        X : array-like, as for ``fit``
        exog : array-like, default=None
        free_run : bool, default=False
            False: the states while reading X as in training (windows of ``sequence_length`` rows
            from ``[x ; L x]``, forced on the training schedule); True: the free run from each
            series' first observation, as long as the series.
        max_bytes : int or None, default=2**31
            A request whose states would take more memory is refused with a ``ValueError``
            before they are allocated; None lifts the limit.

        Returns
        -------
        ndarray or list
            (n_timesteps, n_hidden) per series, in the structure of X.
        """
        series, inputs, layout = self._checked(X, exog)
        check_answer_size((sum(map(len, series)),), self.a_.shape[0] * 8, max_bytes, "hidden_states")
        if free_run:
            out = self._runs_from_first_points(series, inputs)
            for run in out:  # metrics.free_run_score warns through _observed_run instead
                warn_where_a_run_overflows(run)
        else:
            out = self._forced_states(series, inputs)
        return series_like(out, layout)

    def _runs_from_first_points(self, series, inputs):
        """Hidden states (standardised) of a free run from each checked series' first observation,
        as long as the series, driven by its inputs (``hidden_states``, ``metrics.free_run_score``)."""
        engine, params = self._engine(), self._params()
        return [free_run_from(engine, params, self._scale(x[0]), s[:-1], self.a_.shape[0]) for x, s in zip(series, inputs)]

    def observe(self, states):
        """The observed variables of hidden states, in the data's units: the readout of the first N units.

        For the states of ``generate(return_states=True)`` and ``hidden_states``, and for the fixed
        points and cycles of a ``RegimeDecomposer`` of this model, which are in standardised units.

        Parameters
        ----------
        states : array-like of shape (..., n_hidden)

        Returns
        -------
        ndarray of shape (..., n_features_in_)

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_alrnn import ALRNNForecaster
        >>> X = np.column_stack([np.sin(np.arange(300) * 0.1), np.cos(np.arange(300) * 0.1)]) * 5 + 20
        >>> model = ALRNNForecaster(n_hidden=6, n_nonlinear=1, max_iter=5, random_state=0).fit(X)
        >>> run, states = model.generate(10, return_states=True)
        >>> bool(np.allclose(model.observe(states), run))
        True
        """
        self._check_fitted_network()
        if np.ndim(states) > 0:  # NaN rows: a run that left the floating-point range
            states = check_array(states, ensure_2d=False, allow_nd=True, input_name="states", ensure_all_finite=False)
        if np.ndim(states) == 0 or states.shape[-1] != self.a_.shape[0]:
            raise ValueError(
                f"states must have the model's {self.a_.shape[0]} hidden units along their last axis; "
                f"got an array of shape {np.shape(states)}."
            )
        return self._unscale(states[..., : self.n_features_in_])

    def score(self, X, y=None, *, exog=None):
        """Negative mean squared 20-step prediction error (``metrics.prediction_error``).

        From every point of each series, 20 steps ahead (fewer in a series of 20 steps or less);
        higher is better, so that ``GridSearchCV`` over ``n_nonlinear`` works.

        Returns
        -------
        float
        """
        return -mean_n_step_error(self, X, None, exog)
