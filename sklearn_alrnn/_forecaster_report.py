"""The lines the command line prints about a forecaster's map and free runs (``reconstruct``,
``analyze``): each measure as text, n/a where a run leaves the floating-point range or is too short."""

import warnings

import numpy as np

from . import metrics
from .analysis import find_attractors
from .regimes import RegimeDecomposer

#: Steps of the free run whose Lyapunov spectrum is printed.
SPECTRUM_STEPS = 10_000
#: States the runs of ``attractors_text`` start from, evenly spaced among those given.
ATTRACTOR_STARTS = 200


def dimension_text(trajectories, seed):
    """The correlation dimension of the trajectories' points pooled, marked where the scaling range
    bends; n/a for a run that left the floating-point range or too few steps."""
    pooled_points = np.concatenate(trajectories)
    if not np.all(np.isfinite(pooled_points)):
        return "n/a"
    with warnings.catch_warnings(record=True) as caught:  # a run resting on a fixed point or cycle: 0
        warnings.simplefilter("always", UserWarning)
        try:
            value = metrics.correlation_dimension(pooled_points, random_state=seed)
        except ValueError:  # too few steps for the pairs its scaling range needs
            return "n/a"
    return f"{value:.2f}" + (" (no scaling range)" if caught and value > 0 else "")


def spectrum_and_dimension(model):
    """The map's Lyapunov spectrum from the first training observation over ``SPECTRUM_STEPS`` and its
    Kaplan-Yorke dimension; NaNs, without a warning, where that run leaves the floating-point range."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the callers say it instead
        exponents = metrics.lyapunov_spectrum(model, n_steps=SPECTRUM_STEPS)
    if np.isnan(exponents).any():
        return exponents, np.nan
    # A stable cycle's zero exponent comes out within about 2 / SPECTRUM_STEPS of 0, either side.
    return exponents, metrics.kaplan_yorke_dimension(exponents, zero_tolerance=3 / SPECTRUM_STEPS)


def spectrum_text(model, dt=None, per="time unit"):
    """The map's three largest Lyapunov exponents per step (and with ``dt``, the time between steps,
    ``per`` its unit) and their Kaplan-Yorke dimension, from the first training observation; n/a
    where that run diverges."""
    exponents, dimension = spectrum_and_dimension(model)
    if np.isnan(dimension):
        return "n/a: the free run from the first training observation leaves the floating-point range"
    rates = "" if dt is None else f" = {', '.join(f'{value / dt:.4g}' for value in exponents[:3])} per {per}"
    return f"{', '.join(f'{value:.5f}' for value in exponents[:3])} per step{rates} (Kaplan-Yorke dimension {dimension:.2f})"


def saved_sampling(extra):
    """The time between steps and its unit that reconstruct saved beside a model (``extra``), or
    (None, "time unit") where it saved none or something else."""
    sampling = extra.get("sampling")
    if isinstance(sampling, list) and len(sampling) == 2 and type(sampling[0]) in (int, float) and \
            isinstance(sampling[1], str) and np.isfinite(sampling[0]) and sampling[0] > 0:
        return sampling[0], sampling[1]
    return None, "time unit"


def period_text(run):
    """The steps after which ``run`` comes back to itself (a cycle or closed curve), or why there are none."""
    if not np.all(np.isfinite(run)):
        return "n/a"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the line says it instead
        period = metrics.return_period(run)
    if np.isnan(period):
        return "none: it does not come back (chaos, or no cycle)"
    return f"{period:.2f} steps" + (" (it rests on a fixed point)" if period == 1 else "")


def fixed_points_text(model, decomposer):
    """Lines naming the real fixed points of the regimes the decomposer holds, in the data's units:
    where the reconstructed system rests or turns (a continuum: the line or set through the point)."""
    real = [point for point in decomposer.fixed_points_ if point.real]
    if not real:
        return ["  real fixed points of the visited regimes: none"]
    names = getattr(model, "feature_names_in_", None)
    lines = ["  real fixed points of the visited regimes, in the data's units:"]
    for point in real:
        values = model.observe(point.point)
        labels = [""] * len(values) if names is None else [f"{name}=" for name in names]
        coordinates = ", ".join(f"{label}{value:.4g}" for label, value in zip(labels, values))
        k = point.continuum.shape[1]
        where = {0: "", 1: "a line of fixed points through "}.get(k, f"a {k}-dimensional set of fixed points through ")
        lines.append(f"    regime {point.bits or 'linear'} ({point.stability}): {where}{coordinates}")
    return lines


def free_run_regimes(model, states):
    """A forecaster's regimes as its free run's hidden ``states`` visit them."""
    return RegimeDecomposer.from_parameters(
        model.a_, model.W_, model.h_, model.C_, n_nonlinear=model.n_nonlinear_
    ).fit_states(states)


def attractors_text(model, states):
    """Where the input-free map's runs from (at most ``ATTRACTOR_STARTS`` of) ``states`` settle: each
    attractor's kind and the share of the starts it draws in; more than one is a multistable
    reconstruction, which a free run from one point does not show."""
    states = np.asarray(states)[np.all(np.isfinite(states), axis=1)]
    if not len(states):
        return "n/a: no finite states to start from"
    starts = states[np.linspace(0, len(states) - 1, min(len(states), ATTRACTOR_STARTS)).astype(int)]
    found = find_attractors(model.a_, model.W_, model.h_, starts, n_nonlinear=model.n_nonlinear_)
    if not found.attractors:
        return f"none: no run of {len(starts)} settles (they leave the floating-point range, grow or drift)"
    kinds = ", ".join(map(attractor_text, found.attractors))
    missed = found.fraction_without_attractor
    return kinds + (f"; {missed:.0%} of the runs settle on none" if missed else "")


def attractor_text(attractor):
    """An attractor's kind and basin share; an aperiodic one's largest Lyapunov exponent beside them, which
    tells chaos (positive) from a closed curve the map steps round (near 0)."""
    text = f"{attractor.kind} {attractor.basin_fraction:.0%}"
    if attractor.kind == "aperiodic":
        text += f" (largest Lyapunov exponent {attractor.lyapunov_exponent:.4f} per step)"
    return text
