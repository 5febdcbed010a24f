"""Regime codes counted: the regimes sequences visit, their occupancy and transitions, how each
ReLU unit switches (``regime_usage``, public in :mod:`sklearn_alrnn.analysis`), and how far groups
of sequences share regimes (``RegimeDecomposer.sharing``).

Codes are (n_sequences, n_timesteps) integers, -1 for padding and for states that left the
floating-point range. Every count is one pass over the steps: a token model can visit thousands
of regimes over millions of steps.
"""

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.utils import Bunch

from ._model import check_codable
from ._targets import missing_labels
from ._validation import as_whole_number, check_counts, step_mask
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
    transitions = _counts(rows, columns, n_regimes)
    transitions.data /= np.repeat(transitions.sum(axis=1), np.diff(transitions.indptr))
    return transitions.toarray() if n_regimes <= MAX_DENSE_TRANSITION_REGIMES else transitions


def _counts(rows, columns, n_regimes):
    """(n_regimes, n_regimes) CSR array counting each (row, column) pair."""
    counts = sparse.csr_array((np.ones(rows.shape[0]), (rows, columns)), shape=(n_regimes, n_regimes))
    counts.sum_duplicates()
    return counts


def regime_sharing(codes, groups):
    """How far groups of sequences use the same regimes: ``RegimeDecomposer.sharing``'s Bunch (its
    docstring says what it holds) from the sequences' codes and each sequence's group."""
    groups = np.asarray(groups)
    if groups.shape != (codes.shape[0],):
        raise ValueError(f"groups must have one label per sequence ({codes.shape[0]}); got shape {groups.shape}.")
    missing = np.flatnonzero(missing_labels(groups))  # np.unique would make them a group of their own
    if missing.size:
        raise ValueError(
            f"groups has no label (NaN or None) for sequence {missing[0]}; give every sequence a group, or "
            "leave it out of X."
        )
    regimes, _ = visited_regimes(codes)
    labels, group_of_sequence = np.unique(groups, return_inverse=True)
    # The overlap a row at a time: a token model can visit thousands of regimes, and a group per
    # sequence makes thousands of groups.
    occupancy = steps_per_regime(regime_index(codes, regimes), group_of_sequence, len(labels), len(regimes))
    with np.errstate(invalid="ignore"):  # a group whose every state left the floating-point range: NaN
        occupancy /= occupancy.sum(axis=1, keepdims=True)
    overlap = np.array([np.minimum(row, occupancy).sum(axis=1) for row in occupancy]).reshape(len(labels), -1)
    pairs = np.triu_indices(len(labels), k=1)
    mean_overlap = float(overlap[pairs].mean()) if len(labels) > 1 else float("nan")
    return Bunch(groups=labels, regimes=regimes, occupancy=occupancy, overlap=overlap, mean_overlap=mean_overlap)


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


@dataclass(frozen=True)
class RegimeUsage:
    """How sequences of regime codes use the regimes and switch the ReLU units (:func:`regime_usage`).

    Attributes
    ----------
    regimes : ndarray of shape (n_regimes,)
        The visited codes, most occupied first (as ``RegimeDecomposer.regimes_``).
    occupancy : ndarray of shape (n_regimes,)
        Share of the steps spent in each.
    coverage : ndarray of shape (n_regimes,)
        Share of the steps covered by the k most occupied regimes, k = 1 .. n_regimes.
    on_fraction : ndarray of shape (n_nonlinear,)
        Share of the steps at which each ReLU unit is on (state > 0), first unit first.
    switch_rate : ndarray of shape (n_nonlinear,)
        Share of the pairs of consecutive steps across which each ReLU unit switches.
    crossings_per_step : float
        Mean number of units switching from one step to the next: the switching planes crossed.
    visit_graph : ndarray or scipy.sparse.csr_array of shape (n_regimes, n_regimes)
        The research code's regime graph ("connectome"): each sequence's codes compressed to one
        entry per visit (a run of equal codes), the diagonal counting visits and each off-diagonal
        entry the passages from one regime to the next, all divided by their grand total (a joint
        probability, not row-stochastic); rows and columns in the order of ``regimes``, sparse
        above 4,096 regimes. ``RegimeDecomposer.transition_matrix_`` is the Markov chain of steps.
    """

    regimes: np.ndarray
    occupancy: np.ndarray
    coverage: np.ndarray
    on_fraction: np.ndarray
    switch_rate: np.ndarray
    crossings_per_step: float
    visit_graph: object


