"""Ctrl-C while initialisations or members train in threads: each running fit stops at its next
batch and keeps what it has learnt, those not started are skipped, and the fit returns a usable
model with one warning. A real SIGINT, in a child process so that it reaches a main thread that
waits on worker threads, as a user's Ctrl-C would. And fits that fail (faults injected in
training, data found bad late) leave the estimator as it was."""

import json
import pickle
import subprocess
import sys
import threading
import time
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import NotFittedError

from sklearn_alrnn import ALRNNClassifier, ALRNNForecaster, ALRNNRegressor, RegimeDecomposer, _base
from sklearn_alrnn import _forecaster_training
from sklearn_alrnn._interrupts import raise_if_interrupted, run_interruptibly

from .conftest import make_sign_memory

CHILD = """
import json, os, signal, sys, threading, warnings
import numpy as np
from sklearn_alrnn import ALRNNClassifier, ALRNNForecaster

signal.signal(signal.SIGINT, signal.default_int_handler)  # a shell may start children with it ignored
kind, n_jobs = sys.argv[1], int(sys.argv[2])
rng = np.random.RandomState(0)
if kind == "forecaster":
    t = np.arange(2000) * 0.1
    X, y = np.column_stack([np.sin(t), np.cos(t)]), None
    make = lambda max_iter: ALRNNForecaster(
        n_hidden=6, n_nonlinear=2, max_iter=max_iter, batches_per_epoch=5, batch_size=8, sequence_length=50,
        evaluation_interval=5, evaluation_steps=500, n_init=2, n_jobs=n_jobs, random_state=0)
else:
    X = rng.normal(size=(64, 10, 2))
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    make = lambda max_iter: ALRNNClassifier(
        n_hidden=6, max_iter=max_iter, n_iter_no_change=max_iter, early_stopping=False, n_members=2, n_init=2,
        n_jobs=n_jobs, random_state=0)  # each member's initialisations run from the member's thread
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    make(2).fit(X, y)  # compiled before the clock starts
threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT)).start()
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    model = make(10**7).fit(X, y)
interrupted = [str(w.message) for w in caught if "interrupted by user" in str(w.message)]
if kind == "forecaster":
    run = model.generate(100)
    report = dict(scores=[float(s) for s in model.init_scores_], finite=bool(np.isfinite(run).all()))
else:
    report = dict(n_members=int(model.n_members_), accuracy=float(model.score(X, y)))
print(json.dumps(dict(report, warnings=interrupted, n_iter=int(model.n_iter_))))
"""


@pytest.mark.parametrize("kind", ["forecaster", "classifier"])
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_ctrl_c_stops_every_fit_and_keeps_a_usable_model(kind, n_jobs):
    # Without the interrupt the fit would run for 10^7 epochs; the timeout turns a hang into a failure.
    result = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(n_jobs)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert len(report["warnings"]) == 1  # once, not once per fit
    assert 0 < report["n_iter"] < 10**7
    if kind == "forecaster":
        assert report["finite"]
        if n_jobs == 1:  # the first initialisation was training, the second had not started
            assert report["scores"][1] == float("-inf") and report["scores"][0] > float("-inf")
        else:  # both were training side by side, and both stopped
            assert all(score > float("-inf") for score in report["scores"])
    else:
        assert report["n_members"] == (1 if n_jobs == 1 else 2)
        assert report["accuracy"] > 0.5


@pytest.mark.parametrize("n_threads", [1, 2])
def test_a_failing_fit_stops_the_others_and_its_error_is_raised(n_threads):
    training_started, outcomes = threading.Event(), []

    def fails():
        if n_threads == 2:
            training_started.wait(timeout=60)
        raise MemoryError("no room for the states")

    def trains():  # a training loop: polls between batches, keeps what it has when stopped
        training_started.set()
        try:
            for _ in range(10**4):  # about 10 s unless stopped
                raise_if_interrupted()
                time.sleep(0.001)
            outcomes.append("finished")
        except KeyboardInterrupt:
            outcomes.append("stopped")

    with pytest.raises(MemoryError, match="no room"):
        run_interruptibly([fails, trains], n_threads)
    # side by side the other fit stops at its next batch; one after the other it never starts
    assert outcomes == (["stopped"] if n_threads == 2 else [])


def _fails_on_call(module, name, monkeypatch, n):
    """Replace ``module.name`` by a function that raises MemoryError on its n-th call."""
    original, calls = getattr(module, name), {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == n:
            raise MemoryError("injected")
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, failing)


