"""The functional analysis layer (``sklearn_alrnn.analysis``) on maps with known answers."""

import warnings

import numpy as np
import pytest

from sklearn_alrnn import RegimeDecomposer
from sklearn_alrnn._model import phi
from sklearn_alrnn.analysis import (
    bits_to_code,
    check_parameters,
    classify_stability,
    code_to_bits,
    find_cycles,
    fixed_point,
    iterate_map,
    regime_jacobian,
    regime_usage,
)

from .conftest import HAND_BUILT_A as A
from .conftest import HAND_BUILT_C as C
from .conftest import HAND_BUILT_H as H
from .conftest import HAND_BUILT_W as W
from .conftest import hand_built_step as _step


def test_code_bits_conversions():
    assert code_to_bits(2, 3) == "010"
    assert bits_to_code("010") == 2 and bits_to_code([1, 1]) == 3
    assert code_to_bits(0, 0) == "" and bits_to_code("") == 0
    with pytest.raises(ValueError, match=r"lies in \[0, 4\); got 4"):
        code_to_bits(4, 2)
    with pytest.raises(ValueError, match="string of '0' and '1'"):
        bits_to_code("012")


def test_two_cycle_of_a_hand_built_map():
    # Scalar PLRNN z -> -0.5 z - relu(z) + 1: the 2-cycle -2 (off) -> 2 (on) -> -2.
    a, w, h = np.array([-0.5]), np.array([[-1.0]]), np.array([1.0])
    cycles = find_cycles(a, w, h, n_nonlinear=1, max_order=3)
    two = [c for c in cycles if c.order == 2]
    assert len(two) == 1
    cycle = two[0]
    assert cycle.codes == (0, 1)
    np.testing.assert_allclose(cycle.points[:, 0], [-2.0, 2.0])
    states, codes = iterate_map(a, w, h, cycle.points[0], 2, n_nonlinear=1)
    np.testing.assert_allclose(states[1], cycle.points[0], atol=1e-12)
    assert list(codes) == [1, 0]
    assert cycle.stability == "stable node"  # product of slopes (-1.5)(-0.5) = 0.75
    ones = [c for c in cycles if c.order == 1]
    assert [c.codes for c in ones] == [(1,)] and ones[0].points[0, 0] == pytest.approx(0.4)


def test_randomised_cycle_search_finds_what_enumeration_finds():
    rng = np.random.RandomState(3)
    a = rng.uniform(-0.9, 0.9, size=4)
    w = rng.normal(scale=1.2, size=(4, 4))
    h = rng.normal(size=4)
    exact = find_cycles(a, w, h, n_nonlinear=3, max_order=2)
    searched = find_cycles(a, w, h, n_nonlinear=3, max_order=2, max_exhaustive=1, random_state=0,
                           n_outer=30, n_inner=50)
    assert {c.codes for c in searched} <= {c.codes for c in exact}
    assert {c.codes for c in searched if c.order == 1} == {c.codes for c in exact if c.order == 1}
    for cycle in exact:
        states, codes = iterate_map(a, w, h, cycle.points[0], cycle.order, n_nonlinear=3)
        np.testing.assert_allclose(states[-1], cycle.points[0], atol=1e-9)


def tent_map(mu=1.9):
    """The tent map x -> mu min(x, 1 - x) as an AL-RNN: unit 0 is x, the ReLU unit carries 2x - 1."""
    return np.zeros(2), np.array([[mu, -mu], [2 * mu, -2 * mu]]), np.array([0.0, -1.0])


