"""BaseALRNN: hyper-parameters, the shared fit loop, prediction plumbing and tags."""

import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state, gen_batches
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

from ._kernels.cpu import CPUEngine
from ._loss import (
    constant_prediction_loss,
    hidden_trajectories,
    loss_and_gradients,
    readout_states,
    sequences_per_part,
)
from ._model import PARAMETER_NAMES, flatten_parameters, initialize_parameters
from ._optim import AdamOptimizer, clip_by_global_norm
from ._progress import ProgressReporter
from ._workspace import Workspace
from ._validation import check_sequences

_DTYPES = {"float64": np.float64, "float32": np.float32}

#: Training counts as past the initial plateau once its loss is this fraction
#: below the loss of the best constant prediction; until then, epochs without
#: improvement do not count towards ``n_iter_no_change`` (see BaseALRNN._fit).
PLATEAU_MARGIN = 0.02

#: With ``learning_rate="adaptive"``, a stall divides the step size by this,
#: at most ``MAX_LEARNING_RATE_REDUCTIONS`` times before training stops.
LEARNING_RATE_DIVISOR = 5.0
MAX_LEARNING_RATE_REDUCTIONS = 2


def _resolve_device(device, n_jobs):
    """The engine that runs a fit: the Numba CPU engine, or the CUDA one."""
    if device == "cpu":
        return CPUEngine(1 if n_jobs is None else n_jobs)
    try:
        from ._kernels.cuda import CUDAEngine, gpu_available
    except ImportError as exc:
        if device == "auto":
            return CPUEngine(1 if n_jobs is None else n_jobs)
        raise ValueError(
            "device='cuda' needs the CUDA extra (numba-cuda): pip install 'sklearn-alrnn[cuda]' "
            f"({exc})."
        ) from None
    if device == "auto" and not gpu_available():
        return CPUEngine(1 if n_jobs is None else n_jobs)
    return CUDAEngine()


