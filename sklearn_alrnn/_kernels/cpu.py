"""Numba CPU kernels: forward pass, final states and backpropagation through time.

Conventions shared by every kernel:

- ``X`` is ``(n, T, K)``, zero beyond each sequence's length ``lengths[i]``;
- ``Z`` is ``(n, T + 1, M)`` with ``Z[:, 0] = z_0 = 0`` and ``Z[:, t]`` the state
  after consuming ``X[:, t - 1]``;
- ``n_linear = M - P``: units ``j < n_linear`` are linear, the rest ReLU;
- float32 and float64 share the code; Numba compiles one specialisation each.
"""

import numpy as np
from numba import njit


@njit(cache=True, inline="always")
def _phi_into(z, n_linear, out):
    for j in range(z.shape[0]):
        out[j] = z[j] if (j < n_linear or z[j] > 0) else 0.0


@njit(cache=True, inline="always")
def _step(a, W, h, C, x, z_prev, phi_prev, z_out, n_linear):
    """z_out = a * z_prev + W phi(z_prev) + C x + h (phi_prev is scratch space)."""
    _phi_into(z_prev, n_linear, phi_prev)
    M = a.shape[0]
    K = x.shape[0]
    for m in range(M):
        acc = a[m] * z_prev[m] + h[m]
        for k in range(K):
            acc += C[m, k] * x[k]
        for j in range(M):
            acc += W[m, j] * phi_prev[j]
        z_out[m] = acc


@njit(cache=True)
def forward_states(a, W, h, C, X, lengths, n_linear, Z):
    """Fill ``Z`` (n, T + 1, M) with the hidden trajectories; zero beyond each length."""
    Z[:] = 0.0
    phi_prev = np.empty_like(a)
    for i in range(X.shape[0]):
        for t in range(lengths[i]):
            _step(a, W, h, C, X[i, t], Z[i, t], phi_prev, Z[i, t + 1], n_linear)


@njit(cache=True)
def final_states(a, W, h, C, X, lengths, n_linear):
    """Return the state at each sequence's last valid step, (n, M), in O(M) memory."""
    n = X.shape[0]
    M = a.shape[0]
    out = np.empty((n, M), dtype=a.dtype)
    z = np.empty_like(a)
    z_next = np.empty_like(a)
    phi_prev = np.empty_like(a)
    for i in range(n):
        z[:] = 0.0
        for t in range(lengths[i]):
            _step(a, W, h, C, X[i, t], z, phi_prev, z_next, n_linear)
            z, z_next = z_next, z
        out[i] = z
    return out


@njit(cache=True)
def backward(a, W, C, X, lengths, n_linear, Z, dZ, grad_a, grad_W, grad_h, grad_C):
    """Backpropagation through time; adds dL/d(a, W, h, C) into the ``grad_*`` arrays.

    ``dZ`` (n, T + 1, M) holds the direct loss gradient with respect to each state
    ``Z[:, t]`` (through the readout); the carry between steps is

        g_{t-1} += a * g_t + phi'(z_{t-1}) * (W^T g_t).
    """
    M = a.shape[0]
    K = X.shape[2]
    g = np.empty_like(a)
    carry = np.empty_like(a)
    phi_prev = np.empty_like(a)
    for i in range(X.shape[0]):
        g[:] = 0.0
        for t in range(lengths[i], 0, -1):
            for m in range(M):
                g[m] += dZ[i, t, m]
            z_prev = Z[i, t - 1]
            x = X[i, t - 1]
            _phi_into(z_prev, n_linear, phi_prev)
            for m in range(M):
                gm = g[m]
                grad_a[m] += gm * z_prev[m]
                grad_h[m] += gm
                for j in range(M):
                    grad_W[m, j] += gm * phi_prev[j]
                for k in range(K):
                    grad_C[m, k] += gm * x[k]
            if t == 1:
                break
            carry[:] = 0.0
            for m in range(M):
                gm = g[m]
                for j in range(M):
                    carry[j] += W[m, j] * gm
            for j in range(M):
                active = j < n_linear or z_prev[j] > 0
                g[j] = a[j] * g[j] + (carry[j] if active else 0.0)
