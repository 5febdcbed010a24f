"""CUDA engine: the AL-RNN recurrence and its gradient as numba.cuda kernels.

The only module that imports ``numba.cuda`` (the ``cuda`` extra, numba-cuda).
Conventions and the engine contract: ``_engine``.

Layout of the work:

- forward and BPTT carry: one thread block per sequence (per 2, 4 or 8 sequences
  in large batches, MIN_BLOCKS, of up to MAX_UNITS_FOR_SEVERAL units), one
  thread per hidden unit (so M <= 1024);
  each step synchronises the block once to share phi(z_{t-1}) (or g_t) through
  shared memory. W (transposed for the forward, so that a warp reads
  consecutive addresses) is staged in shared memory when it fits next to the
  state vectors; otherwise threads read it from global memory, where the L1/L2
  caches serve the repeated reads, each read serving the block's sequences;
- weight gradients: a tiled product G^T [phi(Z) | X | 1] over all (sequence,
  step) pairs (16 x 16 tiles in shared memory), its rows split across up to
  ROW_SPLITS blocks whose partial products the host adds; dL/da is summed per
  sequence inside the carry kernel. Every sum runs in a fixed order, so
  results do not depend on scheduling;
- the state trajectories stay on the GPU between the forward pass and the
  carry (``forward_readout`` / ``backward_readout``): only the states the
  readout sees and their gradients cross PCIe;
- token ids are read as one-hot rows (``Engine.dense_inputs``): exact, but
  O(M V) per step where the CPU engine's embedding path is O(M);
- the forecaster's teacher-forced windows and free runs (one kernel,
  ``forced_run``, a free run forcing nothing) and their carry
  (``forced_carry``) follow the same layout: one block per window or run, one
  thread per unit, the forcing and its gradient cut inside the kernels; their
  weight gradients share the tiled product;
- the loss, readout and Adam update stay on the host: they are O(n M) per
  batch against O(n T M^2) on the device, and it keeps fitted parameters
  numpy arrays whatever the device. Measured on an H200 in
  benchmarks/RESULTS.md ("GPU (issue 6)").
"""

import math
from collections import namedtuple

import numpy as np
from numba import config, cuda, float32, float64

from ._engine import Engine

#: Side of the square tiles of the weight-gradient product.
TILE = 16
#: At most this many blocks of rows share the weight-gradient product (the host
#: adds their partial products in order): enough blocks for every SM of a large GPU.
ROW_SPLITS = 64
#: Bytes of shared memory a block may use without opting in (all CUDA GPUs).
SHARED_MEMORY_BYTES = 48 * 1024
#: The forward pass and the carry give each block up to 8 sequences while this many blocks remain
#: (two per SM of a large GPU): at batch 4096, M = 128 on an H200 8 per block cut the forward pass
#: from 20.2 to 8.9 ms and the carry from 19.6 to 7.6, since each weight read serves 8 sequences.
MIN_BLOCKS = 256
SEQUENCES_PER_BLOCK = (8, 4, 2)
#: Blocks of more threads keep one sequence each: at 1024 threads a thread may hold 64 registers,
#: which 8 sequences' accumulators could exceed (a failed launch), and 8 state vectors of 1024
#: float64 units would take 64 KiB of shared memory. 512 units ran with 8 on the H200.
MAX_UNITS_FOR_SEVERAL = 512
MAX_HIDDEN_UNITS = 1024


def simulator_enabled():
    return bool(config.ENABLE_CUDASIM)


def _check_numpy_support():
    """Refuse, as an ImportError, a numba-cuda that cannot compile any kernel under this numpy.

    numba-cuda 0.30 (in maintenance) registers ``np.row_stack``, which numpy 2.5 removed, when it
    loads its typing registries, so the first kernel compilation fails with an AttributeError
    (NVIDIA/numba-cuda#907; seen on an H200 with numba-cuda 0.30.4 and numpy 2.5.2). The
    simulator never loads those registries.
    """
    if simulator_enabled():
        return
    try:
        import numba.cuda.cudaimpl  # noqa: F401 -- what the first kernel compilation loads
    except AttributeError as exc:
        import numba_cuda

        raise ImportError(
            f"numba-cuda {numba_cuda.__version__} cannot compile kernels under numpy "
            f"{np.__version__} ({exc}); install numpy<2.5 with it (NVIDIA/numba-cuda#907)"
        ) from None


_check_numpy_support()


def gpu_available():
    """True only for a real CUDA GPU (never the simulator)."""
    if simulator_enabled():
        return False
    try:
        return bool(cuda.is_available())
    except Exception:  # a broken driver installation counts as no GPU
        return False


