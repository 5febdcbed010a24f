"""The command line's dynamical-systems commands: ``reconstruct`` learns a system from a recorded
series, prints its measures and saves it; ``forecast`` continues series with it, or runs it freely."""

import contextlib
import csv
import sys
import time
import warnings

import numpy as np

from . import metrics
from ._data_files import check_can_write, held_out_split, model_columns, named_series, read_series, series_list
from ._forecaster_report import attractors_text, dimension_text, free_run_regimes, spectrum_text
from ._map_measures import mean_n_step_error
from ._measures import frequencies_suffice
from .forecasting import ALRNNForecaster
from .formats import forecaster_from_bson, forecaster_from_torch
from .io import is_torch_file, load_with_extra
from .preprocessing import SequenceImputer


def cmd_reconstruct(args):
    model_out = args.model_out or args.data.rsplit(".", 1)[0] + ".alrnn.npz"
    check_can_write(model_out, "--model-out")
    series, names, _, sampling = read_series(args.data, args.features, args.id_col, gaps=args.gaps is not None)
    found = args.gaps and gaps_text(series)
    if args.gaps:  # a recording's incomplete first and last rows are no part of it
        series = without_incomplete_ends(series)
    if args.gaps == "interpolate":
        series = interpolate_gaps(series)
        print(f"Gaps: {found}" + "; filled by linear interpolation" * (found != "none"))
    if args.differences:  # the steps of a series that trends: forecast adds them up (a gap's two are NaN)
        series = first_differences(series)
    # The held-out end is cut before the gaps: one recording's later rows, not its last stretch.
    train, tests = held_out_split(series, args.test_fraction)
    if args.gaps == "split":
        (train, _), (tests, _) = (split_at_gaps(train, where="the training part"),
                                  split_at_gaps(tests, where="the held-out part (--test-fraction)"))
        tests = series_list(tests)
        print(f"Gaps: {found}" + f"; the series cut there into {len(series_list(train))} training and {len(tests)} "
              "held-out stretches" * (found != "none"))
    model = ALRNNForecaster(
        n_hidden=args.n_hidden, n_nonlinear=args.n_nonlinear, max_iter=args.max_iter,
        random_state=args.random_state, verbose=args.verbose,
    )
    start = time.perf_counter()
    model.fit(named_series(train, names))
    fit_time = time.perf_counter() - start
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a diverging run shows in the measures
        runs = [model.generate(len(test), x0=test[0], return_states=True) for test in tests]
        noisy = [model.generate(len(test), x0=test[0], process_noise=1.0, random_state=args.random_state)
                 for test in tests]
    shortest = min(map(len, tests))
    horizon = min(20, shortest - 1)
    n_step_error = metrics.prediction_error(model, named_series(tests, names), horizon)
    if names is not None:  # without pandas, as a DataFrame with these columns would have named them
        model.feature_names_in_ = np.asarray(names, dtype=object)
    dt, per = (args.dt, "time unit") if args.dt or sampling is None else sampling
    model.save(model_out, extra=dict(kind="forecaster", data=args.data, id_col=args.id_col, features=args.features,
                                     differences=args.differences, gaps=args.gaps,
                                     sampling=None if dt is None else [dt, per]))
    stacked = isinstance(train, list)
    pooled = np.concatenate(train) if stacked else train
    trained_on = f"{len(pooled)} steps" + " of the first differences" * args.differences + \
        (f" of {len(train)} series" if stacked else "")
    print(f"Fitted ALRNNForecaster (M={model.a_.shape[0]}, P={model.n_nonlinear_}) on {trained_on} of "
          f"{pooled.shape[1]} variable{'s' * (pooled.shape[1] != 1)} in {fit_time:.1f} s; saved to {model_out}")
    # The scale of the two distances: noise drawn with the training part's mean and covariance.
    draw = np.random.default_rng(args.random_state).multivariate_normal
    gaussian = [draw(pooled.mean(axis=0), np.atleast_2d(np.cov(pooled, rowvar=False)), size=len(test))
                for test in tests]
    held_out = f"the first of {len(tests[0])} held-out steps" if len(tests) == 1 else \
        f"the first step of each of the {len(tests)} held-out series"
    print(f"Free run{' of the differences' * args.differences} from {held_out} (in brackets: a Gaussian with the "
          "training moments):")
    seed = args.random_state

    def divergence(generated):  # the held-out series' points pooled, as the free runs'
        return metrics.state_space_divergence(np.concatenate(tests), np.concatenate(generated), random_state=seed)

    spectra_resolved = frequencies_suffice(shortest)

    def distance(generated):  # a spectrum per series, averaged; none where smoothing would flatten it
        if not spectra_resolved:
            return "n/a"
        return f"{np.mean([metrics.power_spectrum_distance(test, run) for test, run in zip(tests, generated)]):.4f}"

    generated = [run for run, _ in runs]
    scores = divergence(generated), divergence(gaussian)
    below_zero = "" if min(scores) >= 0 else \
        f": below 0, the error of its mixture estimate on {sum(map(len, tests))} points in {pooled.shape[1]} dimensions"
    print(f"  state-space divergence D_stsp  {scores[0]:.4f}  ({scores[1]:.4f}){below_zero}")
    steps = f"{shortest} held-out steps" if len(tests) == 1 else f"the shortest held-out series' {shortest} steps"
    spectrum_note = "" if spectra_resolved else \
        f": {steps} give {shortest // 2 + 1} frequencies, fewer than 4 x its smoothing of 20"
    print(f"  power-spectrum distance D_H    {distance(generated)}  ({distance(gaussian)}){spectrum_note}")
    print(f"  with the one-step errors' noise (generate(process_noise=1)): D_stsp "
          f"{divergence(noisy):.4f}, D_H {distance(noisy)}")
    print(f"  correlation dimension D_2      {dimension_text(generated, seed)}  "
          f"({dimension_text(tests, seed)}: the held-out data)")
    held = np.mean(np.concatenate([(test[horizon:] - test[:-horizon]) ** 2 for test in tests]))  # values held
    print(f"  {horizon}-step prediction error       {n_step_error:.4f}  "
          f"({held:.4f}: the last value held {horizon} steps)")
    if args.differences:  # what a forecast of the levels makes of them: their sum over the steps
        level_error = mean_n_step_error(model, named_series(tests, names), horizon, None, summed=True)
        level_held = np.mean(np.concatenate(
            [np.lib.stride_tricks.sliding_window_view(test[1:], horizon, axis=0).sum(axis=2) ** 2 for test in tests]))
        print(f"  {horizon}-step error of the levels    {level_error:.4f}  "
              f"({level_held:.4f}: the last level held {horizon} steps)")
    print(f"  largest Lyapunov exponents     {spectrum_text(model, dt, per)}")
    regimes = free_run_regimes(model, [states for _, states in runs]).n_regimes_
    print(f"  regimes visited                {regimes} of {2**model.n_nonlinear_}")
    held_out_states = np.concatenate([model.hidden_states(test) for test in named_series(tests, names)])
    print(f"  attractors from held-out states {attractors_text(model, held_out_states)}")
    return 0


