"""How well the defaults learn: every archive data set in a folder of ``.ts`` files.

For each ``NAME_TRAIN.ts`` / ``NAME_TEST.ts`` pair under DIR (searched recursively):
inputs are z-normalised per feature over the training set (``SequenceScaler``;
``--raw`` reads the files as they are, as a user without a scaler would, for every
column), then

- classification: test accuracy of ``ALRNNClassifier(random_state=s)`` with
  defaults (mean over ``--seeds``), of a small grid over ``n_nonlinear``
  (``GridSearchCV``, 3-fold, P in {0, 1, 2, 4}), of 1-NN with Euclidean
  distance (equal lengths only) and with full-window DTW (both computed here),
  and the MiniRocket figures of issue 12 (aeon 1.6.0's
  ``MiniRocketClassifier``, mean of 3 seeds; not recomputed: aeon is not a
  dependency);
- regression: test RMSE of ``ALRNNRegressor(random_state=s)`` and of ridge
  regression (``RidgeCV``) on the flattened series.

The data sets that ship inside aeon's wheel::

    pip download aeon==1.6.0 --no-deps -d /tmp/aeon && cd /tmp/aeon && unzip -q aeon-1.6.0-*.whl 'aeon/datasets/data/*'
    python benchmarks/ucr_table.py /tmp/aeon/aeon/datasets/data

sktime 0.30.0's wheel adds two sets the defaults were not screened on, PLAID (classification)
and Tecator (regression)::

    pip download sktime==0.30.0 --no-deps -d /tmp/skt && cd /tmp/skt && unzip -q sktime-0.30.0-*.whl 'sktime/datasets/data/PLAID/*' 'sktime/datasets/data/Tecator/*'
    python benchmarks/ucr_table.py /tmp/skt/sktime/datasets/data --no-grid

Run: python benchmarks/ucr_table.py DIR [--seeds 3] [--no-grid] [--only NAME ...] [--set key=value ...]
(``--set`` overrides a default of each estimator that has it, for experiments: ``--set readout=last``.)
"""

import argparse
import glob
import os
import platform
import time
import warnings

import numba
import numpy as np
from _cli import parse_overrides
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from sklearn_alrnn import ALRNNClassifier, ALRNNRegressor, SequenceScaler
from sklearn_alrnn.datasets import load_ts

# aeon 1.6.0 MiniRocketClassifier test accuracy, mean of 3 seeds (issue 12).
MINIROCKET = {
    "ArrowHead": 0.857, "BasicMotions": 1.000, "GunPoint": 0.993, "ItalyPowerDemand": 0.965,
    "JapaneseVowels": 0.983, "OSULeaf": 0.955, "PickupGestureWiimoteZ": 0.780, "ACSF1": 0.917,
}
GRID = {"n_nonlinear": [0, 1, 2, 4]}


@numba.njit(cache=True)
def _dtw(a, b):
    """Full-window DTW distance (squared Euclidean local cost over channels)."""
    n, m = a.shape[0], b.shape[0]
    previous = np.full(m + 1, np.inf)
    previous[0] = 0.0
    current = np.empty(m + 1)
    for i in range(1, n + 1):
        current[0] = np.inf
        for j in range(1, m + 1):
            cost = 0.0
            for k in range(a.shape[1]):
                diff = a[i - 1, k] - b[j - 1, k]
                cost += diff * diff
            current[j] = cost + min(previous[j], previous[j - 1], current[j - 1])
        previous, current = current, previous
    return previous[m]


@numba.njit(cache=True, parallel=True)
def _dtw_nearest(train, train_lengths, test, test_lengths):
    nearest = np.empty(test.shape[0], dtype=np.int64)
    for i in numba.prange(test.shape[0]):
        best, best_j = np.inf, -1
        for j in range(train.shape[0]):
            distance = _dtw(test[i, : test_lengths[i]], train[j, : train_lengths[j]])
            if distance < best:
                best, best_j = distance, j
        nearest[i] = best_j
    return nearest


def _padded(X):
    if not isinstance(X, list):
        return np.ascontiguousarray(X), np.full(len(X), X.shape[1])
    lengths = np.array([len(x) for x in X])
    out = np.zeros((len(X), lengths.max(), X[0].shape[1]))
    for i, x in enumerate(X):
        out[i, : len(x)] = x
    return out, lengths


def one_nn(X, y, X_test, y_test):
    """Accuracy of 1-NN with Euclidean distance (None for unequal lengths) and with DTW."""
    train, train_lengths = _padded(X)
    test, test_lengths = _padded(X_test)
    euclidean = None
    if not isinstance(X, list) and not isinstance(X_test, list) and X.shape[1] == X_test.shape[1]:
        flat, flat_test = train.reshape(len(train), -1), test.reshape(len(test), -1)
        d = (flat_test**2).sum(1)[:, None] - 2 * flat_test @ flat.T + (flat**2).sum(1)[None]
        euclidean = float(np.mean(y[d.argmin(axis=1)] == y_test))
    nearest = _dtw_nearest(np.nan_to_num(train), train_lengths, np.nan_to_num(test), test_lengths)
    return euclidean, float(np.mean(y[nearest] == y_test))


def _flat(X):
    if isinstance(X, list):
        return None
    return np.nan_to_num(X.reshape(len(X), -1))


def find_datasets(folder, only):
    pairs = []
    for train in sorted(glob.glob(os.path.join(folder, "**", "*_TRAIN.ts"), recursive=True)):
        test = train[: -len("_TRAIN.ts")] + "_TEST.ts"
        name = os.path.basename(train)[: -len("_TRAIN.ts")]
        if os.path.exists(test) and (not only or name in only):
            pairs.append((name, train, test))
    return pairs


