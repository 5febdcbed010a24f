"""Saving and restoring the fitted state of the estimators and the forecaster (model files and pickles).

The file format itself (arrays, JSON metadata, checksum, validation) is ``io``; this mixin says
which fitted scalars and arrays a model file holds and checks them on the way back in.
"""

import inspect

import numpy as np
from sklearn.utils.validation import check_is_fitted

from . import io
from .analysis import check_parameters
from ._docstrings import with_from_parameters_doc
from ._forcing import FORECASTER_PARAMETER_NAMES
from ._model import PARAMETER_NAMES
from ._process_noise import check_residual_covariance
from ._readout import READOUTS, n_readout_features, softmax_of_one_logit
from ._series import column_names_state, restore_column_names
from ._validation import real_array


class PortableStateMixin:
    """``save``, ``_portable_state`` / ``_restore_portable_state`` (for ``io``) and ``__setstate__``
    (pickles of earlier versions) of the sequence estimators."""

    #: Fitted scalars a model file keeps (besides the arrays and hyper-parameters).
    _PORTABLE_SCALARS = ("n_features_in_", "n_nonlinear_", "n_iter_", "t_", "n_members_")

    def save(self, path, extra=None):
        """Write the fitted model to a portable file (no pickle); see :func:`sklearn_alrnn.load`.

        Parameters
        ----------
        path : str or path-like
        extra : dict, default=None
            JSON-serialisable metadata to keep with the model.
        """
        io.save(self, path, extra=extra)

    def _portable_state(self):
        """``(fitted, arrays)``: JSON-ready fitted scalars and lists, and the fitted arrays."""
        check_is_fitted(self, "a_")
        fitted = {name: io.json_scalar(getattr(self, name)) for name in self._PORTABLE_SCALARS}
        fitted["per_step"] = bool(self._per_step)
        fitted["readout"] = self._readout
        fitted["tokens"] = bool(self._tokens)
        scale = self.input_difference_scale_
        floor = self._sequence_scale_floor if self.per_sequence_features_.size else None
        for key, values in (("input_difference_scale", scale), ("input_mean", self._input_mean),
                            ("input_scale", self._input_scale), ("sequence_scale_floor", floor),
                            ("elapsed_steps_moments", self.elapsed_steps_moments_)):
            fitted[key] = None if values is None else [float(v) for v in values]
        fitted["per_sequence_features"] = [int(v) for v in self.per_sequence_features_]
        fitted["time_warping_"] = float(self.time_warping_)
        fitted["loss_curve_"] = [float(v) for v in self.loss_curve_]
        # The stop rule's record, so that a warm start from the file goes on as from a pickle.
        scores = self.validation_scores_
        fitted["validation_scores_"] = None if scores is None else [float(v) for v in scores]
        fitted["best_validation_score_"] = _finite_or_none(self.best_validation_score_)
        fitted["best_loss_"] = _finite_or_none(self.best_loss_)
        fitted["no_improvement_count"] = int(self._no_improvement_count)
        fitted |= column_names_state(self)
        arrays = {name + "_": np.asarray(getattr(self, name + "_")) for name in PARAMETER_NAMES}
        return fitted, arrays

    def _restore_portable_state(self, fitted, arrays):
        """Set the fitted state from ``_portable_state``'s output; ``ValueError`` if it is inconsistent."""
        fitted.setdefault("n_members_", 1)  # absent from files written before joined members
        fitted.setdefault("no_improvement_count", 0)  # absent from files written before the stop rule's record
        for name in ("n_features_in_", "n_iter_", "t_", "n_members_", "no_improvement_count"):
            value = fitted.get(name)
            least = 1 if name in ("n_features_in_", "n_members_") else 0
            if not isinstance(value, int) or isinstance(value, bool) or value < least:
                raise ValueError(f"{name}={value!r} is not a valid count.")
        M, P = self.n_hidden * fitted["n_members_"], fitted.get("n_nonlinear_")
        if not isinstance(P, int) or isinstance(P, bool) or not 0 <= P <= M:
            raise ValueError(f"n_nonlinear_={P!r} is not an integer in [0, {M}] (n_hidden x n_members_).")
        for flag, value in (("per_step", fitted.get("per_step")), ("tokens", fitted.get("tokens", False))):
            if not isinstance(value, bool):  # "tokens" is absent from files written before token input
                raise ValueError(f"{flag}={value!r} is not true or false.")
        for key, shape in {"a_": (M,), "W_": (M, M), "h_": (M,)}.items():
            if arrays[key].shape != shape:
                raise ValueError(f"{key} has shape {arrays[key].shape}, expected {shape} for {M} units "
                                 f"(n_hidden={self.n_hidden} x n_members_={fitted['n_members_']}).")
        for key in (name + "_" for name in PARAMETER_NAMES):
            _check_finite_floats(key, arrays[key])
        if self.input_type != "auto" and fitted.get("tokens", False) != (self.input_type == "tokens"):
            raise ValueError(f"tokens={fitted.get('tokens')!r} contradicts input_type={self.input_type!r}.")
        K = fitted["n_features_in_"]
        per_sequence = _per_sequence_features(fitted, K)
        floor = _saved_features(fitted, "sequence_scale_floor", per_sequence.size, positive=True)
        if (floor is None) != (per_sequence.size == 0):
            raise ValueError("per_sequence_features and sequence_scale_floor must be given together or not at all.")
        n_read = K + 2 * per_sequence.size
        # Each absent from files written before input differences and input standardisation.
        scale = _saved_features(fitted, "input_difference_scale", n_read, positive=True)
        input_mean = _saved_features(fitted, "input_mean", n_read, positive=False)
        input_scale = _saved_features(fitted, "input_scale", n_read, positive=True)
        if (input_mean is None) != (input_scale is None):
            raise ValueError("input_mean and input_scale must be given together or not at all.")
        # Absent from files written before elapsed steps.
        elapsed = _saved_features(fitted, "elapsed_steps_moments", 2, positive=False)
        warping = fitted.get("time_warping_", 0.0)  # absent from files written before time warps
        if isinstance(warping, bool) or not isinstance(warping, (int, float)) or not 0 <= warping < np.inf:
            raise ValueError(f"time_warping_={warping!r} is not a finite number >= 0.")
        if elapsed is not None and not elapsed[1] > 0:
            raise ValueError(f"elapsed_steps_moments must be a mean and a standard deviation > 0; got {elapsed.tolist()}.")
        n_inputs = (n_read if scale is None else 2 * n_read) + (elapsed is not None)
        if arrays["C_"].shape != (M, n_inputs):
            raise ValueError(
                f"C_ has shape {arrays['C_'].shape}, expected {(M, n_inputs)} for {M} units, "
                f"n_features_in_={K}, {per_sequence.size} of them read per sequence, input differences "
                f"{'' if scale is not None else 'not '}used and elapsed steps {'' if elapsed is not None else 'not '}"
                "read."
            )
        readout = fitted.get("readout", "last")
        if readout not in READOUTS:
            raise ValueError(f"readout={readout!r} is not one of {READOUTS}.")
        columns = n_readout_features(readout, M, fitted["per_step"])
        if arrays["B_"].ndim != 2 or arrays["B_"].shape[1] != columns:
            raise ValueError(f"B_ has shape {arrays['B_'].shape}, expected {columns} columns for readout={readout!r}.")
        self._set_params_arrays({name: arrays[name + "_"].copy() for name in PARAMETER_NAMES})
        for name in self._PORTABLE_SCALARS:
            setattr(self, name, fitted[name])
        self._per_step = bool(fitted["per_step"])
        self._tokens = fitted.get("tokens", False)
        self.n_tokens_ = self.n_features_in_ if self._tokens else None
        self._readout = readout
        self.input_difference_scale_ = scale
        self.elapsed_steps_moments_ = elapsed
        self.time_warping_ = float(warping)
        self._input_mean, self._input_scale = input_mean, input_scale
        self.per_sequence_features_, self._sequence_scale_floor = per_sequence, np.zeros(0) if floor is None else floor
        if "input_difference_scale" not in fitted:
            self.set_params(input_differences=False)
        if "elapsed_steps_moments" not in fitted:
            self.set_params(elapsed_steps=False)
        if "readout" not in fitted:
            # Files written before pooling and the "lru" start read the last state of a "dsr"
            # start; their hyper-parameters say so too, so that a warm start continues them.
            self.set_params(readout="last", init="dsr")
        restore_column_names(self, fitted, {"feature_names_in_": self.n_features_in_})
        self.member_losses_ = None
        self.loss_curve_ = list(fitted["loss_curve_"])
        self.validation_scores_, self.best_validation_score_, self.best_loss_, self._no_improvement_count = (
            _stopping_record(fitted, self.loss_curve_)
        )

    @classmethod
    def _from_network(cls, a, W, h, C, B, b, n_nonlinear, readout, per_step, params, fitted=None, arrays=None):
        """A fitted estimator of a network trained elsewhere (checked as ``analysis.check_parameters``
        does, b None giving zeros), reading its inputs as given; ``fitted`` and ``arrays`` add a
        subclass's state."""
        a, W, h, C, n_nonlinear = check_parameters(a, W, h, n_nonlinear, C)
        B = real_array(B, "B")
        b = np.zeros(B.shape[:1]) if b is None or B.ndim != 2 else real_array(b, "b").reshape(-1)
        if B.ndim != 2 or B.shape[1] < a.shape[0] or b.shape != B.shape[:1] or not np.isfinite(B).all() or not \
                np.isfinite(b).all() or C.shape[1] == 0:
            raise ValueError(
                f"Expected C of shape ({a.shape[0]}, n_features) with n_features >= 1, finite B of shape (n_outputs, "
                f"{a.shape[0]} x the readout's poolings) and b of shape (n_outputs,); got C {C.shape}, B {B.shape}, "
                f"b {b.shape}."
            )
        model = cls(n_hidden=a.shape[0], n_nonlinear=n_nonlinear, readout=readout, **params)
        model._validate_params()
        state = {"n_features_in_": C.shape[1], "n_nonlinear_": n_nonlinear, "n_iter_": 0, "t_": 0, "n_members_": 1,
                 "per_step": per_step, "tokens": model.input_type == "tokens", "readout": readout, "loss_curve_": []}
        network = dict(zip(("a_", "W_", "h_", "C_", "B_", "b_"), (a, W, h, C, B, b)))
        network = {name: value.astype(model.dtype or "float64") for name, value in network.items()}
        model._restore_portable_state(state | (fitted or {}), network | (arrays or {}))
        return model

    def __setstate__(self, state):
        # Pickles of version 0.1.0 kept the fitted P under a private name.
        if "_n_nonlinear_fitted" in state:
            state["n_nonlinear_"] = state.pop("_n_nonlinear_fitted")
        if "a_" in state:
            state.setdefault("_readout", "last")
            state.setdefault("_tokens", False)
            state.setdefault("n_tokens_", None)
            state.setdefault("input_difference_scale_", None)
            state.setdefault("elapsed_steps_moments_", None)
            state.setdefault("time_warping_", 0.0)
            state.setdefault("_input_mean", None)  # trained on the features as given
            state.setdefault("_input_scale", None)
            state.setdefault("per_sequence_features_", np.zeros(0, dtype=np.int64))
            state.setdefault("_sequence_scale_floor", np.zeros(0))
            state.setdefault("n_members_", 1)
            state.setdefault("member_losses_", None)
        # Settings whose default changed since: the one the pickled model was trained with.
        state.setdefault("readout", "last")
        state.setdefault("init", "dsr")
        state.setdefault("input_type", "dense")
        state.setdefault("input_differences", False)
        state.setdefault("elapsed_steps", False)
        state.setdefault("time_warping", 0.0)
        super().__setstate__(_with_later_parameters(self, state))


