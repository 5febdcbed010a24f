"""Token input against the same model on dense one-hot input (issue 14): time per training epoch.

A token step adds one column of C (O(M)); a one-hot step multiplies C by a vector of V entries
(O(M V)) and its gradient is a product as wide. Same sequences, same model, same float type; the
ratio is printed in one run (the machines are noisy: compare ratios).

    python benchmarks/bench_tokens.py [--vocabulary 5000] [--n-sequences 128] [--n-timesteps 40]
"""

import argparse
import os
import time
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from sklearn_alrnn import ALRNNClassifier  # noqa: E402


def _epoch_seconds(model, X, y, epochs=3, repeats=3):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.set_params(max_iter=1).fit(X[:40], y[:40])  # compile outside the timing
        best = np.inf
        for _ in range(repeats):
            start = time.perf_counter()
            model.set_params(max_iter=epochs, tol=0.0, n_iter_no_change=epochs + 1).fit(X, y)
            best = min(best, (time.perf_counter() - start) / model.n_iter_)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vocabulary", type=int, default=5000)
    parser.add_argument("--n-sequences", type=int, default=128)
    parser.add_argument("--n-timesteps", type=int, default=40)
    parser.add_argument("--n-hidden", type=int, default=32)
    args = parser.parse_args()
    rng = np.random.RandomState(0)
    V, n, T = args.vocabulary, args.n_sequences, args.n_timesteps
    ids = rng.randint(0, V, size=(n, T))
    ids[:, -1] = V - 1  # every model sees the whole vocabulary
    y = (ids[:, 0] < V // 2).astype(int)
    one_hot = np.zeros((n, T, V), dtype=np.float32)
    one_hot[np.arange(n)[:, None], np.arange(T)[None, :], ids] = 1.0
    settings = dict(n_hidden=args.n_hidden, n_nonlinear=2, batch_size=32, dtype="float32", random_state=0)
    tokens = _epoch_seconds(ALRNNClassifier(input_type="tokens", **settings), ids, y)
    dense = _epoch_seconds(ALRNNClassifier(**settings), one_hot, y)
    print(f"M={args.n_hidden}, P=2, V={V}, {n} sequences of {T} steps, batch 32, float32, 1 thread")
    print(f"  tokens (embedding columns): {tokens * 1e3:8.1f} ms/epoch")
    print(f"  dense one-hot input:        {dense * 1e3:8.1f} ms/epoch")
    print(f"  one-hot / tokens: {dense / tokens:.1f}x")


if __name__ == "__main__":
    main()
