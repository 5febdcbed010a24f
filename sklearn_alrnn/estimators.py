"""ALRNNClassifier and ALRNNRegressor: the public estimators."""

import numpy as np
from scipy.special import log_softmax, softmax
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, column_or_1d

from ._base import BaseALRNN
from ._docstrings import fill_docstring
from ._validation import check_sequence_targets, step_mask, valid_targets
from .io import register_model_class
from .preprocessing import feature_moments


def _per_step_r2(Y, output, lengths, sample_weight):
    """R^2 over every valid (sequence, step) pair, a sequence's weight on each of its steps."""
    mask = step_mask(lengths, Y.shape[1])
    weights = None
    if sample_weight is not None:
        weights = np.broadcast_to(np.asarray(sample_weight)[:, None], mask.shape)[mask]
    return float(r2_score(Y[mask], output[mask], sample_weight=weights))

@register_model_class
@fill_docstring
class ALRNNClassifier(ClassifierMixin, BaseALRNN):
    """Sequence classifier on an Almost-Linear RNN.

    The hidden state runs through each sequence,
    ``z_t = a * z_{{t-1}} + W phi(z_{{t-1}}) + C s_t + h``, and a softmax readout
    of the state at the last valid step gives class probabilities; training
    minimises cross-entropy with Adam and backpropagation through time.

    Parameters
    ----------
{parameters}

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.

{attributes}

    See Also
    --------
    ALRNNRegressor : The regression counterpart, also for per-step targets.
    sklearn.neural_network.MLPClassifier : The feed-forward model whose API this mirrors.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_alrnn import ALRNNClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(100, 20, 1))
    >>> y = (X[:, :5, 0].sum(axis=1) > 0).astype(int)
    >>> clf = ALRNNClassifier(n_hidden=8, n_nonlinear=1, max_iter=5, random_state=0)
    >>> clf.fit(X, y).predict(X[:3]).shape
    (3,)
    """

    _loss = "log_loss"

    def __init__(
        self,
        n_hidden=32,
        n_nonlinear=2,
        *,
        max_iter=500,
        batch_size=16,
        learning_rate="adaptive",
        learning_rate_init=5e-3,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        alpha=1e-4,
        clip_norm=1.0,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=20,
        tol=1e-4,
        readout="max",
        init="lru",
        n_init=1,
        input_type="dense",
        shuffle=True,
        warm_start=False,
        random_state=None,
        verbose=0,
        n_jobs=None,
        device="cpu",
        dtype=None,
    ):
        super().__init__(
            n_hidden,
            n_nonlinear,
            max_iter=max_iter,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            alpha=alpha,
            clip_norm=clip_norm,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            readout=readout,
            init=init,
            n_init=n_init,
            input_type=input_type,
            shuffle=shuffle,
            warm_start=warm_start,
            random_state=random_state,
            verbose=verbose,
            n_jobs=n_jobs,
            device=device,
            dtype=dtype,
        )

    def _encode_targets(self, y, lengths, n_timesteps, first_pass, classes=None):
        y = check_array(y, ensure_2d=False, dtype=None, input_name="y", ensure_min_samples=0)
        if y.ndim == 2 and y.shape[1] != 1 or y.ndim > 2:
            raise ValueError(
                "ALRNNClassifier expects y of shape (n_samples,) with one label per "
                f"sequence; got y of shape {y.shape}."
            )
        y = column_or_1d(y, warn=True)
        if y.shape[0] != lengths.shape[0]:
            raise ValueError(
                f"X and y have inconsistent numbers of samples: X has {lengths.shape[0]} "
                f"sequences, y has {y.shape[0]} labels."
            )
        check_classification_targets(y)
        if first_pass:
            self.classes_ = np.unique(y if classes is None else np.asarray(classes))
        unknown = np.setdiff1d(y, self.classes_)
        if unknown.size:
            raise ValueError(
                f"y contains labels {unknown.tolist()} that are not among the classes "
                f"{self.classes_.tolist()} given on the first call to partial_fit or "
                "seen in the first fit."
            )
        indices = np.searchsorted(self.classes_, y)
        return np.eye(self.classes_.shape[0], dtype=self._fit_dtype)[indices], False

    def _validation_score(self, output, Y, lengths, sample_weight):
        correct = np.argmax(output, axis=1) == np.argmax(Y, axis=1)
        return float(np.average(correct, weights=sample_weight))

    def _stratify(self, Y):
        return np.argmax(Y, axis=1)

    def fit(self, X, y, sample_weight=None):
        """Fit the model to sequences X and labels y.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), (n_samples, n_timesteps) or list
            Training sequences: 3-D, 2-D univariate, or a list of 2-D arrays
            of different lengths; trailing all-NaN steps are padding. With
            ``input_type="tokens"``: a list of 1-D integer id arrays, or a 2-D
            integer array padded with -1.
        y : array-like of shape (n_samples,)
            One class label per sequence.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence in the loss (and in the early-stopping score).

        Returns
        -------
        self : ALRNNClassifier
        """
        self._validate_params()
        return self._fit(X, y, sample_weight=sample_weight)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Run one epoch over (X, y), starting from the current parameters.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list
            Training sequences.
        y : array-like of shape (n_samples,)
            Labels.
        classes : array-like of shape (n_classes,), default=None
            Every label that will ever appear; required on the first call.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence in the loss.

        Returns
        -------
        self : ALRNNClassifier
        """
        if not hasattr(self, "a_"):
            self._validate_params()
            if classes is None:
                raise ValueError(
                    "classes must be passed on the first call to partial_fit "
                    "(every label that will appear in later calls)."
                )
        elif classes is not None and not np.array_equal(self.classes_, np.unique(classes)):
            raise ValueError(
                f"classes={np.unique(classes).tolist()} differs from the classes "
                f"{self.classes_.tolist()} given on the first call to partial_fit."
            )
        return self._fit(X, y, incremental=True, classes=classes, sample_weight=sample_weight)

    def decision_function(self, X):
        """Readout logits.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list
            Sequences.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            For two classes, the logit of ``classes_[1]`` minus that of
            ``classes_[0]``; otherwise one logit per class.
        """
        output, _ = self._output(X)
        if output.shape[1] == 2:
            return output[:, 1] - output[:, 0]
        return output

    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list
            Sequences.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``.
        """
        return softmax(self._output(X)[0], axis=1)

    def predict_log_proba(self, X):
        """Logarithm of the class probabilities (computed stably from the logits).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list
            Sequences.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        return log_softmax(self._output(X)[0], axis=1)

    def predict(self, X):
        """Most probable class of each sequence.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list
            Sequences.

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        output, _ = self._output(X)
        return self.classes_[np.argmax(output, axis=1)]

    def _portable_state(self):
        fitted, arrays = super()._portable_state()
        classes = np.asarray(self.classes_)
        if classes.dtype.kind == "O":
            classes = classes.astype(str)
        if classes.dtype.kind not in "biufU":
            raise ValueError(f"Class labels of dtype {self.classes_.dtype} cannot be saved without pickle.")
        arrays["classes_"] = classes
        return fitted, arrays

    def _restore_portable_state(self, fitted, arrays):
        if fitted.get("per_step"):
            raise ValueError("per_step=true: this version's classifier reads one label per sequence.")
        super()._restore_portable_state(fitted, arrays)
        if arrays["classes_"].shape != (self.b_.shape[0],):
            raise ValueError(
                f"classes_ has shape {arrays['classes_'].shape}; the readout has {self.b_.shape[0]} outputs."
            )
        self.classes_ = arrays["classes_"].copy()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = False
        return tags


