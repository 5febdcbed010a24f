"""Property-based fuzzing of the estimators' entry points (issue 15, item 1, first part).

Malformed or unusual input must end in a documented exception (ValueError, TypeError) whose
message says what was wrong, or in an answer of the right shape: never another exception or a
silently wrong shape.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.base import clone

from sklearn_alrnn import (
    ALRNNClassifier,
    ALRNNForecaster,
    ALRNNRegressor,
    RegimeDecomposer,
    SequenceImputer,
    SequenceScaler,
    SequenceTokenizer,
    from_aeon,
    from_tslearn,
    load,
    to_aeon,
    to_tslearn,
)
from sklearn_alrnn._series import holds_several_series
from sklearn_alrnn._validation import cells_as_sequences, check_sequences, step_mask
from sklearn_alrnn.analysis import check_parameters, find_cycles, fixed_point, iterate_map
from sklearn_alrnn.preprocessing import missing_inside

DOCUMENTED = (ValueError, TypeError)
FEATURES = 2


@st.composite
def sequence_inputs(draw):
    """X in one of the accepted layouts, or a near miss: odd dtypes, NaN / inf anywhere,
    empty axes, ragged lists with mixed feature counts (also as a 1-D object array), trailing NaN
    padding (to nothing, for some sequences), read-only or non-contiguous views."""
    layout = draw(st.sampled_from(["3d", "2d", "ragged", "objects", "padded"]))
    n = draw(st.integers(0, 4))
    T = draw(st.integers(0, 5))
    K = draw(st.sampled_from([FEATURES, FEATURES, 1, 3, 0]))
    dtype = draw(st.sampled_from([np.float64, np.float32, np.float16, np.int64, np.bool_, np.complex128, object]))
    scale = draw(st.sampled_from([1.0, 1e-300, 1e300]))
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))
    with np.errstate(over="ignore", invalid="ignore"):  # casting 1e300 or NaN to float16 / int
        X = _draw_layout(draw, layout, n, T, K, dtype, scale, rng)
    return _as_pandas(X) if draw(st.integers(0, 4)) == 0 else X


def _as_pandas(X):
    """The pandas container a user would hold X in: a DataFrame of univariate sequences, a Series
    of sequences, or sktime's nested DataFrame (one column of series per feature)."""
    if isinstance(X, list) or X.dtype == object:
        return pd.Series(list(X), dtype=object)
    if X.ndim == 2:
        return pd.DataFrame(X)
    return pd.DataFrame({f"dim_{k}": [pd.Series(seq[:, k]) for seq in X] for k in range(X.shape[2])})


def _draw_layout(draw, layout, n, T, K, dtype, scale, rng):
    if layout in ("ragged", "objects"):
        X = [
            (rng.normal(size=(rng.randint(1, 6), K if rng.rand() < 0.8 else K + 1)) * scale).astype(dtype)
            for _ in range(max(n, 1))
        ]
        if layout == "objects":  # np.array(X, dtype=object), without NumPy's guess at a common shape
            cells = np.empty(len(X), dtype=object)
            for i, sequence in enumerate(X):
                cells[i] = sequence
            return cells
    elif layout == "padded":
        X = rng.normal(size=(n, T, K)) * scale
        for row, steps in zip(X, rng.randint(0, T + 1, size=n)):
            row[steps:] = np.nan
        X = X.astype(dtype)
    else:
        X = rng.normal(size=(n, T, K) if layout == "3d" else (n, T)) * scale
        if X.size and draw(st.booleans()):
            X.flat[rng.randint(X.size)] = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
        X = X.astype(dtype)
        if draw(st.booleans()):
            X.setflags(write=False)
        if X.ndim == 3 and draw(st.booleans()):
            X = X[:, ::-1]
    return X


def _n_samples(X):
    return len(X)


def _check_answer(answer, X, columns=None):
    assert answer.shape[0] == _n_samples(X)
    if columns is not None:
        assert answer.shape[1] == columns


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(12, 5, FEATURES))
    clf = ALRNNClassifier(n_hidden=3, max_iter=2, random_state=0).fit(X, np.arange(12) % 3)
    reg = ALRNNRegressor(n_hidden=3, max_iter=2, random_state=0).fit(X, rng.normal(size=12))
    return clf, reg


