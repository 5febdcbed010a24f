"""The AL-RNN itself: parameters, initialisation, the activation phi and regime codes.

    z_t = a * z_{t-1} + W phi(z_{t-1}) + C s_t + h,     y = B z + b

with phi the identity on the first ``M - P`` units and a ReLU on the last ``P``.
"""

import math
from numbers import Integral

import numpy as np
from sklearn.utils.validation import check_is_fitted

__all__ = [
    "PARAMETER_NAMES",
    "check_fitted_vector",
    "check_network_parameters",
    "flatten_parameters",
    "split_flat",
    "initialize_parameters",
    "join_networks",
    "phi",
    "regime_bits",
    "regime_codes",
    "relu_units",
]

#: Order in which parameters travel through the engine and the optimiser.
PARAMETER_NAMES = ("a", "W", "h", "C", "B", "b")

#: Parameters that count as weights for the L2 penalty ``alpha`` (as MLP
#: penalises ``coefs_`` but not ``intercepts_``); the diagonal ``a`` and the
#: biases are left free, so that slow linear modes are not pulled towards zero.
PENALISED_PARAMETERS = ("W", "C", "B")


def check_network_parameters(estimator, names, n_inputs=None, n_readout=None):
    """Refuse to compute with fitted parameters that were damaged after the fit.

    ``check_is_fitted`` first; then a ValueError naming the attribute when one of
    ``names`` (of "a", "W", "h", "C", "B", "b", "L") no longer fits the network of
    ``a_`` and ``n_nonlinear_`` (a wrong shape; ``C_`` needs ``n_inputs`` columns
    and ``B_`` ``n_readout`` columns when given) or holds NaN or infinity. Such
    parameters would otherwise give a prediction of NaN, or a class label from NaN
    scores, without a word.

    Parameters that pass are made arrays of one float dtype (``a_``'s, or
    float64 for integers and mixed widths), C-ordered: the kernels compile
    for one dtype, and weights set from elsewhere (float32 from PyTorch, a
    list) would otherwise stop them with a typing error.
    """
    check_is_fitted(estimator, "a_")
    params = {name: np.asarray(getattr(estimator, name + "_")) for name in names}
    M = params["a"].shape[0] if params["a"].ndim == 1 else -1
    P = estimator.n_nonlinear_
    if M < 1 or isinstance(P, bool) or not isinstance(P, Integral) or not 0 <= P <= M:
        raise ValueError(
            f"The fitted a_ must have shape (n_hidden,) and n_nonlinear_ lie in [0, n_hidden]; got a_ of shape "
            f"{params['a'].shape} and n_nonlinear_={P!r}. The model was changed after fitting: refit or reload it."
        )
    n_outputs = params["B"].shape[0] if "B" in params and params["B"].ndim == 2 else -1
    n_observed = getattr(estimator, "n_features_in_", 0)
    expected = {"a": (M,), "W": (M, M), "h": (M,), "C": (M, n_inputs), "B": (None, n_readout), "b": (n_outputs,),
                "L": (M - n_observed, n_observed)}
    for name, value in params.items():
        shape = expected[name]
        if value.ndim != len(shape) or any(e is not None and e != g for e, g in zip(shape, value.shape)):
            wanted = "(" + ", ".join("any" if e is None else str(e) for e in shape) + ("," if len(shape) == 1 else "") + ")"
            raise ValueError(
                f"The fitted {name}_ has shape {value.shape}; the network of a_ (n_hidden={M}) needs {wanted}. "
                "The model was changed after fitting: refit or reload it."
            )
        if value.dtype.kind not in "fiu" or not np.all(np.isfinite(value)):
            raise ValueError(
                f"The fitted {name}_ holds NaN, infinity or non-numbers; predictions from it would be meaningless. "
                "The model was changed after fitting: refit or reload it."
            )
    classes = getattr(estimator, "classes_", None)  # a classifier's labels, one per row of B_
    if classes is not None and "B" in params and np.shape(classes) != (params["B"].shape[0],):
        raise ValueError(
            f"The fitted classes_ has shape {np.shape(classes)}; B_ reads out {params['B'].shape[0]} classes. The "
            "model was changed after fitting: refit or reload it."
        )
    dtype = np.result_type(*params.values())
    dtype = dtype if dtype in (np.float32, np.float64) else np.dtype(np.float64)
    for name, value in params.items():
        if getattr(estimator, name + "_") is not value or value.dtype != dtype or not value.flags.c_contiguous:
            setattr(estimator, name + "_", np.ascontiguousarray(value, dtype=dtype))


