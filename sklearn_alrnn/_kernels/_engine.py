"""The engine contract: what the fit loop, the losses and prediction ask of a compute engine.

An *engine* runs the AL-RNN recurrence and its gradient for one architecture
(``n_hidden`` units of which the last ``n_nonlinear`` are ReLU). It is built
once per fit or prediction call, for the fitted P: the number of linear units
``M - P`` is computed here and nowhere else, and nothing above the engine
passes P on.

Array conventions shared by every engine:

- ``X`` is ``(n, T, K)``, zero beyond each sequence's length ``lengths[i]``,
  or token ids ``(n, T)`` (int64, -1 beyond each length) that select columns
  of ``C`` (``inputs``: the CPU engine reads one column per step; the others
  read the ids as one-hot rows through ``dense_inputs``);
- ``Z`` is ``(n, T + 1, M)`` with ``Z[:, 0] = z_0 = 0`` and ``Z[:, t]`` the state
  after consuming ``X[:, t - 1]``; beyond its length a sequence's state holds;
- units ``j < n_linear`` are linear, the others ReLU;
- float32 and float64 take the same path.

Subclasses implement ``forward_states``, ``final_states`` and ``backward``;
an engine that trains forecasters also implements ``forced_forward``,
``forced_backward`` and ``free_run`` (conventions in ``forcing``). The
base class carries the rest: readout states and their gradient through host
arrays (an engine that keeps trajectories elsewhere, such as the GPU, overrides
``forward_readout`` / ``backward_readout``), and the split of a batch into parts
whose trajectories fit ``states_budget_bytes``.
"""

from abc import ABC, abstractmethod

import numpy as np

from .._validation import step_mask
from .._workspace import Workspace
from .inputs import one_hot_inputs


def readout_states(Z, lengths, per_step):
    """States the readout sees: (n, M) at each last valid step, or (n, T, M) at every step."""
    if per_step:
        return Z[:, 1:]
    return Z[np.arange(Z.shape[0]), lengths]