def _with_later_parameters(estimator, state):
    """``state`` with each constructor parameter it lacks at its default: a pickle of a version before
    the parameter (else ``get_params``, ``clone``, ``repr`` and a refit fail on the missing attribute),
    read as ``load`` reads a file of that version."""
    for name, parameter in inspect.signature(type(estimator).__init__).parameters.items():
        if parameter.default is not inspect.Parameter.empty:
            state.setdefault(name, parameter.default)
    return state


def _per_sequence_features(fitted, n_features):
    """The indices of the features read per sequence of a model file (none where absent), checked:
    distinct, increasing integers below ``n_features``, dense input only."""
    saved = fitted.get("per_sequence_features", [])
    integers = isinstance(saved, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in saved)
    features = np.asarray(saved, dtype=np.int64) if integers else None
    if features is None or (features.size and (
        fitted.get("tokens", False) or features[0] < 0 or features[-1] >= n_features or (np.diff(features) <= 0).any()
    )):
        raise ValueError(f"per_sequence_features must be increasing feature indices below {n_features} (dense input); "
                         f"got {saved!r}.")
    return features


def _check_finite_floats(key, array):
    """Refuse a saved array that does not hold finite floating-point numbers (a forged or foreign file)."""
    if array.dtype.kind != "f" or not np.all(np.isfinite(array)):
        flaw = "NaN or infinity" if array.dtype.kind == "f" else f"dtype {array.dtype}"
        raise ValueError(f"{key} must hold finite floating-point values; it has {flaw}.")


