"""What the sequence estimators' network reads: checked inputs, read per sequence where their
amplitudes differ by orders of magnitude, their first differences, and the standardisation that
training works in while the fitted input weights stay in the user's units."""

import numpy as np

from ._augmentation import (
    AUTO_WARP_MIN_AUTOCORRELATION, AUTO_WARP_STRENGTH, lag_one_autocorrelation, time_warped, warp_speeds,
)
from ._input_features import (
    feature_moments, read_per_sequence, sequence_moments, with_differences, with_elapsed_steps,
)
from ._model import check_fitted_vector
from ._panels import panel_arguments
from ._series import check_sequence_feature_names
from ._tokens import check_tokens
from ._validation import check_continued_width, check_sequences, step_mask, warn_if_unscaled
from ._warnings import warn_user
from ._weights import step_weights

#: With ``input_differences="auto"``, a first fit reads input differences when its training
#: sequences are at least this long on average (RESULTS.md: the archive sets of 250 steps and more
#: gained, the shorter ones and the sign-memory task lost or stayed level).
DIFFERENCES_MIN_MEAN_LENGTH = 200

#: With ``standardize_inputs=True``, a feature whose sequences' standard deviations spread over
#: more than this factor (95th over 5th percentile) is read per sequence: standardising it over
#: all sequences would leave the small ones nearly constant to the network (PLAID, appliance
#: currents spread 7e5-fold: accuracy 0.50 standardised, 0.83 read per sequence; RESULTS.md).
AMPLITUDE_SPREAD_LIMIT = 1e4

#: A first fit warns where the features of equal-length sequences outnumber the
#: steps and vary from one to the next at least this smoothly (lag-one autocorrelation), and more
#: smoothly than the steps do: time steps in the last axis, as aeon and sktime store them (a sampled
#: signal is above 0.5, features such as word embeddings near 0).
TRANSPOSED_MIN_AUTOCORRELATION = 0.5

#: A sequence's standard deviation of a feature read per sequence is at least this fraction of
#: the feature's standard deviation over all sequences (a constant sequence reads as zeros).
SEQUENCE_SCALE_FLOOR = 1e-8

#: Significant decimal digits of the model's float types: a feature whose mean is 10^k times its
#: standard deviation keeps about ``digits - k`` of them once ``h_`` holds the offset.
FLOAT_DIGITS = {"float32": 7, "float64": 16}


def warn_if_steps_look_transposed(X, lengths):
    """Warn where dense training sequences (n, T, K) look like (n_samples, n_channels, n_timesteps):
    equal lengths, more features than steps, and the features smoother than the steps
    (``TRANSPOSED_MIN_AUTOCORRELATION``); read as given, each time point is a feature."""
    n_steps, n_features = X.shape[1], X.shape[2]
    if n_features <= n_steps or lengths.min() != n_steps:
        return
    along_features = lag_one_autocorrelation(X.transpose(0, 2, 1), np.full(len(X), n_features))
    along_steps = lag_one_autocorrelation(X, lengths)
    if along_features >= TRANSPOSED_MIN_AUTOCORRELATION and along_features > along_steps:
        warn_user(
            f"X has {n_features} features per step and {n_steps} step{'s' * (n_steps != 1)} per sequence, and its "
            f"features vary smoothly from one to the next (lag-one autocorrelation {along_features:.2f}, its steps "
            f"{along_steps:.2f}), as time steps do. If X is (n_samples, n_channels, n_timesteps), as aeon and sktime "
            "store it, pass sklearn_alrnn.from_aeon(X) (or X.transpose(0, 2, 1)).",
            UserWarning,
        )


