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
from .estimators import ALRNNClassifier, ALRNNRegressor
from .nonlinearity import NonlinearityProfile, nonlinearity_profile
from .regimes import LinearSystem, RegimeDecomposer

__all__ = [
    "ALRNNClassifier",
    "ALRNNRegressor",
    "RegimeDecomposer",
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
