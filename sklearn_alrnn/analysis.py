"""The functional analysis layer: an AL-RNN read as a set of affine maps, one per regime.

Inside regime Omega (the bit pattern of the P ReLU units, bit = 1 where z_i > 0)
the map is ``z_t = J_Omega z_{t-1} + C s_t + h`` with
``J_Omega = diag(a) + W D_Omega`` and ``D_Omega = diag(1_{M-P}, bits)``.
These functions work on raw parameters, so models trained elsewhere (for
instance by the research code, which stores a, W, h) can be analysed too;
:class:`sklearn_alrnn.RegimeDecomposer` applies them to a fitted estimator.
"""

from dataclasses import dataclass
from itertools import product
from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state

from ._forcing import warn_where_a_run_overflows
from ._model import phi, regime_codes
from ._regime_counts import RegimeUsage, regime_usage
from ._regime_maps import (  # noqa: F401 - MARGINAL_TOLERANCE stays readable here, where it is documented
    MARGINAL_TOLERANCE,
    FixedPoint,
    LinearSystem,
    Modes,
    analyse_regimes,
    bit_string,
    constant_drive,
    has_unit_eigenvalue,
    jacobians,
    sorted_eigenvalues,
    stability_types,
)
from ._validation import as_whole_number, check_counts, real_array

__all__ = [
    "LinearSystem",
    "Modes",
    "FixedPoint",
    "Cycle",
    "bits_to_code",
    "code_to_bits",
    "regime_jacobian",
    "check_parameters",
    "classify_stability",
    "fixed_point",
    "find_cycles",
    "iterate_map",
    "RegimeUsage",
    "regime_usage",
]

#: Fixed points are enumerated over all 2**P regimes up to this P.
MAX_ENUMERATED_NONLINEAR = 16
#: ``find_cycles(runs=...)``: refinements of each close return. A return that shadows a cycle finds
#: it in a few; SCYFI's budgets for random draws (up to 1,080) took about 60 times longer on Lorenz-63.
RETURN_REFINEMENTS = 10


def check_parameters(a, W, h, n_nonlinear, C=None):
    """AL-RNN parameters from any source as float arrays, or a ValueError naming what is wrong.

    Parameters
    ----------
    a : array-like of shape (n_hidden,)
        The diagonal of A (a diagonal (n_hidden, n_hidden) matrix is accepted too,
        as code that stores A as a matrix writes it).
    W : array-like of shape (n_hidden, n_hidden)
    h : array-like of shape (n_hidden,)
        (or a column or row vector)
    n_nonlinear : int
        Number P of ReLU units, 0 <= P <= n_hidden.
    C : array-like of shape (n_hidden, n_features), default=None
        Input matrix; None for an autonomous model (zero features).

    Returns
    -------
    a, W, h : ndarray of float
    C : ndarray of shape (n_hidden, n_features); (n_hidden, 0) when None.
    n_nonlinear : int

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_alrnn.analysis import check_parameters
    >>> a, W, h, C, P = check_parameters(np.diag([0.9, 0.5]), np.zeros((2, 2)), [0.0, -0.25], n_nonlinear=1)
    >>> a, C.shape, P
    (array([0.9, 0.5]), (2, 0), 1)
    >>> check_parameters(a, W, [0.0], n_nonlinear=1)
    Traceback (most recent call last):
    ...
    ValueError: Expected a of shape (M,), W of shape (M, M) and h of shape (M,); got a (2,), W (2, 2), h (1,).
    """
    a, W, h = (real_array(value, name) for name, value in (("a", a), ("W", W), ("h", h)))
    if h.ndim == 2 and 1 in h.shape:
        h = h.reshape(-1)
    if a.ndim == 2 and a.shape[0] == a.shape[1]:
        if np.any(a != np.diag(np.diag(a))):
            raise ValueError(
                "a must be the diagonal of A (shape (M,)) or a diagonal matrix; got a "
                "matrix with off-diagonal entries."
            )
        a = np.diag(a).copy()
    M = a.shape[0] if a.ndim == 1 else -1
    if a.ndim != 1 or W.shape != (M, M) or h.shape != (M,):
        raise ValueError(
            "Expected a of shape (M,), W of shape (M, M) and h of shape (M,); got "
            f"a {a.shape}, W {W.shape}, h {h.shape}."
        )
    C = np.zeros((M, 0)) if C is None else real_array(C, "C")
    if C.ndim != 2 or C.shape[0] != M:
        raise ValueError(f"Expected C of shape ({M}, n_features); got {C.shape}.")
    n_nonlinear = as_whole_number(n_nonlinear)
    check_counts(minimum=0, n_nonlinear=n_nonlinear)
    if n_nonlinear > M:
        raise ValueError(f"n_nonlinear must be between 0 and {M} (the number of units); got {n_nonlinear}.")
    for name, value in (("a", a), ("W", W), ("h", h), ("C", C)):
        if not np.all(np.isfinite(value)):
            raise ValueError(f"Parameter {name} contains NaN or infinity.")
    return a, W, h, C, int(n_nonlinear)


