"""``analysis.find_attractors``: where runs of the map settle, on maps whose attractors are known."""

import pathlib

import numpy as np
import pytest

from sklearn_alrnn import ALRNNRegressor, RegimeDecomposer, datasets
from sklearn_alrnn._forecaster_report import attractor_text
from sklearn_alrnn.analysis import find_attractors, iterate_map

from .conftest import HAND_BUILT_A as A
from .conftest import HAND_BUILT_C as C
from .conftest import HAND_BUILT_H as H
from .conftest import HAND_BUILT_W as W
from .conftest import hand_built_step, lozi_map

#: Slopes and kinks of a 1-D map holding two chaotic tent maps of slope 1.9, one on [-1.5, -0.5] and one
#: on [0.5, 1.5], joined by a line of slope 2 (an unstable fixed point at 0.5 between them).
TWO_TENTS_SLOPE, TWO_TENTS_KINKS, TWO_TENTS_TURNS = 1.9, np.array([-1.0, -0.5, 0.5, 1.0]), [-3.8, 3.9, -0.1, -3.8]


def two_tents():
    """The map ``x -> 1.9 x + 1.35 + sum_j turn_j max(x - kink_j, 0)`` as an AL-RNN: unit 0 holds x, the
    ReLU unit j holds x - kink_j (every unit reads the same row of W, offset by its own bias)."""
    row = np.array([TWO_TENTS_SLOPE, *TWO_TENTS_TURNS])
    return np.zeros(5), np.tile(row, (5, 1)), 1.35 - np.concatenate([[0.0], TWO_TENTS_KINKS]), 4


def states_of(x):
    return np.column_stack([x, x[:, None] - TWO_TENTS_KINKS])


def test_two_chaotic_attractors_side_by_side_are_told_apart():
    a, W2, h, P = two_tents()
    x = np.array([-1.4, -1.0, -0.6, 0.6, 1.0, 1.4, -2.0, -1.6])  # below -1.5 (an unstable fixed point) they escape
    found = find_attractors(a, W2, h, states_of(x), n_nonlinear=P)
    assert [f.kind for f in found.attractors] == ["aperiodic", "aperiodic"]
    left, right = found.labels[0], found.labels[3]
    np.testing.assert_array_equal(found.labels, [left] * 3 + [right] * 3 + [-1, -1])
    assert left != right and found.fraction_without_attractor == 0.25
    for label, low, high in ((left, -1.5, -0.55), (right, 0.5, 1.45)):
        attractor = found.attractors[label]
        assert attractor.period == 0 and attractor.eigenvalues is None and attractor.basin_fraction == 3 / 8
        # its states: x inside the tent's band, the ReLU units x - kink exactly, the regimes of both slopes
        assert low - 1e-9 <= attractor.points[:, 0].min() and attractor.points[:, 0].max() <= high + 1e-9
        np.testing.assert_allclose(attractor.points[:, 1:], attractor.points[:, :1] - TWO_TENTS_KINKS, atol=1e-12)
        assert len(attractor.codes) == 2 and attractor.points[:, 0].std() > 0.1
        assert repr(attractor) == ("Attractor(kind='aperiodic', period=0, regimes=2, points=2000, stability=None, "
                                   "basin_fraction=0.375)")
    assert repr(found) == "Attractors([aperiodic 38%, aperiodic 38%], without attractor 25%)"
    table = found.summary()
    assert list(table["kind"]) == ["aperiodic"] * 2 and list(table["period"]) == [0, 0]
    assert list(table["regimes"]) == [2, 2] and np.isnan(table["largest_multiplier"]).all()
    np.testing.assert_array_equal(table["basin_fraction"], [0.375, 0.375])
    # the tents' slopes are +-1.9 at every step: each attractor's exponent is log 1.9 exactly
    np.testing.assert_allclose(table["lyapunov_exponent"], np.log(TWO_TENTS_SLOPE), rtol=1e-12)