class Engine(ABC):
    """Base class of the CPU, CUDA and reference engines.

    Parameters
    ----------
    n_hidden : int
        Number of hidden units M.
    n_nonlinear : int
        Number P of ReLU units, the last P of the M.
    n_threads : int, default=1
        Threads for an engine that runs on CPU threads; results never depend
        on it. Other engines ignore it.

    Attributes
    ----------
    n_linear : int
        ``M - P``: units ``j < n_linear`` are linear.
    default_dtype : str
        Floating type of a fit on this engine when the user sets none.
    states_budget_bytes : int or None
        A batch runs in parts whose state trajectories take at most this many
        bytes (None: the whole batch at once)...
    min_sequences_per_part : int
        ...unless that leaves fewer sequences than this in a part.
    """

    default_dtype = "float64"
    states_budget_bytes = None
    min_sequences_per_part = 1

    def __init__(self, n_hidden, n_nonlinear, n_threads=1):
        if not 0 <= n_nonlinear <= n_hidden:
            raise ValueError(
                f"n_nonlinear must be between 0 and n_hidden={n_hidden}; got n_nonlinear="
                f"{n_nonlinear}. Only the last P of the M hidden units can be ReLU units."
            )
        self.n_hidden = int(n_hidden)
        self.n_nonlinear = int(n_nonlinear)
        self.n_linear = self.n_hidden - self.n_nonlinear
        self.n_threads = int(n_threads)
        self._workspace = Workspace()

    @staticmethod
    def dense_inputs(X, C):
        """X as dense inputs (n, T, K): token ids become one-hot rows over C's columns."""
        return one_hot_inputs(X, C.shape[1], C.dtype) if X.ndim == 2 else X

    # ------------------------------------------------------- what subclasses do
    @abstractmethod
    def forward_states(self, a, W, h, C, X, lengths, Z):
        """Fill ``Z`` (n, T + 1, M) with the hidden trajectories."""

    @abstractmethod
    def final_states(self, a, W, h, C, X, lengths):
        """The state at each sequence's last valid step, (n, M)."""

    @abstractmethod
    def backward(self, a, W, C, X, lengths, Z, dZ, grad_a, grad_W, grad_h, grad_C):
        """Add dL/d(a, W, h, C) into the ``grad_*`` arrays; ``dZ`` may be overwritten.

        ``dZ`` (n, T + 1, M) holds the direct loss gradient with respect to each
        state (zero at ``dZ[:, 0]`` and beyond each sequence's length).
        """

    # ------------------------------------ dynamical-systems reconstruction (optional)
    def forced_forward(self, a, W, h, C, S, data, forcing, Z, predictions):
        """Teacher-forced windows: fill ``Z[:, 1:]`` and ``predictions`` (see ``forcing``)."""
        raise NotImplementedError(f"{type(self).__name__} does not run teacher-forced training.")

    def forced_backward(self, a, W, C, S, forcing, n_observed, Z, G, grad_a, grad_W, grad_h, grad_C):
        """Add the gradients of teacher-forced windows; return dL/d(initial states)."""
        raise NotImplementedError(f"{type(self).__name__} does not run teacher-forced training.")

    def free_run(self, a, W, h, C, z0, S, n_out):
        """Free runs from the states ``z0``: the first ``n_out`` units after each step."""
        raise NotImplementedError(f"{type(self).__name__} does not run free runs.")

    # ---------------------------------------------------- what the base provides
    def parts(self, n, n_timesteps, dtype):
        """Row slices that split ``n`` sequences into parts within ``states_budget_bytes``.

        The parts depend only on the sizes and the budget, never on threads, so
        sums over parts run in the same order whatever ``n_jobs``.
        """
        part = n
        if self.states_budget_bytes is not None:
            per_sequence = (n_timesteps + 1) * self.n_hidden * np.dtype(dtype).itemsize
            part = min(n, max(self.min_sequences_per_part, self.states_budget_bytes // per_sequence, 1))
        for start in range(0, n, max(part, 1)):
            yield slice(start, min(n, start + part))

    def forward_readout(self, a, W, h, C, X, lengths, per_step):
        """The forward pass; returns the states the readout sees ((n, M), or (n, T, M) per step).

        The trajectories wait (in the engine) for the next ``backward_readout``.
        """
        Z = self._workspace.array("Z", (X.shape[0], X.shape[1] + 1, self.n_hidden), a.dtype)
        self.forward_states(a, W, h, C, X, lengths, Z)
        return readout_states(Z, lengths, per_step)

    def backward_readout(self, a, W, C, X, lengths, per_step, dH, grad_a, grad_W, grad_h, grad_C):
        """``backward`` from dL/d(readout states) ``dH``, on the trajectories of the last
        ``forward_readout`` (same X)."""
        shape = (X.shape[0], X.shape[1] + 1, self.n_hidden)
        Z = self._workspace.array("Z", shape, a.dtype)
        dZ = self._workspace.array("dZ", shape, a.dtype, zero=True)
        if per_step:
            dZ[:, 1:] = dH
        else:
            dZ[np.arange(X.shape[0]), lengths] = dH
        self.backward(a, W, C, X, lengths, Z, dZ, grad_a, grad_W, grad_h, grad_C)

    def readout_parts(self, a, W, h, C, X, lengths, per_step):
        """Yield ``(rows, H)``: the readout states of the batch, one part at a time.

        The caller may call ``backward_readout`` on ``X[rows]`` before asking for
        the next part: training and per-step prediction both hold only one
        part's trajectories.
        """
        for rows in self.parts(X.shape[0], X.shape[1], a.dtype):
            yield rows, self.forward_readout(a, W, h, C, X[rows], lengths[rows], per_step)

    def hidden_states(self, a, W, h, C, X, lengths):
        """States after each step, (n, T, M), NaN beyond each sequence's length."""
        Z = np.empty((X.shape[0], X.shape[1] + 1, self.n_hidden), dtype=a.dtype)
        self.forward_states(a, W, h, C, X, lengths, Z)
        states = Z[:, 1:]
        states[~step_mask(lengths, X.shape[1])] = np.nan
        return states
