"""Numba CPU engine: blocked forward pass, final states and backpropagation through time.

Array conventions: see ``_engine``.

How the kernels are fast:

- all sequences of a chunk advance one time step together, and the M x M
  product of the step is ``_tiles.add_product``: register tiles of several
  sequences, each row of the matrix loaded once per tile, every sum taken in
  the same order whatever the chunking, hence bit-identical for any
  ``n_threads``;
- tiles of finished sequences (all-zero states or gradients) are skipped;
- subnormal numbers (below ~1e-38 in float32, ~1e-308 in float64) are read
  or stored as zero: vanishing gradients reach them within a few hundred
  steps, and x86 arithmetic on them is one to two orders of magnitude slower;
- the weight gradients are one product over the whole batch after the
  recurrence, by the same tiles (faster than OpenBLAS's AVX2 SGEMM where the
  CPU has AVX-512, and independent of BLAS threads);
- chunks of sequences run on ``n_threads`` Python threads (``nogil`` kernels),
  so the thread count is an argument and Numba's process-wide setting is
  never touched.
"""

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ._cache import cached_njit
from ._engine import Engine
from ._tiles import add_product
from .forcing import forced_carry_chunk, forced_forward_chunk, free_run_chunk
from .inputs import add_input, add_token_gradients


@cached_njit(nogil=True, inline="always")
def _advance(a, WT, CT, h, X, t, lengths, n_linear, z_prev, z_next, phi_prev, tiny):
    """One step for a chunk of sequences: z_next = a * z_prev + W phi(z_prev) + C s_t + h."""
    n, M = z_prev.shape
    for b in range(n):
        if t < lengths[b]:
            for m in range(M):
                v = z_prev[b, m]
                if abs(v) < tiny:  # subnormal: see the module docstring
                    v = 0.0
                phi_prev[b, m] = v if (m < n_linear or v > 0) else 0.0
                z_next[b, m] = a[m] * v + h[m]
        else:
            for m in range(M):
                phi_prev[b, m] = 0.0
                z_next[b, m] = z_prev[b, m]
    # X is zero (ids -1) beyond each length, so finished sequences gain nothing here.
    add_input(X, t, CT, z_next)
    add_product(phi_prev, WT, z_next)


@cached_njit(nogil=True)
def _forward_chunk(a, WT, CT, h, X, lengths, n_linear, Z, tiny):
    # The step runs on contiguous (n, M) buffers, then lands in Z: a strided
    # Z[:, t] view would keep LLVM from vectorising the inner loops.
    n, T1, M = Z.shape
    phi_prev = np.empty((n, M), dtype=Z.dtype)
    z = np.zeros((n, M), dtype=Z.dtype)
    z_next = np.empty((n, M), dtype=Z.dtype)
    Z[:, 0] = 0.0
    for t in range(T1 - 1):
        _advance(a, WT, CT, h, X, t, lengths, n_linear, z, z_next, phi_prev, tiny)
        Z[:, t + 1] = z_next
        z, z_next = z_next, z


@cached_njit(nogil=True)
def _final_chunk(a, WT, CT, h, X, lengths, n_linear, out, tiny):
    n, M = out.shape
    phi_prev = np.empty((n, M), dtype=out.dtype)
    z = np.zeros((n, M), dtype=out.dtype)
    z_next = np.empty((n, M), dtype=out.dtype)
    for t in range(X.shape[1]):
        _advance(a, WT, CT, h, X, t, lengths, n_linear, z, z_next, phi_prev, tiny)
        z, z_next = z_next, z
    out[:] = z


