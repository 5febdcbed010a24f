"""Cycles of the AL-RNN map: the k-cycle of a sequence of regimes solved exactly, and ``find_cycles``
(public in :mod:`sklearn_alrnn.analysis`), which searches the regime sequences exhaustively, at
random (SCYFI) or from where runs of the map come back near themselves."""

from dataclasses import dataclass
from itertools import product
from numbers import Real

import numpy as np
from sklearn.utils import check_random_state

from ._model import regime_codes
from ._regime_maps import (
    check_parameters,
    classify_stability,
    constant_drive,
    has_unit_eigenvalue,
    jacobians,
    sorted_eigenvalues,
)
from ._validation import check_counts

#: ``find_cycles(runs=...)``: refinements of each close return. A return that shadows a cycle finds
#: it in a few; SCYFI's budgets for random draws (up to 1,080) took about 60 times longer on Lorenz-63.
RETURN_REFINEMENTS = 10


def rms_radius(states):
    """The root-mean-square distance of states from their mean: the size of a set of states."""
    return np.sqrt(np.mean(np.sum((states - states.mean(axis=0)) ** 2, axis=1)))


@dataclass(frozen=True)
class Cycle:
    """A k-cycle of the map (k = 1 is a fixed point).

    Attributes
    ----------
    codes : tuple of int
        Regime of each point along the cycle, in order.
    points : ndarray of shape (k, n_hidden)
        The points; the map sends ``points[i]`` to ``points[(i + 1) % k]``.
    eigenvalues : ndarray
        Eigenvalues of the k-step Jacobian ``J_k ... J_1``, largest modulus first.
    stability : str
        See :func:`classify_stability`.
    """

    codes: tuple
    points: np.ndarray
    eigenvalues: np.ndarray
    stability: str

    @property
    def order(self):
        return len(self.codes)


def cycle_of_regimes(a, W, drive, codes, n_nonlinear, atol):
    """The k-cycle of the map that visits ``codes`` in order, as SCYFI solves for it.

    Returns ``(points, product_J, visited)``. The candidate is the fixed point of the regimes'
    affine maps composed in order, carried round by those maps; ``visited`` are the regimes its
    points lie in. Only where they are ``codes`` is it a cycle of the map itself, which on those
    points is those affine maps (``points``; else None, and the search retries with ``visited``).
    Along a long sequence of expanding regimes the k-step map loses the cycle to rounding (carried
    round, the solution does not come back to itself) or overflows: there is then no cycle to
    report (``visited`` None too), and no NumPy warning reaches the caller."""
    M = a.shape[0]
    maps = jacobians(a, W, list(codes), n_nonlinear)
    product_J = np.eye(M)
    offset = np.zeros(M)
    with np.errstate(over="ignore", invalid="ignore"):
        for J in maps:
            product_J = J @ product_J
            offset = J @ offset + drive
        if not (np.all(np.isfinite(product_J)) and np.all(np.isfinite(offset))):
            return None, product_J, None
        try:
            start = np.linalg.solve(np.eye(M) - product_J, offset)
        except np.linalg.LinAlgError:
            return None, product_J, None
        points = np.empty((len(codes), M))
        z = start
        for i, J in enumerate(maps):
            points[i] = z
            z = J @ z + drive
    if not np.all(np.isfinite(points)):
        return None, product_J, None
    visited = tuple(int(c) for c in regime_codes(points, n_nonlinear))
    if visited != tuple(codes):
        return None, product_J, visited
    if not np.allclose(z, start, rtol=1e-6, atol=atol):
        return None, product_J, None
    return points, product_J, visited