def test_starts_taken_a_block_at_a_time_give_what_all_at_once_give(monkeypatch):
    from sklearn_alrnn import _attractors

    a, W2, h, P = two_tents()
    starts = states_of(np.random.default_rng(0).uniform(-1.7, 1.6, size=40))
    whole = find_attractors(a, W2, h, starts, n_nonlinear=P)
    monkeypatch.setattr(_attractors, "BLOCK_BYTES", 3 * 2000 * 5 * 8)  # three starts a block
    blocks = find_attractors(a, W2, h, starts, n_nonlinear=P)
    np.testing.assert_array_equal(blocks.labels, whole.labels)
    assert len(whole.attractors) == 2 and 0 < whole.fraction_without_attractor < 0.5
    for one, other in zip(whole.attractors, blocks.attractors):
        assert (one.kind, one.codes, one.basin_fraction) == (other.kind, other.codes, other.basin_fraction)
        np.testing.assert_array_equal(one.points, other.points)


def test_a_run_lingering_on_part_of_an_aperiodic_attractor_joins_it():
    # A weakly chaotic reconstruction (Roessler's, fitted with the defaults) has runs that linger for
    # thousands of steps by an unstable cycle inside its attractor: their tails cover a part of it. They
    # join the attractor whichever run came first; a set as far away as it is wide does not.
    from sklearn_alrnn._attractors import NO_ATTRACTOR, _aperiodic_fate

    rng = np.random.default_rng(0)
    whole = np.column_stack([rng.uniform(-1, 1, 2000), np.zeros(2000)])  # the attractor, (x, 0) states
    part = whole[np.abs(whole[:, 0] - 0.5) < 0.2]  # a run that lingers on a part of it
    apart = whole + [3.0, 0.0]
    for first, then in ((whole, part), (part, whole)):
        aperiodic = []
        first_key, _ = _aperiodic_fate(first, 1, aperiodic, 0.1)
        assert _aperiodic_fate(then, 1, aperiodic, 0.1)[0] == first_key and len(aperiodic) == 1
        assert _aperiodic_fate(apart, 1, aperiodic, 0.1)[0] != first_key and len(aperiodic) == 2
    growing = whole * np.geomspace(1, 1e4, 2000)[:, None]
    assert _aperiodic_fate(growing, 1, [], 0.1) is NO_ATTRACTOR


def test_the_smallest_period_of_each_runs_regimes_is_found_as_the_definition_reads():
    # row[k:] == row[:-k] for the smallest k <= max_period, 0 where none: against that definition on
    # random rows with periods planted in most of them (and the -1 of states that left the range).
    from sklearn_alrnn._attractors import smallest_periods

    rng = np.random.default_rng(0)
    for _ in range(500):
        length = int(rng.integers(2, 60))
        codes = rng.integers(-1, int(rng.integers(1, 4)), (int(rng.integers(1, 8)), length))
        for row in codes:
            if rng.random() < 0.6:
                row[:] = np.resize(row[: rng.integers(1, length + 1)], length)
        max_period = int(rng.integers(1, length))
        expected = [next((k for k in range(1, max_period + 1) if np.array_equal(row[k:], row[:-k])), 0)
                    for row in codes]
        np.testing.assert_array_equal(smallest_periods(codes, max_period), expected)


def test_runs_that_keep_one_regime_for_thousands_of_steps_on_a_chaotic_attractor_join_it():
    # Intermittency: x -> (1 + eps) x + delta below c creeps away from an unstable fixed point for
    # about 3,600 steps, then a steep fall above c throws it back near 0 (chaos; every run stays in
    # [0, 0.5002]). A run in the slow regime over both tails was said to reach no attractor (30 of 40).
    eps, delta, c = 0.0002, 1e-5, 0.5
    a, W, h = [0.0, 0.0], [[1 + eps, -4500.0], [1 + eps, -4500.0]], [delta, delta - c]  # units x, x - c
    x = np.linspace(0.01, 0.49, 40)
    found = find_attractors(a, W, h, np.column_stack([x, x - c]), n_nonlinear=1)
    (attractor,) = found.attractors
    assert attractor.kind == "aperiodic" and attractor.codes == (0, 1) and attractor.basin_fraction >= 0.9
    assert 0 <= attractor.points[:, 0].min() and attractor.points[:, 0].max() < 0.5002


