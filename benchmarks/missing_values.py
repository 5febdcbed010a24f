"""Archive sets with values lost in gaps: ``SequenceImputer`` in front of the classifier's defaults.

For each named set (``NAME_TRAIN.ts`` / ``NAME_TEST.ts`` under DIR), each seed and each share of
lost values: every training and test sequence loses runs of 1-10 steps (all its features) until
that share is gone, never its first or last step (a NaN last step would end the sequence); then
the test accuracy of ``ALRNNClassifier(random_state=seed)`` on the clean sets, and in a Pipeline
after ``SequenceImputer(method="linear")`` and ``(method="previous")``, against the fill a
user of scikit-learn's ``SimpleImputer`` would write (each feature's mean over the training
values). The data sets that ship inside aeon's wheel (see ``ucr_table.py``)::

    python benchmarks/missing_values.py /tmp/aeon/aeon/datasets/data GunPoint ArrowHead ItalyPowerDemand

Run: python benchmarks/missing_values.py DIR NAME [NAME ...] [--seeds 3] [--lost 0.1 0.3]
"""

import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline

from _cli import archive_sets_parser, load_archive_set

from sklearn_alrnn import ALRNNClassifier, SequenceImputer


def with_gaps(X, share, rng):
    """A copy of X (n, T, K) whose sequences each lose runs of 1-10 steps, inside their first and
    last step, until ``share`` of their steps is gone."""
    X = X.copy()
    for sequence in X:
        lost = np.zeros(len(sequence), bool)
        while lost.mean() < share:
            start = rng.integers(1, len(sequence) - 1)
            lost[start : min(start + rng.integers(1, 11), len(sequence) - 1)] = True
        sequence[lost] = np.nan
    return X


def main():
    parser = archive_sets_parser(__doc__.split("\n")[0])
    parser.add_argument("--lost", type=float, nargs="+", default=[0.1, 0.3])
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    columns = ["clean"] + [f"{share:g} {fill}" for share in args.lost for fill in ("linear", "previous", "mean")]
    print(f"{'set':<18} " + " ".join(f"{column:>12}" for column in columns) + "   seconds")
    for name in args.names:
        (X_train, y_train), (X_test, y_test) = load_archive_set(args.data_dir, name)
        X_train, X_test = np.asarray(X_train, float), np.asarray(X_test, float)
        scores, start = [], time.perf_counter()
        for seed in range(args.seeds):
            rng = np.random.default_rng(seed)
            row = [ALRNNClassifier(random_state=seed).fit(X_train, y_train).score(X_test, y_test)]
            for share in args.lost:
                gappy_train, gappy_test = with_gaps(X_train, share, rng), with_gaps(X_test, share, rng)
                for method in ("linear", "previous"):
                    model = make_pipeline(SequenceImputer(method=method), ALRNNClassifier(random_state=seed))
                    row.append(model.fit(gappy_train, y_train).score(gappy_test, y_test))
                mean = np.nanmean(gappy_train, axis=(0, 1))
                filled_train, filled_test = (np.where(np.isnan(X), mean, X) for X in (gappy_train, gappy_test))
                row.append(ALRNNClassifier(random_state=seed).fit(filled_train, y_train).score(filled_test, y_test))
            scores.append(row)
        print(f"{name:<18} " + " ".join(f"{score:>12.3f}" for score in np.mean(scores, axis=0))
              + f"   {time.perf_counter() - start:7.1f}", flush=True)


if __name__ == "__main__":
    main()
