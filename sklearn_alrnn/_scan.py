"""SCAN (Lake and Baroni, ICML 2018): commands such as "jump around left twice after walk" to action
sequences, from the published grammar, encoded for one recurrent network with per-step targets.

Grammar (the paper's Figure 6)::

    C -> S and S | S after S | S
    S -> V twice | V thrice | V
    V -> D[1] opposite D[2] | D[1] around D[2] | D | U
    D -> U left | U right | turn left | turn right
    U -> walk | look | run | jump

Meaning: ``walk`` -> WALK (and LOOK, RUN, JUMP); ``turn left`` -> LTURN; ``U left`` -> LTURN U;
``x opposite left`` -> LTURN LTURN then ``x``'s action (for ``turn``: LTURN LTURN); ``x around
left`` -> (LTURN then ``x``'s action) four times (for ``turn``: LTURN x4); ``twice`` / ``thrice``
repeat; ``x and y`` -> x then y; ``x after y`` -> y then x. The grammar yields 20,910 commands.

Splits: "simple", a random 80 / 20 split; "length", training on the commands whose action
sequences have at most 22 actions and testing on the longer ones (24 to 48); "add_jump", training
on every command without "jump" plus the command "jump" alone, testing on the other commands with
"jump".
"""

import itertools

import numpy as np
from sklearn.utils import Bunch, check_random_state

from ._tokens import TokenSequences

__all__ = ["make_scan", "scan_commands", "interpret_scan", "translate_scan"]

PRIMITIVES = {"walk": "WALK", "look": "LOOK", "run": "RUN", "jump": "JUMP"}
TURNS = {"left": "LTURN", "right": "RTURN"}
COMMAND_WORDS = ("walk", "look", "run", "jump", "turn", "left", "right", "opposite", "around", "twice", "thrice",
                 "and", "after")
#: Output classes per step: the six actions and "<eos>" (the sequence is complete).
ACTIONS = ("WALK", "LOOK", "RUN", "JUMP", "LTURN", "RTURN", "<eos>")
#: Input tokens: the command words, "<go>" (start acting), then the actions, each fed back as the
#: input of the step after it was emitted.
INPUT_TOKENS = COMMAND_WORDS + ("<go>",) + ACTIONS[:-1]


def _verb_phrases():
    units = list(PRIMITIVES)
    directions = [f"{u} {d}" for u in units + ["turn"] for d in TURNS]
    modified = [f"{u} {m} {d}" for u in units + ["turn"] for m in ("opposite", "around") for d in TURNS]
    return units + directions + modified


def scan_commands():
    """Every command of the grammar (20,910), in a fixed order."""
    phrases = [f"{v}{r}" for v in _verb_phrases() for r in ("", " twice", " thrice")]
    pairs = [f"{a} {c} {b}" for c in ("and", "after") for a, b in itertools.product(phrases, phrases)]
    return phrases + pairs


def _verb_actions(words):
    if len(words) == 1:
        return [PRIMITIVES[words[0]]]
    unit, *modifier, direction = words
    turn = TURNS[direction]
    action = [] if unit == "turn" else [PRIMITIVES[unit]]
    if not modifier:
        return [turn] + action
    if modifier[0] == "opposite":
        return [turn, turn] + action
    return ([turn] + action) * 4  # around


def interpret_scan(command):
    """The action sequence (a list of str) of a SCAN command.

    Examples
    --------
    >>> from sklearn_alrnn.datasets import interpret_scan
    >>> interpret_scan("jump twice after walk left")
    ['LTURN', 'WALK', 'JUMP', 'JUMP']
    """
    words = command.split()
    for conjunction in ("and", "after"):
        if conjunction in words:
            i = words.index(conjunction)
            first, second = interpret_scan(" ".join(words[:i])), interpret_scan(" ".join(words[i + 1:]))
            return first + second if conjunction == "and" else second + first
    repeat = {"twice": 2, "thrice": 3}.get(words[-1], 1)
    if repeat > 1:
        words = words[:-1]
    if not words or words[0] not in (*PRIMITIVES, "turn"):
        raise ValueError(f"{command!r} is not a SCAN command.")
    try:
        return _verb_actions(words) * repeat
    except (KeyError, ValueError):
        raise ValueError(f"{command!r} is not a SCAN command.") from None


_TOKEN_ID = {token: i for i, token in enumerate(INPUT_TOKENS)}
_ACTION_ID = {action: i for i, action in enumerate(ACTIONS)}


