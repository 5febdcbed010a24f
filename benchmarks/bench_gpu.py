"""GPU training speed: our CUDA kernels vs our CPU engine vs PyTorch on the same GPU.

For batch in {32, 256, 4096} and M in {32, 128, 512} (T = 200, K = 4, P = M / 8, float32),
prints ms per mini-batch step (forward + BPTT + Adam) and sequences per second for
- ours, device="cuda";
- ours, device="cpu" with n_jobs = all cores (the 2-core CPU figure is in RESULTS.md);
- torch.nn.RNN(nonlinearity="relu") on the GPU;
- an AL-RNN as a PyTorch Python loop on the GPU.
Also checks the CUDA gradients against the CPU engine (float64). With --forecaster, times an
epoch of ``ALRNNForecaster``'s defaults (50 batches of 16 windows of 200 steps, M = 20, P = 2,
Lorenz-63) with device="cuda" and device="cpu" (one thread), in float64 and float32. With
--kernels, also times each part of a step at batch 4096, M = 128 (inputs to the GPU, forward
pass, carry, weight gradients). Needs a real GPU; exits with a message otherwise. With --archive
FOLDER NAME..., only times default ``ALRNNClassifier`` fits on those archive sets (``.ts`` files as ``ucr_table.py`` reads them) with
device="cpu" (one thread, float64) and device="cuda" (float32, its default).

Run: python benchmarks/bench_gpu.py [--quick] [--kernels] [--forecaster] [--archive FOLDER NAME ...]
"""

import argparse
import os
import warnings

import numpy as np
from _timing import best_time, best_times

from sklearn_alrnn._kernels.cpu import CPUEngine
from sklearn_alrnn._loss import loss_and_gradients
from sklearn_alrnn._model import PARAMETER_NAMES, flatten_parameters, initialize_parameters
from sklearn_alrnn._optim import AdamOptimizer

T, K = 200, 4


def step_runner(engine, params, X, y):
    flat, views = flatten_parameters(params)
    optimizer = AdamOptimizer(flat, 1e-3)
    grad = np.empty_like(flat)
    lengths = np.full(X.shape[0], X.shape[1])

    def run():
        loss_and_gradients(
            views, X, lengths, y[:, None], loss="squared_error", alpha=0.0,
            per_step=False, engine=engine, grad_out=grad,
        )
        optimizer.update_params(grad)

    return run


def torch_runners(torch, X, y, params, P):
    device = "cuda"
    M = params["a"].shape[0]
    Xt, yt = torch.tensor(X, device=device), torch.tensor(y, device=device)
    rnn = torch.nn.RNN(K, M, nonlinearity="relu", batch_first=True).to(device)
    head = torch.nn.Linear(M, 1).to(device)
    opt_rnn = torch.optim.Adam(list(rnn.parameters()) + list(head.parameters()), lr=1e-3)

    def rnn_step():
        opt_rnn.zero_grad()
        out, _ = rnn(Xt)
        (0.5 * ((head(out[:, -1])[:, 0] - yt) ** 2).mean()).backward()
        opt_rnn.step()

    tensors = {k: torch.tensor(v, device=device, requires_grad=True) for k, v in params.items()}
    opt_loop = torch.optim.Adam(tensors.values(), lr=1e-3)

    def loop_step():
        a, W, h, C, B, b = (tensors[k] for k in PARAMETER_NAMES)
        opt_loop.zero_grad()
        z = torch.zeros(Xt.shape[0], M, device=device)
        for t in range(Xt.shape[1]):
            phi = torch.cat([z[:, : M - P], torch.relu(z[:, M - P :])], dim=1)
            z = a * z + phi @ W.T + Xt[:, t] @ C.T + h
        (0.5 * (((z @ B.T + b)[:, 0] - yt) ** 2).mean()).backward()
        opt_loop.step()

    return rnn_step, loop_step


