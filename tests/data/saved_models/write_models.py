"""Write small fitted models with an earlier sklearn_alrnn, and what they predicted then.

``tests/test_io.py`` loads the files with the package as it is and asks for the same answers: a model
file a user saved must keep its predictions. Run with the earlier version first on the path::

    git worktree add /tmp/alrnn-e844e98 e844e98
    PYTHONPATH=/tmp/alrnn-e844e98 python tests/data/saved_models/write_models.py tests/data/saved_models/e844e98

Folders: ``e844e98`` (2026-11-27, the first day: model-file format 1, the classifier and the
regressor), ``19aaba7`` (2026-11-30: format 2, every kind of model then: per-step and token
classifiers, forecasters with and without exogenous inputs).
"""

import os
import sys
import warnings

import numpy as np

import sklearn_alrnn
from sklearn_alrnn import ALRNNClassifier, ALRNNRegressor

warnings.simplefilter("ignore")  # too few epochs to converge, on purpose


def main(folder):
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 12, 2))
    classes = np.array(["aa", "bé", "c"])[(X[:, :, 0].sum(1) > 0).astype(int) + (X[:, :, 1].sum(1) > 1)]
    targets = np.c_[X[:, :, 0].sum(1), X[:, -1, 1]]
    step_labels = (np.cumsum(X[:, :, 0], axis=1) > 0).astype(int)
    tokens = rng.integers(0, 9, size=(40, 12))
    steps = 0.05 * np.arange(1500)
    series = np.c_[np.sin(steps) + 0.1 * np.sin(3.1 * steps), np.cos(1.3 * steps)]
    small = dict(n_hidden=6, n_nonlinear=2, max_iter=4, random_state=0)
    fits = {
        "classifier": lambda: ALRNNClassifier(**small).fit(X, classes),
        "regressor": lambda: ALRNNRegressor(**small).fit(X, targets),
        "per_step_classifier": lambda: ALRNNClassifier(per_step=True, **small).fit(X, step_labels),
        "token_classifier": lambda: ALRNNClassifier(input_type="tokens", **small).fit(tokens, (tokens == 3).sum(1) > 1),
        "forecaster": lambda: sklearn_alrnn.ALRNNForecaster(**{**small, "max_iter": 3}).fit(series),
        "driven_forecaster": lambda: sklearn_alrnn.ALRNNForecaster(**{**small, "max_iter": 3}).fit(
            series[:, :1], exog=series[:, 1:]),
    }
    inputs = {"token_classifier": tokens[:8], "forecaster": series[:200], "driven_forecaster": series[:200, :1]}
    expected = {}
    for name, fit in fits.items():
        try:
            model = fit()
        except (TypeError, AttributeError) as exc:  # not in this version
            print(f"{name}: {exc}")
            continue
        sklearn_alrnn.io.save(model, os.path.join(folder, f"{name}.alrnn.npz"))
        data = expected[f"{name}/input"] = inputs.get(name, X[:8])
        if name == "driven_forecaster":
            expected[f"{name}/exog"] = series[:200, 1:]
            expected[f"{name}/predict"] = model.predict(data, exog=series[:200, 1:])
            continue
        expected[f"{name}/predict"] = model.predict(data)
        if name == "forecaster":
            expected[f"{name}/generate"] = model.generate(30)
        elif name != "regressor":
            expected[f"{name}/predict_proba"] = model.predict_proba(data)
    np.savez_compressed(os.path.join(folder, "expected.npz"), **expected)


if __name__ == "__main__":
    main(sys.argv[1])
