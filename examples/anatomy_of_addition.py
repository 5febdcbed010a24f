"""Anatomy of one trained adding-problem model: the gate, the memory, the fixed points.

Trains an AL-RNN with P = 2 ReLU units on the adding problem, then shows
- which ReLU unit switches on when a marker arrives (the gate),
- the slow mode (eigenvalue near 1) that stores the running sum,
- the fixed point of each regime (real or virtual) and its stability.
Saves anatomy_gate.png and anatomy_eigenvalues.png.
Run: python examples/anatomy_of_addition.py
"""

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from sklearn_alrnn import ALRNNRegressor, RegimeDecomposer, analysis, datasets, plotting

warnings.simplefilter("ignore")
X, y = datasets.make_addition(2000, 30, random_state=0)
model = ALRNNRegressor(n_hidden=16, n_nonlinear=2, random_state=0).fit(X[:1600], y[:1600])
print(f"test MSE {np.mean((model.predict(X[1600:]) - y[1600:]) ** 2):.4f}")

dec = RegimeDecomposer(model, prefit=True).fit(X[1600:])
print(dec.summary().to_string(index=False))

# The gate: ReLU activity against the marker channel.
states = model.hidden_states(X[1600:1601])[0]
codes = dec.transform(X[1600:])
marker = X[1600:, :, 1] == 1
for code, system in zip(dec.regimes_, dec.linear_systems_):
    share_marker = np.mean(codes[marker] == code)
    share_other = np.mean(codes[~marker] == code)
    print(f"regime {system.bits}: {share_marker:.0%} of marker steps, {share_other:.0%} of other steps")
on_at_marks, on_elsewhere = (analysis.regime_usage(codes[steps], 2).on_fraction for steps in (marker, ~marker))
usage = analysis.regime_usage(codes, 2)
for unit in range(2):  # the gate is the unit on at the marks and off elsewhere
    print(f"ReLU unit {unit + 1}: on at {on_at_marks[unit]:.0%} of marker steps, {on_elsewhere[unit]:.0%} of others; "
          f"switches at {usage.switch_rate[unit]:.1%} of steps")

fig, axes = plt.subplots(2, 1, figsize=(9, 5), sharex=True)
axes[0].plot(X[1600, :, 0], label="value")
axes[0].stem(np.flatnonzero(X[1600, :, 1]), X[1600, X[1600, :, 1] == 1, 0], "r", label="marked")
axes[0].legend()
plotting.plot_regime_timeseries(states[:, -2:], codes[0], ax=axes[1])
axes[1].set_ylabel("ReLU units")
fig.tight_layout()
fig.savefig("anatomy_gate.png", dpi=120)

# The memory: the eigenvalue closest to 1 in each regime.
for system, eigenvalues in zip(dec.linear_systems_, dec.eigenvalues_):
    slow = eigenvalues[np.argmin(np.abs(eigenvalues - 1))]
    print(f"regime {system.bits}: slowest mode lambda = {slow:.4f} (time constant {-1 / np.log(abs(slow)):.0f} steps)")
for fp in dec.fixed_points_:
    print(f"regime {fp.bits}: fixed point {'real' if fp.real else 'virtual'}, {fp.stability}")
ax = plotting.plot_eigenvalues(dec)
ax.figure.savefig("anatomy_eigenvalues.png", dpi=120)
print("saved anatomy_gate.png, anatomy_eigenvalues.png")
