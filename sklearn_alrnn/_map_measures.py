"""Measures of a fitted forecaster's map: its n-step prediction error and its Lyapunov exponents.

``ALRNNForecaster.score`` and :mod:`sklearn_alrnn.metrics` (``prediction_error``,
``lyapunov_spectrum``) share them; they read the fitted parameters, the standardisation and the
learned start ``[x ; L x]`` of the model given.
"""

import numpy as np

from ._forcing import initial_states
from ._kernels.lyapunov import free_run_spectrum, tangent_frame
from ._regime_maps import constant_drive
from ._validation import check_counts

#: Steps ahead that ``ALRNNForecaster.score`` predicts (the reference's PE_20), fewer in shorter series.
SCORE_STEPS = 20


@np.errstate(over="ignore", invalid="ignore")  # a run that leaves the range errs infinitely: worst, not NaN
def mean_n_step_error(model, X, n_steps, exog, summed=False):
    """Mean squared error, in the units of X, of the predictions ``n_steps`` ahead from every row of
    each series that has them (``n_steps`` None: ``SCORE_STEPS``, fewer in shorter series); with
    ``summed``, of the predictions' sum over the ``n_steps`` against the series' (for a model of
    first differences: the error of the levels it forecasts)."""
    series, inputs, _ = model._checked(X, exog)
    if n_steps is not None:
        check_counts(n_steps=n_steps)
    errors, engine = [], model._engine()
    longest = max(len(x) for x in series)
    if n_steps is not None and n_steps > longest - 1:
        several = "the longest of the series has" if len(series) > 1 else "got"
        raise ValueError(f"n_steps={n_steps} needs series longer than {n_steps} steps; {several} {longest}.")
    for x, s in zip(series, inputs):
        horizon = min(SCORE_STEPS, len(x) - 1) if n_steps is None else n_steps
        if horizon > len(x) - 1:  # a series too short has no row with a prediction that far ahead
            continue
        starts = len(x) - horizon
        z0 = initial_states(model.L_, model._scale(x[:starts]))
        drive = np.lib.stride_tricks.sliding_window_view(s, horizon, axis=0)[:starts].transpose(0, 2, 1)
        run = engine.free_run(model.a_, model.W_, model.h_, model.C_, z0, np.ascontiguousarray(drive),
                              model.n_features_in_)
        if summed:
            windows = np.lib.stride_tricks.sliding_window_view(x[1:], horizon, axis=0)  # (starts, N, horizon)
            errors.append(((model._unscale(run).sum(axis=1) - windows.sum(axis=2)) ** 2).ravel())
        else:
            errors.append(((model._unscale(run[:, -1]) - x[horizon:]) ** 2).ravel())
    return float(np.mean(np.nan_to_num(np.concatenate(errors), nan=np.inf)))


def map_exponents(model, n_exponents, n_steps, transient, x0, constant_input=None):
    """The ``n_exponents`` largest Lyapunov exponents of the model's map, largest first, along the
    free run from ``x0`` with the inputs held at ``constant_input`` (NaN where the run overflows)."""
    model._check_fitted_network()
    check_counts(minimum=0, transient=transient)
    check_counts(n_steps=n_steps)
    frame = tangent_frame(model.a_.shape[0], n_exponents)
    x0 = model._starting_observation(x0)
    z0 = initial_states(model.L_.astype(np.float64), model._scale(x0[None]).astype(np.float64))[0]
    a, W, h, C = (np.asarray(getattr(model, name), dtype=np.float64) for name in ("a_", "W_", "h_", "C_"))
    drive, n_linear = constant_drive(h, C, constant_input), a.shape[0] - model.n_nonlinear_
    return -np.sort(-free_run_spectrum(a, W, drive, n_linear, z0, frame, int(n_steps), int(transient)))