@register_model_class
@fill_docstring
class ALRNNRegressor(RegressorMixin, BaseALRNN):
    """Sequence regressor on an Almost-Linear RNN.

    ``z_t = a * z_{{t-1}} + W phi(z_{{t-1}}) + C s_t + h`` runs through each
    sequence and a linear readout ``B z + b`` predicts the target: from the
    state at the last valid step for a 1-D or 2-D y (sequence-to-one), or at
    every step for a 3-D y of shape (n_samples, n_timesteps, n_outputs)
    (sequence-to-sequence). Training minimises the mean squared error.

    Parameters
    ----------
{parameters}

    Attributes
    ----------
{attributes}

    See Also
    --------
    ALRNNClassifier : The classification counterpart.
    sklearn.neural_network.MLPRegressor : The feed-forward model whose API this mirrors.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_alrnn import ALRNNRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(100, 20, 2))
    >>> y = X[:, -3:, 0].sum(axis=1)
    >>> reg = ALRNNRegressor(n_hidden=8, n_nonlinear=0, max_iter=5, random_state=0)
    >>> reg.fit(X, y).predict(X[:3]).shape
    (3,)
    """

    _loss = "squared_error"

    def __init__(
        self,
        n_hidden=32,
        n_nonlinear=2,
        *,
        max_iter=500,
        batch_size="auto",
        learning_rate="adaptive",
        learning_rate_init=3e-3,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        alpha=1e-4,
        clip_norm=1.0,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=20,
        tol=1e-4,
        readout="mean",
        init="dsr",
        n_init=1,
        input_type="dense",
        shuffle=True,
        warm_start=False,
        random_state=None,
        verbose=0,
        n_jobs=None,
        device="cpu",
        dtype=None,
    ):
        super().__init__(
            n_hidden,
            n_nonlinear,
            max_iter=max_iter,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            alpha=alpha,
            clip_norm=clip_norm,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            readout=readout,
            init=init,
            n_init=n_init,
            input_type=input_type,
            shuffle=shuffle,
            warm_start=warm_start,
            random_state=random_state,
            verbose=verbose,
            n_jobs=n_jobs,
            device=device,
            dtype=dtype,
        )

    def _encode_targets(self, y, lengths, n_timesteps, first_pass, classes=None):
        dtype = np.dtype(self._fit_dtype)
        y = np.asarray(y)
        if y.ndim == 3:
            Y = check_sequence_targets(y, lengths, n_timesteps, dtype=dtype)
            per_step = True
        else:
            Y = check_array(
                y, ensure_2d=False, dtype=dtype, input_name="y", ensure_min_samples=0
            )
            if Y.ndim not in (1, 2):
                raise ValueError(
                    "ALRNNRegressor expects y of shape (n_samples,), (n_samples, "
                    "n_outputs) or per-step (n_samples, n_timesteps, n_outputs); got y "
                    f"of shape {Y.shape}."
                )
            if Y.shape[0] != lengths.shape[0]:
                raise ValueError(
                    f"X and y have inconsistent numbers of samples: X has "
                    f"{lengths.shape[0]} sequences, y has {Y.shape[0]} targets."
                )
            per_step = False
        if first_pass:
            self._y_ndim = Y.ndim
        Y = Y.reshape(Y.shape[0], -1) if not per_step else Y
        if not first_pass and Y.shape[-1] != self.b_.shape[0]:
            raise ValueError(
                f"y has {Y.shape[-1]} outputs, but the model was fitted with "
                f"{self.b_.shape[0]}."
            )
        return np.ascontiguousarray(Y), per_step

    def _scale_targets(self, Y, lengths, per_step, sample_weight, first_pass):
        # Training runs on standardised targets (the readout is converted to
        # and from these units around training): targets of scale 10 or 0.01
        # then train like targets of scale 1, with the same learning rate,
        # initial readout and L2 penalty. The first fit (or partial_fit call)
        # fixes the statistics, weighted like the loss.
        if first_pass:
            valid, weights = valid_targets(Y, lengths, per_step, sample_weight)
            self._target_mean = np.zeros(Y.shape[-1])
            self._target_scale = np.ones(Y.shape[-1])
            if weights.sum() > 0:
                self._target_mean, self._target_scale = feature_moments(valid, weights)
        Y = (Y - self._target_mean.astype(Y.dtype)) / self._target_scale.astype(Y.dtype)
        if per_step:
            Y[~step_mask(lengths, Y.shape[1])] = 0
        return Y

    def _readout_units(self, to_training):
        """Convert ``B_``, ``b_`` in place between the user's units and standardised targets."""
        mean, scale = (v.astype(self.b_.dtype) for v in (self._target_mean, self._target_scale))
        if to_training:
            self.B_ /= scale[:, None]
            self.b_ -= mean
            self.b_ /= scale
        else:
            self.B_ *= scale[:, None]
            self.b_ *= scale
            self.b_ += mean

    def _validation_score(self, output, Y, lengths, sample_weight):
        if self._per_step:
            return _per_step_r2(Y, output, lengths, sample_weight)
        return float(r2_score(Y, output, sample_weight=sample_weight))

    def _stratify(self, Y):
        return None

    def fit(self, X, y, sample_weight=None):
        """Fit the model to sequences X and targets y.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), (n_samples, n_timesteps) or list
            Training sequences: 3-D, 2-D univariate, or a list of 2-D arrays
            of different lengths; trailing all-NaN steps are padding. With
            ``input_type="tokens"``: a list of 1-D integer id arrays, or a 2-D
            integer array padded with -1.
        y : array-like of shape (n_samples,), (n_samples, n_outputs) or (n_samples, n_timesteps, n_outputs)
            One target per sequence, or (3-D) one per time step; per-step
            targets may be NaN beyond each sequence's length.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence in the loss (spread over its steps for
            per-step targets) and in the early-stopping score.

        Returns
        -------
        self : ALRNNRegressor
        """
        self._validate_params()
        return self._fit(X, y, sample_weight=sample_weight)

    def partial_fit(self, X, y, sample_weight=None):
        """Run one epoch over (X, y), starting from the current parameters.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list
            Training sequences.
        y : array-like of shape (n_samples,), (n_samples, n_outputs) or (n_samples, n_timesteps, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence in the loss.

        Returns
        -------
        self : ALRNNRegressor
        """
        if not hasattr(self, "a_"):
            self._validate_params()
        return self._fit(X, y, incremental=True, sample_weight=sample_weight)

    def predict(self, X):
        """Predict targets.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list
            Sequences.

        Returns
        -------
        y : ndarray of shape (n_samples,), (n_samples, n_outputs) or (n_samples, n_timesteps, n_outputs)
            The layout of the y seen in fit; per-step predictions are NaN
            beyond each sequence's length.
        """
        output, lengths = self._output(X)
        if self._per_step:
            output[~step_mask(lengths, output.shape[1])] = np.nan
            return output
        return output.ravel() if self._y_ndim == 1 else output

    def score(self, X, y, sample_weight=None):
        """Coefficient of determination R^2 of the prediction.

        For per-step targets, R^2 is computed over every valid (sequence, step)
        pair, averaged uniformly over outputs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list
            Sequences.
        y : array-like
            True targets, in the layout used in fit.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence (spread over its steps for per-step targets).

        Returns
        -------
        score : float
        """
        if not (getattr(self, "_per_step", False) and np.asarray(y).ndim == 3):
            return super().score(X, y, sample_weight=sample_weight)
        output, lengths = self._output(X)
        Y = check_sequence_targets(y, lengths, output.shape[1], dtype=output.dtype)
        return _per_step_r2(Y, output, lengths, sample_weight)

    def _portable_state(self):
        fitted, arrays = super()._portable_state()
        fitted["y_ndim"] = int(self._y_ndim)
        fitted["target_mean"] = [float(v) for v in self._target_mean]
        fitted["target_scale"] = [float(v) for v in self._target_scale]
        return fitted, arrays

    def _restore_portable_state(self, fitted, arrays):
        super()._restore_portable_state(fitted, arrays)
        self._y_ndim = int(fitted["y_ndim"])
        n_outputs = self.b_.shape[0]
        # Files written before target standardisation trained on raw targets.
        mean = np.asarray(fitted.get("target_mean", [0.0] * n_outputs), dtype=float)
        scale = np.asarray(fitted.get("target_scale", [1.0] * n_outputs), dtype=float)
        if mean.shape != (n_outputs,) or scale.shape != (n_outputs,) or not (
            np.isfinite(mean).all() and np.isfinite(scale).all() and (scale > 0).all()
        ):
            raise ValueError(
                f"target_mean and target_scale must be {n_outputs} finite numbers (scale > 0) "
                f"for a model with {n_outputs} outputs; got {fitted.get('target_mean')!r}, "
                f"{fitted.get('target_scale')!r}."
            )
        self._target_mean, self._target_scale = mean, scale

    def __setstate__(self, state):
        # Pickles written before target standardisation trained on raw targets.
        if "b_" in state and "_target_mean" not in state:
            state["_target_mean"] = np.zeros(state["b_"].shape[0])
            state["_target_scale"] = np.ones(state["b_"].shape[0])
        super().__setstate__(state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
