"""The research tasks the training defaults must not lose (issue 12), over seeds.

- adding problem: T = 50, 4000 training and 1000 test sequences, ``ALRNNRegressor(n_hidden=16,
  max_iter=150)``; a linear RNN (P = 0) cannot gate (test MSE > 0.05), P = 2 must (< 0.01);
- sign memory: 600 training and 600 test sequences of 30 steps with 2 features, label = sign of the
  sum of the first 5 steps of feature 0, ``ALRNNClassifier(n_hidden=16, n_nonlinear=2,
  max_iter=200)``: accuracy >= 0.9.

Everything else is the estimators' defaults, or ``--set key=value`` overrides (both estimators).

Run: python benchmarks/research_checks.py [--seeds 3] [--set readout=last ...]
"""

import argparse
import time
import warnings

import numpy as np
from _cli import parse_overrides
from joblib import Parallel, delayed

from sklearn_alrnn import ALRNNClassifier, ALRNNRegressor, datasets


def sign_memory(n_samples, seed):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, 30, 2))
    return X, (X[:, :5, 0].sum(axis=1) > 0).astype(int)


def adding(P, seed, overrides):
    X, y = datasets.make_addition(5000, 50, random_state=seed)
    model = ALRNNRegressor(n_hidden=16, n_nonlinear=P, max_iter=150, random_state=seed, **overrides)
    model.fit(X[:4000], y[:4000])
    return float(np.mean((model.predict(X[4000:]) - y[4000:]) ** 2))


def memory(seed, overrides):
    X, y = sign_memory(1200, seed)
    model = ALRNNClassifier(n_hidden=16, n_nonlinear=2, max_iter=200, random_state=seed, **overrides)
    return float(model.fit(X[:600], y[:600]).score(X[600:], y[600:]))


CHECKS = {
    "adding T=50, P=0: test MSE > 0.05": (lambda s, o: adding(0, s, o), lambda v: v > 0.05),
    "adding T=50, P=2: test MSE < 0.01": (lambda s, o: adding(2, s, o), lambda v: v < 0.01),
    "sign memory, P=2: accuracy >= 0.9": (memory, lambda v: v >= 0.9),
}


def _run(check, seed, overrides):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        value = CHECKS[check][0](seed, overrides)
    return check, seed, value, time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    overrides = parse_overrides(args.set)
    results = Parallel(n_jobs=args.n_jobs)(
        delayed(_run)(check, seed, overrides) for check in CHECKS for seed in range(args.seeds)
    )
    print(f"overrides: {overrides or 'none (defaults)'}\n")
    print("| check | per seed | passes | fit s (max) |")
    print("|---|---|---|---|")
    for check, (_, passes) in CHECKS.items():
        rows = [r for r in results if r[0] == check]
        values = ", ".join(f"{r[2]:.4f}" for r in rows)
        n_pass = sum(passes(r[2]) for r in rows)
        print(f"| {check} | {values} | {n_pass}/{len(rows)} | {max(r[3] for r in rows):.1f} |")


if __name__ == "__main__":
    main()