class ModelInputsMixin:
    """Input handling of :class:`~sklearn_alrnn._base.BaseALRNN`.

    The network reads the features as given (``C_`` and ``h_`` are in the user's units), with
    ``input_differences`` their first differences scaled to unit variance, and with
    ``elapsed_steps`` the standardised step index. With
    ``standardize_inputs``, training reads the features standardised by the first fit's mean and
    standard deviation (``_input_mean``, ``_input_scale``); ``_input_units`` converts ``C_`` and
    ``h_`` between the two, so that the fitted model needs no scaler.
    """

    def _panel_arguments(self, X, y, sample_weight, step_weight):
        """``(y, sample_weight, step_weight)`` paired with the sequences of X where it is a panel DataFrame
        (:func:`._panels.panel_arguments`)."""
        return panel_arguments(X, y, sample_weight, step_weight, self)

    def _checked_inputs(self, X, dtype, n_features, tokens, first_index=0, model_inputs=True, continuing=False):
        """``(X, lengths)``: dense sequences as a zero-padded float array (n, T, K), or token ids as
        an int64 array (n, T) with -1 beyond each length (``n_features`` is then the vocabulary size);
        with ``model_inputs``, what the network reads (:meth:`_model_inputs`). ``continuing``: data
        for a warm start or partial_fit, whose width error says so."""
        name = type(self).__name__
        if tokens:
            return check_tokens(X, n_tokens=n_features, estimator_name=name, first_index=first_index)
        check_sequence_feature_names(self, X, reset=n_features is None)
        expected = None if continuing else n_features
        X, lengths = check_sequences(X, dtype=dtype, n_features=expected, estimator_name=name, first_index=first_index)
        if continuing:
            check_continued_width(X.shape[2], self)
        return (self._model_inputs(X, lengths) if model_inputs else X), lengths

    def _reads_differences(self, lengths):
        """Whether a first fit on sequences of these lengths reads input differences (dense input)."""
        if self._tokens:
            return False
        if self.input_differences == "auto":
            return lengths.mean() >= DIFFERENCES_MIN_MEAN_LENGTH
        return bool(self.input_differences)

    def _reads_elapsed_steps(self, lengths, per_step):
        """Whether a first fit on sequences of these lengths reads the elapsed steps (dense input):
        "auto" does for sequence-to-one targets on sequences of different lengths, where a pooled
        readout would not see where, or how late, a pattern occurred."""
        if self._tokens:
            return False
        if self.elapsed_steps == "auto":
            return not per_step and lengths.min() != lengths.max()
        return bool(self.elapsed_steps)

    def _choose_time_warping(self, X, lengths, per_step, first_pass):
        """Fix ``time_warping_``, the strength of the random time warps of the training epochs: 0.0
        for token input and per-step targets (a label would have to move with its step); "auto"
        decides at the first fit from the features as given (:mod:`._augmentation`) and keeps it."""
        if self._tokens or per_step:
            self.time_warping_ = 0.0
        elif self.time_warping != "auto":
            self.time_warping_ = float(self.time_warping)
        elif first_pass:
            smooth = lag_one_autocorrelation(X, lengths) >= AUTO_WARP_MIN_AUTOCORRELATION
            self.time_warping_ = AUTO_WARP_STRENGTH if smooth else 0.0

    def _epoch_warps(self, n_sequences, rng):
        """The knot speeds of one epoch's time warps, a row per training sequence, or None
        without warps (``time_warping_``)."""
        strength = self.time_warping_  # set by every fit; files and pickles from before warps load 0.0
        return warp_speeds(n_sequences, strength, rng) if strength else None

    def _warped_batch(self, X, lengths, warps, rows):
        """A batch of training inputs (the sequences ``rows`` of the epoch) read along their warps
        (not the clock of ``elapsed_steps``), or X itself when ``warps`` is None."""
        if warps is None:
            return X
        return time_warped(X, lengths, warps[rows], X.shape[2] - (self.elapsed_steps_moments_ is not None))

    def _choose_per_sequence_features(self, X, lengths):
        """At a first fit, fix the features read per sequence (``per_sequence_features_``): all of
        them with ``standardize_inputs="per_sequence"``, those whose amplitudes spread over more
        than AMPLITUDE_SPREAD_LIMIT with True; with False, warn about those, and about features
        far from unit scale, instead."""
        wide, dense = np.zeros(0, dtype=np.int64), not self._tokens
        if dense and self.standardize_inputs == "per_sequence":
            wide = np.arange(X.shape[2])
        elif dense:
            spread = amplitude_spread(X, lengths)
            wide = np.flatnonzero(spread > AMPLITUDE_SPREAD_LIMIT)
            if not self.standardize_inputs:
                warn_if_unscaled(X, lengths)
                if wide.size:
                    warn_user(
                        f"The sequences' standard deviations of input feature {wide[0]} differ by a factor of "
                        f"{spread[wide[0]]:.3g} (95th over 5th percentile): standardised, the small ones are nearly "
                        "constant to the network. standardize_inputs=True reads such features per sequence.",
                        UserWarning,
                    )
                wide = wide[:0]
        self.per_sequence_features_ = wide
        self._sequence_scale_floor = np.zeros(0)
        if wide.size:
            values = X[step_mask(lengths, X.shape[1])][:, wide]
            self._sequence_scale_floor = SEQUENCE_SCALE_FLOOR * feature_moments(values)[1]

    def _read_features(self, X, lengths):
        """The checked dense inputs with the ``per_sequence_features_`` read per sequence
        (``_input_features.read_per_sequence``: their sequences' means and log standard deviations
        appended); X itself where there are none."""
        features = getattr(self, "per_sequence_features_", None)
        if features is None or not features.size:
            return X
        floor = np.maximum(self._sequence_scale_floor, np.finfo(X.dtype).tiny).astype(X.dtype)
        return read_per_sequence(X, lengths, features, floor)

    def _with_differences(self, X, lengths):
        scale = getattr(self, "input_difference_scale_", None)
        return X if scale is None else with_differences(X, lengths, scale)

    def _with_elapsed_steps(self, X, lengths):
        moments = getattr(self, "elapsed_steps_moments_", None)
        return X if moments is None else with_elapsed_steps(X, lengths, moments)

    def _model_inputs(self, X, lengths):
        """The checked dense inputs as the network reads them: features read per sequence where
        fitted so, then their scaled first differences appended with ``input_differences``, then
        the standardised step index with ``elapsed_steps``."""
        return self._with_elapsed_steps(self._with_differences(self._read_features(X, lengths), lengths), lengths)

    def _check_reading_state(self):
        """The scales that read the inputs, as fit left them (``_model.check_fitted_vector``)."""
        n_read = self.n_features_in_ + 2 * np.size(getattr(self, "per_sequence_features_", ()))
        check_fitted_vector(self, "input_difference_scale_", n_read, positive=True)
        check_fitted_vector(self, "elapsed_steps_moments_", 2, positive=(1,))

    def _n_model_inputs(self):
        """Columns of ``C_``: the vocabulary for token input, else what :meth:`_model_inputs` makes
        of ``n_features_in_`` features."""
        if self._tokens:
            return self.n_tokens_
        one_step = np.zeros((1, 1, self.n_features_in_), dtype=self.a_.dtype)
        return self._model_inputs(one_step, np.ones(1, dtype=np.int64)).shape[-1]

    def _fit_input_moments(self, X, lengths, sample_weight):
        """Fix the features' mean and standard deviation over the valid steps (each step weighted
        by its sequence's weight), or None when training reads the features as given."""
        self._input_mean = self._input_scale = None
        if self.standardize_inputs and not self._tokens:
            mask = step_mask(lengths, X.shape[1])
            weights = step_weights(lengths, X.shape[1], sample_weight)[mask]
            if weights.sum() > 0:
                self._input_mean, self._input_scale = feature_moments(X[mask], weights)
                self._warn_if_offset_is_imprecise()

    def _warn_if_offset_is_imprecise(self):
        # h_ carries -C_ @ mean: in float32, C_ x + h_ cancels away digits of a large offset.
        offsets = np.abs(self._input_mean) / self._input_scale
        feature = int(np.argmax(offsets))
        if FLOAT_DIGITS.get(self._fit_dtype, np.inf) < np.log10(max(offsets[feature], 1.0)) + 3:
            warn_user(
                f"Input feature {feature} has a mean {offsets[feature]:.3g} times its standard deviation: "
                f"in {self._fit_dtype} the fitted model reads it with less than 3 significant digits. "
                "Subtract the mean first, or fit with dtype='float64'.",
                UserWarning,
            )

    def _training_inputs(self, X, lengths):
        """Model inputs as training reads them: the features (the first ``len(_input_mean)``
        columns) standardised at the valid steps; a new array, X stays as it was."""
        if getattr(self, "_input_mean", None) is None:
            return X
        n_features = self._input_mean.shape[0]
        standardised = X.copy()
        features = (X[..., :n_features] - self._input_mean) / self._input_scale
        standardised[..., :n_features] = np.where(step_mask(lengths, X.shape[1])[..., None], features, 0.0)
        return standardised

    def _input_units(self, to_training):
        """Convert ``C_`` and ``h_`` in place between the user's units and standardised features:
        ``C x + h`` in the user's units equals ``C' (x - mean) / scale + h'`` in training's."""
        if getattr(self, "_input_mean", None) is None:
            return
        n_features = self._input_mean.shape[0]
        mean, scale = (v.astype(self.C_.dtype) for v in (self._input_mean, self._input_scale))
        features = self.C_[:, :n_features]
        if to_training:
            self.h_ += features @ mean
            features *= scale
        else:
            features /= scale
            self.h_ -= features @ mean


def amplitude_spread(X, lengths):
    """For each feature of padded sequences (n, T, K), the 95th over the 5th percentile of its
    sequences' standard deviations, 0 with fewer than 10 sequences that vary."""
    mask = step_mask(lengths, X.shape[1])
    if not mask.any():
        return np.zeros(X.shape[2])
    overall = feature_moments(X[mask])[1]
    amplitude = sequence_moments(X, lengths)[1]
    spread = np.zeros(X.shape[2])
    for feature, column in enumerate(amplitude.T):
        # A feature constant in some sequences (one-hot, pulses; up to rounding) is not small there.
        varying = column[column > 1e-8 * overall[feature]]
        if varying.size >= 10:
            low, high = np.percentile(varying, [5, 95])
            spread[feature] = high / low
    return spread