def _is_number(value):
    """A JSON number: an int or a float, not a boolean."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _finite_or_none(value):
    return float(value) if value is not None and np.isfinite(value) else None


def _stopping_record(fitted, loss_curve):
    """``(validation_scores_, best_validation_score_, best_loss_, no_improvement_count)`` of a model
    file whose counts were checked, the rest checked here; files written before they were saved get
    the record of a fresh rule."""
    scores, best_score = fitted.get("validation_scores_"), fitted.get("best_validation_score_")
    best_loss = fitted.get("best_loss_")

    def real(value):
        return _is_number(value) and np.isfinite(value)

    if scores is not None and not (isinstance(scores, list) and all(real(v) for v in scores)):
        raise ValueError(f"validation_scores_ must be a list of finite numbers or null; got {scores!r}.")
    for key, value in (("best_validation_score_", best_score), ("best_loss_", best_loss)):
        if value is not None and not real(value):
            raise ValueError(f"{key} must be a finite number or null; got {value!r}.")
    if best_loss is None:
        best_loss = min(loss_curve) if loss_curve and "best_loss_" not in fitted else np.inf
    if scores is not None and best_score is None:
        best_score = -np.inf
    return scores, best_score, best_loss, fitted["no_improvement_count"]


def _saved_features(fitted, key, n_features, positive):
    """A per-feature vector of a model file (None where absent or null), checked: ``n_features``
    finite numbers (> 0 with ``positive``), dense input only."""
    saved = fitted.get(key)
    if saved is None:
        return None
    numbers = isinstance(saved, list) and all(_is_number(v) for v in saved)
    values = np.asarray(saved, dtype=float) if numbers else None
    if values is None or values.shape != (n_features,) or not np.isfinite(values).all() or (
        positive and not (values > 0).all()
    ) or fitted.get("tokens", False):
        raise ValueError(
            f"{key} must be {n_features} finite numbers{' > 0' if positive else ''} (dense input); got {saved!r}."
        )
    return values


class ClassifierStateMixin:
    """The classifier's state on top of the shared one: its class labels."""

    @classmethod
    @with_from_parameters_doc
    def from_parameters(cls, a, W, h, C, B, b=None, *, n_nonlinear, readout="last", classes=None, multilabel=False,
                        **params):
        """A fitted classifier from parameters trained elsewhere (e.g. in PyTorch).

        {doc}
        classes : array-like of shape (n_outputs,), default=None
            The class of each row of B (a softmax over the rows); None gives
            0 .. n_outputs - 1. A single row w, a binary model's logit, reads
            as the rows [0; w] (classes 0, 1 unless given).
        multilabel : bool, default=False
            Each row of B is a label's own logit (a sigmoid, as a binary
            cross-entropy over several labels trains them): a set of labels
            per sequence (per step with ``per_step=True``), the classes
            0 .. n_outputs - 1.
        **params
            Other constructor parameters, e.g. ``per_step=True`` or
            ``input_type="tokens"``.

        Returns
        -------
        ALRNNClassifier
            Fitted, with ``n_iter_ = 0``.

        Examples
        --------
        The sign of a sequence's sum, a linear unit that adds its inputs:

        >>> import numpy as np
        >>> from sklearn_alrnn import ALRNNClassifier
        >>> model = ALRNNClassifier.from_parameters([1.0], [[0.0]], [0.0], [[1.0]], [[-1.0], [1.0]], n_nonlinear=0,
        ...                                         classes=["negative", "positive"])
        >>> model.predict(np.array([[1.0, -3.0, 1.0], [0.5, 0.5, 0.0]]))
        array(['negative', 'positive'], dtype='<U8')
        """
        if not isinstance(multilabel, (bool, np.bool_)) or multilabel and classes is not None:
            raise ValueError(f"multilabel must be true or false, and true only without classes (the classes are B's "
                             f"rows); got multilabel={multilabel!r}, classes={classes!r}.")
        two_classes = classes is None or len(classes) == 2
        B, b = softmax_of_one_logit(B, b) if two_classes and not multilabel else (B, b)
        n_outputs = np.shape(B)[0] if np.ndim(B) == 2 else 0
        classes = np.arange(n_outputs) if classes is None else np.asarray(classes)
        per_step = bool(params.get("per_step", False))
        return cls._from_network(a, W, h, C, B, b, n_nonlinear, readout, per_step, params,
                                 fitted={"multilabel": bool(multilabel)}, arrays={"classes_": classes})

    def _portable_state(self):
        fitted, arrays = super()._portable_state()
        classes = np.asarray(self.classes_)
        if classes.dtype.kind == "O":
            classes = classes.astype(str)
        if classes.dtype.kind not in "biufU":
            raise ValueError(f"Class labels of dtype {self.classes_.dtype} cannot be saved without pickle.")
        arrays["classes_"] = classes
        fitted["multilabel"] = bool(self._multilabel)
        return fitted, arrays

    def _restore_portable_state(self, fitted, arrays):
        if fitted.get("per_step") is not self.per_step:
            raise ValueError(f"per_step={fitted.get('per_step')!r} contradicts the hyper-parameter per_step={self.per_step}.")
        multilabel = fitted.get("multilabel", False)  # absent from files written before sets of labels
        if not isinstance(multilabel, bool):
            raise ValueError(f"multilabel={multilabel!r} is not true or false.")
        super()._restore_portable_state(fitted, arrays)
        if arrays["classes_"].shape != (self.b_.shape[0],):
            raise ValueError(
                f"classes_ has shape {arrays['classes_'].shape}; the readout has {self.b_.shape[0]} outputs."
            )
        classes = arrays["classes_"]
        columns = classes.dtype.kind in "iu" and np.array_equal(classes, np.arange(self.b_.shape[0]))  # text: none
        if multilabel and not columns:
            raise ValueError(f"A model of sets of labels has the classes 0 .. {self.b_.shape[0] - 1} (one per output); "
                             f"got classes_ {classes.tolist()[:10]}.")
        self.classes_ = classes.copy()
        self._multilabel = multilabel


