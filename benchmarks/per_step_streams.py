"""Labels at every step of one long recording: archive cases joined end to end into a stream.

For each named set (``NAME_TRAIN.ts`` / ``NAME_TEST.ts`` under DIR) and each seed, the training cases
are joined end to end in a random order into one recording, each step labelled by its case's class
("which activity is going on now"); so are the test cases. ``ALRNNClassifier(per_step=True,
random_state=seed)`` is fitted on the training recording as one sequence, and on it cut into
windows of W steps, with and without ``early_stopping=True`` (which holds out some windows; one
sequence leaves nothing to hold out), and every model labels the test recording as one sequence.
Against it: a logistic regression on each step's values alone. The data sets that ship inside
aeon's wheel (see ``ucr_table.py``)::

    python benchmarks/per_step_streams.py /tmp/aeon/aeon/datasets/data BasicMotions JapaneseVowels

Run: python benchmarks/per_step_streams.py DIR NAME [NAME ...] [--seeds 3] [--windows 100 200 300]
"""

import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from _cli import archive_sets_parser, load_archive_set

from sklearn_alrnn import ALRNNClassifier


def joined_stream(X, y, rng):
    """The cases of X (a list of (T_i, K) arrays) joined end to end in a random order, and each
    step's label: its case's class."""
    order = rng.permutation(len(X))
    cases = [np.asarray(X[i], dtype=float) for i in order]
    return np.concatenate(cases), np.concatenate([np.repeat(y[i], len(case)) for i, case in zip(order, cases)])


def cut(values, labels, width):
    """A recording and its labels cut into windows of ``width`` steps (the last part left out)."""
    n = len(values) // width
    return values[: n * width].reshape(n, width, -1), labels[: n * width].reshape(n, width)


def main():
    parser = archive_sets_parser(__doc__.splitlines()[0])
    parser.add_argument("--windows", type=int, nargs="+", default=[100, 200, 300])
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    for name in args.names:
        (X_train, y_train), (X_test, y_test) = load_archive_set(args.data_dir, name)
        for seed in range(args.seeds):
            rng = np.random.default_rng(seed)
            train, train_labels = joined_stream(X_train, y_train, rng)
            test, test_labels = joined_stream(X_test, y_test, rng)
            fits = {"one sequence": (train[None], train_labels[None], {})}
            for width in args.windows:
                windows = cut(train, train_labels, width)
                fits[f"windows of {width}"] = (*windows, {})
                fits[f"windows of {width}, early stopping"] = (*windows, {"early_stopping": True})
            scores = []
            for label, (X, y, params) in fits.items():
                start = time.perf_counter()
                model = ALRNNClassifier(per_step=True, random_state=seed, **params).fit(X, y)
                accuracy = np.mean(model.predict(test[None])[0] == test_labels)
                scores.append(f"{label} {accuracy:.3f} ({model.n_iter_} epochs, {time.perf_counter() - start:.0f} s)")
            logistic = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(train, train_labels)
            scores.append(f"logistic regression per step {logistic.score(test, test_labels):.3f}")
            print(f"{name}, seed {seed} ({len(train)} training steps): " + "; ".join(scores), flush=True)


if __name__ == "__main__":
    main()
