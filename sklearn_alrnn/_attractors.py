"""Where runs of an AL-RNN map settle: its attractors and the share of starting states each draws in
(``find_attractors``, public in :mod:`sklearn_alrnn.analysis`).

Inside a regime the map is affine, so a run whose regimes repeat with period k is iterated, from
then on, by one affine k-step map: its fate is read off that map exactly (the k-cycle it converges
to, and the cycle's multipliers) rather than from where the run happens to be after finitely many
steps. Runs whose regimes do not repeat (a chaotic or quasi-periodic attractor, or a cycle longer
than ``max_period``) are grouped by the states they visit, and so are runs that keep repeating
regimes by an unstable cycle (lingering inside a weakly chaotic attractor coded by few regimes).
"""

from dataclasses import dataclass
from numbers import Real

import numpy as np
from scipy.spatial import cKDTree

from ._cycles import cycle_of_regimes, rms_radius
from ._kernels import make_engine
from ._kernels._cache import cached_njit
from ._kernels.lyapunov import free_run_spectrum, tangent_frame
from ._model import regime_codes
from ._regime_maps import check_parameters, classify_stability, constant_drive, has_unit_eigenvalue, sorted_eigenvalues
from ._validation import check_counts, real_array
from .tabular import table_of_columns

#: An aperiodic run whose largest state over the last tenth of its tail is this many times its largest
#: over the first tenth runs away: the states of a bounded attractor do not grow so within one tail.
RUNAWAY_GROWTH = 1e3
#: Aperiodic runs are compared on at most this many states of their tails, evenly spaced.
MAX_COMPARED_STATES = 2000
#: The fate of a run that reaches no attractor: it leaves the floating-point range, grows without bound,
#: drifts, or keeps to regimes whose cycle is unstable or outside them.
NO_ATTRACTOR = "no attractor"
#: The fate, after one tail, of a run whose regimes repeat but whose cycle is unstable or outside them.
UNSETTLED = "unsettled"
#: An aperiodic attractor is compared with a new run on the states of at most this many of its runs.
MAX_COMPARED_RUNS = 8
#: A run that lingers by an unstable cycle is compared with the aperiodic attractors, once all runs are
#: done, on this many states of its tail (few: every start may linger).
LINGERING_STATES = 64
#: The runs' tails are held in memory a block of starts at a time, of about this many bytes.
BLOCK_BYTES = 2**27
#: Where a periodic run has come to rest: its state one period apart within this (relative and
#: absolute) tolerance, as ``find_cycles`` judges that a cycle comes back to its start.
REST_TOLERANCE = 1e-6


@dataclass(frozen=True, eq=False)
class Attractor:
    """One attractor of the map, as the runs that settle on it show it.

    Attributes
    ----------
    kind : {"fixed point", "cycle", "continuum", "aperiodic"}
        "fixed point" and "cycle": the runs' regimes repeat with period k (1 for a fixed point) and
        the k-step map of those regimes has its cycle there, stable (an unstable one only where a run
        starts on it exactly); "continuum": they repeat, but the k-step map has an eigenvalue 1 (a
        line or plane attractor): each run comes to rest where it arrives; "aperiodic": the regimes do
        not repeat with a period up to ``max_period``: a chaotic attractor, a quasi-periodic one (a
        flow's limit cycle, sampled, is a closed curve that the map steps round by a fraction of its
        period) or a longer cycle; :func:`sklearn_alrnn.metrics.return_period` of its points tells a
        closed curve (a period) from chaos (none).
    codes : tuple of int
        The regimes along one period, in order (periodic kinds); the regimes the runs visit, sorted
        (aperiodic).
    points : ndarray of shape (n_points, n_hidden)
        Fixed point or cycle: its exact points, ``points[i]`` in regime ``codes[i]``; continuum: where
        each of its runs came to rest; aperiodic: the states of its first run over the last
        ``n_tail`` steps (at most ``MAX_COMPARED_STATES``, evenly spaced).
    eigenvalues : ndarray or None
        Of the k-step Jacobian (the multipliers), largest modulus first; None for aperiodic ones.
    stability : str or None
        :func:`sklearn_alrnn.analysis.classify_stability` of the eigenvalues.
    basin_fraction : float
        The share of the starts whose runs settle here.
    lyapunov_exponent : float
        The largest Lyapunov exponent per step: ``log |eigenvalues[0]| / period`` (exact) for a
        fixed point, cycle or continuum (0); for an aperiodic attractor the mean log growth of a
        tangent vector over ``n_tail`` steps from its first run's last state, after ``n_tail // 4``
        to align it (as :func:`sklearn_alrnn.metrics.lyapunov_spectrum` measures a free run):
        positive for chaos, near 0 (within a few ``1 / n_tail``) for a quasi-periodic one (a flow's
        limit cycle, sampled: 4e-5 against Lorenz-63's 0.009 at dt = 0.01; RESULTS.md).
    """

    kind: str
    codes: tuple
    points: np.ndarray
    eigenvalues: object
    stability: object
    basin_fraction: float
    lyapunov_exponent: float

    @property
    def period(self):
        """Steps of one round (1 for a fixed point); 0 for an aperiodic attractor."""
        return 0 if self.kind == "aperiodic" else len(self.codes)

    def __repr__(self):  # the points of an aperiodic attractor are thousands of states
        return (f"Attractor(kind={self.kind!r}, period={self.period}, regimes={len(set(self.codes))}, "
                f"points={self.points.shape[0]}, stability={self.stability!r}, "
                f"basin_fraction={self.basin_fraction:.3g})")