def regime_usage(codes, n_nonlinear):
    """The usage statistics of regime codes: occupancy and coverage, each ReLU unit's switching,
    and the regime graph of visits, as the AL-RNN research code reports them.

    Parameters
    ----------
    codes : array-like of shape (n_sequences, n_timesteps) or (n_timesteps,), or list
        Regime codes, -1 for steps without a regime (padding); what ``RegimeDecomposer.transform``
        returns, or :func:`sklearn_alrnn.analysis.iterate_map`'s codes. A list holds one 1-D array
        per sequence, of any lengths.
    n_nonlinear : int
        Number P of ReLU units: the codes' bits.

    Returns
    -------
    RegimeUsage

    Examples
    --------
    Unit 1 (the first bit) switches on at step 2 and unit 2 at step 3, once each:

    >>> from sklearn_alrnn.analysis import regime_usage
    >>> usage = regime_usage([0, 0, 2, 3, 3, 3], n_nonlinear=2)
    >>> usage.regimes.tolist(), usage.on_fraction.tolist(), usage.switch_rate.tolist()
    ([3, 0, 2], [0.6666666666666666, 0.5], [0.2, 0.2])
    >>> usage.visit_graph.round(3).tolist()  # visits 0 -> 2 -> 3, in the order of regimes
    [[0.2, 0.0, 0.0], [0.0, 0.2, 0.2], [0.2, 0.0, 0.2]]
    """
    P = as_whole_number(n_nonlinear)
    check_counts(minimum=0, n_nonlinear=P)
    check_codable(P)
    codes = _checked_codes(codes, P)
    regimes, counts = visited_regimes(codes)
    if regimes.size == 0:
        raise ValueError("codes hold no step with a regime (every code is -1).")
    valid = codes >= 0
    consecutive = valid[:, :-1] & valid[:, 1:]
    on_fraction, switch_rate = np.zeros(P), np.zeros(P)
    for unit in range(P):  # a unit at a time: no (sequences, steps, P) array of bits
        bit = (codes >> (P - 1 - unit)) & 1
        on_fraction[unit] = bit[valid].mean()
        switch_rate[unit] = (bit[:, 1:] != bit[:, :-1])[consecutive].mean() if consecutive.any() else 0.0
    occupancy = counts / counts.sum()
    return RegimeUsage(regimes, occupancy, np.cumsum(occupancy), on_fraction, switch_rate,
                       float(switch_rate.sum()), _visit_graph(regime_index(codes, regimes), regimes.size))


def _checked_codes(codes, n_nonlinear):
    """Codes as a (n_sequences, n_timesteps) int64 array, -1 padding a list's shorter sequences."""
    if isinstance(codes, (list, tuple)) and len(codes) and all(np.ndim(c) == 1 for c in codes):
        rows = [np.asarray(c) for c in codes]
        padded = np.full((len(rows), max(len(r) for r in rows)), -1, dtype=np.result_type(*rows, np.int64))
        for i, row in enumerate(rows):
            padded[i, : len(row)] = row
        codes = padded
    array = np.asarray(codes)
    array = array[None] if array.ndim == 1 else array
    whole = array.dtype.kind in "iu" or (array.dtype.kind == "f" and np.all(np.isfinite(array) & (array % 1 == 0)))
    if array.ndim != 2 or array.size == 0 or array.dtype.kind == "b" or not whole:
        raise ValueError(
            "codes must be whole numbers of shape (n_sequences, n_timesteps) or (n_timesteps,), or a list of 1-D "
            f"sequences; got dtype {array.dtype} and shape {array.shape}."
        )
    array = array.astype(np.int64)
    outside = (array < -1) | (array >= 2**n_nonlinear)
    if outside.any():
        raise ValueError(
            f"Regime codes of n_nonlinear={n_nonlinear} lie in [0, {2**n_nonlinear}), -1 for no regime; "
            f"got {array[outside][0]}."
        )
    return array


def _visit_graph(index, n_regimes):
    """The research code's regime graph of ``regime_usage``, from regime positions (-1: none)."""
    new_visit = index.copy()
    new_visit[:, 1:][index[:, 1:] == index[:, :-1]] = -1  # a run of one regime is one visit
    visits, steps = np.nonzero(new_visit >= 0)
    regime = new_visit[visits, steps]
    # A passage joins two visits in a row of one sequence, with no step without a regime between them.
    gaps_before = np.cumsum(index < 0, axis=1)[visits, steps]
    joined = (visits[1:] == visits[:-1]) & (gaps_before[1:] == gaps_before[:-1])
    rows = np.concatenate([regime, regime[:-1][joined]])
    columns = np.concatenate([regime, regime[1:][joined]])
    graph = _counts(rows, columns, n_regimes)
    graph.data /= graph.data.sum()
    return graph.toarray() if n_regimes <= MAX_DENSE_TRANSITION_REGIMES else graph
