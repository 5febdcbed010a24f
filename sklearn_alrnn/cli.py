"""Command-line entry point ``sklearn-alrnn`` (also ``python -m sklearn_alrnn``).

    sklearn-alrnn sweep     score vs number of nonlinear units on a research task
    sklearn-alrnn fit       train on a CSV table (a row per step or per sequence), an archive file or the
                            windows a recording's annotations label; save it
    sklearn-alrnn predict   predict a CSV table, an archive file or a recording's windows with a saved model
    sklearn-alrnn analyze   the regime summary of a saved model
    sklearn-alrnn reconstruct  learn a dynamical system from a recorded series (.npy, .npz, .tsf, an
                               archive file's cases or .csv)
    sklearn-alrnn forecast  continue a recorded series with a saved reconstruction, or run it freely
"""

import argparse
import json
import os
import sys
import warnings

import numpy as np
from sklearn.model_selection import ShuffleSplit
from sklearn.utils.multiclass import type_of_target

from . import datasets
from ._cli_sequences import GAP_FILLS, fit_sequences, load_bundle, sequences_to_label
from ._cli_series import cmd_forecast, cmd_reconstruct, saved_model
from ._data_files import check_can_write, read_series, series_list
from ._forecaster_report import (
    ATTRACTOR_STARTS, attractors_text, dimension_text, fixed_points_text, free_run_regimes, period_text, saved_sampling,
    spectrum_text,
)
from ._targets import missing_labels
from ._version import __version__
from .estimators import ALRNNClassifier, ALRNNRegressor
from .forecasting import ALRNNForecaster
from .nonlinearity import nonlinearity_profile
from .preprocessing import SequenceImputer, SequenceTokenizer, missing_inside
from .regimes import RegimeDecomposer
from .tabular import sequence_predictions_to_rows, target_columns

