"""make_multitask: the trials of each task say what the task says."""

import numpy as np
import pytest

from sklearn_alrnn._multitask import RESPONSE, STIMULUS, TASKS
from sklearn_alrnn.datasets import make_multitask

N_DIR = 8


@pytest.fixture(scope="module")
def suite():
    return make_multitask(3000, n_directions=N_DIR, noise=0.0, random_state=0)


def _stimulus_direction(X, modality, step):
    return int(np.argmax(X[step, 1 + modality * N_DIR : 1 + (modality + 1) * N_DIR]))


def test_layout_rule_fixation_and_weights(suite):
    assert suite.X.shape == (3000, 35, 1 + 2 * N_DIR + len(TASKS))
    assert set(suite.task) == set(TASKS)
    rules = suite.X[:, :, 1 + 2 * N_DIR :]
    assert np.all(rules.sum(axis=2) == 1)
    assert [suite.tasks[i] for i in rules[:, 0].argmax(axis=1)] == list(suite.task)
    assert np.all(suite.X[:, :RESPONSE, 0] == 1) and np.all(suite.X[:, RESPONSE:, 0] == 0)
    assert np.all(suite.y[:, :RESPONSE] == 0)
    assert np.all(suite.step_weight[:, :RESPONSE] == 1) and np.all(suite.step_weight[:, RESPONSE:RESPONSE + 2] == 0)
    assert np.all(suite.step_weight[:, RESPONSE + 2 :] == 5)


def test_go_anti_and_delayed_responses(suite):
    for i in np.flatnonzero(np.isin(suite.task, ["go", "anti", "delay_go", "delay_anti"])):
        X, task = suite.X[i], suite.task[i]
        modality = int(np.argmax(X[STIMULUS, 1 : 1 + 2 * N_DIR].reshape(2, N_DIR).max(axis=1)))
        d = _stimulus_direction(X, modality, STIMULUS)
        expected = d if task.endswith("go") else (d + N_DIR // 2) % N_DIR
        assert np.all(suite.y[i, RESPONSE:] == 1 + expected)
        shown_at_response = X[RESPONSE, 1 : 1 + 2 * N_DIR].max() > 0.5
        assert shown_at_response == (not task.startswith("delay"))


def test_decisions_follow_the_stronger_stimulus_of_the_attended_modality(suite):
    for i in np.flatnonzero(np.isin(suite.task, ["dm1", "dm2", "ctxdm1", "ctxdm2"])):
        attended = 0 if suite.task[i].endswith("1") else 1
        answer = suite.y[i, -1] - 1
        assert _stimulus_direction(suite.X[i], attended, STIMULUS) == answer


def test_delayed_match_to_sample(suite):
    trials = np.flatnonzero(suite.task == "dms")
    matches = 0
    for i in trials:
        X = suite.X[i]
        modality = int(np.argmax(X[STIMULUS, 1 : 1 + 2 * N_DIR].reshape(2, N_DIR).max(axis=1)))
        first, second = _stimulus_direction(X, modality, STIMULUS), _stimulus_direction(X, modality, RESPONSE - 1)
        assert suite.y[i, -1] == (1 + second if first == second else 0)
        matches += first == second
    assert 0.3 < matches / len(trials) < 0.7


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match=r"unknown \['juggle'\]"):
        make_multitask(10, tasks=("go", "juggle"))
    with pytest.raises(ValueError, match="n_directions must be an integer >= 4; got 2"):
        make_multitask(10, n_directions=2)