_Kernels = namedtuple(
    "_Kernels", "weight_gradients gather_readout scatter_last scatter_every forced_run forced_carry"
)
_SequenceKernels = namedtuple("_SequenceKernels", "forward carry")


def _make_sequence_kernels(nb_dtype, S):
    """The forward pass and the BPTT carry with S sequences per block (S a compile-time constant:
    the per-sequence accumulators live in registers): each weight a thread reads serves S sequences."""

    @cuda.jit
    def forward(a, WT, h, C, X, lengths, n_linear, w_shared, store_all, Z, out):
        # store_all: every state into Z (training); else the final state into out.
        # No device functions: compiling a call to one asks the driver for the GPU's
        # architecture, which would keep cuda.compile_ptx from checking this kernel
        # on machines without a GPU.
        shared = cuda.shared.array(0, dtype=nb_dtype)
        first = cuda.blockIdx.x * S
        m = cuda.threadIdx.x
        M = a.shape[0]
        n = X.shape[0]
        w_at = S * M  # W^T after the S state vectors
        if w_shared:
            for j in range(M):
                shared[w_at + j * M + m] = WT[j, m]
        z = cuda.local.array(S, nb_dtype)
        acc = cuda.local.array(S, nb_dtype)
        for s in range(S):
            z[s] = 0.0
            if store_all and first + s < n:
                Z[first + s, 0, m] = 0.0
        for t in range(X.shape[1]):
            for s in range(S):
                shared[s * M + m] = z[s] if (m < n_linear or z[s] > 0) else 0.0
            cuda.syncthreads()
            for s in range(S):
                acc[s] = a[m] * z[s] + h[m]
                if first + s < n:
                    for k in range(C.shape[1]):
                        acc[s] += C[m, k] * X[first + s, t, k]
            for j in range(M):  # each weight read once for the block's S sequences
                w = shared[w_at + j * M + m] if w_shared else WT[j, m]
                for s in range(S):
                    acc[s] += w * shared[s * M + j]
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
        shared = cuda.shared.array(0, dtype=nb_dtype)
        first = cuda.blockIdx.x * S
        j = cuda.threadIdx.x
        M = a.shape[0]
        n = Z.shape[0]
        w_at = S * M
        if w_shared:
            for m in range(M):
                shared[w_at + m * M + j] = W[m, j]
        acc_a = cuda.local.array(S, nb_dtype)
        v = cuda.local.array(S, nb_dtype)
        for s in range(S):
            acc_a[s] = 0.0
        for t in range(Z.shape[1] - 1, 1, -1):
            for s in range(S):
                if first + s < n and t <= lengths[first + s]:
                    shared[s * M + j] = G[first + s, t, j]
                else:  # finite, for the sums below, which such a sequence discards
                    shared[s * M + j] = 0.0
            cuda.syncthreads()
            for s in range(S):
                v[s] = 0.0
            for m in range(M):
                w = shared[w_at + m * M + j] if w_shared else W[m, j]
                for s in range(S):
                    v[s] += w * shared[s * M + m]
            for s in range(S):
                b = first + s
                if b < n and t <= lengths[b]:
                    z_prev = Z[b, t - 1, j]
                    acc_a[s] += shared[s * M + j] * z_prev
                    update = a[j] * shared[s * M + j]
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
    def weight_gradients(Z, G, X, n_linear, rows_per_split, out):
        # out[s, m, c] = sum over the (sequence b, step t >= 1) rows of split s of
        # G[b, t, m] * F[b, t - 1, c] with F = [phi(Z) | X | 1]: a tiled matrix product
        # G^T F, TILE rows at a time staged in shared memory (both tiles loaded along
        # their contiguous axis), summed in a fixed order. The row splits (blockIdx.z)
        # keep every SM busy; the host adds the S partial products in order. Steps
        # beyond a sequence's length add nothing because G is zero there.
        tile_g = cuda.shared.array((TILE, TILE), dtype=nb_dtype)
        tile_f = cuda.shared.array((TILE, TILE), dtype=nb_dtype)
        tx = cuda.threadIdx.x
        ty = cuda.threadIdx.y
        M = Z.shape[2]
        K = X.shape[2]
        T = Z.shape[1] - 1
        n_cols = M + K + 1
        m0 = cuda.blockIdx.x * TILE
        c0 = cuda.blockIdx.y * TILE
        first = cuda.blockIdx.z * rows_per_split
        last = min(Z.shape[0] * T, first + rows_per_split)
        acc = nb_dtype(0.0)
        for start in range(first, last, TILE):
            row = start + ty
            g = nb_dtype(0.0)
            f = nb_dtype(0.0)
            if row < last:
                b = row // T
                t = row % T
                if m0 + tx < M:
                    g = G[b, t + 1, m0 + tx]
                c = c0 + tx
                if c < M:
                    z = Z[b, t, c]
                    f = z if (c < n_linear or z > 0) else 0.0
                elif c < M + K:
                    f = X[b, t, c - M]
                elif c < n_cols:
                    f = 1.0
            tile_g[ty, tx] = g
            tile_f[ty, tx] = f
            cuda.syncthreads()
            for k in range(TILE):
                acc += tile_g[k, tx] * tile_f[k, ty]
            cuda.syncthreads()
        if m0 + tx < M and c0 + ty < n_cols:
            out[cuda.blockIdx.z, m0 + tx, c0 + ty] = acc

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
            if w_shared:
                for j in range(M):
                    acc += shared[M + j * M + m] * shared[j]
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
            if w_shared:
                for m in range(M):
                    v += shared[M + m * M + j] * shared[m]
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

    return _Kernels(weight_gradients, gather_readout, scatter_last, scatter_every, forced_run, forced_carry)


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


