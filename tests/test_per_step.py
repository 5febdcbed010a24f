"""Per-step targets with step weights: exact gradients, zero weights, the per-step classifier."""

import warnings

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.model_selection import cross_val_predict, cross_val_score

from sklearn_alrnn import ALRNNClassifier, ALRNNRegressor, load
from sklearn_alrnn._kernels.cpu import CPUEngine
from sklearn_alrnn._loss import loss_and_gradients
from sklearn_alrnn._model import PARAMETER_NAMES, initialize_parameters

M, K, O = 5, 2, 3
LENGTHS = np.array([7, 3, 1, 6, 7])


def _batch(loss, seed=0):
    rng = np.random.RandomState(seed)
    n, T = len(LENGTHS), LENGTHS.max()
    X = rng.normal(size=(n, T, K)) * (np.arange(T)[None, :, None] < LENGTHS[:, None, None])
    params = initialize_parameters(M, K, O, rng)
    params["W"] = 0.4 * rng.normal(size=(M, M))
    Y = np.eye(O)[rng.randint(O, size=(n, T))] if loss == "log_loss" else rng.normal(size=(n, T, O))
    step_weight = rng.uniform(0.5, 2.0, size=(n, T)) * (rng.rand(n, T) < 0.7)  # about 30% without a target
    return params, X, Y, step_weight, rng.uniform(0.5, 1.5, size=n)


@pytest.mark.parametrize("loss", ["squared_error", "log_loss"])
def test_step_weighted_gradients_match_central_differences(loss):
    params, X, Y, step_weight, sample_weight = _batch(loss)
    kwargs = dict(loss=loss, alpha=0.01, per_step=True, engine=CPUEngine(M, 2), sample_weight=sample_weight,
                  step_weight=step_weight)
    _, grads = loss_and_gradients(params, X, LENGTHS, Y, **kwargs)
    for name in PARAMETER_NAMES:
        numeric = np.zeros_like(params[name])
        for idx in np.ndindex(params[name].shape):
            original = params[name][idx]
            values = []
            for shift in (1e-6, -1e-6):
                params[name][idx] = original + shift
                values.append(loss_and_gradients(params, X, LENGTHS, Y, **kwargs)[0])
            params[name][idx] = original
            numeric[idx] = (values[0] - values[1]) / 2e-6
        assert np.linalg.norm(grads[name] - numeric) <= 1e-6 * np.linalg.norm(numeric), name


def test_targets_at_zero_weight_steps_change_nothing():
    params, X, Y, step_weight, _ = _batch("squared_error", seed=1)
    kwargs = dict(loss="squared_error", alpha=0.0, per_step=True, engine=CPUEngine(M, 2), step_weight=step_weight)
    value, grads = loss_and_gradients(params, X, LENGTHS, Y, **kwargs)
    changed = Y.copy()
    changed[step_weight == 0] = 1e6
    value_changed, grads_changed = loss_and_gradients(params, X, LENGTHS, changed, **kwargs)
    assert value == value_changed
    for name in PARAMETER_NAMES:
        np.testing.assert_array_equal(grads[name], grads_changed[name])