@dataclass(frozen=True, eq=False)
class Attractors:
    """What :func:`find_attractors` found.

    Attributes
    ----------
    attractors : list of Attractor
        Largest basin first.
    labels : ndarray of shape (n_starts,)
        The attractor of each start's run, an index into ``attractors``; -1 where it reaches none:
        it leaves the floating-point range, grows a thousandfold over a tail, drifts along a line of
        rest, or still keeps, after ``n_steps + n_tail`` steps, to regimes whose cycle is unstable or
        lies outside them without coming near an aperiodic attractor's states (it moves away, or
        is a transient slower than that).
    """

    attractors: list
    labels: np.ndarray

    @property
    def fraction_without_attractor(self):
        """The share of the starts whose runs reach no attractor (label -1)."""
        return float(np.mean(self.labels < 0))

    def summary(self):
        """One row per attractor, largest basin first: kind, period (0: aperiodic), number of
        regimes, stability, largest multiplier's modulus (NaN: aperiodic), largest Lyapunov
        exponent per step and basin share.

        Returns
        -------
        pandas.DataFrame, or a numpy structured array when pandas is not installed.
        """
        found = self.attractors
        return table_of_columns({
            "kind": np.array([f.kind for f in found], dtype=object),
            "period": np.array([f.period for f in found], dtype=np.int64),
            "regimes": np.array([len(set(f.codes)) for f in found], dtype=np.int64),
            "stability": np.array([f.stability for f in found], dtype=object),
            "largest_multiplier": np.array([np.nan if f.eigenvalues is None else abs(f.eigenvalues[0]) for f in found]),
            "lyapunov_exponent": np.array([f.lyapunov_exponent for f in found]),
            "basin_fraction": np.array([f.basin_fraction for f in found]),
        })

    def __repr__(self):
        found = ", ".join(f"{x.kind} {x.basin_fraction:.0%}" for x in self.attractors)
        return f"Attractors([{found}], without attractor {self.fraction_without_attractor:.0%})"


