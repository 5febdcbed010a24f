"""The sequences ``sklearn-alrnn fit`` trains on and ``predict`` and ``analyze`` label, with the settings
saved beside a model: a CSV table's columns (a row per step, or per sequence), a table of raw texts,
an archive file's cases, or the windows of a recording that its annotations label."""

import os
import warnings

import numpy as np
from sklearn.utils import Bunch

from ._array_files import LABELLED_FILES, header_file
from ._data_files import (
    ARCHIVE_READERS, archive_reader, read_table, refuse_row_numbers, table_sequences, text_rows, wide_sequences,
)
from ._recording_files import annotation_windows, load_annotations, load_recording
from .forecasting import ALRNNForecaster
from .io import load_with_extra
from .preprocessing import SequenceImputer, SequenceTokenizer
from .tabular import default_feature_columns, numeric_columns, target_columns

#: ``fit --gaps``: SequenceImputer's method of each choice.
GAP_FILLS = {"interpolate": "linear", "previous": "previous"}

#: What ``fit`` saves beside a model of an archive file, whose cases and labels need no table columns.
_ARCHIVE_SETTINGS = {"id_col": None, "time_col": None, "features": None, "target": None, "per_step": False}


def load_bundle(path):
    """The model of a file and the table settings ``sklearn-alrnn fit`` saved beside it. A classifier or
    regressor saved from Python (``model.save``) has none: it reads archive files, whose cases are whole."""
    try:
        model, extra = load_with_extra(path)
    except (OSError, ValueError) as exc:
        raise SystemExit(f"error: cannot load model {path!r}: {exc}")
    if isinstance(model, ALRNNForecaster):
        raise SystemExit(f"error: {path!r} holds an ALRNNForecaster, which continues series rather than labelling "
                         "sequences: 'sklearn-alrnn forecast' continues them; 'sklearn-alrnn analyze' reads it")
    if "id_col" in extra:
        return dict(extra, model=model)
    if getattr(model, "per_step", False):
        raise SystemExit(f"error: {path!r} holds a per-step {type(model).__name__} saved from Python, without the "
                         "columns of the CSV table it labels; predict it in Python, or fit the table with "
                         "'sklearn-alrnn fit --per-step'")
    return dict(_ARCHIVE_SETTINGS, saved_from_python=True, model=model)


def _text_table(args, target):
    """``fit --text-col``'s raw texts, targets and the settings saved beside the model: a table of a row
    per text (the vocabulary is added where the texts are tokenized)."""
    other = [option for option, given in (("--id-col", args.id_col), ("--time-col", args.time_col),
                                          ("--features", args.features), ("--per-step", args.per_step),
                                          ("--gaps", args.gaps)) if given]
    problems = [f"{', '.join(other)} read(s) sequences of numbers"] * bool(other)
    problems += ["the texts are not a target"] * (args.text_col in (args.target or []))
    if problems or target is None:
        args.usage_error("--text-col reads a table of a row per text and its --target column(s)" +
                         "".join(f"; {problem}" for problem in problems))
    texts, y = text_rows(read_table(args.data), args.text_col, target)
    return texts, y, dict(_ARCHIVE_SETTINGS, text_col=args.text_col, target=target)


def _is_recording(path):
    """Whether ``path`` names a recording whose windows annotations label (EDF, GDF, WFDB, XDF,
    BrainVision, EEGLAB)."""
    return os.path.splitext(header_file(path))[1].lower() in LABELLED_FILES


def _recording_windows(path, annotations, settings, every_window=False):
    """``(X, y, starts)``: the windows of the recording ``path`` that its ``annotations`` file (None: its
    own annotations) labels, or with ``every_window`` its windows one after the other from the first
    sample (a night to score), by the ``settings`` fit saves (window, offset, labels, channels)."""
    try:
        recording = load_recording(path, channels=settings["features"])
        chosen = dict(offset=settings["offset"], descriptions=settings["labels"])
        if every_window:
            # From the channels' first sample: an XDF stream's may come after the recording clock's 0.
            onset = np.arange(np.nanmin(recording.times), np.nanmax(recording.times) + 1 / recording.sampling_rate,
                              settings["window"])
            found = Bunch(onset=onset, duration=np.zeros(len(onset)), description=np.full(len(onset), ""))
            chosen = dict(offset=0.0, descriptions=None)
        else:
            found = load_annotations(annotations or path)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            X, y, starts = annotation_windows(recording, found, settings["window"], return_starts=True, **chosen)
    except ValueError as exc:
        raise SystemExit(f"error: {exc}") from None
    for warning in caught:
        print(f"Windows: {warning.message}")
    if not len(X):
        raise SystemExit(f"error: {path!r} holds no whole window of {settings['window']:g} s that the annotations "
                         "label")
    return X, y, np.round(starts, 6)  # to the microsecond: an XDF stream's times carry its fitted line's last bits


def _fit_recording(args):
    """``fit``'s windows of a recording, their labels and the settings saved beside the model."""
    named = [option for option, given in (("--target", args.target), ("--id-col", args.id_col),
                                          ("--time-col", args.time_col), ("--text-col", args.text_col),
                                          ("--per-step", args.per_step), ("--gaps", args.gaps)) if given]
    if named or args.window is None:
        args.usage_error(f"a recording ({args.data!r}) is fitted on the windows its annotations label: --window "
                         "SECONDS (and --annotations, --offset, --labels, --features for its channels)" +
                         f"; {', '.join(named)} read(s) tables" * bool(named))
    settings = dict(_ARCHIVE_SETTINGS, features=args.features, window=args.window, offset=args.offset,
                    labels=args.labels)
    X, y, _ = _recording_windows(args.data, args.annotations, settings)
    print(f"Windows: {len(X)} of {args.window:g} s, labelled {', '.join(sorted(set(y.tolist())))}")
    return X, y, settings


