"""Resource bounds (issue 15, item 5): long sequences, inputs too large to copy, oversized requests.

Prints, in one run: the time and peak memory of an epoch at T = 10,000 against T = 1,000 (the
ratio should be near 10: time and memory linear in T); the peak memory of predicting an input
whose float64 copy would take COPY_GIB, as a share of that copy (streaming in blocks keeps it
near one block); how quickly an oversized ``hidden_states`` request is refused; and the time and
peak memory of the regime analysis of a fully nonlinear PLRNN whose trajectory visits a new regime
at every step, as a share of the dense transition matrix it avoids.

    python benchmarks/bench_resources.py [--copy-gib 1.0] [--n-regimes 60000]
"""

import argparse
import time
import tracemalloc
import warnings

import numpy as np

from sklearn_alrnn import ALRNNClassifier, ALRNNRegressor, RegimeDecomposer
from sklearn_alrnn._base import PREDICT_BLOCK_BYTES


def _measured(call):
    tracemalloc.start()
    start = time.perf_counter()
    try:
        result = call()
        return result, time.perf_counter() - start, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def long_sequences():
    rng = np.random.RandomState(0)
    rows = []
    for T in (1_000, 10_000):
        X = rng.normal(size=(16, T, 2))
        y = X[:, -20:, 0].sum(axis=1)
        model = ALRNNRegressor(n_hidden=32, n_nonlinear=2, max_iter=3, batch_size=16, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X[:, :50], y)  # compile outside the measurement
            _, seconds, peak = _measured(lambda: model.set_params(max_iter=3).fit(X, y))
        rows.append((T, seconds / 3, peak))
    print("fit, M=32, 16 sequences, batch 16 (per epoch)")
    for T, seconds, peak in rows:
        print(f"  T = {T:>6,}: {seconds * 1e3:8.1f} ms/epoch, peak {peak / 2**20:7.1f} MiB")
    print(f"  ratio T=10,000 / T=1,000: time {rows[1][1] / rows[0][1]:.1f}x, memory {rows[1][2] / rows[0][2]:.1f}x")


def streamed_prediction(copy_gib):
    rng = np.random.RandomState(0)
    X_train = rng.normal(size=(60, 50, 2)).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ALRNNClassifier(n_hidden=16, max_iter=2, random_state=0).fit(X_train, np.arange(60) % 2)
    n = int(copy_gib * 2**30 / (50 * 2 * 8))
    X = np.broadcast_to(np.float32(0.5), (n, 50, 2))  # float32, one value: costs no memory itself
    labels, seconds, peak = _measured(lambda: model.predict(X))
    copy = X.size * 8
    print(f"predict on {n:,} float32 sequences of 50 steps (a float64 copy: {copy / 2**30:.2f} GiB)")
    print(f"  {seconds:.1f} s, peak {peak / 2**20:.0f} MiB = {peak / copy:.3f} of the copy "
          f"(blocks of {PREDICT_BLOCK_BYTES / 2**20:.0f} MiB); answers {labels.shape}")
    huge = np.broadcast_to(np.float32(0.0), (10**6, 10**4, 2))
    start = time.perf_counter()
    try:
        model.hidden_states(huge)
    except ValueError as error:
        print(f"hidden_states on 10^6 x 10^4 steps refused in {1e3 * (time.perf_counter() - start):.1f} ms: {error}")


def many_regimes(n_regimes, n_hidden=40):
    rng = np.random.RandomState(0)
    a, W = rng.uniform(0.2, 0.8, n_hidden), rng.normal(size=(n_hidden, n_hidden)) / np.sqrt(n_hidden)
    decomposer = RegimeDecomposer.from_parameters(a, W, rng.normal(size=n_hidden), n_nonlinear=n_hidden)
    states = rng.normal(size=(n_regimes, n_hidden))  # 40 random signs a step: a new regime at every step
    _, seconds, peak = _measured(lambda: decomposer.fit_states(states))
    dense = decomposer.n_regimes_**2 * 8
    print(f"fit_states of a PLRNN (M = P = {n_hidden}) over {n_regimes:,} steps: {decomposer.n_regimes_:,} regimes "
          f"in {seconds:.1f} s, peak {peak / 2**20:.0f} MiB = {peak / dense:.4f} of a dense transition matrix "
          f"({dense / 2**30:.1f} GiB)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copy-gib", type=float, default=1.0, help="size of the float64 copy streaming avoids")
    parser.add_argument("--n-regimes", type=int, default=60_000, help="regimes visited in the regime analysis")
    args = parser.parse_args()
    long_sequences()
    streamed_prediction(args.copy_gib)
    many_regimes(args.n_regimes)


if __name__ == "__main__":
    main()
