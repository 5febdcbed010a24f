"""Reconstruct the Lorenz-63 attractor with an AL-RNN and read it as a few linear regimes.

Fits ``ALRNNForecaster(n_hidden=20, n_nonlinear=2)`` on 100,000 steps of Lorenz-63 (dt = 0.01,
standardised), runs it freely from a held-out trajectory's first point, prints the reconstruction
measures against that trajectory, and plots the free run in 3-D coloured by regime with the
regimes' fixed points marked (filled: real, inside their own regime; hollow: virtual). The true
system has three equilibria: the origin and the centres of the two wings. The unstable cycles that
carry the attractor are found from the free run's close returns, and the shortest is drawn (the
true system's shortest cycle takes 1.56 time units, 156 steps).
Saves lorenz_regimes.png.
Run: python examples/lorenz_regimes.py [--max-iter 600]
"""

import argparse
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from sklearn_alrnn import ALRNNForecaster, RegimeDecomposer, datasets, metrics

parser = argparse.ArgumentParser()
parser.add_argument("--max-iter", type=int, default=ALRNNForecaster().max_iter)
args = parser.parse_args()

train, test = datasets.make_lorenz63(n_samples=2, n_timesteps=100_000, random_state=0)[0]
model = ALRNNForecaster(n_hidden=20, n_nonlinear=2, max_iter=args.max_iter, random_state=0).fit(train)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", RuntimeWarning)
    free_run, states = model.generate(len(test), x0=test[0], return_states=True)
print(f"D_stsp {metrics.state_space_divergence(test, free_run):.3f}   "
      f"D_H {metrics.power_spectrum_distance(test, free_run):.3f}   "
      f"PE_20 {metrics.prediction_error(model, test[:20_000], 20):.4f}   "
      f"lambda_max {metrics.max_lyapunov_exponent(model):.5f} per step")

decomposer = RegimeDecomposer(model, prefit=True).fit(test[:20_000])
print(decomposer.summary().to_string(index=False))

cycles = [c for c in decomposer.find_cycles(250, runs=states[1_000:21_000]) if c.order > 1]
print("cycles of the free run's attractor (steps: largest multiplier):",
      ", ".join(f"{c.order}: {abs(c.eigenvalues[0]):.3g}" for c in cycles) or "none found")

codes = (states[:, -2:] > 0) @ np.array([2, 1])
shown = slice(0, 20_000)
figure = plt.figure(figsize=(7, 6))
axes = figure.add_subplot(projection="3d")
for code in np.unique(codes[shown]):
    here = codes[shown] == code
    axes.scatter(*free_run[shown][here].T, s=0.3, label=f"regime {code:02b}")
for fixed_point in decomposer.fixed_points_:
    point = fixed_point.point[:3] * model.scale_ + model.mean_  # observed units, back in data units
    axes.scatter(*point, s=80, marker="o", edgecolors="k", facecolors="k" if fixed_point.real else "none")
if cycles:
    loop = cycles[0].points[:, :3] * model.scale_ + model.mean_
    axes.plot(*np.vstack([loop, loop[:1]]).T, color="k", lw=1.5, label=f"{cycles[0].order}-step cycle")
axes.set_xlabel("x")
axes.set_ylabel("y")
axes.set_zlabel("z")
axes.legend(markerscale=20, loc="upper left")
axes.set_title("AL-RNN free run, coloured by regime; fixed points (filled: real), shortest cycle")
figure.tight_layout()
figure.savefig("lorenz_regimes.png", dpi=120)
print("saved lorenz_regimes.png")
