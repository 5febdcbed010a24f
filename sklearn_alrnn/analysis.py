"""The functional analysis layer: an AL-RNN read as a set of affine maps, one per regime.

Inside regime Omega (the bit pattern of the P ReLU units, bit = 1 where z_i > 0)
the map is ``z_t = J_Omega z_{t-1} + C s_t + h`` with
``J_Omega = diag(a) + W D_Omega`` and ``D_Omega = diag(1_{M-P}, bits)``.
These functions work on raw parameters, so models trained elsewhere (for
instance by the research code, which stores a, W, h) can be analysed too;
:class:`sklearn_alrnn.RegimeDecomposer` applies them to a fitted estimator.
"""

from numbers import Integral

import numpy as np

from ._attractors import Attractor, Attractors, find_attractors
from ._cycles import Cycle, find_cycles
from ._forcing import warn_where_a_run_overflows
from ._kernels import make_engine
from ._model import regime_codes
from ._regime_counts import RegimeUsage, regime_usage
from ._regime_maps import (  # noqa: F401 - MARGINAL_TOLERANCE stays readable here, where it is documented
    MARGINAL_TOLERANCE,
    FixedPoint,
    LinearSystem,
    Modes,
    analyse_regimes,
    bit_string,
    check_parameters,
    classify_stability,
    jacobians,
)
from ._validation import as_whole_number, check_counts, real_array

__all__ = [
    "LinearSystem",
    "Modes",
    "FixedPoint",
    "Cycle",
    "bits_to_code",
    "code_to_bits",
    "regime_jacobian",
    "check_parameters",
    "classify_stability",
    "fixed_point",
    "find_cycles",
    "Attractor",
    "Attractors",
    "find_attractors",
    "iterate_map",
    "RegimeUsage",
    "regime_usage",
]

#: Fixed points are enumerated over all 2**P regimes up to this P.
MAX_ENUMERATED_NONLINEAR = 16


def code_to_bits(code, n_nonlinear):
    """Bit string of a regime code, first ReLU unit first.

    Examples
    --------
    >>> from sklearn_alrnn.analysis import code_to_bits
    >>> code_to_bits(2, 3)
    '010'
    """
    code = as_whole_number(code)
    if isinstance(code, (bool, np.bool_)) or not isinstance(code, Integral):
        raise ValueError(
            f"A regime code is an integer; got {code!r}. For a bit string such as '01' use bits_to_code."
        )
    code = int(code)
    if not 0 <= code < 2**n_nonlinear:
        raise ValueError(f"A regime code for n_nonlinear={n_nonlinear} lies in [0, {2**n_nonlinear}); got {code}.")
    return bit_string(code, n_nonlinear)


def bits_to_code(bits):
    """Regime code of a bit string (or sequence of 0/1), first ReLU unit most significant.

    Examples
    --------
    >>> from sklearn_alrnn.analysis import bits_to_code
    >>> bits_to_code("010"), bits_to_code([1, 1])
    (2, 3)
    """
    bits = "".join(str(int(b)) for b in bits) if not isinstance(bits, str) else bits
    if bits.strip("01"):
        raise ValueError(f"A regime's bits are a string of '0' and '1'; got {bits!r}.")
    return int(bits, 2) if bits else 0


def regime_jacobian(a, W, code, n_nonlinear):
    """``J_Omega = diag(a) + W D_Omega``: the linear part of the map inside a regime.

    Examples
    --------
    In regime 1 the ReLU unit (the last) is on, so its column of W counts:

    >>> import numpy as np
    >>> from sklearn_alrnn.analysis import regime_jacobian
    >>> regime_jacobian([0.9, 0.5], [[0.0, 0.1], [0.0, 1.0]], 1, n_nonlinear=1)
    array([[0.9, 0.1],
           [0. , 1.5]])
    >>> regime_jacobian([0.9, 0.5], [[0.0, 0.1], [0.0, 1.0]], 0, n_nonlinear=1)
    array([[0.9, 0. ],
           [0. , 0.5]])
    """
    a, W, _, _, n_nonlinear = check_parameters(a, W, np.zeros(np.shape(a)[:1]), n_nonlinear)
    code_to_bits(code, n_nonlinear)  # refuses a code outside the regimes by name
    return jacobians(a, W, [as_whole_number(code)], n_nonlinear)[0]


