"""BaseALRNN: hyper-parameters, the fit loop in named steps, prediction plumbing, portable state."""

from contextlib import nullcontext
from abc import ABCMeta, abstractmethod
from functools import partial
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin, is_regressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state, gen_batches
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

from ._initialisations import fit_best_initialisation, fit_joined_members, members_for
from ._interrupts import all_or_nothing, raise_if_interrupted
from ._input_features import difference_scale, elapsed_steps_moments
from ._inputs import ModelInputsMixin, warn_if_steps_look_transposed
from ._kernels import make_engine
from ._loss import constant_prediction_loss, loss_and_gradients
from ._model import INITIALISATIONS, PARAMETER_NAMES, check_network_parameters, flatten_parameters, initialize_parameters
from ._optim import (
    AdamOptimizer, ParameterAverage, StoppingRule, chosen_learning_rate, clip_by_global_norm, warn_of_diverged_training
)
from ._persistence import PortableStateMixin
from ._progress import ProgressReporter
from ._readout import READOUTS, chosen_readout, n_readout_features, pool_states, warn_of_overflow
from ._tokens import TokenSequences, check_vocabulary, reads_tokens
from ._validation import check_answer_size, join_blocks, sequence_blocks, sequences_shape
from ._weights import (
    MIN_VALIDATION_SEQUENCES, check_targets_carry_weight, early_stopping_split, sequences_carrying_weight,
    target_step_weights,
)
from ._warnings import warn_user

_DTYPES = {"float64": np.float64, "float32": np.float32}

#: ``early_stopping="auto"`` stops early from this many training sequences on (with one label
#: each): 10,246 texts overfit within a few dozen epochs without it, 3,000 long sequences train
#: as well in 40% of the epochs, while the research tasks' 1,200-1,437 sequences lose 0.007 to the
#: held-out 10% and the archive sets' splits of 4-54 are too noisy to stop on (RESULTS.md).
AUTO_EARLY_STOPPING_SEQUENCES = 2000

#: Prediction validates and converts X in blocks of sequences of about this many bytes (in the
#: model's float type): inputs too large to copy stream through (RELIABILITY.md).
PREDICT_BLOCK_BYTES = 64 * 2**20