def test_a_reconstruction_with_one_relu_unit_has_one_attractor_for_all_its_runs():
    # ALRNNForecaster(n_nonlinear=1, max_iter=300, random_state=0) fitted on
    # make_roessler(1, 20_000, random_state=0): its a, W, h and a state of its free run. With two regimes
    # its weakly chaotic runs repeat them for thousands of steps at a time: 4% of 200 runs from its
    # own attractor were said to reach none (and 1% of 200 held-out states a second attractor).
    fitted = np.load(pathlib.Path(__file__).parent / "data" / "roessler_one_relu_map.npz")
    a, W, h, P = fitted["a"], fitted["W"], fitted["h"], int(fitted["n_nonlinear"])
    states, _ = iterate_map(a, W, h, fitted["start"], 20_000, n_nonlinear=P)
    found = find_attractors(a, W, h, states[::100], n_nonlinear=P)
    (attractor,) = found.attractors
    assert attractor.kind == "aperiodic" and attractor.codes == (0, 1) and found.fraction_without_attractor == 0


def test_the_lozi_attractor_is_one_aperiodic_attractor_whose_far_starts_escape():
    model = lozi_map()
    starts = np.array([[0.0, x, -x] for x in (0.1, -0.3, 0.5, 0.0)] + [[0.0, 5.0, -5.0], [3.0, -4.0, 4.0]])
    found = find_attractors(model.a_, model.W_, model.h_, starts, n_nonlinear=2)
    np.testing.assert_array_equal(found.labels, [0, 0, 0, 0, -1, -1])
    (attractor,) = found.attractors
    assert attractor.kind == "aperiodic" and attractor.basin_fraction == 4 / 6
    # the Lozi attractor: |x| <= 1.4 or so, and the units read (y, x, -x)
    assert 1.0 < np.abs(attractor.points[:, 1]).max() < 1.5
    np.testing.assert_allclose(attractor.points[:, 2], -attractor.points[:, 1])
    assert attractor.lyapunov_exponent == pytest.approx(0.4702, abs=0.03)  # Sprott's, over 2,000 steps
    assert attractor_text(attractor).startswith("aperiodic 67% (largest Lyapunov exponent 0.4")  # as the CLI says


def test_a_stable_cycle_and_a_slowly_reached_fixed_point_are_given_exactly():
    # z -> 0.5 z - 2 max(z, 0) + 1.25: a stable 2-cycle (-5/14, 15/14) around an unstable fixed point 0.5
    found = find_attractors([0.5], [[-2.0]], [1.25], np.array([[-3.0], [0.0], [5.0], [0.5]]), n_nonlinear=1)
    np.testing.assert_array_equal(found.labels, [0, 0, 0, 1])
    cycle, resting = found.attractors
    assert cycle.kind == "cycle" and cycle.period == 2 and cycle.codes == (0, 1)
    np.testing.assert_allclose(cycle.points.ravel(), [-5 / 14, 15 / 14])
    assert cycle.stability == "stable node" and np.isclose(cycle.eigenvalues[0], 0.5 * -1.5)
    table = found.summary()
    assert list(table["kind"]) == ["cycle", "fixed point"] and list(table["period"]) == [2, 1]
    np.testing.assert_allclose(table["largest_multiplier"], [0.75, 1.5])
    np.testing.assert_allclose(table["lyapunov_exponent"], [np.log(0.75) / 2, np.log(1.5)])  # per step
    # a start exactly on the unstable fixed point rests there, and is said to be unstable
    assert resting.kind == "fixed point" and resting.stability == "unstable node" and resting.basin_fraction == 0.25
    assert resting.points.tolist() == [[0.5]]
    # a = 0.9999: after 5,000 steps a run is still 0.6 of its start's distance away; the point is exact
    slow = find_attractors([0.9999], [[0.0]], [0.01], np.array([[-50.0], [250.0]]), n_nonlinear=0)
    (fixed,) = slow.attractors
    assert fixed.kind == "fixed point" and fixed.points[0, 0] == pytest.approx(100.0, rel=1e-12)
    last = iterate_map([0.9999], [[0.0]], [0.01], [-50.0], 5000, n_nonlinear=0)[0][-1, 0]
    assert abs(last - 100.0) > 50.0


