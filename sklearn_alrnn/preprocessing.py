"""SequenceScaler: standardise features over samples and time, keeping padding as padding."""

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._validation import cells_as_sequences, check_sequences, step_mask

__all__ = ["SequenceScaler"]


def feature_moments(values, weights=None):
    """Weighted mean and standard deviation of each column of ``values`` (n_values, n_features).

    Taken on the values divided by each column's peak, so that values near the
    floating-point limit (1e300) do not overflow; a constant column (standard
    deviation below 1e-12 of its magnitude) gets scale 1.
    """
    peak = np.max(np.abs(values), axis=0).astype(float) if len(values) else np.ones(values.shape[1])
    peak[~(peak > 0)] = 1.0
    unit = values / peak
    mean = np.average(unit, axis=0, weights=weights)
    std = np.sqrt(np.average((unit - mean) ** 2, axis=0, weights=weights))
    return peak * mean, np.where(std > 1e-12 * (1 + np.abs(mean)), peak * std, 1.0)


class SequenceScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Standardise each feature over all valid (sequence, step) pairs.

    scikit-learn's ``StandardScaler`` rejects 3-D input; this one takes 3-D
    arrays, 2-D univariate sequences, ragged lists and NaN-padded arrays, and
    returns the same layout: a list stays a list (of the same lengths), NaN
    padding stays NaN.

    Parameters
    ----------
    with_mean : bool, default=True
        Subtract each feature's mean.
    with_std : bool, default=True
        Divide by each feature's standard deviation.

    Attributes
    ----------
    mean_ : ndarray of shape (n_features,)
    scale_ : ndarray of shape (n_features,)
        Standard deviation, with 1 for constant features.
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_alrnn import SequenceScaler
    >>> X = [np.array([[1.0], [3.0]]), np.array([[5.0]])]
    >>> [x.ravel().tolist() for x in SequenceScaler().fit_transform(X)]
    [[-1.224744871391589, 0.0], [1.224744871391589]]
    """

    def __init__(self, *, with_mean=True, with_std=True):
        self.with_mean = with_mean
        self.with_std = with_std

    def fit(self, X, y=None):
        """Compute each feature's mean and standard deviation over the valid steps."""
        padded, lengths = check_sequences(X, estimator_name=type(self).__name__)
        mean, scale = feature_moments(padded[step_mask(lengths, padded.shape[1])])
        self.mean_ = mean if self.with_mean else np.zeros(padded.shape[2])
        self.scale_ = scale if self.with_std else np.ones(padded.shape[2])
        self.n_features_in_ = padded.shape[2]
        return self

    def _apply(self, X, function):
        check_is_fitted(self, "mean_")
        X = cells_as_sequences(X)
        padded, lengths = check_sequences(
            X, n_features=self.n_features_in_, estimator_name=type(self).__name__
        )
        scaled = function(padded)
        if isinstance(X, (list, tuple)):
            squeeze = all(np.ndim(seq) == 1 for seq in X)
            return [scaled[i, :n, 0] if squeeze else scaled[i, :n] for i, n in enumerate(lengths)]
        scaled[~step_mask(lengths, padded.shape[1])] = np.nan
        if np.asarray(X).ndim == 2:  # univariate sequences stay 2-D
            return scaled[:, :, 0]
        return scaled

    def transform(self, X):
        """Standardised copy of X, in X's layout."""
        return self._apply(X, lambda P: (P - self.mean_) / self.scale_)

    def inverse_transform(self, X):
        """Undo :meth:`transform`."""
        return self._apply(X, lambda P: P * self.scale_ + self.mean_)