@cached_njit(nogil=True)
def _carry_chunk(a, W, lengths, n_linear, Z, G, per_sequence, tiny):
    """Turn direct gradients G (n, T + 1, M) into total gradients dL/dZ_t, in place.

    g_{t-1} += a * g_t + phi'(z_{t-1}) * (W^T g_t), from the last step down to
    t = 1. Along the way, per_sequence[b, 0] and [b, 1] collect sequence b's
    dL/da = sum_t g_t z_{t-1} and dL/dh = sum_t g_t; summing those over b in a
    fixed order keeps the result independent of how sequences are chunked.
    """
    n, T1, M = Z.shape
    V = np.zeros((n, M), dtype=Z.dtype)
    for t in range(T1 - 1, 0, -1):
        carry_on = t > 1  # g_0 belongs to the fixed z_0 and is not needed
        if carry_on:
            # Beyond a sequence's length its gradient is zero, so V is too.
            V[:] = 0.0
            add_product(G[:, t], W, V)
        for b in range(n):
            if t <= lengths[b]:
                for j in range(M):
                    per_sequence[b, 0, j] += G[b, t, j] * Z[b, t - 1, j]
                for j in range(M):
                    per_sequence[b, 1, j] += G[b, t, j]
                if carry_on:
                    # V[b] becomes the total g_{t-1}: W^T g_t reaches linear units always,
                    # ReLU units only where they were on. Short loops over few arrays
                    # vectorise; one loop doing all of this did not.
                    for j in range(n_linear):
                        V[b, j] += a[j] * G[b, t, j] + G[b, t - 1, j]
                    for j in range(n_linear, M):
                        relu_term = V[b, j] if Z[b, t - 1, j] > 0 else 0.0
                        V[b, j] = a[j] * G[b, t, j] + G[b, t - 1, j] + relu_term
                    for j in range(M):
                        G[b, t - 1, j] = V[b, j] if abs(V[b, j]) >= tiny else 0.0  # subnormal: flushed


def _tiny(a):
    """The smallest normal number of the parameters' dtype, as that dtype."""
    return a.dtype.type(np.finfo(a.dtype).tiny)


_POOLS = {}


def _pool(n_threads):
    # Keyed by process too: a pool inherited through fork has no live threads.
    key = (os.getpid(), n_threads)
    if key not in _POOLS:
        _POOLS[key] = ThreadPoolExecutor(max_workers=n_threads, thread_name_prefix="alrnn")
    return _POOLS[key]


#: Sequences advanced together by one kernel call: enough to reuse each row of W
#: many times, few enough that the block's states stay in the L2 cache.
SEQUENCE_BLOCK = 64


def _run_chunked(kernel, n_threads, n, args_for):
    """Run ``kernel(*args_for(lo, hi))`` over blocks of the n sequences on ``n_threads`` threads.

    Each thread takes a contiguous share of the sequences and walks it in
    blocks of ``SEQUENCE_BLOCK``.
    """

    def work(lo, hi):
        for start in range(lo, hi, SEQUENCE_BLOCK):
            kernel(*args_for(start, min(start + SEQUENCE_BLOCK, hi)))

    n_threads = max(1, min(n_threads, n))
    if n_threads == 1:
        work(0, n)
        return
    bounds = np.linspace(0, n, n_threads + 1).astype(int)
    futures = [_pool(n_threads).submit(work, lo, hi) for lo, hi in zip(bounds[:-1], bounds[1:])]
    for future in futures:
        future.result()


#: Bytes of state trajectories that a part of a training batch keeps: a few L2
#: caches' worth (measured: at M = 32, T = 1000, a batch of 256 in parts of 32
#: sequences, 4 MB, ran 25% faster than whole). It does not depend on the thread
#: count: the parts decide the order of the gradient sums.
STATES_BUDGET_BYTES = 4 * 2**20


