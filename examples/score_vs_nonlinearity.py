"""Score vs number of nonlinear units P on the adding problem and on context integration.

Saves score_vs_nonlinearity.png. Run: python examples/score_vs_nonlinearity.py
"""

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from sklearn_alrnn import ALRNNClassifier, ALRNNRegressor, datasets
from sklearn_alrnn.nonlinearity import nonlinearity_profile

warnings.simplefilter("ignore")
tasks = {
    "adding problem (R^2)": (datasets.make_addition(1200, 30, random_state=0), ALRNNRegressor),
    "context integration (accuracy)": (datasets.make_context_integration(1200, 30, random_state=0), ALRNNClassifier),
}
fig, axes = plt.subplots(2, 2, figsize=(10, 7))
for row, (name, ((X, y), model)) in zip(axes, tasks.items()):
    # readout="last": the P ReLU units are the only nonlinearity (a max readout would be another).
    estimator = model(n_hidden=16, readout="last", random_state=0)
    profile = nonlinearity_profile(estimator, X, y, n_nonlinear=[0, 1, 2, 4, 8], cv=3)
    print(name)
    print(profile.table().to_string(index=False))
    print(f"minimal P within {profile.tolerance} of the best: {profile.minimal_n_nonlinear_}\n")
    profile.plot(ax=row)[0].set_title(name)
fig.tight_layout()
fig.savefig("score_vs_nonlinearity.png", dpi=120)
print("saved score_vs_nonlinearity.png")
