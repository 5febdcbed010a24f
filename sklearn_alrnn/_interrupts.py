"""Fits that are stopped or fail: Ctrl-C while fits train in worker threads (``n_init``,
``n_members``), and ``all_or_nothing`` fits.

Python raises ``KeyboardInterrupt`` in the main thread only. So the main thread waits for the
workers (``run_interruptibly``), and on Ctrl-C it flags the fits it runs; each training loop calls
``raise_if_interrupted`` once per batch, which raises ``KeyboardInterrupt`` in the worker's own
thread, where the loop's handler keeps what the fit has learnt (its best checkpoint, its last
finite weights) as it does in the main thread. Fits not yet started are skipped.

Any other exception out of a fit (data found bad late, a MemoryError, Ctrl-C outside a training
loop) puts the estimator back as it was (``all_or_nothing``).
"""

import copy
import functools
import threading
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

from ._warnings import user_frame, warnings_name

_worker = threading.local()


def raise_if_interrupted():
    """Raise ``KeyboardInterrupt`` in a worker thread whose fits Ctrl-C has stopped."""
    if any(stop.is_set() for stop in getattr(_worker, "stops", ())):
        raise KeyboardInterrupt


def in_worker_thread():
    """Whether this thread runs one of ``run_interruptibly``'s calls."""
    return bool(getattr(_worker, "stops", ()))


def run_interruptibly(calls, n_threads):
    """Each of ``calls`` called in ``n_threads`` threads, their results in order.

    On Ctrl-C the calls running stop at their next batch and return; those not started are
    skipped and give None. A second Ctrl-C while they stop is not caught. When a call raises, the
    others stop or are skipped in the same way, and its exception is raised. The calls' warnings name
    the user's line that led here (``_warnings``), not the thread pool.
    """
    stop = threading.Event()
    # Fits run from a worker thread (members, each with its initialisations) also obey its flags.
    stops = getattr(_worker, "stops", ()) + (stop,)
    origin = user_frame()

    def run(call):
        _worker.stops = stops
        try:
            with warnings_name(origin):
                return call()
        finally:
            _worker.stops = ()

    with ThreadPoolExecutor(max_workers=n_threads, thread_name_prefix="alrnn-fit") as pool:
        futures = [pool.submit(run, call) for call in calls]
        try:
            wait(futures, return_when=FIRST_EXCEPTION)
        except KeyboardInterrupt:
            pass
        if not all(future.done() for future in futures):
            stop.set()
            for future in futures:
                future.cancel()
            wait(futures)
    return [None if future.cancelled() else future.result() for future in futures]


def all_or_nothing(fit=None, *, deep=True):
    """Decorate a fit method so that, where it raises, the estimator's fitted state is put back.

    Without it, a failing refit, warm start or ``partial_fit`` of a fitted model left a mixture: a
    network half-trained from a fresh start that predicts without a word, or column names of the
    new data beside parameters fitted on the old; the earlier fit was lost. Everything but the
    hyper-parameters is restored (attributes the failed call added are removed, so a first fit
    that fails leaves the estimator unfitted). ``deep`` copies that state first, for fits that
    change arrays in place (training does); a shallow copy serves fits that only rebind them.
    """
    if fit is None:
        return functools.partial(all_or_nothing, deep=deep)

    @functools.wraps(fit)
    def fit_or_restore(estimator, *args, **kwargs):
        hyper_parameters = set(estimator._get_param_names())
        state = {name: value for name, value in vars(estimator).items() if name not in hyper_parameters}
        saved = copy.deepcopy(state) if deep else state
        try:
            return fit(estimator, *args, **kwargs)
        except BaseException:
            for name in set(vars(estimator)) - hyper_parameters:
                delattr(estimator, name)
            vars(estimator).update(saved)
            raise

    return fit_or_restore
