"""Training speed: sklearn_alrnn's CPU engine against PyTorch and JAX, in one process.

One epoch = forward + BPTT + Adam over the same data (ours: the mean epoch of a
5-epoch ``fit``, so input validation is amortised as in real use) (64 sequences of T steps, K = 4
features, one regression output read at the last step), every implementation on
one thread. Prints ms per epoch (best of interleaved rounds, see ``_timing.py``), ratios, our GFLOP/s against
the single-core SGEMM / DGEMM peak measured here, and checks our gradients against
torch autograd on the first batch. torch and jax are optional: a missing one is
skipped with a message.

Run: python benchmarks/bench_training.py [--scaling] [--memory] [--pooled]
"""

import os

os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import tracemalloc
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from sklearn_alrnn import ALRNNRegressor
from sklearn_alrnn._kernels.cpu import CPUEngine
from sklearn_alrnn._loss import loss_and_gradients
from sklearn_alrnn._model import PARAMETER_NAMES, initialize_parameters
from _timing import best_time, best_times

try:
    import torch

    torch.set_num_threads(1)
except ImportError:
    torch = None
try:
    import jax
    import jax.numpy as jnp
except ImportError:
    jax = None

K = 4
N_SEQUENCES = 64


def make_data(M, T, n, dtype, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, T, K)).astype(dtype)
    y = X[:, -5:, 0].sum(axis=1).astype(dtype)
    params = initialize_parameters(M, K, 1, rng, dtype)
    return X, y, params


def epoch_flops(M, T, n):
    """Multiply-adds of the three M x M products per step (forward, carry, dL/dW), x2."""
    return 3 * 2 * M * M * T * n


# ----------------------------------------------------------------------- ours
def ours_epoch(X, y, M, P, batch, dtype, epochs=5, readout="last"):
    """Mean time of one epoch inside ``fit`` (input validation and set-up amortised)."""
    model = ALRNNRegressor(
        n_hidden=M, n_nonlinear=P, batch_size=batch, alpha=0.0, clip_norm=None, shuffle=False,
        learning_rate_init=1e-3, learning_rate="constant", max_iter=epochs,
        dtype=np.dtype(dtype).name, readout=readout, random_state=0,
    )

    class Epoch:
        def __call__(self):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(X, y)
            if model.n_iter_ != epochs:  # a fit that diverged stops early: not a timing
                raise RuntimeError("diverged")

    run = Epoch()
    run.epochs = epochs
    return run


# ---------------------------------------------------------------------- torch
def torch_loop_epoch(X, y, params, P, batch):
    """An AL-RNN as research code writes it: a Python loop over time, autograd for BPTT."""
    tensors = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    optimizer = torch.optim.Adam(tensors.values(), lr=1e-3)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    M = params["a"].shape[0]

    def loss_of(xb, yb):
        a, W, h, C, B, b = (tensors[k] for k in PARAMETER_NAMES)
        z = torch.zeros(xb.shape[0], M, dtype=xb.dtype)
        for t in range(xb.shape[1]):
            phi = torch.cat([z[:, : M - P], torch.relu(z[:, M - P :])], dim=1)
            z = a * z + phi @ W.T + xb[:, t] @ C.T + h
        out = (z @ B.T + b)[:, 0]
        return 0.5 * ((out - yb) ** 2).mean()

    def run():
        for s in range(0, len(Xt), batch):
            optimizer.zero_grad()
            loss_of(Xt[s : s + batch], yt[s : s + batch]).backward()
            optimizer.step()

    return run, loss_of, tensors


def torch_rnn_epoch(X, y, M, batch, readout="last"):
    torch.manual_seed(0)
    rnn = torch.nn.RNN(K, M, nonlinearity="relu", batch_first=True).to(torch.from_numpy(X).dtype)
    head = torch.nn.Linear(M, 1).to(rnn.weight_hh_l0.dtype)
    optimizer = torch.optim.Adam(list(rnn.parameters()) + list(head.parameters()), lr=1e-3)
    Xt, yt = torch.tensor(X), torch.tensor(y)

    def run():
        for s in range(0, len(Xt), batch):
            optimizer.zero_grad()
            out, _ = rnn(Xt[s : s + batch])
            features = out[:, -1] if readout == "last" else out.max(dim=1).values
            loss = 0.5 * ((head(features)[:, 0] - yt[s : s + batch]) ** 2).mean()
            loss.backward()
            optimizer.step()

    return run


