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
    profile = nonlinearity_profile(model(n_hidden=16, random_state=0), X, y, n_nonlinear=[0, 1, 2, 4, 8], cv=3)
    print(name)
    print(profile.table().to_string(index=False))
    print(f"minimal P within {profile.tolerance} of the best: {profile.minimal_n_nonlinear_}\n")
    row[0].errorbar(profile.n_nonlinear, profile.mean_score, yerr=profile.std_score, marker="o", capsize=3)
    row[0].set(title=name, xlabel="nonlinear units P", ylabel="cross-validated score")
    row[1].semilogy(profile.n_nonlinear, profile.regimes_visited, marker="s", label="visited")
    row[1].semilogy(profile.n_nonlinear, 2.0**profile.n_nonlinear, ls="--", color="0.5", label="2^P")
    row[1].set(xlabel="nonlinear units P", ylabel="linear regimes")
    row[1].legend()
fig.tight_layout()
fig.savefig("score_vs_nonlinearity.png", dpi=120)
print("saved score_vs_nonlinearity.png")