def _fit_timed(model, X, y):
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    return model, time.perf_counter() - start


def classification_row(name, X, y, X_test, y_test, seeds, grid, overrides):
    accuracies, times = [], []
    for seed in seeds:
        model, seconds = _fit_timed(ALRNNClassifier(random_state=seed, **overrides), X, y)
        accuracies.append(model.score(X_test, y_test))
        times.append(seconds)
    grid_accuracy = None
    if grid:
        n_splits = int(min(3, np.unique(y, return_counts=True)[1].min()))
        if n_splits >= 2:
            search = GridSearchCV(
                ALRNNClassifier(random_state=seeds[0], **overrides), GRID,
                cv=StratifiedKFold(n_splits, shuffle=True, random_state=0), n_jobs=2,
            )
            grid_accuracy = _fit_timed(search, X, y)[0].score(X_test, y_test)
    euclidean, dtw = one_nn(X, y, X_test, y_test)
    return {
        "name": name, "ours": float(np.mean(accuracies)), "ours_std": float(np.std(accuracies)),
        "grid": grid_accuracy, "ed": euclidean, "dtw": dtw, "minirocket": MINIROCKET.get(name),
        "fit_s": float(np.max(times)),
    }


def regression_row(name, X, y, X_test, y_test, seeds, overrides):
    errors, times = [], []
    for seed in seeds:
        model, seconds = _fit_timed(ALRNNRegressor(random_state=seed, **overrides), X, y)
        errors.append(np.sqrt(np.mean((model.predict(X_test) - y_test) ** 2)))
        times.append(seconds)
    ridge = None
    if _flat(X) is not None and X.shape[1] == X_test.shape[1]:
        ridge_model = RidgeCV(alphas=np.logspace(-3, 3, 13)).fit(_flat(X), y)
        ridge = float(np.sqrt(np.mean((ridge_model.predict(_flat(X_test)) - y_test) ** 2)))
    return {"name": name, "ours": float(np.mean(errors)), "ours_std": float(np.std(errors)),
            "ridge": ridge, "fit_s": float(np.max(times))}


def _cell(value, digits=3):
    return "–" if value is None else f"{value:.{digits}f}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--no-grid", action="store_true")
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE")
    parser.add_argument("--raw", action="store_true", help="no SequenceScaler: the files' values as they are")
    args = parser.parse_args(argv)
    overrides = parse_overrides(args.set)
    known = {estimator: set(estimator().get_params()) for estimator in (ALRNNClassifier, ALRNNRegressor)}
    unknown = set(overrides) - set.union(*known.values())
    if unknown:
        parser.error(f"--set: neither estimator has {sorted(unknown)}")
    # each estimator takes the overrides it has (--set label_smoothing=0.2 is the classifier's)
    own = {estimator: {k: v for k, v in overrides.items() if k in names} for estimator, names in known.items()}
    seeds = list(range(args.seeds))
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores; seeds {seeds}; "
          f"overrides {overrides or 'none'}; inputs {'as in the files' if args.raw else 'SequenceScaler'}\n")
    classification, regression = [], []
    for name, train_path, test_path in find_datasets(args.folder, args.only):
        X, y, meta = load_ts(train_path, return_metadata=True)
        X_test, y_test = load_ts(test_path)
        if not args.raw:
            scaler = SequenceScaler().fit(X)
            X, X_test = scaler.transform(X), scaler.transform(X_test)
        if meta["target"] == "class":
            row = classification_row(name, X, y, X_test, y_test, seeds, not args.no_grid, own[ALRNNClassifier])
            classification.append(row)
        elif meta["target"] == "regression":
            row = regression_row(name, X, y, X_test, y_test, seeds, own[ALRNNRegressor])
            regression.append(row)
        else:
            continue
        print(row, flush=True)

    if classification:
        print("\n| data set | ours, defaults | ours, grid over P | 1-NN ED | 1-NN DTW | MiniRocket | fit s |")
        print("|---|---|---|---|---|---|---|")
        for r in classification:
            print(f"| {r['name']} | {r['ours']:.3f} ± {r['ours_std']:.3f} | {_cell(r['grid'])} | {_cell(r['ed'])} "
                  f"| {_cell(r['dtw'])} | {_cell(r['minirocket'])} | {r['fit_s']:.1f} |")
        best_nn = [max(v for v in (r["ed"], r["dtw"]) if v is not None) for r in classification]
        # Accuracies are counts over the test set: a mean of seeds equal to 1-NN's may differ in the last bit.
        beats = sum(r["ours"] >= nn - 1e-9 for r, nn in zip(classification, best_nn))
        margin = np.mean([r["ours"] - nn for r, nn in zip(classification, best_nn)])
        print(f"\nours >= the better 1-NN on {beats} of {len(classification)} sets; "
              f"mean accuracy above the better 1-NN {margin:+.3f}")
        with_rocket = [r for r in classification if r["minirocket"] is not None]
        if with_rocket:
            gap = np.mean([r["minirocket"] - r["ours"] for r in with_rocket])
            print(f"mean gap to MiniRocket over {len(with_rocket)} sets: {gap:+.3f}")
    if regression:
        print("\n| data set | ours RMSE, defaults | ridge RMSE (flattened) | ratio | fit s |")
        print("|---|---|---|---|---|")
        for r in regression:
            ratio = None if r["ridge"] is None else r["ours"] / r["ridge"]
            print(f"| {r['name']} | {r['ours']:.4f} ± {r['ours_std']:.4f} | {_cell(r['ridge'], 4)} "
                  f"| {_cell(ratio)} | {r['fit_s']:.1f} |")


if __name__ == "__main__":
    main()
