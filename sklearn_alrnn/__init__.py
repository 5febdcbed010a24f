"""Almost-Linear Recurrent Neural Networks (AL-RNNs) as scikit-learn estimators."""

from ._analysis import (
    Cycle,
    FixedPoint,
    bits_to_code,
    classify_stability,
    code_to_bits,
    find_cycles,
    fixed_point,
    iterate_map,
    regime_jacobian,
)
from ._kernels.cpu import warm_up
from .estimators import ALRNNClassifier, ALRNNRegressor
from .formats import from_aeon, from_tslearn, to_aeon, to_tslearn
from .io import load, load_metadata
from .nonlinearity import NonlinearityProfile, nonlinearity_profile
from .preprocessing import SequenceScaler
from .regimes import LinearSystem, RegimeDecomposer
from .tabular import sequence_predictions_to_rows, to_sequences

__all__ = [
    "ALRNNClassifier",
    "ALRNNRegressor",
    "RegimeDecomposer",
    "SequenceScaler",
    "warm_up",
    "load",
    "load_metadata",
    "to_sequences",
    "sequence_predictions_to_rows",
    "from_aeon",
    "to_aeon",
    "from_tslearn",
    "to_tslearn",
    "nonlinearity_profile",
    "NonlinearityProfile",
    "LinearSystem",
    "FixedPoint",
    "Cycle",
    "bits_to_code",
    "code_to_bits",
    "classify_stability",
    "find_cycles",
    "fixed_point",
    "iterate_map",
    "regime_jacobian",
]
__version__ = "0.1.0"