@given(X=sequence_inputs())
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_prediction_entry_points_answer_or_raise_documented_errors(fitted, X):
    clf, reg = fitted
    calls = [
        (clf.predict, None), (clf.predict_proba, 3), (clf.transform, clf.B_.shape[1]),
        (reg.predict, None), (reg.transform, reg.B_.shape[1]),
    ]
    for method, columns in calls:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                answer = method(X)
        except DOCUMENTED as error:
            assert str(error)
            continue
        _check_answer(answer, X, columns)
        assert np.isfinite(answer).all() or method == reg.predict  # huge inputs may overflow a linear readout
    try:
        states = clf.hidden_states(X)
    except DOCUMENTED:
        return
    assert states.shape[0] == _n_samples(X) and states.shape[2] == 3


@given(X=sequence_inputs(), labels=st.sampled_from(["two classes", "one class", "floats", "nan"]))
@settings(max_examples=60, deadline=None)
def test_fit_answers_or_raises_documented_errors(X, labels):
    n = _n_samples(X)
    y = {
        "two classes": np.arange(n) % 2,
        "one class": np.zeros(n, dtype=int),
        "floats": np.linspace(-1, 1, n),
        "nan": np.full(n, np.nan),
    }[labels]
    for model in (ALRNNClassifier(n_hidden=3, max_iter=1, random_state=0), ALRNNRegressor(n_hidden=3, max_iter=1)):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(X, y)
        except DOCUMENTED as error:
            assert str(error)
            continue
        answer = model.predict(X)
        assert answer.shape[0] == n


@st.composite
def weighted_training_sets(draw):
    """Sequences with sample weights that are mostly 0 (sequences left out), step weights of 0 on
    many steps, and per-step targets that are NaN for whole sequences, in mini-batches and with
    early stopping."""
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))
    n, T = draw(st.integers(3, 40)), draw(st.integers(2, 7))
    X = rng.normal(size=(n, T, FEATURES))
    per_step, classify = draw(st.booleans()), draw(st.booleans())
    Y = np.cumsum(X[..., :1], axis=1) if per_step else X[:, :, 0].sum(axis=1)
    if per_step and not classify and draw(st.booleans()):
        Y[rng.random_sample(n) < 0.5] = np.nan
    y = (np.nan_to_num(Y[..., 0] if per_step else Y) > 0).astype(int) if classify else Y
    sample_weight = rng.choice([0.0, 0.0, 0.0, 1.0, 2.5, 1e-3], size=n) if draw(st.booleans()) else None
    step_weight = (rng.random_sample((n, T)) < 0.3).astype(float) if per_step and draw(st.booleans()) else None
    settings = dict(n_hidden=4, n_nonlinear=1, max_iter=3, batch_size=draw(st.integers(1, 9)),
                    early_stopping=draw(st.booleans()), random_state=0)
    model = ALRNNClassifier(per_step=per_step, **settings) if classify else ALRNNRegressor(**settings)
    return model, X, y, sample_weight, step_weight


@given(case=weighted_training_sets())
@settings(max_examples=60, deadline=None)
def test_fits_with_zero_weights_train_or_refuse_by_name(case):
    # On the code before 2026-12-04, 84 of 150 such cases failed: a ZeroDivisionError, a NaN loss
    # from a mini-batch of weight 0 that stopped training, or a failed early-stopping split.
    model, X, y, sample_weight, step_weight = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # early stopping skipped on a few sequences
        warnings.filterwarnings("error", "invalid value|divide by zero", RuntimeWarning)
        try:
            model.fit(X, y, sample_weight=sample_weight, step_weight=step_weight)
        except ValueError as error:
            assert any(words in str(error).lower() for words in ("non-zero number", "no target", "one class")), str(error)
            return
    assert len(model.loss_curve_) >= 1 and np.isfinite(model.loss_curve_).all()


@pytest.fixture(scope="module")
def fitted_forecaster():
    series = np.random.RandomState(0).normal(size=(60, FEATURES))
    model = ALRNNForecaster(
        n_hidden=4, n_nonlinear=1, max_iter=2, batches_per_epoch=2, sequence_length=5, evaluation_steps=20,
        random_state=0,
    )
    return model.fit(series)


def _same_structure(answer, X):
    X = cells_as_sequences(X)
    if isinstance(X, list):
        return isinstance(answer, list) and [len(a) for a in answer] == [len(x) for x in X]
    X = np.asarray(X)
    return answer.shape[:-1] == (X.shape if X.ndim == 1 else X.shape[:-1])


def _forecast_structure(answer, X, n_steps):
    """One context's (n_steps, N) forecast; several contexts' in X's structure (a list, or stacked)."""
    if not holds_several_series(X):
        return answer.shape == (n_steps, FEATURES)
    X = cells_as_sequences(X)
    if isinstance(X, list):
        return isinstance(answer, list) and [a.shape for a in answer] == [(n_steps, FEATURES)] * len(X)
    return answer.shape == (len(X), n_steps, FEATURES)