def code_to_bits(code, n_nonlinear):
    """Bit string of a regime code, first ReLU unit first.

    Examples
    --------
    >>> from sklearn_alrnn.analysis import code_to_bits
    >>> code_to_bits(2, 3)
    '010'
    """
    code = as_whole_number(code)
    if isinstance(code, (bool, np.bool_)) or not isinstance(code, Integral):
        raise ValueError(
            f"A regime code is an integer; got {code!r}. For a bit string such as '01' use bits_to_code."
        )
    code = int(code)
    if not 0 <= code < 2**n_nonlinear:
        raise ValueError(f"A regime code for n_nonlinear={n_nonlinear} lies in [0, {2**n_nonlinear}); got {code}.")
    return bit_string(code, n_nonlinear)


def bits_to_code(bits):
    """Regime code of a bit string (or sequence of 0/1), first ReLU unit most significant.

    Examples
    --------
    >>> from sklearn_alrnn.analysis import bits_to_code
    >>> bits_to_code("010"), bits_to_code([1, 1])
    (2, 3)
    """
    bits = "".join(str(int(b)) for b in bits) if not isinstance(bits, str) else bits
    if bits.strip("01"):
        raise ValueError(f"A regime's bits are a string of '0' and '1'; got {bits!r}.")
    return int(bits, 2) if bits else 0


def regime_jacobian(a, W, code, n_nonlinear):
    """``J_Omega = diag(a) + W D_Omega``: the linear part of the map inside a regime.

    Examples
    --------
    In regime 1 the ReLU unit (the last) is on, so its column of W counts:

    >>> import numpy as np
    >>> from sklearn_alrnn.analysis import regime_jacobian
    >>> regime_jacobian([0.9, 0.5], [[0.0, 0.1], [0.0, 1.0]], 1, n_nonlinear=1)
    array([[0.9, 0.1],
           [0. , 1.5]])
    >>> regime_jacobian([0.9, 0.5], [[0.0, 0.1], [0.0, 1.0]], 0, n_nonlinear=1)
    array([[0.9, 0. ],
           [0. , 0.5]])
    """
    a, W, _, _, n_nonlinear = check_parameters(a, W, np.zeros(np.shape(a)[:1]), n_nonlinear)
    code_to_bits(code, n_nonlinear)  # refuses a code outside the regimes by name
    return jacobians(a, W, [as_whole_number(code)], n_nonlinear)[0]


def classify_stability(eigenvalues):
    """Name of a fixed point's type from the eigenvalues of its (discrete-time) Jacobian.

    "stable node" / "stable focus" when every |lambda| < 1 (focus: a complex
    pair rotates), "unstable node" / "unstable focus" when every |lambda| > 1
    (or = 1 beside growing modes), "saddle" when some modes decay and others
    grow, and "marginally stable" when none grows and some have |lambda| = 1
    (within ``MARGINAL_TOLERANCE``): modes that neither decay nor grow, as in an
    integrator, a line attractor (then ``I - J`` is singular and the fixed
    points form a line, ``FixedPoint.continuum``, or there are none) or an
    undamped rotation.

    Examples
    --------
    >>> from sklearn_alrnn.analysis import classify_stability
    >>> classify_stability([0.9, 0.5]), classify_stability([0.8 + 0.3j, 0.8 - 0.3j])
    ('stable node', 'stable focus')
    >>> classify_stability([1.5, 0.9]), classify_stability([1.0, 0.5])
    ('saddle', 'marginally stable')
    """
    return str(stability_types(np.asarray(eigenvalues).reshape(1, -1))[0])


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


def fixed_point(a, W, h, code, n_nonlinear, C=None, constant_input=None):
    """Fixed point of regime ``code`` under a constant input (zero by default).

    Parameters
    ----------
    a, W, h : ndarray
        AL-RNN parameters (diagonal, recurrent matrix, bias).
    code : int
        Regime code.
    n_nonlinear : int
    C : ndarray of shape (n_hidden, n_features), default=None
    constant_input : ndarray of shape (n_features,), default=None
        The input s held constant; None means zero input.

    Returns
    -------
    FixedPoint

    Examples
    --------
    A linear unit reading a self-exciting ReLU unit: at rest below the
    threshold, running away above it.

    >>> import numpy as np
    >>> from sklearn_alrnn.analysis import fixed_point
    >>> a, W, h = [0.9, 0.5], [[0.0, 0.1], [0.0, 1.0]], [0.0, -0.25]
    >>> rest = fixed_point(a, W, h, 0, n_nonlinear=1)
    >>> rest.point, rest.real, rest.stability, rest.time_constants.round(2)
    (array([ 0. , -0.5]), True, 'stable node', array([9.49, 1.44]))
    >>> threshold = fixed_point(a, W, h, 1, n_nonlinear=1)
    >>> threshold.point, threshold.real, threshold.stability, threshold.eigenvalues
    (array([0.5, 0.5]), True, 'saddle', array([1.5, 0.9]))
    """
    a, W, h, C, n_nonlinear = check_parameters(a, W, h, n_nonlinear, C)
    code_to_bits(code, n_nonlinear)  # refuses a code outside the regimes by name
    _, (found,) = analyse_regimes(a, W, h, C, [as_whole_number(code)], n_nonlinear, constant_input)
    return found


