"""Sets of labels per sequence: a y of 0 / 1 columns (MultiLabelBinarizer's output), one sigmoid
per label, as scikit-learn's MLPClassifier learns them."""

import numpy as np
import pytest
import scipy.sparse
from scipy.special import expit
from sklearn.metrics import accuracy_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MultiLabelBinarizer

from sklearn_alrnn import ALRNNClassifier, SequenceTokenizer, io


def _label_sets(n, seed):
    """Three labels a sequence may carry at once, each read from a different part of it: the sign
    of the first feature's first three steps, of the second feature's last three, and whether the
    first feature's running sum ever passes 2."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 15, 2))
    Y = np.c_[X[:, :3, 0].sum(1) > 0, X[:, -3:, 1].sum(1) > 0, np.cumsum(X[:, :, 0], axis=1).max(1) > 2]
    return X, Y.astype(np.int64)


@pytest.fixture(scope="module")
def label_sets_fit():
    X, Y = _label_sets(500, 0)
    return ALRNNClassifier(random_state=0, max_iter=150).fit(X[:400], Y[:400]), X[400:], Y[400:]


def test_sets_of_labels_are_learned_label_by_label_and_predicted_in_the_columns_of_y(label_sets_fit):
    model, X_test, Y_test = label_sets_fit
    assert model.classes_.tolist() == [0, 1, 2]
    predicted = model.predict(X_test)
    assert predicted.shape == Y_test.shape and predicted.dtype == np.int64
    assert ((predicted == Y_test).mean(axis=0) > 0.8).all()
    # Subset accuracy (every label of a set right), well above the most frequent set's share.
    _, counts = np.unique(Y_test, axis=0, return_counts=True)
    assert model.score(X_test, Y_test) == accuracy_score(Y_test, predicted) > counts.max() / len(Y_test) + 0.25
    proba = model.predict_proba(X_test)
    np.testing.assert_allclose(proba, expit(model.decision_function(X_test)), rtol=1e-12)
    np.testing.assert_allclose(model.predict_log_proba(X_test), np.log(proba), rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(predicted, proba > 0.5)
    assert np.ptp(proba.sum(axis=1)) > 0.5  # a probability per label, not a distribution over them
    # pandas' nullable tables (scikit-learn's accuracy_score fails on them) score as their values do
    pandas = pytest.importorskip("pandas")
    table = pandas.DataFrame(Y_test.astype(bool), columns=["first", "last", "passes"]).astype("boolean")
    assert model.score(X_test, table) == model.score(X_test, Y_test)
    model_of_table = ALRNNClassifier(n_hidden=4, max_iter=1, random_state=0).fit(X_test, table)
    np.testing.assert_array_equal(model_of_table.classes_, [0, 1, 2])


def test_a_network_trained_elsewhere_with_a_sigmoid_per_label_answers_its_logits():
    # One linear unit sums the inputs; label 0 is "sum above 0", label 1 "sum below -1", label 2 "sum above 1".
    model = ALRNNClassifier.from_parameters([1.0], [[0.0]], [0.0], [[1.0]], [[4.0], [-4.0], [4.0]],
                                            b=[0.0, -4.0, -4.0], n_nonlinear=0, multilabel=True)
    X = np.array([[0.5, 1.0], [-1.0, -1.0], [0.25, -0.5]])
    sums = X.sum(axis=1)
    np.testing.assert_allclose(model.predict_proba(X), expit(np.c_[4 * sums, -4 * sums - 4, 4 * sums - 4]))
    np.testing.assert_array_equal(model.predict(X), [[1, 0, 1], [0, 1, 0], [0, 0, 0]])
    per_step = ALRNNClassifier.from_parameters([1.0], [[0.0]], [0.0], [[1.0]], [[4.0], [-4.0], [4.0]],
                                               b=[0.0, -4.0, -4.0], n_nonlinear=0, multilabel=True, per_step=True)
    running = np.cumsum(X, axis=1)[..., None]
    np.testing.assert_allclose(per_step.predict_proba(X), expit(np.concatenate(
        [4 * running, -4 * running - 4, 4 * running - 4], axis=-1)))
    with pytest.raises(ValueError, match="true only without classes"):
        ALRNNClassifier.from_parameters([1.0], [[0.0]], [0.0], [[1.0]], [[1.0], [2.0]], n_nonlinear=0,
                                        classes=["a", "b"], multilabel=True)


def test_a_saved_model_of_label_sets_answers_alike_and_forged_files_are_refused(label_sets_fit, tmp_path):
    model, X_test, _ = label_sets_fit
    path = tmp_path / "sets.npz"
    model.save(path)
    loaded = io.load(path)
    np.testing.assert_array_equal(loaded.predict(X_test), model.predict(X_test))
    np.testing.assert_array_equal(loaded.predict_proba(X_test), model.predict_proba(X_test))

    def forged(classes=None, **changes):
        metadata, arrays = io._read(path)
        metadata["fitted"] |= changes
        arrays["classes_"] = arrays["classes_"] if classes is None else classes
        metadata.pop("checksum")
        io._write(tmp_path / "forged.npz", metadata, arrays)  # a consistent file, as another writer would make
        return tmp_path / "forged.npz"

    with pytest.raises(ValueError, match="multilabel='yes' is not true or false"):
        io.load(forged(multilabel="yes"))
    with pytest.raises(ValueError, match=r"classes 0 .. 2 \(one per output\); got classes_ \[5, 6, 7\]"):
        io.load(forged(classes=np.array([5, 6, 7])))


def test_partial_fit_and_warm_start_keep_the_kind_of_labels_they_began_with():
    X, Y = _label_sets(60, 1)
    model = ALRNNClassifier(n_hidden=8, random_state=0)
    with pytest.raises(ValueError, match=r"classes \[0, 1, 2\] \(its columns\); the model's classes are \[0, 1\]"):
        model.partial_fit(X, Y, classes=[0, 1])
    model.partial_fit(X, Y, classes=[0, 1, 2]).partial_fit(X, Y)
    assert model.n_iter_ == 2
    with pytest.raises(ValueError, match="fitted on sets of labels"):
        model.partial_fit(X, Y[:, 0])
    with pytest.raises(ValueError, match=r"classes \[0, 1\] \(its columns\); the model's classes are \[0, 1, 2\]"):
        model.partial_fit(X, Y[:, :2])
    assert model.n_iter_ == 2  # the refused calls changed nothing
    single = ALRNNClassifier(n_hidden=8, max_iter=2, warm_start=True, random_state=0).fit(X, Y[:, 0])
    with pytest.raises(ValueError, match="fitted on one label per sequence"):
        single.fit(X, Y)


def test_a_y_of_columns_that_is_no_set_of_labels_is_refused_by_name():
    X, Y = _label_sets(20, 2)
    model = ALRNNClassifier(n_hidden=8, max_iter=1)
    # scikit-learn's type_of_target calls any two integers an indicator; 1 and 3 are no set of labels
    for y in (Y * 2 + 1, np.where(Y == 1, "yes", "no"), np.c_[Y[:, 0], Y[:, 0] * 2]):
        with pytest.raises(ValueError, match=r"Got y of shape \(20, \d\) with values other than the numbers 0 and 1"):
            model.fit(X, y)
    tags = [["up", "left"], ["down"]] * 10  # the labels themselves, not yet as columns
    for y in (tags, [set(labels) for labels in tags]):
        with pytest.raises(ValueError, match=r"collection of labels for each sequence.*MultiLabelBinarizer\(\)"):
            model.fit(X, y)
    with pytest.raises(ValueError, match="Input y contains NaN: 1 sequence.* the first 4.*every sequence.$"):
        model.fit(X, np.where(np.arange(20)[:, None] == 4, np.nan, Y))
    per_step_labels = np.where(np.arange(15) > 10, np.nan, X[:, :, 0] > 0)  # NaN: no label at those steps
    with pytest.raises(ValueError, match=r"Input y contains NaN: 20 sequence.*pass per_step=True\.$"):
        model.fit(X, per_step_labels)
    with pytest.warns(UserWarning, match="15 columns of 0 and 1, as many as X has time steps.*per_step=True"):
        model.fit(X, (X[:, :, 0] > 0).astype(int))


def test_tagged_texts_learn_their_tags_through_a_pipeline_with_dense_or_sparse_indicators():
    # Each text carries the tags whose words it holds, among filler words, in any order.
    rng = np.random.RandomState(0)
    topics, fillers = ["sport", "music", "food", "travel"], "the a of and in on with it was very".split()
    texts, tags = [], []
    for _ in range(400):
        held = [topic for topic in topics if rng.uniform() < 0.35]
        words = held + list(rng.choice(fillers, size=rng.randint(2, 8)))
        texts.append(" ".join(rng.permutation(words)))
        tags.append(held)
    for sparse in (False, True):
        binarizer = MultiLabelBinarizer(sparse_output=sparse)
        Y = binarizer.fit_transform(tags)
        assert scipy.sparse.issparse(Y) == sparse
        model = make_pipeline(SequenceTokenizer(), ALRNNClassifier(random_state=0)).fit(texts[:300], Y[:300])
        found = binarizer.inverse_transform(model.predict(texts[300:]))
        assert np.mean([set(found_tags) == set(text_tags) for found_tags, text_tags in zip(found, tags[300:])]) > 0.9


def test_early_stopping_scores_the_share_of_labels_right(label_sets_fit):
    model, _, _ = label_sets_fit
    logits = np.array([[2.0, -1.0, 3.0], [-2.0, 1.0, -0.5]])
    Y = np.array([[1.0, 1.0, 1.0], [0.0, 1.0, 0.0]])  # 2 of 3 labels right, then 3 of 3
    lengths = np.array([5, 5])
    assert model._validation_score(logits, Y, lengths, None, None) == pytest.approx(5 / 6)
    assert model._validation_score(logits, Y, lengths, np.array([3.0, 1.0]), None) == pytest.approx((3 * 2 / 3 + 1) / 4)
    X, Y = _label_sets(120, 3)
    stopped = ALRNNClassifier(n_hidden=8, early_stopping=True, max_iter=30, random_state=0).fit(X, Y)
    # 12 held-out sequences (validation_fraction 0.1) of 3 labels: shares of 36 labels, not of 12 whole sets
    scores = np.array(stopped.validation_scores_) * 36
    np.testing.assert_allclose(scores, np.round(scores), atol=1e-9)
    assert np.any(np.abs(scores / 3 - np.round(scores / 3)) > 1e-6)


def _step_label_sets(n, seed):
    """Three labels at every step: the running sum of the first feature is positive, the second
    feature is positive now, the first feature was above 1 one step before."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 20, 2))
    before = np.c_[np.zeros((n, 1), bool), X[:, :-1, 0] > 1]
    return X, np.stack([np.cumsum(X[:, :, 0], axis=1) > 0, X[:, :, 1] > 0, before], axis=-1).astype(np.int64)


