"""Reconstruct a recorded physiological oscillator: the ankle accelerometer of a walking person.

Reads the Daphnet gait recording that ships in aeon's wheel (``datasets.load_daphnet_gait``; get
it with ``pip download aeon==1.6.0 --no-deps``): three ankle channels at 64 Hz. Fits
``ALRNNForecaster(n_hidden=20, n_nonlinear=2, forcing_interval=8)`` on the first 80%, then, on the held-out 20%:
forecasts one second ahead from each stride's context, runs the model freely from the held-out
first point, and compares the free run's cadence (the dominant frequency of the vertical
acceleration, in steps per minute) and state-space geometry to the recording, as well as the
geometry of a run driven by the map's one-step noise (``generate(process_noise=1)``), and prints the
map's Lyapunov exponents per second (a stable gait: a limit cycle, dimension 1) and the
correlation dimensions of the recording and of both runs, and the stride's period in the free run
and the recording (``metrics.return_period``). Plots the recorded
and generated vertical acceleration and the two phase portraits, the free run coloured by regime.
Saves gait_reconstruction.png.
Run: python examples/gait_reconstruction.py [aeon-1.6.0-py3-none-any.whl] [--max-iter 2000]
(without the wheel: from an installed aeon that ships the recording)
"""

import argparse
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from sklearn_alrnn import ALRNNForecaster, RegimeDecomposer, datasets, metrics

RATE = 64  # samples per second
ANKLE = ["ankle_horiz_fwd", "ankle_vert", "ankle_horiz_lateral"]

parser = argparse.ArgumentParser()
parser.add_argument(
    "wheel", nargs="?", help="aeon-1.6.0-py3-none-any.whl, or S06R02E0.csv from it; default: an installed aeon"
)
parser.add_argument("--max-iter", type=int, default=ALRNNForecaster().max_iter)
args = parser.parse_args()

try:
    recording = datasets.load_daphnet_gait(args.wheel, channels=ANKLE) / 1000.0  # milli-g -> g
except ValueError as error:  # no wheel given and no aeon installed, or not the recording
    parser.error(str(error))
split = int(0.8 * len(recording))
train, test = recording[:split], recording[split:]
# Forcing every 8 steps (1/8 s) instead of the default 16: the heel strikes make the recording
# unpredictable sooner than a smooth chaotic flow, and with 16 the free run kept the wrong cadence
# (172 against 115 steps per minute; benchmarks/RESULTS.md).
model = ALRNNForecaster(n_hidden=20, n_nonlinear=2, forcing_interval=8, max_iter=args.max_iter, random_state=0)
model.fit(train)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", RuntimeWarning)
    free_run, states = model.generate(len(test), x0=test[0], return_states=True)
    # The same map driven by noise of its one-step errors' covariance: a deterministic map follows
    # the noisy recording's conditional mean, which is narrower than the recording.
    noisy_run = model.generate(len(test), x0=test[0], process_noise=1.0, random_state=0)


def cadence(series):
    """Dominant frequency of a signal, in cycles per minute."""
    spectrum = np.abs(np.fft.rfft(series - series.mean()))
    frequencies = np.fft.rfftfreq(len(series), d=1 / RATE)
    return 60 * frequencies[1 + np.argmax(spectrum[1:])]


second = RATE
errors = [np.mean((model.forecast(test[:t], second) - test[t : t + second]) ** 2)
          for t in range(RATE, len(test) - second, RATE)]
print(f"held-out: {len(test)} steps ({len(test) / RATE:.0f} s)")
print(f"one-second forecasts from each second of context: MSE {np.mean(errors):.4f} g^2 "
      f"(the signal's variance: {test.var(axis=0).mean():.4f})")
print(f"cadence of the vertical acceleration: recorded {cadence(test[:, 1]):.1f}/min, "
      f"free run {cadence(free_run[:, 1]):.1f}/min")
