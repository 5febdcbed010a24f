"""The main job for now: how many nonlinear units does a memory task need?

Trains an AL-RNN classifier for P = 0, 1, 2 ReLU units on a task that needs both
memory and gating (the label is the sign of the sum of the first 5 of 30 noisy
steps), with GridSearchCV over ``n_nonlinear``, and prints the test accuracy of
each P and how many of the 2**P linear regimes the trained networks use.

Run: python examples/demo.py
"""

import time

import numpy as np
from sklearn.model_selection import GridSearchCV, train_test_split

from sklearn_alrnn import ALRNNClassifier
from sklearn_alrnn._model import regime_codes


def make_task(n_samples=1500, n_timesteps=30, n_cue=5, random_state=0):
    rng = np.random.RandomState(random_state)
    X = rng.normal(size=(n_samples, n_timesteps, 1))
    y = (X[:, :n_cue, 0].sum(axis=1) > 0).astype(int)
    return X, y


def main():
    X, y = make_task()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
    start = time.perf_counter()
    search = GridSearchCV(
        ALRNNClassifier(n_hidden=16, random_state=0),
        {"n_nonlinear": [0, 1, 2]},
        cv=2,
        refit=False,
        verbose=1,
    ).fit(X_train, y_train)
    print(f"\nGrid search over n_nonlinear: {time.perf_counter() - start:.1f} s")
    print(f"{'P':>3} {'cv accuracy':>12} {'test accuracy':>14} {'regimes used':>13}")
    for P in (0, 1, 2):
        model = ALRNNClassifier(n_hidden=16, n_nonlinear=P, random_state=0).fit(X_train, y_train)
        codes = regime_codes(model.hidden_states(X_test), P)
        used = np.unique(codes[codes >= 0]).size
        cv = search.cv_results_["mean_test_score"][P]
        print(f"{P:>3} {cv:>12.3f} {model.score(X_test, y_test):>14.3f} {used:>6} of {2**P}")


if __name__ == "__main__":
    main()
