"""How the reconstruction measures score a flow whose parameters are a little off (issue 13).

A reconstruction is a map close to the true one, not the true one. This script asks what the
issue's measures give for the closest possible kind of error: the true equations with one parameter
changed by a few percent. For each system, a held-out trajectory at the nominal parameters is the
reference, standardised by the nominal training trajectory's moments (a forecaster's free runs are
in its training data's units); each row is a trajectory of the perturbed system from another random
start, drawn in the system's own units and standardised by the same moments, scored with D_stsp
(30 bins) and D_H (smoothing 20). The first row of each system is the nominal system (the noise
floor).

The "distinct x maxima" column counts the different local maxima of x (to two decimals) over the
run's last 200 oscillations: a few means a periodic orbit, about as many as there are oscillations
means chaos.

Run: python benchmarks/flow_sensitivity.py [--n-steps 100000] [--changes -5 -2 -1 1 2 5]
"""

import argparse

import numpy as np

from sklearn_alrnn import datasets
from sklearn_alrnn.metrics import power_spectrum_distance, state_space_divergence

SYSTEMS = {  # generator, its parameters and their nominal values
    "lorenz": (datasets.make_lorenz63, {"sigma": 10.0, "rho": 28.0, "beta": 8.0 / 3.0}),
    "roessler": (datasets.make_roessler, {"a": 0.2, "b": 0.2, "c": 5.7}),
}
PEAKS_COUNTED = 200


def distinct_maxima(x):
    """Distinct local maxima of ``x`` (to two decimals) among its last ``PEAKS_COUNTED``."""
    peaks = x[1:-1][(x[1:-1] > x[:-2]) & (x[1:-1] > x[2:])]
    return len(np.unique(np.round(peaks[-PEAKS_COUNTED:], 2)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--systems", nargs="+", choices=sorted(SYSTEMS), default=sorted(SYSTEMS))
    parser.add_argument("--n-steps", type=int, default=100_000)
    parser.add_argument("--changes", type=float, nargs="+", default=[-5, -2, -1, 1, 2, 5], help="percent")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"{'system':9s} {'parameter':>10s} {'value':>8s} {'change':>7s} {'D_stsp':>7s} {'D_H':>6s} distinct x maxima")
    for name in args.systems:
        make, nominal = SYSTEMS[name]
        (train, test), _ = make(2, args.n_steps, random_state=args.seed, standardize=False)
        mean, scale = train.mean(axis=0), train.std(axis=0)
        reference = (test - mean) / scale
        rows = [("-", None, 0.0)] + [(p, v * (1 + c / 100), c) for p, v in nominal.items() for c in args.changes]
        for parameter, value, change in rows:
            kwargs = {} if value is None else {parameter: value}
            (run,), _ = make(1, args.n_steps, random_state=args.seed + 1, standardize=False, **kwargs)
            run = (run - mean) / scale
            shown = "nominal" if value is None else f"{value:.4g}"
            print(
                f"{name:9s} {parameter:>10s} {shown:>8s} {change:+6.0f}% {state_space_divergence(reference, run):7.3f} "
                f"{power_spectrum_distance(reference, run):6.3f} {distinct_maxima(run[:, 0]):5d}", flush=True
            )


if __name__ == "__main__":
    main()
