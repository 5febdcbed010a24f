"""Hyperband over the number of nonlinear units with dask-ml, trained through partial_fit.

Starts a LocalCluster of 2 worker processes, warms their Numba caches, and lets
dask-ml's HyperbandSearchCV allocate epochs (partial_fit calls) to AL-RNNs with
P in {0, 1, 2, 4} on the adding problem, dropping the weak ones early.
Needs: pip install "dask[distributed]<2025.2" dask-ml

Run: python examples/hyperband_search.py
"""

import warnings

from dask_ml.model_selection import HyperbandSearchCV
from distributed import Client, LocalCluster

import sklearn_alrnn
from sklearn_alrnn import ALRNNRegressor, datasets


def main():
    warnings.simplefilter("ignore")
    X, y = datasets.make_addition(1500, 30, random_state=0)
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as cluster, \
            Client(cluster) as client:
        client.run(sklearn_alrnn.warm_up)
        search = HyperbandSearchCV(
            ALRNNRegressor(n_hidden=16, random_state=0),
            {"n_nonlinear": [0, 1, 2, 4], "learning_rate_init": [1e-3, 3e-3]},
            max_iter=27,
            random_state=0,
        )
        search.fit(X[:1200], y[:1200])
    print("best parameters:", search.best_params_)
    print(f"validation R^2 {search.best_score_:.3f}, test R^2 {search.score(X[1200:], y[1200:]):.3f}")
    print(f"epochs given to the best model: {search.best_estimator_.n_iter_}")


if __name__ == "__main__":
    main()