def find_attractors(
    a, W, h, starts, *, n_nonlinear, C=None, constant_input=None, n_steps=5000, n_tail=2000, max_period=None,
    tolerance=0.1,
):
    """The attractors the map's runs from ``starts`` settle on, and the share of starts each draws in.

    Every start is iterated ``n_steps`` steps (under a constant input, zero by default) and judged
    on its last ``n_tail``. Where its regimes repeat with a period k <= ``max_period`` over the
    tail's last half, the k-step map of those regimes (affine) decides: the run converges to
    that map's k-cycle where the cycle lies in those regimes and is stable (its exact points are
    reported, however slowly the run approaches); it rests where it stands where the map has an
    eigenvalue 1 (a continuum of fixed points, as a line attractor has), and drifts away where it
    does not rest there. Any other run (its regimes do not repeat, or the cycle they would make is
    unstable or outside them: a transient) runs on for another ``n_tail`` steps and is judged
    again: as above; as reaching no attractor where it leaves the floating-point range or where
    its states grow a thousandfold over that tail; or else as aperiodic. An aperiodic run joins the
    attractor of earlier ones where the median distance from the states of its tail to the nearest
    of theirs (up to 8 runs'), or from the first one's states to the nearest of its own, is at
    most ``tolerance`` times those runs' root-mean-square distance from their mean: a run that
    lingers by an unstable cycle inside a chaotic attractor (an intermittent run, on a part of
    it) joins it, as it does where the earlier run lingered so. A run whose regimes still repeat
    with an unstable cycle after the second tail lingers too (a weakly chaotic attractor coded by
    few regimes repeats them for thousands of steps: a Roessler map with one ReLU unit): it joins
    an aperiodic attractor whose states its own come so near, and otherwise reaches none (it moves
    away from the cycle without settling, or is a transient slower than the runs). Finitely many
    runs of finite length make this an estimate, as any numerical account of basins is (e.g.
    DynamicalSystems.jl's AttractorsViaFeaturizing); multistable reconstructions are a known way
    for a trained model to go wrong away from its data (Goering et al., ICML 2024).

    Parameters
    ----------
    a, W, h : array-like
        AL-RNN parameters, as for :func:`check_parameters`.
    starts : array-like of shape (n_starts, n_hidden) or (n_hidden,)
        Initial states: e.g. a fitted model's ``hidden_states(X)`` on data (states of the map's
        units), or random states around them.
    n_nonlinear : int
    C, constant_input : array-like, default=None
        Input matrix and the constant input (zero when None).
    n_steps : int, default=5000
        Steps of each run.
    n_tail : int, default=2000
        The last steps of each run that it is judged on; the steps before are its transient.
        A flow sampled finely needs a long tail: two runs of Lorenz-63 at dt = 0.01 come within
        0.05 of each other's extent (median nearest distance) over 2,000 steps, 0.1-0.3 over 500.
    max_period : int, default=None
        Longest period of regimes read as periodic; the tail's last half must hold two periods
        (``4 * max_period <= n_tail``), which None takes: 500 steps by default. A flow sampled
        finely has cycles of hundreds of steps.
    tolerance : float, default=0.1
        How close two aperiodic runs' states must come to share an attractor, relative to its size.

    Returns
    -------
    Attractors
        ``attractors`` (largest basin first) and ``labels`` (the attractor of each start, -1 where
        its run reaches none).

    Examples
    --------
    A switch: ``x -> 2 max(x, 0) - 2 max(x - 1, 0) - 0.5``, with the second unit holding ``x - 1``,
    rests at -0.5 or at 1.5; the two basins meet at the unstable fixed point 0.5.

    >>> import numpy as np
    >>> from sklearn_alrnn.analysis import find_attractors
    >>> a, W, h = [0.0, 0.0], [[2.0, -2.0], [2.0, -2.0]], [-0.5, -1.5]
    >>> x = np.linspace(-1, 2, 6)
    >>> found = find_attractors(a, W, h, np.column_stack([x, x - 1]), n_nonlinear=2)
    >>> found.labels
    array([0, 0, 0, 1, 1, 1])
    >>> [(f.kind, f.points.tolist(), f.stability, f.basin_fraction) for f in found.attractors]
    [('fixed point', [[-0.5, -1.5]], 'stable node', 0.5), ('fixed point', [[1.5, 0.5]], 'stable node', 0.5)]
    """
    a, W, h, C, n_nonlinear = check_parameters(a, W, h, n_nonlinear, C)
    drive = constant_drive(h, C, constant_input)
    check_counts(n_steps=n_steps, n_tail=n_tail)
    if n_tail > n_steps:
        raise ValueError(f"n_tail={n_tail} exceeds n_steps={n_steps}: the tail is the last part of each run.")
    if n_tail < 4:
        raise ValueError(f"n_tail must be at least 4 steps; got {n_tail}: a period is read where the regimes "
                         "repeat at least twice over the tail's last half.")
    max_period = n_tail // 4 if max_period is None else max_period
    check_counts(max_period=max_period)
    if 4 * max_period > n_tail:
        raise ValueError(f"max_period={max_period} needs a tail of at least {4 * max_period} steps; got "
                         f"n_tail={n_tail}: a period is read where the regimes repeat at least twice over "
                         "the tail's last half.")
    if isinstance(tolerance, bool) or not isinstance(tolerance, Real) or not 0 < tolerance < np.inf:
        raise ValueError(f"tolerance must be a positive number; got {tolerance!r}.")
    starts = _checked_starts(starts, a.shape[0])
    solved, aperiodic, fates = {}, [], []
    block = max(1, BLOCK_BYTES // (n_tail * a.shape[0] * 8))  # tails are held a block of starts at a time
    for first in range(0, starts.shape[0], block):
        fates += _fates(a, W, drive, starts[first : first + block], n_nonlinear, n_steps, n_tail, max_period,
                        tolerance, solved, aperiodic)
    groups, labels = {}, np.full(starts.shape[0], -1)
    for i, (fate, last_state) in enumerate(fates):
        if isinstance(fate, Lingering):  # judged once every block's aperiodic attractors are known
            fate = _lingering_fate(fate, aperiodic, tolerance)
        if fate is not NO_ATTRACTOR:
            key, group = fate
            group = groups.setdefault(key, group)
            group["runs"].append(i)
            if group["kind"] == "continuum":
                group["points"].append(last_state)
            labels[i] = list(groups).index(key)
    frame = tangent_frame(a.shape[0], 1)

    def aperiodic_exponent(state):  # along n_tail steps on the attractor, as lyapunov_spectrum measures
        return free_run_spectrum(a, W, drive, a.shape[0] - n_nonlinear, state, frame, n_tail, n_tail // 4)[0]

    return _collected(list(groups.values()), labels, aperiodic_exponent)


def _fates(a, W, drive, starts, n_nonlinear, n_steps, n_tail, max_period, tolerance, solved, aperiodic):
    """``(fate, last state)`` of the run from each start: ``(key, group)``, ``NO_ATTRACTOR`` or ``Lingering``.
    ``solved`` caches the cycle of each regime sequence, ``aperiodic`` holds the aperiodic
    attractors found so far; both carry over from one block of starts to the next."""
    tails = _run_tails(a, W, drive, starts, n_nonlinear, n_steps, n_tail)
    fates = _periodic_fates(a, W, drive, tails, n_nonlinear, max_period, solved)
    unsettled = [i for i, fate in enumerate(fates) if fate is None or fate is UNSETTLED]
    if unsettled:  # a long transient, or regimes that do not repeat: those runs go on for another tail
        tails[unsettled] = _run_tails(a, W, drive, tails[unsettled, -1], n_nonlinear, n_tail, n_tail)
        again = _periodic_fates(a, W, drive, tails[unsettled], n_nonlinear, max_period, solved)
        for i, fate in zip(unsettled, again):
            fates[i] = (_aperiodic_fate(tails[i], n_nonlinear, aperiodic, tolerance) if fate is None else
                        _lingering(tails[i], n_nonlinear) if fate is UNSETTLED else fate)
    return list(zip(fates, tails[:, -1]))


@dataclass(frozen=True)
class Lingering:
    """The fate of a run whose regimes still repeat, with an unstable cycle, after its second tail:
    decided by the aperiodic attractors of all the runs (``_lingering_fate``)."""

    states: np.ndarray
    regimes: set


def _lingering(tail, n_nonlinear):
    """A lingering run's fate-to-be: ``LINGERING_STATES`` of its tail's states and the regimes among them."""
    states = _compared_states(tail, LINGERING_STATES)
    return Lingering(states, _visited_regimes(states, n_nonlinear))


def _checked_starts(starts, n_hidden):
    starts = real_array(starts, "starts")
    if starts.ndim == 1:
        starts = starts[None]
    if starts.ndim != 2 or starts.shape[1] != n_hidden or starts.shape[0] == 0:
        hint = (f": the hidden states of sequences are one start per step, starts.reshape(-1, {n_hidden})"
                if starts.ndim > 2 and starts.shape[-1] == n_hidden else "")
        raise ValueError(f"starts must be states of the map's {n_hidden} units, of shape (n_starts, {n_hidden}); "
                         f"got shape {starts.shape}{hint}.")
    bad = np.flatnonzero(~np.all(np.isfinite(starts), axis=1))
    if bad.size:
        raise ValueError(f"starts contain NaN or infinity (in {bad.size} of {starts.shape[0]} rows, the first row "
                         f"{bad[0]}); the hidden states of sequences of different lengths are NaN past each one's "
                         "end: leave those rows out, starts[np.isfinite(starts).all(axis=1)].")
    return starts


def _run_tails(a, W, drive, starts, n_nonlinear, n_steps, n_tail):
    """The last ``n_tail`` states of the run from each start, (n_starts, n_tail, M), NaN from where a
    run leaves the floating-point range: the engine's free runs (as a forecaster's), the transient
    ``n_tail`` steps at a time, so that no more than a tail's states are held."""
    engine, M = make_engine("cpu", a.shape[0], n_nonlinear), a.shape[0]
    no_input = np.zeros((M, 0))

    def run(z, steps):
        return engine.free_run(a, W, drive, no_input, z, np.zeros((len(z), steps, 0)), M)

    z = starts
    for done in range(0, n_steps - n_tail, n_tail):
        z = run(z, min(n_tail, n_steps - n_tail - done))[:, -1]
    return run(z, n_tail)


def _periodic_fates(a, W, drive, tails, n_nonlinear, max_period, solved):
    """Per run, ``(key, group)`` where its regimes repeat with a period up to ``max_period`` over the
    last half of its tail and that settles its fate, ``NO_ATTRACTOR`` where it left the
    floating-point range or drifts, ``UNSETTLED`` where the regimes' cycle is unstable or outside
    them, None where they do not repeat. ``solved`` caches the cycle of each regime sequence."""
    codes = regime_codes(tails[:, -(tails.shape[1] // 2):], n_nonlinear)
    # 4 * max_period <= n_tail: a period found in the half repeats there at least twice
    periods = smallest_periods(np.ascontiguousarray(codes, dtype=np.int64), max_period)
    fates = []
    for tail, run_codes, period in zip(tails, codes, periods):
        if not np.all(np.isfinite(tail[-1])):
            fates.append(NO_ATTRACTOR)
            continue
        if not period:
            fates.append(None)
            continue
        sequence = tuple(int(c) for c in run_codes[-period:])
        if sequence not in solved:
            solved[sequence] = cycle_of_regimes(a, W, drive, sequence, n_nonlinear, REST_TOLERANCE)[:2]
        fates.append(_periodic_fate(sequence, *solved[sequence], tail))
    return fates


@cached_njit()
def smallest_periods(codes, max_period):
    """Per row of ``codes``, the smallest k <= ``max_period`` with ``row[k:] == row[:-k]`` (0 where there
    is none): the row's length less its longest border, from the prefix function (Knuth, Morris and
    Pratt), in one pass along the row."""
    n_rows, length = codes.shape
    periods = np.zeros(n_rows, dtype=np.int64)
    border = np.zeros(length, dtype=np.int64)  # border[t]: the longest proper border of row[: t + 1]
    for i in range(n_rows):
        for t in range(1, length):
            k = border[t - 1]
            while k > 0 and codes[i, t] != codes[i, k]:
                k = border[k - 1]
            border[t] = k + 1 if codes[i, t] == codes[i, k] else k
        period = length - border[length - 1]
        if period <= max_period:
            periods[i] = period
    return periods


def _first_rotation(sequence):
    """Where the rotation of a cyclic sequence that comes first in order starts, and that rotation:
    one key for one cycle."""
    shift = min(range(len(sequence)), key=lambda i: sequence[i:] + sequence[:i])
    return shift, sequence[shift:] + sequence[:shift]


def _periodic_fate(sequence, points, product_J, tail):
    """``(key, group)`` of a run whose regimes repeat ``sequence`` (its last period, in order), given
    the k-cycle of those regimes (None where there is none in them) and the k-step Jacobian;
    ``NO_ATTRACTOR`` where it drifts along a marginal direction; ``UNSETTLED`` where the cycle is
    unstable or outside the regimes and the run is not resting on it."""
    k = len(sequence)
    if not np.all(np.isfinite(product_J)):
        return UNSETTLED
    eigenvalues = sorted_eigenvalues(product_J)
    at_rest = np.allclose(tail[-1], tail[-1 - k], rtol=REST_TOLERANCE, atol=REST_TOLERANCE)
    kind = "fixed point" if k == 1 else "cycle"
    if has_unit_eigenvalue(eigenvalues):
        if not at_rest:
            return NO_ATTRACTOR
        kind, points = "continuum", []
    elif points is None or not (np.abs(eigenvalues[0]) < 1 or at_rest):
        if not at_rest:
            return UNSETTLED
        points = tail[-k:]  # a cycle on the regimes' boundaries, which the solve puts in the neighbouring regime
    shift, rotation = _first_rotation(sequence)
    if kind != "continuum":
        points = np.roll(points, -shift, axis=0)
    return (kind, rotation), {"kind": kind, "codes": rotation, "points": points, "eigenvalues": eigenvalues, "runs": []}


def _aperiodic_fate(tail, n_nonlinear, aperiodic, tolerance):
    """``(key, group)`` of a run that has not settled on a period: the aperiodic attractor (among
    ``aperiodic``, which a new one joins) whose states and its own come within ``tolerance`` of its
    size of each other, one way or the other; ``NO_ATTRACTOR`` where it leaves the floating-point
    range or grows ``RUNAWAY_GROWTH``-fold."""
    sizes = np.abs(tail).max(axis=1)  # not the norm, whose squares overflow first
    tenth = max(1, len(tail) // 10)
    if not np.all(np.isfinite(sizes)) or sizes[-tenth:].max() > RUNAWAY_GROWTH * sizes[:tenth].max():
        return NO_ATTRACTOR
    visited = _visited_regimes(tail, n_nonlinear)
    states, tree = _compared_states(tail), None
    for index, group in enumerate(aperiodic):
        near = _mostly_within(group["tree"], states, tolerance * group["size"])
        if not near:  # the other way: the run's own tree, built only where it is needed
            tree = cKDTree(states) if tree is None else tree
            near = _mostly_within(tree, group["points"], tolerance * group["size"])
        if near:
            group["codes"] |= visited
            if group["compared_runs"] < MAX_COMPARED_RUNS:  # its extent covered better for the runs to come
                kept = np.concatenate([group["tree"].data, states])
                group |= {"tree": cKDTree(kept), "size": rms_radius(kept), "compared_runs": group["compared_runs"] + 1}
            return ("aperiodic", index), group
    aperiodic.append({"kind": "aperiodic", "codes": visited, "points": states, "size": rms_radius(states),
                      "tree": cKDTree(states) if tree is None else tree, "compared_runs": 1, "eigenvalues": None,
                      "runs": []})
    return ("aperiodic", len(aperiodic) - 1), aperiodic[-1]


def _mostly_within(tree, states, distance):
    """Whether the median distance from ``states`` to the nearest of the tree's is at most ``distance``:
    a query that stops looking beyond it (inf there), which in many dimensions saves most of the search."""
    return np.median(tree.query(states, distance_upper_bound=np.nextafter(distance, np.inf))[0]) <= distance


def _lingering_fate(lingering, aperiodic, tolerance):
    """``(key, group)`` of the aperiodic attractor that a lingering run's states come near (the
    nearest, within ``tolerance`` of its size); ``NO_ATTRACTOR`` where they come near none."""
    distances = [np.median(group["tree"].query(lingering.states)[0]) / group["size"] for group in aperiodic]
    if not distances or min(distances) > tolerance:
        return NO_ATTRACTOR
    index = int(np.argmin(distances))
    aperiodic[index]["codes"] |= lingering.regimes
    return ("aperiodic", index), aperiodic[index]


def _visited_regimes(states, n_nonlinear):
    """The set of regime codes among ``states``."""
    return set(np.unique(regime_codes(states, n_nonlinear)).tolist())


def _compared_states(tail, most=MAX_COMPARED_STATES):
    """At most ``most`` of a tail's states, evenly spaced."""
    return tail[:: -(-len(tail) // most)]


def _collected(groups, labels, aperiodic_exponent):
    """Attractors, largest basin first, and each start's label among them; ``aperiodic_exponent``
    measures the largest Lyapunov exponent along a run from a state."""
    order = sorted(range(len(groups)), key=lambda g: -len(groups[g]["runs"]))
    attractors, relabelled = [], np.full(labels.shape[0], -1)
    for new, old in enumerate(order):
        group = groups[old]
        relabelled[labels == old] = new
        aperiodic = group["kind"] == "aperiodic"
        eigenvalues = group["eigenvalues"]
        if aperiodic:
            exponent = aperiodic_exponent(group["points"][-1])
        else:
            with np.errstate(divide="ignore"):  # a multiplier 0: every direction annihilated, -inf
                exponent = np.log(np.abs(eigenvalues[0])) / len(group["codes"])
        attractors.append(Attractor(
            kind=group["kind"],
            codes=tuple(sorted(group["codes"])) if aperiodic else group["codes"],
            points=np.asarray(group["points"]),
            eigenvalues=eigenvalues,
            stability=None if eigenvalues is None else classify_stability(eigenvalues),
            basin_fraction=len(group["runs"]) / labels.shape[0],
            lyapunov_exponent=float(exponent),
        ))
    return Attractors(attractors, relabelled)
