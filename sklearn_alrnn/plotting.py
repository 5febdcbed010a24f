"""Plots of regimes (matplotlib from the ``plot`` extra, imported when a plot is drawn)."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._validation import real_array
from .regimes import RegimeDecomposer

__all__ = ["plot_regime_timeseries", "plot_transition_matrix", "plot_eigenvalues", "plot_regime_sharing", "plot_basins"]

#: plot_eigenvalues names the regimes in a legend up to this many (a legend of thousands hides the plot).
MAX_LEGEND_REGIMES = 16


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "sklearn_alrnn.plotting needs matplotlib: pip install 'sklearn-alrnn[plot]'"
        ) from exc
    return plt


def _fitted_decomposer(decomposer, function):
    """``decomposer`` if it is a fitted RegimeDecomposer; a TypeError or NotFittedError otherwise."""
    if not isinstance(decomposer, RegimeDecomposer):
        raise TypeError(f"{function} draws a fitted RegimeDecomposer; got {type(decomposer).__name__}.")
    check_is_fitted(decomposer, "regimes_")
    return decomposer


def _axes(ax, **subplot_kw):
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(subplot_kw=subplot_kw)
    return ax


def plot_regime_timeseries(series, codes, ax=None, cmap="cividis"):
    """A time series (or the first coordinates of a trajectory) coloured by regime.

    Parameters
    ----------
    series : array-like of shape (n_timesteps,) or (n_timesteps, n_dims)
        Values to draw; one line per dimension. NaN steps are skipped.
    codes : array-like of shape (n_timesteps,)
        Regime code of each step (-1 = padding, not drawn).
    ax : matplotlib Axes, default=None

    Returns
    -------
    ax : matplotlib Axes

    Examples
    --------
    The map ``z -> 0.5 z - 2 max(z, 0) + 1`` settles on a 2-cycle through its two regimes:

    >>> from sklearn_alrnn.analysis import iterate_map
    >>> from sklearn_alrnn.plotting import plot_regime_timeseries
    >>> states, codes = iterate_map([0.5], [[-2.0]], [1.0], [0.1], 40, n_nonlinear=1)
    >>> ax = plot_regime_timeseries(states[:, 0], codes)
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['regime 0', 'regime 1']
    """
    series = real_array(series, "series")
    series = series[:, None] if series.ndim == 1 else series
    codes = np.asarray(codes)
    if series.ndim != 2 or codes.ndim != 1 or codes.shape[0] != series.shape[0]:
        raise ValueError(
            "plot_regime_timeseries draws one series (n_timesteps,) or (n_timesteps, n_dims) with one regime "
            f"code per step (n_timesteps,); got series of shape {series.shape} and codes of shape {codes.shape}."
        )
    ax = _axes(ax)
    valid = codes >= 0
    regimes = np.unique(codes[valid])
    colours = _pyplot().get_cmap(cmap)(np.linspace(0, 1, max(len(regimes), 2)))
    t = np.arange(series.shape[0])
    for d in range(series.shape[1]):
        ax.plot(t[valid], series[valid, d], color="0.8", lw=0.8, zorder=1)
        for colour, code in zip(colours, regimes):
            mask = codes == code
            ax.scatter(t[mask], series[mask, d], s=10, color=colour, zorder=2,
                       label=f"regime {code}" if d == 0 else None)
    ax.set_xlabel("time step")
    ax.legend(loc="best", fontsize="small")
    return ax


def plot_transition_matrix(decomposer, ax=None, cmap="Blues"):
    """Heatmap of a fitted RegimeDecomposer's transition matrix.

    Returns
    -------
    ax : matplotlib Axes

    Examples
    --------
    >>> from sklearn_alrnn import RegimeDecomposer
    >>> from sklearn_alrnn.analysis import iterate_map
    >>> from sklearn_alrnn.plotting import plot_transition_matrix
    >>> a, W, h = [0.5], [[-2.0]], [1.0]  # z -> 0.5 z - 2 max(z, 0) + 1
    >>> states, _ = iterate_map(a, W, h, [0.1], 40, n_nonlinear=1)
    >>> decomposer = RegimeDecomposer.from_parameters(a, W, h, n_nonlinear=1).fit_states(states)
    >>> decomposer.transition_matrix_  # its 2-cycle alternates the regimes
    array([[0., 1.],
           [1., 0.]])
    >>> ax = plot_transition_matrix(decomposer)
    """
    _fitted_decomposer(decomposer, "plot_transition_matrix")
    if decomposer.transition_matrix_ is None:
        raise ValueError(
            "This decomposer has seen no sequences: call fit(X) first, or fit_states(states) for one built "
            "by from_parameters."
        )
    if not isinstance(decomposer.transition_matrix_, np.ndarray):
        raise ValueError(
            f"The decomposer visited {decomposer.n_regimes_} regimes, too many for one heatmap; draw the most "
            "occupied k with ax.imshow(decomposer.transition_matrix_[:k, :k].toarray())."
        )
    ax = _axes(ax)
    image = ax.imshow(decomposer.transition_matrix_, cmap=cmap, vmin=0, vmax=1)
    labels = [fp.bits or "linear" for fp in decomposer.fixed_points_]
    ax.set_xticks(range(len(labels)), labels, rotation=90)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("to regime")
    ax.set_ylabel("from regime")
    ax.figure.colorbar(image, ax=ax, label="transition probability")
    return ax


def plot_eigenvalues(decomposer, ax=None):
    """Eigenvalues of each regime's J in the complex plane, with the unit circle.

    Returns
    -------
    ax : matplotlib Axes

    Examples
    --------
    >>> from sklearn_alrnn import RegimeDecomposer
    >>> from sklearn_alrnn.plotting import plot_eigenvalues
    >>> decomposer = RegimeDecomposer.from_parameters([0.9, 0.5], [[0.0, 0.1], [0.0, 1.0]], [0.0, -0.25], n_nonlinear=1)
    >>> ax = plot_eigenvalues(decomposer)  # regime 0 inside the unit circle, regime 1 with 1.5 outside
    """
    _fitted_decomposer(decomposer, "plot_eigenvalues")
    if decomposer.n_regimes_ == 0:
        raise ValueError(
            "This decomposer holds no regimes (from_parameters analyses none up front for a large P): "
            "call fit(X) or fit_states(states) first."
        )
    ax = _axes(ax)
    angle = np.linspace(0, 2 * np.pi, 200)
    ax.plot(np.cos(angle), np.sin(angle), color="0.5", lw=1, ls="--")
    for point in decomposer.fixed_points_:
        ax.scatter(point.eigenvalues.real, point.eigenvalues.imag, s=18, label=f"regime {point.bits or 'linear'}")
    ax.set_aspect("equal")
    ax.set_xlabel("Re λ")
    ax.set_ylabel("Im λ")
    if decomposer.n_regimes_ <= MAX_LEGEND_REGIMES:
        ax.legend(loc="best", fontsize="small")
    return ax


def plot_regime_sharing(sharing, n_nonlinear, axes=None, cmap="Blues"):
    """Two heatmaps of ``RegimeDecomposer.sharing``'s result: each group's regime occupancy, and
    the pairwise overlap of the groups' occupancies.

    Parameters
    ----------
    sharing : Bunch
        What :meth:`RegimeDecomposer.sharing` returned.
    n_nonlinear : int
        P, to name the regimes by their bits.
    axes : pair of matplotlib Axes, default=None

    Returns
    -------
    axes : pair of matplotlib Axes

    Examples
    --------
    One ReLU unit switched on by positive inputs: the two groups share no regime.

    >>> import numpy as np
    >>> from sklearn_alrnn import RegimeDecomposer
    >>> from sklearn_alrnn.plotting import plot_regime_sharing
    >>> decomposer = RegimeDecomposer.from_parameters([0.5], [[0.0]], [0.0], C=[[1.0]], n_nonlinear=1)
    >>> X = np.concatenate([np.ones((3, 5, 1)), -np.ones((3, 5, 1))])
    >>> sharing = decomposer.sharing(X, groups=["up"] * 3 + ["down"] * 3)
    >>> sharing.mean_overlap
    0.0
    >>> occupancy_ax, overlap_ax = plot_regime_sharing(sharing, n_nonlinear=1)
    """
    from .analysis import code_to_bits

    if not all(hasattr(sharing, name) for name in ("groups", "regimes", "occupancy", "overlap")):
        raise TypeError(f"plot_regime_sharing draws what RegimeDecomposer.sharing returns; got {type(sharing).__name__}.")
    if axes is None:
        axes = _pyplot().subplots(1, 2, figsize=(11, 4))[1]
    occupancy_ax, overlap_ax = axes
    names = [str(g) for g in sharing.groups]
    image = occupancy_ax.imshow(sharing.occupancy, cmap=cmap, vmin=0, vmax=1, aspect="auto")
    occupancy_ax.set_xticks(range(len(sharing.regimes)),
                            [code_to_bits(c, n_nonlinear) or "linear" for c in sharing.regimes], rotation=90)
    occupancy_ax.set_yticks(range(len(names)), names)
    occupancy_ax.set_xlabel("regime")
    occupancy_ax.figure.colorbar(image, ax=occupancy_ax, label="share of steps")
    image = overlap_ax.imshow(sharing.overlap, cmap=cmap, vmin=0, vmax=1)
    overlap_ax.set_xticks(range(len(names)), names, rotation=90)
    overlap_ax.set_yticks(range(len(names)), names)
    overlap_ax.set_title(f"regime overlap (mean {sharing.mean_overlap:.2f})")
    overlap_ax.figure.colorbar(image, ax=overlap_ax, label="shared occupancy")
    return axes


def plot_basins(attractors, x, y, ax=None, cmap="tab10"):
    """The basins of :func:`sklearn_alrnn.analysis.find_attractors` on a grid of starts: each start
    coloured by the attractor its run settles on, white where it reaches none.

    Parameters
    ----------
    attractors : Attractors
        What ``find_attractors`` returned for starts on the grid, ``y`` varying slowest: the
        starts of ``np.meshgrid(x, y)`` flattened, placed in two coordinates of the state.
    x, y : array-like of shape (n_x,) and (n_y,)
        The grid's coordinates.
    ax : matplotlib Axes, default=None

    Returns
    -------
    ax : matplotlib Axes

    Examples
    --------
    The switch ``x -> 2 max(x, 0) - 2 max(x - 1, 0) - 0.5`` (the second unit holding ``x - 1``)
    beside a unit that decays to rest: two basins, split at x = 0.5.

    >>> import numpy as np
    >>> from sklearn_alrnn.analysis import find_attractors
    >>> from sklearn_alrnn.plotting import plot_basins
    >>> a, W, h = [0.5, 0.0, 0.0], [[0, 0, 0], [0, 2.0, -2.0], [0, 2.0, -2.0]], [0.0, -0.5, -1.5]
    >>> x, y = np.linspace(-1, 2, 6), np.linspace(-1, 1, 3)
    >>> grid_x, grid_y = (grid.ravel() for grid in np.meshgrid(x, y))
    >>> found = find_attractors(a, W, h, np.column_stack([grid_y, grid_x, grid_x - 1]), n_nonlinear=2)
    >>> found.labels.reshape(3, 6)
    array([[0, 0, 0, 1, 1, 1],
           [0, 0, 0, 1, 1, 1],
           [0, 0, 0, 1, 1, 1]])
    >>> ax = plot_basins(found, x, y)
    """
    if not hasattr(attractors, "labels") or not hasattr(attractors, "attractors"):
        raise TypeError(f"plot_basins draws what find_attractors returns; got {type(attractors).__name__}.")
    x, y = real_array(x, "x").ravel(), real_array(y, "y").ravel()
    if attractors.labels.shape != (x.size * y.size,):
        raise ValueError(f"The {attractors.labels.size} starts do not fill a grid of {y.size} x {x.size} "
                         "(y by x) points.")
    plt = _pyplot()
    from matplotlib.colors import ListedColormap

    ax = _axes(ax)
    colours = plt.get_cmap(cmap)(np.arange(len(attractors.attractors)) % plt.get_cmap(cmap).N)
    labels = np.ma.masked_less(attractors.labels.reshape(y.size, x.size), 0)  # none reached: the white axes
    if len(colours):  # matplotlib 3.6 draws no RGB array with pcolormesh: labels through a listed colour map
        ax.pcolormesh(x, y, labels, cmap=ListedColormap(colours), vmin=-0.5, vmax=len(colours) - 0.5,
                      shading="nearest")
    handles = [plt.Rectangle((0, 0), 1, 1, color=colour) for colour in colours]
    names = [f"{attractor.kind}, period {attractor.period} ({attractor.basin_fraction:.0%})" if attractor.period
             else f"{attractor.kind} ({attractor.basin_fraction:.0%})" for attractor in attractors.attractors]
    if attractors.fraction_without_attractor:
        handles.append(plt.Rectangle((0, 0), 1, 1, facecolor="white", edgecolor="0.5"))
        names.append(f"none ({attractors.fraction_without_attractor:.0%})")
    if len(names) <= MAX_LEGEND_REGIMES:
        ax.legend(handles, names, loc="best", fontsize="small")
    return ax