def check_fitted_vector(estimator, name, size, positive=()):
    """Refuse a fitted vector beside the weights (a standardisation's means and scales) damaged after
    the fit, as :func:`check_network_parameters` refuses weights: a ValueError naming ``name`` when
    it is not ``size`` finite numbers, or its entries at ``positive`` (indices, or True for all) are
    not > 0; it would otherwise make every prediction NaN without a word. None passes (not fitted so).
    """
    value = getattr(estimator, name, None)
    if value is None:
        return
    value = np.asarray(value)
    numbers = value.shape == (size,) and value.dtype.kind in "fiu" and np.isfinite(value).all()
    if not numbers or not np.all(value[slice(None) if positive is True else list(positive)] > 0):
        scale = " (scales > 0)" if positive else ""
        raise ValueError(
            f"The fitted {name} must be of shape ({size},) with finite values{scale}; got {value!r}. The model was "
            "changed after fitting: refit or reload it."
        )


def split_flat(flat, shapes, names=PARAMETER_NAMES):
    """Views of a flat vector as named arrays, in the order of ``names``."""
    views, offset = {}, 0
    for name in names:
        size = math.prod(shapes[name])
        views[name] = flat[offset : offset + size].reshape(shapes[name])
        offset += size
    return views


def flatten_parameters(params, names=PARAMETER_NAMES):
    """Copy the named parameters into one flat vector; return it and views of it.

    The optimiser, clipping and checkpoints then work on one array per step
    instead of six.
    """
    shapes = {name: params[name].shape for name in names}
    flat = np.concatenate([params[name].ravel() for name in names])
    return flat, split_flat(flat, shapes, names)


def _glorot_uniform(rng, fan_out, n_columns, dtype, fan_in=None):
    bound = np.sqrt(6.0 / ((n_columns if fan_in is None else fan_in) + fan_out))
    return rng.uniform(-bound, bound, size=(fan_out, n_columns)).astype(dtype)


#: Range of the diagonal's magnitudes under ``init="lru"`` (the linear recurrent
#: unit's ring, Orvieto et al. 2023): time constants from 10 to 1000 steps.
LRU_DIAGONAL_RANGE = (0.9, 0.999)

#: Under ``init="lru"``, a start whose linear map would amplify a state more than
#: this over the longest training sequence is made stable (``_bounded_lru_start``).
MAX_INITIAL_GROWTH = 100.0

INITIALISATIONS = ("dsr", "lru")


