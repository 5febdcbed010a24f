"""Each regime's affine map, its eigen-decomposition and fixed point, for many regimes at once.

The public face is :mod:`sklearn_alrnn.analysis` (``fixed_point``, ``regime_jacobian``, ``check_parameters``,
``classify_stability``) and :class:`sklearn_alrnn.RegimeDecomposer`; here the regimes
are stacked so that one LAPACK call serves a batch of them: enumerating the 65,536
regimes of P = 16 takes seconds, not the minutes of one Python call per regime.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from ._model import MAX_CODED_NONLINEAR, check_codable, regime_bits, relu_units
from ._validation import as_whole_number, check_counts, real_array

#: An eigenvalue whose modulus is this close to 1 is marginal: its mode neither decays nor grows.
MARGINAL_TOLERANCE = 1e-9
#: Regimes analysed in one batch hold Jacobians of about this many numbers in all (32 MiB).
BATCH_ELEMENTS = 2**22
#: Eigenvectors whose matrix is worse conditioned than this are not a basis: J has a Jordan block.
MODES_CONDITION_LIMIT = 1e12


def check_parameters(a, W, h, n_nonlinear, C=None):
    """AL-RNN parameters from any source as float arrays, or a ValueError naming what is wrong.

    Parameters
    ----------
    a : array-like of shape (n_hidden,)
        The diagonal of A (a diagonal (n_hidden, n_hidden) matrix is accepted too,
        as code that stores A as a matrix writes it; so is a matrix whose off-diagonal entries
        lie in the linear units' columns: a linear unit's phi is the unit itself, so they join W,
        and the map is the same).
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
        The diagonal of A; W with A's off-diagonal columns of linear units added.
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
    A = a if a.ndim == 2 and a.shape[0] == a.shape[1] else None
    if A is not None:
        a = np.diag(A).copy()
    M = a.shape[0] if a.ndim == 1 else -1
    if a.ndim != 1 or W.shape != (M, M) or h.shape != (M,):
        raise ValueError(
            "Expected a of shape (M,), W of shape (M, M) and h of shape (M,); got "
            f"a {(A if A is not None else a).shape}, W {W.shape}, h {h.shape}."
        )
    C = np.zeros((M, 0)) if C is None else real_array(C, "C")
    if C.ndim != 2 or C.shape[0] != M:
        raise ValueError(f"Expected C of shape ({M}, n_features); got {C.shape}.")
    n_nonlinear = as_whole_number(n_nonlinear)
    check_counts(minimum=0, n_nonlinear=n_nonlinear)
    if n_nonlinear > M:
        raise ValueError(f"n_nonlinear must be between 0 and {M} (the number of units); got {n_nonlinear}.")
    if A is not None and np.any(A != np.diag(a)):
        # A linear unit's phi is the unit itself, so A's column for it acts as W's does: it folds into W.
        # A ReLU unit's column cannot: A reads the unit, W its positive part.
        off_diagonal = A - np.diag(a)
        if np.any(off_diagonal[:, M - n_nonlinear :] != 0):
            raise ValueError(
                "a must be the diagonal of A (shape (M,)) or a matrix whose off-diagonal entries lie in the "
                f"columns of the {M - n_nonlinear} linear units (the first M - P), which fold into W; got a matrix "
                f"with off-diagonal entries in the columns of the ReLU units (the last {n_nonlinear})."
            )
        W = W + off_diagonal
    for name, value in (("a", a), ("W", W), ("h", h), ("C", C)):
        if not np.all(np.isfinite(value)):
            raise ValueError(f"Parameter {name} contains NaN or infinity.")
    return a, W, h, C, int(n_nonlinear)


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
class LinearSystem:
    """The affine map ``z_t = J z_{t-1} + input_matrix s_t + bias`` of one regime.

    Attributes
    ----------
    code : int
    bits : str
    J : ndarray of shape (n_hidden, n_hidden)
    bias : ndarray of shape (n_hidden,)
        h: one read-only array, shared by the regimes of an analysis.
    input_matrix : ndarray of shape (n_hidden, n_features)
        C: one read-only array, shared by the regimes of an analysis.
    """

    code: int
    bits: str
    J: np.ndarray
    bias: np.ndarray
    input_matrix: np.ndarray

    def modes(self):
        """The regime's modes: J's eigenvectors, and what each input feeds into them.

        In the coordinates ``c = readers @ z`` the regime's map is diagonal,
        ``c_t = eigenvalues * c_{t-1} + input_loadings @ s_t + readers @ bias``:
        mode i keeps ``|eigenvalues[i]|`` of its value per step and gains
        ``input_loadings[i, k]`` per unit of input k. A mode with an eigenvalue
        near 1 integrates what its loadings feed it (a line attractor, the
        memory of the sentiment network of Maheswaranathan et al. 2019).

        Returns
        -------
        Modes

        Raises
        ------
        ValueError
            Where J has no basis of eigenvectors (a Jordan block), so that its
            modes are not independent.

        Examples
        --------
        >>> from sklearn_alrnn import RegimeDecomposer
        >>> decomposer = RegimeDecomposer.from_parameters(
        ...     [1.0, 0.5], [[0.0, 0.0], [0.0, 0.0]], [0.0, 0.0], C=[[2.0], [1.0]], n_nonlinear=0)
        >>> modes = decomposer.linear_systems_[0].modes()
        >>> modes.eigenvalues, modes.input_loadings.ravel()
        (array([1. , 0.5]), array([2., 1.]))
        """
        eigenvalues, directions = np.linalg.eig(self.J)
        order = largest_modulus_first(eigenvalues)
        eigenvalues, directions = eigenvalues[order], directions[:, order]
        if np.linalg.cond(directions) > MODES_CONDITION_LIMIT:
            raise ValueError(
                f"The Jacobian of regime {self.code} ({self.bits or 'linear'}) has no basis of eigenvectors "
                "(a Jordan block: a repeated eigenvalue with fewer eigenvectors), so its modes are not "
                "independent; its eigenvalues are in eigenvalues_ / FixedPoint.eigenvalues."
            )
        readers = np.linalg.inv(directions)
        return Modes(
            eigenvalues=eigenvalues, directions=directions, readers=readers,
            input_loadings=readers @ self.input_matrix, time_constants=time_constants(eigenvalues),
            rotation_periods=rotation_periods(eigenvalues),
        )


