"""Almost-Linear Recurrent Neural Networks (AL-RNNs) as scikit-learn estimators."""

from .estimators import ALRNNClassifier, ALRNNRegressor

__all__ = ["ALRNNClassifier", "ALRNNRegressor"]
__version__ = "0.1.0"
