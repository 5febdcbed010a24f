"""Low-data regime: training-set size vs test score, sparse P vs fully nonlinear P = M.

Saves low_data.png. Run: python examples/low_data.py
"""

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from sklearn_alrnn import ALRNNClassifier, datasets

warnings.simplefilter("ignore")
X, y = datasets.make_context_integration(3000, 30, random_state=0)
X_test, y_test = X[2000:], y[2000:]
sizes = [50, 100, 200, 500, 1000]
M = 16
results = {}
for P in (2, M):
    scores = []
    for n in sizes:
        runs = [
            ALRNNClassifier(n_hidden=M, n_nonlinear=P, readout="last", random_state=seed)
            .fit(X[:n], y[:n])
            .score(X_test, y_test)
            for seed in range(3)
        ]
        scores.append((np.mean(runs), np.std(runs)))
        print(f"P={P:>2} n_train={n:>5}: accuracy {np.mean(runs):.3f} ± {np.std(runs):.3f}")
    results[P] = np.array(scores)
fig, ax = plt.subplots(figsize=(6, 4))
for P, scores in results.items():
    ax.errorbar(sizes, scores[:, 0], yerr=scores[:, 1], marker="o", capsize=3, label=f"P = {P}")
ax.set(xscale="log", xlabel="training sequences", ylabel="test accuracy", title="context integration")
ax.legend()
fig.tight_layout()
fig.savefig("low_data.png", dpi=120)
print("saved low_data.png")
