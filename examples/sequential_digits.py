"""Sequential digits: scikit-learn's 8x8 digits read row by row, GridSearchCV over n_nonlinear.

Saves sequential_digits.png. Run: python examples/sequential_digits.py
"""

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_alrnn import ALRNNClassifier, datasets

warnings.simplefilter("ignore")
X, y = datasets.load_sequential_digits("rows")
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
center = FunctionTransformer(lambda X: X - 0.3)
pipe = make_pipeline(center, ALRNNClassifier(n_hidden=32, max_iter=200, random_state=0))
search = GridSearchCV(pipe, {"alrnnclassifier__n_nonlinear": [0, 2, 8, 32]}, cv=3, n_jobs=2)
search.fit(X_train, y_train)
for P, mean, std in zip(
    search.cv_results_["param_alrnnclassifier__n_nonlinear"],
    search.cv_results_["mean_test_score"],
    search.cv_results_["std_test_score"],
):
    print(f"P={P:>2}: cv accuracy {mean:.3f} ± {std:.3f}")
print(f"best {search.best_params_}, test accuracy {search.score(X_test, y_test):.3f}")
fig, ax = plt.subplots(figsize=(5, 3.5))
ax.errorbar(
    list(search.cv_results_["param_alrnnclassifier__n_nonlinear"]),
    search.cv_results_["mean_test_score"], yerr=search.cv_results_["std_test_score"], marker="o", capsize=3,
)
ax.set(xscale="symlog", xlabel="nonlinear units P", ylabel="cv accuracy", title="sequential digits (rows)")
fig.tight_layout()
fig.savefig("sequential_digits.png", dpi=120)
print("saved sequential_digits.png")
