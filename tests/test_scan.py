"""SCAN: the grammar's commands, their meaning, the published splits and the per-step encoding."""

import numpy as np
import pytest

from sklearn_alrnn.datasets import interpret_scan, make_scan, translate_scan
from sklearn_alrnn._scan import ACTIONS, INPUT_TOKENS, scan_commands


def test_the_grammar_has_the_published_number_of_commands():
    commands = scan_commands()
    assert len(commands) == len(set(commands)) == 20910
    assert max(len(interpret_scan(c)) for c in commands) == 48


@pytest.mark.parametrize(
    "command, actions",
    [  # examples of Lake and Baroni (2018), Figure 1 and section 2
        ("jump", "JUMP"),
        ("jump left", "LTURN JUMP"),
        ("jump around right", "RTURN JUMP RTURN JUMP RTURN JUMP RTURN JUMP"),
        ("turn left twice", "LTURN LTURN"),
        ("jump thrice", "JUMP JUMP JUMP"),
        ("jump opposite left and walk thrice", "LTURN LTURN JUMP WALK WALK WALK"),
        ("jump opposite left after walk around left", "LTURN WALK LTURN WALK LTURN WALK LTURN WALK LTURN LTURN JUMP"),
        ("turn around left", "LTURN LTURN LTURN LTURN"),
    ],
)
def test_commands_mean_what_the_paper_says(command, actions):
    assert " ".join(interpret_scan(command)) == actions


def test_the_published_splits():
    length = make_scan("length")
    assert (len(length.X_train), len(length.X_test)) == (16990, 3920)
    assert max(len(interpret_scan(c)) for c in length.commands_train) == 22
    assert min(len(interpret_scan(c)) for c in length.commands_test) == 24
    jump = make_scan("add_jump")
    assert len(jump.X_test) == 7706 and "jump" in jump.commands_train
    assert not any("jump" in c.split() for c in jump.commands_train if c != "jump")
    simple = make_scan("simple", test_size=0.2, random_state=1)
    assert (len(simple.X_train), len(simple.X_test)) == (16728, 4182)
    assert not set(simple.commands_train) & set(simple.commands_test)


def test_each_command_is_one_sequence_with_targets_after_go():
    scan = make_scan("simple")
    for X, y, w, command in zip(scan.X_train[:50], scan.y_train, scan.step_weight_train, scan.commands_train):
        n_words = len(command.split())
        assert [INPUT_TOKENS[i] for i in X[:n_words]] == command.split()
        actions = interpret_scan(command)
        assert INPUT_TOKENS[X[n_words]] == "<go>" and [INPUT_TOKENS[i] for i in X[n_words + 1:]] == actions
        assert len(X) == len(y) == len(w)
        assert np.all(w[:n_words] == 0) and np.all(w[n_words:] == 1)
        assert [ACTIONS[i] for i in y[n_words:]] == actions + ["<eos>"]


def test_bad_commands_and_splits_are_named():
    with pytest.raises(ValueError, match="'walk twice around' is not a SCAN command"):
        interpret_scan("walk twice around")
    with pytest.raises(ValueError, match="split must be"):
        make_scan("random")


class _Oracle:
    """A stand-in for a trained model: per step, the true next action of the command being read."""

    def __init__(self, scan):
        self.next_action = {}
        for X, y in zip(scan.X_train + scan.X_test, scan.y_train + scan.y_test):
            for t in range(len(X)):
                self.next_action[tuple(X[: t + 1])] = y[t]

    def predict(self, X):
        return [np.array([self.next_action[tuple(x[: t + 1])] for t in range(len(x))]) for x in X]


def test_greedy_decoding_feeds_each_action_back_until_the_end_token():
    scan = make_scan("length")
    commands = scan.commands_test[:20] + scan.commands_train[:20]
    assert translate_scan(_Oracle(scan), commands) == [interpret_scan(c) for c in commands]
    assert all(len(a) == 5 for a in translate_scan(_Oracle(scan), scan.commands_test[:3], max_actions=5))


def test_a_network_learns_the_one_phrase_commands_and_decodes_them_exactly():
    import warnings

    from sklearn_alrnn import ALRNNClassifier

    scan = make_scan("simple")
    data = zip(scan.X_train + scan.X_test, scan.y_train + scan.y_test,
               scan.step_weight_train + scan.step_weight_test, scan.commands_train + scan.commands_test)
    X, y, w, commands = zip(*[row for row in data if " and " not in row[3] and " after " not in row[3]])
    assert len(commands) == 102
    model = ALRNNClassifier(n_hidden=32, n_nonlinear=4, input_type="tokens", per_step=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(list(X), list(y), step_weight=list(w))
    decoded = translate_scan(model, list(commands))
    assert np.mean([d == interpret_scan(c) for d, c in zip(decoded, commands)]) >= 0.95
