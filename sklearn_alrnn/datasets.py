"""Sequence tasks from the AL-RNN research, in the package's data conventions.

Every generator returns ``(X, y)`` with ``X`` of shape
``(n_samples, n_timesteps, n_features)``; ``y`` is one target per sequence, or
``(n_samples, n_timesteps, n_outputs)`` per-step targets.
"""

import numpy as np
from sklearn.utils import check_random_state

from ._corpora import load_rotten_tomatoes
from ._multitask import make_multitask
from ._recording_files import annotation_windows, load_annotations, load_recording
from ._recordings import DAPHNET_CHANNELS, load_daphnet_gait, load_santafe_laser
from ._scan import interpret_scan, make_scan, translate_scan
from ._archive_formats import load_tsf, load_ucr_tsv
from ._arff_format import load_arff
from ._ts_format import load_ts, write_ts
from ._validation import check_counts, check_range

__all__ = [
    "load_rotten_tomatoes",
    "load_daphnet_gait",
    "DAPHNET_CHANNELS",
    "load_santafe_laser",
    "make_scan",
    "make_multitask",
    "interpret_scan",
    "translate_scan",
    "make_addition",
    "make_copy_memory",
    "make_context_integration",
    "make_flipflop",
    "load_sequential_digits",
    "make_lorenz63",
    "make_roessler",
    "make_lorenz96",
    "load_ts",
    "write_ts",
    "load_arff",
    "load_ucr_tsv",
    "load_tsf",
    "load_recording",
    "load_annotations",
    "annotation_windows",
]


def make_addition(n_samples=1000, n_timesteps=50, random_state=None):
    """The adding problem (Hochreiter & Schmidhuber, 1997).

    Computation needed: gating. The network must let a value into memory only
    when the marker is on, hold it, and add the second marked value; a linear
    RNN cannot open and close such a gate.

    Parameters
    ----------
    n_samples : int, default=1000
    n_timesteps : int, default=50
    random_state : int, RandomState instance or None

    Returns
    -------
    X : ndarray of shape (n_samples, n_timesteps, 2)
        Channel 0: values uniform in [0, 1]; channel 1: marker, 1 at exactly
        two steps (one in each half of the sequence), else 0.
    y : ndarray of shape (n_samples,)
        Sum of the two marked values. Predicting the mean scores MSE ~ 1/6.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_alrnn.datasets import make_addition
    >>> X, y = make_addition(n_samples=3, n_timesteps=10, random_state=0)
    >>> X.shape, y.shape
    ((3, 10, 2), (3,))
    >>> bool(np.allclose(y, (X[:, :, 0] * X[:, :, 1]).sum(axis=1)))  # the sum of the two marked values
    True
    """
    check_counts(n_samples=n_samples)
    check_counts(minimum=2, n_timesteps=n_timesteps)
    rng = check_random_state(random_state)
    values = rng.uniform(0, 1, size=(n_samples, n_timesteps))
    half = n_timesteps // 2
    first = rng.randint(0, half, size=n_samples)
    second = rng.randint(half, n_timesteps, size=n_samples)
    markers = np.zeros((n_samples, n_timesteps))
    rows = np.arange(n_samples)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    return np.stack([values, markers], axis=-1), values[rows, first] + values[rows, second]


