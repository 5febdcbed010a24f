"""Sets of labels per sequence, from archive sets: which activities (classes) a recording holds.

For each named set (``NAME_TRAIN.ts`` / ``NAME_TEST.ts`` under DIR) and each seed, recordings of
the set are joined end to end in random pairs (from the training part for training, from the test
part for testing), each pair labelled by the set of its classes (one label where both are of one
class): "which activities does this recording hold". Then the subset accuracy (every label of the
set right) and micro-F1 of ``ALRNNClassifier(random_state=seed)`` fitted on the 0 / 1 columns
(one sigmoid per label on one network), against a network per label
(``OneVsRestClassifier(ALRNNClassifier(...))``) and what a scikit-learn user would try on the
flattened values: the nearest neighbour and a logistic regression per label. The data sets that
ship inside aeon's wheel (see ``ucr_table.py``)::

    python benchmarks/label_sets.py /tmp/aeon/aeon/datasets/data BasicMotions JapaneseVowels

Run: python benchmarks/label_sets.py DIR NAME [NAME ...] [--seeds 3] [--pairs 400 200]
"""

import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.multiclass import OneVsRestClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import MultiLabelBinarizer

from _cli import archive_sets_parser, load_archive_set

from sklearn_alrnn import ALRNNClassifier


def joined_pairs(X, y, n_pairs, rng):
    """``n_pairs`` recordings of X (a list of (T_i, K) arrays) joined end to end in random pairs,
    and each pair's set of classes."""
    pairs = rng.integers(0, len(X), size=(n_pairs, 2))
    return [np.concatenate([X[i], X[j]]) for i, j in pairs], [{y[i], y[j]} for i, j in pairs]


def flattened(sequences, n_steps):
    """Each recording's values as one row, cut or NaN-padded to ``n_steps`` steps and NaN as 0."""
    rows = np.zeros((len(sequences), n_steps * sequences[0].shape[1]))
    for row, sequence in zip(rows, sequences):
        values = np.nan_to_num(sequence[:n_steps]).ravel()
        row[: values.size] = values
    return rows


def main():
    parser = archive_sets_parser(__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, nargs=2, default=(400, 200), metavar=("TRAIN", "TEST"))
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    for name in args.names:
        (X_train, y_train), (X_test, y_test) = ((list(X), y) for X, y in load_archive_set(args.data_dir, name))
        print(f"{name}: {len(X_train)} / {len(X_test)} recordings, {len(set(y_train))} classes; "
              f"{args.pairs[0]} / {args.pairs[1]} joined pairs", flush=True)
        for seed in range(args.seeds):
            rng = np.random.default_rng(seed)
            A, tags_A = joined_pairs(X_train, y_train, args.pairs[0], rng)
            B, tags_B = joined_pairs(X_test, y_test, args.pairs[1], rng)
            binarizer = MultiLabelBinarizer()
            Y_A, Y_B = binarizer.fit_transform(tags_A), binarizer.transform(tags_B)
            n_steps = max(len(sequence) for sequence in A)
            models = {
                "one network": (ALRNNClassifier(random_state=seed), False),
                "a network per label": (OneVsRestClassifier(ALRNNClassifier(random_state=seed)), False),
                "1-NN, flattened": (KNeighborsClassifier(1), True),
                "logistic per label, flattened": (OneVsRestClassifier(LogisticRegression(max_iter=3000)), True),
            }
            results = []
            for label, (model, flat) in models.items():
                start = time.perf_counter()
                inputs = (flattened(A, n_steps), flattened(B, n_steps)) if flat else (A, B)
                predicted = model.fit(inputs[0], Y_A).predict(inputs[1])
                results.append(f"{label} {accuracy_score(Y_B, predicted):.3f} / "
                               f"{f1_score(Y_B, predicted, average='micro'):.3f} ({time.perf_counter() - start:.0f} s)")
            print(f"  seed {seed} (subset accuracy / micro-F1): " + "; ".join(results), flush=True)


if __name__ == "__main__":
    main()
