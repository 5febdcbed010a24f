"""Bach chorales as sets of labels at every step: which notes sound next, from the notes so far.

The polyphonic-music task of Boulanger-Lewandowski et al. (ICML 2012, "JSB Chorales"): each
chorale a piano roll on a quarter-note grid (the pitches sounding at each beat, 0 / 1 per pitch),
the target at each step the next step's notes. The chorales are the four-part Bach chorales of
music21's corpus (BSD licence; ``pip install music21``, imported here only), chordified and read
at each beat; 70% of them (a random split per seed) train ``ALRNNClassifier(per_step=True)`` on
y of shape (n_timesteps_i, n_pitches) per chorale, the rest are scored by the negative
log-likelihood per frame (summed over pitches, nats; the literature's plain RNNs report
8.5-8.8 on the original split) and the frame accuracy of Bay et al. (ISMIR 2009: TP / (TP + FP +
FN) over all frames, notes above probability 0.5), against each pitch's training frequency,
repeating the last frame, and a logistic regression per pitch on the last frame (a first-order
Markov chain)::

    python benchmarks/chorales.py --seeds 3

Run: python benchmarks/chorales.py [--seeds 3]
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from sklearn_alrnn import ALRNNClassifier


def piano_rolls():
    """The four-part chorales of music21's corpus as (n_beats, n_pitches) 0 / 1 arrays over the
    pitches any of them uses."""
    from music21 import corpus

    rolls = []
    for path in (path for path in corpus.getComposer("bach") if str(path).endswith(".mxl")):
        score = corpus.parse(path)
        n_beats = int(np.ceil(score.highestTime))
        if len(score.parts) != 4 or n_beats < 8:
            continue
        roll = np.zeros((n_beats, 128))
        for chord in score.chordify().flatten().notes:  # a chord sounds at each beat from its onset to its end
            beats = slice(int(np.ceil(chord.offset)), int(np.ceil(chord.offset + chord.quarterLength)))
            roll[beats, [pitch.midi for pitch in chord.pitches]] = 1
        rolls.append(roll)
    used = np.flatnonzero(np.any([roll.any(axis=0) for roll in rolls], axis=0))
    return [roll[:, used[0] : used[-1] + 1] for roll in rolls]


def frame_measures(true, probability):
    """Negative log-likelihood per frame (nats, summed over pitches) and Bay et al.'s frame accuracy."""
    probability = np.clip(probability, 1e-7, 1 - 1e-7)
    nll = -np.mean(np.sum(true * np.log(probability) + (1 - true) * np.log(1 - probability), axis=1))
    sounding = probability > 0.5
    hits = np.sum(true * sounding)
    return nll, hits / (hits + np.sum((1 - true) * sounding) + np.sum(true * ~sounding))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    warnings.filterwarnings("ignore", "Label not .* is present in all training examples")  # pitches a split never uses
    start = time.perf_counter()
    rolls = piano_rolls()
    print(f"{len(rolls)} chorales, {rolls[0].shape[1]} pitches, {min(map(len, rolls))}-{max(map(len, rolls))} beats "
          f"(read in {time.perf_counter() - start:.0f} s); negative log-likelihood per frame / frame accuracy")
    for seed in range(args.seeds):
        order = np.random.default_rng(seed).permutation(len(rolls))
        cut = int(0.7 * len(rolls))
        train, test = [rolls[i] for i in order[:cut]], [rolls[i] for i in order[cut:]]
        X_train, Y_train = [roll[:-1] for roll in train], [roll[1:] for roll in train]
        X_test, true = [roll[:-1] for roll in test], np.concatenate([roll[1:] for roll in test])
        last_frames = np.concatenate(X_test)
        frequencies = np.concatenate(Y_train).mean(axis=0)
        results = {
            "each pitch's frequency": frame_measures(true, np.broadcast_to(frequencies, true.shape)),
            "the last frame again": frame_measures(true, np.where(last_frames > 0, 1 - 1e-3, 1e-3)),
        }
        markov = OneVsRestClassifier(LogisticRegression(max_iter=2000))
        markov.fit(np.concatenate(X_train), np.concatenate(Y_train))
        results["logistic per pitch on the last frame"] = frame_measures(true, markov.predict_proba(last_frames))
        networks = {"AL-RNN, defaults (32 units, P = 2)": {}, "AL-RNN, P = 0 (linear)": {"n_nonlinear": 0},
                    "AL-RNN, 64 units, P = 4": {"n_hidden": 64, "n_nonlinear": 4}}
        for label, settings in networks.items():
            fit_start = time.perf_counter()
            model = ALRNNClassifier(per_step=True, random_state=seed, **settings).fit(X_train, Y_train)
            probability = np.concatenate([p[: len(x)] for p, x in zip(model.predict_proba(X_test), X_test)])
            results[f"{label}, {time.perf_counter() - fit_start:.0f} s"] = frame_measures(true, probability)
        measures = (f"{name} {nll:.2f} / {accuracy:.3f}" for name, (nll, accuracy) in results.items())
        print(f"seed {seed}: " + "; ".join(measures), flush=True)


if __name__ == "__main__":
    main()