class CUDAEngine(Engine):
    """The CUDA engine (see ``Engine`` for the parameters).

    Arrays come from and go back to the host. ``forward_readout`` and
    ``backward_readout`` keep the state trajectories on the GPU between the two
    passes. Float32 by default: consumer GPUs run float64 at a small fraction
    of their float32 speed.
    """

    default_dtype = "float32"
    #: Trajectories a ``forward_readout`` left on the GPU for ``backward_readout``.
    _states = None

    def _buffer(self, name, shape, dtype):
        """A device array kept from call to call: the trajectories and their
        gradients (hundreds of MB for large batches) are not allocated anew each step."""
        buffers = self.__dict__.setdefault("_device_buffers", {})
        buffer = buffers.get(name)
        if buffer is None or buffer.shape != tuple(shape) or buffer.dtype != np.dtype(dtype):
            buffer = buffers[name] = cuda.device_array(shape, dtype=dtype)
        return buffer

    @staticmethod
    def _launch_shape(a, sequences_per_block=1):
        """M, whether W fits in shared memory beside the blocks' state vectors, and the bytes they take."""
        M = a.shape[0]
        if M > MAX_HIDDEN_UNITS:
            raise ValueError(
                f"The CUDA engine runs one thread per hidden unit, at most {MAX_HIDDEN_UNITS}; "
                f"n_hidden={M}. Use device='cpu' for larger models."
            )
        itemsize = a.dtype.itemsize
        states = sequences_per_block * M
        w_shared = (states + M * M) * itemsize <= SHARED_MEMORY_BYTES
        shared_bytes = (states + M * M if w_shared else states) * itemsize
        return M, w_shared, shared_bytes

    @staticmethod
    def _sequences_per_block(n_sequences, a):
        """8, 4 or 2 while MIN_BLOCKS blocks remain, else 1; 1 above MAX_UNITS_FOR_SEVERAL units."""
        if a.shape[0] > MAX_UNITS_FOR_SEVERAL:
            return 1
        return next((S for S in SEQUENCES_PER_BLOCK if n_sequences >= MIN_BLOCKS * S), 1)

    def _forward(self, a, W, h, C, n_sequences, d_X, d_lengths, d_Z, d_out):
        """Run the forward kernel; keeps every state in d_Z, or only the last in d_out."""
        S = self._sequences_per_block(n_sequences, a)
        M, w_shared, shared_bytes = self._launch_shape(a, S)
        _sequence_kernels(a.dtype, S).forward[math.ceil(n_sequences / S), M, 0, shared_bytes](
            cuda.to_device(a), cuda.to_device(np.ascontiguousarray(W.T)), cuda.to_device(h),
            cuda.to_device(C), d_X, d_lengths, self.n_linear, w_shared, d_Z is not None,
            d_Z if d_Z is not None else cuda.device_array((1, 1, 1), dtype=a.dtype),
            d_out if d_out is not None else cuda.device_array((1, 1), dtype=a.dtype),
        )

    def forward_states(self, a, W, h, C, X, lengths, Z):
        X = self.dense_inputs(X, C)
        d_Z = cuda.device_array(Z.shape, dtype=Z.dtype)
        d_X, d_lengths = cuda.to_device(X), cuda.to_device(lengths)
        self._forward(a, W, h, C, X.shape[0], d_X, d_lengths, d_Z, None)
        d_Z.copy_to_host(Z)

    def forward_readout(self, a, W, h, C, X, lengths, per_step):
        """The forward pass, keeping the trajectories on the GPU for ``backward_readout``.

        Returns what the readout sees, as host arrays: each sequence's last valid
        state (n, M), or every state (n, T, M) when ``per_step``. Only these cross
        to the host, not the (n, T + 1, M) trajectories (at batch 4096, M = 128,
        T = 200 in float32 they are 421 MB each way per step).
        """
        X = self.dense_inputs(X, C)
        n, T, _ = X.shape
        M = a.shape[0]
        d_Z = self._buffer("Z", (n, T + 1, M), a.dtype)
        d_X, d_lengths = cuda.to_device(X), cuda.to_device(lengths)
        self._forward(a, W, h, C, n, d_X, d_lengths, d_Z, None)
        self._states = (d_Z, d_X, d_lengths)
        if per_step:
            return d_Z.copy_to_host()[:, 1:]
        d_H = cuda.device_array((n, M), dtype=a.dtype)
        _kernels(a.dtype).gather_readout[n, M](d_Z, d_lengths, d_H)
        return d_H.copy_to_host()

    def final_states(self, a, W, h, C, X, lengths):
        X = self.dense_inputs(X, C)
        d_out = cuda.device_array((X.shape[0], a.shape[0]), dtype=a.dtype)
        self._forward(a, W, h, C, X.shape[0], cuda.to_device(X), cuda.to_device(lengths), None, d_out)
        return d_out.copy_to_host()

    def backward(self, a, W, C, X, lengths, Z, dZ, grad_a, grad_W, grad_h, grad_C):
        self._backward_on_device(
            a, W, cuda.to_device(Z), cuda.to_device(self.dense_inputs(X, C)), cuda.to_device(lengths),
            cuda.to_device(dZ), grad_a, grad_W, grad_h, grad_C,
        )

    def backward_readout(self, a, W, C, X, lengths, per_step, dH, grad_a, grad_W, grad_h, grad_C):
        """``backward`` from dL/d(readout states) ``dH`` (the shape ``forward_readout`` returned),
        on the trajectories that ``forward_readout`` left on the GPU."""
        if self._states is None:
            raise RuntimeError("backward_readout needs the trajectories of a forward_readout call first.")
        d_Z, d_X, d_lengths = self._states
        self._states = None
        d_G = self._buffer("G", d_Z.shape, a.dtype)
        d_dH = cuda.to_device(np.ascontiguousarray(dH))
        kernels = _kernels(a.dtype)
        if per_step:
            kernels.scatter_every[d_Z.shape[0], d_Z.shape[2]](d_dH, d_G)
        else:
            kernels.scatter_last[d_Z.shape[0], d_Z.shape[2]](d_dH, d_lengths, d_G)
        self._backward_on_device(a, W, d_Z, d_X, d_lengths, d_G, grad_a, grad_W, grad_h, grad_C)

    def _backward_on_device(self, a, W, d_Z, d_X, d_lengths, d_G, grad_a, grad_W, grad_h, grad_C):
        """Carry d_G (overwritten) back through time, then add the weight gradients to ``grad_*``."""
        n = d_Z.shape[0]
        S = self._sequences_per_block(n, a)
        M, w_shared, shared_bytes = self._launch_shape(a, S)
        d_grad_a_parts = cuda.device_array((n, M), dtype=a.dtype)
        _sequence_kernels(a.dtype, S).carry[math.ceil(n / S), M, 0, shared_bytes](
            cuda.to_device(a), cuda.to_device(W), d_lengths, self.n_linear, w_shared, d_Z, d_G, d_grad_a_parts
        )
        self._weight_gradients(a, d_Z, d_X, d_G, d_grad_a_parts, grad_a, grad_W, grad_h, grad_C)

    def _weight_gradients(self, a, d_Z, d_X, d_G, d_grad_a_parts, grad_a, grad_W, grad_h, grad_C):
        """Add the products of the carried gradients d_G with the states and inputs to ``grad_*``."""
        kernels = _kernels(a.dtype)
        M = a.shape[0]
        n, T1, _ = d_Z.shape
        K = d_X.shape[2]
        n_rows = n * (T1 - 1)
        splits = max(1, min(ROW_SPLITS, math.ceil(n_rows / TILE)))
        rows_per_split = math.ceil(n_rows / splits)
        d_parts = cuda.device_array((splits, M, M + K + 1), dtype=a.dtype)
        blocks = (math.ceil(M / TILE), math.ceil((M + K + 1) / TILE), splits)
        kernels.weight_gradients[blocks, (TILE, TILE)](d_Z, d_G, d_X, self.n_linear, rows_per_split, d_parts)
        out = d_parts.copy_to_host().sum(axis=0)
        grad_W += out[:, :M]
        grad_C += out[:, M : M + K]
        grad_h += out[:, M + K]
        grad_a += d_grad_a_parts.copy_to_host().sum(axis=0)

    # ------------------------------------------ dynamical-systems reconstruction
    @staticmethod
    def _with_an_input_column(C, S):
        """C and S with one zero column when there are no inputs (a kernel array needs one)."""
        if C.shape[1] > 0:
            return C, S
        return np.zeros((C.shape[0], 1), C.dtype), np.zeros(S.shape[:2] + (1,), C.dtype)

    def _forced_run(self, a, W, h, C, S, start, data, forcing, Z, out):
        """Launch ``forced_run``: states into the device array ``Z`` (or None), outputs into ``out``."""
        M, w_shared, shared_bytes = self._launch_shape(a)
        C, S = self._with_an_input_column(C, S)
        store_states = Z is not None
        _kernels(a.dtype).forced_run[start.shape[0], M, 0, shared_bytes + a.dtype.itemsize](
            cuda.to_device(a), cuda.to_device(np.ascontiguousarray(W.T)), cuda.to_device(h), cuda.to_device(C),
            cuda.to_device(np.ascontiguousarray(S)), cuda.to_device(np.ascontiguousarray(start, dtype=a.dtype)),
            cuda.to_device(np.ascontiguousarray(data)), cuda.to_device(np.ascontiguousarray(forcing, dtype=a.dtype)),
            self.n_linear, w_shared, store_states,
            Z if store_states else cuda.device_array((1, 1, 1), dtype=a.dtype), out,
        )

    def forced_forward(self, a, W, h, C, S, data, forcing, Z, predictions):
        """Teacher-forced windows (the ``forcing`` module's conventions): fill ``Z[:, 1:]`` and
        ``predictions`` from the initial states ``Z[:, 0]``."""
        d_Z = cuda.device_array(Z.shape, dtype=a.dtype)
        d_predictions = cuda.device_array(predictions.shape, dtype=a.dtype)
        self._forced_run(a, W, h, C, S, Z[:, 0], data, forcing, d_Z, d_predictions)
        d_Z.copy_to_host(Z)
        d_predictions.copy_to_host(predictions)

    def forced_backward(self, a, W, C, S, forcing, n_observed, Z, G, grad_a, grad_W, grad_h, grad_C):
        """Add the gradients of teacher-forced windows; return dL/d(initial states), (n, M)."""
        M, w_shared, shared_bytes = self._launch_shape(a)
        n_inputs = C.shape[1]
        C, S = self._with_an_input_column(C, S)
        n = Z.shape[0]
        d_Z, d_G = cuda.to_device(Z), cuda.to_device(G)
        d_grad_a_parts = cuda.device_array((n, M), dtype=a.dtype)
        _kernels(a.dtype).forced_carry[n, M, 0, shared_bytes](
            cuda.to_device(a), cuda.to_device(W), cuda.to_device(np.ascontiguousarray(forcing)), self.n_linear,
            n_observed, w_shared, d_Z, d_G, d_grad_a_parts,
        )
        grad_C_all = np.zeros((M, C.shape[1]), dtype=a.dtype)
        self._weight_gradients(
            a, d_Z, cuda.to_device(np.ascontiguousarray(S)), d_G, d_grad_a_parts, grad_a, grad_W, grad_h, grad_C_all
        )
        grad_C += grad_C_all[:, :n_inputs]
        return d_G[:, 0].copy_to_host()

    def free_run(self, a, W, h, C, z0, S, n_out):
        """Free runs from the states ``z0`` (n, M) driven by ``S`` (n, n_steps, K): the first
        ``n_out`` units after each step, (n, n_steps, n_out), NaN from where a run overflows."""
        d_out = cuda.device_array((z0.shape[0], S.shape[1], n_out), dtype=a.dtype)
        no_data = np.zeros((1, 1, 1), dtype=a.dtype)  # nothing is forced: forcing is 0 at every step
        self._forced_run(a, W, h, C, S, z0, no_data, np.zeros(S.shape[1], a.dtype), None, d_out)
        return d_out.copy_to_host()