@dataclass(frozen=True)
class Modes:
    """One regime's eigen-decomposition, largest modulus first (:meth:`LinearSystem.modes`).

    Complex where J has rotating modes (complex-conjugate pairs).

    Attributes
    ----------
    eigenvalues : ndarray of shape (n_hidden,)
    directions : ndarray of shape (n_hidden, n_hidden)
        Column i: the right eigenvector of ``eigenvalues[i]``, of unit length,
        the direction in state space along which mode i moves.
    readers : ndarray of shape (n_hidden, n_hidden)
        Row i: the left eigenvector, scaled so that ``readers @ directions``
        is the identity; ``readers[i] @ z`` is the state's coordinate along
        mode i.
    input_loadings : ndarray of shape (n_hidden, n_features)
        ``readers @ input_matrix``: how far one unit of each input moves each
        mode's coordinate in one step, columns as the input matrix's: for a
        token model one per token id; for a fitted estimator the inputs as it
        reads them (see its ``C_``: standardised features first).
    time_constants : ndarray of shape (n_hidden,)
        ``-1 / ln|lambda|`` in steps.
    rotation_periods : ndarray of shape (n_hidden,)
        ``2 pi / |arg lambda|`` in steps (inf for real eigenvalues).
    """

    eigenvalues: np.ndarray
    directions: np.ndarray
    readers: np.ndarray
    input_loadings: np.ndarray
    time_constants: np.ndarray
    rotation_periods: np.ndarray