def make_copy_memory(n_samples=1000, n_symbols=4, sequence_length=5, delay=10, random_state=None):
    """Copy task: recall a symbol sequence after a blank delay.

    Computation needed: memory of a discrete sequence over the delay, then
    read-out in order on a recall cue.

    Parameters
    ----------
    n_samples : int, default=1000
    n_symbols : int, default=4
    sequence_length : int, default=5
        Symbols to remember.
    delay : int, default=10
        Blank steps between the symbols and the recall cue.
    random_state : int, RandomState instance or None

    Returns
    -------
    X : ndarray of shape (n_samples, n_timesteps, n_symbols + 2)
        One-hot inputs: the symbols, a blank channel (index ``n_symbols``) and
        the recall cue (index ``n_symbols + 1``), with
        ``n_timesteps = 2 * sequence_length + delay + 1``.
    y : ndarray of shape (n_samples, n_timesteps, n_symbols + 1)
        Per-step one-hot targets: blank (index ``n_symbols``) everywhere except
        the last ``sequence_length`` steps, which repeat the symbols in order.

    Examples
    --------
    >>> from sklearn_alrnn.datasets import make_copy_memory
    >>> X, y = make_copy_memory(n_samples=2, n_symbols=4, sequence_length=5, delay=10, random_state=0)
    >>> X.shape, y.shape
    ((2, 21, 6), (2, 21, 5))
    >>> X[0].argmax(axis=1)  # five symbols, blanks (4), the cue (5), blanks
    array([0, 3, 1, 0, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 4, 4, 4, 4, 4])
    >>> y[0, -5:].argmax(axis=1)  # recalled after the cue
    array([0, 3, 1, 0, 3])
    """
    check_counts(n_samples=n_samples, n_symbols=n_symbols, sequence_length=sequence_length)
    check_counts(minimum=0, delay=delay)
    rng = check_random_state(random_state)
    T = 2 * sequence_length + delay + 1
    symbols = rng.randint(0, n_symbols, size=(n_samples, sequence_length))
    blank, cue = n_symbols, n_symbols + 1
    inputs = np.full((n_samples, T), blank)
    inputs[:, :sequence_length] = symbols
    inputs[:, sequence_length + delay] = cue
    targets = np.full((n_samples, T), blank)
    targets[:, T - sequence_length :] = symbols
    return np.eye(n_symbols + 2)[inputs], np.eye(n_symbols + 1)[targets]


def make_context_integration(n_samples=1000, n_timesteps=50, noise=1.0, coherence=0.1, random_state=None):
    """Context-dependent integration (Mante et al., 2013).

    Computation needed: rule-based integration. Two noisy evidence streams
    arrive together; a context cue says which one to integrate, the other must
    be ignored.

    Parameters
    ----------
    n_samples : int, default=1000
    n_timesteps : int, default=50
    noise : float, default=1.0
        Standard deviation of the per-step noise on each stream.
    coherence : float, default=0.1
        Largest absolute mean of a stream (each trial draws its means
        uniformly from [-coherence, coherence]).
    random_state : int, RandomState instance or None

    Returns
    -------
    X : ndarray of shape (n_samples, n_timesteps, 4)
        Channels 0, 1: evidence streams; channels 2, 3: one-hot context,
        constant over the trial.
    y : ndarray of shape (n_samples,)
        1 when the cued stream's sum is positive, else 0.

    Examples
    --------
    >>> from sklearn_alrnn.datasets import make_context_integration
    >>> X, y = make_context_integration(n_samples=4, n_timesteps=50, random_state=0)
    >>> X.shape, y
    ((4, 50, 4), array([0, 1, 1, 0]))
    >>> cued = X[:, :, 2:].argmax(axis=2)[:, 0]  # the context: which stream counts
    >>> bool(((X[range(4), :, cued].sum(axis=1) > 0) == y).all())
    True
    """
    check_counts(n_samples=n_samples, n_timesteps=n_timesteps)
    check_range(0.0, noise=noise, coherence=coherence)
    rng = check_random_state(random_state)
    means = rng.uniform(-coherence, coherence, size=(n_samples, 1, 2))
    streams = means + noise * rng.normal(size=(n_samples, n_timesteps, 2))
    context = rng.randint(0, 2, size=n_samples)
    cue = np.broadcast_to(np.eye(2)[context][:, None, :], (n_samples, n_timesteps, 2))
    cued_sum = streams.sum(axis=1)[np.arange(n_samples), context]
    return np.concatenate([streams, cue], axis=-1), (cued_sum > 0).astype(int)