# ------------------------------------------------------------------------ jax
def jax_epoch(X, y, params, P, batch):
    M = params["a"].shape[0]
    theta = {k: jnp.asarray(v) for k, v in params.items()}

    def loss_fn(theta, xb, yb):
        def step(z, x_t):
            phi = jnp.concatenate([z[:, : M - P], jax.nn.relu(z[:, M - P :])], axis=1)
            z = theta["a"] * z + phi @ theta["W"].T + x_t @ theta["C"].T + theta["h"]
            return z, None

        z0 = jnp.zeros((xb.shape[0], M), dtype=xb.dtype)
        z, _ = jax.lax.scan(step, z0, jnp.swapaxes(xb, 0, 1))
        out = (z @ theta["B"].T + theta["b"])[:, 0]
        return 0.5 * jnp.mean((out - yb) ** 2)

    @jax.jit
    def update(theta, m, v, t, xb, yb):
        grads = jax.grad(loss_fn)(theta, xb, yb)
        m = jax.tree.map(lambda m, g: 0.9 * m + 0.1 * g, m, grads)
        v = jax.tree.map(lambda v, g: 0.999 * v + 0.001 * g * g, v, grads)
        lr = 1e-3 * jnp.sqrt(1 - 0.999**t) / (1 - 0.9**t)
        theta = jax.tree.map(lambda p, m, v: p - lr * m / (jnp.sqrt(v) + 1e-8), theta, m, v)
        return theta, m, v

    Xj, yj = jnp.asarray(X), jnp.asarray(y)
    state = {"theta": theta, "m": jax.tree.map(jnp.zeros_like, theta), "v": jax.tree.map(jnp.zeros_like, theta)}

    def run():
        t = 0
        for s in range(0, len(Xj), batch):
            t += 1
            state["theta"], state["m"], state["v"] = update(
                state["theta"], state["m"], state["v"], t, Xj[s : s + batch], yj[s : s + batch]
            )
        jax.block_until_ready(state["theta"])

    return run


# --------------------------------------------------------------------- checks
def check_gradients_against_torch(M=32, P=4, T=50, batch=32):
    if torch is None:
        print("torch not installed: gradient check skipped")
        return
    X, y, params = make_data(M, T, batch, np.float64)
    _, loss_of, tensors = torch_loop_epoch(X, y, params, P, batch)
    loss_of(torch.tensor(X), torch.tensor(y)).backward()
    _, grads = loss_and_gradients(
        params, X, np.full(batch, T), y[:, None], loss="squared_error", alpha=0.0,
        per_step=False, engine=CPUEngine(M, P, 1),
    )
    worst = max(
        np.abs(grads[k] - tensors[k].grad.numpy()).max() / np.abs(tensors[k].grad.numpy()).max()
        for k in PARAMETER_NAMES
    )
    print(f"Gradients vs torch autograd (float64, M={M}, P={P}, T={T}): max relative error {worst:.1e}")
    assert worst < 1e-10, "gradients disagree with torch autograd"


def gemm_peak(dtype, size=1024):
    A = np.random.rand(size, size).astype(dtype)
    seconds = best_time(lambda: A @ A, repeats=5) / 1000
    return 2 * size**3 / seconds / 1e9


def compare(M, P, batch, T=200):
    runs = {}
    for dtype in (np.float64, np.float32):
        X, y, params = make_data(M, T, N_SEQUENCES, dtype)
        runs[f"ours {np.dtype(dtype).name}"] = ours_epoch(X, y, M, P, batch, dtype)
    X, y, params = make_data(M, T, N_SEQUENCES, np.float32)
    if torch is not None:
        runs["torch loop f32"] = torch_loop_epoch(X, y, params, P, batch)[0]
        runs["torch nn.RNN f32"] = torch_rnn_epoch(X, y, M, batch)
    if jax is not None:
        runs["jax scan f32"] = jax_epoch(X, y, params, P, batch)
    # The torch baselines take seconds per epoch at batch 1: fewer rounds there.
    slow = 1 if batch == 1 else 5
    results = best_times(runs, {name: slow if name.startswith("torch") else 5 for name in runs})
    ours = results["ours float32"]
    print(f"\nM={M}, P={P}, K={K}, batch={batch}, T={T}, {N_SEQUENCES} sequences (ms per epoch, 1 thread)")
    for name, ms in results.items():
        ratio = "" if name.startswith("ours") else f"   ours f32 is {ms / ours:6.1f}x faster"
        print(f"  {name:<18} {ms:9.1f} ms{ratio}")
    gflops = epoch_flops(M, T, N_SEQUENCES) / (ours / 1000) / 1e9
    return results, gflops


