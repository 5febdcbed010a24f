"""SequenceScaler on 3-D, ragged and NaN-padded input."""

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline

from sklearn_alrnn import ALRNNClassifier, SequenceScaler, to_tslearn


def test_sequence_scaler_keeps_layout_and_padding():
    rng = np.random.RandomState(0)
    ragged = [rng.normal(loc=5, scale=3, size=(n, 2)) for n in (3, 8, 5)]
    scaler = SequenceScaler().fit(ragged)
    stacked = np.concatenate(ragged)
    np.testing.assert_allclose(scaler.mean_, stacked.mean(axis=0))
    np.testing.assert_allclose(scaler.scale_, stacked.std(axis=0))
    out = scaler.transform(ragged)
    assert [o.shape for o in out] == [(3, 2), (8, 2), (5, 2)]
    np.testing.assert_allclose(np.concatenate(out).mean(axis=0), 0, atol=1e-12)
    padded = to_tslearn(ragged)
    scaled = scaler.transform(padded)
    assert np.isnan(scaled[0, 3:]).all() and not np.isnan(scaled[0, :3]).any()
    np.testing.assert_allclose(scaler.inverse_transform(scaled)[1], ragged[1])
    assert scaler.get_feature_names_out().tolist() == ["x0", "x1"]
    with pytest.raises(ValueError, match="X has 3 features, but SequenceScaler is expecting 2"):
        scaler.transform(np.zeros((2, 4, 3)))


def test_pipeline_with_sequence_scaler_on_ragged_input():
    rng = np.random.RandomState(1)
    X = [rng.normal(loc=100, scale=20, size=(rng.randint(4, 12), 1)) for _ in range(120)]
    y = np.array([int(x[:2, 0].sum() > 200) for x in X])
    pipe = make_pipeline(SequenceScaler(), ALRNNClassifier(n_hidden=8, n_nonlinear=2, random_state=0, max_iter=150))
    pipe.fit(X, y)
    assert pipe.score(X, y) > 0.8


def test_a_pipeline_on_sequences_given_as_dataframes_checks_their_column_names():
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    sequences = [pd.DataFrame(rng.normal(size=(4 + i % 3, 2)) * [1, 50], columns=["a", "b"]) for i in range(20)]
    y = np.arange(20) % 2
    pipe = make_pipeline(SequenceScaler(), ALRNNClassifier(n_hidden=4, max_iter=2, random_state=0)).fit(sequences, y)
    np.testing.assert_array_equal(pipe[0].feature_names_in_, ["a", "b"])
    np.testing.assert_array_equal(pipe[0].get_feature_names_out(), ["a", "b"])
    with pytest.raises(ValueError, match=r"\['a', 'b'\] were fitted, the sequences have \['b', 'a'\]"):
        pipe.predict([s[["b", "a"]] for s in sequences])  # the scaler would have scaled b by a's moments


def test_sequence_scaler_standardises_values_near_the_float_limit():
    X = np.random.RandomState(0).normal(size=(4, 6, 2)) * 1e300
    scaler = SequenceScaler().fit(X)
    assert np.all(np.isfinite(scaler.scale_)) and np.all(scaler.scale_ > 1e299)
    scaled = scaler.transform(X)
    np.testing.assert_allclose(scaled.reshape(-1, 2).std(axis=0), 1.0, rtol=1e-12)
    np.testing.assert_allclose(scaler.inverse_transform(scaled), X, rtol=1e-10)


@pytest.mark.parametrize("configure", ["global", "pipeline"])
def test_sequence_transformers_keep_arrays_under_pandas_output(configure):
    # scikit-learn's pandas output used to wrap SequenceScaler's 3-D output ("Must pass 2-d input"),
    # and the tokenizer's id lists and the regime codes of sequences longer than those fitted with
    # too few column names. Sequences stay arrays; the regime codes become a table of every step.
    import sklearn

    from sklearn_alrnn import RegimeDecomposer, SequenceTokenizer

    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(20, 10, 2)), np.array([0, 1] * 10)
    texts = ["good film", "bad film"] * 5
    scaled = make_pipeline(SequenceScaler(), ALRNNClassifier(n_hidden=4, max_iter=2, random_state=0))
    tokens = make_pipeline(SequenceTokenizer(), ALRNNClassifier(n_hidden=4, max_iter=2, input_type="tokens"))
    regimes = make_pipeline(SequenceScaler(), RegimeDecomposer(ALRNNClassifier(n_hidden=4, max_iter=2)))
    with sklearn.config_context(transform_output="pandas" if configure == "global" else "default"):
        if configure == "pipeline":
            for pipeline in (scaled, tokens, regimes):
                pipeline.set_output(transform="pandas")
        assert scaled.fit(X, y).predict(X).shape == (20,)
        assert tokens.fit(texts, [0, 1] * 5).predict(["good", "film bad"]).shape == (2,)
        codes = regimes.fit(X, y).transform(rng.normal(size=(3, 15, 2)))
        assert list(codes.columns) == [f"step{t}" for t in range(15)] and codes.shape == (3, 15)