@dataclass(frozen=True)
class FixedPoint:
    """Fixed point of one regime's affine map.

    Attributes
    ----------
    code : int
        Regime code.
    bits : str
        Regime bits, first ReLU unit first.
    point : ndarray of shape (n_hidden,)
        ``(I - J)^-1 (h + C s)``. Where ``I - J`` is singular (J has an
        eigenvalue within ``MARGINAL_TOLERANCE`` of 1: an integrator, a line
        attractor), one point of the regime's continuum of fixed points: one
        inside the regime when any is, else the one nearest the origin; NaN
        where the map drifts along the singular direction and has no fixed point.
    continuum : ndarray of shape (n_hidden, k)
        Orthonormal directions along which the fixed points extend: k = 0 for
        an isolated fixed point (or none), 1 for a line, 2 for a plane. The set
        is ``point + continuum @ c``; the part inside the regime is that set cut
        by the regime's ReLU conditions.
    real : bool
        True when the point lies in its own regime (a fixed point of the full
        nonlinear map); False for a virtual fixed point. For a continuum: when
        some of it lies in the regime (then ``point`` does).
    stability : str
        See :func:`sklearn_alrnn.analysis.classify_stability`.
    eigenvalues : ndarray of shape (n_hidden,)
        Eigenvalues of J, largest modulus first.
    time_constants : ndarray of shape (n_hidden,)
        ``-1 / ln|lambda|`` in steps.
    rotation_periods : ndarray of shape (n_hidden,)
        ``2 pi / |arg lambda|`` in steps (inf for real eigenvalues).
    """

    code: int
    bits: str
    point: np.ndarray
    continuum: np.ndarray
    real: bool
    stability: str
    eigenvalues: np.ndarray
    time_constants: np.ndarray
    rotation_periods: np.ndarray


def code_bits(codes, n_nonlinear):
    """The P bits of each (valid) regime code, shape (n_codes, P): first ReLU unit first."""
    if n_nonlinear > MAX_CODED_NONLINEAR:  # codes past int64, as Python integers
        bits = [[bit == "1" for bit in format(int(code), f"0{n_nonlinear}b")] for code in codes]
        return np.array(bits, dtype=bool).reshape(-1, n_nonlinear)
    shifts = np.arange(n_nonlinear - 1, -1, -1, dtype=np.int64)
    return ((np.asarray(codes, dtype=np.int64).reshape(-1, 1) >> shifts) & 1).astype(bool)


def jacobians(a, W, codes, n_nonlinear):
    """``J_Omega = diag(a) + W D_Omega`` of each regime code, shape (n_codes, M, M)."""
    return jacobians_of_bits(a, W, code_bits(codes, n_nonlinear))


def jacobians_of_bits(a, W, bits):
    """``J_Omega = diag(a) + W D_Omega`` of each row of ReLU bits (n, P), shape (n, M, M)."""
    M = a.shape[0]
    slopes = np.ones((bits.shape[0], M))  # the diagonal of D_Omega: 1 for linear units
    slopes[:, relu_units(M, bits.shape[1])] = bits
    with np.errstate(over="ignore", invalid="ignore"):
        J = np.diag(a) + W * slopes[:, None, :]
    if not np.all(np.isfinite(J)):
        raise ValueError(
            "The regime Jacobians diag(a) + W D overflow the floating-point range: a and the diagonal of W "
            f"add up to more than {np.finfo(J.dtype).max:.3g}. Such a map has no finite linear regimes to analyse."
        )
    return J


def largest_modulus_first(eigenvalues):
    """The order that sorts eigenvalues (along the last axis) by modulus, largest first; a stable
    sort, so a complex-conjugate pair stays together."""
    return np.argsort(-np.abs(eigenvalues), axis=-1, kind="stable")


def sorted_eigenvalues(J):
    """Eigenvalues of J, or of each matrix of a stack, largest modulus first."""
    eigenvalues = np.linalg.eigvals(J)
    return np.take_along_axis(eigenvalues, largest_modulus_first(eigenvalues), axis=-1)