def test_sets_of_labels_at_every_step_are_learned_and_predicted_per_step(tmp_path):
    X, Y = _step_label_sets(300, 0)
    model = ALRNNClassifier(per_step=True, random_state=0, max_iter=100).fit(X[:200], Y[:200])
    predicted = model.predict(X[200:])
    assert predicted.shape == (100, 20, 3) and predicted.dtype == np.int64
    assert ((predicted == Y[200:]).mean(axis=(0, 1)) > 0.95).all()
    assert model.score(X[200:], Y[200:]) == pytest.approx(np.all(predicted == Y[200:], axis=-1).mean())
    np.testing.assert_allclose(model.predict_proba(X[200:]), expit(model.decision_function(X[200:])))
    # Sequences of their own lengths answer with their own steps (the network runs forward only).
    prefixes = [x[:length] for x, length in zip(X[200:210], range(5, 15))]
    for answer, full, length in zip(model.predict(prefixes), predicted, range(5, 15)):
        np.testing.assert_array_equal(answer, full[:length])
    labels = [y[:length] for y, length in zip(Y[200:210], range(5, 15))]
    right = np.concatenate([np.all(p[:length] == y, axis=-1) for p, y, length in zip(predicted, labels, range(5, 15))])
    assert model.score(prefixes, labels) == pytest.approx(right.mean())
    model.save(tmp_path / "steps.npz")
    np.testing.assert_array_equal(io.load(tmp_path / "steps.npz").predict(X[200:]), predicted)
    with pytest.raises(ValueError, match=r"sets of 3 labels per step: expected y of shape \(n_samples, n_timesteps, 3\)"):
        model.score(X[200:], Y[200:, :, :2])


def test_a_nan_in_a_steps_labels_is_a_step_without_labels_as_a_step_weight_of_0_is():
    X, Y = _step_label_sets(40, 1)
    unlabelled = Y.astype(float)
    unlabelled[:, :4, 1] = np.nan  # one NaN leaves out the step's whole set
    weights = np.ones((40, 20))
    weights[:, :4] = 0
    settings = dict(n_hidden=8, per_step=True, max_iter=3, random_state=0)
    with_nan = ALRNNClassifier(**settings).fit(X, unlabelled)
    weighted = ALRNNClassifier(**settings).fit(X, Y, step_weight=weights)
    for name in ("a_", "W_", "h_", "C_", "B_", "b_"):
        np.testing.assert_array_equal(getattr(with_nan, name), getattr(weighted, name))
    with pytest.raises(ValueError, match="y's sets of labels cover 5 time steps; X's longest sequence has 20"):
        ALRNNClassifier(**settings).fit(X, Y[:, :5])
