"""Token inputs (input_type="tokens"): the embedding path against one-hot dense input, gradients,
a learned token task, persistence, regime analysis and bad ids."""

import pickle
import warnings

import numpy as np
import pytest

from sklearn_alrnn import ALRNNClassifier, ALRNNRegressor, RegimeDecomposer, SequenceTokenizer, load
from sklearn_alrnn._kernels.cpu import CPUEngine
from sklearn_alrnn._kernels.inputs import one_hot_inputs
from sklearn_alrnn._kernels.reference import ReferenceEngine
from sklearn_alrnn._loss import loss_and_gradients
from sklearn_alrnn._model import PARAMETER_NAMES, initialize_parameters
from sklearn_alrnn._tokens import TokenSequences

V, M = 11, 6


def _token_batch(seed=0, n=7, T=9):
    rng = np.random.RandomState(seed)
    lengths = np.array([9, 4, 1, 7, 9, 2, 5])[:n]
    ids = rng.randint(0, V, size=(n, T))
    ids[np.arange(T)[None] >= lengths[:, None]] = -1
    params = initialize_parameters(M, V, 3, rng, embedding=True)
    params["W"] = 0.4 * rng.normal(size=(M, M))
    params["h"] = 0.2 * rng.normal(size=M)
    return params, ids, lengths, rng


@pytest.mark.parametrize("readout", ["last", "max"])
@pytest.mark.parametrize("per_step", [False, True])
def test_token_ids_give_the_loss_and_gradients_of_one_hot_input(per_step, readout):
    params, ids, lengths, rng = _token_batch()
    Y = rng.normal(size=(len(ids), ids.shape[1], 3) if per_step else (len(ids), 3))
    kwargs = dict(per_step=per_step, readout=readout, alpha=0.01, loss="squared_error")
    dense = one_hot_inputs(ids, V, np.float64)
    for engine in (CPUEngine(M, 2), CPUEngine(M, 2, n_threads=3), ReferenceEngine(M, 2)):
        value, grads = loss_and_gradients(params, ids, lengths, Y, engine=engine, **kwargs)
        expected, expected_grads = loss_and_gradients(params, dense, lengths, Y, engine=CPUEngine(M, 2), **kwargs)
        assert value == pytest.approx(expected, rel=1e-13)
        for name in PARAMETER_NAMES:
            np.testing.assert_allclose(grads[name], expected_grads[name], rtol=1e-11, atol=1e-13, err_msg=name)


def test_embedding_gradient_matches_central_differences_on_a_ragged_batch():
    params, ids, lengths, rng = _token_batch(seed=3)
    Y = rng.normal(size=(len(ids), 3))
    kwargs = dict(engine=CPUEngine(M, 2), readout="mean", loss="squared_error", alpha=0.0, per_step=False)
    _, grads = loss_and_gradients(params, ids, lengths, Y, **kwargs)
    C = params["C"]
    numeric = np.zeros_like(C)
    for idx in np.ndindex(C.shape):
        original = C[idx]
        values = []
        for shift in (1e-6, -1e-6):
            C[idx] = original + shift
            values.append(loss_and_gradients(params, ids, lengths, Y, **kwargs)[0])
        C[idx] = original
        numeric[idx] = (values[0] - values[1]) / 2e-6
    unread = np.setdiff1d(np.arange(V), ids[ids >= 0])
    assert np.all(grads["C"][:, unread] == 0)  # a token never read gets no gradient
    assert np.linalg.norm(grads["C"] - numeric) / np.linalg.norm(numeric) < 1e-6


def _contains_token(n, seed, target=3):
    rng = np.random.RandomState(seed)
    X = [rng.randint(0, 40, size=rng.randint(3, 15)) for _ in range(n)]
    return X, np.array([int(target in x) for x in X])


