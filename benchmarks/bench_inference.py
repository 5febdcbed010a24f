"""Inference speed: predict 10,000 sequences (T = 200, M = 32, K = 4), on 1 and 2 threads.

sklearn_alrnn's ``predict`` (final states only, O(n M) memory) against
``torch.nn.RNN(nonlinearity="relu")`` + a linear readout under ``torch.no_grad``.
torch is optional: its rows are skipped with a message when it is absent. The
implementations are timed in interleaved rounds (``_timing.py``).

Run: python benchmarks/bench_inference.py
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from sklearn_alrnn import ALRNNRegressor
from _timing import best_times

try:
    import torch

    torch.set_num_threads(1)
except ImportError:
    torch = None

N, T, M, K, P = 10_000, 200, 32, 4, 4


def ours_predict(X, y, dtype, n_jobs):
    model = ALRNNRegressor(n_hidden=M, n_nonlinear=P, max_iter=1, dtype=dtype, n_jobs=n_jobs, random_state=0)
    model.fit(X[:64], y[:64])
    return lambda: model.predict(X)


def torch_predict(X, n_threads):
    torch.manual_seed(0)
    rnn = torch.nn.RNN(K, M, nonlinearity="relu", batch_first=True)
    head = torch.nn.Linear(M, 1)
    Xt = torch.from_numpy(X)

    def run():
        torch.set_num_threads(n_threads)
        try:
            with torch.no_grad():
                out, _ = rnn(Xt)
                return head(out[:, -1]).numpy()
        finally:
            torch.set_num_threads(1)

    return run


def main():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(N, T, K)).astype(np.float32)
    y = X[:, -5:, 0].sum(axis=1)
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        runs = {
            "ours float64": ours_predict(X, y, "float64", 1),
            "ours float32": ours_predict(X, y, "float32", 1),
            "ours float32, n_jobs=2": ours_predict(X, y, "float32", 2),
        }
        if torch is not None:
            runs["torch nn.RNN f32"] = torch_predict(X, 1)
            runs["torch nn.RNN f32, 2 threads"] = torch_predict(X, 2)
        else:
            print("torch not installed: its rows are skipped (pip install torch)")
        results = best_times(runs)
    print(f"predict {N} sequences, T={T}, M={M}, P={P}, K={K} (ms, 1 thread unless stated)")
    for name, ms in results.items():
        ratio = ""
        if name.startswith("torch"):
            ours = results["ours float32, n_jobs=2" if "2 threads" in name else "ours float32"]
            ratio = f"   ours f32 ({'2' if '2 threads' in name else '1'} thread(s)) is {ms / ours:5.1f}x faster"
        print(f"  {name:<28} {ms:8.1f} ms{ratio}")


if __name__ == "__main__":
    main()