@given(X=sequence_inputs(), n_steps=st.integers(-2, 30), x0_size=st.sampled_from([FEATURES, FEATURES, 1, 3]))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_forecaster_entry_points_answer_or_raise_documented_errors(fitted_forecaster, X, n_steps, x0_size):
    """Series in any layout (2-D is one series here), odd dtypes, NaN / inf, huge values: a documented
    error, or an answer in the structure of X; free runs that overflow come back as NaN rows with a
    RuntimeWarning, never as an exception."""
    model = fitted_forecaster
    calls = [
        ("predict", lambda: model.predict(X), lambda out: _same_structure(out, X)),
        ("hidden_states", lambda: model.hidden_states(X, free_run=True), lambda out: _same_structure(out, X)),
        ("score", lambda: model.score(X), lambda out: np.isscalar(out)),
        ("forecast", lambda: model.forecast(X, n_steps), lambda out: _forecast_structure(out, X, n_steps)),
        (
            "generate",
            lambda: model.generate(n_steps, x0=np.full(x0_size, 0.5)),
            lambda out: out.shape == (n_steps, FEATURES),
        ),
    ]
    for name, call, check in calls:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            warnings.simplefilter("ignore", getattr(np, "exceptions", np).ComplexWarning)  # np.exceptions: NumPy >= 1.25
            try:
                out = call()
            except DOCUMENTED as exc:
                assert str(exc), f"{name} raised an empty {type(exc).__name__}"
                continue
        assert check(out), f"{name} answered with the wrong structure"


@st.composite
def forecaster_settings(draw):
    """Valid settings of every kind, on a series of 1 to 3 variables that they fit."""
    n_observed = draw(st.integers(1, 3))
    n_nonlinear = draw(st.sampled_from([0, 1, 2, "auto"]))
    n_hidden = draw(st.sampled_from(["auto", n_observed + (0 if n_nonlinear == "auto" else n_nonlinear) + draw(
        st.integers(0, 3))]))
    settings_ = dict(
        n_hidden=n_hidden, n_nonlinear=n_nonlinear, teacher_forcing=draw(st.sampled_from(["sparse", "generalized"])),
        forcing_interval=draw(st.integers(1, 20)), alpha=draw(st.sampled_from([None, 0.1, 1.0])),
        sequence_length=draw(st.integers(2, 40)), noise=draw(st.sampled_from([0.0, 0.05, 0.5])),
        batch_size=draw(st.integers(1, 16)), batches_per_epoch=draw(st.sampled_from(["auto", 1, 2])),
        max_iter=draw(st.integers(1, 4)), learning_rate_init=draw(st.sampled_from([1e-3, 0.5])),
        clip_norm=draw(st.sampled_from([None, 1.0])), evaluation_interval=draw(st.integers(1, 3)),
        evaluation_steps=draw(st.integers(2, 100)), dtype=draw(st.sampled_from(["float64", "float32"])),
        n_init=1, random_state=draw(st.integers(0, 99)),
    )
    t = np.arange(draw(st.integers(20, 120))) * draw(st.floats(0.05, 0.5))
    amplitudes = draw(st.lists(st.floats(0.1, 100.0), min_size=n_observed, max_size=n_observed))
    series = np.column_stack([amplitude * np.sin((k + 1) * t + k) for k, amplitude in enumerate(amplitudes)])
    return settings_, series


@given(case=forecaster_settings())
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_forecaster_settings_fit_answer_and_survive_a_file(case, tmp_path):
    """Any valid settings fit (a linear network with the adaptive forcing weight failed inside its Jacobian
    bound), answer in the right shapes, and load back from a file as they were (an unstable fit's
    non-finite residual covariance was refused on loading)."""
    settings_, series = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ALRNNForecaster(**settings_).fit(series)
        assert model.predict(series).shape == series.shape
        assert model.forecast(series[:10], 5).shape == (5, series.shape[1])
        run = model.generate(20)
        model.save(tmp_path / "model.alrnn")
        np.testing.assert_array_equal(load(tmp_path / "model.alrnn").generate(20), run)


