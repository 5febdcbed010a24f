"""Reconstruct the Lorenz-63 attractor with an AL-RNN and read it as a few linear regimes.

Fits ``ALRNNForecaster(n_hidden=20, n_nonlinear=2)`` on 100,000 steps of Lorenz-63 (dt = 0.01,
standardised), runs it freely from a held-out trajectory's first point, prints the reconstruction
measures against that trajectory, the map's Lyapunov exponents beside the true ones and the
correlation dimension of the run beside the trajectory's, and plots
the free run in 3-D coloured by regime with the regimes' fixed points marked (filled: real, inside
their own regime; hollow: virtual). The true system has three equilibria: the origin and the
centres of the two wings; for each, the nearest real fixed point and its local rates
(ln(lambda) / dt) beside the true ones. The unstable cycles that carry the attractor are found from
the free run's close returns, and the shortest is drawn (the true system's shortest cycle takes
1.56 time units, 156 steps). Runs from held-out states and from states scattered around them show
whether the map has one attractor or several.
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

sigma, rho, beta, dt = 10.0, 28.0, 8.0 / 3.0, 0.01  # make_lorenz63's system and sampling interval
(train, test), _, equilibria = datasets.make_lorenz63(n_samples=2, n_timesteps=100_000, random_state=0,
                                                      return_equilibria=True)
model = ALRNNForecaster(n_hidden=20, n_nonlinear=2, max_iter=args.max_iter, random_state=0).fit(train)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", RuntimeWarning)
    free_run, states = model.generate(len(test), x0=test[0], return_states=True)
print(f"D_stsp {metrics.state_space_divergence(test, free_run):.3f}   "
      f"D_H {metrics.power_spectrum_distance(test, free_run):.3f}   "
      f"PE_20 {metrics.prediction_error(model, test[:20_000], 20):.4f}")
# Lyapunov exponents per time unit (per step / dt); Lorenz-63's are 0.906, 0 and -14.57 (Sprott 2003)
exponents = metrics.lyapunov_spectrum(model, n_steps=100_000, x0=test[0])
print(f"Lyapunov exponents {', '.join(f'{value / dt:.2f}' for value in exponents[:3])} per time unit "
      f"(true 0.91, 0.00, -14.57); Kaplan-Yorke dimension {metrics.kaplan_yorke_dimension(exponents):.2f} (true 2.06)")
# The correlation dimension of the run's points against the held-out trajectory's (Lorenz-63: 2.05).
print(f"correlation dimension D_2 {metrics.correlation_dimension(free_run, random_state=0):.2f} "
      f"(held-out trajectory {metrics.correlation_dimension(test, random_state=0):.2f})")

decomposer = RegimeDecomposer(model, prefit=True).fit(test[:20_000])
print(decomposer.summary().to_string(index=False))

# Each true equilibrium against the nearest real fixed point: where it is, and its local dynamics as
# rates per time unit, ln(lambda) / dt (standardising is a similarity transform: it keeps them).
wing = np.sqrt(beta * (rho - 1))
real_points = [p for p in decomposer.fixed_points_ if p.real]
for name, (x, y, z), standardised in zip(
    ("origin", "wing +", "wing -"), [(0, 0, 0), (wing, wing, rho - 1), (-wing, -wing, rho - 1)],
    equilibria if real_points else [],  # a map without real fixed points has nothing to set beside them
):
    true_rates = np.linalg.eigvals([[-sigma, sigma, 0], [rho - z, -1, -x], [y, x, -beta]])
    distances = [np.linalg.norm(model.observe(p.point) - standardised) for p in real_points]
    nearest = real_points[int(np.argmin(distances))]
    rates = np.log(nearest.eigenvalues.astype(complex)) / dt
    print(f"{name}: nearest real fixed point (regime {nearest.bits}) {min(distances):.2f} standard deviations away; "
          f"leading rates {np.round(sorted(rates, key=lambda r: -r.real)[:2], 2)}, "
          f"true {np.round(sorted(true_rates, key=lambda r: -r.real)[:2], 2)}")

cycles = [c for c in decomposer.find_cycles(250, runs=states[1_000:21_000]) if c.order > 1]
print("cycles of the free run's attractor (steps: largest multiplier):",
      ", ".join(f"{c.order}: {abs(c.eigenvalues[0]):.3g}" for c in cycles) or "none found")

# Where runs from the held-out trajectory's states, and from states scattered three standard deviations
# around them, settle: one attractor is a reconstruction of one; more would be a multistable map, which
# a single free run does not show (analysis.find_attractors).
on_data = model.hidden_states(test[:20_000])[::100]
scattered = on_data + np.random.default_rng(0).normal(size=on_data.shape) * 3 * on_data.std(axis=0)
print(f"attractors from 200 held-out states {decomposer.find_attractors(on_data)}, from 200 scattered around "
      f"them {decomposer.find_attractors(scattered)}")

codes = (states[:, -2:] > 0) @ np.array([2, 1])
shown = slice(0, 20_000)
figure = plt.figure(figsize=(7, 6))
axes = figure.add_subplot(projection="3d")
for code in np.unique(codes[shown]):
    here = codes[shown] == code
    axes.scatter(*free_run[shown][here].T, s=0.3, label=f"regime {code:02b}")
for fixed_point in decomposer.fixed_points_:
    point = model.observe(fixed_point.point)  # the observed units, in the data's units
    axes.scatter(*point, s=80, marker="o", edgecolors="k", facecolors="k" if fixed_point.real else "none")
if cycles:
    loop = model.observe(cycles[0].points)
    axes.plot(*np.vstack([loop, loop[:1]]).T, color="k", lw=1.5, label=f"{cycles[0].order}-step cycle")
axes.set_xlabel("x")
axes.set_ylabel("y")
axes.set_zlabel("z")
axes.legend(markerscale=20, loc="upper left")
axes.set_title("AL-RNN free run, coloured by regime; fixed points (filled: real), shortest cycle")
figure.tight_layout()
figure.savefig("lorenz_regimes.png", dpi=120)
print("saved lorenz_regimes.png")
