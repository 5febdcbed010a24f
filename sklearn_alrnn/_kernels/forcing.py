"""Numba kernels for dynamical-systems reconstruction: teacher-forced windows and free runs.

A forecaster reads its first N units as the observation (``x_hat_t = z_t[:N]``)
and trains on windows of a recorded series. Teacher forcing pulls those N
units towards the data after a step (Brenner et al. 2022, Hess et al. 2023):

    pre_t       = a * z_{t-1} + W phi(z_{t-1}) + C s_t + h      (prediction of x_t: pre_t[:N])
    z_t[:N]     = f_t x_t + (1 - f_t) pre_t[:N],   z_t[N:] = pre_t[N:]

with ``f_t`` the forcing weight of step t: 1 every ``tau`` steps and 0 between
for sparse identity forcing, ``alpha`` at every step for generalized forcing.
The gradient through a forced entry is scaled by ``1 - f_t`` (cut for identity
forcing); the data receive none.

Array conventions (all float arrays of one dtype):

- ``Z`` (n, T + 1, M): ``Z[:, 0]`` the initial states, ``Z[:, t]`` the state
  after step t and its forcing (the state step t + 1 starts from);
- ``data`` (n, T, N): ``data[:, t - 1]`` is x_t, the target of step t and the
  value it is forced towards;
- ``S`` (n, T, K): exogenous inputs, ``S[:, t - 1]`` enters step t (K may be 0);
- ``forcing`` (T,): ``forcing[t - 1]`` is f_t;
- ``G`` (n, T + 1, M): on entry the direct loss gradient with respect to each
  step's prediction (``G[:, t, :N]`` for pre_t); on exit the total gradient
  with respect to each ``pre_t``, and ``G[:, 0]`` that with respect to the
  initial states.

The products go through ``_tiles.add_product`` like the CPU engine's, so
results do not depend on how windows are split across threads.
"""

import numpy as np

from ._cache import cached_njit
from ._tiles import add_product


@cached_njit(nogil=True, inline="always")
def _step(a, WT, CT, h, S, t, n_linear, z_prev, z_next, phi_prev, tiny):
    """z_next = a * z_prev + W phi(z_prev) + C S[:, t] + h for a block of trajectories."""
    n, M = z_prev.shape
    for b in range(n):
        for m in range(M):
            v = z_prev[b, m]
            if abs(v) < tiny:  # subnormal: slow on x86, and zero for our purposes
                v = 0.0
            phi_prev[b, m] = v if (m < n_linear or v > 0) else 0.0
            z_next[b, m] = a[m] * v + h[m]
    if CT.shape[0] > 0:
        add_product(S[:, t], CT, z_next)
    add_product(phi_prev, WT, z_next)


@cached_njit(nogil=True)
def forced_forward_chunk(a, WT, CT, h, S, data, forcing, n_linear, Z, predictions, tiny):
    """Fill ``Z[:, 1:]`` and ``predictions`` (n, T, N) from the initial states ``Z[:, 0]``."""
    n, T1, M = Z.shape
    N = data.shape[2]
    phi_prev = np.empty((n, M), dtype=Z.dtype)
    z = np.empty((n, M), dtype=Z.dtype)
    z_next = np.empty((n, M), dtype=Z.dtype)
    z[:] = Z[:, 0]
    for t in range(T1 - 1):
        _step(a, WT, CT, h, S, t, n_linear, z, z_next, phi_prev, tiny)
        f = forcing[t]
        for b in range(n):
            for j in range(N):
                predictions[b, t, j] = z_next[b, j]
            if f != 0.0:
                for j in range(N):
                    z_next[b, j] = f * data[b, t, j] + (1.0 - f) * z_next[b, j]
        Z[:, t + 1] = z_next
        z, z_next = z_next, z


@cached_njit(nogil=True)
def forced_carry_chunk(a, W, forcing, n_linear, n_observed, Z, G, per_sequence, tiny):
    """Turn direct gradients ``G`` into total ones, in place (see the module docstring).

    With g_t the total gradient with respect to pre_t and u_t that with respect
    to the forced state z_t:

        u_t = a * g_{t+1} + phi'(z_t) * (W^T g_{t+1})       (u_T = 0)
        g_t = direct_t + u_t, its first N entries times (1 - f_t)

    and ``G[:, 0] = u_0``. ``per_sequence[b, 0]`` and ``[b, 1]`` collect window
    b's dL/da = sum_t g_t z_{t-1} and dL/dh = sum_t g_t.
    """
    n, T1, M = Z.shape
    V = np.zeros((n, M), dtype=Z.dtype)
    for t in range(T1 - 1, 0, -1):
        for b in range(n):
            for j in range(M):
                per_sequence[b, 0, j] += G[b, t, j] * Z[b, t - 1, j]
            for j in range(M):
                per_sequence[b, 1, j] += G[b, t, j]
        V[:] = 0.0
        add_product(G[:, t], W, V)
        keep = 1.0 - forcing[t - 2] if t > 1 else 1.0
        for b in range(n):
            for j in range(n_linear):
                V[b, j] += a[j] * G[b, t, j]
            for j in range(n_linear, M):
                relu_term = V[b, j] if Z[b, t - 1, j] > 0 else 0.0
                V[b, j] = a[j] * G[b, t, j] + relu_term
            if t > 1:
                for j in range(n_observed):
                    V[b, j] *= keep
            for j in range(M):
                v = V[b, j] + G[b, t - 1, j] if t > 1 else V[b, j]
                G[b, t - 1, j] = v if abs(v) >= tiny else 0.0


@cached_njit(nogil=True)
def free_run_chunk(a, WT, CT, h, S, n_linear, z0, out, tiny):
    """Iterate the map ``out.shape[1]`` steps from the states ``z0`` (n, M).

    ``out`` (n, n_steps, n_out) receives the first n_out units of each state
    after each step; ``S`` (n, n_steps, K) the inputs. A trajectory that leaves
    the floating-point range stops there: its later rows are NaN.
    """
    n, n_steps, n_out = out.shape
    M = z0.shape[1]
    phi_prev = np.empty((n, M), dtype=out.dtype)
    z = np.empty((n, M), dtype=out.dtype)
    z_next = np.empty((n, M), dtype=out.dtype)
    z[:] = z0
    alive = np.ones(n, dtype=np.bool_)
    for t in range(n_steps):
        _step(a, WT, CT, h, S, t, n_linear, z, z_next, phi_prev, tiny)
        for b in range(n):
            if alive[b]:
                for m in range(M):
                    if not np.isfinite(z_next[b, m]):
                        alive[b] = False
                        out[b, t:, :] = np.nan
                        break
            if alive[b]:
                for j in range(n_out):
                    out[b, t, j] = z_next[b, j]
            else:
                z_next[b, :] = 0.0  # a dead trajectory costs no more, and stays NaN in out
        z, z_next = z_next, z