@pytest.fixture(scope="module")
def token_classifier():
    X, y = _contains_token(400, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ALRNNClassifier(n_hidden=8, n_nonlinear=2, input_type="tokens", random_state=0).fit(X, y)


def test_learns_whether_a_token_occurs(token_classifier):
    X, y = _contains_token(300, 1)
    assert token_classifier.n_tokens_ == token_classifier.n_features_in_ == 40
    assert token_classifier.C_.shape == (8, 40)
    assert token_classifier.score(X, y) >= 0.95


def test_padded_array_and_list_of_ids_agree(token_classifier):
    X, _ = _contains_token(20, 2)
    padded = np.full((20, max(map(len, X))), -1)
    for i, x in enumerate(X):
        padded[i, : len(x)] = x
    np.testing.assert_array_equal(token_classifier.predict_proba(padded), token_classifier.predict_proba(X))
    states = token_classifier.hidden_states(X)
    assert states.shape == (20, padded.shape[1], 8) and np.isnan(states[np.argmin(list(map(len, X))), -1]).all()


def test_a_dense_model_with_the_same_weights_reads_one_hot_input_the_same(token_classifier):
    X, y = _contains_token(30, 4)
    dense = ALRNNClassifier(n_hidden=8, n_nonlinear=2, max_iter=1, elapsed_steps=False, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        one_hot = [np.eye(40)[x] for x in X]
        dense.fit(one_hot, y)
    for name in PARAMETER_NAMES:
        setattr(dense, name + "_", getattr(token_classifier, name + "_").copy())
    np.testing.assert_allclose(dense.predict_proba(one_hot), token_classifier.predict_proba(X), rtol=1e-12)


def test_save_load_and_pickle_keep_a_token_model(token_classifier, tmp_path):
    X, _ = _contains_token(25, 5)
    path = tmp_path / "tokens.alrnn.npz"
    token_classifier.save(path)
    for copy in (load(path), pickle.loads(pickle.dumps(token_classifier))):
        assert copy.n_tokens_ == 40
        np.testing.assert_array_equal(copy.predict_proba(X), token_classifier.predict_proba(X))


def test_regime_decomposer_reads_token_sequences(token_classifier):
    X, _ = _contains_token(50, 6)
    decomposer = RegimeDecomposer(token_classifier, prefit=True).fit(X)
    codes = decomposer.transform(X[:5])
    assert codes.shape == (5, max(map(len, X[:5])))
    assert 1 <= decomposer.n_regimes_ <= 4


def test_token_regressor_sums_token_values():
    rng = np.random.RandomState(0)
    values = rng.normal(size=12)
    X = [rng.randint(0, 12, size=rng.randint(2, 8)) for _ in range(600)]
    y = np.array([values[x].sum() for x in X])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ALRNNRegressor(n_hidden=6, n_nonlinear=0, input_type="tokens", readout="last", random_state=0)
        model.fit(X[:500], y[:500])  # a sum: the last state of an integrator
    assert model.score(X[500:], y[500:]) > 0.95


@pytest.mark.parametrize(
    "X, error, message",
    [
        ([[1, 2], [41]], ValueError, r"Token id 41 \(sequence 1, step 0\) is outside the 40 tokens seen in fit"),
        ([[1.0, 2.0]], TypeError, "Token ids must be integers; sequence 0 has dtype float64"),
        (np.array([[1, -1, 2]]), ValueError, "sequence 0 has -1 at step 1"),
        ([[1, 2], []], ValueError, "Token sequence 1 is empty"),
        ([[]], ValueError, "Token sequence 0 is empty"),  # was NumPy's "argmax of an empty sequence"
        ([[2], [-5]], ValueError, r"sequence 1 has -5 at step 0"),  # was "Token sequence 1 is empty"
        (np.zeros((2, 3, 1), dtype=int), ValueError, r"Token input must be 2-D .* X has shape \(2, 3, 1\)"),
        ([["a", "b"]], TypeError, "Token ids must be integers"),
    ],
)
def test_bad_token_input_is_named(token_classifier, X, error, message):
    with pytest.raises(error, match=message):
        token_classifier.predict(X)


def test_a_first_fit_refuses_ids_too_sparse_for_a_vocabulary():
    # Id 1e9 asked for 1e9 + 1 input columns: a 30 GiB allocation (MemoryError) instead of a word.
    with pytest.raises(ValueError, match=r"Token id 1000000000 \(sequence 1, step 1\) asks for a vocabulary of "
                                         r"1000000001 ids, more than 16777216; map the tokens to consecutive ids"):
        ALRNNClassifier(n_hidden=4, max_iter=1, input_type="tokens").fit([[0, 1], [2, 10**9]], [0, 1])


def test_continuing_a_token_fit_with_dense_input_is_refused(token_classifier):
    from sklearn.base import clone

    model = clone(token_classifier).set_params(max_iter=1, warm_start=True)
    X, y = _contains_token(40, 7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    with pytest.raises(ValueError, match="fitted on token input"):
        model.set_params(input_type="dense").fit(np.zeros((4, 3, 1)), [0, 1, 0, 1])


def test_long_token_sequences_train_at_a_smaller_step_without_exploding_losses():
    # Documents of 300 tokens: whether token 0 is more frequent than token 1. At the
    # classifier's short-sequence step of 5e-3 this fit's epoch losses rise to 5.3, above the bound
    # (on DNA and speeches to 1e10-1e62: RESULTS.md, "Long token sequences"); "auto" starts at 1e-3
    # there and keeps 5e-3 for short token and dense sequences.
    rng = np.random.RandomState(0)
    frequencies = rng.dirichlet(np.ones(4), size=300)
    X = [rng.choice(4, size=300, p=p) for p in frequencies]
    y = (frequencies[:, 0] > frequencies[:, 1]).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ALRNNClassifier(input_type="tokens", max_iter=40, random_state=0).fit(X[:200], y[:200])
        short = ALRNNClassifier(input_type="tokens", max_iter=1, random_state=0).fit([x[:20] for x in X], y)
        dense = ALRNNClassifier(max_iter=1, random_state=0).fit(rng.normal(size=(20, 300, 1)), y[:20])
    assert model._optimizer.learning_rate_init == pytest.approx(1e-3)
    assert max(model.loss_curve_) < 5 * np.log(2)
    assert model.score(X[200:], y[200:]) >= 0.9
    assert short._optimizer.learning_rate_init == dense._optimizer.learning_rate_init == pytest.approx(5e-3)


def test_n_tokens_declares_the_vocabulary_that_a_first_fit_may_not_hold_whole(tmp_path):
    # Ids of one's own tokenizer, split after: the training part's largest id set the vocabulary,
    # and the test part's larger ids were refused at predict.
    X, y = _contains_token(60, 7)
    assert max(max(seq) for seq in X) < 40
    params = {"n_hidden": 4, "max_iter": 2, "input_type": "tokens", "random_state": 0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ALRNNClassifier(n_tokens=60, **params).fit(X, y)
        assert model.n_tokens_ == model.n_features_in_ == 60 and model.C_.shape[1] == 60
        assert model.predict([[59, 3], [0]]).shape == (2,)
        model.save(tmp_path / "declared.alrnn")
        np.testing.assert_array_equal(load(tmp_path / "declared.alrnn").predict([[59, 3]]), model.predict([[59, 3]]))
        assert ALRNNClassifier(**params).fit(X, y).n_tokens_ <= 40  # undeclared: the largest id + 1
        with pytest.raises(ValueError, match=r"Token id 59 .* is outside the 40 tokens .* fit with n_tokens"):
            ALRNNClassifier(n_tokens=40, **params).fit(X, y).predict([[59]])
        with pytest.raises(ValueError, match=r"Token id 5 \(sequence 0, step 0\) is outside the 5 tokens"):
            ALRNNClassifier(n_tokens=5, **params).fit([[5, 1], [2]], [0, 1])


def test_tokenizer_outputs_joined_with_numpy_stay_token_sequences():
    # Texts tokenized in two parts and joined with np.concatenate were a plain object array, which
    # the default input_type reads as dense numbers (with a warning).
    tokenizer = SequenceTokenizer().fit(["a good film", "a bad film", "dull"])
    first, second = tokenizer.transform(["a good film"]), tokenizer.transform(["a bad film", "dull"])
    for joined in (np.concatenate([first, second]), np.hstack([first, second])):
        assert isinstance(joined, TokenSequences) and joined.n_tokens == tokenizer.n_tokens_
        assert [ids.tolist() for ids in joined] == [ids.tolist() for ids in [*first, *second]]
    plain = np.empty(1, dtype=object)
    plain[0] = np.array([1, 2])
    assert type(np.concatenate([first, plain])) is np.ndarray  # ids of unknown origin stay undeclared
    assert type(np.concatenate(list(second))) is np.ndarray  # the ids themselves are numbers
