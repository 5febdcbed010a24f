"""The functional analysis layer (``sklearn_alrnn.analysis``) on maps with known answers."""

import numpy as np
import pytest

from sklearn_alrnn.analysis import (
    bits_to_code,
    classify_stability,
    code_to_bits,
    find_cycles,
    fixed_point,
    iterate_map,
    regime_jacobian,
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
