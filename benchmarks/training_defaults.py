"""The experiments behind the training defaults (learning_rate_init, learning_rate, stop rule).

On the sign-memory task (label = sign of the sum of the first 5 of 30 noisy steps; 1200 train,
300 test sequences; M = 16, P = 2), prints for each setting and seed the test accuracy and the
number of epochs run.

Run: python benchmarks/training_defaults.py
"""

import warnings

import numpy as np

from sklearn_alrnn import ALRNNClassifier

SETTINGS = {
    "lr 1e-3, no stop, 150 epochs": dict(learning_rate_init=1e-3, max_iter=150, n_iter_no_change=10**6),
    "lr 3e-3, no stop, 150 epochs": dict(learning_rate_init=3e-3, max_iter=150, n_iter_no_change=10**6),
    "lr 1e-2, no stop, 150 epochs": dict(learning_rate_init=1e-2, max_iter=150, n_iter_no_change=10**6),
    "defaults, constant lr": dict(learning_rate="constant"),
    "defaults (adaptive lr)": dict(),
}


def main():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(1500, 30, 1))
    y = (X[:, :5, 0].sum(axis=1) > 0).astype(int)
    for name, params in SETTINGS.items():
        accuracies, epochs = [], []
        for seed in range(4):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                clf = ALRNNClassifier(n_hidden=16, n_nonlinear=2, random_state=seed, **params)
                clf.fit(X[:1200], y[:1200])
            accuracies.append(clf.score(X[1200:], y[1200:]))
            epochs.append(clf.n_iter_)
        print(f"{name:<30} accuracy {np.round(accuracies, 3)}  epochs {epochs}", flush=True)


if __name__ == "__main__":
    main()