def initialize_parameters(
    n_hidden, n_features, n_outputs, rng, dtype=np.float64, *, init="dsr", n_readout_features=None, embedding=False,
    n_steps=None,
):
    """Draw initial parameters.

    ``init="dsr"`` is the AL-RNN dynamical-systems literature's: ``a`` is the
    diagonal of a normalised positive-definite matrix (``R ~ N(0, 1)``,
    ``K = R^T R / M + I``, ``K / max eig``), so every ``a_i`` lies in (0, 1],
    and ``C`` is Glorot-uniform.

    ``init="lru"`` follows the linear recurrent unit (Orvieto et al., 2023,
    "Resurrecting recurrent neural networks for long sequences"): ``a_i`` is
    drawn uniformly on the ring ``LRU_DIAGONAL_RANGE`` (by area, so most
    units are slow) and row i of ``C ~ N(0, 1 / K)`` is multiplied by
    ``sqrt(1 - a_i^2)``, which keeps the stationary variance of each linear
    unit near that of a unit-variance input: slow memory without exploding
    states. Given ``n_steps``, a draw whose linear map ``diag(a) + W`` would
    amplify a state more than ``MAX_INITIAL_GROWTH``-fold over ``n_steps``
    steps has ``a`` and ``W`` scaled together to spectral radius
    ``LRU_DIAGONAL_RANGE[1]``.

    Both: ``W ~ N(0, 0.01^2)``; ``h = 0``; the readout ``B`` is
    Glorot-uniform, ``b = 0``.

    Parameters
    ----------
    n_hidden : int
        Number of hidden units M.
    n_features : int
        Input dimension K.
    n_outputs : int
        Readout dimension.
    rng : numpy.random.RandomState
    dtype : numpy dtype, default=np.float64
    init : {"dsr", "lru"}, default="dsr"
    n_readout_features : int, default=None
        Columns of ``B`` (``n_hidden`` unless the readout pools several ways).
    embedding : bool, default=False
        Token input: each step reads one column of C, so C is drawn as for
        a single input dimension (``K = 1`` in the scales above).
    n_steps : int, default=None
        Length of the longest sequence the network will be trained on
        (``init="lru"`` only; None leaves the start unscaled).

    Returns
    -------
    params : dict of str -> ndarray
        Keys ``PARAMETER_NAMES``.
    """
    # Both draw a, W, C, B in this order; "dsr" draws exactly what it drew before "lru" existed.
    if init == "dsr":
        R = rng.standard_normal((n_hidden, n_hidden))
        K = R.T @ R / n_hidden + np.eye(n_hidden)
        K /= np.max(np.abs(np.linalg.eigvalsh(K)))
        a = np.diag(K)
    else:
        r_min, r_max = LRU_DIAGONAL_RANGE
        a = np.sqrt(rng.uniform(r_min**2, r_max**2, size=n_hidden))
    W = 0.01 * rng.standard_normal((n_hidden, n_hidden))
    if init == "lru" and n_steps is not None:
        a, W = _bounded_lru_start(a, W, n_steps)
    fan_in = 1 if embedding else n_features
    if init == "dsr":
        C = _glorot_uniform(rng, n_hidden, n_features, np.float64, fan_in=fan_in)
    else:
        C = rng.standard_normal((n_hidden, n_features)) * (np.sqrt(1 - a**2)[:, None] / np.sqrt(fan_in))
    params = {
        "a": a,
        "W": W,
        "h": np.zeros(n_hidden),
        "C": C,
        "B": _glorot_uniform(rng, n_outputs, n_readout_features or n_hidden, np.float64),
        "b": np.zeros(n_outputs),
    }
    return {name: np.ascontiguousarray(params[name], dtype=dtype) for name in PARAMETER_NAMES}


def _bounded_lru_start(a, W, n_steps):
    """``a`` and ``W``, scaled together to spectral radius ``LRU_DIAGONAL_RANGE[1]`` when the
    linear map ``diag(a) + W`` would amplify a state more than ``MAX_INITIAL_GROWTH``-fold
    over ``n_steps`` steps.

    The coupling W moves the eigenvalues of ``diag(a)`` by about its own spectral
    radius, which lifts the slowest units above 1 (1.01-1.03 at 32 units): over a long
    sequence the initial state then grows without bound (1.02^1460 = 3e12 on ACSF1's
    series) and the first epochs train on exploded losses. Where the growth stays
    moderate the draw is kept: scaling it there cost the sign-memory check (30 steps)
    and SCAN (58 steps at 128 units, growth 57: exact match 0.80 -> 0.61; RESULTS.md).
    """
    radius = np.max(np.abs(np.linalg.eigvals(np.diag(a) + W)))
    if max(n_steps, 1) * math.log(radius) <= math.log(MAX_INITIAL_GROWTH):  # radius ** n_steps overflows
        return a, W
    shrink = LRU_DIAGONAL_RANGE[1] / radius
    return a * shrink, W * shrink


