"""Ctrl-C while initialisations or members train in threads: each running fit stops at its next
batch and keeps what it has learnt, those not started are skipped, and the fit returns a usable
model with one warning. A real SIGINT, in a child process so that it reaches a main thread that
waits on worker threads, as a user's Ctrl-C would."""

import json
import subprocess
import sys
import threading
import time

import pytest

from sklearn_alrnn._interrupts import raise_if_interrupted, run_interruptibly

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