def test_sequence_imputer_fills_gaps_along_time_and_keeps_padding_and_layout():
    # The estimators refuse NaN inside a sequence and said to interpolate along time: a 3-D array of
    # gappy recordings (the archive's "?") took code of one's own.
    from sklearn_alrnn import SequenceImputer

    X = np.full((3, 6, 2), np.nan)
    X[0] = [[1, 10], [np.nan, 20], [np.nan, np.nan], [4, 40], [5, np.nan], [6, 60]]
    X[1, :4] = [[np.nan, 1], [2, np.nan], [3, 3], [np.nan, 4]]  # ends after 4 steps: padding beyond
    X[2, :3] = [[7, np.nan], [np.nan, np.nan], [9, np.nan]]  # its second feature has no value at all
    imputer = SequenceImputer().fit(X)
    np.testing.assert_allclose(imputer.statistics_, [37 / 8, 138 / 7])  # the known values' means
    filled = imputer.transform(X)
    np.testing.assert_allclose(filled[0], [[1, 10], [2, 20], [3, 30], [4, 40], [5, 50], [6, 60]])
    np.testing.assert_allclose(filled[1, :4], [[2, 1], [2, 2], [3, 3], [3, 4]])  # ends: the nearest value
    np.testing.assert_allclose(filled[2, :3], [[7, 138 / 7], [8, 138 / 7], [9, 138 / 7]])
    assert np.isnan(filled[1, 4:]).all() and np.isnan(filled[2, 3:]).all()  # padding stays padding
    assert np.isnan(X[0, 1, 0])  # the input is not changed in place

    previous = SequenceImputer(method="previous").fit(X)
    np.testing.assert_allclose(previous.transform(X)[0, :, 0], [1, 1, 1, 4, 5, 6])
    later_changed = X.copy()
    later_changed[0, 3:] = 99.0  # carrying values forward reads no later step
    np.testing.assert_allclose(previous.transform(later_changed)[0, :3], previous.transform(X)[0, :3])

    ragged = [X[0], X[1, :4]]  # a list stays a list of the same lengths; 2-D univariate stays 2-D
    assert [part.shape for part in imputer.transform(ragged)] == [(6, 2), (4, 2)]
    univariate = SequenceImputer().fit_transform(X[:2, :, 0])  # the second one's NaN at step 3 ends it there
    np.testing.assert_allclose(univariate, [filled[0, :, 0], [2, 2, 3, np.nan, np.nan, np.nan]])

    with pytest.raises(ValueError, match="Feature 1 has no value in any training sequence"):
        SequenceImputer().fit(X[2:])
    with pytest.raises(ValueError, match="X has 3 features, but SequenceImputer is expecting 2"):
        imputer.transform(np.zeros((2, 4, 3)))
    with pytest.raises(ValueError, match="infinity"):
        imputer.transform(np.where(np.isnan(X), np.inf, X))
    with pytest.raises(ValueError, match="method"):
        SequenceImputer(method="cubic").fit(X)


def test_a_pipeline_with_sequence_imputer_learns_sequences_with_gaps_the_classifier_refuses():
    from sklearn_alrnn import SequenceImputer

    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 20, 1))
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    gappy = np.where(rng.uniform(size=X.shape) < 0.1, np.nan, X)
    gappy[:, 0] = X[:, 0]  # no gap at a sequence's end, where NaN would read as padding
    gappy[:, -1] = X[:, -1]
    with pytest.raises(ValueError, match=r"NaN inside a sequence .*\(SequenceImputer in a Pipeline"):
        ALRNNClassifier(max_iter=2).fit(gappy, y)
    pipe = make_pipeline(SequenceImputer(), ALRNNClassifier(n_hidden=8, random_state=0)).fit(gappy[:80], y[:80])
    assert pipe.score(gappy[80:], y[80:]) >= 0.8
