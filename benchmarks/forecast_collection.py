"""Forecasts of a collection of unrelated series, each in its own units: a Monash ``.tsf`` file.

Each series' last ``horizon`` values (the file's ``@horizon``) are held out; one
``ALRNNForecaster(random_state=s)`` with the defaults learns from all the training parts and
forecasts each from its own, read three ways: standardised together (what ``fit`` does with
several series, right for trials of one system in one unit; it warns here), each series
standardised by its own mean and standard deviation, and each series' first differences so
standardised (the forecasts' running sum added to its last value). The score is MASE (the mean
absolute error over the horizon divided by the series' mean absolute one-step change in its
training part, averaged over series, as the Monash archive scores yearly series), beside the last
value and the drift (the line through the first and last training values).

The M1 competition's 181 yearly series ship inside aeon's wheel::

    pip download aeon==1.6.0 --no-deps -d /tmp/aeon && cd /tmp/aeon && unzip -q aeon-1.6.0-*.whl 'aeon/datasets/data/*'
    python benchmarks/forecast_collection.py /tmp/aeon/aeon/datasets/data/m1_yearly_dataset/m1_yearly_dataset.tsf

Run: python benchmarks/forecast_collection.py FILE.tsf [--seeds 0 1 2]
"""

import argparse
import platform
import time
import warnings

import numpy as np

from sklearn_alrnn import ALRNNForecaster
from sklearn_alrnn.datasets import load_tsf


def mase(forecasts, series, horizon):
    return np.mean([np.mean(np.abs(f[:, 0] - s[-horizon:, 0])) / np.mean(np.abs(np.diff(s[:-horizon, 0])))
                    for f, s in zip(forecasts, series)])


def standardised_forecasts(seed, parts, horizon):
    """Forecasts of each part from a forecaster fitted on all of them, each read in its own moments."""
    moments = [(part.mean(axis=0), part.std(axis=0)) for part in parts]
    scaled = [(part - mean) / std for part, (mean, std) in zip(parts, moments)]
    model = ALRNNForecaster(random_state=seed).fit(scaled)
    return [f * std + mean for f, (mean, std) in zip(model.forecast(scaled, horizon), moments)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    args = parser.parse_args()
    series, _, metadata = load_tsf(args.file, return_metadata=True)
    horizon = metadata["horizon"]
    train = [s[:-horizon] for s in series]
    print(f"{metadata['relation']}: {len(series)} series of {min(map(len, series))}-{max(map(len, series))} values, "
          f"horizon {horizon}; {platform.machine()}")
    print(f"{'method':<44}{'seed':>5}{'MASE':>10}{'s':>7}")
    drift = [t[-1] + (t[-1] - t[0]) / (len(t) - 1) * np.arange(1, horizon + 1)[:, None] for t in train]
    for name, forecasts in (("last value", [np.repeat(t[-1:], horizon, axis=0) for t in train]), ("drift", drift)):
        print(f"{name:<44}{'':>5}{mase(forecasts, series, horizon):10.3f}")
    for seed in args.seeds:
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # the warning this reading earns
            forecasts = ALRNNForecaster(random_state=seed).fit(train).forecast(train, horizon)
        rows = [("ALRNNForecaster, standardised together", forecasts, time.perf_counter() - start)]
        start = time.perf_counter()
        rows.append(("ALRNNForecaster, each series standardised", standardised_forecasts(seed, train, horizon),
                     time.perf_counter() - start))
        start = time.perf_counter()
        steps = standardised_forecasts(seed, [np.diff(t, axis=0) for t in train], horizon)
        rows.append(("ALRNNForecaster, each series' differences",
                     [t[-1] + np.cumsum(f, axis=0) for t, f in zip(train, steps)], time.perf_counter() - start))
        for name, forecasts, seconds in rows:
            print(f"{name:<44}{seed:>5}{mase(forecasts, series, horizon):10.3f}{seconds:7.1f}")


if __name__ == "__main__":
    main()
