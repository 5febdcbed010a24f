"""Inference speed: predict 10,000 sequences (T = 200, M = 32, K = 4) on one thread.

sklearn_alrnn's ``predict`` (final states only, O(n M) memory) against
``torch.nn.RNN(nonlinearity="relu")`` + a linear readout under ``torch.no_grad``.
torch is optional: its row is skipped with a message when it is absent.

Run: python benchmarks/bench_inference.py
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import time
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from sklearn_alrnn import ALRNNRegressor

try:
    import torch

    torch.set_num_threads(1)
except ImportError:
    torch = None

N, T, M, K, P = 10_000, 200, 32, 4, 4


def best_time(run, repeats=3):
    run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(N, T, K)).astype(np.float32)
    y = X[:, -5:, 0].sum(axis=1)
    results = {}
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for dtype in ("float64", "float32"):
            model = ALRNNRegressor(n_hidden=M, n_nonlinear=P, max_iter=1, dtype=dtype, random_state=0)
            model.fit(X[:64], y[:64])
            results[f"ours {dtype}"] = best_time(lambda: model.predict(X))
        model = ALRNNRegressor(n_hidden=M, n_nonlinear=P, max_iter=1, dtype="float32", n_jobs=2, random_state=0)
        model.fit(X[:64], y[:64])
        results["ours float32, n_jobs=2"] = best_time(lambda: model.predict(X))
        if torch is not None:
            rnn = torch.nn.RNN(K, M, nonlinearity="relu", batch_first=True)
            head = torch.nn.Linear(M, 1)
            Xt = torch.from_numpy(X)

            def torch_predict():
                with torch.no_grad():
                    out, _ = rnn(Xt)
                    return head(out[:, -1]).numpy()

            results["torch nn.RNN f32"] = best_time(torch_predict)
        else:
            print("torch not installed: its row is skipped (pip install torch)")
    ours = results["ours float32"]
    print(f"predict {N} sequences, T={T}, M={M}, P={P}, K={K} (ms, 1 thread unless stated)")
    for name, ms in results.items():
        ratio = "" if name.startswith("ours") else f"   ours f32 is {ms / ours:5.1f}x faster"
        print(f"  {name:<24} {ms:8.1f} ms{ratio}")


if __name__ == "__main__":
    main()
