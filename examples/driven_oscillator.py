"""A system driven from outside: a forced Duffing oscillator, with and without its drive as input.

The oscillator ``x'' + 0.3 x' - x + x^3 = 0.5 cos(1.2 t)`` (two wells, pushed between them by the
drive) is sampled every 0.05 time units; its position and velocity are the recorded series, and the
drive is the exogenous input, recorded in other units (``10 * drive + 50``, as a voltage on an
offset). Two forecasters are fitted on the first 10,000 steps, one reading the drive (``exog``) and
one without it, and compared on the 2,000 held-out steps: 40-step forecasts from every held-out
point (``metrics.prediction_error``), and one forecast of 200 steps from a context, plotted against
the recording. The regimes each model visits while reading the held-out series are counted with
``RegimeDecomposer``. Saves driven_oscillator.png.
Run: python examples/driven_oscillator.py [--max-iter 300]
"""

import argparse
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from scipy.integrate import solve_ivp

from sklearn_alrnn import ALRNNForecaster, RegimeDecomposer, metrics

DAMPING, STIFFNESS, CUBIC, FORCE, FREQUENCY = 0.3, -1.0, 1.0, 0.5, 1.2
DT, N_STEPS, N_TRAIN, HORIZON, CONTEXT, SHOWN = 0.05, 12_000, 10_000, 40, 400, 200

parser = argparse.ArgumentParser()
parser.add_argument("--max-iter", type=int, default=300, help="epochs (the default fit's 2,000 take minutes)")
args = parser.parse_args()


def duffing(t, state):
    x, v = state
    return [v, -DAMPING * v - STIFFNESS * x - CUBIC * x**3 + FORCE * np.cos(FREQUENCY * t)]


t = np.arange(N_STEPS) * DT
X = solve_ivp(duffing, (0, t[-1]), [0.5, 0.0], t_eval=t, rtol=1e-9, atol=1e-9).y.T
# The drive over each step, from row t to t + 1 (exog[t] drives that step), in a voltage's units.
drive = (10 * FORCE * np.cos(FREQUENCY * (t + DT / 2)) + 50)[:, None]
train, test = slice(0, N_TRAIN), slice(N_TRAIN, N_STEPS)
held_last = np.mean((X[test][HORIZON:] - X[test][:-HORIZON]) ** 2)
print(f"{HORIZON}-step mean squared error of holding the last value: {held_last:.4f}")

fig, axes = plt.subplots(1, 2, figsize=(12, 4))
axes[0].plot(np.arange(CONTEXT + SHOWN), X[test][: CONTEXT + SHOWN, 0], color="black", lw=2, label="recording")
for reads_drive, color in ((True, "tab:blue"), (False, "tab:red")):

    def inputs(rows):
        """The keyword arguments that hand the model the drive over ``rows``, if it reads it."""
        return {"exog": drive[rows]} if reads_drive else {}

    model = ALRNNForecaster(max_iter=args.max_iter, random_state=0)
    start = time.perf_counter()
    model.fit(X[train], **inputs(train))
    fit_time = time.perf_counter() - start
    error = metrics.prediction_error(model, X[test], HORIZON, **inputs(test))
    forecast = model.forecast(X[test][:CONTEXT], SHOWN, **inputs(slice(N_TRAIN, N_TRAIN + CONTEXT + SHOWN - 1)))
    regimes = RegimeDecomposer(model, prefit=True).fit(X[test], **inputs(test)).n_regimes_
    label = "with the drive as input" if reads_drive else "without it"
    print(f"{label:24s} {HORIZON}-step error {error:.4f}, {regimes} of {2**model.n_nonlinear_} regimes "
          f"visited, fit {fit_time:.0f} s")
    axes[0].plot(np.arange(CONTEXT, CONTEXT + SHOWN), forecast[:, 0], color=color, label=f"forecast, {label}")
    axes[1].plot(forecast[:, 0], forecast[:, 1], color=color, label=label)
axes[1].plot(X[test][CONTEXT : CONTEXT + SHOWN, 0], X[test][CONTEXT : CONTEXT + SHOWN, 1], color="black", lw=2,
             label="recording")
axes[0].axvline(CONTEXT, color="gray", ls=":")
axes[0].set(xlabel="held-out step", ylabel="position x", title=f"{SHOWN}-step forecasts after a context")
axes[1].set(xlabel="position x", ylabel="velocity x'", title="the forecasts' phase portraits")
axes[0].legend(fontsize=8)
fig.tight_layout()
fig.savefig("driven_oscillator.png", dpi=120)
print("Saved driven_oscillator.png")
