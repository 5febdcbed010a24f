"""Resource bounds (issue 15, item 5): long sequences, inputs too large to copy, oversized requests.

Figures for larger sizes come from ``benchmarks/bench_resources.py``; tests never time.
"""

import tracemalloc
import warnings

import numpy as np
import pytest

from sklearn_alrnn import ALRNNClassifier, ALRNNForecaster, ALRNNRegressor, _base


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 12, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = ALRNNClassifier(n_hidden=5, n_nonlinear=2, max_iter=3, random_state=0).fit(X, np.arange(40) % 3)
        per_step = ALRNNRegressor(n_hidden=5, n_nonlinear=2, max_iter=3, random_state=0).fit(X, X[..., :1].cumsum(1))
    return clf, per_step


def _ragged(rng, n=23):
    return [rng.normal(size=(rng.randint(1, 15), 2)) for _ in range(n)]


def test_predicting_in_blocks_gives_the_answers_of_one_block(fitted, monkeypatch):
    """With blocks of one or a few sequences, every answer equals the unblocked one: 3-D arrays,
    NaN padding and ragged lists (whose blocks are padded to different lengths)."""
    clf, per_step = fitted
    rng = np.random.RandomState(1)
    padded = rng.normal(size=(17, 14, 2))
    padded[3, 9:] = np.nan
    inputs = [rng.normal(size=(19, 11, 2)), padded, _ragged(rng)]
    calls = [
        clf.predict, clf.predict_proba, clf.transform, clf.hidden_states, per_step.predict, per_step.transform,
        per_step.hidden_states, lambda X: clf.score(X, np.arange(len(X)) % 3),
    ]
    whole = [[call(X) for call in calls] for X in inputs]
    for block_bytes in (1, 200):  # one sequence per block; a few
        monkeypatch.setattr(_base, "PREDICT_BLOCK_BYTES", block_bytes)
        for X, expected in zip(inputs, whole):
            for call, answer in zip(calls, expected):
                np.testing.assert_allclose(call(X), answer, rtol=1e-12, atol=1e-12)


def test_a_bad_sequence_in_a_later_block_is_named_by_its_index_in_x(fitted, monkeypatch):
    clf, _ = fitted
    monkeypatch.setattr(_base, "PREDICT_BLOCK_BYTES", 1)
    X = np.random.RandomState(2).normal(size=(9, 6, 2))
    X[7, 4, 1] = np.inf
    with pytest.raises(ValueError, match=r"infinity \(first at sequence 7, time step 4\)"):
        clf.predict(X)
    ragged = _ragged(np.random.RandomState(3), 6)
    ragged[5] = np.full((3, 2), np.nan)
    with pytest.raises(ValueError, match="sequence 5 has zero length"):
        clf.predict(ragged)


def test_an_input_too_large_to_copy_streams_through_predict(fitted):
    """400,000 float32 sequences (a broadcast view that holds one value) on a float64 model: a
    float64 copy would take 305 MiB; prediction stays near one block (64 MiB)."""
    clf, _ = fitted
    X = np.broadcast_to(np.float32(0.5), (400_000, 50, 2))
    copy_bytes = X.size * 8
    tracemalloc.start()
    try:
        labels = clf.predict(X)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert labels.shape == (400_000,) and len(set(labels)) == 1
    assert peak < 0.4 * copy_bytes, f"peak {peak / 2**20:.0f} MiB for a {copy_bytes / 2**20:.0f} MiB copy"


def test_regime_codes_hold_the_states_a_part_at_a_time():
    """2,000 sequences of 300 steps through 32 units: their states take 147 MiB, their codes 4.6."""
    from sklearn_alrnn import RegimeDecomposer

    rng = np.random.RandomState(0)
    M = 32
    decomposer = RegimeDecomposer.from_parameters(
        rng.uniform(0.2, 0.9, M), 0.1 * rng.normal(size=(M, M)), rng.normal(size=M), rng.normal(size=(M, 1)),
        n_nonlinear=4,
    )
    X = np.broadcast_to(np.linspace(-1, 1, 300)[None, :, None], (2000, 300, 1))
    states_bytes = 2000 * 300 * M * 8
    tracemalloc.start()
    try:
        codes = decomposer.fit(X).transform(X)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert codes.shape == (2000, 300) and np.all(codes == codes[0])
    assert peak < 0.35 * states_bytes, f"peak {peak / 2**20:.0f} MiB for {states_bytes / 2**20:.0f} MiB of states"


def test_hidden_states_refuses_a_request_above_its_limit_before_allocating(fitted):
    clf, _ = fitted
    huge = np.broadcast_to(np.zeros(2), (10**6, 10**4, 2))  # 10^10 steps, no memory
    with pytest.raises(ValueError, match=r"hidden_states would return 372\.5 GiB \(1000000 x 10000 steps of 40 bytes\)"):
        clf.hidden_states(huge)
    X = np.zeros((4, 10, 2))
    with pytest.raises(ValueError, match="above max_bytes=100"):
        clf.hidden_states(X, max_bytes=100)  # 4 x 10 x 5 x 8 = 1,600 bytes
    assert clf.hidden_states(X, max_bytes=1600).shape == (4, 10, 5)
    assert clf.hidden_states(X, max_bytes=None).shape == (4, 10, 5)


