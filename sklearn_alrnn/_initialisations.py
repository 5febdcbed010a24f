"""``n_init``: several initialisations of one estimator, trained in threads; the best is kept.

As KMeans and GaussianMixture do: each candidate is a clone with ``n_init=1`` and a seed drawn
from ``random_state``, so the result does not depend on ``n_jobs`` (which only says how many
fits run at once; the threads left over go to each fit's engine).
"""

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.base import clone
from sklearn.utils import check_random_state


def fit_best_initialisation(estimator, fit, score):
    """Fit ``estimator.n_init`` seeded clones with ``fit(clone)`` and keep the best into ``estimator``.

    Parameters
    ----------
    estimator : estimator with ``n_init``, ``n_jobs`` and ``random_state``
        Receives the fitted attributes of the best clone, and ``init_scores_``.
    fit : callable
        ``fit(candidate)`` fits one clone and returns it.
    score : callable
        ``score(fitted)``, higher is better.

    Returns
    -------
    estimator
    """
    seeds = check_random_state(estimator.random_state).randint(np.iinfo(np.int32).max, size=estimator.n_init)
    n_workers = min(estimator.n_init, effective_n_jobs(estimator.n_jobs))
    threads_each = max(1, effective_n_jobs(estimator.n_jobs) // n_workers)
    candidates = [
        clone(estimator).set_params(n_init=1, random_state=int(seed), n_jobs=threads_each) for seed in seeds
    ]
    fitted = Parallel(n_jobs=n_workers, prefer="threads")(delayed(fit)(candidate) for candidate in candidates)
    scores = np.array([score(model) for model in fitted])
    best = fitted[int(np.argmax(scores))]
    hyper_parameters = estimator.get_params(deep=False)
    estimator.__dict__.update({k: v for k, v in best.__dict__.items() if k not in hyper_parameters})
    estimator.init_scores_ = scores
    return estimator
