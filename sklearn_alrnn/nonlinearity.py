"""How many nonlinear units does a task need? The research question as an API."""

from dataclasses import dataclass

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import cross_validate

from ._model import regime_codes

__all__ = ["nonlinearity_profile", "NonlinearityProfile", "count_visited_regimes"]


@dataclass
class NonlinearityProfile:
    """Cross-validated scores of one AL-RNN over numbers of nonlinear units.

    Attributes
    ----------
    n_nonlinear : ndarray of shape (n_settings,)
        The values of P tried.
    mean_score, std_score : ndarray of shape (n_settings,)
        Mean and standard deviation of the test score over folds.
    regimes_visited : ndarray of shape (n_settings,)
        Mean number of distinct regimes the fold models visit on X (out of 2**P).
    fit_time : ndarray of shape (n_settings,)
        Mean fit time per fold, in seconds.
    tolerance : float
        Score gap to the best that still counts as "as good".
    best_n_nonlinear_ : int
        P with the best mean score.
    minimal_n_nonlinear_ : int
        Smallest P whose mean score is within ``tolerance`` of the best.
    """

    n_nonlinear: np.ndarray
    mean_score: np.ndarray
    std_score: np.ndarray
    regimes_visited: np.ndarray
    fit_time: np.ndarray
    tolerance: float

    @property
    def best_n_nonlinear_(self):
        return int(self.n_nonlinear[np.argmax(self.mean_score)])

    @property
    def minimal_n_nonlinear_(self):
        good = self.mean_score >= self.mean_score.max() - self.tolerance
        return int(np.min(self.n_nonlinear[good]))

    def table(self):
        """One row per P: score mean and std, regimes visited of 2**P, fit time.

        Returns
        -------
        pandas.DataFrame, or a numpy structured array when pandas is not installed.
        """
        columns = {
            "n_nonlinear": self.n_nonlinear,
            "mean_score": self.mean_score,
            "std_score": self.std_score,
            "regimes_visited": self.regimes_visited,
            "possible_regimes": 2 ** self.n_nonlinear,
            "fit_time": self.fit_time,
        }
        try:
            import pandas as pd
        except ImportError:
            dtype = [(name, "f8" if name not in ("n_nonlinear", "possible_regimes") else "i8") for name in columns]
            return np.array(list(zip(*columns.values())), dtype=dtype)
        return pd.DataFrame(columns)

    def plot(self, ax=None):
        """Score vs P (with one-std error bars) and regimes visited vs 2**P.

        Returns
        -------
        axes : tuple of two matplotlib Axes
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, (ax, ax_regimes) = plt.subplots(1, 2, figsize=(9, 3.5))
        else:
            ax_regimes = ax.twinx()
        ax.errorbar(self.n_nonlinear, self.mean_score, yerr=self.std_score, marker="o", capsize=3)
        ax.axvline(self.minimal_n_nonlinear_, color="0.6", ls=":", label="minimal P")
        ax.set_xlabel("nonlinear units P")
        ax.set_ylabel("cross-validated score")
        ax.legend(loc="best")
        ax_regimes.semilogy(self.n_nonlinear, self.regimes_visited, marker="s", color="C1", label="visited")
        ax_regimes.semilogy(self.n_nonlinear, 2.0 ** self.n_nonlinear, color="0.5", ls="--", label="2^P")
        ax_regimes.set_xlabel("nonlinear units P")
        ax_regimes.set_ylabel("linear regimes")
        ax_regimes.legend(loc="best")
        return ax, ax_regimes


def count_visited_regimes(estimator, X):
    """Number of distinct linear regimes a fitted AL-RNN visits on the sequences X."""
    codes = regime_codes(estimator.hidden_states(X), estimator.n_nonlinear)
    return int(np.unique(codes[codes >= 0]).size)


def nonlinearity_profile(
    estimator, X, y, n_nonlinear=(0, 1, 2, 4), *, cv=3, scoring=None, n_jobs=None, tolerance=0.01,
):
    """Cross-validated score of an AL-RNN for each number of nonlinear units P.

    In the spirit of :func:`sklearn.model_selection.validation_curve`, with the
    regime count of each fitted model and the smallest P that is as good as the
    best (within ``tolerance``).

    Parameters
    ----------
    estimator : ALRNNClassifier or ALRNNRegressor
        Cloned for each P and fold; its ``n_hidden`` bounds P.
    X : array-like of shape (n_samples, n_timesteps, n_features)
    y : array-like
    n_nonlinear : sequence of int, default=(0, 1, 2, 4)
    cv : int, cross-validation generator or iterable, default=3
    scoring : str or callable, default=None
        The estimator's ``score`` when None.
    n_jobs : int, default=None
        Parallel folds (joblib).
    tolerance : float, default=0.01
        Mean-score gap to the best P that still counts as "as good".

    Returns
    -------
    NonlinearityProfile
    """
    values = np.array(sorted(set(int(p) for p in n_nonlinear)))
    if values.size == 0 or values.min() < 0 or values.max() > estimator.n_hidden:
        raise ValueError(
            f"n_nonlinear values must lie in [0, n_hidden={estimator.n_hidden}]; got {list(n_nonlinear)}."
        )
    means, stds, regimes, times = [], [], [], []
    for P in values:
        result = cross_validate(
            clone(estimator).set_params(n_nonlinear=int(P)),
            X, y, cv=cv, scoring=scoring, n_jobs=n_jobs, return_estimator=True,
        )
        means.append(result["test_score"].mean())
        stds.append(result["test_score"].std())
        regimes.append(np.mean([count_visited_regimes(est, X) for est in result["estimator"]]))
        times.append(result["fit_time"].mean())
    return NonlinearityProfile(
        n_nonlinear=values, mean_score=np.array(means), std_score=np.array(stds),
        regimes_visited=np.array(regimes), fit_time=np.array(times), tolerance=tolerance,
    )