def stability_types(eigenvalues):
    """``classify_stability`` of each row of eigenvalues, as an array of names."""
    if not np.all(np.isfinite(eigenvalues)):
        raise ValueError("classify_stability needs finite eigenvalues; got NaN or infinity.")
    moduli = np.abs(eigenvalues)
    rotating = np.any(np.abs(np.imag(eigenvalues)) > 1e-12, axis=-1)
    decaying = moduli < 1 - MARGINAL_TOLERANCE
    growing = moduli > 1 + MARGINAL_TOLERANCE
    return np.select(
        [decaying.all(axis=-1), ~growing.any(axis=-1), ~decaying.any(axis=-1)],
        [np.where(rotating, "stable focus", "stable node"), "marginally stable",
         np.where(rotating, "unstable focus", "unstable node")],
        "saddle",
    )


def has_unit_eigenvalue(eigenvalues):
    """Per row of eigenvalues: whether one lies within ``MARGINAL_TOLERANCE`` of 1, so that ``I - J``
    is singular and the map's fixed points (or a product's cycles) are not isolated."""
    return np.any(np.abs(eigenvalues - 1) <= MARGINAL_TOLERANCE, axis=-1)


def time_constants(eigenvalues):
    """-1 / ln|lambda| in steps (inf for |lambda| = 1, negative for growing modes)."""
    moduli = np.abs(eigenvalues)
    with np.errstate(divide="ignore"):
        return np.where(np.abs(moduli - 1) <= MARGINAL_TOLERANCE, np.inf, -1.0 / np.log(moduli))


def rotation_periods(eigenvalues):
    """2 pi / |arg lambda| in steps for rotating modes, inf for real ones."""
    angles = np.abs(np.angle(eigenvalues))
    with np.errstate(divide="ignore"):
        return np.where(np.abs(np.imag(eigenvalues)) > 1e-12, 2 * np.pi / angles, np.inf)


def constant_drive(h, C, constant_input):
    """The constant part of the map: ``h + C s`` for the input s held constant (zero when None)."""
    if constant_input is None:
        return h
    constant_input = real_array(constant_input, "constant_input").reshape(-1)
    if constant_input.shape[0] != C.shape[1]:
        raise ValueError(
            f"constant_input has {constant_input.shape[0]} features; the input matrix C has {C.shape[1]} columns."
        )
    if not np.all(np.isfinite(constant_input)):
        raise ValueError("constant_input contains NaN or infinity.")
    return h + C @ constant_input


def bit_string(code, n_nonlinear):
    """A (valid) regime code's bits as a string, first ReLU unit first."""
    return format(code, f"0{n_nonlinear}b") if n_nonlinear else ""