def make_flipflop(n_samples=500, n_timesteps=100, n_bits=3, pulse_probability=0.05, random_state=None):
    """N-bit flip-flop (Sussillo & Barak, 2013).

    Computation needed: memory with discrete switching. Each channel's output
    holds the sign of its last pulse until the next pulse flips it.

    Parameters
    ----------
    n_samples : int, default=500
    n_timesteps : int, default=100
    n_bits : int, default=3
    pulse_probability : float, default=0.05
        Probability of a pulse (+1 or -1) per channel and step.
    random_state : int, RandomState instance or None

    Returns
    -------
    X : ndarray of shape (n_samples, n_timesteps, n_bits)
        Pulses of +1 / -1, 0 elsewhere.
    y : ndarray of shape (n_samples, n_timesteps, n_bits)
        Sign of the last pulse so far on each channel (0 before the first).

    Examples
    --------
    >>> from sklearn_alrnn.datasets import make_flipflop
    >>> X, y = make_flipflop(n_samples=2, n_timesteps=20, n_bits=3, random_state=0)
    >>> X.shape, y.shape
    ((2, 20, 3), (2, 20, 3))
    >>> X[0, 3:8, 1] + 0.0, y[0, 3:8, 1]  # a pulse at step 5 is held
    (array([0., 0., 1., 0., 0.]), array([0., 0., 1., 1., 1.]))
    """
    check_counts(n_samples=n_samples, n_timesteps=n_timesteps, n_bits=n_bits)
    check_range(0.0, 1.0, pulse_probability=pulse_probability)
    rng = check_random_state(random_state)
    pulses = rng.uniform(size=(n_samples, n_timesteps, n_bits)) < pulse_probability
    X = pulses * rng.choice([-1.0, 1.0], size=pulses.shape)
    y = np.zeros_like(X)
    state = np.zeros((n_samples, n_bits))
    for t in range(n_timesteps):
        state = np.where(pulses[:, t], X[:, t], state)
        y[:, t] = state
    return X, y


def load_sequential_digits(order="rows"):
    """scikit-learn's 8x8 handwritten digits, read as sequences.

    Computation needed: integrating evidence about a shape over time, on real
    data that ships with scikit-learn.

    Parameters
    ----------
    order : {"rows", "pixels"}, default="rows"
        "rows": 8 steps of 8 pixel values; "pixels": 64 steps of 1 value.

    Returns
    -------
    X : ndarray of shape (1797, 8, 8) or (1797, 64, 1)
        Pixel intensities scaled to [0, 1].
    y : ndarray of shape (1797,)
        Digit labels 0-9.

    Examples
    --------
    >>> from sklearn_alrnn.datasets import load_sequential_digits
    >>> X, y = load_sequential_digits()
    >>> X.shape, y.shape, float(X.max())
    ((1797, 8, 8), (1797,), 1.0)
    >>> load_sequential_digits(order="pixels")[0].shape
    (1797, 64, 1)
    """
    from sklearn.datasets import load_digits

    if order not in ("rows", "pixels"):
        raise ValueError(f"order must be 'rows' or 'pixels'; got {order!r}.")
    digits = load_digits()
    images = digits.images / 16.0
    X = images if order == "rows" else images.reshape(len(images), 64, 1)
    return np.ascontiguousarray(X), digits.target


def _lorenz(_, state, sigma, rho, beta):
    x, y, z = state
    return [sigma * (y - x), x * (rho - z) - y, x * y - beta * z]


def make_lorenz63(
    n_samples=20, n_timesteps=200, dt=0.01, sigma=10.0, rho=28.0, beta=8.0 / 3.0,
    transient=1000, random_state=None, return_equilibria=False, standardize=True,
):
    """Trajectories of the Lorenz-63 system, for one-step-ahead prediction.

    Computation needed: reconstructing chaotic dynamics, the benchmark of the
    AL-RNN dynamical-systems paper (its minimal PWL representation uses few
    nonlinear units).

    Parameters
    ----------
    n_samples : int, default=20
        Number of trajectories, each from a random point on the attractor.
    n_timesteps : int, default=200
    dt : float, default=0.01
        Sampling interval.
    sigma, rho, beta : float
        The classic chaotic parameters by default.
    transient : int, default=1000
        Steps discarded so that trajectories start on the attractor.
    random_state : int, RandomState instance or None
    return_equilibria : bool, default=False
        Also return the system's equilibria in the same standardised units,
        to set beside a reconstruction's fixed points (as ``make_blobs``
        returns its centres).
    standardize : bool, default=True
        Standardise the trajectories (and equilibria) with the mean and
        standard deviation over all trajectories; False keeps the system's own
        units, so that systems with different parameters can be set in one
        set of units.

    Returns
    -------
    X : ndarray of shape (n_samples, n_timesteps, 3)
        States, standardised with the mean and standard deviation over all
        trajectories.
    y : ndarray of shape (n_samples, n_timesteps, 3)
        The next state of each step (``y[:, t] = state at t + 1``), standardised
        the same way.
    equilibria : ndarray of shape (n_equilibria, 3)
        With ``return_equilibria``: the origin, and for ``rho > 1`` the centres
        of the two wings ``(+-sqrt(beta (rho - 1)), +-sqrt(beta (rho - 1)), rho - 1)``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_alrnn.datasets import make_lorenz63
    >>> X, y, equilibria = make_lorenz63(n_samples=2, n_timesteps=1000, random_state=0, return_equilibria=True)
    >>> X.shape, bool(np.allclose(X[:, 1:], y[:, :-1]))  # y is X one step on
    ((2, 1000, 3), True)
    >>> equilibria.round(2)  # the origin and the two wing centres, standardised
    array([[-0.01, -0.02, -2.61],
           [ 1.06,  0.91,  0.42],
           [-1.09, -0.94,  0.42]])
    """
    equilibria = [[0.0, 0.0, 0.0]]
    if rho > 1:
        wing = np.sqrt(beta * (rho - 1))
        equilibria += [[wing, wing, rho - 1], [-wing, -wing, rho - 1]]
    return _flow_trajectories(
        _lorenz, (sigma, rho, beta), np.array([8.0, 8.0, 8.0]), np.array([0.0, 0.0, 25.0]),
        n_samples, n_timesteps, dt, transient, random_state, np.array(equilibria) if return_equilibria else None,
        standardize,
    )


