"""SCAN (datasets.make_scan) with one AL-RNN: per-step and exact-match accuracy on held-out commands.

The network reads a command's words and a go token, then emits one action per step and an end
token, each emitted action being the next step's input (``ALRNNClassifier(input_type="tokens",
per_step=True)``, reading steps weighted 0, trained with teacher forcing). Per-step accuracy: the
output steps' labels given the true previous actions; exact match: the greedy decoding of the
whole command (``datasets.translate_scan``, each prediction fed back) equals its action sequence.

    python benchmarks/scan_table.py [--split simple length] [--n-nonlinear 0 4 16] [--n-hidden 128]
        [--seeds 1] [--set key=value ...]
"""

import argparse
import time
import warnings

import numpy as np
from _cli import parse_overrides
from joblib import Parallel, delayed

from sklearn_alrnn import ALRNNClassifier
from sklearn_alrnn.datasets import interpret_scan, make_scan, translate_scan


def _run(split, P, M, seed, overrides):
    scan = make_scan(split, random_state=seed)
    model = ALRNNClassifier(
        n_hidden=M, n_nonlinear=P, input_type="tokens", per_step=True, random_state=seed, **overrides
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(scan.X_train, scan.y_train, step_weight=scan.step_weight_train)
    predicted = model.predict(scan.X_test)
    per_step = float(np.mean(np.concatenate([(p == y)[w > 0] for p, y, w in zip(predicted, scan.y_test,
                                                                                  scan.step_weight_test)])))
    decoded = translate_scan(model, scan.commands_test)
    exact = float(np.mean([d == interpret_scan(c) for d, c in zip(decoded, scan.commands_test)]))
    return split, P, seed, per_step, exact, time.perf_counter() - start, model.n_iter_


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", nargs="+", default=["simple", "length"])
    parser.add_argument("--n-nonlinear", type=int, nargs="+", default=[0, 4, 16])
    parser.add_argument("--n-hidden", type=int, default=128)
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE", help="override a classifier default")
    args = parser.parse_args()
    overrides = parse_overrides(args.set)
    rows = Parallel(n_jobs=args.n_jobs)(
        delayed(_run)(split, P, args.n_hidden, seed, overrides)
        for split in args.split for P in args.n_nonlinear for seed in range(args.seeds)
    )
    print(f"SCAN, M={args.n_hidden}, {overrides or 'defaults'}")
    for split in args.split:
        for P in args.n_nonlinear:
            mine = [r for r in rows if r[0] == split and r[1] == P]
            print(f"  {split:<8} P={P:>3}: per-step {np.mean([r[3] for r in mine]):.3f}, exact match "
                  f"{np.mean([r[4] for r in mine]):.3f} ({np.mean([r[5] for r in mine]):.0f} s, "
                  f"{np.mean([r[6] for r in mine]):.0f} epochs)")


if __name__ == "__main__":
    main()
