"""One AL-RNN learns nine cognitive tasks; with few nonlinear units the tasks share linear regimes.

Fits ``ALRNNClassifier(per_step=True)`` on ``datasets.make_multitask`` (Yang et al.-style go,
anti, delayed, decision-making, context-dependent and match-to-sample tasks with rule inputs)
for P = 2 and P = M, prints each task's accuracy and the regime sharing between tasks
(``RegimeDecomposer.sharing``), and plots the sharing at P = 2. Saves multitask_regimes.png.
Run: python examples/multitask_regimes.py
"""

import warnings

import matplotlib

matplotlib.use("Agg")

from sklearn_alrnn import ALRNNClassifier, RegimeDecomposer
from sklearn_alrnn.datasets import make_multitask
from sklearn_alrnn.plotting import plot_regime_sharing

train = make_multitask(9000, random_state=0)
test = make_multitask(2000, random_state=1)
for P in (2, 32):
    model = ALRNNClassifier(n_nonlinear=P, per_step=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(train.X, train.y, step_weight=train.step_weight)
    correct = model.predict(test.X)[:, -1] == test.y[:, -1]
    print(f"P={P}: " + ", ".join(f"{t} {correct[test.task == t].mean():.2f}" for t in test.tasks))
    sharing = RegimeDecomposer(model, prefit=True).fit(test.X).sharing(test.X, test.task)
    print(f"  regime sharing between tasks (mean overlap): {sharing.mean_overlap:.2f}")
    if P == 2:
        axes = plot_regime_sharing(sharing, P)
        axes[0].figure.tight_layout()
        axes[0].figure.savefig("multitask_regimes.png", dpi=120)
print("saved multitask_regimes.png")