@pytest.mark.parametrize("call", ["fit", "warm_start", "partial_fit", "n_init"])
def test_a_fit_that_fails_in_training_leaves_the_earlier_fit(monkeypatch, call):
    X, y = make_sign_memory(64, n_timesteps=5, random_state=0)
    model = ALRNNClassifier(n_hidden=4, max_iter=3, warm_start=call == "warm_start", random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    saved, before = pickle.dumps(model), model.predict_proba(X)
    model.set_params(n_init=2 if call == "n_init" else 1)
    _fails_on_call(_base, "loss_and_gradients", monkeypatch, 3)  # a few batches in: weights had moved
    with pytest.raises(MemoryError, match="injected"):
        model.partial_fit(X, y) if call == "partial_fit" else model.fit(X, y)
    # Before, a refit left a network trained for two batches from a fresh start, which predicted.
    assert pickle.dumps(model.set_params(n_init=1)) == saved
    np.testing.assert_array_equal(model.predict_proba(X), before)


def test_a_first_fit_that_fails_leaves_the_model_unfitted(monkeypatch):
    X, y = make_sign_memory(64, n_timesteps=5, random_state=0)
    model = ALRNNRegressor(n_hidden=4, max_iter=3, random_state=0)
    _fails_on_call(_base, "loss_and_gradients", monkeypatch, 2)
    with pytest.raises(MemoryError, match="injected"):
        model.fit(X, y.astype(float))
    assert vars(model) == vars(ALRNNRegressor(n_hidden=4, max_iter=3, random_state=0))
    with pytest.raises(NotFittedError):
        model.predict(X)


def test_a_forecaster_fit_that_fails_keeps_the_fitted_model_and_its_column_names(monkeypatch):
    t = np.arange(300) * 0.1
    series = pd.DataFrame({"x": np.sin(t), "v": np.cos(t)})
    model = ALRNNForecaster(n_hidden=6, n_nonlinear=2, max_iter=3, batches_per_epoch=3, sequence_length=30,
                            evaluation_interval=1, random_state=0).fit(series)
    saved, before = pickle.dumps(model), model.predict(series)
    # Data found bad after the column names were read: before, the names of the new table stayed
    # beside the old parameters, and the fitted series' own table was refused.
    other = series.rename(columns={"x": "a", "v": "b"})
    with pytest.raises(ValueError, match="exog"):
        model.fit(other, exog=np.ones((10, 1)))
    assert pickle.dumps(model) == saved
    _fails_on_call(_forecaster_training, "forced_loss_and_gradients", monkeypatch, 2)
    with pytest.raises(MemoryError, match="injected"):
        model.set_params(warm_start=True).fit(series)
    assert pickle.dumps(model.set_params(warm_start=False)) == saved
    np.testing.assert_array_equal(model.predict(series), before)


def test_a_decomposer_fit_that_fails_keeps_the_network_its_regimes_came_from():
    X, y = make_sign_memory(40, n_timesteps=5, random_state=0)
    first, second = (ALRNNClassifier(n_hidden=4, n_nonlinear=2, max_iter=2, random_state=seed) for seed in (0, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        first.fit(X, y), second.fit(X, y)
    decomposer = RegimeDecomposer(first, prefit=True).fit(X)
    codes = decomposer.transform(X)
    with pytest.raises(ValueError, match="features"):
        decomposer.set_params(estimator=second).fit(np.concatenate([X, X], axis=2))
    # Before, the second network stayed as estimator_ beside the regimes of the first.
    assert decomposer.estimator_ is first
    np.testing.assert_array_equal(decomposer.transform(X), codes)


@given(
    kind=st.sampled_from(["classifier", "regressor", "tokens", "forecaster"]),
    call=st.sampled_from(["fit", "warm_start", "partial_fit"]),
    n_init=st.sampled_from([1, 2]), n_members=st.sampled_from([1, 2]), failing_call=st.integers(1, 12),
)
@settings(max_examples=30, deadline=None)
def test_a_fault_anywhere_in_any_fit_leaves_the_model_as_it_was(kind, call, n_init, n_members, failing_call):
    rng = np.random.RandomState(failing_call)
    if kind == "forecaster":
        X = np.column_stack([np.sin(0.2 * np.arange(120)), np.cos(0.2 * np.arange(120))])
        model = ALRNNForecaster(n_hidden=5, n_nonlinear=1, max_iter=3, batches_per_epoch=3, sequence_length=20,
                                evaluation_interval=1, n_init=n_init, random_state=0)
        fit_args, module, name, call = (X,), _forecaster_training, "forced_loss_and_gradients", call.replace("partial_", "")
    else:
        X = [rng.randint(0, 9, size=rng.randint(2, 7)) for _ in range(30)] if kind == "tokens" else rng.normal(size=(30, 5, 2))
        y = rng.randint(0, 3, 30) if kind != "regressor" else rng.normal(size=30)
        estimator = ALRNNRegressor if kind == "regressor" else ALRNNClassifier
        model = estimator(n_hidden=5, n_nonlinear=1, max_iter=3, n_init=n_init, n_members=n_members, random_state=0,
                          input_type="tokens" if kind == "tokens" else "dense")
        fit_args, module, name = (X, y), _base, "loss_and_gradients"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(*fit_args)
        saved, before = pickle.dumps(model), model.predict(X)
        with pytest.MonkeyPatch.context() as monkeypatch:
            _fails_on_call(module, name, monkeypatch, failing_call)
            try:
                model.partial_fit(*fit_args) if call == "partial_fit" else model.set_params(
                    warm_start=call == "warm_start").fit(*fit_args)
            except MemoryError:
                assert pickle.dumps(model.set_params(warm_start=False)) == saved
                np.testing.assert_array_equal(model.predict(X), before)