def saved_model(path, n_nonlinear=None):
    """The model a file holds and the settings saved beside it: a model file of the package, a
    checkpoint of the research code (``.bson``) or a PyTorch or safetensors file of its tutorial's
    network (neither with settings; ``n_nonlinear``, P, for a state dict, which holds none)."""
    if not path.lower().endswith(".bson") and is_torch_file(path):
        return forecaster_from_torch(path, n_nonlinear=n_nonlinear), {}
    if n_nonlinear is not None:
        raise ValueError("--n-nonlinear is for a PyTorch file's state dict, which holds no P; this file holds its own")
    if path.lower().endswith(".bson"):
        return forecaster_from_bson(path), {}
    return load_with_extra(path)


def cmd_forecast(args):
    if args.output:
        check_can_write(args.output, "--output")
    try:
        model, fitted = saved_model(args.model, args.n_nonlinear)
    except (OSError, ValueError) as exc:
        raise SystemExit(f"error: cannot load model {args.model!r}: {exc}")
    if not isinstance(model, ALRNNForecaster):
        raise SystemExit(f"error: {args.model!r} holds an {type(model).__name__}, which labels sequences rather than "
                         "continuing series: 'sklearn-alrnn predict' reads it")
    if model.n_inputs_:
        raise SystemExit(f"error: {args.model!r} reads {model.n_inputs_} exogenous input(s), which every forecast step "
                         "needs: forecast it in Python (the model's forecast(context, n_steps, exog=...))")
    noise = {"process_noise": args.process_noise, "random_state": args.random_state}
    names = getattr(model, "feature_names_in_", None)
    id_name = args.id_col or fitted.get("id_col")  # reconstruct's, where DATA has it
    if args.data is None and (args.features or args.id_col or args.gaps):
        raise SystemExit("error: --features, --id-col and --gaps read DATA, and none is given")
    differences = bool(fitted.get("differences"))
    if args.data is None and differences:
        raise SystemExit(f"error: {args.model!r} learnt the first differences of its series (reconstruct "
                         "--differences), which a forecast adds to the last value of a series: give the series as DATA")
    if args.data is None:  # the free run from the first training observation: its row 0, step 0
        runs, first_step, series_ids = [model.generate(args.steps, **noise)], 0, None
    else:
        series, data_names, series_ids = _contexts(args, names, fitted, id_name)
        levels = series_list(series)
        series = first_differences(series) if differences else series
        # A header must name the model's variables; a file without one is read in the model's order
        # (where it has as many columns: else forecast names the count).
        fits = series_list(series)[0].shape[-1] == model.n_features_in_
        read_as = None if names is None else data_names if data_names is not None else names if fits else None
        with warnings.catch_warnings():
            if read_as is None:  # a file without a header, of another width: no names to warn of before the count
                warnings.filterwarnings("ignore", message="X does not have valid feature names")
            forecasts = model.forecast(named_series(series, read_as), args.steps, **noise)
        runs, first_step = ([forecasts] if isinstance(series, np.ndarray) else forecasts), 1
        if differences:  # the forecast steps added to each series' last value
            runs = [level[-1] + np.cumsum(run, axis=0) for level, run in zip(levels, runs)]
        names = data_names if names is None else names
    names = [f"x{i}" for i in range(model.n_features_in_)] if names is None else list(names)
    destination = open(args.output, "w", newline="", encoding="utf-8") if args.output else contextlib.nullcontext(sys.stdout)
    with destination as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([id_name if series_ids else "series"] * (len(runs) > 1) + ["step"] + names)
        for i, run in zip(series_ids or range(len(runs)), runs):
            writer.writerows([i] * (len(runs) > 1) + [first_step + t] + [f"{v:.10g}" for v in row]
                             for t, row in enumerate(run))
    if args.output:
        print(f"{sum(map(len, runs))} rows of {len(runs)} run(s) written to {args.output}")
    return 0


