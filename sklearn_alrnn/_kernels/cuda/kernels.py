"""The CUDA engine's device code: numba.cuda kernels, compiled once per dtype.

``CUDAEngine`` (this package's ``__init__``) launches them and owns the host
side; the layout of the work is in its docstring. Every sum runs in a fixed
order, so results do not depend on scheduling. Kernels call no device
functions: compiling a call to one asks the driver for the GPU's architecture,
which would keep ``cuda.compile_ptx`` from checking them on machines without a
GPU.
"""

import math
import threading
import warnings
from collections import namedtuple

import numpy as np
from numba import cuda, float32, float64, uint64

#: Side of the square tiles of the weight-gradient product.
TILE = 16

_Kernels = namedtuple(
    "_Kernels", "weight_gradients sum_rows gather_readout scatter_last scatter_every forced_run forced_carry"
)
_SequenceKernels = namedtuple("_SequenceKernels", "forward carry")


def _make_sequence_kernels(nb_dtype, S):
    """The forward pass and the BPTT carry with S sequences per block (S a compile-time constant:
    the per-sequence accumulators live in registers): each weight a thread reads serves S sequences."""

    @cuda.jit
    def forward(a, WT, h, C, X, lengths, n_linear, w_shared, store_all, Z, out):
        # store_all: every state into Z (training); else the final state into out.
        # Shared memory: phi(z_{t-1}) as [unit, sequence], then W^T. Its indices are unsigned:
        # numba guards a signed index against negative values with three 64-bit operations
        # per load, which made the inner loop's integer work several times its multiply-adds.
        shared = cuda.shared.array(0, dtype=nb_dtype)
        first = cuda.blockIdx.x * S
        m = cuda.threadIdx.x
        M = a.shape[0]
        n = X.shape[0]
        uM = uint64(M)
        w_at = uint64(S) * uM
        if w_shared:
            for j in range(M):
                shared[w_at + uint64(j) * uM + uint64(m)] = WT[j, m]
        z = cuda.local.array(S, nb_dtype)
        acc = cuda.local.array(S, nb_dtype)
        for s in range(S):
            z[s] = 0.0
            if store_all and first + s < n:
                Z[first + s, 0, m] = 0.0
        for t in range(X.shape[1]):
            for s in range(S):
                shared[uint64(m * S + s)] = z[s] if (m < n_linear or z[s] > 0) else 0.0
            cuda.syncthreads()
            for s in range(S):
                acc[s] = a[m] * z[s] + h[m]
                if first + s < n:
                    for k in range(C.shape[1]):
                        acc[s] += C[m, k] * X[first + s, t, k]
            w_index = w_at + uint64(m)
            state_index = uint64(0)
            for j in range(M):  # each weight read once for the block's S sequences
                w = shared[w_index] if w_shared else WT[j, m]
                for s in range(S):
                    acc[s] += w * shared[state_index + uint64(s)]
                w_index += uM
                state_index += uint64(S)
            for s in range(S):
                b = first + s
                if b < n:
                    if t < lengths[b]:
                        z[s] = acc[s]
                    if store_all:
                        Z[b, t + 1, m] = z[s]
            cuda.syncthreads()
        if not store_all:
            for s in range(S):
                if first + s < n:
                    out[first + s, m] = z[s]

    @cuda.jit
    def carry(a, W, lengths, n_linear, w_shared, Z, G, grad_a_parts):
        # g_{t-1} += a * g_t + phi'(z_{t-1}) * (W^T g_t); thread j owns unit j of the
        # block's S sequences. On the way, grad_a_parts[b, j] = sum over t of
        # g_t z_{t-1} (sequence b's dL/da; the t = 1 term is zero since z_0 = 0).
        # Shared memory as in the forward pass: g_t as [unit, sequence], then W.
        shared = cuda.shared.array(0, dtype=nb_dtype)
        first = cuda.blockIdx.x * S
        j = cuda.threadIdx.x
        M = a.shape[0]
        n = Z.shape[0]
        uM = uint64(M)
        w_at = uint64(S) * uM
        if w_shared:
            for m in range(M):
                shared[w_at + uint64(m) * uM + uint64(j)] = W[m, j]
        acc_a = cuda.local.array(S, nb_dtype)
        v = cuda.local.array(S, nb_dtype)
        for s in range(S):
            acc_a[s] = 0.0
        mine = uint64(j * S)
        for t in range(Z.shape[1] - 1, 1, -1):
            for s in range(S):
                if first + s < n and t <= lengths[first + s]:
                    shared[mine + uint64(s)] = G[first + s, t, j]
                else:  # finite, for the sums below, which such a sequence discards
                    shared[mine + uint64(s)] = 0.0
            cuda.syncthreads()
            for s in range(S):
                v[s] = 0.0
            w_index = w_at + uint64(j)
            state_index = uint64(0)
            for m in range(M):
                w = shared[w_index] if w_shared else W[m, j]
                for s in range(S):
                    v[s] += w * shared[state_index + uint64(s)]
                w_index += uM
                state_index += uint64(S)
            for s in range(S):
                b = first + s
                if b < n and t <= lengths[b]:
                    z_prev = Z[b, t - 1, j]
                    g = shared[mine + uint64(s)]
                    acc_a[s] += g * z_prev
                    update = a[j] * g
                    if j < n_linear or z_prev > 0:
                        update += v[s]
                    G[b, t - 1, j] += update
            cuda.syncthreads()
        for s in range(S):
            if first + s < n:
                grad_a_parts[first + s, j] = acc_a[s]

    return _SequenceKernels(forward, carry)