class BaseALRNN(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator, metaclass=ABCMeta):
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
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "clip_norm": [Interval(Real, 0, None, closed="neither"), None],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
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
        n_hidden,
        n_nonlinear,
        *,
        max_iter,
        batch_size,
        learning_rate,
        learning_rate_init,
        beta_1,
        beta_2,
        epsilon,
        alpha,
        clip_norm,
        early_stopping,
        validation_fraction,
        n_iter_no_change,
        tol,
        shuffle,
        warm_start,
        random_state,
        verbose,
        n_jobs,
        device,
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
    def _validation_score(self, output, Y, lengths, sample_weight):
        """Weighted score of raw outputs against encoded targets, higher is better."""

    @abstractmethod
    def _stratify(self, Y):
        """Labels to stratify the early-stopping split by, or None."""

    # ------------------------------------------------------------- parameters
    @property
    def _params(self):
        return {name: getattr(self, name + "_") for name in PARAMETER_NAMES}

    def _set_params_arrays(self, params):
        for name in PARAMETER_NAMES:
            setattr(self, name + "_", params[name])

    @property
    def _n_features_out(self):
        return self.a_.shape[0]

    def _check_architecture(self):
        if self.n_nonlinear > self.n_hidden:
            raise ValueError(
                f"n_nonlinear must be between 0 and n_hidden={self.n_hidden}; got "
                f"n_nonlinear={self.n_nonlinear}. Only the last P of the M hidden units "
                "can be ReLU units."
            )

    def _check_matches_fitted(self):
        fitted = (self.W_.shape[0], self._n_nonlinear_fitted, np.dtype(self.a_.dtype).name)
        requested = (self.n_hidden, self.n_nonlinear, self.dtype or fitted[2])
        if fitted != requested:
            raise ValueError(
                "Cannot continue training (warm_start or partial_fit) with a different "
                f"architecture: the model was fitted with (n_hidden, n_nonlinear, dtype)="
                f"{fitted}, the current parameters ask for {requested}."
            )

    # --------------------------------------------------------------- fitting
    def _fit(self, X, y, incremental=False, classes=None, sample_weight=None):
        self._check_architecture()
        engine = _resolve_device(self.device, self.n_jobs)
        first_pass = not hasattr(self, "a_") or (not self.warm_start and not incremental)
        if first_pass:
            # float32 by default on a GPU, float64 on the CPU.
            self._fit_dtype = self.dtype or ("float64" if isinstance(engine, CPUEngine) else "float32")
        else:
            self._check_matches_fitted()
            self._fit_dtype = self.a_.dtype.name
        dtype = _DTYPES[self._fit_dtype]
        name = type(self).__name__
        X, lengths = check_sequences(
            X,
            dtype=dtype,
            n_features=None if first_pass else self.n_features_in_,
            estimator_name=name,
        )
        if y is None:
            raise ValueError(f"{name} requires y to be passed, but the target y is None.")
        Y, per_step = self._encode_targets(y, lengths, X.shape[1], first_pass, classes)
        sample_weight = _check_sample_weight(sample_weight, X, dtype=dtype, ensure_non_negative=True)
        rng = check_random_state(self.random_state)

        if first_pass:
            self.n_features_in_ = X.shape[2]
            self._per_step = per_step
            self._n_nonlinear_fitted = self.n_nonlinear
            self._set_params_arrays(
                initialize_parameters(self.n_hidden, X.shape[2], Y.shape[-1], rng, dtype)
            )
            self.loss_curve_ = []
            self.n_iter_ = 0
            self.t_ = 0
            self._no_improvement_count = 0
            self.best_loss_ = np.inf
            self.validation_scores_ = [] if self.early_stopping else None
            self.best_validation_score_ = -np.inf if self.early_stopping else None
        elif per_step != self._per_step:
            raise ValueError(
                "y must keep the layout seen in the first fit: per-step targets "
                f"(3-D y) were {'used' if self._per_step else 'not used'} then, and "
                f"are {'used' if per_step else 'not used'} now."
            )
        flat, views = flatten_parameters(self._params)
        self._set_params_arrays(views)
        if first_pass or not incremental or not hasattr(self, "_optimizer"):
            self._optimizer = AdamOptimizer(
                flat, self.learning_rate_init, self.beta_1, self.beta_2, self.epsilon
            )
        else:  # partial_fit goes on with the optimiser's moments on the new vector
            self._optimizer.params = flat

        early_stopping = self.early_stopping and not incremental
        if early_stopping:
            train, val = self._split_validation(Y, rng)
            X_val, lengths_val, Y_val, sw_val = X[val], lengths[val], Y[val], sample_weight[val]
            X, lengths, Y, sample_weight = X[train], lengths[train], Y[train], sample_weight[train]
        n_samples = X.shape[0]
        plateau_loss = (1 - PLATEAU_MARGIN) * constant_prediction_loss(
            Y, lengths, self._per_step, self._loss, sample_weight
        )
        past_plateau = plateau_loss <= 0
        batch_size = min(32, n_samples) if self.batch_size == "auto" else min(self.batch_size, n_samples)
        max_epochs = 1 if incremental else self.max_iter
        if early_stopping:
            best_params = flat.copy()

        # Parameters that gave the last finite loss, restored if the loss blows up.
        last_finite = flat.copy()
        workspace = Workspace()
        progress = ProgressReporter(self.verbose, max_epochs, not incremental, type(self).__name__)
        try:
            for _ in range(max_epochs):
                order = rng.permutation(n_samples) if self.shuffle else np.arange(n_samples)
                epoch_loss = self._run_epoch(
                    engine, flat, X, lengths, Y, sample_weight, order, batch_size, last_finite, workspace
                )
                if epoch_loss is None:
                    break
                self.n_iter_ += 1
                self.t_ += n_samples
                self.loss_curve_.append(epoch_loss)
                score = None
                if early_stopping:
                    output = self._raw_output(engine, X_val, lengths_val)
                    score = self._validation_score(output, Y_val, lengths_val, sw_val)
                    self.validation_scores_.append(score)
                progress.epoch(self.n_iter_, epoch_loss, score)
                if early_stopping:
                    improved = score >= self.best_validation_score_ + self.tol
                    if score > self.best_validation_score_:
                        self.best_validation_score_ = score
                        best_params = flat.copy()
                else:
                    improved = epoch_loss <= self.best_loss_ - self.tol
                self.best_loss_ = min(self.best_loss_, epoch_loss)
                # RNN training often sits at the constant-prediction loss for tens
                # of epochs before it drops; MLP's rule would stop there.
                past_plateau = past_plateau or epoch_loss < plateau_loss
                if improved or not past_plateau:
                    self._no_improvement_count = 0
                else:
                    self._no_improvement_count += 1
                if incremental:
                    break
                if self._no_improvement_count > self.n_iter_no_change:
                    criterion = "Validation score" if early_stopping else "Training loss"
                    message = (
                        f"{criterion} did not improve more than tol={self.tol} for "
                        f"{self.n_iter_no_change} consecutive epochs."
                    )
                    if self._can_reduce_learning_rate():
                        self._optimizer.learning_rate_init /= LEARNING_RATE_DIVISOR
                        self._no_improvement_count = 0
                        progress.message(
                            f"{message} Learning rate set to "
                            f"{self._optimizer.learning_rate_init:.2e}."
                        )
                        continue
                    progress.message(f"{message} Stopping.")
                    break
            else:
                if not incremental:
                    warnings.warn(
                        f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                        "reached and the optimization hasn't converged yet.",
                        ConvergenceWarning,
                    )
        except KeyboardInterrupt:
            warnings.warn("Training interrupted by user.")
        finally:
            progress.close()

        if early_stopping:
            np.copyto(flat, best_params)
        return self

    def _can_reduce_learning_rate(self):
        floor = self.learning_rate_init / LEARNING_RATE_DIVISOR**MAX_LEARNING_RATE_REDUCTIONS
        return self.learning_rate == "adaptive" and self._optimizer.learning_rate_init > floor * 1.0001

    def _split_validation(self, Y, rng):
        """Indices of the training and validation sequences for early stopping."""
        from sklearn.model_selection import train_test_split

        n_samples = Y.shape[0]
        stratify = self._stratify(Y)
        try:
            train, val = train_test_split(
                np.arange(n_samples),
                test_size=self.validation_fraction,
                random_state=rng,
                stratify=stratify,
            )
        except ValueError:  # a class too small to stratify: split at random
            train, val = train_test_split(
                np.arange(n_samples), test_size=self.validation_fraction, random_state=rng
            )
        if train.size == 0 or val.size == 0:
            raise ValueError(
                f"early_stopping needs at least one training and one validation sequence; "
                f"validation_fraction={self.validation_fraction} of {n_samples} samples "
                f"leaves {train.size} for training and {val.size} for validation."
            )
        return train, val

    def _run_epoch(
        self, engine, flat, X, lengths, Y, sample_weight, order, batch_size, last_finite, workspace
    ):
        """One pass over the data; returns the mean loss, or None if it became non-finite.

        ``flat`` is the parameter vector the fitted attributes are views of;
        ``last_finite`` holds a copy of the parameters that produced the most
        recent finite loss, updated before every step and restored when the
        loss or its gradient stops being finite. ``workspace`` keeps the batch
        arrays of the whole fit.
        """
        params = self._params
        grad = workspace.array("grad", flat.shape, flat.dtype)
        total = 0.0
        for batch in gen_batches(order.shape[0], batch_size):
            idx = order[batch]
            n_steps = int(lengths[idx].max())
            Y_batch = Y[idx, :n_steps] if self._per_step else Y[idx]
            value, _ = loss_and_gradients(
                params,
                np.ascontiguousarray(X[idx, :n_steps]),
                lengths[idx],
                Y_batch,
                n_nonlinear=self.n_nonlinear,
                loss=self._loss,
                alpha=self.alpha,
                per_step=self._per_step,
                kernels=engine,
                workspace=workspace,
                grad_out=grad,
                sample_weight=sample_weight[idx],
            )
            with np.errstate(over="ignore", invalid="ignore"):
                norm = clip_by_global_norm(grad, self.clip_norm)
            if not (np.isfinite(value) and np.isfinite(norm)):
                np.copyto(flat, last_finite)
                warnings.warn(
                    f"Training stopped in epoch {self.n_iter_ + 1}: the loss or its "
                    f"gradient became non-finite (loss={value}). The parameters of the "
                    "last finite step were restored. Lower learning_rate_init, set "
                    "clip_norm, or scale the inputs.",
                    RuntimeWarning,
                )
                return None
            np.copyto(last_finite, flat)
            try:
                self._optimizer.update_params(grad)
            except KeyboardInterrupt:
                np.copyto(flat, last_finite)
                raise
            total += value * sample_weight[idx].sum()
        return total / sample_weight.sum()

    # ------------------------------------------------------------ prediction
    def _validate_for_predict(self, X):
        check_is_fitted(self, "a_")
        return check_sequences(
            X,
            dtype=self.a_.dtype,
            n_features=self.n_features_in_,
            estimator_name=type(self).__name__,
        )

    def _n_linear(self):
        return self.a_.shape[0] - self._n_nonlinear_fitted

    def _raw_output(self, engine, X, lengths):
        """Readout before the output function: (n, O), or (n, T, O) per step."""
        a, W, h, C, B, b = (self._params[n] for n in PARAMETER_NAMES)
        if not self._per_step:
            return engine.final_states(a, W, h, C, X, lengths, self._n_linear()) @ B.T + b
        # Every state is read out, but only a part of the sequences' states is
        # held at a time: memory stays at the size of the outputs.
        n, T = X.shape[:2]
        part = sequences_per_part(engine, n, T, a.shape[0], a.dtype)
        Z = np.empty((part, T + 1, a.shape[0]), dtype=a.dtype)
        output = np.empty((n, T, B.shape[0]), dtype=a.dtype)
        for start in range(0, n, part):
            rows = slice(start, min(n, start + part))
            Z_part = Z[: rows.stop - start]
            engine.forward_states(a, W, h, C, X[rows], lengths[rows], self._n_linear(), Z_part)
            output[rows] = readout_states(Z_part, lengths[rows], True) @ B.T + b
        return output

    def _inference_engine(self):
        """Predictions run on the CPU engine, wherever the model was trained."""
        return CPUEngine(1 if self.n_jobs is None else self.n_jobs)

    def _output(self, X):
        X, lengths = self._validate_for_predict(X)
        return self._raw_output(self._inference_engine(), X, lengths), lengths

    def transform(self, X):
        """Final hidden state of each sequence.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list
            Sequences (see the package's data conventions).

        Returns
        -------
        Z_last : ndarray of shape (n_samples, n_hidden)
            The state at each sequence's last valid step.
        """
        X, lengths = self._validate_for_predict(X)
        return self._inference_engine().final_states(
            self.a_, self.W_, self.h_, self.C_, X, lengths, self._n_linear()
        )

    def hidden_states(self, X):
        """Hidden-state trajectories.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list
            Sequences (see the package's data conventions).

        Returns
        -------
        Z : ndarray of shape (n_samples, n_timesteps, n_hidden)
            ``Z[i, t]`` is the state after reading step ``t``; NaN beyond each
            sequence's length.
        """
        X, lengths = self._validate_for_predict(X)
        return hidden_trajectories(
            self.a_, self.W_, self.h_, self.C_, X, lengths, self._n_nonlinear_fitted,
            self._inference_engine(),
        )

    def save(self, path, extra=None):
        """Write the fitted model to a portable file (no pickle); see :func:`sklearn_alrnn.load`.

        Parameters
        ----------
        path : str or path-like
        extra : dict, default=None
            JSON-serialisable metadata to keep with the model.
        """
        from .io import save

        save(self, path, extra=extra)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = [self.dtype or "float64"]
        return tags
