"""The table behind the research findings: test score of AL-RNNs by task and number of nonlinear units.

For each task and P, trains ``--seeds`` models (M = 16 hidden units) and prints the mean ± std of
the test score and the number of linear regimes visited on the test set (out of 2^P).

Run: python benchmarks/paper_table.py [--seeds 3] [--set readout=last ...]
"""

import argparse
import platform
import time
import warnings

import numpy as np
from _cli import parse_overrides
from joblib import Parallel, delayed

from sklearn_alrnn import ALRNNClassifier, ALRNNRegressor, datasets
from sklearn_alrnn.nonlinearity import count_visited_regimes

M = 16
P_VALUES = (0, 1, 2, 4, M)


def _digits(seed):
    X, y = datasets.load_sequential_digits()
    order = np.random.RandomState(seed).permutation(len(X))
    return X[order] - 0.3, y[order]


TASKS = {
    # name: (generator, estimator, score name)
    "addition T=40": (lambda s: datasets.make_addition(1500, 40, random_state=s), ALRNNRegressor, "test MSE"),
    "context integration T=30": (lambda s: datasets.make_context_integration(1500, 30, random_state=s), ALRNNClassifier, "accuracy"),
    "3-bit flip-flop T=60": (lambda s: datasets.make_flipflop(600, 60, random_state=s), ALRNNRegressor, "R^2"),
    "sequential digits (rows)": (_digits, ALRNNClassifier, "accuracy"),
}


def run(task, P, seed, overrides):
    make, model_class, metric = TASKS[task]
    X, y = make(seed)
    n_train = int(0.8 * len(X))
    model = model_class(n_hidden=M, n_nonlinear=P, random_state=seed, max_iter=300, **overrides)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X[:n_train], y[:n_train])
    X_test, y_test = X[n_train:], y[n_train:]
    if metric == "test MSE":
        score = float(np.mean((model.predict(X_test) - y_test) ** 2))
    else:
        score = float(model.score(X_test, y_test))
    return task, P, score, count_visited_regimes(model, X_test)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE", help="override a default")
    args = parser.parse_args()
    overrides = parse_overrides(args.set)
    start = time.perf_counter()
    jobs = [(task, P, seed) for task in TASKS for P in P_VALUES for seed in range(args.seeds)]
    results = Parallel(n_jobs=args.n_jobs)(delayed(run)(*job, overrides) for job in jobs)
    print(f"# AL-RNN, M={M}, {args.seeds} seeds, {platform.processor() or platform.machine()}, "
          f"{time.perf_counter() - start:.0f} s, overrides: {overrides or 'none'}\n")
    print("| task (metric) | " + " | ".join(f"P={P}" for P in P_VALUES) + " |")
    print("|---|" + "---|" * len(P_VALUES))
    for task, (_, _, metric) in TASKS.items():
        cells = []
        for P in P_VALUES:
            rows = [r for r in results if r[0] == task and r[1] == P]
            scores = np.array([r[2] for r in rows])
            regimes = np.mean([r[3] for r in rows])
            cells.append(f"{scores.mean():.3f} ± {scores.std():.3f} ({regimes:.0f}/{2**P} reg.)")
        print(f"| {task} ({metric}) | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