class BaseALRNN(
    ModelInputsMixin, PortableStateMixin, ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator,
    metaclass=ABCMeta,
):
    """Shared machinery of :class:`ALRNNClassifier` and :class:`ALRNNRegressor`.

    Subclasses define the loss, how targets are encoded, how raw outputs become
    predictions, and the validation score used by early stopping.
    """

    _parameter_constraints: dict = {
        "n_hidden": [Interval(Integral, 1, None, closed="left")],
        "n_nonlinear": [Interval(Integral, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "beta_1": [Interval(Real, 0, 1, closed="left")], "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "clip_norm": [Interval(Real, 0, None, closed="neither"), None],
        "early_stopping": ["boolean", StrOptions({"auto"})],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "parameter_averaging": [Interval(Real, 0, 1, closed="left")],
        "readout": [StrOptions({*READOUTS, "auto"})],
        "init": [StrOptions(set(INITIALISATIONS))],
        "n_init": [Interval(Integral, 1, None, closed="left")],
        "n_members": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "input_type": [StrOptions({"auto", "dense", "tokens"})],
        "n_tokens": [Interval(Integral, 1, None, closed="left"), None],
        "input_differences": [StrOptions({"auto"}), "boolean"],
        "elapsed_steps": [StrOptions({"auto"}), "boolean"],
        "time_warping": [StrOptions({"auto"}), Interval(Real, 0, None, closed="left")],
        "standardize_inputs": ["boolean", StrOptions({"per_sequence"})],
        "shuffle": ["boolean"],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "n_jobs": [Interval(Integral, 1, None, closed="left"), None],
        "device": [StrOptions({"cpu", "cuda", "auto"})],
        "dtype": [StrOptions(set(_DTYPES)), None],
    }

    @abstractmethod
    def __init__(
        self,
        n_hidden, n_nonlinear, *, max_iter, batch_size, learning_rate, learning_rate_init, beta_1, beta_2,
        epsilon, alpha, clip_norm, early_stopping, validation_fraction, n_iter_no_change, tol,
        parameter_averaging, readout, init, n_init, n_members, input_type, n_tokens, input_differences,
        elapsed_steps, time_warping, standardize_inputs, shuffle, warm_start, random_state, verbose, n_jobs, device,
        dtype,
    ):
        self.n_hidden = n_hidden
        self.n_nonlinear = n_nonlinear
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.alpha = alpha
        self.clip_norm = clip_norm
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.parameter_averaging = parameter_averaging
        self.readout = readout
        self.init = init
        self.n_init = n_init
        self.n_members = n_members
        self.input_type = input_type
        self.n_tokens = n_tokens
        self.input_differences = input_differences
        self.elapsed_steps = elapsed_steps
        self.time_warping = time_warping
        self.standardize_inputs = standardize_inputs
        self.shuffle = shuffle
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.n_jobs = n_jobs
        self.device = device
        self.dtype = dtype

    # ------------------------------------------------------------------ hooks
    _loss = None  # "squared_error" or "log_loss"

    @abstractmethod
    def _encode_targets(self, y, lengths, n_timesteps, first_pass, classes=None):
        """Return (Y, per_step): the training target array and the readout mode."""

    @abstractmethod
    def _validation_score(self, output, Y, lengths, sample_weight, step_weight):
        """Weighted score of raw outputs against encoded targets, higher is better."""

    @abstractmethod
    def _stratify(self, Y):
        """Labels to stratify the early-stopping split by, or None."""

    def _scale_targets(self, Y, lengths, per_step, sample_weight, first_pass, step_weight=None):
        """Targets in the units training works in; identity here."""
        return Y

    def _readout_units(self, to_training):
        """Convert the readout in place to the units training works in (``to_training``)
        and back; the fitted readout is in the user's units. Identity here."""

    def _training_units(self, to_training):
        """Convert the fitted parameters in place to the units training works in and back."""
        self._input_units(to_training)
        self._readout_units(to_training)

    # ------------------------------------------------------------- parameters
    @property
    def _params(self):
        return {name: getattr(self, name + "_") for name in PARAMETER_NAMES}

    def _set_params_arrays(self, params):
        for name in PARAMETER_NAMES:
            setattr(self, name + "_", params[name])

    @property
    def readout_(self):
        """The fitted model's readout: ``readout``, with "auto" chosen at the first fit."""
        check_is_fitted(self, "a_")
        return self._readout

    @property
    def _n_features_out(self):
        return self.B_.shape[1]

    def _engine(self, device="cpu"):
        """The engine of the fitted architecture; predictions run on the CPU, wherever it trained."""
        check_is_fitted(self, "a_")
        if not all(hasattr(self, name) for name in ("_readout", "_tokens", "_per_step", "_input_mean")):  # set by hand
            name = type(self).__name__
            raise ValueError(f"This {name} has weights but not the state a fit sets beside them (how it reads inputs "
                             f"and states): build it with {name}.from_parameters(a, W, h, C, B, b, n_nonlinear=P).")
        self._check_reading_state()
        check_network_parameters(self, PARAMETER_NAMES, self._n_model_inputs(),
                                 n_readout_features(self._readout, np.size(self.a_), self._per_step))
        return make_engine(device, self.a_.shape[0], self.n_nonlinear_, self.n_jobs)

    # --------------------------------------------------------------- fitting
    @all_or_nothing
    def _fit(self, X, y, incremental=False, classes=None, sample_weight=None, step_weight=None):
        y, sample_weight, step_weight = self._panel_arguments(X, y, sample_weight, step_weight)
        first_pass = not hasattr(self, "a_") or (not self.warm_start and not incremental)
        if first_pass and not incremental:
            n_members = members_for(self.n_members, X)
            if n_members > 1:
                def fit(member):
                    return member._fit(X, y, sample_weight=sample_weight, step_weight=step_weight)

                return fit_joined_members(self, n_members, fit)
            if self.n_init > 1:
                return self._fit_initialisations(X, y, sample_weight, step_weight)
        engine = self._training_engine(first_pass, incremental)
        declared_tokens = self.n_tokens or ((X.n_tokens or 0) if isinstance(X, TokenSequences) else 0)
        X, lengths, Y, per_step, sample_weight, step_weight, weighted = self._validate_training_data(
            X, y, sample_weight, first_pass, classes, step_weight
        )
        rng = check_random_state(self.random_state)
        if first_pass:  # token ids: C has a column per id
            n_inputs = max(int(X.max()) + 1, declared_tokens) if X.ndim == 2 else X.shape[2]
            self._initialize(n_inputs, Y.shape[-1], per_step, rng, lengths, incremental)
        elif per_step != self._per_step:
            raise ValueError(
                "y must keep the layout seen in the first fit: per-step targets "
                f"(3-D y) were {'used' if self._per_step else 'not used'} then, and "
                f"are {'used' if per_step else 'not used'} now."
            )
        flat = self._prepare_optimizer(first_pass, incremental, lengths)
        early_stopping = self._stops_early(Y.shape[0]) and not incremental
        validation = split = None
        if early_stopping:
            split = early_stopping_split(self._stratify(Y), weighted, self.validation_fraction, rng)
        if early_stopping and split is None:
            warn_user(
                f"early_stopping skipped: validation_fraction={self.validation_fraction} of {weighted.sum()} weighted "
                f"sequences holds out fewer than {MIN_VALIDATION_SEQUENCES} to score; training on all of them.",
                UserWarning,
            )
            self.validation_scores_ = self.best_validation_score_ = None
        if split is not None:
            train, val = split
            steps = (None, None) if step_weight is None else (step_weight[train], step_weight[val])
            validation = (X[val], lengths[val], Y[val], sample_weight[val], steps[1])
            X, lengths, Y, sample_weight, step_weight = X[train], lengths[train], Y[train], sample_weight[train], steps[0]
        self._training_units(to_training=True)
        try:
            self._train(engine, flat, (X, lengths, Y, sample_weight, step_weight), validation, rng, incremental)
        finally:
            self._training_units(to_training=False)
        return self

    def _fit_initialisations(self, X, y, sample_weight, step_weight):
        """``n_init`` fits from seeds drawn from ``random_state``, in threads; the best by validation
        score with early stopping (where a split was possible), else by the training loss of the
        parameters each keeps (its last epoch's, or its lowest after a loss spike)."""
        return fit_best_initialisation(
            self,
            lambda candidate: candidate._fit(X, y, sample_weight=sample_weight, step_weight=step_weight),
            lambda model: -model._kept_loss if model.best_validation_score_ is None else model.best_validation_score_,
        )

    def _training_engine(self, first_pass, incremental=False):
        """The engine of this fit; fixes the dtype (the engine's default unless set). Continuing a fit
        keeps its architecture: ``warm_start`` with other sizes (``n_members`` included) raises, and
        ``partial_fit`` continues the fitted network, joined or not."""
        if first_pass:
            engine = make_engine(self.device, self.n_hidden, self.n_nonlinear, self.n_jobs)
            self._fit_dtype = self.dtype or engine.default_dtype
            return engine
        engine = self._engine(self.device)  # checks the fitted network and makes it one dtype before it is compared
        fitted = (self.W_.shape[0], self.n_nonlinear_, np.dtype(self.a_.dtype).name, self._readout,
                  self.input_difference_scale_ is not None, self.elapsed_steps_moments_ is not None)

        def kept(value, index):  # "auto" keeps what the first fit chose
            return fitted[index] if value == "auto" else value

        members = self.n_members_ if incremental or self.n_members == "auto" else self.n_members
        requested = (self.n_hidden * members, self.n_nonlinear * members, self.dtype or fitted[2],
                     kept(self.readout, 3), bool(kept(self.input_differences, 4)) and not self._tokens,
                     bool(kept(self.elapsed_steps, 5)) and not self._tokens)
        if fitted != requested:
            raise ValueError(
                "Cannot continue training (warm_start or partial_fit) with a different architecture: the model "
                "was fitted with (units, ReLU units, dtype, readout, input_differences, elapsed_steps)="
                f"{fitted}, the current parameters ask for {requested}."
            )
        self._fit_dtype = self.a_.dtype.name
        return engine

    def _validate_training_data(self, X, y, sample_weight, first_pass, classes, step_weight=None):
        """Padded X, lengths, encoded targets Y, the readout mode, sample and step weights, and which
        sequences carry weight."""
        dtype = _DTYPES[self._fit_dtype]
        if first_pass:
            self._tokens = reads_tokens(self.input_type, X)
        elif self.input_type != "auto" and self._tokens != (self.input_type == "tokens"):
            raise ValueError(f"Cannot continue training with input_type={self.input_type!r}: the model was fitted on "
                             f"{'token' if self._tokens else 'dense'} input.")
        tokens = self._tokens
        fitted_inputs = (self.n_tokens if tokens else None) if first_pass else self.n_features_in_
        X, lengths = self._checked_inputs(X, dtype, fitted_inputs, tokens, model_inputs=not first_pass,
                                          continuing=not first_pass)
        if first_pass:
            if not tokens:
                warn_if_steps_look_transposed(X, lengths)
            self._choose_per_sequence_features(X, lengths)
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None.")
        Y, per_step = self._encode_targets(y, lengths, X.shape[1], first_pass, classes)
        self._choose_time_warping(X, lengths, per_step, first_pass)
        sample_weight = _check_sample_weight(sample_weight, X, dtype=dtype, ensure_non_negative=True)
        step_weight = target_step_weights(step_weight, Y, lengths, per_step)
        weighted = check_targets_carry_weight(sample_weight, step_weight)  # before the weights are used
        Y = self._scale_targets(Y, lengths, per_step, sample_weight, first_pass, step_weight)
        if first_pass:  # weighted like the targets' scale, so that weights equal repeated sequences
            X = self._read_features(X, lengths)
            reads = self._reads_differences(lengths)
            self.input_difference_scale_ = difference_scale(X, lengths, sample_weight) if reads else None
            self._fit_input_moments(X, lengths, sample_weight)
            X = self._with_differences(X, lengths)
            reads = self._reads_elapsed_steps(lengths, per_step)
            self.elapsed_steps_moments_ = elapsed_steps_moments(lengths, X.shape[1], sample_weight) if reads else None
            X = self._with_elapsed_steps(X, lengths)
        return self._training_inputs(X, lengths), lengths, Y, per_step, sample_weight, step_weight, weighted

    def _initialize(self, n_inputs, n_outputs, per_step, rng, lengths, incremental=False):
        """Fresh parameters and training records for the fitted architecture (``n_inputs`` columns
        of C: features, their differences if used, or token ids; the training sequences' ``lengths``
        and whether the fit stops early choose an "auto" readout, the longest bounds the growth)."""
        n_read = n_inputs - (self.elapsed_steps_moments_ is not None)
        if self.input_difference_scale_ is not None:
            n_read //= 2
        self.n_features_in_ = n_read - 2 * self.per_sequence_features_.size
        self.n_tokens_ = n_inputs if self._tokens else None
        self.n_nonlinear_ = self.n_nonlinear
        self.n_members_, self.member_losses_ = 1, None
        self._per_step = per_step
        stops_early = self._stops_early(len(lengths))
        self._readout = chosen_readout(self.readout, lengths, self._tokens, per_step, is_regressor(self), self.n_hidden,
                                       early_stopping=stops_early and not incremental)
        n_columns = n_readout_features(self._readout, self.n_hidden, per_step)
        self._set_params_arrays(
            initialize_parameters(
                self.n_hidden, n_inputs, n_outputs, rng, _DTYPES[self._fit_dtype],
                init=self.init, n_readout_features=n_columns, embedding=self._tokens, n_steps=int(lengths.max()),
            )
        )
        self._training_units(to_training=False)  # the initial parameters are drawn in training units
        self.loss_curve_ = []
        self.n_iter_ = 0
        self.t_ = 0
        self._no_improvement_count = 0
        self.best_loss_ = np.inf
        self.validation_scores_ = [] if stops_early else None
        self.best_validation_score_ = -np.inf if stops_early else None
        self.init_scores_ = None

    def _stops_early(self, n_samples):
        """``early_stopping``; "auto" holds out sequences from ``AUTO_EARLY_STOPPING_SEQUENCES``
        training sequences with one label each on (RESULTS.md)."""
        if self.early_stopping == "auto":
            return not self._per_step and n_samples >= AUTO_EARLY_STOPPING_SEQUENCES
        return self.early_stopping

    def _prepare_optimizer(self, first_pass, incremental, lengths):
        """The flat parameter vector the fitted arrays become views of, and its optimiser.

        ``partial_fit`` goes on with the optimiser's moments; a fit starts afresh, at the step
        size ``learning_rate_init`` chooses for the training sequences' ``lengths``.
        """
        flat, views = flatten_parameters(self._params)
        self._set_params_arrays(views)
        if first_pass or not incremental or not hasattr(self, "_optimizer"):
            learning_rate = chosen_learning_rate(self.learning_rate_init, self._short_sequence_learning_rate,
                                                 lengths, self._tokens)
            self._optimizer = AdamOptimizer(flat, learning_rate, self.beta_1, self.beta_2, self.epsilon)
        else:
            self._optimizer.params = flat
        return flat

    def _stopping_rule(self, Y, lengths, sample_weight, step_weight, monitor_score):
        return StoppingRule(
            self.n_iter_no_change, self.tol,
            constant_prediction_loss(Y, lengths, self._per_step, self._loss, sample_weight, step_weight),
            adaptive=self.learning_rate == "adaptive", monitor_score=monitor_score,
            best_loss=self.best_loss_, best_score=self.best_validation_score_ if monitor_score else -np.inf,
            no_improvement_count=self._no_improvement_count,
        )

    def _train(self, engine, flat, data, validation, rng, incremental):
        """Epochs until the stopping rule, ``max_iter`` or an interrupt ends the fit (one epoch
        for ``partial_fit``). A fit keeps the parameters' moving average (``parameter_averaging``),
        scored on the validation set if there is one, then that of the best epoch is kept; without
        one, that of the lowest-loss epoch if the fit ends worse than the constant prediction."""
        X, lengths, Y, sample_weight, step_weight = data
        first_epoch = len(self.loss_curve_)
        if validation is not None and self.validation_scores_ is None:  # warm start turned it on
            self.validation_scores_, self.best_validation_score_ = [], -np.inf
        rule = self._stopping_rule(Y, lengths, sample_weight, step_weight, validation is not None)
        best_params = flat.copy()
        averages = self.parameter_averaging and not incremental
        average = ParameterAverage(flat, self.parameter_averaging) if averages else None
        # The parameters that gave the last finite loss, restored if the loss blows up.
        last_finite, grad = flat.copy(), np.empty_like(flat)
        max_epochs = 1 if incremental else self.max_iter
        batch_size = min(32 if self.batch_size == "auto" else self.batch_size, X.shape[0])
        progress = ProgressReporter(self.verbose, max_epochs, not incremental, type(self).__name__)
        try:
            for _ in range(max_epochs):
                order = rng.permutation(X.shape[0]) if self.shuffle else np.arange(X.shape[0])
                warps = self._epoch_warps(X.shape[0], rng)
                epoch_loss = self._run_epoch(engine, flat, data, order, batch_size, last_finite, grad, warps)
                if epoch_loss is None:  # overflow: the parameters of the last finite step are back
                    goes_on = not incremental and rule.reduce_learning_rate(self._optimizer)
                    warn_of_diverged_training(
                        f"The loss or its gradient became non-finite in epoch {self.n_iter_ + 1}; the parameters "
                        "of the last finite step were restored", self._optimizer, goes_on, flat.dtype,
                        "Lower learning_rate_init, set clip_norm, or scale the inputs.",
                    )
                    if not goes_on:
                        break
                    continue
                if average is not None:
                    average.update(flat)
                score = self._record_epoch(engine, flat, epoch_loss, validation, X.shape[0], average)
                progress.epoch(self.n_iter_, epoch_loss, score)
                if rule.record(epoch_loss, score):
                    best_params = (flat if average is None else average.average).copy()
                if incremental:
                    break
                stall = rule.act_on_stall(self._optimizer)
                if stall is not None:
                    progress.message(stall[0])
                    if stall[1]:
                        break
            else:
                if not incremental:
                    warn_user(
                        f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                        "reached and the optimization hasn't converged yet.",
                        ConvergenceWarning,
                    )
        except KeyboardInterrupt:
            warn_user("Training interrupted by user.")
        finally:
            progress.close()
            # The rule's records carry over to a warm start or the next partial_fit.
            self.best_loss_, self._no_improvement_count = rule.best_loss, rule.no_improvement_count
            if validation is not None:
                self.best_validation_score_ = rule.best_score
        broken = rule.ended_badly(self.loss_curve_, first_epoch)
        # What n_init ranks a fit without a validation set by: the loss of the parameters it keeps.
        self._kept_loss = rule.best_loss if broken else (self.loss_curve_[-1] if self.loss_curve_ else np.inf)
        if validation is not None or broken:
            np.copyto(flat, best_params)
        elif average is not None and average.n_updates:
            np.copyto(flat, average.average)

    def _record_epoch(self, engine, flat, epoch_loss, validation, n_samples, average):
        """Count the epoch; return its validation score (None without a validation set), that of
        the parameters' moving average when one is kept."""
        self.n_iter_ += 1
        self.t_ += n_samples
        self.loss_curve_.append(epoch_loss)
        if validation is None:
            return None
        X_val, lengths_val, Y_val, sw_val, step_val = validation
        with average.swapped_into(flat) if average is not None else nullcontext():
            output = self._raw_output(engine, X_val, lengths_val)
        score = self._validation_score(output, Y_val, lengths_val, sw_val, step_val)
        self.validation_scores_.append(score)
        return score

    def _run_epoch(self, engine, flat, data, order, batch_size, last_finite, grad, warps):
        """One pass over the data; returns the mean loss, or None if it became non-finite (the
        parameters of the last finite step are then restored). Ctrl-C stops it between batches.

        ``flat`` is the parameter vector the fitted attributes are views of; ``last_finite``
        receives a copy of the parameters before every step and is restored when the loss or its
        gradient stops being finite; ``grad`` is the gradient buffer; ``warps``, the epoch's time
        warps (a row of knot speeds per sequence) or None.
        """
        X, lengths, Y, sample_weight, step_weight = data
        params = self._params
        precision = sample_weight.dtype.type  # the epoch's loss summed in the fit's dtype under NumPy 1 and 2 alike
        total = precision(0.0)
        for batch in gen_batches(order.shape[0], batch_size):
            raise_if_interrupted()
            idx = order[batch]
            n_steps = int(lengths[idx].max())
            batch_steps = None if step_weight is None else step_weight[idx]
            if not sequences_carrying_weight(sample_weight[idx], batch_steps).any():
                continue  # a batch of sequences that count as absent makes no step
            inputs = self._warped_batch(np.ascontiguousarray(X[idx, :n_steps]), lengths[idx], warps, idx)
            with np.errstate(over="ignore", invalid="ignore"):  # a non-finite loss is caught and named below
                value, _ = loss_and_gradients(
                    params, inputs, lengths[idx],
                    Y[idx, :n_steps] if self._per_step else Y[idx],
                    loss=self._loss, alpha=self.alpha, per_step=self._per_step, engine=engine,
                    readout=self._readout, grad_out=grad, sample_weight=sample_weight[idx],
                    step_weight=None if batch_steps is None else batch_steps[:, :n_steps],
                )
            norm = clip_by_global_norm(grad, self.clip_norm)
            if not (np.isfinite(value) and np.isfinite(norm * norm)):  # a gradient past 1e154 has diverged too
                np.copyto(flat, last_finite)
                return None
            np.copyto(last_finite, flat)
            try:
                self._optimizer.update_params(grad)
            except KeyboardInterrupt:
                np.copyto(flat, last_finite)
                raise
            total += precision(value) * sample_weight[idx].sum()
        return total / sample_weight.sum()

    # ------------------------------------------------------------ prediction
    def _predict_in_blocks(self, X, compute):
        """``(answer, lengths)``: ``compute(block, lengths)`` over consecutive blocks of X's sequences,
        each validated and converted on its own (``PREDICT_BLOCK_BYTES``: an input too large to copy
        streams through), joined as by :func:`join_blocks`; a tokenizer's vocabulary checked first."""
        check_is_fitted(self, "a_")
        check_vocabulary(X, self.n_features_in_ if self._tokens else None, type(self).__name__)
        parts = []
        for first, block in sequence_blocks(X, self.a_.dtype, PREDICT_BLOCK_BYTES):
            block, lengths = self._checked_inputs(block, self.a_.dtype, self.n_features_in_, self._tokens, first)
            parts.append((compute(block, lengths), lengths))
        return join_blocks(parts)

    def _raw_output(self, engine, X, lengths):
        """Readout before the output function: (n, O), or (n, T, O) per step."""
        a, W, h, C, B, b = (self._params[n] for n in PARAMETER_NAMES)
        if not self._per_step:
            return self._readout_features(engine, X, lengths) @ B.T + b
        # Every state is read out, but only a part of the sequences' states is
        # held at a time: memory stays at the size of the outputs.
        output = np.empty((X.shape[0], X.shape[1], B.shape[0]), dtype=a.dtype)
        for rows, H in engine.readout_parts(a, W, h, C, X, lengths, per_step=True):
            output[rows] = H @ B.T + b
        return output

    def _readout_features(self, engine, X, lengths):
        """What a sequence-to-one readout sees, (n, B_.shape[1]): the last state or a pooling."""
        a, W, h, C = self.a_, self.W_, self.h_, self.C_
        if self._readout == "last":
            return engine.final_states(a, W, h, C, X, lengths)
        features = np.empty((X.shape[0], self.B_.shape[1]), dtype=a.dtype)
        for rows, H in engine.readout_parts(a, W, h, C, X, lengths, per_step=True):
            features[rows] = pool_states(H, lengths[rows], self._readout)[0]
        return features

    def _output(self, X):
        engine = self._engine()
        with np.errstate(invalid="ignore", over="ignore"):  # overflowed states: warned of below
            output, lengths = self._predict_in_blocks(X, lambda block, lengths: self._raw_output(engine, block, lengths))
        warn_of_overflow(output, lengths, self._per_step)
        return output, lengths

    def transform(self, X):
        """The features the readout sees: the final hidden state, or its pooling over steps.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list
            Sequences (see the package's data conventions).

        Returns
        -------
        features : ndarray of shape (n_samples, n_features_out)
            With ``readout="last"`` (and for per-step models) the state at each
            sequence's last valid step, (n_samples, n_hidden); otherwise the
            pooling of the states over the valid steps (``2 * n_hidden``
            columns for the two-pooling readouts, in the order of their names).
        """
        engine = self._engine()
        if self._per_step:
            return self._predict_in_blocks(X, partial(engine.final_states, self.a_, self.W_, self.h_, self.C_))[0]
        return self._predict_in_blocks(X, partial(self._readout_features, engine))[0]

    def hidden_states(self, X, *, max_bytes=2**31):
        """Hidden-state trajectories.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list
            Sequences (see the package's data conventions).
        max_bytes : int or None, default=2**31
            A request whose answer would take more memory (2 GiB by default) is refused with a
            ``ValueError`` before anything is allocated; pass the sequences in slices, or None to lift
            the limit.

        Returns
        -------
        Z : ndarray of shape (n_samples, n_timesteps, n_hidden)
            ``Z[i, t]`` is the state after reading step ``t``; NaN beyond each sequence's length.
        """
        engine = self._engine()
        check_answer_size(sequences_shape(X), self.a_.shape[0] * self.a_.dtype.itemsize, max_bytes, "hidden_states")
        return self._predict_in_blocks(X, partial(engine.hidden_states, self.a_, self.W_, self.h_, self.C_))[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = [self.dtype or "float64"]
        return tags