def _make_kernels(nb_dtype):
    @cuda.jit
    def weight_gradients(Z, G, X, T, K, n_rows, n_linear, rows_per_split, out):
        # out[s, m, c] = sum over the (sequence b, step t >= 1) rows of split s of
        # G[b, t, m] * F[b, t - 1, c] with F = [phi(Z) | X | 1]: a tiled matrix product
        # G^T F, TILE rows at a time staged in shared memory (both tiles loaded along
        # their contiguous axis), summed in a fixed order. The row splits (blockIdx.z)
        # keep every SM busy; sum_rows adds the partial products in order. Steps
        # beyond a sequence's length add nothing because G is zero there.
        # Z, G (n (T + 1) M) and X (n_rows = n T rows of K) come flat, indexed with unsigned
        # offsets that advance with the rows: numba guards signed indices against negative values.
        tile_g = cuda.shared.array((TILE, TILE), dtype=nb_dtype)
        tile_f = cuda.shared.array((TILE, TILE), dtype=nb_dtype)
        tx = cuda.threadIdx.x
        ty = cuda.threadIdx.y
        M = out.shape[1]
        n_cols = M + K + 1
        m = cuda.blockIdx.x * TILE + tx
        c = cuda.blockIdx.y * TILE + tx
        first = cuda.blockIdx.z * rows_per_split
        last = min(n_rows, first + rows_per_split)
        row = first + ty
        # Row (b, t) is divided out once, then advanced: a 64-bit division per load took a
        # quarter of the kernel's time (8.1 against 6.0 ms at batch 4096, M = 128 on an H200).
        b = row // T if T > 0 else 0
        t = row - b * T
        uM = uint64(M)
        state_at = uint64(row + b) * uM  # Z[b, t] (G[b, t + 1] one row on)
        input_at = uint64(row) * uint64(K)  # X[b, t]
        state_step = uint64(TILE) * uM
        input_step = uint64(TILE) * uint64(K)
        acc = nb_dtype(0.0)
        for _ in range(first, last, TILE):
            g = nb_dtype(0.0)
            f = nb_dtype(0.0)
            if row < last:
                if m < M:
                    g = G[state_at + uM + uint64(m)]
                if c < M:
                    z = Z[state_at + uint64(c)]
                    f = z if (c < n_linear or z > 0) else nb_dtype(0.0)
                elif c < M + K:
                    f = X[input_at + uint64(c - M)]
                elif c < n_cols:
                    f = nb_dtype(1.0)
            tile_g[ty, tx] = g
            tile_f[ty, tx] = f
            cuda.syncthreads()
            for k in range(TILE):
                acc += tile_g[k, tx] * tile_f[k, ty]
            cuda.syncthreads()
            row += TILE
            t += TILE
            state_at += state_step
            input_at += input_step
            while t >= T:  # into the next sequence, whose states start one row further on
                t -= T
                state_at += uM
        if m < M and cuda.blockIdx.y * TILE + ty < n_cols:
            out[cuda.blockIdx.z, m, cuda.blockIdx.y * TILE + ty] = acc

    @cuda.jit
    def sum_rows(parts, out):
        # out = parts[0] + parts[1] + ... in that order (numpy's order for a sum over axis 0):
        # partial products summed on the device, so only their sum crosses to the host.
        i = cuda.grid(1)
        if i < out.shape[0]:
            acc = parts[0, i]
            for r in range(1, parts.shape[0]):
                acc += parts[r, i]
            out[i] = acc

    @cuda.jit
    def gather_readout(Z, lengths, H):
        # H[b] = Z[b, lengths[b]]: the states a last-step readout sees.
        b = cuda.blockIdx.x
        m = cuda.threadIdx.x
        H[b, m] = Z[b, lengths[b], m]

    @cuda.jit
    def scatter_last(dH, lengths, G):
        # G = the direct loss gradient of every state: dH (n, M) at each sequence's
        # last valid step, zero elsewhere.
        b = cuda.blockIdx.x
        m = cuda.threadIdx.x
        for t in range(G.shape[1]):
            G[b, t, m] = dH[b, m] if t == lengths[b] else 0.0

    @cuda.jit
    def scatter_every(dH, G):
        # The same for a readout at every step: dH is (n, T, M).
        b = cuda.blockIdx.x
        m = cuda.threadIdx.x
        G[b, 0, m] = 0.0
        for t in range(1, G.shape[1]):
            G[b, t, m] = dH[b, t - 1, m]

    @cuda.jit
    def forced_run(a, WT, h, C, S, start, data, forcing, n_linear, w_shared, store_states, Z, out):
        # From the states start[b], each step's prediction pre_t; its first out.shape[2] units into
        # out[b, t - 1]; its first data.shape[2] units pulled towards data[b, t - 1] by forcing[t - 1]
        # (teacher-forced windows; a free run forces nothing); the states after forcing into Z when
        # store_states. Once any unit leaves the floating-point range the run stops: NaN rows in
        # out (and zero states) from there on. The equations: the CPU engine's forcing module.
        shared = cuda.shared.array(0, dtype=nb_dtype)
        b = cuda.blockIdx.x
        m = cuda.threadIdx.x
        M = a.shape[0]
        flag = M + M * M if w_shared else M  # set to 1 by any thread whose unit overflowed
        if w_shared:
            for j in range(M):
                shared[M + j * M + m] = WT[j, m]
        if m == 0:
            shared[flag] = 0.0
        z_m = start[b, m]
        if store_states:
            Z[b, 0, m] = z_m
        for t in range(S.shape[1]):
            shared[m] = z_m if (m < n_linear or z_m > 0) else 0.0
            cuda.syncthreads()
            acc = a[m] * z_m + h[m]
            for k in range(C.shape[1]):
                acc += C[m, k] * S[b, t, k]
            if w_shared:  # unsigned indices, as in the forward pass
                w_index = uint64(M + m)
                state_index = uint64(0)
                for _ in range(M):
                    acc += shared[w_index] * shared[state_index]
                    w_index += uint64(M)
                    state_index += uint64(1)
            else:
                for j in range(M):
                    acc += WT[j, m] * shared[j]
            if not math.isfinite(acc):
                shared[flag] = 1.0
            cuda.syncthreads()
            dead = shared[flag] != 0.0
            if m < out.shape[2]:
                out[b, t, m] = nb_dtype(math.nan) if dead else acc
            f = forcing[t]
            if m < data.shape[2] and f != 0.0:
                acc = f * data[b, t, m] + (nb_dtype(1.0) - f) * acc
            z_m = nb_dtype(0.0) if dead else acc
            if store_states:
                Z[b, t + 1, m] = z_m
            cuda.syncthreads()

    @cuda.jit
    def forced_carry(a, W, forcing, n_linear, n_observed, w_shared, Z, G, grad_a_parts):
        # G (direct gradients w.r.t. each pre_t) into total ones, in place: u = a * g_t +
        # phi'(z_{t-1}) * (W^T g_t), its observed entries times 1 - f_{t-1} (the forcing cut),
        # g_{t-1} += u; G[b, 0] receives u_0 (the initial state's gradient). Thread j owns unit j.
        shared = cuda.shared.array(0, dtype=nb_dtype)
        b = cuda.blockIdx.x
        j = cuda.threadIdx.x
        M = a.shape[0]
        if w_shared:
            for m in range(M):
                shared[M + m * M + j] = W[m, j]
        acc_a = nb_dtype(0.0)
        for t in range(Z.shape[1] - 1, 0, -1):
            shared[j] = G[b, t, j]
            cuda.syncthreads()
            v = nb_dtype(0.0)
            if w_shared:  # unsigned indices, as in the forward pass
                w_index = uint64(M + j)
                state_index = uint64(0)
                for _ in range(M):
                    v += shared[w_index] * shared[state_index]
                    w_index += uint64(M)
                    state_index += uint64(1)
            else:
                for m in range(M):
                    v += W[m, j] * shared[m]
            z_prev = Z[b, t - 1, j]
            acc_a += shared[j] * z_prev
            update = a[j] * shared[j]
            if j < n_linear or z_prev > 0:
                update += v
            if t > 1:
                if j < n_observed:
                    update *= nb_dtype(1.0) - forcing[t - 2]
                G[b, t - 1, j] += update
            else:
                G[b, 0, j] = update
            cuda.syncthreads()
        grad_a_parts[b, j] = acc_a

    return _Kernels(weight_gradients, sum_rows, gather_readout, scatter_last, scatter_every, forced_run, forced_carry)


