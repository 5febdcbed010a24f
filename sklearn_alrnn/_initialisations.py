"""Several initialisations of one estimator, trained in threads: the best kept (``n_init``), or
all of them combined (``n_members``): joined into one network, or distilled into one of the size
asked for.

As KMeans and GaussianMixture do: each one is a clone with a seed drawn from ``random_state``, so
the result does not depend on ``n_jobs`` (which only says how many fits run at once; the threads
left over go to each fit's engine).
"""

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.base import clone
from sklearn.utils import check_random_state

from ._model import join_networks
from ._validation import sequences_shape

#: ``n_members="auto"``: at most AUTO_MEMBERS, and the networks trained (the members, and the
#: student when distilling) x n_sequences x longest <= AUTO_MEMBER_STEPS
AUTO_MEMBER_STEPS, AUTO_MEMBERS = 150_000, 5  # ACSF1's 100 x 1,460 steps: one member, ~45 s a fit


def _draw_seeds(estimator, n_seeds):
    return check_random_state(estimator.random_state).randint(np.iinfo(np.int32).max, size=n_seeds)


def _fit_seeded_clones(estimator, n_fits, fit, seeds=None, **params):
    """``fit(clone)`` for ``n_fits`` clones of ``estimator`` with ``params`` and seeds drawn from
    its ``random_state`` (or the ``seeds`` given), up to ``n_jobs`` at a time in threads; the
    fitted clones, in seed order."""
    seeds = _draw_seeds(estimator, n_fits) if seeds is None else seeds
    n_workers = min(n_fits, effective_n_jobs(estimator.n_jobs))
    threads_each = max(1, effective_n_jobs(estimator.n_jobs) // n_workers)
    clones = [clone(estimator).set_params(random_state=int(seed), n_jobs=threads_each, **params) for seed in seeds]
    return Parallel(n_jobs=n_workers, prefer="threads")(delayed(fit)(candidate) for candidate in clones)


def _take_fitted_state(estimator, fitted):
    hyper_parameters = estimator.get_params(deep=False)
    estimator.__dict__.update({k: v for k, v in fitted.__dict__.items() if k not in hyper_parameters})


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
    fitted = _fit_seeded_clones(estimator, estimator.n_init, fit, n_init=1)
    scores = np.array([score(model) for model in fitted])
    _take_fitted_state(estimator, fitted[int(np.argmax(scores))])
    estimator.init_scores_ = scores
    return estimator


def members_for(n_members, X, combine="join", n_init=1):
    """``n_members``, with "auto" resolved: as many as fit in AUTO_MEMBER_STEPS sequence steps of X
    (its number of sequences times the longest; a distilled model's student counts as one more),
    at most AUTO_MEMBERS; 1 where fewer than two fit, or where ``n_init`` asks for the best of
    several initialisations instead."""
    if n_members != "auto":
        return n_members
    if n_init > 1:
        return 1
    n_sequences, n_steps = sequences_shape(X) or (1, 1)
    n_networks = AUTO_MEMBER_STEPS // max(1, n_sequences * n_steps) - (combine == "distil")
    return int(min(n_networks, AUTO_MEMBERS)) if n_networks >= 2 else 1


def _join_members(members):
    """The first member, its network replaced by all of them joined (its other fitted state kept)."""
    joined, n_members = members[0], len(members)
    joined._set_params_arrays(join_networks([member._params for member in members], joined.n_nonlinear_))
    joined.n_nonlinear_ = n_members * joined.n_nonlinear_
    joined.n_members_ = n_members
    joined.__dict__.pop("_optimizer", None)  # its moments are those of the first member's parameters
    return joined


def fit_members(estimator, n_members, fit, fit_student):
    """Fit ``n_members`` seeded clones with ``fit(clone)`` and combine them into ``estimator`` as its
    ``combine_members`` says.

    "join": the members' networks joined into one (``_model.join_networks``), which outputs the
    mean of the members' outputs (their logits, for a classifier). "distil": one more network of the
    estimator's size, from one more seed, fitted with ``fit_student(student, teacher)`` to the
    joined network's outputs. Each member keeps the estimator's ``n_init``.

    Parameters
    ----------
    estimator : ALRNN estimator
        Receives the fitted attributes of the joined network or of the student, and
        ``n_teachers_`` and ``member_losses_``.
    n_members : int
    fit : callable
        ``fit(member)`` fits one clone and returns it.
    fit_student : callable
        ``fit_student(student, teacher)`` fits a clone to the outputs of the fitted ``teacher``
        and returns it.

    Returns
    -------
    estimator
    """
    seeds = _draw_seeds(estimator, n_members + 1)
    members = _fit_seeded_clones(estimator, n_members, fit, seeds=seeds[:n_members], n_members=1)
    losses = np.array([member.loss_curve_[-1] for member in members])
    model = _join_members(members)
    n_teachers = 0
    if estimator.combine_members == "distil":
        student = clone(estimator).set_params(random_state=int(seeds[-1]), n_members=1, n_init=1)
        model, n_teachers = fit_student(student, model), n_members
    _take_fitted_state(estimator, model)
    estimator.n_teachers_, estimator.member_losses_ = n_teachers, losses
    return estimator