def test_close_returns_of_a_chaotic_run_find_the_cycles_inside_its_attractor():
    a, w, h = tent_map()
    states, _ = iterate_map(a, w, h, np.array([0.3, -0.4]), 3000, n_nonlinear=1)
    run = states[100:]
    exact = find_cycles(a, w, h, n_nonlinear=1, max_order=6)
    # max_exhaustive=1: no order is enumerated, every cycle comes from a close return of the run.
    from_returns = find_cycles(a, w, h, n_nonlinear=1, max_order=6, max_exhaustive=1, runs=run, n_returns=50)

    def key(cycle):
        return cycle.order, tuple(np.round(np.sort(cycle.points[:, 0]), 8))

    # The periodic points of a chaotic tent map are dense in its attractor, the interval the run
    # fills: every cycle there is found (the fixed point x = 0 lies outside, where no run returns).
    inside = {key(c) for c in exact if c.points[:, 0].min() >= run[:, 0].min() - 1e-9}
    assert {key(c) for c in from_returns} == inside
    assert len(from_returns) == len(inside)  # many returns shadow one cycle; it is listed once
    assert np.bincount([k[0] for k in inside]).tolist() == [0, 1, 1, 2, 3, 4, 7]  # cycles of each order
    for cycle in from_returns:  # slope +-1.9 along x at every step; the slaved unit adds a 0
        assert cycle.stability == "saddle" and abs(cycle.eigenvalues[0]) == pytest.approx(1.9**cycle.order)
    # The map is linear in its drive: with h and the run 1e300 times larger, so are the cycles.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        far = find_cycles(a, w, h * 1e300, n_nonlinear=1, max_order=6, max_exhaustive=1, runs=run * 1e300, n_returns=50)
    assert [c.codes for c in far] == [c.codes for c in from_returns]
    for f, n in zip(far, from_returns):
        np.testing.assert_allclose(f.points, 1e300 * n.points, rtol=1e-9)
    # The same run as a 3-D array of one run, or with NaN padding, gives the same cycles.
    padded = np.concatenate([run, np.full((7, 2), np.nan)])[None]
    again = find_cycles(a, w, h, n_nonlinear=1, max_order=6, max_exhaustive=1, runs=padded, n_returns=50)
    assert [key(c) for c in again] == [key(c) for c in from_returns]