def _encode(commands):
    """Commands -> (ids, labels, step_weight): the command's words, "<go>", then each action as the
    input after it; the label of a step is the next action ("<eos>" after the last), and only the
    steps from "<go>" on carry a target (weight 1)."""
    X, y, weights = [], [], []
    for command in commands:
        words = command.split()
        actions = interpret_scan(command)
        X.append(np.array([_TOKEN_ID[w] for w in words] + [_TOKEN_ID["<go>"]] + [_TOKEN_ID[a] for a in actions]))
        labels = [_ACTION_ID["<eos>"]] * len(words) + [_ACTION_ID[a] for a in actions + ["<eos>"]]
        y.append(np.array(labels))
        weights.append(np.r_[np.zeros(len(words)), np.ones(len(actions) + 1)])
    return TokenSequences(X, n_tokens=len(INPUT_TOKENS)), y, weights


def translate_scan(model, commands, max_actions=60):
    """Greedy decoding: each command's actions, emitted one at a time by a per-step token model
    trained on ``make_scan`` data, each fed back as the next input, until "<eos>".

    Parameters
    ----------
    model : fitted ALRNNClassifier(input_type="tokens", per_step=True)
    commands : list of str
    max_actions : int, default=60
        Stop a command that has not emitted "<eos>" after this many actions.

    Returns
    -------
    list of list of str
    """
    inputs = [[_TOKEN_ID[w] for w in command.split()] + [_TOKEN_ID["<go>"]] for command in commands]
    actions = [[] for _ in commands]
    active = list(range(len(commands)))
    for _ in range(max_actions + 1):
        if not active:
            break
        predicted = model.predict([np.array(inputs[i]) for i in active])
        still = []
        for i, labels in zip(active, predicted):
            action = ACTIONS[labels[-1]]
            if action != "<eos>" and len(actions[i]) < max_actions:
                actions[i].append(action)
                inputs[i].append(_TOKEN_ID[action])
                still.append(i)
        active = still
    return actions


def make_scan(split="simple", *, test_size=0.2, random_state=0):
    """SCAN commands and their action sequences, split as in Lake and Baroni (2018).

    Each command becomes one token sequence for ``ALRNNClassifier(per_step=True)`` (which reads
    them as token ids, as with ``input_type="tokens"``): the command's words, the token "<go>",
    then its actions, each the input of the step after it is due; the label of every step from
    "<go>" on is the next action, "<eos>" at the end (teacher forcing). Steps while the command
    is read carry no target (step weight 0). :func:`translate_scan` decodes new commands
    greedily, feeding each emitted action back.

    Parameters
    ----------
    split : {"simple", "length", "add_jump"}, default="simple"
        See the module docstring.
    test_size : float, default=0.2
        Share of commands in the test set of the "simple" split.
    random_state : int, RandomState instance or None, default=0
        Shuffles the commands (and draws the "simple" split).

    Returns
    -------
    Bunch
        ``X_train``, ``y_train``, ``step_weight_train`` and the same for ``test``: 1-D arrays
        of input ids (in the token sequences that :class:`SequenceTokenizer` returns too, of the
        whole input vocabulary), lists of 1-D arrays of action ids and weights;
        ``commands_train`` / ``commands_test`` (str), ``input_tokens`` and ``actions`` (the
        names of the ids).

    Examples
    --------
    >>> from sklearn_alrnn.datasets import make_scan
    >>> scan = make_scan("length")
    >>> len(scan.X_train) + len(scan.X_test)
    20910
    """
    commands = scan_commands()
    rng = check_random_state(random_state)
    commands = [commands[i] for i in rng.permutation(len(commands))]
    if split == "simple":
        n_test = int(round(test_size * len(commands)))
        train, test = commands[n_test:], commands[:n_test]
    elif split == "length":
        lengths = {c: len(interpret_scan(c)) for c in commands}
        train = [c for c in commands if lengths[c] <= 22]
        test = [c for c in commands if lengths[c] > 22]
    elif split == "add_jump":
        train = [c for c in commands if "jump" not in c.split()] + ["jump"]
        test = [c for c in commands if "jump" in c.split() and c != "jump"]
    else:
        raise ValueError(f"split must be 'simple', 'length' or 'add_jump'; got {split!r}.")
    X_train, y_train, w_train = _encode(train)
    X_test, y_test, w_test = _encode(test)
    return Bunch(
        X_train=X_train, y_train=y_train, step_weight_train=w_train, commands_train=train,
        X_test=X_test, y_test=y_test, step_weight_test=w_test, commands_test=test,
        input_tokens=list(INPUT_TOKENS), actions=list(ACTIONS),
    )