class CPUEngine(Engine):
    """The Numba CPU engine with a fixed number of threads.

    Parameters as in ``Engine``; ``n_threads`` threads advance chunks of
    sequences in parallel, and results do not depend on it.
    """

    states_budget_bytes = STATES_BUDGET_BYTES
    #: At least this many sequences per part: the product kernel's register
    #: tiles hold several sequences.
    min_sequences_per_part = 16

    def forward_states(self, a, W, h, C, X, lengths, Z):
        WT, CT = np.ascontiguousarray(W.T), np.ascontiguousarray(C.T)
        n_linear, tiny = self.n_linear, _tiny(a)
        _run_chunked(
            _forward_chunk, self.n_threads, X.shape[0],
            lambda lo, hi: (a, WT, CT, h, X[lo:hi], lengths[lo:hi], n_linear, Z[lo:hi], tiny),
        )

    def final_states(self, a, W, h, C, X, lengths):
        """The state at each sequence's last valid step, (n, M), in O(n M) memory."""
        WT, CT = np.ascontiguousarray(W.T), np.ascontiguousarray(C.T)
        out = np.empty((X.shape[0], a.shape[0]), dtype=a.dtype)
        n_linear, tiny = self.n_linear, _tiny(a)
        _run_chunked(
            _final_chunk, self.n_threads, X.shape[0],
            lambda lo, hi: (a, WT, CT, h, X[lo:hi], lengths[lo:hi], n_linear, out[lo:hi], tiny),
        )
        return out

    def backward(self, a, W, C, X, lengths, Z, dZ, grad_a, grad_W, grad_h, grad_C):
        """The carry turns ``dZ`` into the total gradient in place, then the weight
        gradients are sums over all (sequence, step) pairs, one product each."""
        n_linear, tiny = self.n_linear, _tiny(a)
        per_sequence = self._workspace.array("per_sequence", (X.shape[0], 2, a.shape[0]), a.dtype, zero=True)
        _run_chunked(
            _carry_chunk, self.n_threads, X.shape[0],
            lambda lo, hi: (a, W, lengths[lo:hi], n_linear, Z[lo:hi], dZ[lo:hi], per_sequence[lo:hi], tiny),
        )
        grad_a += per_sequence[:, 0].sum(axis=0)
        grad_h += per_sequence[:, 1].sum(axis=0)
        self._weight_gradients(Z, dZ, X, grad_W, grad_C)

    def _weight_gradients(self, Z, G, X, grad_W, grad_C):
        """Add sum_t g_t phi(z_{t-1})^T and sum_t g_t s_t^T, with ``G[:, 0] = 0``."""
        # Flattened over (sequence, step), row r of G pairs with row r - 1 of Z: the
        # state the step started from. The rows that straddle two sequences pair
        # G[b, 0] = 0 with the previous sequence's last state, so they add nothing,
        # and no copy of G or Z is needed.
        n, T1, M = Z.shape
        n_linear = self.n_linear
        G_rows = G.reshape(-1, M)[1:]
        Z_prev = Z.reshape(-1, M)[:-1]
        # Only the P ReLU columns of phi(Z_prev) need a rectified copy.
        relu_prev = self._workspace.array("relu", (Z_prev.shape[0], self.n_nonlinear), Z.dtype)
        np.maximum(Z_prev[:, n_linear:], 0, out=relu_prev)
        tokens = X.ndim == 2  # ids: the gradient of C is a scatter-add below, not a product
        K = 0 if tokens else X.shape[2]
        # (dL/dW)^T = phi(Z_prev)^T G and (dL/dC)^T = X_prev^T G: products whose
        # rows are the full-width rows of G, summed over all n (T + 1) - 1 rows in
        # the fixed order of add_product, split across threads by unit.
        transposed = self._workspace.array("weight_gradients_T", (M + K, M), Z.dtype, zero=True)
        products = [(Z_prev[:, :n_linear], transposed[:n_linear]), (relu_prev, transposed[n_linear:M])]
        if K:
            X_prev = self._workspace.array("X_prev", (n, T1, K), X.dtype)
            X_prev[:, 0] = 0.0
            X_prev[:, 1:] = X
            products.append((X_prev.reshape(n * T1, K)[1:], transposed[M:]))
        for inputs, out in products:
            _run_chunked(
                add_product, self.n_threads, out.shape[0],
                lambda lo, hi, inputs=inputs, out=out: (inputs.T[lo:hi], G_rows, out[lo:hi]),
            )
        grad_W += transposed[:M].T
        if tokens:
            add_token_gradients(X, G, grad_C)
        else:
            grad_C += transposed[M:].T

    def forced_forward(self, a, W, h, C, S, data, forcing, Z, predictions):
        """Teacher-forced windows (``forcing`` module): fill ``Z[:, 1:]`` and ``predictions``."""
        WT, CT = np.ascontiguousarray(W.T), np.ascontiguousarray(C.T)
        n_linear, tiny = self.n_linear, _tiny(a)
        _run_chunked(
            forced_forward_chunk, self.n_threads, Z.shape[0],
            lambda lo, hi: (a, WT, CT, h, S[lo:hi], data[lo:hi], forcing, n_linear, Z[lo:hi], predictions[lo:hi], tiny),
        )

    def forced_backward(self, a, W, C, S, forcing, n_observed, Z, G, grad_a, grad_W, grad_h, grad_C):
        """Add the gradients of teacher-forced windows; return dL/d(initial states), (n, M).

        ``G`` holds the direct gradients with respect to the predictions
        (``G[:, t, :N]``, see ``forcing``) and is overwritten.
        """
        per_sequence = self._workspace.array("per_sequence", (Z.shape[0], 2, a.shape[0]), a.dtype, zero=True)
        n_linear, tiny = self.n_linear, _tiny(a)
        _run_chunked(
            forced_carry_chunk, self.n_threads, Z.shape[0],
            lambda lo, hi: (a, W, forcing, n_linear, n_observed, Z[lo:hi], G[lo:hi], per_sequence[lo:hi], tiny),
        )
        grad_a += per_sequence[:, 0].sum(axis=0)
        grad_h += per_sequence[:, 1].sum(axis=0)
        initial = G[:, 0].copy()
        G[:, 0] = 0.0
        self._weight_gradients(Z, G, S, grad_W, grad_C)
        return initial

    def free_run(self, a, W, h, C, z0, S, n_out):
        """Free runs from the states ``z0`` (n, M) driven by ``S`` (n, n_steps, K): the first
        ``n_out`` units after each step, (n, n_steps, n_out), NaN from where a run overflows."""
        WT, CT = np.ascontiguousarray(W.T), np.ascontiguousarray(C.T)
        out = np.empty((z0.shape[0], S.shape[1], n_out), dtype=a.dtype)
        n_linear, tiny = self.n_linear, _tiny(a)
        z0 = np.ascontiguousarray(z0, dtype=a.dtype)
        _run_chunked(
            free_run_chunk, self.n_threads, z0.shape[0],
            lambda lo, hi: (a, WT, CT, h, S[lo:hi], n_linear, z0[lo:hi], out[lo:hi], tiny),
        )
        return out