def pooled_readouts(M=32, P=4, batch=32, T=200):
    """The pooled readouts' cost: ours with each readout against nn.RNN with a last / max readout."""
    X, y, _ = make_data(M, T, N_SEQUENCES, np.float32)
    runs = {f"ours f32, {r}": ours_epoch(X, y, M, P, batch, np.float32, readout=r) for r in ("last", "mean", "max")}
    if torch is not None:
        runs.update({f"torch nn.RNN, {r}": torch_rnn_epoch(X, y, M, batch, readout=r) for r in ("last", "max")})
    results = best_times(runs, 5)
    print(f"\nPooled readouts: M={M}, P={P}, K={K}, batch={batch}, T={T}, {N_SEQUENCES} sequences (ms per epoch)")
    for name, ms in results.items():
        print(f"  {name:<20} {ms:9.1f} ms   {ms / results['ours f32, last']:5.2f}x ours-last"
              f"   ours-max faster by {ms / results['ours f32, max']:5.2f}x")


def scaling_table():
    print("\nScaling, ours float32, 1 thread: ms per epoch over 256 sequences (GFLOP/s)")
    print(f"{'M':>5} {'T':>6} " + " ".join(f"{'batch ' + str(b):>18}" for b in (1, 32, 256)))
    for M in (8, 16, 32, 64, 128, 256):
        for T in (50, 200, 1000):
            cells = []
            X, y, _ = make_data(M, T, 256, np.float32)
            for batch in (1, 32, 256):
                try:
                    ms = best_time(ours_epoch(X, y, M, max(1, M // 8), batch, np.float32, epochs=1), repeats=1)
                except RuntimeError:
                    cells.append("diverged")
                    continue
                cells.append(f"{ms:9.1f} ({epoch_flops(M, T, 256) / ms / 1e6:5.1f})")
            print(f"{M:>5} {T:>6} " + " ".join(f"{c:>18}" for c in cells), flush=True)


def memory_use(T=5000, M=64, batch=32):
    X, y, _ = make_data(M, T, batch, np.float32)
    run = ours_epoch(X, y, M, 8, batch, np.float32, epochs=1)
    run()
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    states = batch * (T + 1) * M * 4
    print(f"\nMemory, T={T}, M={M}, batch={batch}, float32: peak {peak / 2**20:.1f} MiB of NumPy "
          f"allocations in an epoch; one copy of the state trajectories is {states / 2**20:.1f} MiB")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scaling", action="store_true", help="also print the M x T x batch table")
    parser.add_argument("--memory", action="store_true", help="also measure memory at large T")
    parser.add_argument("--pooled", action="store_true", help="only the pooled-readout comparison")
    args = parser.parse_args()
    if torch is None:
        print("torch not installed: its rows are skipped (pip install torch)")
    if jax is None:
        print("jax not installed: its rows are skipped (pip install jax)")
    with threadpool_limits(1):
        if args.pooled:
            pooled_readouts()
            return
        check_gradients_against_torch()
        sgemm, dgemm = gemm_peak(np.float32), gemm_peak(np.float64)
        print(f"Single-core GEMM peak measured here: SGEMM {sgemm:.1f} GFLOP/s, DGEMM {dgemm:.1f} GFLOP/s")
        for M, P, batch in ((32, 4, 32), (128, 16, 32), (16, 2, 1)):
            _, gflops = compare(M, P, batch)
            print(f"  ours float32: {gflops:.1f} GFLOP/s = {100 * gflops / sgemm:.0f}% of the SGEMM peak")
        if args.scaling:
            scaling_table()
        if args.memory:
            memory_use()


if __name__ == "__main__":
    main()