def fixed_point(a, W, h, code, n_nonlinear, C=None, constant_input=None):
    """Fixed point of regime ``code`` under a constant input (zero by default).

    Parameters
    ----------
    a, W, h : ndarray
        AL-RNN parameters (diagonal, recurrent matrix, bias).
    code : int
        Regime code.
    n_nonlinear : int
    C : ndarray of shape (n_hidden, n_features), default=None
    constant_input : ndarray of shape (n_features,), default=None
        The input s held constant; None means zero input.

    Returns
    -------
    FixedPoint

    Examples
    --------
    A linear unit reading a self-exciting ReLU unit: at rest below the
    threshold, running away above it.

    >>> import numpy as np
    >>> from sklearn_alrnn.analysis import fixed_point
    >>> a, W, h = [0.9, 0.5], [[0.0, 0.1], [0.0, 1.0]], [0.0, -0.25]
    >>> rest = fixed_point(a, W, h, 0, n_nonlinear=1)
    >>> rest.point, rest.real, rest.stability, rest.time_constants.round(2)
    (array([ 0. , -0.5]), True, 'stable node', array([9.49, 1.44]))
    >>> threshold = fixed_point(a, W, h, 1, n_nonlinear=1)
    >>> threshold.point, threshold.real, threshold.stability, threshold.eigenvalues
    (array([0.5, 0.5]), True, 'saddle', array([1.5, 0.9]))
    """
    a, W, h, C, n_nonlinear = check_parameters(a, W, h, n_nonlinear, C)
    code_to_bits(code, n_nonlinear)  # refuses a code outside the regimes by name
    _, (found,) = analyse_regimes(a, W, h, C, [as_whole_number(code)], n_nonlinear, constant_input)
    return found


def iterate_map(a, W, h, z0, n_steps=None, *, n_nonlinear, C=None, inputs=None):
    """Iterate the AL-RNN map from ``z0``, autonomously or driven by an input sequence.

    Parameters
    ----------
    a, W, h : ndarray
        AL-RNN parameters.
    z0 : ndarray of shape (n_hidden,)
        Initial state.
    n_steps : int, default=None
        Number of steps; defaults to ``len(inputs)`` when inputs are given.
    n_nonlinear : int
    C : ndarray of shape (n_hidden, n_features), default=None
        Input matrix, needed with ``inputs``.
    inputs : ndarray of shape (n_steps, n_features), default=None
        Input sequence; None iterates the autonomous map.

    Returns
    -------
    states : ndarray of shape (n_steps, n_hidden)
        ``states[t]`` is the state after step ``t + 1``; NaN from the step
        where the run leaves the floating-point range, which a
        ``RuntimeWarning`` names.
    codes : ndarray of shape (n_steps,)
        Regime code of each state (-1 where it is NaN).

    Examples
    --------
    A linear unit reading a self-exciting ReLU unit: at rest below the
    threshold, running away above it.

    >>> import numpy as np
    >>> from sklearn_alrnn.analysis import iterate_map
    >>> a, W, h = [0.9, 0.5], [[0.0, 0.1], [0.0, 1.0]], [0.0, -0.25]
    >>> states, codes = iterate_map(a, W, h, [0.0, 0.4], 4, n_nonlinear=1)
    >>> states[:, 1].round(3), codes
    (array([ 0.35 ,  0.275,  0.163, -0.006]), array([1, 1, 1, 0]))
    >>> iterate_map(a, W, h, [0.0, 0.6], 4, n_nonlinear=1)[0][:, 1].round(3)
    array([0.65 , 0.725, 0.837, 1.006])
    """
    if inputs is not None and C is None:
        raise ValueError("iterate_map with inputs needs the input matrix C.")
    a, W, h, C, n_nonlinear = check_parameters(a, W, h, n_nonlinear, C)
    z = real_array(z0, "z0").copy()
    if z.shape != a.shape:
        raise ValueError(f"z0 must have shape {a.shape} (n_hidden,); got {z.shape}.")
    if not np.all(np.isfinite(z)):
        raise ValueError("z0 contains NaN or infinity.")
    if inputs is not None:
        inputs = real_array(inputs, "inputs")
        if inputs.ndim == 1:
            inputs = inputs[:, None]
        if inputs.ndim != 2 or inputs.shape[1] != C.shape[1]:
            raise ValueError(
                f"inputs must have shape (n_steps, {C.shape[1]}) for C's {C.shape[1]} columns; got {inputs.shape}."
            )
        n_steps = inputs.shape[0] if n_steps is None else n_steps
        check_counts(minimum=0, n_steps=n_steps)
        if n_steps > inputs.shape[0]:
            raise ValueError(f"n_steps={n_steps} exceeds the {inputs.shape[0]} input steps given.")
    elif n_steps is None:
        raise ValueError("iterate_map needs n_steps when no inputs are given.")
    check_counts(minimum=0, n_steps=n_steps)
    M = a.shape[0]
    drive = np.zeros((1, n_steps, C.shape[1])) if inputs is None else inputs[None, :n_steps]
    # the engine's free run, as a forecaster's (NaN from a step that leaves the floating-point range)
    states = make_engine("cpu", M, n_nonlinear).free_run(a, W, h, C, z[None], drive, M)[0]
    warn_where_a_run_overflows(states)
    return states, regime_codes(states, n_nonlinear)