def join_networks(members, n_nonlinear):
    """One AL-RNN whose output is the mean of the members' outputs.

    The members' units side by side make a block-diagonal network: member i's
    linear units come i-th among the linear ones and its ReLU units i-th among
    the ReLU ones (so the ReLU units stay last), ``W`` holds each member's block
    and nothing across, and the readout ``B / k`` of each member reads its own
    units, so ``y = mean_i (B_i z_i + b_i)`` exactly (for every readout: the
    pooled columns of ``"mean+max"`` come in groups of M).

    Parameters
    ----------
    members : list of dict
        The parameters (``PARAMETER_NAMES``) of k networks of one architecture.
    n_nonlinear : int
        ReLU units P of each member.

    Returns
    -------
    dict
        Parameters of k M units, k P of them ReLU.
    """
    k, (M,) = len(members), members[0]["a"].shape
    n_linear = M - n_nonlinear
    # position[i, j]: where member i's unit j goes in the joined network
    member, unit = np.indices((k, M))
    position = np.where(
        unit < n_linear, member * n_linear + unit, k * n_linear + member * n_nonlinear + unit - n_linear
    )
    first = members[0]
    n_groups = first["B"].shape[1] // M
    joined = {
        "a": np.zeros(k * M, first["a"].dtype),
        "W": np.zeros((k * M, k * M), first["W"].dtype),
        "h": np.zeros(k * M, first["h"].dtype),
        "C": np.zeros((k * M, first["C"].shape[1]), first["C"].dtype),
        "B": np.zeros((first["B"].shape[0], n_groups * k * M), first["B"].dtype),
        "b": np.mean([params["b"] for params in members], axis=0).astype(first["b"].dtype),
    }
    for rows, params in zip(position, members):
        joined["a"][rows], joined["h"][rows], joined["C"][rows] = params["a"], params["h"], params["C"]
        joined["W"][np.ix_(rows, rows)] = params["W"]
        for group in range(n_groups):
            joined["B"][:, group * k * M + rows] = params["B"][:, group * M : (group + 1) * M] / k
    return joined


def relu_units(n_hidden, n_nonlinear):
    """The slice of the ReLU units among the last axis's ``n_hidden``: the last ``n_nonlinear``."""
    return slice(n_hidden - n_nonlinear, n_hidden)


def phi(z, n_nonlinear):
    """The AL-RNN activation: identity on the first M-P units, ReLU on the last P.

    Parameters
    ----------
    z : ndarray of shape (..., M)
    n_nonlinear : int
        Number P of ReLU units (the last P of the M units).

    Returns
    -------
    ndarray of the same shape as ``z``.
    """
    out = np.array(z, copy=True)
    tail = out[..., relu_units(out.shape[-1], n_nonlinear)]
    np.maximum(tail, 0, out=tail)
    return out


def regime_bits(z, n_nonlinear):
    """The P ReLU bits of each state, shape z.shape[:-1] + (P,): 1 where the unit is strictly positive."""
    z = np.asarray(z)
    return z[..., relu_units(z.shape[-1], n_nonlinear)] > 0


#: A regime code is a 64-bit integer, whose sign bit stays clear: at most 63 ReLU bits.
MAX_CODED_NONLINEAR = 63


def check_codable(n_nonlinear):
    """Refuse, by name, a P whose regimes an integer code cannot hold."""
    if n_nonlinear > MAX_CODED_NONLINEAR:
        raise ValueError(
            f"Regime codes are 64-bit integers, which hold at most {MAX_CODED_NONLINEAR} ReLU units; got "
            f"n_nonlinear={n_nonlinear}. Read the regimes as bit patterns instead: hidden states[..., -P:] > 0 "
            "(nonlinearity.count_visited_regimes counts them so)."
        )


def regime_codes(z, n_nonlinear):
    """Integer regime code of each state: the P ReLU bits, first ReLU unit most significant.

    A bit is 1 where the unit is strictly positive. NaN states (padding) get -1. Codes hold
    at most ``MAX_CODED_NONLINEAR`` bits; a larger P is refused rather than wrapped around.

    Parameters
    ----------
    z : ndarray of shape (..., M)
    n_nonlinear : int

    Returns
    -------
    codes : ndarray of shape z.shape[:-1], dtype int64
    """
    check_codable(n_nonlinear)
    z = np.asarray(z)
    weights = 1 << np.arange(n_nonlinear - 1, -1, -1, dtype=np.int64)
    codes = regime_bits(z, n_nonlinear).astype(np.int64) @ weights
    codes = np.asarray(codes, dtype=np.int64)
    codes[np.isnan(z).any(axis=-1)] = -1
    return codes
