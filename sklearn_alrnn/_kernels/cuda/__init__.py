"""CUDA engine: the AL-RNN recurrence and its gradient as numba.cuda kernels.

This package is the only place that imports ``numba.cuda`` (the ``cuda``
extra, numba-cuda): ``CUDAEngine`` here (launches and the host side), the
device code in ``kernels``. Conventions and the engine contract: ``_engine``.

Layout of the work:

- forward and BPTT carry: one thread block per sequence (per 2, 4 or 8 sequences
  in large batches, MIN_BLOCKS, of up to MAX_UNITS_FOR_SEVERAL units), one
  thread per hidden unit (so M <= 1024);
  each step synchronises the block once to share phi(z_{t-1}) (or g_t) through
  shared memory. W (transposed for the forward, so that a warp reads
  consecutive addresses) is staged in shared memory when it fits next to the
  state vectors; otherwise threads read it from global memory, where the L1/L2
  caches serve the repeated reads, each read serving the block's sequences
  (whose values lie [unit, sequence], indexed with unsigned integers: numba
  guards signed indices against negative values at every load);
- weight gradients: a tiled product G^T [phi(Z) | X | 1] over all (sequence,
  step) pairs (16 x 16 tiles in shared memory), its rows split across up to
  ROW_SPLITS blocks whose partial products a last kernel adds; dL/da is summed
  per sequence inside the carry kernel, and over sequences by that last kernel;
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

import numpy as np
from numba import config, cuda

from .._engine import Engine
from .kernels import TILE, _kernels, _launch, _sequence_kernels

#: At most this many blocks of rows share the weight-gradient product (``sum_rows``
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


def _to_device(array, dtype=None):
    """A C-ordered device copy of ``array`` (in ``dtype`` when given): transposes and views arrive
    contiguous, and the weight-gradient product reads trajectories and inputs as flat rows."""
    return cuda.to_device(np.ascontiguousarray(array, dtype=dtype))


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
        _launch(_sequence_kernels(a.dtype, S).forward, math.ceil(n_sequences / S), M, shared_bytes)(
            cuda.to_device(a), _to_device(W.T), cuda.to_device(h), cuda.to_device(C), d_X, d_lengths, self.n_linear,
            w_shared, d_Z is not None,
            d_Z if d_Z is not None else cuda.device_array((1, 1, 1), dtype=a.dtype),
            d_out if d_out is not None else cuda.device_array((1, 1), dtype=a.dtype),
        )

    def forward_states(self, a, W, h, C, X, lengths, Z):
        X = self.dense_inputs(X, C)
        d_Z = cuda.device_array(Z.shape, dtype=Z.dtype)
        d_X, d_lengths = _to_device(X), cuda.to_device(lengths)
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
        d_X, d_lengths = _to_device(X), cuda.to_device(lengths)
        self._forward(a, W, h, C, n, d_X, d_lengths, d_Z, None)
        self._states = (d_Z, d_X, d_lengths)
        if per_step:
            return d_Z.copy_to_host()[:, 1:]
        d_H = cuda.device_array((n, M), dtype=a.dtype)
        _launch(_kernels(a.dtype).gather_readout, n, M)(d_Z, d_lengths, d_H)
        return d_H.copy_to_host()

    def final_states(self, a, W, h, C, X, lengths):
        X = self.dense_inputs(X, C)
        d_out = cuda.device_array((X.shape[0], a.shape[0]), dtype=a.dtype)
        self._forward(a, W, h, C, X.shape[0], _to_device(X), cuda.to_device(lengths), None, d_out)
        return d_out.copy_to_host()

    def backward(self, a, W, C, X, lengths, Z, dZ, grad_a, grad_W, grad_h, grad_C):
        self._backward_on_device(
            a, W, _to_device(Z), _to_device(self.dense_inputs(X, C)), cuda.to_device(lengths), _to_device(dZ),
            grad_a, grad_W, grad_h, grad_C,
        )

    def backward_readout(self, a, W, C, X, lengths, per_step, dH, grad_a, grad_W, grad_h, grad_C):
        """``backward`` from dL/d(readout states) ``dH`` (the shape ``forward_readout`` returned),
        on the trajectories that ``forward_readout`` left on the GPU."""
        if self._states is None:
            raise RuntimeError("backward_readout needs the trajectories of a forward_readout call first.")
        d_Z, d_X, d_lengths = self._states
        self._states = None
        d_G = self._buffer("G", d_Z.shape, a.dtype)
        d_dH = _to_device(dH)
        kernels = _kernels(a.dtype)
        if per_step:
            _launch(kernels.scatter_every, d_Z.shape[0], d_Z.shape[2])(d_dH, d_G)
        else:
            _launch(kernels.scatter_last, d_Z.shape[0], d_Z.shape[2])(d_dH, d_lengths, d_G)
        self._backward_on_device(a, W, d_Z, d_X, d_lengths, d_G, grad_a, grad_W, grad_h, grad_C)

    def _backward_on_device(self, a, W, d_Z, d_X, d_lengths, d_G, grad_a, grad_W, grad_h, grad_C):
        """Carry d_G (overwritten) back through time, then add the weight gradients to ``grad_*``."""
        n = d_Z.shape[0]
        S = self._sequences_per_block(n, a)
        M, w_shared, shared_bytes = self._launch_shape(a, S)
        d_grad_a_parts = self._buffer("grad_a_parts", (n, M), a.dtype)
        _launch(_sequence_kernels(a.dtype, S).carry, math.ceil(n / S), M, shared_bytes)(
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
        d_parts = self._buffer("weight_gradient_parts", (splits, M, M + K + 1), a.dtype)
        blocks = (math.ceil(M / TILE), math.ceil((M + K + 1) / TILE), splits)
        _launch(kernels.weight_gradients, blocks, (TILE, TILE))(
            d_Z.reshape(d_Z.size), d_G.reshape(d_G.size), d_X.reshape(d_X.size), T1 - 1, K, n_rows, self.n_linear,
            rows_per_split, d_parts,
        )
        out = self._sum_rows(d_parts.reshape(splits, M * (M + K + 1))).reshape(M, M + K + 1)
        grad_W += out[:, :M]
        grad_C += out[:, M : M + K]
        grad_h += out[:, M + K]
        grad_a += self._sum_rows(d_grad_a_parts)

    def _sum_rows(self, d_parts):
        """The sum over the rows of the device array ``d_parts``, in order, as a host array."""
        d_sum = self._buffer(f"row_sum_{d_parts.shape[1]}", d_parts.shape[1:], d_parts.dtype)
        threads = 128
        _launch(_kernels(d_parts.dtype).sum_rows, math.ceil(d_sum.shape[0] / threads), threads)(d_parts, d_sum)
        return d_sum.copy_to_host()

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
        _launch(_kernels(a.dtype).forced_run, start.shape[0], M, shared_bytes + a.dtype.itemsize)(
            cuda.to_device(a), _to_device(W.T), cuda.to_device(h), cuda.to_device(C), _to_device(S),
            _to_device(start, a.dtype), _to_device(data), _to_device(forcing, a.dtype), self.n_linear, w_shared,
            store_states,
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
        d_Z, d_G = _to_device(Z), _to_device(G)
        d_grad_a_parts = self._buffer("grad_a_parts", (n, M), a.dtype)
        _launch(_kernels(a.dtype).forced_carry, n, M, shared_bytes)(
            cuda.to_device(a), cuda.to_device(W), _to_device(forcing), self.n_linear,
            n_observed, w_shared, d_Z, d_G, d_grad_a_parts,
        )
        grad_C_all = np.zeros((M, C.shape[1]), dtype=a.dtype)
        self._weight_gradients(a, d_Z, _to_device(S), d_G, d_grad_a_parts, grad_a, grad_W, grad_h, grad_C_all)
        grad_C += grad_C_all[:, :n_inputs]
        return d_G[:, 0].copy_to_host()

    def free_run(self, a, W, h, C, z0, S, n_out):
        """Free runs from the states ``z0`` (n, M) driven by ``S`` (n, n_steps, K): the first
        ``n_out`` units after each step, (n, n_steps, n_out), NaN from where a run overflows."""
        d_out = cuda.device_array((z0.shape[0], S.shape[1], n_out), dtype=a.dtype)
        no_data = np.zeros((1, 1, 1), dtype=a.dtype)  # nothing is forced: forcing is 0 at every step
        self._forced_run(a, W, h, C, S, z0, no_data, np.zeros(S.shape[1], a.dtype), None, d_out)
        return d_out.copy_to_host()