def test_bad_runs_are_named():
    a, w, h = tent_map()
    run = np.random.RandomState(0).uniform(size=(50, 2))
    cases = [
        (dict(runs=run[:, :1]), r"runs must hold states of the map's 2 units, \(n_steps, 2\) each; run 0 has shape \(50, 1\)"),
        (dict(runs=run > 0.5), "run 0 has shape \\(50, 2\\) and dtype bool"),
        (dict(runs=[run, run[:, :1]]), "run 1 has shape \\(50, 1\\)"),
        (dict(runs=np.full((5, 2), np.nan)), "runs hold fewer than 2 finite states"),
        (dict(runs=run, n_returns=0), "n_returns must be an integer >= 1; got 0"),
        (dict(runs=run, return_tolerance=-0.1), "return_tolerance must be a positive number; got -0.1"),
        (dict(runs=run, return_tolerance=np.nan), "return_tolerance must be a positive number; got nan"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValueError, match=message):
            find_cycles(a, w, h, n_nonlinear=1, max_order=3, **kwargs)


def test_long_cycles_of_an_expanding_map_overflow_quietly():
    # z -> 10 z + 1: its k-step map 10**k z + ... overflows past k = 308. The search must
    # report the one fixed point and let no NumPy overflow warning reach the user.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cycles = find_cycles([10.0], [[0.0]], [1.0], n_nonlinear=0, max_order=320)
    assert [c.codes for c in cycles] == [(0,)]
    np.testing.assert_allclose(cycles[0].points, [[-1.0 / 9.0]])
    assert cycles[0].stability == "unstable node"


def test_cycles_far_out_are_those_of_the_map_in_ordinary_units():
    # The map is linear in its drive: with h = 1e300 its cycles are 1e300 times those of h = 1.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        far = find_cycles([0.5], [[-2.0]], [1e300], n_nonlinear=1)
    near = find_cycles([0.5], [[-2.0]], [1.0], n_nonlinear=1)
    assert [c.codes for c in far] == [c.codes for c in near] == [(1,), (0, 1)]
    for f, n in zip(far, near):
        np.testing.assert_allclose(f.points, 1e300 * n.points, rtol=1e-12)


def test_a_run_of_the_map_that_overflows_is_nan_from_there_with_one_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        states, codes = iterate_map([10.0, 0.5], [[0.0, 0.0], [1.0, 0.0]], [1.0, 0.0], [1.0, 0.0], 400, n_nonlinear=1)
    assert [str(w.message)[:63] for w in caught] == ["The free run left the floating-point range at step 308 of 400; "]
    assert np.all(np.isfinite(states[:308])) and np.all(np.isnan(states[308:]))
    assert np.all(codes[:308] == 1) and np.all(codes[308:] == -1)


def test_iterate_map_driven_by_inputs_matches_hand_computation():
    inputs = np.array([[0.3], [-1.0], [2.0]])
    states, codes = iterate_map(A, W, H, np.zeros(3), n_nonlinear=2, C=C, inputs=inputs)
    z = np.zeros(3)
    for t, s in enumerate(inputs[:, 0]):
        z = _step(z, s)
        np.testing.assert_allclose(states[t], z, rtol=1e-12)
        assert codes[t] == bits_to_code((z[1:] > 0).astype(int))
    with pytest.raises(ValueError, match="needs n_steps"):
        iterate_map(A, W, H, np.zeros(3), n_nonlinear=2)


def test_jacobian_and_fixed_point_of_each_regime_of_the_hand_built_map():
    for code in range(4):
        bits = [(code >> 1) & 1, code & 1]
        J = np.diag(A) + W @ np.diag([1.0, *bits])
        np.testing.assert_allclose(regime_jacobian(A, W, code, 2), J, rtol=0, atol=1e-15)
        fp = fixed_point(A, W, H, code, 2, C=C, constant_input=[0.7])
        expected = np.linalg.solve(np.eye(3) - J, H + 0.7 * C[:, 0])
        np.testing.assert_allclose(fp.point, expected, rtol=1e-12)
        assert fp.real == ([int(expected[1] > 0), int(expected[2] > 0)] == bits)
        if fp.real:
            np.testing.assert_allclose(_step(fp.point, 0.7), fp.point, atol=1e-9)
        assert fp.stability == classify_stability(fp.eigenvalues)


def test_a_regimes_modes_diagonalise_its_map_and_say_what_each_input_feeds_them():
    # In the coordinates c = readers @ z each mode evolves alone: c_t = lambda c_{t-1} + loadings s_t
    # + readers h, for real and rotating modes alike.
    rng = np.random.RandomState(2)
    a, W, h, C = rng.uniform(-0.5, 1.0, 5), rng.normal(scale=0.6, size=(5, 5)), rng.normal(size=5), rng.normal(size=(5, 2))
    decomposer = RegimeDecomposer.from_parameters(a, W, h, C, n_nonlinear=2)
    rotating = 0
    for system in decomposer.linear_systems_:
        modes = system.modes()
        rotating += np.iscomplexobj(modes.eigenvalues)
        assert np.all(np.diff(np.abs(modes.eigenvalues)) <= 1e-12)
        np.testing.assert_allclose(np.linalg.norm(modes.directions, axis=0), 1.0, rtol=1e-12)
        np.testing.assert_allclose(modes.readers @ modes.directions, np.eye(5), atol=1e-10)
        z = rng.normal(size=5)
        for s in rng.normal(size=(20, 2)):
            before = modes.readers @ z
            z = system.J @ z + system.input_matrix @ s + system.bias
            expected = modes.eigenvalues * before + modes.input_loadings @ s + modes.readers @ h
            np.testing.assert_allclose(modes.readers @ z, expected, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(modes.time_constants, -1 / np.log(np.abs(modes.eigenvalues)))
    assert rotating == 2  # two regimes with real modes only, two with rotating ones
    shear = RegimeDecomposer.from_parameters([1.0, 1.0], [[0.0, 1.0], [0.0, 0.0]], [0.0, 0.0], n_nonlinear=0)
    with pytest.raises(ValueError, match="regime 0 .linear. has no basis of eigenvectors .a Jordan block"):
        shear.linear_systems_[0].modes()


def test_one_relu_unit_gives_real_fixed_points_in_both_regimes_only_where_det_i_minus_j_changes_sign():
    # z -> F(z) - z is continuous and piecewise linear with two pieces when P = 1: it has one zero
    # where det(I - J) has the same sign in both regimes, so real fixed points in both need opposite
    # signs, and (stable regimes having det(I - J) > 0) never two stable ones. A real/virtual
    # classification that errs, or fixed points solved in the wrong regime, break this theorem.
    rng = np.random.RandomState(0)
    n_both = 0
    for _ in range(1000):
        M = rng.randint(1, 6)
        a, W, h = rng.uniform(-0.9, 1.5, M), rng.normal(size=(M, M)) * rng.uniform(0.1, 1.5), rng.normal(size=M)
        points = [fixed_point(a, W, h, code, 1) for code in (0, 1)]
        determinants = [np.linalg.det(np.eye(M) - regime_jacobian(a, W, code, 1)) for code in (0, 1)]
        if all(point.real for point in points):
            n_both += 1
            assert np.sign(determinants[0]) != np.sign(determinants[1])
        assert sum(point.real and np.abs(point.eigenvalues).max() < 1 for point in points) <= 1
    assert n_both > 50  # the draws do reach the case the theorem speaks of (127 of 1000)


def _step_of(a, W, h, z, n_nonlinear):
    return np.asarray(a) * z + np.asarray(W) @ phi(z.copy(), n_nonlinear) + np.asarray(h)


def test_a_line_attractor_through_a_switch_is_a_continuum_in_each_regime_it_crosses():
    # Unit 0 keeps its value (a = 1); the ReLU unit settles at 2 (z_0 - 1), on where z_0 > 1: one
    # line of fixed points, the regime "0" half below z_0 = 1 and the "1" half above. Before, I - J
    # being singular gave NaN: the memory a working-memory model is built for had no fixed point.
    a, W, h = [1.0, 0.5], [[0.0, 0.0], [1.0, 0.0]], [0.0, -1.0]
    for code in (0, 1):
        fp = fixed_point(a, W, h, code, n_nonlinear=1)
        assert fp.real and fp.stability == "marginally stable"
        assert fp.continuum.shape == (2, 1)
        np.testing.assert_allclose(np.abs(fp.continuum.ravel()), np.array([1.0, 2.0]) / np.sqrt(5), rtol=1e-12)
        np.testing.assert_allclose(_step_of(a, W, h, fp.point, 1), fp.point, atol=1e-12)
        assert (fp.point[1] > 0) == bool(code)
    np.testing.assert_allclose(fixed_point(a, W, h, 0, n_nonlinear=1).point, [0.8, -0.4], rtol=1e-12)  # nearest 0
    # The same in units near the floating-point limit: the linear programs work in the point's
    # units (HiGHS reads bounds beyond 1e20 as infinite), and a drift of a thousandth of the scale
    # is no fixed point (a 2-norm of the drive overflowed, and took every drive for consistent).
    for code in (0, 1):
        huge = fixed_point(a, W, np.array(h) * 1e300, code, n_nonlinear=1)
        assert huge.real and (huge.point[1] > 0) == bool(code)
        np.testing.assert_allclose(_step_of(a, W, np.array(h) * 1e300, huge.point, 1), huge.point, rtol=1e-12)
        assert np.isnan(fixed_point(a, W, [1e297, -1e300], code, n_nonlinear=1).point).all()
    # The ReLU unit held at -1 whatever the memory holds: the line never enters regime "1".
    held_off = fixed_point([1.0, 0.0], np.zeros((2, 2)), [0.0, -1.0], 1, n_nonlinear=1)
    assert not held_off.real and held_off.continuum.shape == (2, 1)
    np.testing.assert_allclose(held_off.point, [0.0, -1.0], atol=1e-15)


def test_singular_regimes_give_planes_drifts_and_rounded_lines_their_own_answers():
    plane = fixed_point([1.0, 1.0, 0.2], np.zeros((3, 3)), [0.0, 0.0, 1.0], 0, n_nonlinear=0)
    assert plane.continuum.shape == (3, 2) and plane.real
    np.testing.assert_allclose(plane.point, [0.0, 0.0, 1.25], atol=1e-15)
    np.testing.assert_allclose(plane.continuum.T @ plane.continuum, np.eye(2), atol=1e-15)
    # A bias on the integrator: it drifts by 0.1 a step and has no fixed point at all.
    drift = fixed_point([1.0, 0.5], np.zeros((2, 2)), [0.1, 0.0], 0, n_nonlinear=0)
    assert np.isnan(drift.point).all() and drift.continuum.shape == (2, 0) and not drift.real
    # A Jordan block (shear): z_0 free, z_1 = -0.3 holds the drive's first row; a second row drifts.
    shear = fixed_point([1.0, 1.0], [[0.0, 1.0], [0.0, 0.0]], [0.3, 0.0], 0, n_nonlinear=0)
    np.testing.assert_allclose(shear.point, [0.0, -0.3], atol=1e-15)
    np.testing.assert_allclose(np.abs(shear.continuum.ravel()), [1.0, 0.0])
    assert np.isnan(fixed_point([1.0, 1.0], [[0.0, 1.0], [0.0, 0.0]], [0.3, 0.1], 0, n_nonlinear=0).point).all()
    # Singular in exact arithmetic, not in floating point (1 - 0.7 and 1 - 0.8 round): the solver
    # gave one arbitrary point of the line, now the nearest to the origin.
    rounded = fixed_point([0.7, 0.8], [[0.0, 0.3], [0.2, 0.0]], [0.3, -0.2], 0, n_nonlinear=0)
    np.testing.assert_allclose(rounded.point, [0.5, -0.5], rtol=1e-12)
    np.testing.assert_allclose(np.abs(rounded.continuum.ravel()), np.array([1.0, 1.0]) / np.sqrt(2), rtol=1e-12)
    # Cycles are isolated: find_cycles reported this line's arbitrary point as a fixed point.
    assert find_cycles([0.7, 0.8], [[0.0, 0.3], [0.2, 0.0]], [0.3, -0.2], n_nonlinear=0, max_order=1) == []


def test_a_continuum_is_real_exactly_where_a_point_of_it_lies_in_its_regime():
    # A memory unit read by three ReLU units: each regime's line of fixed points, against a search
    # along the line.
    rng = np.random.RandomState(0)
    n_real = 0
    for _ in range(5):
        M, P = 6, 3
        a = np.r_[1.0, rng.uniform(0.2, 0.8, M - 1)]
        W, h = rng.normal(scale=0.3, size=(M, M)), rng.normal(scale=0.3, size=M)
        W[0], h[0] = 0.0, 0.0
        for code in range(2**P):
            fp = fixed_point(a, W, h, code, n_nonlinear=P)
            bits = np.array([int(bit) for bit in fp.bits], dtype=bool)
            line = fp.point + np.linspace(-200, 200, 40001)[:, None] * fp.continuum[:, 0]
            assert fp.real == np.any(np.all((line[:, M - P:] > 0) == bits, axis=1))
            if fp.real:
                n_real += 1
                assert np.array_equal(fp.point[M - P:] > 0, bits)
                np.testing.assert_allclose(_step_of(a, W, h, fp.point, P), fp.point, atol=1e-9)
    assert 5 < n_real < 35  # real and virtual continua both occur (22 of 40)


def test_the_point_kept_on_a_line_is_the_linear_programs_answer():
    # On a line of fixed points (one direction) the two linear programs of _inside_regime have a
    # closed form; against scipy's solver on random lines, with bounded, capped and empty margins.
    from scipy.optimize import linprog

    from sklearn_alrnn._regime_maps import _nearest_inside_on_a_line

    rng = np.random.RandomState(0)
    outcomes = set()
    for _ in range(300):
        n = rng.randint(1, 6)
        slopes = rng.normal(size=n) * 10.0 ** rng.uniform(-3, 3, size=n)
        offsets = rng.normal(size=n) * rng.choice([0.1, 1.0, 10.0])
        if rng.rand() < 0.2:
            slopes = np.abs(slopes)  # all rising: the margin is capped at 1
        margin = linprog([0.0, -1.0], A_ub=np.c_[-slopes, np.ones(n)], b_ub=offsets,
                         bounds=[(None, None), (None, 1.0)], method="highs")
        c = _nearest_inside_on_a_line(slopes, offsets)
        if -margin.fun <= 1e-9:
            assert c is None
            outcomes.add("none")
            continue
        nearest = linprog([0.0, 1.0], A_ub=np.r_[[[1.0, -1.0], [-1.0, -1.0]], np.c_[-slopes, np.zeros(n)]],
                          b_ub=np.r_[0.0, 0.0, offsets + margin.fun / 2], bounds=[(None, None)] * 2, method="highs")
        assert c == pytest.approx(nearest.x[0], rel=1e-6, abs=1e-9)
        assert np.all(slopes * c + offsets >= -margin.fun / 2 * (1 - 1e-9))  # strictly inside
        outcomes.add("zero" if c == 0 else "moved")
    assert outcomes == {"none", "zero", "moved"}


def test_parameters_from_elsewhere_are_checked_by_name_before_any_analysis():
    # Raw parameters are how models trained outside this package arrive; a wrong one
    # must be named, never broadcast into a wrong answer or a NumPy error.
    z0 = np.zeros(3)
    wrong_shape = "Expected a of shape \\(M,\\), W of shape \\(M, M\\) and h of shape \\(M,\\); got a \\(3,\\), W \\(3, 2\\)"
    for call in (
        lambda: fixed_point(A, W[:, :2], H, 0, 2),
        lambda: find_cycles(A, W[:, :2], H, n_nonlinear=2),
        lambda: iterate_map(A, W[:, :2], H, z0, 3, n_nonlinear=2),
        lambda: regime_jacobian(A, W[:, :2], 0, 2),
    ):
        with pytest.raises(ValueError, match=wrong_shape):
            call()
    with pytest.raises(ValueError, match="n_nonlinear must be between 0 and 3 \\(the number of units\\); got 4"):
        fixed_point(A, W, H, 0, 4)
    with pytest.raises(ValueError, match="n_nonlinear must be an integer >= 0; got 1.5"):
        find_cycles(A, W, H, n_nonlinear=1.5)
    # A whole number stored as a float or a 0-d array (as other software writes P) is P.
    assert fixed_point(A, W, H, 0, np.float64(2.0)).bits == fixed_point(A, W, H, 0, np.array(2)).bits == "00"
    with pytest.raises(ValueError, match="Parameter W contains NaN"):
        find_cycles(A, np.where(np.eye(3) > 0, np.nan, W), H, n_nonlinear=2)
    with pytest.raises(ValueError, match="Expected C of shape \\(3, n_features\\); got \\(2, 1\\)"):
        iterate_map(A, W, H, z0, n_nonlinear=2, C=C[:2], inputs=np.ones((5, 1)))
    with pytest.raises(ValueError, match="inputs must have shape \\(n_steps, 1\\)"):
        iterate_map(A, W, H, z0, n_nonlinear=2, C=C, inputs=np.ones((5, 1, 1)))
    with pytest.raises(ValueError, match="constant_input has 3 features; the input matrix C has 1 columns"):
        fixed_point(A, W, H, 0, 2, C=C, constant_input=np.ones(3))
    with pytest.raises(ValueError, match="constant_input has 1 features; the input matrix C has 0 columns"):
        fixed_point(A, W, H, 0, 2, constant_input=[1.0])
    with pytest.raises(ValueError, match="max_order must be an integer >= 1; got 0"):
        find_cycles(A, W, H, n_nonlinear=2, max_order=0)
    with pytest.raises(ValueError, match="n_steps must be an integer >= 0; got -3"):
        iterate_map(A, W, H, z0, -3, n_nonlinear=2)
    with pytest.raises(ValueError, match="z0 contains NaN"):
        iterate_map(A, W, H, np.full(3, np.nan), 3, n_nonlinear=2)
    with pytest.raises(ValueError, match="A regime code is an integer; got '01'"):
        fixed_point(A, W, H, "01", 2)
    with pytest.raises(ValueError, match="regime Jacobians diag\\(a\\) \\+ W D overflow"):
        fixed_point(np.full(3, 1e308), np.full((3, 3), 1e308), H, 0, 2)
    with pytest.raises(ValueError, match="finite eigenvalues"):
        classify_stability(np.array([0.5, np.nan]))
    # Complex parameters, states or inputs lost their imaginary parts to a float cast, with only
    # NumPy's ComplexWarning; ragged nesting was NumPy's message.
    for call, name in (
        (lambda: fixed_point(A + 0.1j, W, H, 0, 2), "a"),
        (lambda: find_cycles(A, W, H, n_nonlinear=2, C=C * 1j, constant_input=[1.0]), "C"),
        (lambda: iterate_map(A, W, H, z0 + 1j, 3, n_nonlinear=2), "z0"),
        (lambda: iterate_map(A, W, H, z0, n_nonlinear=2, C=C, inputs=np.ones((5, 1)) * 1j), "inputs"),
        (lambda: fixed_point(A, W, H, 0, 2, C=C, constant_input=[1j]), "constant_input"),
    ):
        with pytest.raises(ValueError, match=f"^{name} must hold real numbers \\(complex, with imaginary parts up to"):
            call()
    with pytest.raises(ValueError, match=r"^W must hold real numbers \(.*inhomogeneous"):
        fixed_point(A, [[0.0, 1.0], [1.0]], H, 0, 2)


def test_a_full_matrix_a_folds_its_linear_units_columns_into_w():
    # z' = A z + W phi(z) + h with A full in the linear unit's column (unit 0 of the hand-built map, whose
    # last two units are ReLU): phi(z)_0 = z_0, so that column is W's; the map run by hand is the same.
    A_full = np.diag(A)
    A_full[1:, 0] = [0.3, -0.2]
    z, expected = np.array([1.0, -0.5, 0.8]), []
    for _ in range(6):
        z = A_full @ z + W @ phi(z, 2) + H
        expected.append(z)
    states, _ = iterate_map(A_full, W, H, [1.0, -0.5, 0.8], 6, n_nonlinear=2)
    np.testing.assert_allclose(states, expected, rtol=1e-14)
    a, W_folded, *_ = check_parameters(A_full, W, H, 2)
    np.testing.assert_array_equal(a, A)
    np.testing.assert_allclose(W_folded[:, 0], W[:, 0] + [0.0, 0.3, -0.2])
    point = fixed_point(A_full, W, H, 3, 2)
    np.testing.assert_allclose(A_full @ point.point + W @ phi(point.point, 2) + H, point.point, atol=1e-12)
    A_full[0, 2] = 0.1  # a ReLU unit's column: A reads the unit, W its positive part
    with pytest.raises(ValueError, match=r"off-diagonal entries lie in the columns of the 1 linear units \(the first "
                                         r"M - P\), which fold into W; got a matrix with off-diagonal entries in the "
                                         r"columns of the ReLU units \(the last 2\)"):
        check_parameters(A_full, W, H, 2)


def test_parameters_from_elsewhere_in_other_forms_give_the_same_analysis():
    # A stored as a diagonal matrix, lists, float32 and a column-vector bias: the answers
    # of the float64 vectors, to float32's precision.
    reference = fixed_point(A, W, H, 3, 2, C=C, constant_input=[0.5])
    variants = [
        (np.diag(A), W, H),
        (A.tolist(), W.tolist(), H.tolist()),
        (A.astype(np.float32), W.astype(np.float32), H.astype(np.float32)),
        (A, W, H[:, None]),
    ]
    for a, w, h in variants:
        point = fixed_point(a, w, h, 3, 2, C=C, constant_input=[0.5])
        np.testing.assert_allclose(point.point, reference.point, rtol=1e-5, atol=1e-6)
        assert point.real == reference.real and point.stability == reference.stability
    with pytest.raises(ValueError, match="off-diagonal entries"):
        fixed_point(np.diag(A) + 0.1, W, H, 0, 2)
    states, codes = iterate_map(np.diag(A), W, H, np.ones(3), 6, n_nonlinear=2)
    expected, _ = iterate_map(A, W, H, np.ones(3), 6, n_nonlinear=2)
    np.testing.assert_array_equal(states, expected)


def test_regime_usage_counts_what_the_codes_hold():
    # Sequence 0 visits 0, then 1, loses its regime for a step (-1) and comes back to 1; sequence 1
    # goes from 1 to 0. A list of any lengths, as the codes of sequences of different lengths.
    codes = [np.array([0, 0, 1, -1, 1, 1]), np.array([1, 0])]
    usage = regime_usage(codes, n_nonlinear=1)
    assert usage.regimes.tolist() == [1, 0]  # 4 steps in regime 1, 3 in regime 0
    np.testing.assert_allclose(usage.occupancy, [4 / 7, 3 / 7])
    np.testing.assert_allclose(usage.coverage, [4 / 7, 1.0])
    np.testing.assert_allclose(usage.on_fraction, [4 / 7])
    # Pairs of consecutive steps with a regime: (0,0) (0,1) (1,1) in sequence 0, (1,0) in sequence 1.
    np.testing.assert_allclose(usage.switch_rate, [2 / 4])
    assert usage.crossings_per_step == pytest.approx(0.5)
    # Visits 0, 1 | 1 and 1, 0: diagonal 2 visits of 0 and 3 of 1, passages 0 -> 1 and 1 -> 0 (none
    # across the step without a regime), over 7 in all.
    np.testing.assert_allclose(usage.visit_graph, np.array([[3, 1], [1, 2]]) / 7)
    # Several units: each unit's bit, first unit most significant, against the bit strings.
    codes = np.random.RandomState(0).randint(0, 8, size=(4, 30))
    usage = regime_usage(codes, n_nonlinear=3)
    bits = np.array([[list(code_to_bits(c, 3)) for c in row] for row in codes]) == "1"
    np.testing.assert_allclose(usage.on_fraction, bits.mean(axis=(0, 1)))
    np.testing.assert_allclose(usage.switch_rate, (bits[:, 1:] != bits[:, :-1]).mean(axis=(0, 1)))


def test_regime_usage_of_a_decomposers_codes_agrees_with_the_hidden_states(fitted_memory_classifier,
                                                                            sign_memory_data, monkeypatch):
    from sklearn_alrnn import _regime_counts

    X = sign_memory_data[0][1200:1300]
    decomposer = RegimeDecomposer(fitted_memory_classifier, prefit=True).fit(X)
    usage = regime_usage(decomposer.transform(X), decomposer.n_nonlinear_)
    np.testing.assert_array_equal(usage.regimes, decomposer.regimes_)
    np.testing.assert_allclose(usage.occupancy, decomposer.occupancy_)
    on = fitted_memory_classifier.hidden_states(X)[..., -2:] > 0
    np.testing.assert_allclose(usage.on_fraction, on.mean(axis=(0, 1)))
    np.testing.assert_allclose(usage.switch_rate, (on[:, 1:] != on[:, :-1]).mean(axis=(0, 1)))
    monkeypatch.setattr(_regime_counts, "MAX_DENSE_TRANSITION_REGIMES", 1)  # sparse from 2 regimes on
    sparse_graph = regime_usage(decomposer.transform(X), 2).visit_graph
    assert hasattr(sparse_graph, "toarray")
    np.testing.assert_allclose(sparse_graph.toarray(), usage.visit_graph)
    assert usage.visit_graph.sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    "codes, n_nonlinear, message",
    [
        ([0, 4], 2, r"lie in \[0, 4\), -1 for no regime; got 4"),
        ([0, -2], 2, "got -2"),
        ([0.5, 1.0], 2, "whole numbers"),
        ([True, False], 1, "whole numbers"),
        (np.zeros((0, 3)), 1, "whole numbers"),
        ([-1, -1], 1, "no step with a regime"),
        ([0, 1], 64, "at most 63 ReLU units"),
        ([0, 1], -1, "n_nonlinear"),
        ([0, 1], 1.5, r"n_nonlinear must be an integer >= 0; got 1.5"),
    ],
)
def test_regime_usage_names_bad_codes(codes, n_nonlinear, message):
    with pytest.raises(ValueError, match=message):
        regime_usage(codes, n_nonlinear)