class _CloseReturns:
    """Where runs of the map come back near an earlier state: the regime sequences in between."""

    def __init__(self, runs, n_hidden, n_nonlinear, n_returns, tolerance):
        check_counts(n_returns=n_returns)
        if isinstance(tolerance, bool) or not isinstance(tolerance, Real) or not 0 < tolerance < np.inf:
            raise ValueError(f"return_tolerance must be a positive number; got {tolerance!r}.")
        if not isinstance(runs, (list, tuple)):
            runs = np.asarray(runs)
            runs = [runs] if runs.ndim == 2 else list(runs)
        elif len(runs) and np.ndim(runs[0]) == 1:  # one run as a list of states
            runs = [runs]
        checked = []
        for i, run in enumerate(runs):
            run = np.asarray(run)
            if run.ndim != 2 or run.shape[1] != n_hidden or run.dtype.kind not in "fiu":
                raise ValueError(
                    f"runs must hold states of the map's {n_hidden} units, (n_steps, {n_hidden}) each; run {i} "
                    f"has shape {run.shape} and dtype {run.dtype}."
                )
            checked.append(run.astype(np.float64))
        finite = np.concatenate([run[np.all(np.isfinite(run), axis=1)] for run in checked] or [np.empty((0, n_hidden))])
        if len(finite) < 2:
            raise ValueError("runs hold fewer than 2 finite states: there is nothing to return to.")
        self.codes = [regime_codes(run, n_nonlinear) for run in checked]
        peak = np.max(np.abs(finite)) or 1.0  # distances are measured in units of the largest state:
        self.runs = [run / peak for run in checked]  # near 1e300 their squares would overflow
        unit = finite / peak
        self.farthest = tolerance * rms_radius(unit)
        self.n_returns = n_returns

    def windows(self, order):
        """The regime sequences of the ``n_returns`` closest returns after ``order`` steps, at most
        ``farthest`` apart, closest first, each once; none through padding (NaN states)."""
        distances, sequences = [], []
        for run, codes in zip(self.runs, self.codes):
            if len(run) > order:
                with np.errstate(invalid="ignore"):  # inf - inf: no return
                    distances.append(np.linalg.norm(run[order:] - run[:-order], axis=1))
                sequences.append(np.lib.stride_tricks.sliding_window_view(codes[:-1], order))
        if not distances:
            return []
        distances, sequences = np.concatenate(distances), np.concatenate(sequences)
        chosen, seen = [], set()
        for i in np.argsort(np.where(distances <= self.farthest, distances, np.inf), kind="stable"):
            if not distances[i] <= self.farthest or len(chosen) == self.n_returns:
                break
            codes = tuple(int(c) for c in sequences[i])
            if min(codes) >= 0 and codes not in seen:
                seen.add(codes)
                chosen.append(codes)
        return chosen


def _minimal_period(points, atol):
    k = points.shape[0]
    for d in range(1, k):
        if k % d == 0 and np.allclose(points, np.roll(points, -d, axis=0), atol=atol):
            return d
    return k


def _same_cycle(points, other, atol):
    """Whether two cycles of one order are the same points, in some rotation.

    Comparing rounded points failed on long unstable cycles (hundreds of steps, multipliers
    of 1e3), where one of thousands of coordinates solved from another starting regime rounds
    the other way: the same cycle was listed up to three times."""
    nearest = np.argmin(np.max(np.abs(other - points[0]), axis=1))
    return np.allclose(points, np.roll(other, -nearest, axis=0), rtol=1e-6, atol=atol)