def warm_up():
    """Compile (or load from Numba's on-disk cache) every kernel, for float32 and float64.

    Call it once per process before timing, or on each Dask / Ray worker
    (``client.run(sklearn_alrnn.warm_up)``) so that the first fit does not pay
    for compilation. Several processes may warm up at once: Numba writes each
    cache file to a temporary name and renames it into place.

    Examples
    --------
    >>> import sklearn_alrnn
    >>> sklearn_alrnn.warm_up()  # later fits start without compiling
    """
    from .._optim import AdamOptimizer

    for dtype in (np.float64, np.float32):
        rng = np.random.RandomState(0)
        n, T, M, K = 3, 4, 5, 2
        a, h = np.full(M, 0.5, dtype), np.zeros(M, dtype)
        W, C = rng.normal(size=(M, M)).astype(dtype), rng.normal(size=(M, K)).astype(dtype)
        X, lengths = rng.normal(size=(n, T, K)).astype(dtype), np.array([4, 2, 1])
        engine = CPUEngine(M, 2)
        Z = np.empty((n, T + 1, M), dtype)
        engine.forward_states(a, W, h, C, X, lengths, Z)
        engine.final_states(a, W, h, C, X, lengths)
        dZ = np.zeros_like(Z)
        dZ[:, 1:] = 1.0
        grads = [np.zeros_like(p) for p in (a, W, h, C)]
        engine.backward(a, W, C, X, lengths, Z, dZ, *grads)
        AdamOptimizer(np.zeros(4, dtype)).update_params(np.ones(4, dtype))
