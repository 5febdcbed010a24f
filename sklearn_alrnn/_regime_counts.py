"""Regime codes counted: the regimes sequences visit, their occupancy and transitions.

Codes are (n_sequences, n_timesteps) integers, -1 for padding and for states that left the
floating-point range. Every count is one pass over the steps: a token model can visit thousands
of regimes over millions of steps.
"""

import numpy as np
from scipy import sparse

from ._validation import step_mask
from ._warnings import warn_user


#: Above this many visited regimes the transition matrix is a ``scipy.sparse.csr_array``: dense,
#: it would take 128 MiB here and 27 GiB for the 60,000 regimes of a PLRNN of 40 ReLU units.
MAX_DENSE_TRANSITION_REGIMES = 4096


def regime_statistics(codes):
    """Visited regimes (most occupied first), their occupancy and Markov transition matrix."""
    regimes, counts = visited_regimes(codes)
    return regimes, counts / counts.sum(), transition_matrix(regime_index(codes, regimes), regimes.shape[0])


def transition_matrix(index, n_regimes):
    """Row-stochastic (n_regimes, n_regimes) matrix of consecutive steps' regime positions
    ``index`` (-1: no regime); a regime never left gets a self-loop of 1. Dense up to
    ``MAX_DENSE_TRANSITION_REGIMES`` regimes, a CSR array above."""
    before, after = index[:, :-1], index[:, 1:]
    consecutive = (before >= 0) & (after >= 0)  # steps of one sequence, neither padding nor NaN
    sources, targets = before[consecutive], after[consecutive]
    never_left = np.setdiff1d(np.arange(n_regimes), sources)
    rows, columns = np.concatenate([sources, never_left]), np.concatenate([targets, never_left])
    transitions = sparse.csr_array((np.ones(rows.shape[0]), (rows, columns)), shape=(n_regimes, n_regimes))
    transitions.sum_duplicates()
    transitions.data /= np.repeat(transitions.sum(axis=1), np.diff(transitions.indptr))
    return transitions.toarray() if n_regimes <= MAX_DENSE_TRANSITION_REGIMES else transitions


def warn_of_states_out_of_range(codes, lengths):
    """A RuntimeWarning where states inside the sequences' lengths left the floating-point range
    (NaN, code -1): those steps have no regime, and the counts leave them out."""
    lost = (codes < 0) & step_mask(lengths, codes.shape[1])
    sequences = np.flatnonzero(lost.any(axis=1))
    if sequences.size:
        first = int(sequences[0])
        warn_user(
            f"The hidden states of {sequences.size} of {codes.shape[0]} sequences (the first: sequence {first}, from "
            f"step {int(np.argmax(lost[first]))}) left the floating-point range: the network amplifies some states "
            "from step to step. Those steps have no regime (code -1) and are left out of occupancies and transitions.",
            RuntimeWarning,
        )


def visited_regimes(codes):
    """The codes among ``codes`` (padding -1 aside), most occupied first, and their step counts."""
    regimes, counts = np.unique(codes[codes >= 0], return_counts=True)
    order = np.argsort(-counts, kind="stable")
    return regimes[order], counts[order]


def regime_index(codes, regimes):
    """Position in ``regimes`` of each step's code; -1 for padding and for codes not among them."""
    index = np.full(codes.shape, -1, dtype=np.int64)
    if len(regimes) == 0:
        return index
    by_code = np.argsort(regimes)
    position = np.minimum(np.searchsorted(regimes[by_code], codes), len(regimes) - 1)
    found = (codes >= 0) & (regimes[by_code][position] == codes)
    index[found] = by_code[position[found]]
    return index


def steps_per_regime(index, row_of_sequence, n_rows, n_regimes):
    """(n_rows, n_regimes) counts of the steps of each row's sequences in each regime, in one pass
    over the steps (a (sequences, steps, regimes) comparison took gigabytes on a token model)."""
    counts = np.zeros((n_rows, n_regimes))
    counted = index >= 0
    rows = np.broadcast_to(np.asarray(row_of_sequence).reshape(-1, 1), index.shape)
    np.add.at(counts, (rows[counted], index[counted]), 1.0)
    return counts