def _contexts(args, names, fitted, id_name):
    """The series of ``args.data`` to continue, its columns' names and the series' names: the model's
    ``names`` where the header has them, else ``--features``, or reconstruct's (in ``fitted``, the
    settings saved beside the model) in a file without a header; a stack by ``--id-col``, or by
    reconstruct's (``id_name``); with ``--gaps`` (or reconstruct's), each series' rows after its last
    gap, or its gaps filled."""
    with contextlib.redirect_stdout(sys.stderr):  # a note on left-out columns, not a row of the forecast
        features = args.features
        if features is None and names is None and fitted.get("features"):
            features = fitted["features"]
            print(f"Reading the columns reconstruct fitted the model on: --features {' '.join(features)}")
        gaps = args.gaps or fitted.get("gaps")
        series, data_names, series_ids, _ = read_series(args.data, features, args.id_col, id_name, gaps is not None)
        if gaps:
            found = gaps_text(series)
            series = without_incomplete_ends(series)
            if gaps == "split":
                series, series_ids = split_at_gaps(series, series_ids, keep="last")
            else:
                series = interpolate_gaps(series)
            done = "each series continued from the rows after its last" if gaps == "split" else \
                "filled by linear interpolation, continuing the last complete row"
            print(f"Gaps: {found}" + f"; {done}" * (found != "none"))
        if names is not None and data_names is not None and set(names) <= set(data_names):
            series, data_names = model_columns(series, data_names, list(names))
    return series, data_names, series_ids


