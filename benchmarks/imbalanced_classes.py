"""Classes of very different sizes: the classifier's defaults with and without weights balancing them.

For each named set (``NAME_TRAIN.ts`` / ``NAME_TEST.ts`` under DIR) and each seed, the training
cases of one class (the seed-th, cycling) are cut to a tenth (at least two), the rest kept; then
``ALRNNClassifier(random_state=seed)`` is fitted as given and with
``sample_weight=compute_sample_weight("balanced", y)`` (scikit-learn's ``class_weight="balanced"``,
what README.md advises), and scored by balanced accuracy and accuracy on the whole test set, beside
the nearest neighbour on the flattened values (sets of one length only). The data sets that ship
inside aeon's wheel (see ``ucr_table.py``)::

    python benchmarks/imbalanced_classes.py /tmp/aeon/aeon/datasets/data ItalyPowerDemand GunPoint \
        JapaneseVowels BasicMotions

Run: python benchmarks/imbalanced_classes.py DIR NAME [NAME ...] [--seeds 3]
"""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, balanced_accuracy_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.utils.class_weight import compute_sample_weight

from _cli import archive_sets_parser, load_archive_set

from sklearn_alrnn import ALRNNClassifier


def cut_class(y, minority, rng):
    """Indices of the training cases left when those of ``minority`` are cut to a tenth."""
    cases = np.flatnonzero(y == minority)
    kept = rng.choice(cases, max(2, len(cases) // 10), replace=False)
    return np.sort(np.r_[np.flatnonzero(y != minority), kept]), len(kept), len(cases)


def nearest_neighbour(X, y, X_test):
    """1-NN predictions on the flattened sequences, None where their lengths differ."""
    if len({len(s) for s in list(X) + list(X_test)}) > 1:
        return None
    flat = [np.asarray(list(part)).reshape(len(part), -1) for part in (X, X_test)]
    return KNeighborsClassifier(1).fit(flat[0], y).predict(flat[1])


def main():
    args = archive_sets_parser(__doc__.splitlines()[0]).parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    print("set | seed | minority (kept of) | balanced accuracy: as given / balanced weights / 1-NN | accuracy: "
          "as given / balanced weights")
    for name in args.names:
        (X, y), (X_test, y_test) = load_archive_set(args.data_dir, name)
        y, y_test = np.asarray(y), np.asarray(y_test)
        classes = np.unique(y)
        for seed in range(args.seeds):
            rows, kept, of = cut_class(y, classes[seed % len(classes)], np.random.default_rng(seed))
            X_cut, y_cut = [X[i] for i in rows], y[rows]
            scores = []
            for weights in (None, compute_sample_weight("balanced", y_cut)):
                predicted = ALRNNClassifier(random_state=seed).fit(X_cut, y_cut, sample_weight=weights).predict(X_test)
                scores.append((balanced_accuracy_score(y_test, predicted), accuracy_score(y_test, predicted)))
            neighbour = nearest_neighbour(X_cut, y_cut, X_test)
            knn = "-" if neighbour is None else f"{balanced_accuracy_score(y_test, neighbour):.3f}"
            print(f"{name} | {seed} | {classes[seed % len(classes)]} ({kept} of {of}) | {scores[0][0]:.3f} / "
                  f"{scores[1][0]:.3f} / {knn} | {scores[0][1]:.3f} / {scores[1][1]:.3f}", flush=True)


if __name__ == "__main__":
    main()