def _answer_or_documented_error(name, call):
    """call()'s answer, or None after a documented exception with a message."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return call()
        except DOCUMENTED as error:
            assert str(error), f"{name} raised an empty {type(error).__name__}"
            return None


@pytest.fixture(scope="module")
def fitted_decomposer(fitted):
    clf, _ = fitted
    X = np.random.RandomState(1).normal(size=(6, 5, FEATURES))
    return RegimeDecomposer(clf, prefit=True).fit(X), SequenceScaler().fit(X), SequenceImputer().fit(X)


@given(X=sequence_inputs())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_transformers_and_converters_answer_or_raise_documented_errors(fitted_decomposer, X):
    """RegimeDecomposer, SequenceScaler, SequenceImputer and the aeon / tslearn converters on the same
    inputs: right-shaped answers (the scaler's and the converters' round trips give X back, the
    imputer's keeps X's values and lengths and leaves no gap), or a documented error."""
    decomposer, scaler, imputer = fitted_decomposer
    n = _n_samples(X)
    codes = _answer_or_documented_error("RegimeDecomposer.transform", lambda: decomposer.transform(X))
    if codes is not None:
        assert codes.shape[0] == n and np.all((codes >= -1) & (codes < 2**decomposer.n_nonlinear_))
    refit = _answer_or_documented_error("RegimeDecomposer.fit", lambda: clone(decomposer).fit(X))
    if refit is not None:
        assert np.isclose(refit.occupancy_.sum(), 1.0)
    scaled = _answer_or_documented_error("SequenceScaler.transform", lambda: scaler.transform(X))
    if scaled is not None:
        back = scaler.inverse_transform(scaled)
        reference, lengths = check_sequences(X)
        restored, restored_lengths = check_sequences(back)
        np.testing.assert_array_equal(restored_lengths, lengths)
        longest = lengths.max()  # padding beyond every sequence's end may come back shorter
        np.testing.assert_allclose(
            restored[:, :longest], reference[:, :longest], rtol=1e-9, atol=1e-9 * np.abs(reference).max(initial=1.0)
        )
    imputed = _answer_or_documented_error("SequenceImputer.transform", lambda: imputer.transform(X))
    if imputed is not None:
        padded, lengths, gaps = missing_inside(cells_as_sequences(X))
        filled, filled_lengths = check_sequences(imputed)  # which refuses a value missing inside a sequence
        np.testing.assert_array_equal(filled_lengths, lengths)
        longest = lengths.max()  # padding beyond every sequence's end may come back shorter
        known = (step_mask(lengths, padded.shape[1])[..., None] & ~gaps)[:, :longest]
        np.testing.assert_array_equal(filled[:, :longest][known], padded[:, :longest][known])
    for forward, backward in ((to_aeon, from_aeon), (to_tslearn, from_tslearn)):
        converted = _answer_or_documented_error(forward.__name__, lambda: forward(X))
        if converted is not None:
            _, lengths = check_sequences(backward(converted))
            np.testing.assert_array_equal(lengths, check_sequences(X)[1])
        _answer_or_documented_error(backward.__name__, lambda: backward(X))


@given(X=sequence_inputs(), labels=st.sampled_from(["two classes", "one class", "nan"]))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_partial_fit_and_score_answer_or_raise_documented_errors(fitted, X, labels):
    n = _n_samples(X)
    y = {"two classes": np.arange(n) % 2, "one class": np.zeros(n, dtype=int), "nan": np.full(n, np.nan)}[labels]
    clf, reg = fitted
    model = _answer_or_documented_error(
        "partial_fit", lambda: ALRNNClassifier(n_hidden=3, random_state=0).partial_fit(X, y, classes=[0, 1])
    )
    if model is not None:
        assert model.predict(X).shape == (n,)
    for estimator in (clf, reg):
        score = _answer_or_documented_error("score", lambda: estimator.score(X, y))
        if score is not None:
            assert np.isscalar(score)


@st.composite
def token_inputs(draw):
    """Id sequences and near misses: ids out of range or negative, floats, strings, empty sequences,
    -1 inside a padded array, 3-D arrays, pandas containers."""
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))
    kind = draw(st.sampled_from(["list", "padded", "floats", "strings", "3d", "series"]))
    n = draw(st.integers(0, 4))
    high = draw(st.sampled_from([5, 5, 7, 2**40]))
    low = draw(st.sampled_from([0, 0, -1, -5]))
    sequences = [rng.randint(low, high, size=rng.randint(0, 6)) for _ in range(n)]
    if kind == "padded":
        X = np.full((n, 6), -1)
        for i, seq in enumerate(sequences):
            X[i, : len(seq)] = seq
        return X
    if kind == "floats":
        return [seq + 0.5 for seq in sequences]
    if kind == "strings":
        return [[str(v) for v in seq] for seq in sequences]
    if kind == "3d":
        return np.zeros((n, 3, 2), dtype=int)
    return pd.Series(sequences, dtype=object) if kind == "series" else sequences


@pytest.fixture(scope="module")
def token_models():
    rng = np.random.RandomState(0)
    X = [rng.randint(0, 5, size=rng.randint(1, 6)) for _ in range(20)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = ALRNNClassifier(n_hidden=3, max_iter=2, input_type="tokens", random_state=0).fit(X, np.arange(20) % 2)
        per_step = ALRNNClassifier(n_hidden=3, max_iter=2, input_type="tokens", per_step=True, random_state=0)
        per_step.fit(X, [x % 2 for x in X])
    return clf, per_step


@given(X=token_inputs())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_token_entry_points_answer_or_raise_documented_errors(token_models, X):
    clf, per_step = token_models
    n = len(X)
    for name, call in [
        ("predict", lambda: clf.predict(X)), ("predict_proba", lambda: clf.predict_proba(X)),
        ("transform", lambda: clf.transform(X)), ("hidden_states", lambda: clf.hidden_states(X)),
        ("per-step predict_proba", lambda: per_step.predict_proba(X)),
    ]:
        answer = _answer_or_documented_error(name, call)
        if answer is not None:
            assert len(answer) == n and np.all(np.isfinite(answer) | np.isnan(answer))


@given(texts=st.lists(st.one_of(st.text(max_size=30), st.integers(), st.none()), max_size=6))
@settings(max_examples=60, deadline=None)
def test_tokenizer_answers_or_raises_documented_errors(texts):
    tokenizer = _answer_or_documented_error("SequenceTokenizer.fit", lambda: SequenceTokenizer(min_df=1).fit(texts))
    if tokenizer is None:
        return
    ids = tokenizer.transform(texts)
    assert len(ids) == len(texts) and all(len(seq) >= 1 and seq.max() < tokenizer.n_tokens_ for seq in ids)


@st.composite
def raw_parameters(draw):
    """AL-RNN parameters as software elsewhere hands them over, or near misses: A as its diagonal
    or as a matrix (diagonal or not), each array in its own dtype (float16 to object, complex with
    or without imaginary parts) or as nested lists, NaN or inf in one, a wrong size, P out of range.
    Returns the arrays and whether one holds imaginary parts (which must be refused)."""
    M = draw(st.integers(1, 4))
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))
    values = {"a": rng.uniform(-1.0, 1.2, M), "W": rng.normal(scale=0.5, size=(M, M)), "h": rng.normal(size=M)}
    a_form = draw(st.sampled_from(["vector", "vector", "diagonal matrix", "full matrix"]))
    if a_form != "vector":
        values["a"] = np.diag(values["a"]) + (rng.normal(size=(M, M)) * 0.1 if a_form == "full matrix" else 0.0)
    imaginary = False
    for name in values:
        form = draw(st.sampled_from(["float64", "float32", "float16", "int64", "bool", "complex", "imaginary",
                                     "object", "list", "nan", "short"]))
        value = values[name]
        if form in ("float32", "float16", "int64", "bool", "object"):
            value = value.astype(form)
        elif form in ("complex", "imaginary"):
            value = value + (0.5j if form == "imaginary" else 0j)
            imaginary |= form == "imaginary"
        elif form == "list":
            value = value.tolist()
        elif form == "nan":
            value = value.copy()
            value.flat[0] = draw(st.sampled_from([np.nan, np.inf]))
        elif form == "short":
            value = value[:-1]
        values[name] = value
    return values, draw(st.integers(-1, M + 1)), imaginary


@given(case=raw_parameters())
@settings(max_examples=100, deadline=None)
def test_the_analysis_of_raw_parameters_answers_or_raises_documented_errors(case):
    values, P, imaginary = case
    a, W, h = values["a"], values["W"], values["h"]
    calls = [
        ("fixed_point", lambda: fixed_point(a, W, h, 0, P)),
        ("iterate_map", lambda: iterate_map(a, W, h, np.zeros(np.shape(h)[0] if np.ndim(h) else 1), 5, n_nonlinear=P)),
        ("from_parameters", lambda: RegimeDecomposer.from_parameters(a, W, h, n_nonlinear=P)),
        ("find_cycles", lambda: find_cycles(a, W, h, n_nonlinear=P, max_order=2)),
    ]
    for name, call in calls:
        answer = _answer_or_documented_error(name, call)
        if imaginary:
            assert answer is None, f"{name} read complex parameters without their imaginary parts"
        if answer is None:
            continue
        checked_a, checked_W, checked_h, _, _ = check_parameters(a, W, h, P)
        if name == "fixed_point" and answer.real:
            step = iterate_map(checked_a, checked_W, checked_h, answer.point, 1, n_nonlinear=P)[0][0]
            np.testing.assert_allclose(step, answer.point, rtol=1e-6, atol=1e-6 * (1 + np.abs(answer.point).max()))
        if name == "iterate_map":
            assert answer[0].shape == (5, checked_a.shape[0])
