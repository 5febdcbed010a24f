"""How many nonlinear units does a task need? The research question as an API."""

from dataclasses import dataclass
from numbers import Integral

import numpy as np
from sklearn.metrics import check_scoring
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.utils.validation import check_is_fitted

from ._model import regime_bits
from ._validation import as_whole_number, check_range, sequence_slices, sequences_shape
from .regimes import _is_forecaster, _split_pipeline
from .tabular import table_of_columns

__all__ = ["nonlinearity_profile", "NonlinearityProfile", "count_visited_regimes"]


@dataclass
class NonlinearityProfile:
    """Cross-validated scores of one AL-RNN over numbers of nonlinear units.

    Per-fold arrays have shape (n_settings, n_folds); ``mean_score`` and the
    other means summarise them per P.

    Attributes
    ----------
    n_nonlinear : ndarray of shape (n_settings,)
        The values of P tried.
    fold_scores : dict of str -> ndarray of shape (n_settings, n_folds)
        Test score of each fold, per metric; the first is the main score
        (``"score"`` unless ``scoring`` named the metrics).
    fold_regimes_visited : ndarray of shape (n_settings, n_folds)
        Distinct regimes each fold's model visits on its test sequences (out of 2**P).
    fold_n_iter : ndarray of shape (n_settings, n_folds)
        Epochs each fold's model trained.
    fit_time : ndarray of shape (n_settings,)
        Mean fit time over folds, in seconds.
    tolerance : float
        Score gap to the best that still counts as "as good".
    mean_score, std_score : ndarray of shape (n_settings,)
        Mean and standard deviation over folds of the main score.
    regimes_visited : ndarray of shape (n_settings,)
        Mean over folds.
    best_n_nonlinear_ : int
        P with the best mean score.
    minimal_n_nonlinear_ : int
        Smallest P whose mean score is within ``tolerance`` of the best.
    """

    n_nonlinear: np.ndarray
    fold_scores: dict
    fold_regimes_visited: np.ndarray
    fold_n_iter: np.ndarray
    fit_time: np.ndarray
    tolerance: float

    @property
    def _main_scores(self):
        return next(iter(self.fold_scores.values()))

    @property
    def mean_score(self):
        return self._main_scores.mean(axis=1)

    @property
    def std_score(self):
        return self._main_scores.std(axis=1)

    @property
    def regimes_visited(self):
        return self.fold_regimes_visited.mean(axis=1)

    @property
    def best_n_nonlinear_(self):
        return int(self.n_nonlinear[np.argmax(self.mean_score)])

    @property
    def minimal_n_nonlinear_(self):
        good = self.mean_score >= self.mean_score.max() - self.tolerance
        return int(np.min(self.n_nonlinear[good]))

    def table(self):
        """One row per P: mean and std of each metric over folds, regimes visited of 2**P, epochs, fit time.

        The main score's columns are ``mean_score`` and ``std_score``; other
        metrics get ``mean_<name>`` and ``std_<name>``.

        Returns
        -------
        pandas.DataFrame, or a numpy structured array when pandas is not installed.
        """
        columns = {"n_nonlinear": self.n_nonlinear}
        for i, (name, scores) in enumerate(self.fold_scores.items()):
            suffix = "score" if i == 0 else name
            columns[f"mean_{suffix}"] = scores.mean(axis=1)
            columns[f"std_{suffix}"] = scores.std(axis=1)
        columns.update({
            "regimes_visited": self.regimes_visited,
            "possible_regimes": 2 ** self.n_nonlinear,
            "n_iter": self.fold_n_iter.mean(axis=1),
            "fit_time": self.fit_time,
        })
        return table_of_columns(columns)

    def fold_rows(self):
        """One dict per (P, fold): its scores, regimes visited, epochs, and the P's mean fit time."""
        rows = []
        for i, P in enumerate(self.n_nonlinear):
            for fold in range(self.fold_n_iter.shape[1]):
                row = {"n_nonlinear": int(P), "fold": fold}
                row.update({name: float(scores[i, fold]) for name, scores in self.fold_scores.items()})
                row.update({
                    "regimes_visited": int(self.fold_regimes_visited[i, fold]),
                    "possible_regimes": 2 ** int(P),
                    "n_iter": int(self.fold_n_iter[i, fold]),
                    "fit_time": float(self.fit_time[i]),
                })
                rows.append(row)
        return rows

    def plot(self, ax=None):
        """Score vs P (with one-std error bars) and regimes visited vs 2**P.

        Parameters
        ----------
        ax : matplotlib Axes or pair of Axes, default=None
            A pair: the score and the regime panels. One Axes: the score, with
            the regimes on a twin axis. None makes a figure with two panels.

        Returns
        -------
        axes : tuple of two matplotlib Axes
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, (ax, ax_regimes) = plt.subplots(1, 2, figsize=(9, 3.5))
        elif np.ndim(ax) == 1:
            ax, ax_regimes = ax
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


#: count_visited_regimes holds the hidden states of at most about this many bytes of sequences at a time.
STATES_BLOCK_BYTES = 64 * 2**20


def count_visited_regimes(estimator, X):
    """Number of distinct linear regimes a fitted AL-RNN (or a Pipeline ending in one) visits on the sequences X.

    Examples
    --------
    >>> from sklearn_alrnn import ALRNNRegressor
    >>> from sklearn_alrnn.datasets import make_addition
    >>> from sklearn_alrnn.nonlinearity import count_visited_regimes
    >>> X, y = make_addition(n_samples=60, n_timesteps=10, random_state=0)
    >>> model = ALRNNRegressor(n_hidden=8, n_nonlinear=2, max_iter=5, random_state=0).fit(X, y)
    >>> 1 <= count_visited_regimes(model, X) <= 2 ** 2
    True
    """
    preprocessing, estimator = _split_pipeline(estimator)
    check_is_fitted(estimator, "n_nonlinear_")
    if preprocessing is not None:
        X = preprocessing.transform(X)
    shape = sequences_shape(X)
    if _is_forecaster(estimator) or shape is None:  # a forecaster's few series, or X for its message
        blocks = [X]
    else:  # the sequences' states a block at a time: a whole fold's can exceed hidden_states' limit
        bytes_per_sequence = max(1, shape[1] * estimator.a_.shape[0] * estimator.a_.dtype.itemsize)
        blocks = (block for _, block in sequence_slices(X, max(1, STATES_BLOCK_BYTES // bytes_per_sequence)))
    # Unique bit patterns rather than integer codes: a fully nonlinear network of 64 units or
    # more has more bits than a code holds.
    patterns = [np.zeros((0, estimator.n_nonlinear_), dtype=bool)]
    for block in blocks:
        states = estimator.hidden_states(block)
        if isinstance(states, list):  # a forecaster's series of different lengths
            states = np.concatenate([np.reshape(part, (-1, part.shape[-1])) for part in states])
        valid = ~np.isnan(states).any(axis=-1)  # padding beyond each sequence's length
        patterns.append(np.unique(regime_bits(states, estimator.n_nonlinear_)[valid], axis=0))
    return int(np.unique(np.concatenate(patterns), axis=0).shape[0])


def _regimes_visited(estimator, X, y=None):
    return count_visited_regimes(estimator, X)


def _epochs(estimator, X, y=None):
    return _split_pipeline(estimator)[1].n_iter_


def nonlinearity_profile(
    estimator, X, y, n_nonlinear=(0, 1, 2, 4), *, cv=3, scoring=None, n_jobs=None, tolerance=0.01,
    verbose=0,
):
    """Cross-validated score of an AL-RNN for each number of nonlinear units P.

    In the spirit of :func:`sklearn.model_selection.validation_curve`, with the
    regimes each fitted model visits on its test sequences, its epochs, and the
    smallest P that is as good as the best (within ``tolerance``). Every (P,
    fold) fit runs in one joblib pool.

    Parameters
    ----------
    estimator : ALRNNClassifier, ALRNNRegressor or ALRNNForecaster, or a Pipeline ending in one
        Cloned for each P and fold; its ``n_hidden`` bounds P. A fit that fails raises its error
        (a fold's NaN score would otherwise count as the best). Give it
        ``readout="last"`` (or "mean") for a sequence-to-one task: the
        classifier's default pooled readout is itself a nonlinearity over time,
        and with it even P = 0 solves tasks that need gating. A forecaster asks
        how many nonlinear units a recorded system needs (``scoring=
        metrics.free_run_score`` scores the reconstruction's geometry).
    X : array-like of shape (n_samples, n_timesteps, n_features)
        Sequences; for a forecaster, series as its ``fit`` takes them.
    y : array-like or None
        None for a forecaster.
    n_nonlinear : sequence of int, default=(0, 1, 2, 4)
    cv : int, cross-validation generator or iterable, default=3
        An int gives scikit-learn's (stratified) k folds, and for a forecaster
        ``TimeSeriesSplit(cv)``: each fold trains on the past of a series and
        is scored on what follows.
    scoring : str, callable or dict, default=None
        The estimator's ``score`` when None; a dict of name -> scorer (None
        for the estimator's ``score``) records several metrics, the first
        being the main score.
    n_jobs : int, default=None
        Parallel fits (joblib).
    tolerance : float, default=0.01
        Mean-score gap to the best P that still counts as "as good".
    verbose : int, default=0
        Passed to the underlying :class:`~sklearn.model_selection.GridSearchCV`.

    Returns
    -------
    NonlinearityProfile

    Examples
    --------
    >>> from sklearn_alrnn import ALRNNRegressor, nonlinearity_profile
    >>> from sklearn_alrnn.datasets import make_addition
    >>> X, y = make_addition(n_samples=90, n_timesteps=10, random_state=0)
    >>> profile = nonlinearity_profile(ALRNNRegressor(n_hidden=8, max_iter=20, random_state=0), X, y,
    ...                                n_nonlinear=[0, 2], cv=2)
    >>> profile.n_nonlinear, profile.fold_scores["score"].shape  # P tried; R^2 of each fold
    (array([0, 2]), (2, 2))
    >>> profile.fold_regimes_visited[0]  # a linear network has one regime
    array([1, 1])
    >>> bool(profile.minimal_n_nonlinear_ <= profile.best_n_nonlinear_)
    True
    """
    network = _split_pipeline(estimator)[1]
    if not hasattr(network, "n_nonlinear"):
        raise ValueError(
            "nonlinearity_profile varies n_nonlinear of an ALRNNClassifier, ALRNNRegressor or ALRNNForecaster "
            f"(alone or at the end of a Pipeline); got {estimator!r}."
        )
    check_range(0.0, tolerance=tolerance)  # below 0 no P would be as good as the best
    given = np.atleast_1d(np.asarray(n_nonlinear, dtype=object))
    whole = [as_whole_number(p) for p in given.ravel()]
    if given.ndim != 1 or not whole or not all(isinstance(p, Integral) and not isinstance(p, bool) for p in whole):
        raise ValueError(f"n_nonlinear must be a non-empty list of whole numbers of ReLU units; got {n_nonlinear!r}.")
    values = np.array(sorted(set(whole)))
    # n_hidden="auto" (a forecaster's) is sized at fit time, where a P it cannot hold is refused.
    bound = np.inf if network.n_hidden == "auto" else network.n_hidden
    if values.min() < 0 or values.max() > bound:
        raise ValueError(f"n_nonlinear values must lie in [0, n_hidden={network.n_hidden}]; got {given.tolist()}.")
    if y is None and not _is_forecaster(network):
        raise ValueError(f"nonlinearity_profile scores fits of the {type(network).__name__} on (X, y); y was not given.")
    if _is_forecaster(network) and isinstance(cv, Integral):
        cv = TimeSeriesSplit(cv)  # folds of a recorded series keep its time order
    metrics = scoring if isinstance(scoring, dict) else {"score": scoring}
    scorers = {name: check_scoring(estimator, scorer) for name, scorer in metrics.items()}
    parameter = "n_nonlinear" if network is estimator else f"{estimator.steps[-1][0]}__n_nonlinear"
    search = GridSearchCV(
        estimator, {parameter: values.tolist()}, cv=cv, refit=False, n_jobs=n_jobs, verbose=verbose,
        scoring={**scorers, "_regimes_visited": _regimes_visited, "_n_iter": _epochs}, error_score="raise",
    ).fit(X, y)
    results = search.cv_results_

    def per_fold(name):
        return np.array([results[f"split{k}_test_{name}"] for k in range(search.n_splits_)]).T

    return NonlinearityProfile(
        n_nonlinear=values,
        fold_scores={name: per_fold(name) for name in scorers},
        fold_regimes_visited=per_fold("_regimes_visited").astype(int),
        fold_n_iter=per_fold("_n_iter").astype(int),
        fit_time=np.asarray(results["mean_fit_time"]), tolerance=tolerance,
    )