class RegressorStateMixin:
    """The regressor's state on top of the shared one: the layout of y and the target standardisation."""

    @classmethod
    @with_from_parameters_doc
    def from_parameters(cls, a, W, h, C, B, b=None, *, n_nonlinear, readout="last", per_step=False, **params):
        """A fitted regressor from parameters trained elsewhere (e.g. in PyTorch).

        {doc}
        per_step : bool, default=False
            Read every step (predictions of shape (n_samples, n_timesteps,
            n_outputs)) instead of one target per sequence.
        **params
            Other constructor parameters, e.g. ``input_type="tokens"``.

        Returns
        -------
        ALRNNRegressor
            Fitted, with ``n_iter_ = 0``; predictions of shape (n_samples,)
            for one row of B, else (n_samples, n_outputs).

        Examples
        --------
        A linear unit that adds its inputs reads out each sequence's sum:

        >>> import numpy as np
        >>> from sklearn_alrnn import ALRNNRegressor
        >>> model = ALRNNRegressor.from_parameters([1.0], [[0.0]], [0.0], [[1.0]], [[1.0]], n_nonlinear=0)
        >>> model.predict(np.array([[1.0, 2.0, 3.0], [0.5, 0.5, 0.0]]))
        array([6., 1.])
        """
        y_ndim = 3 if per_step else 1 if np.shape(B)[:1] == (1,) else 2
        return cls._from_network(a, W, h, C, B, b, n_nonlinear, readout, bool(per_step), params,
                                 fitted={"y_ndim": y_ndim})

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


