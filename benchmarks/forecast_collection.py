"""Forecasts of a collection of unrelated series, each in its own units: a Monash ``.tsf`` file.

Each series' last ``horizon`` values (the file's ``@horizon``) are held out; one
``ALRNNForecaster(random_state=s)`` with the defaults learns from all the training parts and
forecasts each from its own, read three ways: standardised together (what ``fit`` does with
several series, right for trials of one system in one unit; it warns here), each series
standardised by its own mean and standard deviation, and each series' first differences so
standardised (the forecasts' running sum added to its last value). The score is MASE (the mean
absolute error over the horizon divided by the series' mean absolute one-step change in its
training part, averaged over series, as the Monash archive scores yearly series), beside the last
value and the drift (the line through the first and last training values), and an autoregression
fitted to each series' training part by least squares (its order p <= 12, and at most a quarter of
the part, chosen by AIC), iterated over the horizon: what statsmodels' ``AutoReg`` would give.

A CSV file is one recorded series (its numeric columns, as ``sklearn-alrnn reconstruct`` reads
them; the forecasts of the first are scored), its last fifth (``--horizon``) held out; ``--log``
reads the logarithms of positive values.
The M1 competition's 181 yearly series and the classic single series (Box and Jenkins' airline
passengers, the Canadian lynx trappings, shampoo sales) ship inside aeon's wheel::

    pip download aeon==1.6.0 --no-deps -d /tmp/aeon && cd /tmp/aeon && unzip -q aeon-1.6.0-*.whl 'aeon/datasets/data/*'
    python benchmarks/forecast_collection.py /tmp/aeon/aeon/datasets/data/m1_yearly_dataset/m1_yearly_dataset.tsf
    python benchmarks/forecast_collection.py /tmp/aeon/aeon/datasets/data/Lynx/Lynx.csv --log --seeds 0 1 2

Run: python benchmarks/forecast_collection.py FILE.tsf|FILE.csv [--horizon H] [--log] [--seeds 0 1 2]
"""

import argparse
import os
import platform
import time
import warnings

import numpy as np

from sklearn_alrnn import ALRNNForecaster
from sklearn_alrnn._data_files import read_series
from sklearn_alrnn.datasets import load_tsf


def mase(forecasts, series, horizon):
    return np.mean([np.mean(np.abs(f[:, 0] - s[-horizon:, 0])) / np.mean(np.abs(np.diff(s[:-horizon, 0])))
                    for f, s in zip(forecasts, series)])


def autoregression_forecast(part, horizon, max_order=12):
    """The iterated forecast of a univariate part's least-squares autoregression with an intercept,
    its order (up to ``max_order`` and a quarter of the part) the one of least AIC, every order
    fitted on the same rows."""
    x = part[:, 0]
    largest = max(1, min(max_order, len(x) // 4))
    target = x[largest:]
    fits = []
    for p in range(1, largest + 1):
        design = np.column_stack([np.ones(len(target))] + [x[largest - k : len(x) - k] for k in range(1, p + 1)])
        coefficients = np.linalg.lstsq(design, target, rcond=None)[0]
        variance = max(np.mean((target - design @ coefficients) ** 2), 1e-300)
        fits.append((len(target) * np.log(variance) + 2 * (p + 1), p, coefficients))
    _, p, coefficients = min(fits, key=lambda fit: fit[0])
    history = list(x)
    for _ in range(horizon):
        history.append(coefficients[0] + coefficients[1:] @ np.asarray(history[-1 : -p - 1 : -1]))
    return np.asarray(history[len(x):])[:, None]


def read_collection(path, horizon, log):
    """The series of a .tsf file and its horizon, or a CSV file's one series and ``horizon`` (default:
    its last fifth), as logarithms where ``log``."""
    if path.endswith(".tsf"):
        series, _, metadata = load_tsf(path, return_metadata=True)
        name, horizon = metadata["relation"], horizon or metadata["horizon"]
    else:
        series, name = [read_series(path)[0]], os.path.basename(path)
        horizon = horizon or len(series[0]) // 5
    if log:
        series, name = [np.log(s) for s in series], f"log {name}"
    return [np.asarray(s, dtype=float) for s in series], name, horizon


def standardised_forecasts(seed, parts, horizon):
    """Forecasts of each part from a forecaster fitted on all of them, each read in its own moments."""
    moments = [(part.mean(axis=0), part.std(axis=0)) for part in parts]
    scaled = [(part - mean) / std for part, (mean, std) in zip(parts, moments)]
    model = ALRNNForecaster(random_state=seed).fit(scaled)
    return [f * std + mean for f, (mean, std) in zip(model.forecast(scaled, horizon), moments)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--horizon", type=int, help="steps held out (default: a .tsf file's, a CSV's last fifth)")
    parser.add_argument("--log", action="store_true", help="forecast the logarithms of the values")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    args = parser.parse_args()
    series, name, horizon = read_collection(args.file, args.horizon, args.log)
    train = [s[:-horizon] for s in series]
    print(f"{name}: {len(series)} series of {min(map(len, series))}-{max(map(len, series))} values, "
          f"horizon {horizon}; {platform.machine()}")
    print(f"{'method':<44}{'seed':>5}{'MASE':>10}{'s':>7}")
    drift = [t[-1] + (t[-1] - t[0]) / (len(t) - 1) * np.arange(1, horizon + 1)[:, None] for t in train]
    autoregressions = [autoregression_forecast(t, horizon) for t in train]
    for name, forecasts in (("last value", [np.repeat(t[-1:], horizon, axis=0) for t in train]), ("drift", drift),
                            ("autoregression, order by AIC", autoregressions)):
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
