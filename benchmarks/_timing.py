"""Timing helpers shared by the benchmark scripts.

This machine's speed drifts by 10-40% within a minute (shared cores, boost
clocks), so implementations are timed in turns: round k times every
implementation once, and each keeps its best round. A slow spell then hits all
of them rather than whichever happened to run during it, and the ratios hold.
"""

import time


def _seconds(run):
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def best_time(run, repeats=3):
    """Best of ``repeats`` timings in ms (per epoch when ``run.epochs`` says so), after a warm-up."""
    return best_times({"run": run}, repeats)["run"]


def best_times(runs, repeats=5):
    """``{name: best ms}`` for ``{name: run}``, timed in interleaved rounds after one warm-up each.

    ``repeats`` may be a dict giving some runs fewer rounds (slow baselines).
    """
    for run in runs.values():
        run()  # warm-up: compilation, caches
    rounds = repeats if isinstance(repeats, dict) else dict.fromkeys(runs, repeats)
    best = dict.fromkeys(runs, float("inf"))
    for k in range(max(rounds.values())):
        for name, run in runs.items():
            if k < rounds[name]:
                best[name] = min(best[name], _seconds(run))
    return {name: best[name] * 1000 / getattr(runs[name], "epochs", 1) for name in runs}