def test_a_cycle_of_hundreds_of_steps_is_found_exactly():
    # A delay line of k = 100 units feeding the 2-cycle map x -> 0.5 x - 2 max(x, 0) + 1.25 back into its
    # first unit: each of the k interleaved sequences settles on the 2-cycle in its own phase, so the
    # network cycles with period 2k (a sampled flow's cycles are as long).
    k = 100
    W_delay = np.zeros((k + 1, k + 1))
    W_delay[np.arange(1, k), np.arange(k - 1)] = 1.0
    W_delay[k, k - 2] = 1.0  # the ReLU unit holds what unit k - 1 holds
    W_delay[0, k - 1], W_delay[0, k] = 0.5, -2.0
    h = np.zeros(k + 1)
    h[0] = 1.25
    x = np.random.default_rng(0).uniform(-1, 1, k)
    found = find_attractors(np.zeros(k + 1), W_delay, h, np.append(x, x[-1]), n_nonlinear=1)
    (cycle,) = found.attractors
    assert cycle.kind == "cycle" and cycle.period == 2 * k and cycle.stability == "stable node"
    step = lambda z: W_delay @ np.append(z[:-1], max(z[-1], 0.0)) + h  # noqa: E731
    np.testing.assert_allclose([step(point) for point in cycle.points], np.roll(cycle.points, -1, axis=0), atol=1e-12)
    np.testing.assert_allclose(np.sort(np.unique(cycle.points[:, 0].round(12))), [-5 / 14, 15 / 14])
    assert find_attractors(np.zeros(k + 1), W_delay, h, np.append(x, x[-1]), n_nonlinear=1,
                           max_period=k).attractors[0].kind == "aperiodic"  # a period beyond max_period


def test_a_line_attractor_keeps_where_each_run_rests_and_a_drift_along_it_runs_away():
    starts = np.array([[-2.0, 0.0], [1.0, 3.0], [4.0, -1.0]])
    a, W_line = [1.0, 0.5], [[0.0, 0.0], [0.0, 0.0]]  # unit 0 integrates nothing; unit 1 decays to 0
    found = find_attractors(a, W_line, [0.0, 0.0], starts, n_nonlinear=0)
    (line,) = found.attractors
    assert line.kind == "continuum" and line.stability == "marginally stable" and line.period == 1
    np.testing.assert_allclose(line.points, [[-2.0, 0.0], [1.0, 0.0], [4.0, 0.0]], atol=1e-12)
    drifting = find_attractors(a, W_line, [0.01, 0.0], starts, n_nonlinear=0)
    assert drifting.attractors == [] and drifting.fraction_without_attractor == 1.0
    # growing 1.0005-fold a step: 2.7-fold over a tail, but in one regime without a stable fixed point
    for rate in (1.0005, 1.01):
        growing = find_attractors([rate], [[0.0]], [0.0], np.array([[1.0], [-1e-3]]), n_nonlinear=0)
        np.testing.assert_array_equal(growing.labels, [-1, -1])
    overflowing = find_attractors([3.0], [[0.0]], [0.0], np.array([[1.0]]), n_nonlinear=0)
    np.testing.assert_array_equal(overflowing.labels, [-1])