def find_cycles(
    a,
    W,
    h,
    *,
    n_nonlinear,
    max_order=2,
    C=None,
    constant_input=None,
    max_exhaustive=4096,
    n_outer=None,
    n_inner=None,
    random_state=None,
    decimals=8,
    runs=None,
    n_returns=10,
    return_tolerance=0.1,
):
    """All k-cycles (k = 1 .. max_order) found for the AL-RNN map.

    For each order, every regime sequence is tried when there are at most
    ``max_exhaustive`` of them (exact); otherwise a randomised search in the
    spirit of SCYFI (Eisenmann et al., NeurIPS 2023): draw a random regime
    sequence, solve for its cycle, and when the solution visits other regimes,
    retry with the regimes it visited.

    Given ``runs`` of the map, the orders not enumerated start instead from
    the runs' close returns: where a run comes back near where it was k
    steps before, the k regimes it visited in between, refined the same way.
    A chaotic attractor is woven around unstable cycles of long orders (a
    flow sampled finely: hundreds of steps), which its runs shadow and
    random draws among (2**P)**k sequences never hit; this is the
    close-return method of Lathrop & Kostelich (Phys. Rev. A 40, 1989).
    A map sampled from a flow carries the flow's orbits as closed curves,
    on which it steps round by a fraction of the period: they hold a k-cycle
    only where that stepping locks to k steps (the Lorenz-63 model's 156-step
    cycle), and a curve that does not lock is not reported. Cycles are
    isolated: where the k-step Jacobian has an eigenvalue within
    ``MARGINAL_TOLERANCE`` of 1 the solutions form a continuum (a line
    attractor, or the circles of an undamped rotation), and none is reported;
    ``fixed_point`` describes a continuum of fixed points (``continuum``).

    Parameters
    ----------
    a, W, h : ndarray
        AL-RNN parameters.
    n_nonlinear : int
    max_order : int, default=2
    C, constant_input : ndarray, default=None
        Input matrix and the constant input (zero when None).
    max_exhaustive : int, default=4096
        Largest number of regime sequences of one order tried exhaustively.
    n_outer, n_inner : int, default=None
        Random restarts and refinement steps of the randomised search;
        SCYFI's defaults by order when None. With ``runs``, ``n_inner``
        refines each close return (``RETURN_REFINEMENTS`` when None) and
        ``n_outer`` is unused.
    random_state : int, RandomState instance or None
    decimals : int, default=8
        Points within ``10**(2 - decimals)`` of each other (or 1e-6 of their
        size) are the same: where a cycle's run comes back to its start, and
        where one cycle is found twice.
    runs : array-like of shape (n_steps, M) or (n_runs, n_steps, M), or list, default=None
        States of the map along runs under the same constant input: from
        ``iterate_map``, or a fitted forecaster's ``generate(n_steps,
        return_states=True)[1]`` (drop the transient to the attractor first).
        NaN rows (padding) are skipped. ``random_state`` is then unused.
    n_returns : int, default=10
        With ``runs``: the closest returns tried for each order, one per
        distinct regime sequence.
    return_tolerance : float, default=0.1
        With ``runs``: the farthest return tried, as a fraction of the runs'
        root-mean-square distance from their mean.

    Returns
    -------
    cycles : list of Cycle
        Each cycle once, with its minimal period, ordered by order.

    Examples
    --------
    The map ``z -> 0.5 z - 2 max(z, 0) + 1`` has an unstable fixed point and,
    around it, a stable 2-cycle that alternates between its two regimes:

    >>> from sklearn_alrnn.analysis import find_cycles
    >>> for cycle in find_cycles([0.5], [[-2.0]], [1.0], n_nonlinear=1):
    ...     print(cycle.order, cycle.codes, cycle.points.ravel().round(4), cycle.stability)
    1 (1,) [0.4] unstable node
    2 (0, 1) [-0.2857  0.8571] stable node
    """
    a, W, h, C, n_nonlinear = check_parameters(a, W, h, n_nonlinear, C)
    check_counts(max_order=max_order, max_exhaustive=max_exhaustive)
    check_counts(**{name: value for name, value in (("n_outer", n_outer), ("n_inner", n_inner)) if value is not None})
    drive = constant_drive(h, C, constant_input)
    rng = check_random_state(random_state)
    n_regimes = 2**n_nonlinear
    returns = None if runs is None else _CloseReturns(runs, a.shape[0], n_nonlinear, n_returns, return_tolerance)
    atol = 10.0 ** (-decimals + 2)
    found = []

    def consider(codes):
        points, product_J, visited = cycle_of_regimes(a, W, drive, codes, n_nonlinear, atol)
        if points is not None and _minimal_period(points, atol) == len(codes):
            if not any(c.order == len(codes) and _same_cycle(points, c.points, atol) for c in found):
                eigenvalues = sorted_eigenvalues(product_J)
                if not has_unit_eigenvalue(eigenvalues):  # else one point of a continuum
                    found.append(Cycle(tuple(codes), points, eigenvalues, classify_stability(eigenvalues)))
        return visited

    def refine(codes, budget):
        """SCYFI's step: retry with the regimes the candidate visits until it visits its own (a
        cycle, or none there) or ``budget`` tries are spent; the tries spent."""
        for n_tried in range(1, budget + 1):
            visited = consider(codes)
            if visited is None or visited == codes:
                return n_tried
            codes = visited
        return budget

    for order in range(1, max_order + 1):
        if n_regimes**order <= max_exhaustive:
            for codes in product(range(n_regimes), repeat=order):
                consider(codes)
            continue
        if returns is not None:
            for codes in returns.windows(order):
                refine(codes, n_inner or RETURN_REFINEMENTS)
            continue
        outer = n_outer or (10 if order < 8 else 40 if order < 30 else 100)
        inner = n_inner or (20 if order < 3 else 60 if order < 6 else 300 if order < 8 else 1080)
        misses = 0
        while misses < outer:
            before = len(found)
            n_tried = 0
            while n_tried < inner:
                n_tried += refine(tuple(int(c) for c in rng.randint(n_regimes, size=order)), inner - n_tried)
            misses = 0 if len(found) > before else misses + 1
    return sorted(found, key=lambda c: (c.order, c.codes))
