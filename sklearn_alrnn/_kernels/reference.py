"""Reference forward pass and BPTT in plain NumPy, one sequence and one step at a time.

Written to be read, not to be fast: the optimised engine in ``cpu`` (and the
CUDA one) is tested against these functions. Same conventions as ``cpu``; the
module itself serves as an engine (``loss_and_gradients(..., kernels=reference)``).
"""

import numpy as np

from .._model import phi


def forward_states(a, W, h, C, X, lengths, n_linear, Z):
    n_nonlinear = a.shape[0] - n_linear
    Z[:] = 0.0
    for i in range(X.shape[0]):
        for t in range(X.shape[1]):
            z = Z[i, t]
            if t < lengths[i]:
                Z[i, t + 1] = a * z + W @ phi(z, n_nonlinear) + C @ X[i, t] + h
            else:  # the state holds after the sequence ends
                Z[i, t + 1] = z


def final_states(a, W, h, C, X, lengths, n_linear):
    Z = np.zeros((X.shape[0], X.shape[1] + 1, a.shape[0]), dtype=a.dtype)
    forward_states(a, W, h, C, X, lengths, n_linear, Z)
    return Z[np.arange(X.shape[0]), lengths].copy()


def backward(a, W, C, X, lengths, n_linear, Z, dZ, grad_a, grad_W, grad_h, grad_C):
    M = a.shape[0]
    unit_is_linear = np.arange(M) < n_linear
    for i in range(X.shape[0]):
        g = np.zeros(M, dtype=a.dtype)
        for t in range(lengths[i], 0, -1):
            g = g + dZ[i, t]
            z_prev = Z[i, t - 1]
            phi_prev = phi(z_prev, M - n_linear)
            grad_a += g * z_prev
            grad_W += np.outer(g, phi_prev)
            grad_h += g
            grad_C += np.outer(g, X[i, t - 1])
            slope = (unit_is_linear | (z_prev > 0)).astype(a.dtype)
            g = a * g + slope * (W.T @ g)