def test_fixed_points_under_a_constant_input_are_fixed_by_the_map_written_out_by_hand():
    rng = np.random.default_rng(0)
    for s in (-2.0, 0.0, 1.5):
        found = find_attractors(A, W, H, rng.normal(scale=3, size=(20, 3)), n_nonlinear=2, C=C, constant_input=[s])
        assert found.attractors and found.fraction_without_attractor == 0
        for attractor in found.attractors:
            assert attractor.kind in ("fixed point", "cycle")
            for i, point in enumerate(attractor.points):
                np.testing.assert_allclose(hand_built_step(point, s), attractor.points[(i + 1) % attractor.period],
                                           atol=1e-12)
        assert sum(f.basin_fraction for f in found.attractors) == pytest.approx(1.0)


def test_a_trained_flip_flop_rests_on_one_stable_fixed_point_per_pattern():
    # Sussillo & Barak (2013): a network trained on the 3-bit flip-flop holds each of the 8 patterns in a
    # stable fixed point of the input-free map (examples/flipflop_fixed_points.py); started from states
    # it visits on data, its runs settle on exactly those points, and each reads out its pattern.
    X, y = datasets.make_flipflop(800, 100, n_bits=3, random_state=0)
    model = ALRNNRegressor(n_hidden=24, n_nonlinear=8, random_state=0).fit(X[:600], y[:600])
    states = model.hidden_states(X[600:620]).reshape(-1, model.a_.shape[0])
    found = find_attractors(model.a_, model.W_, model.h_, states, n_nonlinear=model.n_nonlinear_)
    assert [f.kind for f in found.attractors] == ["fixed point"] * 8 and found.fraction_without_attractor == 0
    assert all(np.abs(f.eigenvalues).max() < 1 for f in found.attractors)
    readouts = np.array([f.points[0] @ model.B_.T + model.b_ for f in found.attractors])
    patterns = {tuple(np.sign(r).astype(int)) for r in readouts}
    assert len(patterns) == 8 and np.all(np.abs(readouts) > 0.5)
    # a state on data goes to the pattern it holds (the readout's signs where it starts, where it reads out
    # one clearly): all but a few of them (the fit's held-out R^2 is 0.94)
    where_it_starts = states @ model.B_.T + model.b_
    held = np.abs(where_it_starts).min(axis=1) > 0.8
    agree = np.all(np.sign(readouts[found.labels][held]) == np.sign(where_it_starts[held]), axis=1)
    assert held.sum() > 500 and agree.mean() > 0.97