def fit_sequences(args):
    """``fit``'s sequences, targets and the settings saved beside the model: an archive file's cases and
    labels, a CSV table's columns as the options name them, or a recording's windows its annotations
    label."""
    if args.window is not None or args.annotations is not None or _is_recording(args.data):
        return _fit_recording(args)
    table_options = {"--target": args.target, "--id-col": args.id_col, "--time-col": args.time_col}
    target = args.target if args.target is None or len(args.target) > 1 else args.target[0]  # one: as saved before
    if args.text_col is not None:
        return _text_table(args, target)
    words = [option for option, given in (("--min-df", args.min_df), ("--max-tokens", args.max_tokens)) if given]
    if words:
        args.usage_error(f"{', '.join(words)}: options of --text-col's vocabulary")
    named = [option for option, value in table_options.items() if value is not None]
    named += ["--features"] * bool(args.features) + ["--per-step"] * args.per_step
    read_archive = archive_reader(args.data, ucr_2015=True, csv_cases=not named)  # a .csv as the archive's cases
    if read_archive:
        if named:  # usage errors, as argparse reports them (exit status 2)
            args.usage_error(f"{', '.join(named)}: options for a CSV table's columns; {args.data!r} is an archive "
                             "file, whose cases and labels are its own")
        X, y = read_archive(args.data)
        if y is None:
            raise SystemExit(f"error: {args.data!r} has no class labels or targets to fit")
        return X, y, dict(_ARCHIVE_SETTINGS)
    missing = [option for option, value in table_options.items() if value is None]
    if missing == ["--id-col", "--time-col"] and not args.per_step:  # a wide table: a row per sequence
        table = read_table(args.data)
        steps = args.features or numeric_columns(table, set(args.target))
        X, y = wide_sequences(table, steps, target)
        return X, y, dict(_ARCHIVE_SETTINGS, features=steps, target=target, wide=True)
    if missing:
        args.usage_error(f"a CSV table needs {', '.join(missing)} (an archive file, {', '.join(ARCHIVE_READERS)}, "
                         "or a .csv of cases, a label and then the values on each line, needs none; a wide table "
                         "of a row per sequence needs --target alone)")
    table = read_table(args.data)
    features = args.features or default_feature_columns(table, {args.id_col, args.time_col, *args.target})
    if not args.features:
        refuse_row_numbers(table[features].to_numpy(dtype=float, na_value=np.nan), features, "feature")
    X, y, _ = table_sequences(table, args.id_col, args.time_col, features, target, args.per_step,
                              gaps=args.gaps is not None)
    return X, y, {"id_col": args.id_col, "time_col": args.time_col, "features": features, "target": target,
                  "per_step": args.per_step}


def sequences_to_label(path, bundle, annotations=None):
    """``(X, y, ids, table)`` of a data file for a saved model: an archive file's cases (numbered from 1)
    and labels, a CSV table's sequences by the columns the model was fitted on, their ids and the
    table (which per-step predictions are written beside), or a recording's windows (where its
    ``annotations`` label them, else one after the other) and their start times."""
    if bundle.get("window"):
        X, y, starts = _recording_windows(path, annotations, bundle, every_window=annotations is None)
        return X, y if annotations else None, starts, None
    if annotations:
        raise SystemExit("error: --annotations label a recording's windows; the model was fitted on sequences of "
                         "a table or an archive file")
    read_archive = archive_reader(path, ucr_2015=True, csv_cases=bundle["id_col"] is None and not bundle.get("wide")
                                  and not bundle.get("text_col"))

    def wide_table():  # a row per sequence (per text), and the target where the table has its columns
        wide = read_table(path)
        return wide, bundle["target"] if all(column in wide for column in target_columns(bundle["target"])) else None

    if bundle.get("text_col"):  # tokenized with the vocabulary fit learned
        wide, target = wide_table()
        texts, y = text_rows(wide, bundle["text_col"], target)
        (X, ids, table) = SequenceTokenizer(vocabulary=bundle["vocabulary"]).fit(texts[:1]).transform(texts), None, None
    elif read_archive:
        if bundle["per_step"]:
            raise SystemExit(f"error: the model predicts every step of a CSV table's sequences; {path!r} is an archive "
                             "file of whole cases")
        (X, y), ids, table = read_archive(path), None, None
    elif bundle.get("wide"):
        wide, target = wide_table()
        (X, y), ids, table = wide_sequences(wide, bundle["features"], target), None, None
    elif bundle["id_col"] is None:
        fitted_on = "saved from Python without a CSV table's columns" if bundle.get("saved_from_python") else \
            "fitted on an archive file"
        raise SystemExit(f"error: the model was {fitted_on}; {path!r} must be an archive file "
                         f"({', '.join(ARCHIVE_READERS)})")
    else:
        table = read_table(path)
        (X, _, ids), y = table_sequences(table, bundle["id_col"], bundle["time_col"], bundle["features"],
                                         gaps=bool(bundle.get("gaps"))), None
    if bundle.get("gaps"):  # filled as fit filled the training sequences, with their features' means
        imputer = SequenceImputer(method=GAP_FILLS[bundle["gaps"]])
        imputer.statistics_, imputer.n_features_in_ = np.asarray(bundle["gap_means"]), len(bundle["gap_means"])
        X = imputer.transform(X)
    return X, y, np.arange(1, len(X) + 1) if ids is None else ids, table