def iterate_map(a, W, h, z0, n_steps=None, *, n_nonlinear, C=None, inputs=None):
    """Iterate the AL-RNN map from ``z0``, autonomously or driven by an input sequence.

    Parameters
    ----------
    a, W, h : ndarray
        AL-RNN parameters.
    z0 : ndarray of shape (n_hidden,)
        Initial state.
    n_steps : int, default=None
        Number of steps; defaults to ``len(inputs)`` when inputs are given.
    n_nonlinear : int
    C : ndarray of shape (n_hidden, n_features), default=None
        Input matrix, needed with ``inputs``.
    inputs : ndarray of shape (n_steps, n_features), default=None
        Input sequence; None iterates the autonomous map.

    Returns
    -------
    states : ndarray of shape (n_steps, n_hidden)
        ``states[t]`` is the state after step ``t + 1``; NaN from the step
        where the run leaves the floating-point range, which a
        ``RuntimeWarning`` names.
    codes : ndarray of shape (n_steps,)
        Regime code of each state (-1 where it is NaN).

    Examples
    --------
    A linear unit reading a self-exciting ReLU unit: at rest below the
    threshold, running away above it.

    >>> import numpy as np
    >>> from sklearn_alrnn.analysis import iterate_map
    >>> a, W, h = [0.9, 0.5], [[0.0, 0.1], [0.0, 1.0]], [0.0, -0.25]
    >>> states, codes = iterate_map(a, W, h, [0.0, 0.4], 4, n_nonlinear=1)
    >>> states[:, 1].round(3), codes
    (array([ 0.35 ,  0.275,  0.163, -0.006]), array([1, 1, 1, 0]))
    >>> iterate_map(a, W, h, [0.0, 0.6], 4, n_nonlinear=1)[0][:, 1].round(3)
    array([0.65 , 0.725, 0.837, 1.006])
    """
    if inputs is not None and C is None:
        raise ValueError("iterate_map with inputs needs the input matrix C.")
    a, W, h, C, n_nonlinear = check_parameters(a, W, h, n_nonlinear, C)
    z = real_array(z0, "z0").copy()
    if z.shape != a.shape:
        raise ValueError(f"z0 must have shape {a.shape} (n_hidden,); got {z.shape}.")
    if not np.all(np.isfinite(z)):
        raise ValueError("z0 contains NaN or infinity.")
    if inputs is not None:
        inputs = real_array(inputs, "inputs")
        if inputs.ndim == 1:
            inputs = inputs[:, None]
        if inputs.ndim != 2 or inputs.shape[1] != C.shape[1]:
            raise ValueError(
                f"inputs must have shape (n_steps, {C.shape[1]}) for C's {C.shape[1]} columns; got {inputs.shape}."
            )
        n_steps = inputs.shape[0] if n_steps is None else n_steps
        check_counts(minimum=0, n_steps=n_steps)
        if n_steps > inputs.shape[0]:
            raise ValueError(f"n_steps={n_steps} exceeds the {inputs.shape[0]} input steps given.")
    elif n_steps is None:
        raise ValueError("iterate_map needs n_steps when no inputs are given.")
    check_counts(minimum=0, n_steps=n_steps)
    states = np.empty((n_steps, a.shape[0]))
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(n_steps):
            z = a * z + W @ phi(z, n_nonlinear) + h
            if inputs is not None:
                z = z + C @ inputs[t]
            if not np.all(np.isfinite(z)):
                states[t:] = np.nan
                break
            states[t] = z
    warn_where_a_run_overflows(states)
    return states, regime_codes(states, n_nonlinear)


def _cycle_from_sequence(a, W, drive, codes, n_nonlinear, atol):
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
        self.farthest = tolerance * np.sqrt(np.mean(np.sum((unit - unit.mean(axis=0)) ** 2, axis=1)))
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
        points, product_J, visited = _cycle_from_sequence(a, W, drive, codes, n_nonlinear, atol)
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
