"""Numba kernel of Lyapunov exponents: a frame of tangent vectors pushed along a free run.

The tangent map of the AL-RNN at z is J(z) = diag(a) + W diag(phi'(z)), where
phi'(z) is 1 for the linear units and for the ReLU units that are on: it
depends on the state only through its regime. A frame Q of k orthonormal
tangent vectors is pushed through J and orthonormalised again by a QR
decomposition every step; the log of ``|R_ii|``, averaged over the steps, is
exponent i (Benettin et al. 1980, Shimada & Nagashima 1979), largest first once
the frame has aligned.
"""

import numpy as np

from .._validation import check_counts
from ._cache import cached_njit


def tangent_frame(n_units, n_exponents):
    """The starting frame (n_units, k) of ``n_exponents`` (None: all n_units) checked against the map's
    units: fixed random orthonormal vectors, so that no direction the dynamics single out is
    favoured and every call gives the same answer."""
    n_exponents = n_units if n_exponents is None else n_exponents
    check_counts(n_exponents=n_exponents)
    if n_exponents > n_units:
        raise ValueError(f"n_exponents={n_exponents} exceeds the map's {n_units} dimensions (its units).")
    return np.linalg.qr(np.random.RandomState(0).standard_normal((n_units, int(n_exponents))))[0]


@cached_njit()
def free_run_spectrum(a, W, h, n_linear, z0, frame, n_steps, n_transient):
    """The exponents of the frame along the autonomous run from ``z0``, in the order the frame found
    them: mean log growth over ``n_steps`` after ``n_transient``. A direction the map annihilates
    scores -inf. NaNs when the run leaves the floating-point range."""
    M, k = frame.shape
    z = z0.copy()
    phi_z = np.empty(M)
    slope = np.empty((M, 1))
    Q = frame.copy()
    totals = np.zeros(k)
    for t in range(n_transient + n_steps):
        for m in range(M):
            on = m < n_linear or z[m] > 0
            slope[m, 0] = 1.0 if on else 0.0
            phi_z[m] = z[m] if on else 0.0
        Q, R = np.linalg.qr(a.reshape(M, 1) * Q + W @ (slope * Q))
        z = a * z + W @ phi_z + h
        if not np.all(np.isfinite(z)):
            return np.full(k, np.nan)
        if t >= n_transient:
            for i in range(k):
                totals[i] += np.log(np.abs(R[i, i]))
    return totals / n_steps
