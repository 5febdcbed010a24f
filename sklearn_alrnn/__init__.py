"""Almost-Linear Recurrent Neural Networks (AL-RNNs) as scikit-learn estimators.

Estimators and transformers, the model-file loaders and the main functions
live here; the functional regime analysis is :mod:`sklearn_alrnn.analysis`, the
research tasks :mod:`sklearn_alrnn.datasets`.
"""

from . import analysis, datasets, metrics
from ._kernels.cpu import warm_up
from ._version import __version__ as __version__
from .estimators import ALRNNClassifier, ALRNNRegressor
from .forecasting import ALRNNForecaster
from .formats import from_aeon, from_tslearn, to_aeon, to_tslearn
from .io import load, load_metadata
from .nonlinearity import nonlinearity_profile
from .preprocessing import SequenceImputer, SequenceScaler, SequenceTokenizer
from .regimes import RegimeDecomposer
from .tabular import sequence_predictions_to_rows, to_sequences

__all__ = [
    "ALRNNClassifier",
    "ALRNNRegressor",
    "ALRNNForecaster",
    "RegimeDecomposer",
    "SequenceImputer",
    "SequenceScaler",
    "SequenceTokenizer",
    "load",
    "load_metadata",
    "nonlinearity_profile",
    "warm_up",
    "to_sequences",
    "sequence_predictions_to_rows",
    "from_aeon",
    "to_aeon",
    "from_tslearn",
    "to_tslearn",
    "analysis",
    "datasets",
    "metrics",
]
