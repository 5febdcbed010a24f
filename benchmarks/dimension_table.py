"""The correlation dimension (``metrics.correlation_dimension``) on sets whose dimension is known.

Each row: a set of points, the estimate with the defaults (12 radii over the distances below which
0.1% and 10% of the pairs lie, 5,000 points drawn, pairs within 10 steps left out) for
``random_state`` 0-4 (lowest and highest), whether it warned that the slopes over the two halves
of the scaling range differ by more than 30% of the whole slope (no straight scaling range), the
time of one estimate, and the dimension the literature gives (Grassberger & Procaccia 1983 for Henon and
Lorenz-63, Sprott 2003 for Lozi; the Kaplan-Yorke dimension for Roessler, an upper bound of D_2).
The flows come from ``datasets`` (z-scored), the maps from their equations.

Run: python benchmarks/dimension_table.py [--n-steps 100000] [--short 300 1000 2000 5000]
"""

import argparse
import time
import warnings

import numpy as np

from sklearn_alrnn import datasets
from sklearn_alrnn.metrics import correlation_dimension

SEEDS = range(5)


def planar_map(step, n_steps, transient=1000):
    """Points of a two-dimensional map ``(x, y) -> step(x, y)`` after a transient, from (0.1, 0.1)."""
    points, x, y = np.empty((n_steps, 2)), 0.1, 0.1
    for t in range(transient + n_steps):
        x, y = step(x, y)
        if t >= transient:
            points[t - transient] = x, y
    return points


def sets(n_steps):
    """(name, points, the literature's dimension or None) of each set in the table."""
    t = 0.01 * np.arange(n_steps)
    golden = (np.sqrt(5) - 1) / 2
    return [
        ("Lorenz-63", datasets.make_lorenz63(1, n_steps, random_state=0)[0][0], 2.05),
        ("Roessler", datasets.make_roessler(1, n_steps, random_state=0)[0][0], 2.01),
        ("Henon", planar_map(lambda x, y: (1 - 1.4 * x * x + y, 0.3 * x), n_steps), 1.21),
        ("Lozi", planar_map(lambda x, y: (1 - 1.7 * abs(x) + y, 0.5 * x), n_steps), 1.38),
        ("circle", np.column_stack([np.cos(t), np.sin(t)]), 1.0),
        ("torus", np.column_stack([(2 + np.cos(3 * golden * t)) * np.cos(t), (2 + np.cos(3 * golden * t)) * np.sin(t),
                                   np.sin(3 * golden * t)]), 2.0),
        ("Gaussian, 3-D", np.random.default_rng(1).standard_normal((n_steps, 3)), 3.0),
    ]


def row(name, X, literature):
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        estimates = [correlation_dimension(X, random_state=seed) for seed in SEEDS]
    seconds = (time.perf_counter() - start) / len(SEEDS)
    truth = "" if literature is None else f"{literature:.2f}"
    print(f"{name:<24} {len(X):>7} {min(estimates):>6.3f} {max(estimates):>6.3f} "
          f"{'yes' if caught else '':>5} {seconds:>6.2f} {truth:>10}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-steps", type=int, default=100_000)
    parser.add_argument("--short", type=int, nargs="*", default=[300, 1000, 2000, 5000],
                        help="also the first this many steps of Lorenz-63 and Roessler")
    args = parser.parse_args()
    print(f"{'set':<24} {'steps':>7} {'D_2':>6} {'to':>6} {'warns':>5} {'s':>6} "
          f"{'literature':>10}")
    table = sets(args.n_steps)
    for name, X, literature in table:
        row(name, X, literature)
    for name, X, literature in table[:2]:
        for n_steps in args.short:
            row(f"{name}, first steps", X[:n_steps], literature)


if __name__ == "__main__":
    main()