def first_differences(series):
    """The first differences of one series (an array) or of each of several (a list), one row fewer."""
    shortest = min(map(len, series_list(series)))
    if shortest < 2:
        raise SystemExit(f"error: first differences need two rows or more of each series; one has {shortest}")
    return np.diff(series, axis=0) if isinstance(series, np.ndarray) else [np.diff(part, axis=0) for part in series]


def split_at_gaps(series, series_ids=None, keep="split", where="the series"):
    """One series (an array) or several (a list) cut at their rows with a NaN or infinite value (a gap
    in the recording): with ``keep="split"`` every stretch between gaps of two rows or more, with "last"
    each series' stretch after its last gap (the end a forecast continues; each series has a complete
    row: :func:`without_incomplete_ends`); an array where one series was given and one stretch is left,
    else a list. Returns them and the names of the series they come from (``series_ids``: None, or one
    per series given); ``where`` names the data in an error."""
    owners, stretches = [], []
    for i, part in enumerate(series_list(series)):
        found = [part[start:stop] for start, stop in _runs(np.isfinite(part).all(axis=1))]
        found = found[-1:] if keep == "last" else [stretch for stretch in found if len(stretch) >= 2]
        stretches += found
        owners += [i] * len(found)
    if not stretches:
        raise SystemExit(f"error: {where} has no two rows in a row without a gap")
    ids = None if series_ids is None else [series_ids[i] for i in owners]
    return stretches[0] if len(stretches) == 1 and isinstance(series, np.ndarray) else stretches, ids


def without_incomplete_ends(series):
    """One series (an array) or several (a list) without the rows before each one's first complete row
    (no NaN or infinite value) and after its last; the same layout."""
    trimmed = []
    for i, part in enumerate(series_list(series)):
        complete = np.flatnonzero(np.isfinite(part).all(axis=1))
        if not len(complete):
            raise SystemExit(f"error: {'the series' if isinstance(series, np.ndarray) else f'series {i}'} has no "
                             "row without a gap")
        trimmed.append(part[complete[0]:complete[-1] + 1])
    return trimmed[0] if isinstance(series, np.ndarray) else trimmed


def interpolate_gaps(series):
    """One series (an array) or several (a list), each with complete first and last rows
    (:func:`without_incomplete_ends`), with every missing value (NaN or infinite) filled by linear
    interpolation along time (SequenceImputer); the same layout."""
    gappy = [np.where(np.isfinite(part), part, np.nan) for part in series_list(series)]
    filled = SequenceImputer().fit_transform(gappy)
    return filled[0] if isinstance(series, np.ndarray) else filled


def gaps_text(series):
    """How many gaps (runs of rows with a NaN or infinite value) one series or several have, and the
    longest's rows: for the note of what a command made of them."""
    lengths = [stop - start for part in series_list(series) for start, stop in _runs(~np.isfinite(part).all(axis=1))]
    if not lengths:
        return "none"
    longest = max(lengths)
    return f"{len(lengths)} (runs of rows with a missing value), the longest {longest} row{'s' * (longest > 1)}"


def _runs(flags):
    """The (start, stop) rows of each run of True in ``flags``."""
    edges = np.flatnonzero(np.diff(np.concatenate([[False], flags, [False]]).astype(int)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))