class ForecasterStateMixin:
    """``save``, ``_portable_state`` / ``_restore_portable_state`` (for ``io``) and ``__setstate__``
    (pickles of earlier versions) of ALRNNForecaster."""

    def save(self, path, extra=None):
        """Write the fitted model to a portable file (no pickle); see :func:`sklearn_alrnn.load`."""
        io.save(self, path, extra=extra)

    @classmethod
    def from_parameters(
        cls, a, W, h, L, *, n_nonlinear, C=None, mean=None, scale=None, initial_observation=None,
        residual_covariance=None, **params
    ):
        """A fitted forecaster from parameters trained elsewhere (e.g. by the AL-RNN research code).

        The map is ``z_t = a * z_{t-1} + W phi(z_{t-1}) + C s_t + h`` with the
        last ``n_nonlinear`` units ReLU, the first N units read out, and a run
        from observation x started at ``[x ; L x]``; N is ``L.shape[1]``.
        ``generate``, ``forecast``, ``predict``, ``score``, ``save``, the
        ``metrics`` and ``RegimeDecomposer`` work on the result.

        Parameters
        ----------
        a, W, h, C : array-like
            As for :func:`sklearn_alrnn.analysis.check_parameters`: the
            diagonal of A (or A itself), W (n_hidden, n_hidden), h (n_hidden,)
            and the input weights C (n_hidden, n_inputs), None for an
            autonomous system.
        L : array-like of shape (n_hidden - N, N)
            The unobserved units' start from an observation. The research
            code's Python tutorial holds it as ``B`` of shape (N, n_hidden):
            pass ``B[:, N:].T``.
        n_nonlinear : int
            Number P of ReLU units (the last P), at most n_hidden - N.
        mean, scale : array-like of shape (N,), default=None
            The parameters act on ``(x - mean) / scale``; None gives 0 and 1,
            parameters trained on the data as given (z-scored data included).
        initial_observation : array-like of shape (N,), default=None
            Where ``generate`` and ``max_lyapunov_exponent`` start without
            ``x0``; None gives ``mean``. Pass an observation of the data.
        residual_covariance : array-like of shape (N, N), default=None
            Covariance of the map's one-step errors in the units it acts on
            (``(x - mean) / scale``): the noise of ``generate(process_noise=...)``,
            which None refuses.
        **params
            Other constructor parameters, e.g. ``sequence_length`` (the
            context rows ``forecast`` reads), ``dtype`` or ``device``.

        Returns
        -------
        ALRNNForecaster
            Fitted, with ``n_iter_ = 0`` and NaN training scores.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_alrnn import ALRNNForecaster
        >>> turn = np.array([[np.cos(0.1), -np.sin(0.1)], [np.sin(0.1), np.cos(0.1)]])
        >>> model = ALRNNForecaster.from_parameters(np.zeros(2), turn, np.zeros(2), np.zeros((0, 2)), n_nonlinear=0)
        >>> model.generate(3, x0=[1.0, 0.0]).round(3)
        array([[1.   , 0.   ],
               [0.995, 0.1  ],
               [0.98 , 0.199]])
        """
        a, W, h, C, n_nonlinear = check_parameters(a, W, h, n_nonlinear, C)
        arrays = {"a_": a, "W_": W, "h_": h, "C_": C}
        given = {"L": L, "mean": mean, "scale": scale, "initial_observation": initial_observation,
                 "residual_covariance": residual_covariance}
        arrays |= {name + "_": real_array(value, name) for name, value in given.items() if value is not None}
        if arrays["L_"].ndim != 2:
            raise ValueError(f"L must be of shape (n_hidden - N, N) for N observed variables; got shape {arrays['L_'].shape}.")
        M, N = a.shape[0], arrays["L_"].shape[1]
        if residual_covariance is not None:  # one given must be usable; a file's may be an unstable fit's
            check_residual_covariance(arrays["residual_covariance_"], N)
        arrays.setdefault("mean_", np.zeros(N))
        arrays.setdefault("scale_", np.ones(N))
        arrays.setdefault("initial_observation_", arrays["mean_"])
        model = cls(n_hidden=max(M, 1), n_nonlinear=n_nonlinear, **params)
        model._validate_params()
        fitted = dict.fromkeys(cls._PORTABLE_COUNTS, 0) | dict.fromkeys(cls._PORTABLE_SCORES, float("nan"))
        fitted |= {"n_features_in_": N, "n_inputs_": C.shape[1], "n_nonlinear_": n_nonlinear}
        fitted |= {"alpha_": 1.0, "loss_curve_": [], "evaluation_curve_": []}
        try:
            model._restore_portable_state(fitted, arrays)
        except ValueError as error:
            # The tutorial's B of shape (N, M), passed whole or transposed, has a side of length M.
            whole_b = M in arrays["L_"].shape
            hint = " The Python tutorial's B of shape (N, n_hidden) is passed as B[:, N:].T." if whole_b else ""
            # An L passed transposed reads N as n_hidden - N, and fits the other arrays' length backwards.
            n_latent = arrays["L_"].shape[0]
            lengths = {np.shape(value)[0] for name, value in given.items() if name != "L" and np.ndim(value) > 0}
            if not whole_b and n_latent != N and n_latent in lengths:
                hint = f" For N={n_latent} observed variables pass L.T, of shape ({N}, {n_latent})."
            raise ValueError(
                f"{str(error).rstrip('.')} (n_hidden={M} from a, N={N} observed variables from L).{hint}"
            ) from None
        return model

    _PORTABLE_COUNTS = ("n_features_in_", "n_inputs_", "n_nonlinear_", "n_iter_", "best_epoch_")
    _PORTABLE_SCORES = ("best_state_space_divergence_", "best_evaluation_score_")

    def _portable_state(self):
        check_is_fitted(self, "a_")
        fitted = {name: int(getattr(self, name)) for name in self._PORTABLE_COUNTS}
        fitted["alpha_"] = float(self.alpha_)
        fitted |= {name: float(getattr(self, name)) for name in self._PORTABLE_SCORES}
        fitted["loss_curve_"] = [float(v) for v in self.loss_curve_]
        fitted["evaluation_curve_"] = [[int(e), float(d)] for e, d in self.evaluation_curve_]
        fitted |= column_names_state(self)
        arrays = {name + "_": getattr(self, name + "_") for name in FORECASTER_PARAMETER_NAMES}
        arrays |= {"mean_": self.mean_, "scale_": self.scale_, "initial_observation_": self.initial_observation_}
        if getattr(self, "residual_covariance_", None) is not None:  # None: from_parameters, or set by hand
            arrays["residual_covariance_"] = self.residual_covariance_
        return fitted, arrays

    def _restore_portable_state(self, fitted, arrays):
        for name in self._PORTABLE_COUNTS:
            value = fitted.get(name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{name}={value!r} is not a valid count.")
        M = self.n_hidden if self.n_hidden != "auto" else np.size(arrays.get("a_", ()))
        N, K, P = fitted["n_features_in_"], fitted["n_inputs_"], fitted["n_nonlinear_"]
        if not 1 <= N <= M - P:
            raise ValueError(f"n_features_in_={N} and n_nonlinear_={P} do not fit n_hidden={M}.")
        expected = {
            "a_": (M,), "W_": (M, M), "h_": (M,), "C_": (M, K), "L_": (M - N, N),
            "mean_": (N,), "scale_": (N,), "initial_observation_": (N,),
        }
        for key, shape in expected.items():
            if key not in arrays or arrays[key].shape != shape:
                given = f"got shape {arrays[key].shape}" if key in arrays else "it is missing"
                raise ValueError(f"{key} must be of shape {shape}; {given}.")
            _check_finite_floats(key, arrays[key])
        if not np.all(arrays["scale_"] > 0):
            raise ValueError("scale_ must be positive.")
        curves = fitted.get("loss_curve_"), fitted.get("evaluation_curve_")
        if not all(isinstance(c, list) for c in curves):
            raise ValueError("loss_curve_ and evaluation_curve_ must be lists.")
        for name in FORECASTER_PARAMETER_NAMES:
            setattr(self, name + "_", arrays[name + "_"].astype(self.dtype))
        self.mean_, self.scale_ = arrays["mean_"].astype(float), arrays["scale_"].astype(float)
        self.initial_observation_ = arrays["initial_observation_"].astype(float)
        # Files written before the noise model, and from_parameters without it, have none; an unstable
        # fit's is not finite (the file's checksum vouches that it was saved so).
        covariance = arrays.get("residual_covariance_")
        self.residual_covariance_ = None if covariance is None else check_residual_covariance(covariance, N, True)
        for name in self._PORTABLE_COUNTS:
            setattr(self, name, fitted[name])
        self.alpha_ = float(fitted["alpha_"])
        # Models fitted before the score were selected by the divergence alone, which comes first.
        for name in self._PORTABLE_SCORES:
            value = fitted.get(name, getattr(self, "best_state_space_divergence_", None))
            if not _is_number(value):
                raise ValueError(f"{name}={value!r} is not a number.")
            setattr(self, name, float(value))
        self.loss_curve_ = [float(v) for v in curves[0]]
        self.evaluation_curve_ = [(int(e), float(d)) for e, d in curves[1]]
        restore_column_names(self, fitted, {"feature_names_in_": N, "_exog_names": K})

    def __setstate__(self, state):
        # Pickles written before the evaluation score were selected by the divergence alone.
        if "best_state_space_divergence_" in state:
            state.setdefault("best_evaluation_score_", state["best_state_space_divergence_"])
        if "a_" in state:  # fitted before the noise model of generate(process_noise=...)
            state.setdefault("residual_covariance_", None)
        super().__setstate__(_with_later_parameters(self, state))
