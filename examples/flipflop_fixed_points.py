"""The 3-bit flip-flop's memory read off a trained AL-RNN: eight stable fixed points.

Sussillo & Barak (2013) showed that a network trained on the N-bit flip-flop stores each of its
2^N patterns as a stable fixed point of the input-free map, with saddles between them. An AL-RNN
makes the search exact: each linear regime has one fixed point, solved for, not searched for.
This script trains one (24 units, 8 ReLU units) on the 3-bit task, lists the real fixed points of
the zero-input map, holds each pattern for 195 steps after its pulse to show which point it rests
on, runs the input-free map from the states the network visits on data to see which memory each
falls into (``analysis.find_attractors``: the basins' shares), and plots the fixed points and each
pattern's path to its point in three principal components.
Saves flipflop_fixed_points.png.
Run: python examples/flipflop_fixed_points.py
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from sklearn_alrnn import ALRNNRegressor, RegimeDecomposer, datasets
from sklearn_alrnn.analysis import code_to_bits, find_attractors

X, y = datasets.make_flipflop(800, 100, n_bits=3, random_state=0)
model = ALRNNRegressor(n_hidden=24, n_nonlinear=8, random_state=0).fit(X[:600], y[:600])
print(f"held-out R^2 {model.score(X[600:], y[600:]):.3f} after {model.n_iter_} epochs")

decomposer = RegimeDecomposer(model, prefit=True).fit(X[600:])
real = [point for point in decomposer.all_fixed_points() if point.real]
stable = [point for point in real if np.abs(point.eigenvalues).max() < 1]
saddles = [point for point in real if point.stability == "saddle"]
print(f"{len(decomposer.regimes_)} of {2 ** 8} regimes visited; zero-input map: {len(stable)} stable real fixed "
      f"points, {len(saddles)} saddles")

# Each pattern: one pulse at step 5, then nothing for 195 steps. Where does the state rest?
patterns = np.array([[a, b, c] for a in (1, -1) for b in (1, -1) for c in (1, -1)])
probes = np.zeros((len(patterns), 200, 3))
probes[:, 5] = patterns
held = model.hidden_states(probes)[:, -1]
readouts = model.predict(probes)[:, -1]
for pattern, state, readout in zip(patterns, held, readouts):
    distances = [np.linalg.norm(state - point.point) for point in stable]
    nearest = stable[int(np.argmin(distances))]
    print(f"pattern {pattern}: rests {min(distances):.1e} from the fixed point of regime {nearest.bits} "
          f"(largest |eigenvalue| {np.abs(nearest.eigenvalues).max():.2f}); reads out {np.round(readout, 2)}")

# Started from every state the network passes through on held-out data, where does the input-free map
# take it? Each run settles on one of the stable fixed points: the memory it was holding.
states = model.hidden_states(X[600:]).reshape(-1, model.a_.shape[0])
found = find_attractors(model.a_, model.W_, model.h_, states[::5], n_nonlinear=model.n_nonlinear_)
print(f"input-free runs from {len(found.labels)} states on data settle on {len(found.attractors)} attractors "
      f"(none reached from {found.fraction_without_attractor:.0%}):")
for attractor in found.attractors:
    readout = attractor.points[0] @ model.B_.T + model.b_
    bits = code_to_bits(attractor.codes[0], model.n_nonlinear_)
    print(f"  {attractor.kind} in regime {bits}, reads out {np.round(readout, 2)}: basin "
          f"{attractor.basin_fraction:.0%} of the states")

# The fixed points in the three principal components of the stable ones (a cube, one corner per
# pattern), with each probe's path from its pulse to where it rests.
stable_points = np.array([point.point for point in stable])
centre = stable_points.mean(axis=0)
_, _, components = np.linalg.svd(stable_points - centre, full_matrices=False)
project = lambda points: (np.atleast_2d(points) - centre) @ components[:3].T  # noqa: E731
fig = plt.figure(figsize=(6, 5.5))
ax = fig.add_subplot(projection="3d")
paths = model.hidden_states(probes)[:, 6:]
for i, (pattern, path) in enumerate(zip(patterns, paths)):
    label = "".join("+" if bit > 0 else "-" for bit in pattern)
    ax.plot(*project(path).T, color=f"C{i}", lw=1)
    ax.text(*(project(path[-1])[0] + [0.15, 0.15, 0.3]), label, fontsize=9)
ax.scatter(*project(stable_points).T, s=50, color="k", depthshade=False, label="stable fixed points")
if saddles:
    ax.scatter(*project(np.array([point.point for point in saddles])).T, s=30, facecolors="none",
               edgecolors="C3", depthshade=False, label="saddles")
ax.set_xlabel("PC 1")
ax.set_ylabel("PC 2")
ax.set_zlabel("PC 3")
ax.set_title("3-bit flip-flop: one stable fixed point per pattern")
ax.legend(loc="upper left", fontsize=8)
fig.tight_layout()
fig.savefig("flipflop_fixed_points.png", dpi=120)
print("saved flipflop_fixed_points.png")