def test_a_decomposer_reads_a_constant_input_in_the_networks_features(fitted_linear_regressor, linear_recurrence_data):
    # The regressor reads its 3 inputs and their differences (6 columns of C): a constant input held for
    # 3,000 steps from rest takes the network where the decomposer's attractor for that input is.
    model, s = fitted_linear_regressor, np.array([1.5, -0.5, 2.0])
    assert model.C_.shape[1] == 6
    held = model.hidden_states(np.tile(s, (1, 3000, 1)))[0]
    decomposer = RegimeDecomposer(model, prefit=True, constant_input=s).fit(linear_recurrence_data[0][:3])
    found = decomposer.find_attractors(np.zeros((1, model.a_.shape[0])))
    (attractor,) = found.attractors
    assert attractor.kind == "fixed point" and np.allclose(held[-1], held[-2], atol=1e-12)
    np.testing.assert_allclose(attractor.points[0], held[-1], atol=1e-9)
    # the argument overrides the parameter
    at_zero = decomposer.find_attractors(np.zeros((1, model.a_.shape[0])), constant_input=np.zeros(3))
    resting = model.hidden_states(np.zeros((1, 3000, 3)))[0, -1]
    np.testing.assert_allclose(at_zero.attractors[0].points[0], resting, atol=1e-9)
    assert not np.allclose(resting, held[-1], atol=1e-3)
    # from_parameters: the same as the analysis function's
    raw = RegimeDecomposer.from_parameters(A, W, H, C, n_nonlinear=2, constant_input=[0.5])
    starts = np.random.default_rng(1).normal(size=(30, 3))
    one, other = raw.find_attractors(starts), find_attractors(A, W, H, starts, n_nonlinear=2, C=C, constant_input=[0.5])
    np.testing.assert_array_equal(one.labels, other.labels)
    assert [f.points.tolist() for f in one.attractors] == [f.points.tolist() for f in other.attractors]


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(starts=np.zeros((4, 2))), r"starts must be states of the map's 3 units, of shape \(n_starts, 3\); got "
                                        r"shape \(4, 2\)"),
        (dict(starts=np.zeros((0, 3))), r"got shape \(0, 3\)"),
        (dict(starts=np.zeros((5, 4, 3))), r"got shape \(5, 4, 3\): the hidden states of sequences are one start per "
                                           r"step, starts.reshape\(-1, 3\)"),
        (dict(starts=[[0.0, 0.0, 1.0], [0.0, np.nan, 1.0]]), r"starts contain NaN or infinity \(in 1 of 2 rows, the "
                                                             r"first row 1\); .* starts\[np.isfinite\(starts\)"),
        (dict(n_tail=600, n_steps=500), "n_tail=600 exceeds n_steps=500: the tail is the last part of each run"),
        (dict(max_period=100, n_tail=300), r"max_period=100 needs a tail of at least 400 steps; got n_tail=300"),
        (dict(max_period=0), "max_period must be an integer >= 1; got 0"),
        (dict(n_tail=3), "n_tail must be at least 4 steps; got 3"),
        (dict(tolerance=0.0), "tolerance must be a positive number; got 0.0"),
        (dict(tolerance=True), "tolerance must be a positive number; got True"),
        (dict(n_steps=0), "n_steps must be an integer >= 1; got 0"),
        (dict(constant_input=[1.0, 2.0]), "constant_input has 2 features; the input matrix C has 1 columns"),
    ],
)
def test_bad_requests_are_named(change, message):
    request = dict(starts=np.zeros((1000, 3)), n_nonlinear=2, C=C) | change
    with pytest.raises(ValueError, match=message):
        find_attractors(A, W, H, **request)


def test_basins_on_a_grid_are_drawn_in_the_attractors_colours(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sklearn_alrnn.plotting import plot_basins

    # the switch x -> 2 max(x, 0) - 2 max(x - 1, 0) - 0.5 beside a decaying unit: basins split at x = 0.5
    a, W_switch, h = [0.5, 0.0, 0.0], [[0, 0, 0], [0, 2.0, -2.0], [0, 2.0, -2.0]], [0.0, -0.5, -1.5]
    x, y = np.linspace(-1, 2, 31), np.linspace(-1, 1, 11)
    grid_x, grid_y = (grid.ravel() for grid in np.meshgrid(x, y))
    found = find_attractors(a, W_switch, h, np.column_stack([grid_y, grid_x, grid_x - 1]), n_nonlinear=2)
    np.testing.assert_array_equal(found.labels.reshape(11, 31)[:, x < 0.5], 0)
    np.testing.assert_array_equal(found.labels.reshape(11, 31)[:, x > 0.5], 1)
    ax = plot_basins(found, x, y)
    assert [text.get_text() for text in ax.get_legend().get_texts()][:2] == ["fixed point, period 1 (48%)",
                                                                           "fixed point, period 1 (48%)"]
    ax.figure.savefig(tmp_path / "basins.png")
    plt.close(ax.figure)
    image = plt.imread(tmp_path / "basins.png")[..., :3]
    row = image[image.shape[0] // 2]
    coloured = row[np.abs(row - 1).sum(axis=1) > 0.3]  # the grid's pixels, not the white margin
    assert len(np.unique(coloured.round(2), axis=0)) >= 2
    with pytest.raises(ValueError, match=r"The 341 starts do not fill a grid of 11 x 30 \(y by x\) points"):
        plot_basins(found, x[:30], y)
    with pytest.raises(TypeError, match="plot_basins draws what find_attractors returns; got list"):
        plot_basins(found.attractors, x, y)
