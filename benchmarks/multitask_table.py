"""One network on many cognitive tasks (datasets.make_multitask) against one network per task,
and how far the tasks share linear regimes, by number of nonlinear units P.

Each task gets ``--trials`` training and 500 test trials; the multi-task network trains on the
union (rule inputs say which task a trial is). Accuracy of a trial: the class predicted at its last
step (fixate, or the response direction) is the target. Regime sharing: the mean pairwise overlap
of the tasks' regime occupancies on the test trials (``RegimeDecomposer.sharing``; 1 = every task
uses the same linear systems in the same proportions).

    python benchmarks/multitask_table.py [--n-nonlinear 1 2 4 32] [--single-p 2] [--seeds 1] [--plot FILE]
"""

import argparse
import time
import warnings

import numpy as np
from _cli import parse_overrides
from joblib import Parallel, delayed

from sklearn_alrnn import ALRNNClassifier, RegimeDecomposer
from sklearn_alrnn.datasets import make_multitask

TASKS = ("go", "anti", "delay_go", "delay_anti", "dm1", "dm2", "ctxdm1", "ctxdm2", "dms")


def _data(tasks, n_per_task, seed):
    train = make_multitask(n_per_task * len(tasks), tasks=TASKS, random_state=seed)
    test = make_multitask(500 * len(tasks), tasks=TASKS, random_state=seed + 1000)
    keep_train, keep_test = np.isin(train.task, tasks), np.isin(test.task, tasks)
    return ({k: v[keep_train] for k, v in train.items() if k != "tasks"},
            {k: v[keep_test] for k, v in test.items() if k != "tasks"})


def _fit_and_score(tasks, P, seed, n_per_task, overrides):
    train, test = _data(tasks, n_per_task, seed)
    model = ALRNNClassifier(n_nonlinear=P, per_step=True, random_state=seed, **overrides)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(train["X"], train["y"], step_weight=train["step_weight"])
    final = model.predict(test["X"])[:, -1] == test["y"][:, -1]
    accuracy = {task: float(final[test["task"] == task].mean()) for task in tasks}
    sharing = None
    if len(tasks) > 1:
        sharing = RegimeDecomposer(model, prefit=True).fit(test["X"]).sharing(test["X"], test["task"])
    return tasks, P, seed, accuracy, sharing, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", nargs="+", default=list(TASKS))
    parser.add_argument("--n-nonlinear", type=int, nargs="+", default=[1, 2, 4, 32])
    parser.add_argument("--single-p", type=int, default=2, help="P of the one-task networks")
    parser.add_argument("--trials", type=int, default=1000, help="training trials per task")
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--plot", help="PNG of the regime sharing of the multi-task network at --single-p")
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE", help="override a classifier default")
    args = parser.parse_args()
    tasks, overrides = tuple(args.tasks), parse_overrides(args.set)
    jobs = [(tasks, P, seed) for P in args.n_nonlinear for seed in range(args.seeds)]
    jobs += [((task,), args.single_p, seed) for task in tasks for seed in range(args.seeds)]
    rows = Parallel(n_jobs=args.n_jobs)(delayed(_fit_and_score)(*job, args.trials, overrides) for job in jobs)
    single = {task: np.mean([r[3][task] for r in rows if r[0] == (task,)]) for task in tasks}
    print(f"{len(tasks)} tasks, {args.trials} training trials each; final-step accuracy on 500 test trials per task")
    print(f"{'network':<24}" + "".join(f"{t:>11}" for t in tasks) + "   sharing   fit s")
    print(f"{'one per task, P=' + str(args.single_p):<24}" + "".join(f"{single[t]:>11.3f}" for t in tasks))
    for P in args.n_nonlinear:
        mine = [r for r in rows if r[0] == tasks and r[1] == P]
        accuracy = {t: np.mean([r[3][t] for r in mine]) for t in tasks}
        sharing = np.mean([r[4].mean_overlap for r in mine])
        seconds = np.mean([r[5] for r in mine])
        print(f"{'all tasks, P=' + str(P):<24}" + "".join(f"{accuracy[t]:>11.3f}" for t in tasks)
              + f"{sharing:>10.2f}{seconds:>8.0f}")
        if P == args.single_p:
            ratio = {t: accuracy[t] / single[t] for t in tasks}
            print(f"{'  / one per task':<24}" + "".join(f"{ratio[t]:>11.2f}" for t in tasks))
    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        from sklearn_alrnn.plotting import plot_regime_sharing

        result = next(r for r in rows if r[0] == tasks and r[1] == args.single_p)[4]
        axes = plot_regime_sharing(result, args.single_p)
        axes[0].figure.tight_layout()
        axes[0].figure.savefig(args.plot, dpi=120)
        print(f"figure: {args.plot}")


if __name__ == "__main__":
    main()
