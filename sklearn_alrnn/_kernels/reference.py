"""Reference forward pass and BPTT in plain NumPy, one sequence and one step at a time.

Written to be read, not to be fast: the optimised engines (``cpu``, ``cuda``)
are tested against ``ReferenceEngine``. Conventions in ``_engine``.
"""

import numpy as np

from .._model import phi
from ._engine import Engine


class ReferenceEngine(Engine):
    """The AL-RNN equations as plain loops (see ``Engine`` for the parameters)."""

    def forward_states(self, a, W, h, C, X, lengths, Z):
        X = self.dense_inputs(X, C)
        Z[:] = 0.0
        for i in range(X.shape[0]):
            for t in range(X.shape[1]):
                z = Z[i, t]
                if t < lengths[i]:
                    Z[i, t + 1] = a * z + W @ phi(z, self.n_nonlinear) + C @ X[i, t] + h
                else:  # the state holds after the sequence ends
                    Z[i, t + 1] = z

    def final_states(self, a, W, h, C, X, lengths):
        Z = np.zeros((X.shape[0], X.shape[1] + 1, a.shape[0]), dtype=a.dtype)
        self.forward_states(a, W, h, C, X, lengths, Z)
        return Z[np.arange(X.shape[0]), lengths].copy()

    def backward(self, a, W, C, X, lengths, Z, dZ, grad_a, grad_W, grad_h, grad_C):
        X = self.dense_inputs(X, C)
        unit_is_linear = np.arange(a.shape[0]) < self.n_linear
        for i in range(X.shape[0]):
            g = np.zeros(a.shape[0], dtype=a.dtype)
            for t in range(lengths[i], 0, -1):
                g = g + dZ[i, t]
                z_prev = Z[i, t - 1]
                grad_a += g * z_prev
                grad_W += np.outer(g, phi(z_prev, self.n_nonlinear))
                grad_h += g
                grad_C += np.outer(g, X[i, t - 1])
                slope = (unit_is_linear | (z_prev > 0)).astype(a.dtype)
                g = a * g + slope * (W.T @ g)