# task name -> (generator(n_samples, n_timesteps, seed) -> (X, y), estimator class)
TASKS = {
    "addition": (lambda n, T, s: datasets.make_addition(n, T, random_state=s), ALRNNRegressor),
    "context": (lambda n, T, s: datasets.make_context_integration(n, T, random_state=s), ALRNNClassifier),
    "flipflop": (lambda n, T, s: datasets.make_flipflop(n, T, random_state=s), ALRNNRegressor),
    "copy": (lambda n, T, s: datasets.make_copy_memory(n, delay=max(T - 11, 1), random_state=s), ALRNNRegressor),
    "lorenz": (lambda n, T, s: datasets.make_lorenz63(max(n // 50, 4), T, random_state=s), ALRNNRegressor),
}


def _count(minimum, auto=False):
    """The argparse type of a count: a whole number of at least ``minimum``, or, with ``auto``, "auto"."""
    def parse(text):
        if auto and text == "auto":
            return text
        if not text.isdigit() or int(text) < minimum:
            expected = f'a whole number of at least {minimum}' + (' or "auto"' if auto else "")
            raise argparse.ArgumentTypeError(f"expected {expected}; got {text!r}")
        return int(text)

    return parse


def _positive_number(text):
    """The argparse type of a positive finite number (a sampling interval)."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number; got {text!r}")
    return value


def _negative_mse(estimator, X, y):
    """Scorer: minus the mean squared error over valid (sequence, step, output) elements."""
    return -float(np.nanmean((estimator.predict(X) - y) ** 2))


def _print_sweep_table(profile, regressor):
    metric = "R^2" if regressor else "accuracy"
    header = f"{'P':>3}  {'test ' + metric:>17}" + (f"  {'test MSE':>17}" if regressor else "")
    print("\n" + header + f"  {'regimes used':>14}  {'fit time (s)':>12}")
    for i, P in enumerate(profile.n_nonlinear):
        line = f"{P:>3}  {profile.mean_score[i]:>8.4f} ± {profile.std_score[i]:<6.4f}"
        if regressor:
            mse = -profile.fold_scores["neg_mse"][i]
            line += f"  {mse.mean():>8.4f} ± {mse.std():<6.4f}"
        line += f"  {profile.regimes_visited[i]:>6.1f} of {2**P:<5}  {profile.fit_time[i]:>12.1f}"
        print(line)


def _write_rows(rows, path):
    """Rows to a .json file, else CSV (``cmd_sweep`` checks the suffix before it trains)."""
    if path.endswith(".json"):
        with open(path, "w", encoding="utf-8") as f:
            json.dump(rows, f, indent=2)
        return
    keys = list(rows[0])
    with open(path, "w", encoding="utf-8") as f:
        f.write(",".join(keys) + "\n")
        for r in rows:
            f.write(",".join(str(r[k]) for k in keys) + "\n")


def _plot_sweep(profile, path, task):
    import matplotlib

    matplotlib.use("Agg")
    ax, _ = profile.plot()
    ax.set_title(task)
    ax.figure.tight_layout()
    ax.figure.savefig(path, dpi=120)


def cmd_sweep(args):
    if max(args.n_nonlinear) > args.n_hidden or min(args.n_nonlinear) < 0:
        raise SystemExit(f"error: --n-nonlinear values must lie in [0, --n-hidden={args.n_hidden}]")
    if args.output and not args.output.endswith((".csv", ".json")):
        raise SystemExit(f"error: --output must end in .csv or .json; got {args.output!r}")
    for option, path in (("--output", args.output), ("--plot", args.plot)):
        if path:
            check_can_write(path, option)
    make, estimator_class = TASKS[args.task]
    X, y = make(args.n_samples, args.n_timesteps, 0)
    regressor = estimator_class is ALRNNRegressor
    print(
        f"Task {args.task}: {len(X)} sequences of {args.n_timesteps} steps, M={args.n_hidden}, "
        f"P in {args.n_nonlinear}, {args.seeds} random 80/20 train/test split(s): "
        f"{len(args.n_nonlinear) * args.seeds} fits",
        flush=True,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        profile = nonlinearity_profile(
            # The last state, as in the research: P is then the only nonlinearity.
            estimator_class(n_hidden=args.n_hidden, max_iter=args.max_iter, readout="last", random_state=0),
            X, y, args.n_nonlinear, cv=ShuffleSplit(args.seeds, test_size=0.2, random_state=0),
            scoring={"score": None, "neg_mse": _negative_mse} if regressor else None,
            n_jobs=args.n_jobs,
        )
    _print_sweep_table(profile, regressor)
    if args.output:
        rows = [dict(task=args.task, **row) for row in profile.fold_rows()]
        _write_rows(rows, args.output)
        print(f"Results written to {args.output}")
    if args.plot:
        _plot_sweep(profile, args.plot, args.task)
        print(f"Figure written to {args.plot}")
    return 0


def cmd_fit(args):
    check_can_write(args.model_out, "--model-out")
    X, y, settings = fit_sequences(args)
    token_input = {}
    if settings.get("text_col"):
        tokenizer = SequenceTokenizer(min_df=args.min_df or 1, max_tokens=args.max_tokens).fit(X)
        X, token_input = tokenizer.transform(X), {"input_type": "tokens"}
        settings["vocabulary"] = tokenizer.get_feature_names_out().tolist()
    elif args.gaps:
        imputer = SequenceImputer(method=GAP_FILLS[args.gaps]).fit(X)
        X = imputer.transform(X)
        settings |= {"gaps": args.gaps, "gap_means": imputer.statistics_.tolist()}
    elif (gaps := missing_inside(X)[2]).any():
        sequence, step, feature = np.argwhere(gaps)[0]
        raise SystemExit(f"error: values are missing inside sequences (NaN inside a sequence, '?' in an archive file; "
                         f"{np.count_nonzero(gaps)} in all, the first at sequence {sequence}, time step {step}, feature "
                         f"{feature}), which the network cannot read: fill them along time with --gaps interpolate "
                         "(or previous)")
    kind = args.kind
    if kind == "auto":  # per step, the kind of the steps' labels that are there (padding and gaps are NaN or None)
        labels = y
        if args.per_step:  # a row per step, a column per target
            steps = y.reshape(-1, y.shape[-1])
            labels = steps[~missing_labels(steps).any(axis=1)]
            labels = labels[:, 0] if labels.shape[1] == 1 else labels
        try:
            continuous = type_of_target(labels).startswith("continuous")  # "continuous-multioutput" too
        except TypeError:  # columns of text beside columns of numbers, which it cannot sort: the classifier names them
            continuous = False
        kind = "regressor" if continuous else "classifier"
    model_class = ALRNNRegressor if kind == "regressor" else ALRNNClassifier
    per_step = {"per_step": True} if args.per_step and kind == "classifier" else {}
    given = {name: getattr(args, name) for name in ("n_hidden", "n_nonlinear", "max_iter", "n_members")}
    model = model_class(
        random_state=args.random_state, verbose=args.verbose, **per_step, **token_input,
        **{name: value for name, value in given.items() if value is not None},  # else the estimator's default
    ).fit(X, y)
    model.save(args.model_out, extra=settings)
    final_loss = f"{model.loss_curve_[-1]:.5f}" if model.loss_curve_ else "not finite"
    print(f"Fitted {model_class.__name__} on {len(X)} sequences ({model.n_iter_} epochs, "
          f"final loss {final_loss}); saved to {args.model_out}")
    return 0


def _prediction_columns(predictions, target):
    """``predict``'s output columns by name: "prediction", or "prediction COL" for each of several target columns
    (for each output of a model from Python), of predictions with a row per case or per table row."""
    if predictions.ndim == 1 or len(target_columns(target)) == 1 and predictions.shape[1] == 1:
        return {"prediction": predictions.reshape(len(predictions))}
    names = target_columns(target) or range(predictions.shape[1])
    return {f"prediction {name}": predictions[:, j] for j, name in enumerate(names)}


def _labels_as_written(classes):
    """Class labels as a table writes them: whole numbers read as floats (a per-step table's are, padded
    with NaN) as integers, 0 and 1 rather than 0.0 and 1.0."""
    return classes.astype(np.int64) if classes.dtype.kind == "f" and np.array_equal(classes, np.round(classes)) \
        else classes


def _probability_columns(model, probabilities, target):
    """``predict --proba``'s columns: "probability C" for each class C (each label of a set: its target column)."""
    names = target_columns(target) if isinstance(target, list) else _labels_as_written(model.classes_)
    return {f"probability {name}": probabilities[:, j] for j, name in enumerate(names)}


def cmd_predict(args):
    if args.output:
        check_can_write(args.output, "--output")
    bundle = load_bundle(args.model)
    model = bundle["model"]
    if args.proba and not isinstance(model, ALRNNClassifier):
        raise SystemExit(f"error: --proba: {args.model!r} holds an {type(model).__name__}, whose predictions are "
                         "numbers, not classes")
    X, y, ids, table = sequences_to_label(args.data, bundle, args.annotations)
    predictions = model.predict(X)
    if isinstance(model, ALRNNClassifier) and _labels_as_written(model.classes_) is not model.classes_:
        predictions = [np.asarray(part).astype(np.int64) for part in predictions] \
            if isinstance(predictions, list) else predictions.astype(np.int64)
    import pandas as pd

    def by_row(values):  # per step, each sequence's values at its table rows
        if not bundle["per_step"]:
            return values
        return sequence_predictions_to_rows(table, bundle["id_col"], bundle["time_col"], ids, values)

    if bundle["per_step"]:
        out = table[[bundle["id_col"], bundle["time_col"]]].copy()
    else:
        out = pd.DataFrame({bundle["id_col"] or ("start (s)" if bundle.get("window") else "case"): ids})
    out = out.assign(**_prediction_columns(by_row(predictions), bundle["target"]))
    if args.proba:
        out = out.assign(**_probability_columns(model, by_row(model.predict_proba(X)), bundle["target"]))
    if y is not None:  # beside the predictions, which standard output may carry as CSV
        measure = "accuracy" if isinstance(model, ALRNNClassifier) else "R^2"
        print(f"{measure} {model.score(X, y):.4f} on the {len(y)} labelled cases of {args.data}",
              file=sys.stderr)
    if args.output:
        out.to_csv(args.output, index=False)
        print(f"{len(out)} predictions written to {args.output}")
    else:
        print(out.to_csv(index=False), end="")
    return 0


def cmd_analyze(args):
    try:
        model, extra = saved_model(args.model, args.n_nonlinear)
    except (OSError, ValueError) as exc:
        raise SystemExit(f"error: cannot load model {args.model!r}: {exc}")
    if isinstance(model, ALRNNForecaster):
        try:  # a recorded series' first row starts the free run (the model's own first observation without)
            first = None if args.data is None else series_list(read_series(args.data)[0])[0]
            x0 = None if first is None else first.reshape(-1, first.shape[-1])[0]
            # A driven system is analysed at rest, as the measures and the regimes' fixed points take it.
            at_rest = np.zeros((99_999, model.n_inputs_)) if model.n_inputs_ else None
            free_run, states = model.generate(100_000, x0=x0, exog=at_rest, return_states=True)
        except ValueError as exc:
            raise SystemExit(f"error: cannot start the free run{f' from {args.data!r}' * bool(args.data)}: {exc}")
        decomposer = free_run_regimes(model, states)
        learnt = " of the first differences (reconstruct --differences)" * bool(extra.get("differences"))
        print(f"ALRNNForecaster{learnt}: M={model.a_.shape[0]} units, P={model.n_nonlinear_} nonlinear, "
              f"{decomposer.n_regimes_} of {2**model.n_nonlinear_} regimes visited by a 100,000-step free run"
              + f" from the first row of {args.data}" * bool(args.data)
              + f", its {model.n_inputs_} exogenous input(s) held at 0" * bool(model.n_inputs_))
        print(f"  largest Lyapunov exponents  {spectrum_text(model, *saved_sampling(extra))}")
        print(f"  correlation dimension D_2 of the free run  {dimension_text([free_run], seed=0)}")
        print(f"  return period of its last half   {period_text(free_run[len(free_run) // 2 :])}")
        print("\n".join(fixed_points_text(model, decomposer)))
        with np.errstate(over="ignore", invalid="ignore"):  # a run that overflows is named above; its moves are too
            moved = states + np.random.default_rng(0).normal(size=states.shape) * np.nanstd(states, axis=0)
        print(f"  attractors from its states, half moved by a standard deviation at random  "
              f"{attractors_text(model, np.concatenate([states[::2], moved[1::2]]))}")
        table = decomposer.summary()
        print(table.to_string(index=False) if hasattr(table, "to_string") else table)
        return 0
    if args.data:  # the table's columns as the command's fit read them, or an archive file's cases
        X = sequences_to_label(args.data, load_bundle(args.model))[0]
        decomposer = RegimeDecomposer(model, prefit=True).fit(X)
    else:
        decomposer = RegimeDecomposer.from_parameters(
            model.a_, model.W_, model.h_, model.C_, n_nonlinear=model.n_nonlinear_
        )
    print(f"{type(model).__name__}: M={model.a_.shape[0]} units, P={model.n_nonlinear_} nonlinear, "
          f"{decomposer.n_regimes_} of {2**model.n_nonlinear_} regimes "
          f"{'visited' if args.data else 'enumerated'}")
    if decomposer.n_regimes_ == 0:
        raise SystemExit("error: too many regimes to enumerate at this size; pass --data to analyse those it visits")
    table = decomposer.summary()
    print(table.to_string(index=False) if hasattr(table, "to_string") else table)
    if args.data:  # the states of at most ATTRACTOR_STARTS sequences, not of a whole (large) data file
        chosen = np.linspace(0, len(X) - 1, min(len(X), ATTRACTOR_STARTS)).astype(int)
        states = model.hidden_states([X[i] for i in chosen])
        states = np.concatenate(states) if isinstance(states, list) else states.reshape(-1, model.a_.shape[0])
        print(f"attractors of the input-free map from states on the data  {attractors_text(model, states)}")
    return 0


def build_parser():
    parser = argparse.ArgumentParser(
        prog="sklearn-alrnn",
        description="Almost-linear recurrent networks (AL-RNNs) from the command line: train, predict, read the "
                    "regimes of a model, and reconstruct a dynamical system from a recorded series.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    sweep = sub.add_parser("sweep", help="score vs number of nonlinear units P on a research task")
    sweep.add_argument("--task", choices=sorted(TASKS), default="addition", help="a task of sklearn_alrnn.datasets")
    sweep.add_argument("--n-nonlinear", type=int, nargs="+", default=[0, 1, 2, 4, 8], metavar="P", help="ReLU units")
    sweep.add_argument("--n-hidden", type=_count(1), default=16, help="hidden units of every network")
    sweep.add_argument("--seeds", type=_count(1), default=3, help="random 80/20 train/test splits per P")
    sweep.add_argument("--n-samples", type=_count(10), default=1500, help="sequences drawn from the task")
    sweep.add_argument("--n-timesteps", type=_count(1), default=40, help="steps per sequence")
    sweep.add_argument("--max-iter", type=_count(1), default=300, help="epochs at most per fit")
    sweep.add_argument("--n-jobs", type=int, default=2, help="parallel folds (joblib)")
    sweep.add_argument("--output", help="write one row per fit to a .csv or .json file")
    sweep.add_argument("--plot", help="save a figure (PNG) of score and regimes vs P")
    sweep.set_defaults(func=cmd_sweep)

    fit = sub.add_parser("fit", help="train on a CSV table (a row per time step, or per sequence), an archive file "
                                     "or the windows a recording's annotations label")
    fit.add_argument("data", help="CSV table: a sequence id, a time stamp, features and the target in columns; a "
                                  "wide table without --id-col and --time-col: a row per sequence, the target and "
                                  "a column per time step; or an archive file of labelled cases (.ts, .arff, .tsv "
                                  "of the UCR/UEA archive, or a .csv copy: a label, then the values, on each line); "
                                  "with --text-col, a table of a row per text; a Parquet or JSON table (records, "
                                  "JSON Lines or columns, as pandas' to_json writes) reads as its CSV; or a "
                                  "recording (EDF, GDF, WFDB, XDF, BrainVision, EEGLAB) whose annotations label its "
                                  "windows")
    fit.add_argument("--target", action="append", help="a table's column to predict: its value at each sequence's "
                                                       "last step, or every step with --per-step; given again, "
                                                       "columns learned together (0 / 1 columns: a set of labels)")
    fit.add_argument("--text-col", help="a table's column of raw texts, a row per text, each read as a sequence of "
                                        "words (SequenceTokenizer) by a network of token inputs")
    fit.add_argument("--min-df", type=_count(1), help="with --text-col, words in fewer texts are the unknown token "
                                                     "(default 1: none)")
    fit.add_argument("--max-tokens", type=_count(2), help="with --text-col, the largest vocabulary, the unknown token "
                                                         "and the most frequent words (default: every word)")
    fit.add_argument("--id-col", help="a table's column naming each row's sequence")
    fit.add_argument("--time-col", help="a table's column ordering the rows of a sequence")
    fit.add_argument("--features", nargs="+", help="input columns, or a wide table's time steps in order (default: "
                                                   "every other numeric column); a recording's channels")
    fit.add_argument("--window", type=_positive_number, help="a recording's windows, in seconds, that its "
                                                            "annotations label: a sleep stage's 30, a beat's 0.6")
    fit.add_argument("--annotations", help="a file of the recording's annotations (a hypnogram .edf, a WFDB .atr; "
                                           "default: the recording's own)")
    fit.add_argument("--offset", type=float, default=0.0, help="seconds from an annotation to its first window")
    fit.add_argument("--labels", nargs="+", help="the annotations whose windows to fit (default: all)")
    fit.add_argument("--per-step", action="store_true", help="predict the target at every step")
    fit.add_argument("--gaps", choices=list(GAP_FILLS),
                     help="values missing inside a sequence: interpolate, linearly along time; previous, the last "
                          "value before (SequenceImputer; predict fills them alike; default: refused)")
    fit.add_argument("--kind", choices=["auto", "classifier", "regressor"], default="auto",
                     help="auto: a regressor for continuous targets, else a classifier")
    defaults = f"the estimators' (classifier {ALRNNClassifier().max_iter}, regressor {ALRNNRegressor().max_iter})"
    fit.add_argument("--n-hidden", type=_count(1), help=f"hidden units (default {ALRNNClassifier().n_hidden})")
    fit.add_argument("--n-nonlinear", type=_count(0), help=f"ReLU units P (default {ALRNNClassifier().n_nonlinear})")
    fit.add_argument("--max-iter", type=_count(1), help=f"epochs at most (default: {defaults})")
    fit.add_argument("--n-members", type=lambda value: value if value == "auto" else int(value),
                     help="networks joined into one (an integer or auto; see the estimators' n_members)")
    fit.add_argument("--random-state", type=int, default=0, help="seed of the initialisation and batches")
    fit.add_argument("--verbose", type=int, default=0, help="1: a progress bar, 2: a line per epoch")
    fit.add_argument("--model-out", required=True, help="model file (.alrnn.npz, no pickle)")
    fit.set_defaults(func=cmd_fit, usage_error=fit.error)

    predict = sub.add_parser("predict", help="predict a CSV table, an archive file or a recording's windows with a "
                                             "saved model")
    predict.add_argument("model", help="model file saved by 'sklearn-alrnn fit'")
    predict.add_argument("data", help="CSV table with the columns the model was fitted on, an archive file "
                                      "(its labels, if any, are scored), or a recording (its windows)")
    predict.add_argument("--output", help="CSV file (default: standard output)")
    predict.add_argument("--annotations", help="a recording's annotations whose windows to label and score "
                                               "(default: every window, one after the other)")
    predict.add_argument("--proba", action="store_true", help="a classifier's probability of each class too (of "
                                                              "each label, for sets of labels)")
    predict.set_defaults(func=cmd_predict)

    analyze = sub.add_parser("analyze", help="regime summary of a saved model")
    analyze.add_argument("model", help="model file (model.save, 'sklearn-alrnn fit' or 'reconstruct'), a checkpoint "
                                       "of the research code (Julia: model_<epoch>.bson) or its Python tutorial's "
                                       "network saved by torch.save")
    analyze.add_argument("--n-nonlinear", type=int, help="P, the ReLU units of a PyTorch state dict's network (a "
                                                         "whole module gives its own)")
    analyze.add_argument("--data", help="CSV table or archive file whose visited regimes to analyse (a model of "
                                        "'sklearn-alrnn fit'); for a forecaster, a recorded series whose first row "
                                        "starts the free run (a network from elsewhere holds no observation of its "
                                        "data)")
    analyze.set_defaults(func=cmd_analyze)

    reconstruct = sub.add_parser(
        "reconstruct", help="learn a dynamical system from a recorded series; print its measures, save it"
    )
    reconstruct.add_argument(
        "data", help=".npy array (n_timesteps, n_variables) or stack (n_series, n_timesteps, n_variables), "
                     ".npz archive or MATLAB .mat file of one such array, .wav sound (its channels), "
                     ".edf / .bdf, .gdf or .xdf recording, WFDB record (.hea, its .dat or name), BrainVision one "
                     "(.vhdr, .eeg) or EEGLAB dataset (.set, .fdt; epochs as series) (their signals of the rate (and "
                     "XDF stream) that holds the most samples, or --features by label), .tsf file of the Monash "
                     "forecasting archive (its series), .ts, .arff or UCR .tsv file (its cases, labels aside), "
                     "or .csv or text table (its numeric columns but time stamps, clocks and constants, or "
                     "--features; commas, semicolons, tabs or spaces between them, as np.savetxt writes), or a "
                     "Parquet or JSON table (or a JSON array of rows) read as its CSV"
    )
    reconstruct.add_argument("--features", nargs="+", metavar="COL",
                             help="a table's columns to learn, in that order: its header's names, or numbers from 0 "
                                  "without one (default: the numeric columns but time stamps, clocks and constants); "
                                  "a recording's signals by label")
    reconstruct.add_argument("--id-col", metavar="COL", help="a table's column naming each row's series (a trial, a "
                                                             "subject): a stack of series, in the order the names "
                                                             "first appear")
    reconstruct.add_argument(
        "--n-nonlinear", type=_count(0, auto=True), default="auto", help='ReLU units, or "auto" (12, fewer in small networks)'
    )
    reconstruct.add_argument(
        "--n-hidden", type=_count(1, auto=True), default="auto", help='hidden units, or "auto" (20, more for many variables)'
    )
    reconstruct.add_argument("--gaps", choices=["split", "interpolate"],
                             help="rows with a missing value (an empty or NA cell, NaN): split, the stretches "
                                  "between them (two rows or more) learnt as a stack of series; interpolate, each "
                                  "missing value filled linearly between its column's neighbours (default: refused)")
    reconstruct.add_argument("--differences", action="store_true",
                             help="learn the first differences of a series that trends; forecast adds them up")
    reconstruct.add_argument("--max-iter", type=_count(1), default=ALRNNForecaster().max_iter, help="epochs")
    reconstruct.add_argument(
        "--test-fraction", type=float, default=0.2, help="held-out end of the series, or of a stack's series (at least one)"
    )
    reconstruct.add_argument(
        "--dt", type=_positive_number, default=None,
        help="sampling interval: Lyapunov exponents also per unit of time (default: per second where the file "
             "gives its rate, as EDF, GDF, WFDB, XDF, BrainVision, EEGLAB and WAV do; per unit of a CSV time "
             "column's or dates' step)"
    )
    reconstruct.add_argument("--random-state", type=int, default=0)
    reconstruct.add_argument("--verbose", type=int, default=0)
    reconstruct.add_argument("--model-out", help="model file (default: DATA with suffix .alrnn.npz)")
    reconstruct.set_defaults(func=cmd_reconstruct)

    forecast = sub.add_parser(
        "forecast", help="continue a recorded series with a saved reconstruction, or run it freely; write CSV"
    )
    forecast.add_argument("model", help="model file of 'sklearn-alrnn reconstruct' or ALRNNForecaster.save, a "
                                        "checkpoint of the research code (model_<epoch>.bson) or its tutorial's "
                                        "network (torch.save)")
    forecast.add_argument("--n-nonlinear", type=int, help="P, the ReLU units of a PyTorch state dict's network")
    forecast.add_argument(
        "data", nargs="?", help="the series to continue, read as reconstruct reads its data (a stack: each series "
                                "continued, a column 'series' numbering them, or --id-col's naming them); without "
                                "it, the free run from the first training observation (step 0)"
    )
    forecast.add_argument("--features", nargs="+", metavar="COL",
                          help="the table's columns to continue, as reconstruct's --features chose them (default: "
                               "the model's variables by name; in a file without a header, the columns reconstruct's "
                               "--features numbered)")
    forecast.add_argument("--id-col", metavar="COL", help="the table's column naming each row's series: each continued")
    forecast.add_argument("--gaps", choices=["split", "interpolate"],
                          help="rows with a missing value: split, each series continued from the rows after its "
                               "last; interpolate, filled linearly (default: reconstruct's --gaps)")
    forecast.add_argument("--steps", type=_count(1), required=True, help="steps to forecast, or rows of the free run")
    forecast.add_argument("--process-noise", type=float, default=0.0,
                          help="0: the deterministic run; 1: a sample path with the map's one-step errors' noise")
    forecast.add_argument("--random-state", type=int, default=0, help="seed of the noise draws")
    forecast.add_argument("--output", help="CSV file (default: standard output)")
    forecast.set_defaults(func=cmd_forecast)
    return parser


def _print_warning(message, category, filename, lineno, file=None, line=None):
    print(f"warning: {message}", file=sys.stderr if file is None else file)


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        with warnings.catch_warnings():
            if argv is None:  # run as a command: a warning is one line for its user, without the package's source
                warnings.showwarning = _print_warning
                # A terminal or locale of another encoding than UTF-8 (ASCII in the C locale, a Windows code page)
                # cannot show every name a file holds ("Temperatur °C"); it gets them escaped, as standard error
                # does, where it stopped the command after its work was done.
                if hasattr(sys.stdout, "reconfigure"):
                    sys.stdout.reconfigure(errors="backslashreplace")
            return args.func(args)
    except BrokenPipeError:  # standard output's reader stopped early (| head): stop quietly, as cat does
        try:  # and keep Python from reporting the pipe again when it flushes standard output at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 141
    except (ValueError, TypeError, OSError) as exc:  # bad data, settings or files: a message, not a traceback
        raise SystemExit(f"error: {exc}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
