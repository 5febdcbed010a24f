"""Several initialisations of one estimator, trained in threads: the best kept (``n_init``), or
all of them joined into one network (``n_members``).

As KMeans and GaussianMixture do: each one is a clone with a seed drawn from ``random_state``, so
the result does not depend on ``n_jobs`` (which only says how many fits run at once; the threads
left over go to each fit's engine, which a forecaster's training does not use).
"""

import warnings
from contextlib import contextmanager
from functools import partial

import numpy as np
from joblib import effective_n_jobs
from sklearn.base import clone
from sklearn.utils import check_random_state

from ._interrupts import in_worker_thread, run_interruptibly
from ._model import join_networks
from ._validation import sequences_shape
from ._warnings import user_frame, warn_user

#: ``n_members="auto"``: at most AUTO_MEMBERS, n_members x n_sequences x longest <= AUTO_MEMBER_STEPS
AUTO_MEMBER_STEPS, AUTO_MEMBERS = 150_000, 5  # ACSF1's 100 x 1,460 steps: one member, ~45 s a fit


def _fit_seeded_clones(estimator, n_fits, fit, **params):
    """``fit(clone)`` for ``n_fits`` clones of ``estimator`` with ``params`` and seeds drawn from
    its ``random_state``, up to ``n_jobs`` at a time in threads; the fitted clones, in seed order,
    None for those that Ctrl-C kept from starting (``_interrupts``)."""
    seeds = check_random_state(estimator.random_state).randint(np.iinfo(np.int32).max, size=n_fits)
    n_workers = min(n_fits, effective_n_jobs(estimator.n_jobs))
    threads_each = max(1, effective_n_jobs(estimator.n_jobs) // n_workers)
    clones = [clone(estimator).set_params(random_state=int(seed), n_jobs=threads_each, **params) for seed in seeds]
    with _gathered_warnings():
        fitted = run_interruptibly([partial(fit, candidate) for candidate in clones], n_workers)
    if all(model is None for model in fitted):
        raise KeyboardInterrupt
    return fitted


@contextmanager
def _gathered_warnings():
    """Each distinct warning of several fits once, as one fit would give it, not once per fit.

    Only the outermost call gathers: the warnings module's state is global, and nested calls in
    worker threads (members' initialisations) that swapped it too would lose warnings.
    """
    if in_worker_thread():
        yield
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    origin, seen = user_frame(), set()
    for record in caught:
        key = (record.category, str(record.message))
        if key in seen:
            continue
        seen.add(key)
        if origin is not None and (record.filename, record.lineno) == (origin.f_code.co_filename, origin.f_lineno):
            warn_user(record.message, record.category)  # the package's own: under the user's module and registry
        else:
            warnings.warn_explicit(record.message, record.category, record.filename, record.lineno)


def _take_fitted_state(estimator, fitted):
    hyper_parameters = estimator.get_params(deep=False)
    estimator.__dict__.update({k: v for k, v in fitted.__dict__.items() if k not in hyper_parameters})


def fit_best_initialisation(estimator, fit, score):
    """Fit ``estimator.n_init`` seeded clones with ``fit(clone)`` and keep the best into ``estimator``.

    Parameters
    ----------
    estimator : estimator with ``n_init``, ``n_jobs`` and ``random_state``
        Receives the fitted attributes of the best clone, and ``init_scores_`` (-inf for a clone
        that Ctrl-C kept from starting).
    fit : callable
        ``fit(candidate)`` fits one clone and returns it.
    score : callable
        ``score(fitted)``, higher is better.

    Returns
    -------
    estimator
    """
    fitted = _fit_seeded_clones(estimator, estimator.n_init, fit, n_init=1)
    scores = np.array([-np.inf if model is None else score(model) for model in fitted])
    _take_fitted_state(estimator, fitted[int(np.argmax(scores))])
    estimator.init_scores_ = scores
    return estimator


def members_for(n_members, X):
    """``n_members``, with "auto" resolved: as many as fit in AUTO_MEMBER_STEPS sequence steps of X
    (its number of sequences times the longest), at least 1 and at most AUTO_MEMBERS."""
    if n_members != "auto":
        return n_members
    n_sequences, n_steps = sequences_shape(X) or (1, 1)
    return int(np.clip(AUTO_MEMBER_STEPS // max(1, n_sequences * n_steps), 1, AUTO_MEMBERS))


def fit_joined_members(estimator, n_members, fit):
    """Fit ``n_members`` seeded clones with ``fit(clone)`` and join their networks into ``estimator``.

    The joined network (``_model.join_networks``) outputs the mean of the members' outputs (their
    logits, for a classifier); each member keeps the estimator's ``n_init``. Members that Ctrl-C
    kept from starting are left out.

    Parameters
    ----------
    estimator : ALRNN estimator
        Receives the first member's fitted attributes with the joined parameters,
        ``n_nonlinear_`` of the joined network, ``n_members_`` and ``member_losses_``.
    n_members : int
    fit : callable
        ``fit(member)`` fits one clone and returns it.

    Returns
    -------
    estimator
    """
    members = [member for member in _fit_seeded_clones(estimator, n_members, fit, n_members=1) if member is not None]
    n_members = len(members)
    _take_fitted_state(estimator, members[0])
    joined = join_networks([member._params for member in members], members[0].n_nonlinear_)
    estimator._set_params_arrays(joined)
    estimator.n_nonlinear_ = n_members * members[0].n_nonlinear_
    estimator.n_members_ = n_members
    estimator.member_losses_ = np.array([member.loss_curve_[-1] if member.loss_curve_ else np.nan for member in members])
    estimator.__dict__.pop("_optimizer", None)  # its moments are those of the first member's parameters
    return estimator