def forecaster_epoch_times(n_epochs=4):
    """ms per training epoch of the forecaster's defaults on each device and dtype."""
    from sklearn_alrnn import ALRNNForecaster, datasets

    train = datasets.make_lorenz63(1, 20_000, random_state=0)[0][0]
    print(f"ALRNNForecaster epoch (50 batches of 16 x 200 steps, M 20, P 2): {'cuda':>8} {'cpu':>8} ms")
    for dtype in ("float64", "float32"):
        times = {}
        for device in ("cuda", "cpu"):

            def run():
                ALRNNForecaster(
                    20, 2, max_iter=n_epochs, n_init=1, evaluation_steps=2, device=device, dtype=dtype,
                    random_state=0,
                ).fit(train)

            times[device] = best_time(run, repeats=2) / n_epochs
        print(f"{dtype:>7}: {times['cuda']:>8.1f} {times['cpu']:>8.1f}", flush=True)


def kernel_times(batch=4096, M=128, dtype=np.float32):
    """ms of each part of a CUDA training step (after its kernels compiled): the inputs' transfer, the
    forward pass, the carry back through time and the weight-gradient product with its sums."""
    from numba import cuda

    from sklearn_alrnn._kernels.cuda import CUDAEngine

    P = max(1, M // 8)
    rng = np.random.RandomState(2)
    params = initialize_parameters(M, K, 1, rng, dtype)
    a, W, h, C = (params[name] for name in ("a", "W", "h", "C"))
    X = rng.normal(size=(batch, T, K)).astype(dtype)
    lengths = np.full(batch, T)
    engine = CUDAEngine(M, P)
    engine.forward_readout(a, W, h, C, X, lengths, False)
    d_Z, d_X, d_lengths = engine._states
    G = cuda.to_device(rng.normal(scale=1e-3, size=d_Z.shape).astype(dtype))
    d_G = cuda.device_array_like(G)
    grads = [np.zeros_like(v) for v in (a, W, h, C)]

    def synchronised(run):
        return lambda: (run(), cuda.synchronize())

    times = best_times({
        "inputs to the GPU": synchronised(lambda: cuda.to_device(X)),
        "forward": synchronised(lambda: engine._forward(a, W, h, C, batch, d_X, d_lengths, d_Z, None)),
        "reset G (subtracted)": synchronised(lambda: d_G.copy_to_device(G)),
        "carry + weight gradients": synchronised(lambda: (
            d_G.copy_to_device(G), engine._backward_on_device(a, W, d_Z, d_X, d_lengths, d_G, *grads))),
        "weight gradients": synchronised(lambda: engine._weight_gradients(
            a, d_Z, d_X, d_G, engine._buffer("grad_a_parts", (batch, M), dtype), *grads)),
    })
    carry = times["carry + weight gradients"] - times["reset G (subtracted)"] - times["weight gradients"]
    print(f"CUDA step's parts at batch {batch}, M {M} (ms): inputs to the GPU {times['inputs to the GPU']:.2f}, "
          f"forward {times['forward']:.2f}, carry {carry:.2f}, weight gradients with their sums "
          f"{times['weight gradients']:.2f}", flush=True)


def archive_fit_times(folder, names):
    """Seconds and test accuracy of a default classifier fit on each device."""
    import time

    from sklearn_alrnn import ALRNNClassifier, SequenceScaler
    from sklearn_alrnn.datasets import load_ts

    rng = np.random.RandomState(0)  # compile the CUDA kernels outside the timings
    ALRNNClassifier(n_hidden=4, max_iter=1, device="cuda").fit(rng.normal(size=(8, 5, 1)), np.arange(8) % 2)
    print(f"{'data set':<24} {'cpu s':>7} {'cuda s':>7} {'cpu acc':>8} {'cuda acc':>8}")
    for name in names:
        X, y = load_ts(f"{folder}/{name}/{name}_TRAIN.ts")[:2]
        X_test, y_test = load_ts(f"{folder}/{name}/{name}_TEST.ts")[:2]
        scaler = SequenceScaler().fit(X)
        X, X_test = scaler.transform(X), scaler.transform(X_test)
        seconds, accuracy = {}, {}
        for device in ("cpu", "cuda"):
            start = time.perf_counter()
            model = ALRNNClassifier(random_state=0, device=device).fit(X, y)
            seconds[device], accuracy[device] = time.perf_counter() - start, model.score(X_test, y_test)
        print(f"{name:<24} {seconds['cpu']:>7.1f} {seconds['cuda']:>7.1f} {accuracy['cpu']:>8.3f} "
              f"{accuracy['cuda']:>8.3f}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="batch 4096, M 128 only")
    parser.add_argument("--forecaster", action="store_true", help="also time the forecaster's epochs")
    parser.add_argument("--kernels", action="store_true", help="also time each part of a step at batch 4096, M 128")
    parser.add_argument("--archive", nargs="+", metavar=("FOLDER", "NAME"), help="only time archive fits")
    args = parser.parse_args()
    from sklearn_alrnn._kernels.cuda import CUDAEngine, gpu_available

    if not gpu_available():
        print("No CUDA GPU visible to numba-cuda: nothing to measure.")
        return
    from numba import cuda

    name = cuda.get_current_device().name
    print(f"GPU: {name.decode() if isinstance(name, bytes) else name}")
    if args.archive:
        archive_fit_times(args.archive[0], args.archive[1:])
        return
    try:
        import torch

        torch_ok = torch.cuda.is_available()
    except ImportError:
        torch, torch_ok = None, False
    if not torch_ok:
        print("torch with CUDA not available: its rows are skipped")

    # Agreement, float64.
    rng = np.random.RandomState(0)
    params = initialize_parameters(32, K, 1, rng)
    X = rng.normal(size=(64, 50, K))
    y = rng.normal(size=64)
    kw = dict(loss="squared_error", alpha=0.0, per_step=False)
    _, g_gpu = loss_and_gradients(params, X, np.full(64, 50), y[:, None], engine=CUDAEngine(32, 4), **kw)
    _, g_cpu = loss_and_gradients(params, X, np.full(64, 50), y[:, None], engine=CPUEngine(32, 4), **kw)
    worst = max(np.abs(g_gpu[k] - g_cpu[k]).max() / np.abs(g_cpu[k]).max() for k in PARAMETER_NAMES)
    print(f"CUDA vs CPU gradients (float64): max relative difference {worst:.1e}")

    sizes = [(4096, 128)] if args.quick else [(b, m) for m in (32, 128, 512) for b in (32, 256, 4096)]
    print(f"{'batch':>6} {'M':>4} {'ours cuda':>10} {'ours cpu':>10} {'torch RNN':>10} {'torch loop':>10}  (ms per step; seq/s of ours cuda)")
    for batch, M in sizes:
        P = max(1, M // 8)
        rng = np.random.RandomState(1)
        params = initialize_parameters(M, K, 1, rng, np.float32)
        X = rng.normal(size=(batch, T, K)).astype(np.float32)
        y = X[:, -5:, 0].sum(axis=1).astype(np.float32)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # Our CUDA steps end with copies to the host, so they are synchronous.
            gpu_ms = best_time(step_runner(CUDAEngine(M, P), {k: v.copy() for k, v in params.items()}, X, y))
            cpu_ms = best_time(
                step_runner(CPUEngine(M, P, os.cpu_count()), {k: v.copy() for k, v in params.items()}, X, y),
                repeats=1,
            )
        rnn_ms = loop_ms = float("nan")
        if torch_ok:
            rnn_step, loop_step = torch_runners(torch, X, y, params, P)
            rnn_ms = best_time(lambda: (rnn_step(), torch.cuda.synchronize()))
            loop_ms = best_time(lambda: (loop_step(), torch.cuda.synchronize()), repeats=1)
        print(f"{batch:>6} {M:>4} {gpu_ms:>10.1f} {cpu_ms:>10.1f} {rnn_ms:>10.1f} {loop_ms:>10.1f}  ({batch / gpu_ms * 1000:,.0f} seq/s)", flush=True)
    if args.kernels:
        kernel_times()
    if args.forecaster:
        forecaster_epoch_times()


if __name__ == "__main__":
    main()