def analyse_regimes(a, W, h, C, codes, n_nonlinear, constant_input=None):
    """The linear system of each regime of ``codes``, and its fixed point under the input held at
    ``constant_input`` (zero when None).

    Parameters are as ``analysis.check_parameters`` returns them and the codes valid.

    Returns
    -------
    systems : list of LinearSystem
    fixed_points : list of FixedPoint
    """
    check_codable(n_nonlinear)
    drive = constant_drive(h, C, constant_input)
    M = a.shape[0]
    codes = np.asarray(codes, dtype=np.int64).reshape(-1)
    batch = max(1, BATCH_ELEMENTS // (M * M))
    # Every regime shares one read-only copy of h and C: C of a token model is an embedding of
    # the whole vocabulary, and a copy per regime took gigabytes.
    bias, input_matrix = _read_only_copy(h), _read_only_copy(C)
    fixed_points = []
    for start in range(0, codes.shape[0], batch):
        chunk = codes[start:start + batch]
        bits = code_bits(chunk, n_nonlinear)
        J = jacobians_of_bits(a, W, bits)
        eigenvalues = sorted_eigenvalues(J)
        points = _solve_each(np.eye(M) - J, drive)
        continua = [np.zeros((M, 0))] * len(chunk)
        singular = has_unit_eigenvalue(eigenvalues) | ~np.all(np.isfinite(points), axis=1)
        for i in np.flatnonzero(singular):
            fixed_set = _fixed_point_set(np.eye(M) - J[i], drive, bits[i])
            if fixed_set is not None:
                points[i], continua[i] = fixed_set
        inside = np.all(regime_bits(points, n_nonlinear) == bits, axis=1)
        real = np.all(np.isfinite(points), axis=1) & inside
        taus, periods = time_constants(eigenvalues), rotation_periods(eigenvalues)
        stability = stability_types(eigenvalues).tolist()
        for i, code in enumerate(chunk.tolist()):
            fixed_points.append(FixedPoint(
                code=code, bits=bit_string(code, n_nonlinear), point=points[i], continuum=continua[i], real=bool(real[i]),
                stability=stability[i], eigenvalues=eigenvalues[i], time_constants=taus[i], rotation_periods=periods[i],
            ))
    return RegimeSystems(a, W, bias, input_matrix, codes, n_nonlinear), fixed_points


class RegimeSystems(Sequence):
    """The LinearSystem of each regime of ``codes``, its Jacobian built when read: a map that visits
    tens of thousands of regimes would otherwise hold gigabytes of (M, M) matrices (60,000 regimes
    of M = 128: 7.9 GB) that most analyses never read."""

    def __init__(self, a, W, bias, input_matrix, codes, n_nonlinear):
        self._a, self._W = _read_only_copy(a), _read_only_copy(W)
        self._bias, self._input_matrix = bias, input_matrix
        self._codes, self._n_nonlinear = _read_only_copy(codes), n_nonlinear

    def __len__(self):
        return self._codes.shape[0]

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        code = int(self._codes[index])
        J = jacobians(self._a, self._W, [code], self._n_nonlinear)[0]
        return LinearSystem(code, bit_string(code, self._n_nonlinear), J, self._bias, self._input_matrix)

    def __repr__(self):
        return f"RegimeSystems({len(self)} regimes of {self._a.shape[0]} units; items are LinearSystem)"


def _read_only_copy(array):
    copy = np.array(array, copy=True)
    copy.flags.writeable = False
    return copy


def _fixed_point_set(identity_minus_J, drive, bits):
    """``(point, continuum)`` of the fixed points of a regime whose ``I - J`` is singular: its
    singular values within ``MARGINAL_TOLERANCE`` of 0 (relative to the largest, or to 1) count as
    zero, as eigenvalues that close to 1 count as marginal. None where none is: the matrix is merely
    ill-conditioned, and its solution stands.

    The fixed points ``z = point + continuum @ c`` solve ``(I - J) z = drive``; without a solution
    (the drive pushes along a direction J keeps) the point is NaN and the continuum empty. Of the
    set, the point kept is one inside the regime (``bits``: ReLU unit i > 0 where set, <= 0 where
    not) when any is, by linear programming, else the minimum-norm solution.
    """
    M = identity_minus_J.shape[0]
    U, singular_values, Vt = np.linalg.svd(identity_minus_J)
    tolerance = MARGINAL_TOLERANCE * max(1.0, singular_values[0])
    rank = int(np.count_nonzero(singular_values > tolerance))
    if rank == M:
        return None
    coordinates = U.T @ drive
    if np.abs(coordinates[rank:]).max() > tolerance * max(1.0, np.abs(drive).max()):  # max: no overflow near 1e308
        return np.full(M, np.nan), np.zeros((M, 0))
    point = Vt[:rank].T @ (coordinates[:rank] / singular_values[:rank])
    continuum = Vt[rank:].T
    return _inside_regime(point, continuum, bits), continuum


def _inside_regime(point, continuum, bits):
    """A point ``point + continuum @ c`` inside the regime, or ``point`` where none is (or it is).

    ReLU units the set does not move (their rows of ``continuum`` zero) hold their value all along
    it: they either agree with the regime or exclude it. Over c, two linear programs on the others:
    the largest margin t <= 1 by which each lies on its side of 0 (positive for units on, negative
    for units off), then, at half that margin, the smallest |c|_1, so that the point lies strictly
    inside, beyond the solver's tolerance, yet near the minimum-norm solution.
    """
    relu = relu_units(point.shape[0], bits.shape[0])
    if np.all((point[relu] > 0) == bits):
        return point
    # In units of the point's size: HiGHS reads bounds beyond 1e20 as infinite.
    scale = max(1.0, np.abs(point).max())
    relu_point, relu_directions = point[relu] / scale, continuum[relu]
    moved = np.abs(relu_directions).max(axis=1) > 64 * np.finfo(float).eps
    if np.any((relu_point[~moved] > 0) != bits[~moved]):
        return point
    sides = np.where(bits[moved], 1.0, -1.0)[:, None]
    k = relu_directions.shape[1]
    # sides * (relu_point + directions @ c) >= t, written as A_ub @ [c, t] <= b_ub
    directions, offsets = -sides * relu_directions[moved], sides[:, 0] * relu_point[moved]
    if k == 1:  # a line (an integrator's memory): the same two programs in closed form, without a solver
        c = _nearest_inside_on_a_line(-directions[:, 0], offsets)
        return point if c is None else point + continuum[:, 0] * (scale * c)
    margin = linprog(
        np.r_[np.zeros(k), -1.0], A_ub=np.hstack([directions, np.ones((len(offsets), 1))]), b_ub=offsets,
        bounds=[(None, None)] * k + [(None, 1.0)], method="highs",
    )
    if margin.status != 0 or -margin.fun <= 0:
        return point
    nearest = linprog(  # variables c and u >= |c|
        np.r_[np.zeros(k), np.ones(k)],
        A_ub=np.block([
            [np.eye(k), -np.eye(k)], [-np.eye(k), -np.eye(k)], [directions, np.zeros((len(offsets), k))],
        ]),
        b_ub=np.r_[np.zeros(2 * k), offsets + margin.fun / 2],
        bounds=[(None, None)] * 2 * k, method="highs",
    )
    return point + continuum @ (scale * (nearest.x[:k] if nearest.status == 0 else margin.x[:k]))


def _nearest_inside_on_a_line(slopes, offsets):
    """``_inside_regime``'s two programs on a line: the c nearest 0 at which every
    ``slopes * c + offsets`` is at least half of their largest common margin t <= 1 (None where
    t <= 0). No slope is 0 (units the line does not move are checked before). The largest margin
    of the lower envelope of rising and falling lines is where a rising and a falling one cross, at
    the lowest of those crossings; with lines of one direction only it is unbounded, so 1."""
    rising, falling = slopes > 0, slopes < 0
    margin = 1.0
    if rising.any() and falling.any():
        a_up, b_up = slopes[rising][:, None], offsets[rising][:, None]
        a_down, b_down = slopes[falling][None, :], offsets[falling][None, :]
        crossings = (b_down - b_up) / (a_up - a_down)
        margin = min(1.0, float(np.min(a_up * crossings + b_up)))
    if margin <= 0:
        return None
    bounds = (margin / 2 - offsets) / slopes  # c >= bound for rising lines, c <= bound for falling ones
    low = bounds[rising].max() if rising.any() else -np.inf
    high = bounds[falling].min() if falling.any() else np.inf
    return float(np.clip(0.0, low, high))


def _solve_each(matrices, right_hand_side):
    """``matrices[i]^-1 right_hand_side`` for each i; NaN for a singular matrix."""
    stacked = np.broadcast_to(right_hand_side[:, None], matrices.shape[:-1] + (1,))
    try:
        return np.linalg.solve(matrices, stacked)[..., 0]
    except np.linalg.LinAlgError:  # one singular matrix fails the batch: solve them one by one
        solutions = np.full(matrices.shape[:-1], np.nan)
        for i, matrix in enumerate(matrices):
            try:
                solutions[i] = np.linalg.solve(matrix, right_hand_side)
            except np.linalg.LinAlgError:
                pass
        return solutions