print(f"D_stsp {metrics.state_space_divergence(test, free_run):.3f}   "
      f"D_H {metrics.power_spectrum_distance(test, free_run):.3f}   "
      f"(training part against held-out part: {metrics.state_space_divergence(test, train):.3f}, "
      f"{metrics.power_spectrum_distance(test, train):.3f})")
print(f"with process_noise=1: D_stsp {metrics.state_space_divergence(test, noisy_run):.3f}   "
      f"D_H {metrics.power_spectrum_distance(test, noisy_run):.3f}   "
      f"standard deviations {np.round(noisy_run.std(axis=0), 3)} (free run {np.round(free_run.std(axis=0), 3)}, "
      f"recorded {np.round(test.std(axis=0), 3)})")
# A stable gait is a limit cycle: its largest exponent 0 (along the cycle), the rest negative, dimension 1.
# A finite run measures that 0 only to within about 2 / n_steps, on either side.
n_steps = 20_000
exponents = metrics.lyapunov_spectrum(model, n_steps=n_steps, x0=test[0])
print(f"Lyapunov exponents {', '.join(f'{value * RATE:.2f}' for value in exponents[:3])} per second; "
      f"Kaplan-Yorke dimension {metrics.kaplan_yorke_dimension(exponents, zero_tolerance=3 / n_steps):.2f}")
# The correlation dimension needs no model: the recording's own beside the runs'. The free run
# approaches its cycle at the second exponent's rate (a time constant of 1.4 s), so its first
# 1,408 steps hold the approach too: measure it once it has settled.
settled = model.generate(20_000, x0=test[0])[5_000:]
with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)  # short or noisy sets bend the scaling range
    dimensions = [metrics.correlation_dimension(run, random_state=0) for run in (test, free_run, settled, noisy_run)]
print("correlation dimension D_2: recorded {:.2f}; free run {:.2f}, after step 5,000 {:.2f}; "
      "with process_noise=1 {:.2f}".format(*dimensions))
# The stride's period: the settled run comes back after 65 steps to within 2e-4 of its spread
# (return_period's d), the recorded strides only to 0.66 (a mean autocorrelation of 0.34), so
# their typical period needs a wider tolerance.
period, recorded_period = metrics.return_period(settled), metrics.return_period(test, tolerance=0.7)
print(f"period of a stride: free run {period:.2f} steps ({period / RATE:.3f} s), recorded {recorded_period:.2f} "
      f"({recorded_period / RATE:.3f} s); a perturbation across the cycle shrinks by "
      f"{np.exp(exponents[1] * period):.2f} in one stride")
decomposer = RegimeDecomposer(model, prefit=True).fit(test)
print(decomposer.summary().to_string(index=False))

codes = (states[:, -2:] > 0) @ np.array([2, 1])
seconds = np.arange(len(test)) / RATE
figure, axes = plt.subplots(1, 3, figsize=(14, 4))
shown = slice(0, 6 * RATE)
axes[0].plot(seconds[shown], test[shown, 1], label="recorded")
axes[0].plot(seconds[shown], free_run[shown, 1], label="free run")
axes[0].set_xlabel("s")
axes[0].set_ylabel("vertical acceleration (g)")
axes[0].legend()
axes[1].plot(test[:, 0], test[:, 1], lw=0.3, color="k")
axes[1].set_title("recorded (held out)")
for code in np.unique(codes):
    here = codes == code
    axes[2].scatter(free_run[here, 0], free_run[here, 1], s=0.5, label=f"regime {code:02b}")
axes[2].set_title("free run, coloured by regime")
axes[2].legend(markerscale=10)
for ax in axes[1:]:
    ax.set_xlabel("forward acceleration (g)")
    ax.set_ylabel("vertical acceleration (g)")
figure.tight_layout()
figure.savefig("gait_reconstruction.png", dpi=110)
print("saved gait_reconstruction.png")