def _roessler(_, state, a, b, c):
    x, y, z = state
    return [-y - z, x + a * y, b + z * (x - c)]


def make_roessler(
    n_samples=20, n_timesteps=200, dt=0.05, a=0.2, b=0.2, c=5.7, transient=2000, random_state=None,
    return_equilibria=False, standardize=True,
):
    """Trajectories of the Roessler system, for one-step-ahead prediction and reconstruction.

    Computation needed: a chaotic attractor that spirals in one plane and
    folds through a rare burst in the third variable, with a single
    switching unit in its minimal piecewise-linear form (the AL-RNN
    dynamical-systems paper reconstructs it with P = 1).

    Parameters
    ----------
    n_samples : int, default=20
        Number of trajectories, each from a random point on the attractor.
    n_timesteps : int, default=200
    dt : float, default=0.05
        Sampling interval (one turn of the spiral takes about 120 steps).
    a, b, c : float
        The classic chaotic parameters by default.
    transient : int, default=2000
        Steps discarded so that trajectories start on the attractor.
    random_state : int, RandomState instance or None
    return_equilibria : bool, default=False
        Also return the system's equilibria, standardised as X.
    standardize : bool, default=True
        As in :func:`make_lorenz63`.

    Returns
    -------
    X, y : ndarray of shape (n_samples, n_timesteps, 3)
        States and next states, standardised as in :func:`make_lorenz63`.
    equilibria : ndarray of shape (n_equilibria, 3)
        With ``return_equilibria``: ``(x, -x / a, x / a)`` for
        ``x = (c +- sqrt(c^2 - 4 a b)) / 2`` (none when ``c^2 < 4 a b`` or ``a = 0``); with
        the classic parameters, one near the origin (the centre of the spiral)
        and one far outside the attractor.

    Examples
    --------
    >>> from sklearn_alrnn.datasets import make_roessler
    >>> X, y, equilibria = make_roessler(n_samples=2, n_timesteps=1000, random_state=0, return_equilibria=True)
    >>> X.shape, y.shape
    ((2, 1000, 3), (2, 1000, 3))
    >>> equilibria.round(2)  # the spiral's centre, and one far outside the attractor
    array([[-0.01,  0.19, -0.32],
           [ 1.07, -5.59,  9.72]])
    """
    discriminant = c * c - 4 * a * b
    roots = [(c - np.sqrt(discriminant)) / 2, (c + np.sqrt(discriminant)) / 2] if discriminant >= 0 and a != 0 else []
    equilibria = np.array([[x, -x / a, x / a] for x in roots]).reshape(-1, 3)
    return _flow_trajectories(
        _roessler, (a, b, c), np.array([4.0, 4.0, 0.1]), np.array([0.0, 0.0, 0.0]),
        n_samples, n_timesteps, dt, transient, random_state, equilibria if return_equilibria else None,
        standardize,
    )


def _lorenz96(_, state, forcing, following, second_preceding, preceding):
    return (state[following] - state[second_preceding]) * state[preceding] - state + forcing


