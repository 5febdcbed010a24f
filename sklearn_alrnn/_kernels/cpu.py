"""Numba CPU engine: blocked forward pass, final states and backpropagation through time.

Conventions shared with ``reference``:

- ``X`` is ``(n, T, K)``, zero beyond each sequence's length ``lengths[i]``;
- ``Z`` is ``(n, T + 1, M)`` with ``Z[:, 0] = z_0 = 0`` and ``Z[:, t]`` the state
  after consuming ``X[:, t - 1]``; beyond its length a sequence's state holds;
- ``n_linear = M - P``: units ``j < n_linear`` are linear, the rest ReLU;
- float32 and float64 share the code; Numba compiles one specialisation each.

How the kernels are fast:

- all sequences of a chunk advance one time step together, and each row of
  the recurrent matrix is loaded once for the whole chunk;
- the inner loops are written as ``z[b, :] += w_row * scalar`` (no reduction),
  so LLVM vectorises them without reassociating sums: every state is computed
  in the same order whatever the chunking, hence bit-identical for any
  ``n_threads``;
- ReLU units that are off and inputs that are zero are skipped;
- the weight gradients are one GEMM over the whole batch after the recurrence,
  computed by BLAS;
- chunks of sequences run on ``n_threads`` Python threads (``nogil`` kernels),
  so the thread count is an argument and Numba's process-wide setting is
  never touched.
"""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numba import njit

from .._model import phi
from .._workspace import Workspace


@njit(cache=True, nogil=True)
def _add_product(coef, rows, out):
    """out += coef @ rows for coef (n, R), rows (R, M), out (n, M) contiguous.

    Four rows at a time, so each out[b, :] is loaded and stored once per four
    multiply-adds; groups of four zero coefficients (ReLU units that are off,
    finished sequences) are skipped. The order of the sums depends only on R,
    never on n.
    """
    n, R = coef.shape
    M = rows.shape[1]
    r = 0
    while r + 4 <= R:
        w0, w1, w2, w3 = rows[r], rows[r + 1], rows[r + 2], rows[r + 3]
        for b in range(n):
            c0, c1, c2, c3 = coef[b, r], coef[b, r + 1], coef[b, r + 2], coef[b, r + 3]
            if c0 == 0.0 and c1 == 0.0 and c2 == 0.0 and c3 == 0.0:
                continue
            o = out[b]
            for m in range(M):
                o[m] += w0[m] * c0 + w1[m] * c1 + w2[m] * c2 + w3[m] * c3
        r += 4
    while r < R:
        w = rows[r]
        for b in range(n):
            c = coef[b, r]
            if c != 0.0:
                o = out[b]
                for m in range(M):
                    o[m] += w[m] * c
        r += 1


@njit(cache=True, nogil=True)
def _advance(a, WT, CT, h, X, t, lengths, n_linear, z_prev, z_next, phi_prev):
    """One step for a chunk of sequences: z_next = a * z_prev + W phi(z_prev) + C x_t + h."""
    n, M = z_prev.shape
    K = CT.shape[0]
    for b in range(n):
        if t < lengths[b]:
            for m in range(M):
                v = z_prev[b, m]
                phi_prev[b, m] = v if (m < n_linear or v > 0) else 0.0
                z_next[b, m] = a[m] * v + h[m]
            for k in range(K):
                xk = X[b, t, k]
                if xk != 0.0:
                    for m in range(M):
                        z_next[b, m] += CT[k, m] * xk
        else:
            for m in range(M):
                phi_prev[b, m] = 0.0
                z_next[b, m] = z_prev[b, m]
    _add_product(phi_prev, WT, z_next)


@njit(cache=True, nogil=True)
def _forward_chunk(a, WT, CT, h, X, lengths, n_linear, Z):
    # The step runs on contiguous (n, M) buffers, then lands in Z: a strided
    # Z[:, t] view would keep LLVM from vectorising the inner loops.
    n, T1, M = Z.shape
    phi_prev = np.empty((n, M), dtype=Z.dtype)
    z = np.zeros((n, M), dtype=Z.dtype)
    z_next = np.empty((n, M), dtype=Z.dtype)
    Z[:, 0] = 0.0
    for t in range(T1 - 1):
        _advance(a, WT, CT, h, X, t, lengths, n_linear, z, z_next, phi_prev)
        Z[:, t + 1] = z_next
        z, z_next = z_next, z


@njit(cache=True, nogil=True)
def _final_chunk(a, WT, CT, h, X, lengths, n_linear, out):
    n, M = out.shape
    phi_prev = np.empty((n, M), dtype=out.dtype)
    z = np.zeros((n, M), dtype=out.dtype)
    z_next = np.empty((n, M), dtype=out.dtype)
    for t in range(X.shape[1]):
        _advance(a, WT, CT, h, X, t, lengths, n_linear, z, z_next, phi_prev)
        z, z_next = z_next, z
    out[:] = z


