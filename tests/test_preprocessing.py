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