def make_lorenz96(
    n_samples=20, n_timesteps=200, n_variables=20, forcing=8.0, dt=0.05, transient=1000, random_state=None,
    return_equilibria=False, standardize=True,
):
    """Trajectories of the Lorenz-96 system, many observed variables on a ring.

    ``dx_i/dt = (x_{i+1} - x_{i-2}) x_{i-1} - x_i + F`` (indices modulo ``n_variables``;
    Lorenz 1996). Computation needed: reconstructing a chaotic system observed through many
    variables at once; with 20 variables and F = 8 its largest Lyapunov exponent is about 1.5 per
    time unit (a Lyapunov time of 13 steps at dt = 0.05). The research code's settings for it
    (M = 100, P = 50, windows of 50 steps, forcing every 20) reconstruct it where the defaults do
    not (RESULTS.md, "Many observed variables").

    Parameters
    ----------
    n_samples : int, default=20
        Number of trajectories, each from a random start near the equilibrium.
    n_timesteps : int, default=200
    n_variables : int, default=20
        Number N of variables, at least 4.
    forcing : float, default=8.0
        F; chaotic for F = 8 with 20 variables.
    dt : float, default=0.05
        Sampling interval.
    transient : int, default=1000
        Steps discarded so that trajectories start on the attractor.
    random_state : int, RandomState instance or None
    return_equilibria : bool, default=False
        Also return the system's equilibrium ``x_i = F`` (unstable for F = 8), standardised as X.
    standardize : bool, default=True
        As in :func:`make_lorenz63`.

    Returns
    -------
    X, y : ndarray of shape (n_samples, n_timesteps, n_variables)
        States and next states, standardised as in :func:`make_lorenz63`.
    equilibria : ndarray of shape (1, n_variables)
        With ``return_equilibria``.

    Examples
    --------
    >>> from sklearn_alrnn.datasets import make_lorenz96
    >>> X, y = make_lorenz96(n_samples=2, n_timesteps=500, random_state=0)
    >>> X.shape
    (2, 500, 20)
    """
    if not isinstance(n_variables, (int, np.integer)) or n_variables < 4:
        raise ValueError(f"n_variables must be an integer of at least 4; got {n_variables!r}.")
    centre, ring = np.full(n_variables, float(forcing)), np.arange(n_variables)
    neighbours = ((ring + 1) % n_variables, ring - 2, ring - 1)
    # DOP853: at the same tolerance about four times fewer evaluations than RK45 in 20 dimensions.
    return _flow_trajectories(
        _lorenz96, (forcing, *neighbours), np.ones(n_variables), centre, n_samples, n_timesteps, dt, transient,
        random_state, centre[None] if return_equilibria else None, standardize, method="DOP853",
    )


def _flow_trajectories(
    rhs, args, start_scale, start_centre, n_samples, n_timesteps, dt, transient, random_state, equilibria=None,
    standardize=True, method="RK45",
):
    """Sampled solutions of an ODE from random starts, standardised unless not ``standardize``;
    (states, next states), and the ``equilibria`` in the same units when given."""
    from scipy.integrate import solve_ivp

    check_counts(n_samples=n_samples, n_timesteps=n_timesteps)
    if not dt > 0 or not isinstance(transient, (int, np.integer)) or transient < 0:
        raise ValueError(f"dt must be positive and transient a count >= 0; got dt={dt!r}, transient={transient!r}.")
    rng = check_random_state(random_state)
    times = np.arange(transient + n_timesteps + 1) * dt
    trajectories = np.empty((n_samples, n_timesteps + 1, len(start_centre)))
    for i in range(n_samples):
        start = rng.normal(size=len(start_centre)) * start_scale + start_centre
        solution = solve_ivp(rhs, (0, times[-1]), start, t_eval=times, args=args, rtol=1e-9, atol=1e-9,
                             method=method)
        trajectories[i] = solution.y.T[transient:]
    mean = trajectories.mean(axis=(0, 1)) if standardize else 0.0
    std = trajectories.std(axis=(0, 1)) if standardize else 1.0
    trajectories = (trajectories - mean) / std
    pairs = trajectories[:, :-1].copy(), trajectories[:, 1:].copy()
    return pairs if equilibria is None else (*pairs, (equilibria - mean) / std)