#: numba-cuda's warning at each launch of fewer than 128 blocks, matched by its text: its class
#: moved from numba.core.errors to numba.cuda.core.errors, and the text may start with a terminal
#: colour code.
LOW_OCCUPANCY_WARNING = r".*Grid size \d+ will likely result in GPU under-utilization"


#: Fits of several initialisations launch from threads; catch_warnings swaps a process-wide filter list,
#: and two threads inside it at once could restore each other's filters.
_LAUNCH_LOCK = threading.Lock()


def _launch(kernel, grid, block, shared_bytes=0):
    """``kernel[grid, block, 0, shared_bytes]`` without numba-cuda's low-occupancy warning: small
    batches, and the forecaster's 16 windows, make small grids on purpose. (Configuring a launch
    runs nothing; the kernel runs when the result is called, outside the lock.)"""
    with _LAUNCH_LOCK, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=LOW_OCCUPANCY_WARNING)
        return kernel[grid, block, 0, shared_bytes]


_KERNELS = {}


def _compiled(make, dtype, *args):
    """``make(numba dtype, *args)``, built once per dtype and arguments."""
    dtype = np.dtype(dtype)
    key = (make, dtype, *args)
    if key not in _KERNELS:
        _KERNELS[key] = make(float64 if dtype == np.float64 else float32, *args)
    return _KERNELS[key]


def _kernels(dtype):
    return _compiled(_make_kernels, dtype)


def _sequence_kernels(dtype, sequences_per_block):
    """The forward pass and the carry with ``sequences_per_block`` sequences per block."""
    return _compiled(_make_sequence_kernels, dtype, sequences_per_block)