@njit(cache=True, nogil=True)
def _carry_chunk(a, W, lengths, n_linear, Z, G):
    """Turn direct gradients G (n, T + 1, M) into total gradients dL/dZ_t, in place.

    g_{t-1} += a * g_t + phi'(z_{t-1}) * (W^T g_t), from the last step down to t = 1.
    """
    n, T1, M = Z.shape
    V = np.empty((n, M), dtype=Z.dtype)
    for t in range(T1 - 1, 1, -1):
        # Beyond a sequence's length its gradient is zero, so V is too.
        V[:] = 0.0
        _add_product(G[:, t], W, V)
        for b in range(n):
            if t <= lengths[b]:
                for j in range(M):
                    carried = a[j] * G[b, t, j]
                    if j < n_linear or Z[b, t - 1, j] > 0:
                        carried += V[b, j]
                    G[b, t - 1, j] += carried


_POOLS = {}


def _pool(n_threads):
    if n_threads not in _POOLS:
        _POOLS[n_threads] = ThreadPoolExecutor(max_workers=n_threads, thread_name_prefix="alrnn")
    return _POOLS[n_threads]


def _run_chunked(kernel, n_threads, n, args_for):
    """Run ``kernel(*args_for(lo, hi))`` on ``n_threads`` contiguous chunks of the n sequences."""
    n_threads = max(1, min(n_threads, n))
    if n_threads == 1:
        kernel(*args_for(0, n))
        return
    bounds = np.linspace(0, n, n_threads + 1).astype(int)
    futures = [_pool(n_threads).submit(kernel, *args_for(lo, hi)) for lo, hi in zip(bounds[:-1], bounds[1:])]
    for future in futures:
        future.result()


class CPUEngine:
    """The Numba CPU engine with a fixed number of threads.

    Parameters
    ----------
    n_threads : int, default=1
        Threads that advance chunks of sequences in parallel. Results do not
        depend on it.

    Methods have the signatures of the functions in ``reference``.
    """

    def __init__(self, n_threads=1):
        self.n_threads = int(n_threads)
        self._workspace = Workspace()

    def forward_states(self, a, W, h, C, X, lengths, n_linear, Z):
        """Fill ``Z`` (n, T + 1, M) with the hidden trajectories."""
        WT, CT = np.ascontiguousarray(W.T), np.ascontiguousarray(C.T)
        _run_chunked(
            _forward_chunk, self.n_threads, X.shape[0],
            lambda lo, hi: (a, WT, CT, h, X[lo:hi], lengths[lo:hi], n_linear, Z[lo:hi]),
        )

    def final_states(self, a, W, h, C, X, lengths, n_linear):
        """The state at each sequence's last valid step, (n, M), in O(n M) memory."""
        WT, CT = np.ascontiguousarray(W.T), np.ascontiguousarray(C.T)
        out = np.empty((X.shape[0], a.shape[0]), dtype=a.dtype)
        _run_chunked(
            _final_chunk, self.n_threads, X.shape[0],
            lambda lo, hi: (a, WT, CT, h, X[lo:hi], lengths[lo:hi], n_linear, out[lo:hi]),
        )
        return out

    def backward(self, a, W, C, X, lengths, n_linear, Z, dZ, grad_a, grad_W, grad_h, grad_C):
        """Add dL/d(a, W, h, C) into the ``grad_*`` arrays; ``dZ`` is overwritten.

        ``dZ`` (n, T + 1, M) holds the direct loss gradient with respect to each
        state (``dZ[:, 0]`` and every step beyond a sequence's length are zero); the recurrence turns it into the total gradient, then the weight
        gradients are sums over all (sequence, step) pairs, done as GEMMs.
        """
        _run_chunked(
            _carry_chunk, self.n_threads, X.shape[0],
            lambda lo, hi: (a, W, lengths[lo:hi], n_linear, Z[lo:hi], dZ[lo:hi]),
        )
        # Flattened over (sequence, step), row r of G pairs with row r - 1 of Z: the
        # state the step started from. The rows that straddle two sequences pair
        # G[b, 0] = 0 with the previous sequence's last state, so they add nothing,
        # and no copy of G or Z is needed.
        n, T1, M = Z.shape
        G = dZ.reshape(-1, M)[1:]
        Z_prev = Z.reshape(-1, M)[:-1]
        X_prev = self._workspace.array("X_prev", (n, T1, X.shape[2]), X.dtype)
        X_prev[:, 0] = 0.0
        X_prev[:, 1:] = X
        phi_prev = phi(Z_prev, M - n_linear, out=self._workspace.array("phi", Z_prev.shape, Z.dtype))
        grad_a += np.einsum("ij,ij->j", G, Z_prev)
        grad_W += G.T @ phi_prev
        grad_h += G.sum(axis=0)
        grad_C += G.T @ X_prev.reshape(-1, X.shape[2])[1:]
