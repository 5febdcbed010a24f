"""scikit-learn's estimator checks, with the few that contradict the sequence reading of 2-D X."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_alrnn import ALRNNClassifier, ALRNNRegressor

_TWO_D_IS_UNIVARIATE = (
    "a 2-D X is read as univariate sequences (columns = time steps), so n_features_in_ is 1 "
    "and a different number of columns is a different sequence length, not a feature-count error"
)

EXPECTED_FAILED_CHECKS = {
    "check_sample_weight_equivalence_on_dense_data": (
        "mini-batch training: repeating a sequence changes the number and composition of the "
        "mini-batches, so the fit differs, as for MLP's 'sgd' and 'adam' solvers; the weighted "
        "loss itself is equivalent (tests/test_estimators.py checks it and a full-batch fit)"
    ),
    "check_n_features_in": _TWO_D_IS_UNIVARIATE,
    "check_n_features_in_after_fitting": _TWO_D_IS_UNIVARIATE,
    "check_estimators_partial_fit_n_features": _TWO_D_IS_UNIVARIATE,
    "check_classifiers_train": _TWO_D_IS_UNIVARIATE + " (its feature-count part fails)",
    "check_transformer_general": _TWO_D_IS_UNIVARIATE + " (its feature-count part fails)",
}


def _expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS


@parametrize_with_checks(
    [ALRNNClassifier(n_hidden=8, random_state=0), ALRNNRegressor(n_hidden=8, random_state=0)],
    expected_failed_checks=_expected_failed_checks,
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