def test_a_nan_target_is_a_step_of_weight_zero():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 8, 2))
    Y = np.cumsum(X[..., :1], axis=1)
    missing = rng.rand(40, 8) < 0.3
    with_nan = Y.copy()
    with_nan[missing] = np.nan
    settings = dict(n_hidden=6, max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        by_nan = ALRNNRegressor(**settings).fit(X, with_nan)
        by_weight = ALRNNRegressor(**settings).fit(X, Y, step_weight=(~missing).astype(float))
    np.testing.assert_allclose(by_nan.W_, by_weight.W_, rtol=1e-12, atol=1e-14)
    assert np.isfinite(by_nan.score(X, with_nan))


def test_a_missing_label_is_a_step_of_weight_zero_in_every_layout():
    # As to_sequences(..., per_step=True) gives them: NaN-padded floats, or None-padded words, with
    # a trailing axis of 1; a label missing inside a sequence is a step without a target.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 8, 2))
    lengths = rng.randint(4, 9, size=40)
    X[np.arange(8)[None] >= lengths[:, None]] = np.nan
    labels = (np.nan_to_num(X[..., 0]) > 0).astype(int)
    missing = rng.rand(40, 8) < 0.2
    weights = (~missing).astype(float)
    settings = dict(n_hidden=6, n_nonlinear=2, max_iter=5, per_step=True, random_state=0)
    padded = np.arange(8)[None] >= lengths[:, None]
    as_floats = np.where(missing | padded, np.nan, labels)[..., None]
    as_words = np.where(missing | padded, None, np.array(["down", "up"], dtype=object)[labels])[..., None]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        by_weight = ALRNNClassifier(**settings).fit(X, labels, step_weight=weights)
        by_nan = ALRNNClassifier(**settings).fit(X, as_floats)
        by_none = ALRNNClassifier(**settings).fit(X, as_words)
    for model in (by_nan, by_none):
        np.testing.assert_allclose(model.W_, by_weight.W_, rtol=1e-12, atol=1e-14)
    assert by_nan.classes_.tolist() == [0.0, 1.0] and by_none.classes_.tolist() == ["down", "up"]
    # The score counts the labelled steps only.
    correct = by_nan.predict(X) == labels
    counted = ~missing & ~padded
    assert by_nan.score(X, as_floats) == pytest.approx(correct[counted].mean())
    column = np.empty(40, dtype=object)  # a DataFrame column of label arrays, one per sequence
    column[:] = [np.where(missing[i, :n], np.nan, labels[i, :n]) for i, n in enumerate(lengths)]
    assert by_nan.score(X, column) == pytest.approx(correct[counted].mean())
    column[:] = [weights[i, :n] for i, n in enumerate(lengths)]  # step weights as such a column
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        by_column = ALRNNClassifier(**settings).fit(X, labels, step_weight=column)
    np.testing.assert_array_equal(by_column.W_, by_weight.W_)
    with warnings.catch_warnings():  # the README's advice: the 3-D layout passes scikit-learn's check_cv
        warnings.simplefilter("ignore")
        folds = cross_val_score(ALRNNClassifier(**settings), X, as_floats, cv=3)
        held_out = cross_val_predict(ALRNNClassifier(**settings), X, as_floats, cv=3)  # the folds' answers joined
    assert np.all((folds > 0) & (folds <= 1))
    assert held_out.shape == (40, 8) and set(np.unique(held_out)) <= {0.0, 1.0}
    with pytest.raises(ValueError, match="Every per-step label of y is missing"):
        ALRNNClassifier(**settings).fit(X, np.full((40, 8), np.nan))
    with pytest.raises(ValueError, match=r"\(n_samples, n_timesteps, 1\) .*got y of shape \(40, 8, 2\)"):
        ALRNNClassifier(**settings).fit(X, np.full((40, 8, 2), 2.0))  # 0 and 1 would be a set of labels per step


def _last_cue(n, seed):
    """Per step: which of two cue channels fired last (a flip-flop); before any cue, class 0."""
    rng = np.random.RandomState(seed)
    X, y = [], []
    for _ in range(n):
        T = rng.randint(6, 16)
        cues = (rng.rand(T, 2) < 0.15).astype(float)
        cues[cues.sum(axis=1) == 2] = 0
        state, labels = 0, []
        for row in cues:
            state = 1 if row[0] else 2 if row[1] else state
            labels.append(state)
        X.append(cues)
        y.append(np.array(labels))
    return X, y


@pytest.fixture(scope="module")
def per_step_classifier():
    X, y = _last_cue(500, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ALRNNClassifier(n_hidden=8, n_nonlinear=2, per_step=True, random_state=0).fit(X, y)


def test_the_per_step_classifier_holds_the_last_cue(per_step_classifier):
    X, y = _last_cue(200, 1)
    assert per_step_classifier.score(X, y) >= 0.95
    predicted = per_step_classifier.predict(X)
    assert isinstance(predicted, list) and [len(p) for p in predicted] == [len(s) for s in X]
    assert per_step_classifier.classes_.tolist() == [0, 1, 2]


def test_per_step_probabilities_and_padded_layouts(per_step_classifier):
    X, y = _last_cue(6, 2)
    T = max(len(s) for s in X)
    padded = np.full((6, T, 2), np.nan)
    labels = np.zeros((6, T), dtype=int)
    for i, (s, l) in enumerate(zip(X, y)):
        padded[i, : len(s)], labels[i, : len(l)] = s, l
    proba = per_step_classifier.predict_proba(padded)
    assert proba.shape == (6, T, 3)
    lengths = np.array([len(s) for s in X])
    valid = np.arange(T)[None] < lengths[:, None]
    np.testing.assert_allclose(proba[valid].sum(axis=1), 1.0)
    assert np.isnan(proba[~valid]).all()
    assert per_step_classifier.predict(padded).shape == (6, T)
    assert per_step_classifier.score(padded, labels) == per_step_classifier.score(X, y)


def test_step_weight_zero_leaves_those_labels_unlearned(per_step_classifier, tmp_path):
    X, y = _last_cue(300, 3)
    scrambled = [np.where(np.arange(len(l)) % 2 == 0, l, 0) for l in y]  # odd steps' labels wrong...
    weights = [(np.arange(len(l)) % 2 == 0).astype(float) for l in y]  # ...and weighted 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ALRNNClassifier(n_hidden=8, n_nonlinear=2, per_step=True, random_state=0)
        model.fit(X, scrambled, step_weight=weights)
    X_test, y_test = _last_cue(150, 4)
    assert model.score(X_test, y_test) >= 0.9
    path = tmp_path / "per_step.alrnn.npz"
    model.save(path)
    np.testing.assert_array_equal(load(path).predict_proba(X_test[:5]), model.predict_proba(X_test[:5]))


@pytest.mark.parametrize(
    "step_weight, message",
    [
        (-np.ones((20, 6)), "finite and non-negative"),
        (np.zeros((20, 6)), "0 at every step"),
        (np.ones((20, 3)), r"shape \(n_samples, n_timesteps\) = \(20, 6\)"),
        ([np.ones(5)] * 20, r"step_weight\[0\] has shape \(5,\); sequence 0 has 6 steps"),
    ],
)
def test_bad_step_weights_are_named(step_weight, message):
    X = np.random.RandomState(0).normal(size=(20, 6, 1))
    with pytest.raises(ValueError, match=message):
        ALRNNRegressor(n_hidden=3, max_iter=1).fit(X, np.zeros((20, 6, 1)), step_weight=step_weight)


def test_step_weight_needs_per_step_targets():
    X = np.zeros((4, 5, 1))
    with pytest.raises(ValueError, match="step_weight weighs per-step targets"):
        ALRNNClassifier(n_hidden=3, max_iter=1).fit(X, [0, 1, 0, 1], step_weight=np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"y\[1\] has shape \(4,\); sequence 1 has 5 steps"):
        ALRNNClassifier(n_hidden=3, max_iter=1, per_step=True).fit(X, [np.zeros(5), np.zeros(4), np.zeros(5), np.ones(5)])


def test_one_recording_with_a_label_per_row_is_pointed_to_one_sequence():
    # A (T, K) recording with its T labels reads as T sequences of K steps: per_step=True then
    # found one label per sequence, and the message now says how to make the recording one sequence.
    rng = np.random.RandomState(0)
    recording = rng.normal(size=(200, 3)).cumsum(axis=0)
    labels = (recording[:, 0] > 0).astype(int)
    with pytest.raises(ValueError, match=r"got y of shape \(200,\)\. One recording .* fit X\[None\], y\[None\]"):
        ALRNNClassifier(n_hidden=3, max_iter=1, per_step=True).fit(recording, labels)
    with pytest.raises(ValueError, match=r"got y of shape \(4,\)\.$"):  # not one label per row: no such hint
        ALRNNClassifier(n_hidden=3, max_iter=1, per_step=True).fit(recording, labels[:4])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ALRNNClassifier(n_hidden=3, max_iter=1, per_step=True).fit(recording[None], labels[None])
    assert model.predict(recording[None]).shape == (1, 200)


def test_per_step_regression_targets_of_sequences_of_different_lengths_as_a_list():
    # A list of per-sequence target arrays once stopped fit with NumPy's "inhomogeneous shape" error;
    # it is the NaN-padded 3-D layout, in fit and score (and so in cross_val_score).
    rng = np.random.RandomState(0)
    lengths = rng.randint(3, 9, size=24)
    X = [rng.normal(size=(n, 2)) for n in lengths]
    targets = [np.c_[np.cumsum(x[:, 0]), x[:, 1]] for x in X]
    padded = np.full((24, lengths.max(), 2), np.nan)
    for i, target in enumerate(targets):
        padded[i, : len(target)] = target
    settings = dict(n_hidden=6, max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from_list = ALRNNRegressor(**settings).fit(X, targets)
        from_padded = ALRNNRegressor(**settings).fit(X, padded)
        univariate = ALRNNRegressor(**settings).fit(X, [target[:, 0] for target in targets])
        scores = cross_val_score(ALRNNRegressor(**settings), X, [target[:, 0] for target in targets], cv=3)
    np.testing.assert_array_equal(from_list.W_, from_padded.W_)
    as_objects = np.empty(24, dtype=object)  # a DataFrame column of arrays reads the same
    as_objects[:] = [target[:, 0] for target in targets]
    assert univariate.score(X, as_objects) == univariate.score(X, [target[:, 0] for target in targets])
    assert from_list.score(X, targets) == from_padded.score(X, padded)
    assert univariate.predict(X).shape == (24, lengths.max(), 1) and np.isfinite(scores).all()
    with pytest.raises(ValueError, match=r"y of shape \(24, 2\) has a row per sequence: pass \(n_samples, n_timest"):
        from_list.score(X, padded[:, 0])
    # X padded with NaN beyond its longest sequence (a fixed width), the targets a list: they were refused
    # ("y of shape (24, 8, 2) cover 8 time steps, but X has 12").
    wide = np.full((24, 12, 2), np.nan)
    for i, x in enumerate(X):
        wide[i, : len(x)] = x
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.testing.assert_array_equal(ALRNNRegressor(**settings).fit(wide, targets).W_, from_list.W_)
    assert from_list.score(wide, targets) == from_list.score(X, targets)
    shorter = targets[:3] + [targets[3][:-1]] + targets[4:]
    with pytest.raises(ValueError, match=rf"y\[3\] has shape \({lengths[3] - 1}, 2\); .* \({lengths[3]}, 2\) for seq"):
        ALRNNRegressor(**settings).fit(X, shorter)
    with pytest.raises(ValueError, match=r"y\[0\] holds strings that are not numbers .* ALRNNClassifier\(per_st"):
        ALRNNRegressor(**settings).fit(X, [np.array(["up"] * n) for n in lengths])


def test_a_list_of_per_step_target_arrays_stays_per_step_when_every_sequence_has_the_same_length():
    # Read as a table, equally long arrays were n_timesteps outputs read from the last state: the same
    # list of per-sequence arrays meant something else once the recordings happened to be equally long.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 7, 2))
    running_sums = np.cumsum(X[:, :, 0], axis=1)
    settings = dict(n_hidden=6, max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from_3d = ALRNNRegressor(**settings).fit(X, running_sums[:, :, None])
        as_series = [pd.Series(row) for row in running_sums]
        for per_sequence in (list(running_sums), pd.Series(list(running_sums)), as_series):
            from_list = ALRNNRegressor(**settings).fit(X, per_sequence)
            np.testing.assert_array_equal(from_list.W_, from_3d.W_)
            assert from_list.predict(X).shape == (30, 7, 1)
            assert from_list.score(X, per_sequence) == from_3d.score(X, running_sums[:, :, None])
        table = ALRNNRegressor(**settings).fit(X, running_sums.tolist())  # lists of numbers: a table's rows
        # Sequences padded with NaN to X's width, and their targets as arrays of that width.
        padded_X, padded_sums = X.copy(), running_sums.copy()
        padded_X[::2, 5:], padded_sums[::2, 5:] = np.nan, np.nan
        from_padded_3d = ALRNNRegressor(**settings).fit(padded_X, padded_sums[:, :, None])
        from_padded_list = ALRNNRegressor(**settings).fit(padded_X, list(padded_sums))
    assert table.predict(X).shape == (30, 7)
    np.testing.assert_array_equal(from_padded_list.W_, from_padded_3d.W_)
    # A 2-D array as wide as the sequences are long reads as outputs, as a table does: said in a warning.
    with pytest.warns(UserWarning, match=r"y has 7 columns, as many as X has time steps: it is read as 7 outputs .*"
                                         r"y\[:, :, None\]"):
        ALRNNRegressor(**settings).fit(X, running_sums)


def test_score_counts_only_the_steps_that_step_weight_says_carry_a_target():
    # Steps of weight 0 have no target: fit ignores them, and score must too (cross-validation
    # scored them, with whatever filler the table held there).
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 6, 2))
    targets = np.cumsum(X[:, :, :1], axis=1)
    weights = (rng.rand(40, 6) < 0.5).astype(float)
    weights[:, -1] = 1
    filled = np.where(weights[:, :, None] > 0, targets, 100.0)  # filler where there is no target
    settings = dict(n_hidden=6, max_iter=20, random_state=0)
    labels = np.where(weights > 0, (targets[:, :, 0] > 0).astype(int), 7)  # 7: a filler class
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        regressor = ALRNNRegressor(**settings).fit(X, filled, step_weight=weights)
        classifier = ALRNNClassifier(per_step=True, **settings).fit(X, labels, step_weight=weights)
    as_missing = np.where(weights[:, :, None] > 0, targets, np.nan)
    assert regressor.score(X, filled, step_weight=weights) == pytest.approx(regressor.score(X, as_missing))
    assert regressor.score(X, filled, step_weight=list(weights)) == regressor.score(X, filled, step_weight=weights)
    assert regressor.score(X, filled) < 0 < regressor.score(X, filled, step_weight=weights)
    counted = weights > 0
    accuracy = np.mean(classifier.predict(X)[counted] == labels[counted])
    assert classifier.score(X, labels, step_weight=weights) == pytest.approx(accuracy)
    with pytest.raises(ValueError, match="step_weight weighs per-step targets; this model predicts one target per"):
        ALRNNRegressor(**settings).fit(X, targets[:, -1, 0]).score(X, targets[:, -1, 0], step_weight=weights)
    with pytest.raises(ValueError, match=r"step_weight must have shape \(n_samples, n_timesteps\) = \(40, 6\)"):
        regressor.score(X, filled, step_weight=weights[:, :3])


def test_cross_validation_routes_step_weight_to_fit_and_score():
    rng = np.random.RandomState(1)
    X = rng.normal(size=(30, 5, 1))
    targets = np.cumsum(X, axis=1)
    weights = np.ones((30, 5))
    weights[:, :2] = 0
    filled = np.where(weights[:, :, None] > 0, targets, -50.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with sklearn.config_context(enable_metadata_routing=True):
            model = ALRNNRegressor(n_hidden=6, max_iter=20, random_state=0)
            model.set_fit_request(step_weight=True).set_score_request(step_weight=True)
            routed = cross_val_score(model, X, filled, cv=3, params={"step_weight": weights})
        # Outside the routing context: scikit-learn 1.6.0's cross_val_score fails there without params.
        as_missing = cross_val_score(ALRNNRegressor(n_hidden=6, max_iter=20, random_state=0), X,
                                     np.where(weights[:, :, None] > 0, targets, np.nan), cv=3)
    np.testing.assert_allclose(routed, as_missing)


def test_per_step_labels_padded_as_the_sequences_are_read_as_each_sequences_own():
    # Label arrays as wide as X's NaN-padded time axis (None past each end) were refused as the
    # wrong length for the shorter sequences.
    rng = np.random.RandomState(2)
    X = rng.normal(size=(20, 6, 2))
    X[::2, 4:] = np.nan
    labels = np.where(np.nan_to_num(X[:, :, 0]) > 0, "up", "down").astype(object)
    labels[::2, 4:] = None
    settings = dict(per_step=True, n_hidden=6, max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from_2d = ALRNNClassifier(**settings).fit(X, labels)
        padded = ALRNNClassifier(**settings).fit(X, list(labels))
        trimmed = ALRNNClassifier(**settings).fit(X, [row[:4] if i % 2 == 0 else row for i, row in enumerate(labels)])
    np.testing.assert_array_equal(padded.W_, from_2d.W_)
    np.testing.assert_array_equal(trimmed.W_, from_2d.W_)
    weights = np.where(rng.rand(20, 6) < 0.7, 1.0, 0.0)
    weights[:, 0] = 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        weighted_2d = ALRNNClassifier(**settings).fit(X, labels, step_weight=weights)
        weighted_list = ALRNNClassifier(**settings).fit(X, labels, step_weight=list(weights))
    np.testing.assert_array_equal(weighted_list.W_, weighted_2d.W_)
    assert padded.score(X, labels, step_weight=list(weights)) == padded.score(X, labels, step_weight=weights)
    # X padded past its longest sequence (a fixed width), the labels and weights only to it: refused before
    wide = np.concatenate([X, np.full((20, 3, 2), np.nan)], axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.testing.assert_array_equal(ALRNNClassifier(**settings).fit(wide, labels, step_weight=weights).W_,
                                      weighted_2d.W_)
    assert weighted_2d.score(wide, labels, step_weight=weights) == weighted_2d.score(X, labels, step_weight=weights)
    with pytest.raises(ValueError, match=r"n_timesteps >= 6 \(X's longest sequence\).*got y of shape \(20, 5\)"):
        ALRNNClassifier(**settings).fit(wide, labels[:, :5])
    with pytest.raises(ValueError, match=r"step_weight must have shape \(n_samples, n_timesteps\) = \(20, 9\)"):
        ALRNNClassifier(**settings).fit(wide, labels, step_weight=weights[:, :5])
    with pytest.raises(ValueError, match=r"y\[0\] has shape \(5,\); sequence 0 has 4 steps"):
        ALRNNClassifier(**settings).fit(X, [row[:5] for row in labels])


def test_per_step_predict_answers_a_list_for_a_column_of_recordings():
    # A pandas Series of recordings (a DataFrame column) is read as the list it holds, and was
    # answered with a padded 2-D array of labels past each recording's end.
    rng = np.random.RandomState(3)
    recordings = [rng.normal(size=(n, 2)) for n in rng.randint(3, 9, size=24)]
    labels = [(recording[:, 0] > 0).astype(int) for recording in recordings]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ALRNNClassifier(per_step=True, n_hidden=6, max_iter=3, random_state=0).fit(recordings, labels)
    from_column = model.predict(pd.Series(recordings))
    assert isinstance(from_column, list) and [len(p) for p in from_column] == [len(r) for r in recordings]
    for from_series, from_list in zip(from_column, model.predict(recordings)):
        np.testing.assert_array_equal(from_series, from_list)
