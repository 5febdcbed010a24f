"""A suite of short cognitive tasks for one network, in the style of Yang et al. (Nature
Neuroscience 2019, "Task representations in neural networks trained to perform many cognitive
tasks"), with per-step targets for ``ALRNNClassifier(per_step=True)``.

Every trial has a fixation period, stimuli on a ring of ``n_directions`` directions in two
modalities, and a response period announced by the fixation input going off. Inputs per step:
fixation (1), modality 1 and modality 2 (``n_directions`` each: a bump of the stimulus' strength at
its direction, plus noise), and the rule (one-hot over the suite's tasks). Output per step: class 0
"fixate", or class 1 + d "respond in direction d". Step weights follow Yang et al.: 1 while
fixating, 5 in the response period, 0 in its first two steps (time to turn).

Tasks (``TASKS``): "go" (respond toward the stimulus, shown until the end), "anti" (away from it),
"delay_go" and "delay_anti" (the stimulus goes off before a delay), "dm1" and "dm2" (two stimuli in
modality 1, or 2: respond toward the stronger), "ctxdm1" and "ctxdm2" (stimuli in both modalities:
the stronger of modality 1, or 2, ignoring the other), "dms" (delayed match-to-sample: respond
toward the second stimulus if it matches the first, else keep fixating).
"""

import numpy as np
from sklearn.utils import Bunch, check_random_state

from ._validation import check_counts, check_range

__all__ = ["make_multitask", "TASKS"]

TASKS = ("go", "anti", "delay_go", "delay_anti", "dm1", "dm2", "ctxdm1", "ctxdm2", "dms")

# Periods, in steps: fixation [0, 5), stimulus 1 [5, 15), delay [15, 20), stimulus 2 [20, 25)
# (dms), response [25, 35).
STIMULUS, DELAY, SECOND, RESPONSE, N_TIMESTEPS = 5, 15, 20, 25, 35


def _bump(direction, strength, n_directions):
    angles = 2 * np.pi * np.arange(n_directions) / n_directions
    return strength * np.exp(2.0 * (np.cos(angles - 2 * np.pi * direction / n_directions) - 1))


def _trial(task, rng, n_directions):
    """Stimuli (T, 2, n_directions), the response direction (or None: fixate) of one trial."""
    stimuli = np.zeros((N_TIMESTEPS, 2, n_directions))
    d = rng.randint(n_directions)
    opposite = (d + n_directions // 2) % n_directions
    if task in ("go", "anti", "delay_go", "delay_anti"):
        end = DELAY if task.startswith("delay") else N_TIMESTEPS
        stimuli[STIMULUS:end, rng.randint(2)] = _bump(d, 1.0, n_directions)
        return stimuli, d if task in ("go", "delay_go") else opposite
    if task == "dms":
        match = rng.rand() < 0.5
        second = d if match else (d + rng.randint(1, n_directions)) % n_directions
        modality = rng.randint(2)
        stimuli[STIMULUS:DELAY, modality] = _bump(d, 1.0, n_directions)
        stimuli[SECOND:RESPONSE, modality] = _bump(second, 1.0, n_directions)
        return stimuli, second if match else None
    # Decision making: two stimuli a half-turn or less apart, of different strengths.
    other = (d + rng.randint(2, n_directions - 1)) % n_directions
    gap = rng.choice([0.2, 0.4, 0.6]) * rng.choice([-1, 1])
    strengths = 1.0 + gap / 2, 1.0 - gap / 2
    attended = 0 if task in ("dm1", "ctxdm1") else 1
    for modality in ((attended,) if task.startswith("dm") else (0, 1)):
        order = (0, 1) if modality == attended else tuple(rng.permutation(2))
        for direction, strength in zip((d, other), (strengths[order[0]], strengths[order[1]])):
            stimuli[STIMULUS:RESPONSE, modality] += _bump(direction, strength, n_directions)
    return stimuli, d if strengths[0] > strengths[1] else other


def make_multitask(n_samples=2000, tasks=TASKS, *, n_directions=8, noise=0.1, random_state=None):
    """Trials of several cognitive tasks for one network (see the module docstring).

    Parameters
    ----------
    n_samples : int, default=2000
        Trials, the task of each drawn uniformly from ``tasks``.
    tasks : sequence of str, default=TASKS
        Tasks of the suite; the rule input has one unit per task, in this order.
    n_directions : int, default=8
        Directions on the ring (output classes: fixate + one per direction).
    noise : float, default=0.1
        Standard deviation of the Gaussian noise added to the stimulus inputs.
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    Bunch
        ``X`` (n_samples, 35, 1 + 2 n_directions + n_tasks): fixation, modality 1, modality 2,
        rule; ``y`` (n_samples, 35) int: 0 = fixate, 1 + d = respond toward direction d;
        ``step_weight`` (n_samples, 35); ``task`` (n_samples,) the task names; ``tasks``.

    Examples
    --------
    >>> from sklearn_alrnn.datasets import make_multitask
    >>> suite = make_multitask(100, tasks=("go", "anti"), random_state=0)
    >>> suite.X.shape, suite.y.shape
    ((100, 35, 19), (100, 35))
    """
    tasks = tuple(tasks)
    unknown = sorted(set(tasks) - set(TASKS))
    if unknown or not tasks:
        raise ValueError(f"tasks must be a non-empty selection of {TASKS}; got unknown {unknown}.")
    check_counts(n_samples=n_samples)
    check_counts(minimum=4, n_directions=n_directions)
    check_range(0.0, noise=noise)
    rng = check_random_state(random_state)
    n_inputs = 1 + 2 * n_directions + len(tasks)
    X = np.zeros((n_samples, N_TIMESTEPS, n_inputs))
    y = np.zeros((n_samples, N_TIMESTEPS), dtype=np.int64)
    step_weight = np.ones((n_samples, N_TIMESTEPS))
    step_weight[:, RESPONSE:] = 5.0
    step_weight[:, RESPONSE : RESPONSE + 2] = 0.0
    names = np.array(tasks)[rng.randint(len(tasks), size=n_samples)]
    for i, task in enumerate(names):
        stimuli, response = _trial(task, rng, n_directions)
        X[i, :RESPONSE, 0] = 1.0
        X[i, :, 1:1 + 2 * n_directions] = stimuli.reshape(N_TIMESTEPS, -1) + noise * rng.normal(
            size=(N_TIMESTEPS, 2 * n_directions)
        )
        X[i, :, 1 + 2 * n_directions + tasks.index(task)] = 1.0
        if response is not None:
            y[i, RESPONSE:] = 1 + response
    return Bunch(X=X, y=y, step_weight=step_weight, task=names, tasks=list(tasks))