def test_fit_on_sequences_of_ten_thousand_steps():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(6, 10_000, 2))
    y = X[:, -20:, 0].sum(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ALRNNRegressor(n_hidden=8, n_nonlinear=2, max_iter=3, random_state=0).fit(X, y)
    assert len(model.loss_curve_) == 3 and np.all(np.isfinite(model.loss_curve_))
    assert np.all(np.isfinite(model.predict(X)))
    assert model.hidden_states(X[:2]).shape == (2, 10_000, 8)


def test_forecaster_requests_above_the_limit_are_refused():
    series = np.sin(np.arange(200) * 0.1)[:, None].repeat(2, axis=1)
    model = ALRNNForecaster(n_hidden=4, n_nonlinear=1, max_iter=1, batches_per_epoch=1, sequence_length=10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(series)
    with pytest.raises(ValueError, match="generate would return"):
        model.generate(10**12)
    with pytest.raises(ValueError, match="hidden_states would return"):
        model.hidden_states(series, max_bytes=1000)
    assert model.generate(5).shape == (5, 2)


@pytest.mark.parametrize("per_step", [False, True])
def test_states_that_overflow_on_long_sequences_are_warned_of_not_read_as_a_label(per_step):
    # A fitted map may grow from step to step (a trained linear unit with a = 1.19 on
    # 24-step sequences, ItalyPowerDemand); far longer sequences then overflow. argmax of
    # the NaN scores once gave the first class without a word.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 10, 2))
    y = (X[:, :, 0] > 0).astype(int) if per_step else (X[:, :, 0].sum(axis=1) > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ALRNNClassifier(n_hidden=6, max_iter=5, per_step=per_step, random_state=0).fit(X, y)
    model.a_ = model.a_.copy()
    model.a_[0] = 1.5  # a linear unit that grows by half each step: past float64 after ~1,800 steps
    sequences = [rng.normal(size=(3000, 2)), rng.normal(size=(10, 2))]
    with pytest.warns(RuntimeWarning, match=r"1 of 2 sequences \(the first: sequence 0, 3000 steps\) left the floating-point"):
        proba = model.predict_proba(sequences)
    short = proba[1] if not per_step else proba[1, :10]
    assert np.all(np.isfinite(short)) and np.allclose(short.sum(axis=-1), 1.0)
    if per_step:
        assert np.all(np.isfinite(proba[0, :100])) and np.all(np.isnan(proba[0, 2999]))
    else:
        assert np.all(np.isnan(proba[0]))
    with pytest.warns(RuntimeWarning), pytest.raises(ValueError, match=r"No label can be predicted for sequences \[0\]"):
        model.predict(sequences)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # the short sequence alone: no warning, the same answer
        np.testing.assert_allclose(model.predict_proba(sequences[1:])[0], proba[1] if not per_step else proba[1, :10])
    regressor = ALRNNRegressor(n_hidden=6, max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        regressor.fit(X, X[:, :, 0].sum(axis=1))
    regressor.a_ = regressor.a_.copy()
    regressor.a_[0] = 1.5
    with pytest.warns(RuntimeWarning, match="left the floating-point range"):
        prediction = regressor.predict(sequences)
    assert np.isnan(prediction[0]) and np.isfinite(prediction[1])


def test_a_map_visiting_tens_of_thousands_of_regimes_is_analysed_in_bounded_memory():
    """A fully nonlinear PLRNN (M = P = 30) over 12,000 steps of distinct regimes: a dense transition
    matrix would take 1.1 GiB and the regimes' Jacobians 86 MiB; the sparse matrix and the Jacobians
    built when read keep the analysis to a fraction."""
    from scipy import sparse

    from sklearn_alrnn import RegimeDecomposer
    from sklearn_alrnn.analysis import bits_to_code

    rng = np.random.RandomState(0)
    M = 30
    a, W, h = rng.uniform(0.2, 0.8, M), rng.normal(size=(M, M)) / np.sqrt(M), rng.normal(size=M)
    decomposer = RegimeDecomposer.from_parameters(a, W, h, n_nonlinear=M)
    states = rng.normal(size=(12_000, M))
    tracemalloc.start()
    try:
        decomposer.fit_states(states)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    n = decomposer.n_regimes_
    assert n == 12_000 and isinstance(decomposer.transition_matrix_, sparse.csr_array)
    assert peak < 0.1 * n * n * 8, f"peak {peak / 2**20:.0f} MiB"
    codes = [bits_to_code(row > 0) for row in states]  # consecutive steps' regimes, each visited once
    position = {code: i for i, code in enumerate(decomposer.regimes_)}
    steps = [position[c] for c in codes]
    np.testing.assert_array_equal(decomposer.transition_matrix_[steps[:-1], steps[1:]], 1.0)
    assert decomposer.transition_matrix_.nnz == n  # those, and the last step's regime never left
    system = decomposer.linear_systems_[-1]
    bits = [(system.code >> k) & 1 for k in range(M - 1, -1, -1)]
    np.testing.assert_array_equal(system.J, np.diag(a) + W * np.array(bits))
