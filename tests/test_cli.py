"""The sklearn-alrnn command: usage errors, a tiny sweep, and the fit / predict / analyze loop."""

import gzip
import io
import json
import os
import pathlib
import re
import subprocess
import sys
import warnings
import zlib

import numpy as np
import pytest

from sklearn_alrnn import (
    ALRNNClassifier, ALRNNForecaster, ALRNNRegressor, __version__, load, sequence_predictions_to_rows, to_sequences,
)
from sklearn_alrnn._forecaster_report import attractor_text, saved_sampling
from sklearn_alrnn.analysis import find_attractors
from sklearn_alrnn.cli import main
from sklearn_alrnn.datasets import load_ts, write_ts
from sklearn_alrnn.metrics import (
    correlation_dimension, lyapunov_spectrum, power_spectrum_distance, prediction_error, return_period, state_space_divergence,
)

from .conftest import lozi_map

pd = pytest.importorskip("pandas")


def test_bad_arguments_print_usage_and_fail(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["sweep", "--task", "juggling"])
    assert exit_info.value.code == 2
    assert "usage: sklearn-alrnn sweep" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"sklearn-alrnn {__version__}"
    with pytest.raises(SystemExit, match=r"must lie in \[0, --n-hidden=4\]"):
        main(["sweep", "--n-hidden", "4", "--n-nonlinear", "0", "5"])
    with pytest.raises(SystemExit, match=r"--output must end in .csv or .json; got 'r.txt'"):
        main(["sweep", "--output", "r.txt"])  # refused before any training
    # Counts below their range end in argparse's usage message; before, --seeds 0 ran and ended in
    # scikit-learn's "No fits were performed", --max-iter 0 in the estimator's parameter error.
    for command in (["sweep", "--seeds", "0"], ["sweep", "--max-iter", "-3"], ["reconstruct", "x.npy", "--max-iter", "0"],
                    ["fit", "x.csv", "--target", "y", "--id-col", "i", "--time-col", "t", "--model-out", "m.npz",
                     "--n-hidden", "0"]):
        with pytest.raises(SystemExit) as exit_info:
            main(command)
        assert exit_info.value.code == 2
        assert "expected a whole number of at least" in capsys.readouterr().err


def test_files_to_write_in_a_folder_that_does_not_exist_are_refused_before_any_work(tmp_path):
    # Before, the sweep, the fit or the reconstruction ran for minutes and then ended in a
    # FileNotFoundError traceback, its results lost.
    missing = tmp_path / "no such folder"
    table, series = tmp_path / "table.csv", tmp_path / "series.npy"
    _long_table(np.random.RandomState(0)).to_csv(table, index=False)
    np.save(series, np.sin(0.1 * np.arange(200))[:, None])
    for command, option in [
        (["sweep", "--output", str(missing / "r.csv")], "--output"),
        (["sweep", "--plot", str(missing / "r.png")], "--plot"),
        (["fit", str(table), "--target", "label", "--id-col", "sid", "--time-col", "t",
          "--model-out", str(missing / "m.alrnn.npz")], "--model-out"),
        (["predict", str(tmp_path / "m.alrnn.npz"), str(table), "--output", str(missing / "p.csv")], "--output"),
        (["reconstruct", str(series), "--model-out", str(missing / "m.alrnn.npz")], "--model-out"),
    ]:
        with pytest.raises(SystemExit, match=f"error: {option} .*: the folder .*no such folder' does not exist"):
            main(command)


@pytest.mark.slow
def test_module_entry_point_runs():
    result = subprocess.run(
        [sys.executable, "-m", "sklearn_alrnn", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and "sweep" in result.stdout


def test_tiny_sweep_prints_its_table_and_writes_results(tmp_path, capsys):
    out = tmp_path / "results.json"
    code = main([
        "sweep", "--task", "addition", "--n-nonlinear", "0", "1", "--n-hidden", "4", "--seeds", "1",
        "--n-samples", "60", "--n-timesteps", "6", "--max-iter", "3", "--n-jobs", "1", "--output", str(out),
    ])
    assert code == 0
    printed = capsys.readouterr().out
    assert "test R^2" in printed and "test MSE" in printed and "regimes used" in printed
    rows = json.loads(out.read_text())
    assert [r["n_nonlinear"] for r in rows] == [0, 1]
    assert rows[0]["regimes_visited"] == 1 and rows[1]["possible_regimes"] == 2
    assert all(r["task"] == "addition" and r["neg_mse"] < 0 and r["n_iter"] <= 3 for r in rows)


def _long_table(rng, n_sequences=40):
    rows = []
    for sid in range(n_sequences):
        length = rng.randint(4, 9)
        values = rng.normal(size=length)
        label = "up" if values[:2].sum() > 0 else "down"
        for t in range(length):
            rows.append({"sid": f"s{sid}", "t": t * 10, "x": values[t], "noise": rng.normal(), "label": label})
    table = pd.DataFrame(rows)
    return table.sample(frac=1.0, random_state=0).reset_index(drop=True)  # rows in any order


def test_a_commands_warnings_are_one_line_each(tmp_path, capsys, monkeypatch):
    # Run as a command, a warning printed the package's file, line and source beside the message.
    table = _long_table(np.random.RandomState(0)).assign(flag=True)
    table.to_csv(tmp_path / "train.csv", index=False)
    monkeypatch.setattr(sys, "argv", ["sklearn-alrnn", "fit", str(tmp_path / "train.csv"), "--target", "label",
                                      "--id-col", "sid", "--time-col", "t", "--max-iter", "1",
                                      "--model-out", str(tmp_path / "m.alrnn")])
    assert main() == 0
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("warning: The numeric columns") and "['flag'] hold no numbers" in lines[0]
    assert not [line for line in lines if "Warning" in line or "sklearn_alrnn" in line], lines


def test_fit_predict_analyze_round_trip(tmp_path, capsys):
    rng = np.random.RandomState(0)
    data = tmp_path / "train.csv"
    _long_table(rng).to_csv(data, index=False)
    model = tmp_path / "model.alrnn.npz"
    assert main([
        "fit", str(data), "--target", "label", "--id-col", "sid", "--time-col", "t",
        "--n-hidden", "6", "--n-nonlinear", "2", "--max-iter", "30", "--model-out", str(model),
    ]) == 0
    assert "Fitted ALRNNClassifier on 40 sequences" in capsys.readouterr().out
    predictions = tmp_path / "pred.csv"
    assert main(["predict", str(model), str(data), "--output", str(predictions)]) == 0
    table = pd.read_csv(predictions)
    assert len(table) == 40 and set(table["prediction"]) <= {"up", "down"}
    capsys.readouterr()
    assert main(["analyze", str(model), "--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert "P=2 nonlinear" in out and "spectral_radius" in out
    # where the input-free map's runs from 200 of the data's states settle
    fitted = load(model)
    X = to_sequences(pd.read_csv(data), "sid", "t", ["x", "noise"])[0]  # the columns fit read
    on_data = fitted.hidden_states(X).reshape(-1, 6)
    on_data = on_data[np.isfinite(on_data).all(axis=1)]  # not past a shorter sequence's end
    found = find_attractors(fitted.a_, fitted.W_, fitted.h_, on_data[np.linspace(0, len(on_data) - 1, 200).astype(int)],
                            n_nonlinear=2)
    printed = re.search(r"attractors of the input-free map from states on the data +(.+)\n", out).group(1)
    assert printed.startswith(", ".join(map(attractor_text, found.attractors)) or "none")
    assert main(["analyze", str(model)]) == 0
    assert "4 of 4 regimes enumerated" in capsys.readouterr().out
    # The same table as a spreadsheet in a decimal-comma locale writes it: the same predictions
    # (before, pandas read one column named "sid;t;..." and the command named no column it wanted).
    localised = tmp_path / "localised.csv"
    _long_table(np.random.RandomState(0)).to_csv(localised, index=False, sep=";", decimal=",")
    assert "," in localised.read_text()
    assert main(["predict", str(model), str(localised), "--output", str(tmp_path / "again.csv")]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "again.csv"), table)
    for header_ended in (False, True):  # a delimiter ending every line, as some exports write: pandas read the
        lines = data.read_text().splitlines()  # first column as the index and shifted the names ("Input contains NaN")
        ended = tmp_path / "ended.csv"
        ended.write_text("\n".join([lines[0] + "," * header_ended] + [line + "," for line in lines[1:]]) + "\n")
        assert main(["predict", str(model), str(ended), "--output", str(tmp_path / "again.csv")]) == 0
        pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "again.csv"), table)
    ended.write_text("\n".join([lines[0]] + [line + "," + "7" * (i == 5) for i, line in enumerate(lines[1:])]))
    with pytest.raises(SystemExit, match="rows hold values in more columns than the header names"):  # not dropped
        main(["predict", str(model), str(ended)])
    indexed = tmp_path / "indexed.csv"  # to_csv's default writes the row numbers under an empty name: no feature
    _long_table(np.random.RandomState(0)).to_csv(indexed)
    assert main(["predict", str(model), str(indexed), "--output", str(tmp_path / "again.csv")]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "again.csv"), table)
    numbered = tmp_path / "numbered.csv"  # the index under a name: a counter over all rows, fitted as a feature
    _long_table(np.random.RandomState(0)).rename_axis("row").to_csv(numbered)
    fit_numbered = ["fit", str(numbered), "--target", "label", "--id-col", "sid", "--time-col", "t", "--max-iter", "1",
                    "--model-out", str(tmp_path / "numbered.alrnn.npz")]
    with pytest.raises(SystemExit, match=r"column 'row' rises by the same step from each row .* not a feature; name"):
        main(fit_numbered)
    assert main([*fit_numbered, "--features", "x", "noise"]) == 0
    named = tmp_path / "named.csv"  # the line "sep=;" by which spreadsheets name the delimiter (read as the header)
    named.write_text("sep=;\n" + localised.read_text())
    assert main(["predict", str(model), str(named), "--output", str(tmp_path / "again.csv")]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "again.csv"), table)
    tabs = tmp_path / "tabs.tsv"  # tabs with decimal points stay numbers
    _long_table(np.random.RandomState(0)).to_csv(tabs, index=False, sep="\t")
    assert main(["predict", str(model), str(tabs), "--output", str(tmp_path / "again.csv")]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "again.csv"), table)
    noted = tmp_path / "noted.csv"  # semicolons and decimal points, a comma between digits only in a note's text
    _long_table(np.random.RandomState(0)).assign(note="costs 1,5").to_csv(noted, index=False, sep=";")
    assert main(["predict", str(model), str(noted), "--output", str(tmp_path / "again.csv")]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "again.csv"), table)
    assert main(["fit", str(noted), "--target", "label", "--id-col", "sid", "--time-col", "t", "--max-iter", "1",
                 "--model-out", str(tmp_path / "noted.alrnn.npz")]) == 0
    assert load(tmp_path / "noted.alrnn.npz").n_features_in_ == 2  # before: x and noise read as text, left out
    for suffix in (".gz", ".bz2", ".xz"):  # compressed, as pandas reads them by their suffix
        packed = tmp_path / f"train.csv{suffix}"
        _long_table(np.random.RandomState(0)).to_csv(packed, index=False, sep=";", decimal=",")
        assert main(["predict", str(model), str(packed), "--output", str(tmp_path / "again.csv")]) == 0
        pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "again.csv"), table)
    packed = bytearray(gzip.compress(_long_table(np.random.RandomState(0)).to_csv(index=False).encode()))
    packed[12] ^= 0xFF  # inside the deflate stream, after the 10-byte header: zlib.error, which escaped as such
    with pytest.raises(zlib.error):
        gzip.decompress(bytes(packed))
    for suffix, content in ((".gz", b"not compressed at all"), (".bz2", b"not compressed at all"),
                            (".xz", b"not compressed at all"), (".gz", bytes(packed))):
        broken = tmp_path / f"broken.csv{suffix}"
        broken.write_bytes(content)
        with pytest.raises(SystemExit, match=f"error: cannot read .*broken.csv{suffix}"):
            main(["predict", str(model), str(broken)])
        with pytest.raises(SystemExit, match=f"error: cannot read a numeric series from .*broken.csv{suffix}"):
            main(["reconstruct", str(broken)])
    pytest.importorskip("pyarrow")
    parquet = tmp_path / "train.parquet"  # a Parquet table reads as its CSV does
    _long_table(np.random.RandomState(0)).to_parquet(parquet, index=False)
    assert main(["predict", str(model), str(parquet), "--output", str(tmp_path / "again.csv")]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "again.csv"), table)


def test_fit_predict_analyze_read_the_archives_files(tmp_path, capsys):
    archive = pathlib.Path(__file__).parent / "data" / "archive"
    model = tmp_path / "gunpoint.alrnn.npz"
    assert main(["fit", str(archive / "GunPoint_TRAIN.arff"), "--n-hidden", "6", "--max-iter", "5",
                 "--model-out", str(model)]) == 0
    assert "Fitted ALRNNClassifier on 4 sequences" in capsys.readouterr().out
    for data in ("GunPoint_TRAIN.ts", "GunPoint_TRAIN.tsv"):  # the same cases in the other formats
        assert main(["predict", str(model), str(archive / data)]) == 0
        out, err = capsys.readouterr()
        table = pd.read_csv(io.StringIO(out))
        assert table["case"].tolist() == [1, 2, 3, 4] and set(table["prediction"]) <= {1, 2}
        assert re.search(r"accuracy [0-9.]+ on the 4 labelled cases of .*" + data, err)
    assert main(["analyze", str(model), "--data", str(archive / "GunPoint_TRAIN.ts")]) == 0
    assert "regimes visited" in capsys.readouterr().out
    for argv, message in (  # usage errors, as argparse's for a missing option were (exit status 2)
        (["fit", str(archive / "GunPoint_TRAIN.ts"), "--target", "y", "--features", "x", "--model-out", str(model)],
         "--target, --features: options for a CSV table's columns; .* is an archive"),
        (["fit", str(tmp_path / "t.csv"), "--target", "y", "--id-col", "id", "--model-out", str(model)],
         r"a CSV table needs --time-col \(an archive file, .ts, .arff, .tsv, or a .csv of cases, a label and then "
         r"the values on each line, needs none; a wide table"),
    ):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2
        assert re.search("usage: sklearn-alrnn fit.*error: " + message, capsys.readouterr().err, re.S)
    _long_table(np.random.RandomState(0)).to_csv(tmp_path / "t.csv", index=False)
    with pytest.raises(SystemExit, match="fitted on an archive file; .*t.csv' must be an archive file"):
        main(["predict", str(model), str(tmp_path / "t.csv")])
    unlabelled = tmp_path / "u.ts"
    unlabelled.write_text("@problemName u\n@classLabel false\n@data\n1,2,3\n")
    with pytest.raises(SystemExit, match="has no class labels or targets to fit"):
        main(["fit", str(unlabelled), "--model-out", str(model)])
    assert main(["predict", str(model), str(unlabelled)]) == 0  # predicted, nothing to score
    out, err = capsys.readouterr()
    assert out.startswith("case,prediction\n1,") and "accuracy" not in err

def test_fit_gaps_fills_values_missing_inside_sequences_and_predict_fills_them_alike(tmp_path, capsys):
    # An archive file with "?" inside its cases (as the UCR archive's DodgerLoop sets) was refused by the
    # classifier, whose message named SequenceImputer, which the command line could not reach.
    from sklearn_alrnn import ALRNNClassifier, SequenceImputer

    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 12, 2))
    y = np.where(X[:, :3, 0].sum(axis=1) > 0, "up", "down")
    gappy = np.where(rng.uniform(size=X.shape) < 0.15, np.nan, X)
    gappy[:, -1] = X[:, -1]  # a NaN last step would end its case
    gappy[3, :-1, 1] = np.nan  # a feature with no value in the case but its last step
    write_ts(tmp_path / "gaps_TRAIN.ts", gappy[:20], y[:20])
    write_ts(tmp_path / "gaps_TEST.ts", gappy[20:], y[20:])
    model = str(tmp_path / "gaps.alrnn.npz")
    quick = ["--n-hidden", "6", "--max-iter", "3", "--model-out", model]
    first = np.argwhere(np.isnan(gappy[:20]))[0]
    with pytest.raises(SystemExit, match=rf"values are missing inside sequences .* the first at sequence {first[0]}, "
                                         rf"time step {first[1]}, feature {first[2]}\), .* --gaps interpolate \(or previous"):
        main(["fit", str(tmp_path / "gaps_TRAIN.ts"), *quick])
    for fill, method in (("interpolate", "linear"), ("previous", "previous")):
        assert main(["fit", str(tmp_path / "gaps_TRAIN.ts"), "--gaps", fill, *quick]) == 0
        imputer = SequenceImputer(method=method).fit(gappy[:20])
        expected = ALRNNClassifier(n_hidden=6, max_iter=3, random_state=0).fit(imputer.transform(gappy[:20]), y[:20])
        np.testing.assert_array_equal(load(model).W_, expected.W_)
        capsys.readouterr()
        test = gappy[20:].copy()
        test[0, :-1, 0] = np.nan  # filled with the training cases' mean of that feature, not the test cases'
        write_ts(tmp_path / "gaps_TEST.ts", test, y[20:])
        assert main(["predict", model, str(tmp_path / "gaps_TEST.ts")]) == 0
        proba = pd.read_csv(io.StringIO(capsys.readouterr().out))
        assert proba["prediction"].tolist() == expected.predict(imputer.transform(test)).tolist()
    table = _long_table(rng)
    table.loc[table.index[:10], "x"] = np.nan
    table.to_csv(tmp_path / "long.csv", index=False)
    long_quick = ["--target", "label", "--id-col", "sid", "--time-col", "t", "--features", "x", "noise", *quick]
    with pytest.raises(SystemExit, match=r"column 'x' has no value at .* \(--gaps interpolate\)"):
        main(["fit", str(tmp_path / "long.csv"), *long_quick])
    assert main(["fit", str(tmp_path / "long.csv"), "--gaps", "interpolate", *long_quick]) == 0
    capsys.readouterr()
    assert main(["predict", model, str(tmp_path / "long.csv")]) == 0
    assert len(pd.read_csv(io.StringIO(capsys.readouterr().out))) == 40  # every sequence, its gaps filled


def test_fit_and_predict_read_the_ucr_archives_2015_files(tmp_path, capsys):
    # "Coffee_TRAIN" (no suffix) and ".txt" files, commas or spaces between the label and the values, were
    # read as CSV tables, their first case as a header: "a CSV table needs --target, --id-col, --time-col".
    rng = np.random.RandomState(0)
    labels = np.arange(30) % 2 + 1
    values = rng.normal(size=(30, 20)) + labels[:, None]
    model = tmp_path / "coffee.alrnn.npz"
    for name, separator in (("Coffee_TRAIN", ","), ("Coffee_TRAIN.txt", "  ")):
        lines = [separator.join(f"{v:.7e}" for v in (label, *row)) for label, row in zip(labels, values)]
        (tmp_path / name).write_text("\n".join(lines) + "\n")
        assert main(["fit", str(tmp_path / name), "--n-hidden", "6", "--max-iter", "5", "--model-out", str(model)]) == 0
        assert "Fitted ALRNNClassifier on 30 sequences" in capsys.readouterr().out
        assert main(["predict", str(model), str(tmp_path / name)]) == 0
        out, err = capsys.readouterr()
        fitted = load(model)
        np.testing.assert_array_equal(pd.read_csv(io.StringIO(out))["prediction"].astype(str),
                                      fitted.predict(values[:, :, None]))
        assert fitted.classes_.tolist() == ["1", "2"] and "on the 30 labelled cases" in err
    # Copies of the archive as .csv (a label, then the values; no header) given no column option: the same cases
    # (before: the first case read as the header, "a CSV table needs --target"); with --target, a table as before.
    copy = tmp_path / "ECG_TRAIN.csv"
    copy.write_text("".join(f"{label}," + ",".join(f"{v:.6f}" for v in row) + "\n"
                            for label, row in zip(labels, values)))
    assert main(["fit", str(copy), "--n-hidden", "6", "--max-iter", "5", "--model-out", str(model)]) == 0
    reference = ALRNNClassifier(n_hidden=6, max_iter=5, random_state=0).fit(values.round(6), labels.astype(str))
    np.testing.assert_allclose(load(model).W_, reference.W_, rtol=1e-12)
    capsys.readouterr()
    assert main(["predict", str(model), str(copy)]) == 0
    out, err = capsys.readouterr()
    np.testing.assert_array_equal(pd.read_csv(io.StringIO(out))["prediction"].astype(str),
                                  reference.predict(values.round(6)))
    assert "on the 30 labelled cases" in err
    with pytest.raises(SystemExit, match=r"columns \['label'\] are not in the table; it has \['1', '2.764052'.*holds "
                                         r"numbers; a file of cases without a header .* is read with no column option"):
        main(["fit", str(copy), "--target", "label", "--model-out", str(model)])
    last = tmp_path / "labels_last.csv"  # beats scaled to their peak, the class last (Kaggle's MIT-BIH copy): no cases
    last.write_text("".join(",".join(f"{v:.6f}" for v in (1.0 if i % 3 == 0 else row[0], *row[1:], label)) + "\n"
                            for i, (label, row) in enumerate(zip(labels, values))))
    with pytest.raises(SystemExit) as usage:
        main(["fit", str(last), "--model-out", str(model)])
    assert usage.value.code == 2 and "a CSV table needs --target" in capsys.readouterr().err
    named = tmp_path / "named.csv"  # pandas' names 0, 1, ... over the same rows: a wide table's header, as before
    named.write_text(",".join(str(i) for i in range(21)) + "\n" + copy.read_text())
    with pytest.raises(SystemExit) as usage:
        main(["fit", str(named), "--model-out", str(model)])
    assert usage.value.code == 2 and "or a .csv of cases, a label and then the values" in capsys.readouterr().err
    assert main(["fit", str(named), "--target", "0", "--n-hidden", "6", "--max-iter", "5",
                 "--model-out", str(model)]) == 0
    assert "Fitted ALRNNClassifier on 30 sequences" in capsys.readouterr().out


def test_fit_predict_analyze_read_a_wide_table_of_a_row_per_sequence(tmp_path, capsys):
    # A table of a row per sequence (the target and a column per step, as the archives' sets come as
    # CSV files) was refused: "a CSV table needs --id-col, --time-col".
    rng = np.random.RandomState(0)
    values = rng.normal(size=(40, 10))
    values[::4, 7:] = np.nan  # shorter sequences: empty cells after their last value
    table = pd.DataFrame(values, columns=[f"t{i}" for i in range(10)])
    table.insert(0, "label", np.where(values[:, :3].sum(axis=1) > 0, "up", "down"))
    table.to_csv(tmp_path / "wide.csv", index=False)
    model = tmp_path / "wide.alrnn.npz"
    assert main(["fit", str(tmp_path / "wide.csv"), "--target", "label", "--n-hidden", "6", "--max-iter", "5",
                 "--model-out", str(model)]) == 0
    assert "Fitted ALRNNClassifier on 40 sequences" in capsys.readouterr().out
    fitted = load(model)
    assert fitted.n_features_in_ == 1
    table.iloc[:, ::-1].drop(columns="label").to_csv(tmp_path / "reversed.csv", index=False)  # read by name
    assert main(["predict", str(model), str(tmp_path / "reversed.csv")]) == 0
    out, err = capsys.readouterr()
    predicted = pd.read_csv(io.StringIO(out))
    assert predicted["case"].tolist() == list(range(1, 41)) and "accuracy" not in err
    np.testing.assert_array_equal(predicted["prediction"], fitted.predict(values))
    assert main(["predict", str(model), str(tmp_path / "wide.csv")]) == 0
    assert f"accuracy {fitted.score(values, table['label']):.4f} on the 40 labelled cases" in capsys.readouterr().err
    assert main(["analyze", str(model), "--data", str(tmp_path / "wide.csv")]) == 0
    assert "regimes visited" in capsys.readouterr().out
    table.to_csv(tmp_path / "indexed.csv")  # pandas' row numbers in a first column, under an empty name: no step
    assert main(["fit", str(tmp_path / "indexed.csv"), "--target", "label", "--n-hidden", "6", "--max-iter", "5",
                 "--model-out", str(tmp_path / "indexed.alrnn.npz")]) == 0
    np.testing.assert_array_equal(load(tmp_path / "indexed.alrnn.npz").W_, fitted.W_)
    table.rename(columns={"t0": "row"}).assign(row=np.arange(40)).to_csv(tmp_path / "counted.csv", index=False)
    with pytest.raises(SystemExit, match=r"column 'row' rises by the same step from each row to the next.*--features"):
        main(["fit", str(tmp_path / "counted.csv"), "--target", "label", "--model-out", str(model)])
    with pytest.warns(UserWarning, match=r"The target columns \['label'\] are feature columns too"):
        with pytest.raises(SystemExit, match="column .label. is not numeric"):  # a label as a time step: warned of too
            main(["fit", str(tmp_path / "wide.csv"), "--target", "label", "--features", "t0", "label",
                  "--model-out", str(model)])
    table.drop(columns="t3").to_csv(tmp_path / "short.csv", index=False)
    with pytest.raises(SystemExit, match=r"columns \['t3'\] are not in the table"):
        main(["predict", str(model), str(tmp_path / "short.csv")])
    pd.DataFrame(rng.normal(size=(4, 300))).add_prefix("t").to_csv(tmp_path / "long.csv", index=False)
    with pytest.raises(SystemExit, match=r"columns \['label'\] are not in the table; it has \['t0', .* 't19'\] and 280 "
                                         r"more$"):  # not 300 names
        main(["fit", str(tmp_path / "long.csv"), "--target", "label", "--model-out", str(model)])
    table.assign(label=table["label"].where(table.index != 5)).to_csv(tmp_path / "gap.csv", index=False)
    with pytest.raises(SystemExit, match=r"column 'label' is empty in 1 rows \(the first: data row 5\)"):
        main(["fit", str(tmp_path / "gap.csv"), "--target", "label", "--model-out", str(model)])


def test_a_name_the_header_writes_twice_names_each_column_by_its_place_and_spaces_around_names_are_none(tmp_path, capsys):
    # pandas renames a repeated name's second column "x.1", a name the file does not hold, and "--features x"
    # took the first of the two without a word.
    rng = np.random.RandomState(0)
    rows = [(case, step, *rng.normal(size=2), case % 2) for case in range(20) for step in range(6)]
    data = tmp_path / "twice.csv"
    data.write_text("case,t,x,x,label\n" + "".join(",".join(map(str, row)) + "\n" for row in rows))
    values = np.array([row[2:4] for row in rows]).reshape(20, 6, 2)
    model = tmp_path / "twice.alrnn.npz"
    options = ["--id-col", "case", "--time-col", "t", "--target", "label", "--n-hidden", "4", "--max-iter", "3",
               "--model-out", str(model)]
    with pytest.raises(SystemExit, match=r"columns \['x'\] are not in the table; it has \['case', 't', 'x \(1 of 2\)', "
                                         r"'x \(2 of 2\)', 'label'\]: its header names 'x' more than once"):
        main(["fit", str(data), "--features", "x", *options])
    assert main(["fit", str(data), "--features", "x (2 of 2)", *options]) == 0
    fitted = load(model)
    assert fitted.n_features_in_ == 1
    capsys.readouterr()
    assert main(["predict", str(model), str(data), "--proba"]) == 0
    predicted = pd.read_csv(io.StringIO(capsys.readouterr().out))
    np.testing.assert_allclose(predicted["probability 1"], fitted.predict_proba(values[:, :, 1:])[:, 1], rtol=1e-6)
    assert main(["fit", str(data), *options]) == 0  # by default both, each under its own name
    assert load(model).n_features_in_ == 2
    # A space after each comma, as people write by hand, is no part of the names (nor of a label): it was
    # "columns ['t', 'label'] are not in the table; it has ['case', ' t', ' x', ' y', ' label']".
    labels = {0: "calm", 1: "busy"}
    plain, spaced = tmp_path / "plain.csv", tmp_path / "spaced.csv"
    plain.write_text("case,t,x,y,label\n" + "".join(
        ",".join(map(str, row[:4])) + f",{labels[row[4]]}\n" for row in rows))
    spaced.write_text("case, t, x, y , label\n" + "".join(
        ", ".join(map(str, row[:4])) + f", {labels[row[4]]}\n" for row in rows))
    for path in (plain, spaced):
        assert main(["fit", str(path), *options[:-1], str(tmp_path / f"{path.stem}.alrnn.npz")]) == 0
    fitted, from_spaced = load(tmp_path / "plain.alrnn.npz"), load(tmp_path / "spaced.alrnn.npz")
    np.testing.assert_array_equal(from_spaced.W_, fitted.W_)
    assert from_spaced.classes_.tolist() == ["busy", "calm"]
    data.write_text("x,x,label\n" + "".join(f"{a},{b},{case % 2}\n" for case, (a, b) in enumerate(values[:, 0])))
    with pytest.raises(SystemExit, match=r"its header names 'x' more than once"):  # a wide table's too
        main(["fit", str(data), "--target", "label", "--features", "x", "--model-out", str(model)])


def test_comment_lines_in_a_table_are_notes_and_np_savetxts_commented_header_names_the_columns(tmp_path, capsys):
    # fit read a logger's note above the header as the header ("rows hold values in more columns than the
    # header names"), and np.savetxt(header=...)'s "# id,t,x,label" as no header: the first data row was.
    rng = np.random.RandomState(0)
    rows = np.array([(case, step, rng.normal() + case % 2, case % 2) for case in range(20) for step in range(6)])
    plain = tmp_path / "plain.csv"
    np.savetxt(plain, rows, delimiter=",", header="id,t,x,label", comments="")
    options = ["--id-col", "id", "--time-col", "t", "--target", "label", "--n-hidden", "4", "--max-iter", "3",
               "--model-out"]
    assert main(["fit", str(plain), *options, str(tmp_path / "plain.alrnn.npz")]) == 0
    expected = load(tmp_path / "plain.alrnn.npz").W_
    text = plain.read_text().splitlines(keepends=True)
    # np.savetxt's own comment mark with a note under the names; a logger's notes above the header.
    np.savetxt(tmp_path / "saved.csv", rows, delimiter=",", header="id,t,x,label\nrecorded at 10 Hz")
    (tmp_path / "noted.csv").write_text("# exported by logger v2, 2026-12-07\n#\n" + "".join(text))
    for name in ("saved.csv", "noted.csv"):
        assert main(["fit", str(tmp_path / name), *options, str(tmp_path / f"{name}.alrnn.npz")]) == 0
        np.testing.assert_array_equal(load(tmp_path / f"{name}.alrnn.npz").W_, expected)
        assert main(["predict", str(tmp_path / f"{name}.alrnn.npz"), str(tmp_path / name)]) == 0
    capsys.readouterr()
    # A first column named "#" (row numbers) is a name, not a comment.
    (tmp_path / "numbered.csv").write_text("#," + text[0] + "".join(f"{i},{line}" for i, line in enumerate(text[1:])))
    with pytest.raises(SystemExit, match=r"column '#' rises by the same step from each row to the next"):
        main(["fit", str(tmp_path / "numbered.csv"), *options, str(tmp_path / "numbered.alrnn.npz")])
    # reconstruct names the columns of np.savetxt's commented header too (with runs of spaces between cells),
    # whose commas in a note are no delimiters (the file was read as one column of text: "no column of numbers").
    t = np.arange(300) * 0.1
    np.savetxt(tmp_path / "orbit.txt", np.column_stack([t, np.sin(t), np.cos(t)]), header="time u v\nunits: s, V, V")
    assert main(["reconstruct", str(tmp_path / "orbit.txt"), "--features", "v", "u", "--n-hidden", "4",
                 "--n-nonlinear", "1", "--max-iter", "1", "--model-out", str(tmp_path / "orbit.alrnn.npz")]) == 0
    assert load(tmp_path / "orbit.alrnn.npz").n_features_in_ == 2


def test_a_table_of_files_joined_one_after_another_skips_their_headers(tmp_path, capsys):
    # `cat a.csv b.csv > all.csv` repeats the header among the rows: fit read every column as text ("No
    # feature columns"; with --features, the time stamps '0' were "text that is neither a number nor a date").
    rng = np.random.RandomState(0)
    rows = [f"{part}{case},{step},{rng.normal() + case % 2:.4f},{case % 2}\n"
            for part in "ab" for case in range(10) for step in range(5)]
    header = "id,t,x,label\n"
    (tmp_path / "joined.csv").write_text(header + "".join(rows[:50]) + header + "".join(rows[50:]))
    (tmp_path / "one.csv").write_text(header + "".join(rows))
    options = ["--id-col", "id", "--time-col", "t", "--target", "label", "--n-hidden", "4", "--max-iter", "3",
               "--model-out"]
    with pytest.warns(UserWarning, match=r"'.*joined.csv' repeats its header on 1 later line \(files joined one "
                                         r"after another\); skipped"):
        assert main(["fit", str(tmp_path / "joined.csv"), *options, str(tmp_path / "joined.alrnn.npz")]) == 0
    assert main(["fit", str(tmp_path / "one.csv"), *options, str(tmp_path / "one.alrnn.npz")]) == 0
    np.testing.assert_array_equal(load(tmp_path / "joined.alrnn.npz").W_, load(tmp_path / "one.alrnn.npz").W_)
    # reconstruct would join two recordings into one series: it names the line instead.
    series = "x,y\n" + "".join(f"{v:.4f},{-v:.4f}\n" for v in rng.normal(size=30))
    (tmp_path / "recordings.csv").write_text(series + series)
    with pytest.raises(SystemExit, match=r"column 'x' holds 'x' in data row 30, which is not a number \(the header "
                                         r"again: the recordings of files joined one after another are series"):
        main(["reconstruct", str(tmp_path / "recordings.csv")])


def test_json_tables_and_series_read_as_their_csv(tmp_path, capsys):
    # A JSON file was read as CSV text: fit listed thousands of "columns" ('[{"id":0', 't:0', ...).
    rng = np.random.RandomState(0)
    table = pd.DataFrame({"id": np.repeat(np.arange(12), 5), "t": np.tile(np.arange(5), 12),
                          "x": rng.normal(size=60).round(6), "label": np.repeat(np.arange(12) % 2, 5)})
    table.to_csv(tmp_path / "table.csv", index=False)
    table.to_json(tmp_path / "records.json", orient="records")
    table.to_json(tmp_path / "lines.jsonl", orient="records", lines=True)
    table.to_json(tmp_path / "columns.json")  # pandas' default: an object of columns
    options = ["--id-col", "id", "--time-col", "t", "--target", "label", "--n-hidden", "4", "--max-iter", "3",
               "--model-out"]
    fitted = {}
    for name in ("table.csv", "records.json", "lines.jsonl", "columns.json"):
        assert main(["fit", str(tmp_path / name), *options, str(tmp_path / f"{name}.alrnn.npz")]) == 0
        fitted[name] = load(tmp_path / f"{name}.alrnn.npz").W_
    for name, W in fitted.items():
        np.testing.assert_array_equal(W, fitted["table.csv"], err_msg=name)
    t = np.arange(300) * 0.05
    series = np.column_stack([np.sin(t), np.cos(t)])
    np.savetxt(tmp_path / "series.csv", series, delimiter=",")
    (tmp_path / "series.json").write_text(json.dumps(series.tolist()))  # json.dump(X.tolist()): rows, no header
    settings = ["--n-hidden", "4", "--n-nonlinear", "1", "--max-iter", "1"]
    for name in ("series.csv", "series.json"):
        assert main(["reconstruct", str(tmp_path / name), *settings, "--model-out", str(tmp_path / f"{name}.npz")]) == 0
    np.testing.assert_array_equal(load(tmp_path / "series.json.npz").W_, load(tmp_path / "series.csv.npz").W_)
    (tmp_path / "setting.json").write_text('{"dt": 0.01}')
    with pytest.raises(SystemExit, match=r"'.*setting.json': it is JSON, but no table: an array of records"):
        main(["fit", str(tmp_path / "setting.json"), *options, str(tmp_path / "m.alrnn.npz")])
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)  # a RecursionError escaped before
    for command in (["fit", str(tmp_path / "deep.json"), *options, str(tmp_path / "m.alrnn.npz")],
                    ["reconstruct", str(tmp_path / "deep.json"), *settings]):
        with pytest.raises(SystemExit, match=r"'.*deep.json': it is JSON nested deeper than Python's parser reads"):
            main(command)


def test_fit_learns_several_target_columns_together_and_predict_writes_a_column_each(tmp_path, capsys):
    # --target took one column: a table's several labels (0 / 1 each, a set per sequence) or several numbers to
    # predict could not be learned together.
    rng = np.random.RandomState(1)
    values = rng.normal(size=(60, 8))
    table = pd.DataFrame(values, columns=[f"t{i}" for i in range(8)])
    table.insert(0, "early", (values[:, :3].sum(axis=1) > 0).astype(int))
    table.insert(1, "late", (values[:, -3:].sum(axis=1) > 0).astype(int))
    table.to_csv(tmp_path / "wide.csv", index=False)
    model = tmp_path / "sets.alrnn.npz"
    settings = ["--n-hidden", "6", "--max-iter", "5", "--random-state", "0"]
    assert main(["fit", "--target", "early", str(tmp_path / "wide.csv"), "--target", "late", *settings,
                 "--model-out", str(model)]) == 0
    assert "Fitted ALRNNClassifier on 60 sequences" in capsys.readouterr().out
    fitted = load(model)
    values = table.iloc[:, 2:].to_numpy()  # the numbers written, read exactly (before pandas 3, by round_trip)
    reference = ALRNNClassifier(n_hidden=6, max_iter=5, random_state=0).fit(values, table[["early", "late"]])
    np.testing.assert_array_equal(fitted.W_, reference.W_)
    assert main(["predict", str(model), str(tmp_path / "wide.csv")]) == 0
    out, err = capsys.readouterr()
    predicted = pd.read_csv(io.StringIO(out))
    assert predicted.columns.tolist() == ["case", "prediction early", "prediction late"]
    np.testing.assert_array_equal(predicted.iloc[:, 1:], reference.predict(values))
    assert f"accuracy {reference.score(values, table[['early', 'late']]):.4f} on the 60 labelled cases" in err
    # a long table of two numbers to predict at each sequence's last step: a regressor of two outputs
    long = _long_table(rng).assign(level=lambda frame: frame["x"] * 2, spread=lambda frame: frame["noise"] ** 2)
    long.to_csv(tmp_path / "long.csv", index=False)
    assert main(["fit", str(tmp_path / "long.csv"), "--target", "level", "--target", "spread", "--id-col", "sid",
                 "--time-col", "t", "--features", "x", "noise", *settings, "--model-out", str(model)]) == 0
    X, Y, _ = to_sequences(long, "sid", "t", ["x", "noise"], ["level", "spread"])
    assert Y.shape == (40, 2)
    regressor = ALRNNRegressor(n_hidden=6, max_iter=5, random_state=0).fit(X, Y)
    np.testing.assert_array_equal(load(model).W_, regressor.W_)
    capsys.readouterr()
    assert main(["predict", str(model), str(tmp_path / "long.csv")]) == 0
    predicted = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert predicted.columns.tolist() == ["sid", "prediction level", "prediction spread"]
    np.testing.assert_allclose(predicted.iloc[:, 1:], regressor.predict(X), rtol=1e-12)
    # per step (was refused): two 0 / 1 columns a set of labels at each step, each written back beside its row
    long = long.assign(rising=lambda frame: (frame["x"] > 0).astype(int), loud=lambda frame: (frame["noise"] > 1) * 1)
    long.to_csv(tmp_path / "steps.csv", index=False)
    per_step = ["--id-col", "sid", "--time-col", "t", "--features", "x", "noise", "--per-step", *settings]
    assert main(["fit", str(tmp_path / "steps.csv"), "--target", "rising", "--target", "loud", *per_step,
                 "--model-out", str(model)]) == 0
    assert "Fitted ALRNNClassifier on 40 sequences" in capsys.readouterr().out
    X, Y, ids = to_sequences(long, "sid", "t", ["x", "noise"], ["rising", "loud"], per_step=True)
    assert Y.shape == (40, 8, 2)
    reference = ALRNNClassifier(n_hidden=6, max_iter=5, random_state=0, per_step=True).fit(X, Y)
    np.testing.assert_array_equal(load(model).W_, reference.W_)
    assert main(["predict", str(model), str(tmp_path / "steps.csv"), "--proba"]) == 0
    predicted = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert predicted.columns.tolist() == ["sid", "t", "prediction rising", "prediction loud", "probability rising",
                                          "probability loud"]
    expected = sequence_predictions_to_rows(long, "sid", "t", ids, reference.predict(X))
    np.testing.assert_array_equal(predicted.iloc[:, 2:4], expected)
    np.testing.assert_allclose(predicted.iloc[:, 4:], sequence_predictions_to_rows(
        long, "sid", "t", ids, reference.predict_proba(X)), rtol=1e-12)
    assert predicted.loc[long["sid"] == "s3", "prediction rising"].tolist() == \
        reference.predict(X)[list(ids).index("s3"), long.loc[long["sid"] == "s3", "t"].to_numpy() // 10, 0].tolist()
    assert main(["fit", str(tmp_path / "steps.csv"), "--target", "rising", *per_step, "--model-out", str(model)]) == 0
    assert main(["predict", str(model), str(tmp_path / "steps.csv")]) == 0  # labels 0 and 1, padded with NaN as floats
    written = capsys.readouterr().out.split("sid,t,prediction\n")[1].splitlines()
    assert {line.split(",")[-1] for line in written} == {"0", "1"} and load(model).classes_.tolist() == [0.0, 1.0]
    with pytest.raises(SystemExit, match=r"sets of labels: \(n_samples, n_timesteps, n_labels\) of 0 and 1.*got y of "
                                         r"shape \(40, 8, 2\)"):  # text beside numbers: was a TypeError of sorting
        main(["fit", str(tmp_path / "steps.csv"), "--target", "rising", "--target", "label", *per_step,
              "--model-out", str(model)])
    # and two numbers at each step: a regressor of two outputs per step
    assert main(["fit", str(tmp_path / "steps.csv"), "--target", "level", "--target", "spread", *per_step,
                 "--model-out", str(model)]) == 0
    assert "Fitted ALRNNRegressor on 40 sequences" in capsys.readouterr().out
    assert main(["predict", str(model), str(tmp_path / "steps.csv")]) == 0
    predicted = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert predicted.columns.tolist() == ["sid", "t", "prediction level", "prediction spread"]


def test_analyze_without_data_names_a_network_too_large_to_enumerate(tmp_path, capsys):
    data, model = tmp_path / "train.csv", tmp_path / "wide.alrnn.npz"
    _long_table(np.random.RandomState(0)).to_csv(data, index=False)
    assert main([
        "fit", str(data), "--target", "label", "--id-col", "sid", "--time-col", "t",
        "--n-hidden", "18", "--n-nonlinear", "17", "--max-iter", "2", "--model-out", str(model),
    ]) == 0
    with pytest.raises(SystemExit, match="too many regimes to enumerate at this size; pass --data"):
        main(["analyze", str(model)])
    capsys.readouterr()
    assert main(["analyze", str(model), "--data", str(data)]) == 0
    assert "P=17 nonlinear" in capsys.readouterr().out


def test_fit_joins_members_and_analyze_reads_the_joined_network(tmp_path, capsys):
    data, model = tmp_path / "train.csv", tmp_path / "joined.alrnn.npz"
    _long_table(np.random.RandomState(0)).to_csv(data, index=False)
    assert main([
        "fit", str(data), "--target", "label", "--id-col", "sid", "--time-col", "t",
        "--n-hidden", "6", "--n-nonlinear", "2", "--max-iter", "10", "--n-members", "2", "--model-out", str(model),
    ]) == 0
    capsys.readouterr()
    assert main(["analyze", str(model)]) == 0
    assert "M=12 units, P=4 nonlinear" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["fit", str(data), "--target", "label", "--id-col", "sid", "--time-col", "t",
              "--n-members", "several", "--model-out", str(model)])


def test_per_step_fit_and_bad_files(tmp_path, capsys):
    rng = np.random.RandomState(1)
    table = _long_table(rng, 20)
    table["running"] = table.sort_values("t").groupby("sid")["x"].cumsum()
    data = tmp_path / "steps.csv"
    table.to_csv(data, index=False)
    model = tmp_path / "steps.alrnn.npz"
    assert main([
        "fit", str(data), "--target", "running", "--id-col", "sid", "--time-col", "t", "--features", "x",
        "--per-step", "--n-hidden", "4", "--n-nonlinear", "0", "--max-iter", "20", "--model-out", str(model),
    ]) == 0
    assert main(["predict", str(model), str(data)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-len(table) - 1] == "sid,t,prediction" and len(lines) >= len(table) + 1
    broken = tmp_path / "broken.alrnn.npz"
    # Nothing like a model; a model whose zip header names a version zipfile refuses (NotImplementedError,
    # which ended the command line in a traceback while it told PyTorch files apart).
    damaged = bytearray(model.read_bytes())
    damaged[bytes(damaged).index(b"PK\x01\x02") + 6] = 0xEE
    for content in (b"not a model", bytes(damaged)):
        broken.write_bytes(content)
        for command in (["predict", str(broken), str(data)], ["forecast", str(broken), "--steps", "1"],
                        ["analyze", str(broken)]):
            with pytest.raises(SystemExit, match="cannot load model .*broken.alrnn.npz"):
                main(command)
    with pytest.raises(SystemExit, match=r"columns \['nope'\] are not in the table"):
        main(["fit", str(data), "--target", "nope", "--id-col", "sid", "--time-col", "t", "--model-out", str(model)])
    duplicated = pd.concat([table, table.iloc[:1]])
    duplicated.to_csv(tmp_path / "dup.csv", index=False)
    with pytest.raises(SystemExit, match="Duplicated time stamp"):
        main(["fit", str(tmp_path / "dup.csv"), "--target", "label", "--id-col", "sid", "--time-col", "t",
              "--model-out", str(model)])
    # A missing value, inside a sequence or on its last row (where the arrays would take it for padding).
    last_row = table.sort_values("t").groupby("sid").tail(1).index[0]
    for row in (table.index[table["t"] == 20][0], last_row):
        holed = table.copy()
        holed.loc[row, "x"] = np.nan
        holed.to_csv(tmp_path / "holed.csv", index=False)
        where = rf"sid='{holed.loc[row, 'sid']}', t={holed.loc[row, 't']} \(data row {holed.index.get_loc(row)}\)"
        with pytest.raises(SystemExit, match=rf"column 'x' has no value at {where}; fill missing values first"):
            main(["fit", str(tmp_path / "holed.csv"), "--target", "label", "--id-col", "sid", "--time-col", "t",
                  "--model-out", str(model)])
        with pytest.raises(SystemExit, match=rf"column 'x' has no value at {where}"):
            main(["predict", str(model), str(tmp_path / "holed.csv")])


def test_per_step_labels_fit_a_per_step_classifier_that_skips_steps_without_a_label(tmp_path, capsys):
    # A label per step that is a word: to_sequences could not read it (a float cast), and --per-step
    # always fitted a regressor. A row without a label is a step without a target.
    rng = np.random.RandomState(2)
    table = _long_table(rng, 40)
    table["state"] = np.where(table["x"] > 0, "high", "low")
    table.loc[[3, 7], "state"] = None
    data = tmp_path / "states.csv"
    table.to_csv(data, index=False)
    model_path = tmp_path / "states.alrnn.npz"
    assert main([
        "fit", str(data), "--target", "state", "--id-col", "sid", "--time-col", "t", "--features", "x",
        "--per-step", "--n-hidden", "6", "--n-nonlinear", "1", "--max-iter", "60", "--model-out", str(model_path),
    ]) == 0
    assert "Fitted ALRNNClassifier on 40 sequences" in capsys.readouterr().out
    model = load(model_path)
    assert model.per_step and list(model.classes_) == ["high", "low"]
    X, y, _ = to_sequences(table, "sid", "t", ["x"], "state", per_step=True)
    assert y.dtype == object and np.sum(y == None) == np.sum(np.isnan(X[..., 0])) + 2  # noqa: E711
    assert model.score(X, y) > 0.9  # the sign of the current input, read over the labelled steps
    assert main(["predict", str(model_path), str(data)]) == 0
    predicted = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert set(predicted["prediction"]) <= {"high", "low"} and len(predicted) == len(table)


def test_reconstruct_prints_the_measures_and_saves_a_forecaster(tmp_path, capsys):
    from sklearn_alrnn import ALRNNForecaster, datasets, load

    series, _ = datasets.make_roessler(n_samples=1, n_timesteps=1500, random_state=0)
    npy, csv = tmp_path / "roessler.npy", tmp_path / "roessler.csv"
    np.save(npy, series[0])
    np.savetxt(csv, series[0], delimiter=",", header="x,y,z", comments="")
    settings = ["--n-nonlinear", "1", "--n-hidden", "8", "--max-iter", "2", "--dt", "0.05"]
    assert main(["reconstruct", str(npy), *settings]) == 0
    out = capsys.readouterr().out
    for measure in ("D_stsp", "D_H", "20-step prediction error", "Lyapunov exponent"):
        assert measure in out
    # Beside each distance, a Gaussian with the training moments: white noise is far from the
    # spectrum of an oscillator.
    gaussian_spectrum = float(re.search(r"D_H +[\d.]+ +\(([\d.]+)\)", out).group(1))
    assert gaussian_spectrum > 0.5 and re.search(r"D_stsp +[\d.]+ +\([\d.]+\)", out)
    model = load(tmp_path / "roessler.alrnn.npz")
    assert isinstance(model, ALRNNForecaster) and model.n_nonlinear_ == 1 and model.n_iter_ == 2
    held_out = series[0][-300:]  # the default --test-fraction 0.2 of 1,500 steps
    # Beside the prediction error, the same error of holding the last value.
    model_error, held_error = map(float, re.search(r"20-step prediction error +([\d.]+) +\(([\d.]+): the last", out).groups())
    assert model_error == pytest.approx(prediction_error(model, held_out, 20), abs=5e-5)
    assert held_error == pytest.approx(np.mean((held_out[20:] - held_out[:-20]) ** 2), abs=5e-5)
    states = model.generate(len(held_out), x0=held_out[0], return_states=True)[1]
    # The map's three largest Lyapunov exponents per step, and with --dt per unit of time.
    per_step, per_time = re.search(r"Lyapunov exponents +(.+) per step = (.+) per time unit", out).groups()
    exponents = lyapunov_spectrum(model)[:3]
    np.testing.assert_allclose([float(v) for v in per_step.split(", ")], exponents, atol=5e-6)
    np.testing.assert_allclose([float(v) for v in per_time.split(", ")], exponents / 0.05, rtol=1e-3, atol=1e-6)
    # The correlation dimension of the free run beside the held-out data's: 300 steps, about five of
    # Roessler's turns, too few for a straight scaling range, and the line says so.
    printed = re.search(r"D_2 +([\d.]+).*\(([\d.]+) \(no scaling range\): the held-out data\)", out)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # two epochs' map may rest on a fixed point: 0
        assert float(printed.group(1)) == pytest.approx(correlation_dimension(states[:, :3], random_state=0), abs=0.005)
    with pytest.warns(UserWarning, match="bends over the scaling range"):
        assert float(printed.group(2)) == pytest.approx(correlation_dimension(held_out, random_state=0), abs=0.005)
    visited = int(re.search(r"regimes visited +(\d+) of 2\n", out).group(1))
    assert visited == len(np.unique(states[:, -1] > 0))
    # Where the input-free map's runs from 200 of the held-out data's states settle.
    on_data = model.hidden_states(held_out)
    found = find_attractors(model.a_, model.W_, model.h_, on_data[np.linspace(0, 299, 200).astype(int)],
                            n_nonlinear=1)
    printed = re.search(r"attractors from held-out states (.+)\n", out).group(1)
    assert printed.startswith(", ".join(map(attractor_text, found.attractors)) or "none")
    # And the noise-driven run of the same start, drawn with --random-state.
    noisy = model.generate(len(held_out), x0=held_out[0], process_noise=1.0, random_state=0)
    printed = re.search(r"process_noise=1\)\): D_stsp ([\d.]+), D_H ([\d.]+)", out).groups()
    assert float(printed[0]) == pytest.approx(state_space_divergence(held_out, noisy), abs=5e-5)
    assert float(printed[1]) == pytest.approx(power_spectrum_distance(held_out, noisy), abs=5e-5)
    assert main(["reconstruct", str(csv), "--max-iter", "1", "--model-out", str(tmp_path / "m.alrnn.npz")]) == 0
    assert load(tmp_path / "m.alrnn.npz").n_features_in_ == 3  # the header row is skipped
    out = capsys.readouterr().out
    assert "(M=20, P=12)" in out  # --n-nonlinear auto, the estimator's default
    assert "per step (Kaplan-Yorke" in out  # no time column, no --dt: per step alone
    # A time column that the reader leaves out gives the time between rows; a row counter does not.
    timed = tmp_path / "timed.csv"
    np.savetxt(timed, np.column_stack([np.arange(1500) * 0.05, series[0]]), delimiter=",", header="t,x,y,z",
               comments="")
    assert main(["reconstruct", str(timed), *settings[:-2], "--model-out", str(tmp_path / "t.alrnn.npz")]) == 0
    per_step, per_time = re.search(r"Lyapunov exponents +(.+) per step = (.+) per unit of column 't' \(its step of "
                                   r"0.05\)", capsys.readouterr().out).groups()
    np.testing.assert_allclose([float(v) for v in per_time.split(", ")],
                               lyapunov_spectrum(load(tmp_path / "t.alrnn.npz"))[:3] / 0.05, rtol=1e-3, atol=1e-6)
    assert main(["analyze", str(tmp_path / "t.alrnn.npz")]) == 0  # the model file keeps the step
    assert f"= {per_time} per unit of column 't' (its step of 0.05)" in capsys.readouterr().out
    for forged in ([0, "s"], [float("inf"), "s"], ["0.05", "s"], [True, "s"], [0.05], [0.05, 1], {"dt": 0.05}, None):
        assert saved_sampling({"sampling": forged}) == (None, "time unit")  # the exponents per step alone
    np.savetxt(timed, np.column_stack([np.arange(1500), series[0]]), delimiter=",", header="n,x,y,z", comments="")
    assert main(["reconstruct", str(timed), *settings[:-2], "--model-out", str(tmp_path / "t.alrnn.npz")]) == 0
    out = capsys.readouterr().out
    assert "'n' (rises by 1 every row: a time index)" in out and "per step (Kaplan-Yorke" in out
    # Dates: a quarter of an hour gives the exponents per minute (an hour's step would give those per step).
    stamps = np.arange("2024-01-01T00:00", 1500 * 15, 15, dtype="datetime64[m]").astype(str)
    timed.write_text("time,x,y,z\n" + "".join(f"{stamp},{x},{y},{z}\n" for stamp, (x, y, z) in zip(stamps, series[0])))
    assert main(["reconstruct", str(timed), *settings[:-2], "--model-out", str(tmp_path / "t.alrnn.npz")]) == 0
    per_step, per_time = re.search(r"Lyapunov exponents +(.+) per step = (.+) per minute \(column 'time' steps by "
                                   r"15 minutes\)", capsys.readouterr().out).groups()
    np.testing.assert_allclose([float(v) for v in per_time.split(", ")],
                               lyapunov_spectrum(load(tmp_path / "t.alrnn.npz"))[:3] / 15, rtol=1e-3, atol=1e-6)
    with pytest.raises(SystemExit):
        main(["reconstruct", str(csv), "--n-nonlinear", "some"])
    assert 'expected a whole number of at least 0 or "auto"' in capsys.readouterr().err
    for dt in ("0", "-0.1", "inf", "fast"):
        with pytest.raises(SystemExit):
            main(["reconstruct", str(csv), "--dt", dt])
        assert f"expected a positive number; got {dt!r}" in capsys.readouterr().err
    assert main(["analyze", str(tmp_path / "m.alrnn.npz")]) == 0
    out = capsys.readouterr().out
    assert "regimes visited by a 100,000-step free run" in out
    # The saved map's spectrum and its free run's correlation dimension, as the metrics give them.
    analysed = load(tmp_path / "m.alrnn.npz")
    per_step = re.search(r"Lyapunov exponents +(.+) per step \(Kaplan-Yorke", out).group(1)
    np.testing.assert_allclose([float(v) for v in per_step.split(", ")], lyapunov_spectrum(analysed)[:3], atol=5e-6)
    free_run = analysed.generate(100_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        dimension = correlation_dimension(free_run, random_state=0)
        period = return_period(free_run[50_000:])
    assert float(re.search(r"D_2 of the free run +([\d.]+)", out).group(1)) == pytest.approx(dimension, abs=0.005)
    printed = re.search(r"return period of its last half +(.+)\n", out).group(1)
    if np.isnan(period):
        assert printed == "none: it does not come back (chaos, or no cycle)"
    else:
        assert printed == f"{period:.2f} steps" + (" (it rests on a fixed point)" if period == 1 else "")
    (tmp_path / "words.csv").write_text("a,b\nx,y\n")
    with pytest.raises(SystemExit, match="cannot read a numeric series"):
        main(["reconstruct", str(tmp_path / "words.csv")])
    with pytest.raises(SystemExit, match=r"steps cannot be split into training and held-out parts of at least 2 "
                                         r"steps each with --test-fraction 0.0001, which holds out 0"):
        main(["reconstruct", str(npy), "--test-fraction", "0.0001"])
    (tmp_path / "garbage.npy").write_bytes(b"garbage" * 10)
    with pytest.raises(SystemExit, match="cannot read a numeric series from .*garbage.npy.*not a saved NumPy array"):
        main(["reconstruct", str(tmp_path / "garbage.npy")])
    np.save(tmp_path / "objects.npy", np.array([{"x": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(SystemExit, match="cannot read a numeric series .*allow_pickle=False"):
        main(["reconstruct", str(tmp_path / "objects.npy")])
    np.save(tmp_path / "complex.npy", np.ones((50, 2)) + 1j)  # a cast to float dropped the imaginary parts
    with pytest.raises(SystemExit, match=r"must hold a real \(n_timesteps, n_variables\) array .*got complex128"):
        main(["reconstruct", str(tmp_path / "complex.npy")])


def test_analyze_of_a_forecaster_whose_free_run_diverges_says_so_instead_of_failing(tmp_path, capsys):
    # The Lozi map beyond a = 2 leaves the floating-point range: its spectrum is NaN, which the
    # Kaplan-Yorke dimension refuses; the line says n/a instead.
    model = lozi_map(a=3.0)
    model.save(tmp_path / "escaping.alrnn.npz")
    with pytest.warns(RuntimeWarning, match="left the floating-point range") as caught:
        assert main(["analyze", str(tmp_path / "escaping.alrnn.npz")]) == 0
    # NumPy's own words on the overflowing states ("overflow encountered in reduce") were printed too.
    assert not [str(w.message) for w in caught if "encountered" in str(w.message)]
    out = capsys.readouterr().out
    assert "Lyapunov exponents  n/a: the free run from the first training observation leaves the floating-point" in out
    assert re.search(r"D_2 of the free run +n/a\n", out)
    assert re.search(r"return period of its last half +n/a\n", out)
    assert re.search(r"attractors from its states, .* +none: no run of \d+ settles", out)


def test_reconstruct_of_many_variables_prints_the_same_measures_each_run(tmp_path, capsys):
    # Above 10 variables D_stsp is a Monte-Carlo estimate: --random-state seeds it as it seeds the fit.
    npy = tmp_path / "walk.npy"
    np.save(npy, np.cumsum(np.random.default_rng(0).normal(size=(300, 11)), axis=0) * 0.1)
    outputs = []
    for _ in range(2):
        assert main(["reconstruct", str(npy), "--max-iter", "1"]) == 0
        outputs.append([line for line in capsys.readouterr().out.splitlines() if "D_stsp" in line])
    assert len(outputs[0]) == 2 and outputs[0] == outputs[1]  # the deterministic run and the noise-driven one


def test_reconstruct_reads_the_numeric_columns_of_a_csv_and_names_the_others(tmp_path, capsys):
    from sklearn_alrnn import load

    t = np.arange(300) * 0.3
    months = [f"{1949 + i // 12}-{i % 12 + 1:02d}" for i in range(len(t))]
    dated = tmp_path / "dated.csv"
    dated.write_text("Date,x,y\n" + "".join(f"{m},{np.sin(v)},{np.cos(v)}\n" for m, v in zip(months, t)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the header's names reach every step that reads the series
        assert main(["reconstruct", str(dated), "--n-hidden", "6", "--n-nonlinear", "1", "--max-iter", "1"]) == 0
    assert "Columns left out: Date" in capsys.readouterr().out
    assert load(tmp_path / "dated.alrnn.npz").n_features_in_ == 2
    # The header names the model's variables, as a DataFrame's columns would (analyze prints them).
    assert list(load(tmp_path / "dated.alrnn.npz").feature_names_in_) == ["x", "y"]
    clock = tmp_path / "clock.csv"  # an hour of the day beside the variables: left out, named as the header names it
    clock.write_text("x,hour,y\n" + "".join(f"{np.sin(v)},{i % 24},{np.cos(v)}\n" for i, v in enumerate(t)))
    main(["reconstruct", str(clock), "--n-hidden", "6", "--n-nonlinear", "1", "--max-iter", "1"])
    assert "Columns left out: 'hour' (starts again from 0: a clock that wraps" in capsys.readouterr().out
    assert list(load(tmp_path / "clock.alrnn.npz").feature_names_in_) == ["x", "y"]
    newest_first = tmp_path / "newest_first.csv"  # as many downloads of prices write them: learnt backwards
    newest_first.write_text("Date,x,y\n" + "".join(f"{m},{np.sin(v)},{np.cos(v)}\n" for m, v in zip(months[::-1], t)))
    with pytest.raises(SystemExit, match=r"column 'Date' holds dates that run backwards \(newest first\); the rows"):
        main(["reconstruct", str(newest_first), "--max-iter", "1"])
    repeated = tmp_path / "repeated.csv"  # a month written twice (two exports joined): two steps of one time
    rows = (f"{m},{np.sin(v)},{np.cos(v)}\n" for m, v in zip(months[:5] + months[4:], t))
    repeated.write_text("Date,x,y\n" + "".join(rows))
    with pytest.raises(SystemExit, match=r"dates that run through a date twice \(data rows 4 and 5: 1949-05-01"):
        main(["reconstruct", str(repeated), "--max-iter", "1"])
    hourly = tmp_path / "hourly.csv"  # the day and the time of day in two columns: a day repeats, in order
    hourly.write_text("Date,Time,x,y\n" + "".join(f"2024-01-{1 + i // 24:02d},{i % 24}:00,{np.sin(v)},{np.cos(v)}\n"
                                                  for i, v in enumerate(t)))
    assert main(["reconstruct", str(hourly), "--n-hidden", "6", "--n-nonlinear", "1", "--max-iter", "1"]) == 0
    assert "Columns left out: Date, Time" in capsys.readouterr().out
    hours = tmp_path / "hours.csv"  # the time of day as a number: each day as often (refused as "a date twice")
    hours.write_text("Date,hour,x\n" + "".join(f"2024-01-{1 + i // 24:02d},{i % 24},{np.sin(v)}\n"
                                               for i, v in enumerate(t)))
    assert main(["reconstruct", str(hours), "--features", "x", "--n-hidden", "4", "--max-iter", "1"]) == 0
    with pytest.warns(UserWarning, match=r"Column 'Date' holds dates with gaps \(steps from 28 days to 91 days\)"):
        gappy = tmp_path / "gappy.csv"  # two months missing: read as no time
        gappy.write_text("Date,x,y\n" + "".join(f"{m},{np.sin(v)},{np.cos(v)}\n"
                                                 for m, v in zip(months[:9] + months[11:], t)))
        main(["reconstruct", str(gappy), "--n-hidden", "6", "--n-nonlinear", "1", "--max-iter", "1"])
    indexed = tmp_path / "indexed.csv"  # pandas' to_csv: the index under an empty name
    indexed.write_text(",0\n" + "".join(f"{1821 + i},{np.sin(v)}\n" for i, v in enumerate(t)))
    assert main(["reconstruct", str(indexed), "--n-hidden", "6", "--n-nonlinear", "1", "--max-iter", "1"]) == 0
    assert "the unnamed first column (an index)" in capsys.readouterr().out
    assert load(tmp_path / "indexed.alrnn.npz").n_features_in_ == 1
    sampled = tmp_path / "sampled.csv"  # 64 Hz stamps to the millisecond (aeon's Daphnet file): "a date twice"
    stamps = np.datetime64("1970-01-01T00:04:40.000") + (np.arange(300) * 15.625).astype(int).astype("timedelta64[ms]")
    rows = [f"{str(stamp).replace('T', ' ')},{np.sin(v)}\n" for stamp, v in zip(stamps, t)]
    sampled.write_text("timestamp,x\n" + "".join(rows))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert main(["reconstruct", str(sampled), "--n-hidden", "4", "--n-nonlinear", "1", "--max-iter", "1"]) == 0
    sampled.write_text("timestamp,x\n" + "".join(rows[:100] + rows[110:]))
    with pytest.warns(UserWarning, match=r"dates with gaps \(steps from 15 milliseconds to 172 milliseconds\)"):
        main(["reconstruct", str(sampled), "--n-hidden", "4", "--n-nonlinear", "1", "--max-iter", "1"])
    ranged = tmp_path / "ranged.csv"  # pd.DataFrame(X).to_csv(index=False): names 0, 1 (read as the first step)
    ranged.write_text("0,1\n" + "".join(f"{np.sin(v) + 2:.6f},{np.cos(v):.6f}\n" for v in t))
    assert main(["reconstruct", str(ranged), "--n-hidden", "4", "--n-nonlinear", "1", "--max-iter", "1"]) == 0
    assert load(tmp_path / "ranged.alrnn.npz").initial_observation_.tolist() == [2.0, 1.0]
    assert list(load(tmp_path / "ranged.alrnn.npz").feature_names_in_) == ["0", "1"]
    undated = tmp_path / "undated.csv"  # no header, a date and a label first: the first row is data, not names
    undated.write_text("".join(f"{m}-01,{'ab'[i % 2]},{np.cos(v)}\n" for i, (m, v) in enumerate(zip(months, t))))
    assert main(["reconstruct", str(undated), "--n-hidden", "6", "--n-nonlinear", "1", "--max-iter", "1"]) == 0
    assert "Columns left out: column 0, column 1\n" in capsys.readouterr().out
    assert load(tmp_path / "undated.alrnn.npz").initial_observation_.tolist() == [1.0]
    commented = tmp_path / "commented.csv"  # np.savetxt's header line, and a note
    np.savetxt(commented, np.column_stack([np.sin(t), np.cos(t)]), delimiter=",", header="x,y\nrecorded at 10 Hz")
    assert main(["reconstruct", str(commented), "--n-hidden", "6", "--n-nonlinear", "1", "--max-iter", "1"]) == 0
    assert load(tmp_path / "commented.alrnn.npz").n_features_in_ == 2
    counted = tmp_path / "counted.csv"  # a numeric time stamp beside the variables, as aeon's anomaly files
    counted.write_text("timestamp,x,y\n" + "".join(f"{0.5 * i},{np.sin(v)},{np.cos(v)}\n" for i, v in enumerate(t)))
    assert main(["reconstruct", str(counted), "--n-hidden", "6", "--n-nonlinear", "1", "--max-iter", "1"]) == 0
    assert "'timestamp' (rises by 0.5 every row: a time index)" in capsys.readouterr().out
    assert list(load(tmp_path / "counted.alrnn.npz").feature_names_in_) == ["x", "y"]
    labelled = tmp_path / "labelled.csv"  # an anomaly label that never fires in the training part, as aeon's
    labelled.write_text("x,is_anomaly,y\n" + "".join(f"{np.sin(v)},0,{np.cos(v)}\n" for v in t))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # left out, not fitted as a variable with the forecaster's warning
        assert main(["reconstruct", str(labelled), "--n-hidden", "6", "--n-nonlinear", "1", "--max-iter", "1"]) == 0
    assert "Columns left out: 'is_anomaly' (one value, 0, in every row)" in capsys.readouterr().out
    assert list(load(tmp_path / "labelled.alrnn.npz").feature_names_in_) == ["x", "y"]
    ramp = tmp_path / "ramp.csv"  # a time index alone is the series asked for
    ramp.write_text("".join(f"{i}\n" for i in range(50)))
    assert main(["reconstruct", str(ramp), "--n-hidden", "4", "--n-nonlinear", "1", "--max-iter", "1"]) == 0
    assert "left out" not in capsys.readouterr().out
    assert not hasattr(load(tmp_path / "ramp.alrnn.npz"), "feature_names_in_")  # no header, no names
    twice = tmp_path / "twice.csv"  # a name given twice names no variable
    twice.write_text("x,x\n" + "".join(f"{np.sin(v)},{np.cos(v)}\n" for v in t))
    assert main(["reconstruct", str(twice), "--n-hidden", "6", "--n-nonlinear", "1", "--max-iter", "1"]) == 0
    assert not hasattr(load(tmp_path / "twice.alrnn.npz"), "feature_names_in_")
    semicolons = tmp_path / "semicolons.csv"  # as spreadsheets write CSV where the comma is the decimal mark
    semicolons.write_text("Zeit;x;y\n" + "".join(f"{m};{np.sin(v)};{np.cos(v)}\n" for m, v in zip(months, t)))
    assert main(["reconstruct", str(semicolons), "--n-hidden", "6", "--n-nonlinear", "1", "--max-iter", "1"]) == 0
    assert load(tmp_path / "semicolons.alrnn.npz").n_features_in_ == 2
    for separator in (";", "\t"):  # and write the decimals with that comma ("no column of numbers" before)
        commas = tmp_path / "commas.csv"
        commas.write_text(f"x{separator}y\n" + "".join(f"{np.sin(v) + 2:.6f}{separator}{np.cos(v):.6f}\n".replace(".", ",")
                                                     for v in t))
        assert main(["reconstruct", str(commas), "--n-hidden", "6", "--n-nonlinear", "1", "--max-iter", "1"]) == 0
        np.testing.assert_allclose(load(tmp_path / "commas.alrnn.npz").initial_observation_, [2.0, 1.0])
        np.testing.assert_allclose(load(tmp_path / "commas.alrnn.npz").mean_, [2.0 + np.sin(t[:-len(t) // 5]).mean(),
                                                                              np.cos(t[:-len(t) // 5]).mean()], atol=1e-5)
    # One column of decimal commas, which the sniffer took for two columns of whole numbers (0,4247 -> 0 and 4247):
    # read so where a "sep=;" line names another delimiter, a header names one column, or no one would write the
    # whole numbers ("-0,5", "1,05"); two columns of whole numbers stay two.
    single = [f"{np.sin(v) + 0.5:.4f}".replace(".", ",") for v in t]
    for text in ("sep=;\n" + "\n".join(single), "level\n" + "\n".join(single), "\n".join(single)):
        (tmp_path / "single.csv").write_text(text + "\n")
        assert main(["reconstruct", str(tmp_path / "single.csv"), "--n-hidden", "4", "--n-nonlinear", "1",
                     "--max-iter", "1"]) == 0
        fitted = load(tmp_path / "single.alrnn.npz")
        assert fitted.n_features_in_ == 1 and fitted.initial_observation_[0] == float(single[0].replace(",", "."))
    counts = np.random.RandomState(0).poisson(20, size=(len(t), 2))
    (tmp_path / "whole.csv").write_text("".join(f"{a},{b}\n" for a, b in counts))
    assert main(["reconstruct", str(tmp_path / "whole.csv"), "--n-hidden", "4", "--n-nonlinear", "1",
                 "--max-iter", "1"]) == 0
    assert load(tmp_path / "whole.alrnn.npz").n_features_in_ == 2
    for name, header in (("spaced.txt", ""), ("spaced.dat", "x y")):  # np.savetxt's default: "no column of numbers"
        np.savetxt(tmp_path / name, np.column_stack([np.sin(t) + 2, np.cos(t)]), header=header, comments="")
        assert main(["reconstruct", str(tmp_path / name), "--n-hidden", "6", "--n-nonlinear", "1",
                     "--max-iter", "1"]) == 0
        saved = load(tmp_path / name.replace(name[-4:], ".alrnn.npz"))
        np.testing.assert_array_equal(saved.initial_observation_, [2.0, 1.0])
        assert list(getattr(saved, "feature_names_in_", [])) == header.split()
    marked = tmp_path / "marked.csv"  # a spreadsheet's UTF-8 byte-order mark before the first number
    marked.write_text("\ufeff" + "".join(f"{np.sin(v) + 2},{np.cos(v)}\n" for v in t), encoding="utf-8")
    assert main(["reconstruct", str(marked), "--n-hidden", "6", "--n-nonlinear", "1", "--max-iter", "1"]) == 0
    np.testing.assert_array_equal(load(tmp_path / "marked.alrnn.npz").initial_observation_, [2.0, 1.0])
    padded = tmp_path / "padded.csv"  # an editor's blank and space-only lines after the data ("rows of [1, 2] cells")
    padded.write_text("x,y\n" + "".join(f"{np.sin(v) + 2},{np.cos(v)}\n" for v in t) + "\n  \n\t\n")
    assert main(["reconstruct", str(padded), "--n-hidden", "6", "--n-nonlinear", "1", "--max-iter", "1"]) == 0
    assert load(tmp_path / "padded.alrnn.npz").n_features_in_ == 2
    capsys.readouterr()
    spreadsheet = tmp_path / "spreadsheet.csv"  # "sep=;" first, as spreadsheets write it to name the delimiter
    rows = (f"{np.sin(v) + 2:.6f};{np.cos(v):.6f}\n".replace(".", ",") for v in t)
    spreadsheet.write_text("sep=;\nx;y\n" + "".join(rows))
    assert main(["reconstruct", str(spreadsheet), "--n-hidden", "6", "--n-nonlinear", "1", "--max-iter", "1"]) == 0
    assert list(load(tmp_path / "spreadsheet.alrnn.npz").feature_names_in_) == ["x", "y"]
    np.testing.assert_allclose(load(tmp_path / "spreadsheet.alrnn.npz").initial_observation_, [2.0, 1.0])
    for header in ("x,y,", "x,y"):  # a delimiter ending every line, as some exports write (the names were lost)
        ended = tmp_path / "ended.csv"
        ended.write_text(f"{header}\n" + "".join(f"{np.sin(v) + 2},{np.cos(v)},\n" for v in t))
        assert main(["reconstruct", str(ended), "--n-hidden", "6", "--n-nonlinear", "1", "--max-iter", "1"]) == 0
        assert list(load(tmp_path / "ended.alrnn.npz").feature_names_in_) == ["x", "y"]
        assert "left out" not in capsys.readouterr().out
    for name, text, message in [
        ("gap.csv", "x,y\n1,2\n3,\n5,6\n", r"column 'y' holds '' in data row 1, which is not a number \(a gap: fill"),
        ("marked_gap.csv", "x,y\n1,2\n3,#N/A\n5,6\n", r"holds '#N/A' in data row 1, which is not a number \(a gap: fill"),
        ("na.csv", "x,y\n1,2\n3,NA\n5,6\n", r"holds 'NA' in data row 1, which is not a number \(a gap: fill"),
        ("units.csv", "x,y\nm,s\n1,2\n3,4\n", r"holds 'm' in data row 0, .* \(a second header line, such as the unit"),
        ("ragged.csv", "1,2\n3\n", r"rows of \[1, 2\] cells"),
        ("empty.csv", "x,y\n", "no data rows"),
    ]:
        (tmp_path / name).write_text(text)
        with pytest.raises(SystemExit, match=message):
            main(["reconstruct", str(tmp_path / name)])


def test_reconstruct_reads_spreadsheet_encodings_and_npz_archives_and_names_what_it_cannot(tmp_path, capsys):
    from sklearn_alrnn import load

    t = np.arange(200) * 0.3
    series = np.column_stack([np.sin(t) + 2, np.cos(t)])
    settings = ["--n-hidden", "6", "--n-nonlinear", "1", "--max-iter", "1"]
    table = "Temperatur °C;Druck\n" + "".join(f"{x:.6f};{y:.6f}\n".replace(".", ",") for x, y in series)
    for name, encoding in [("windows.csv", "cp1252"), ("unicode.csv", "utf-16")]:  # a decode error before
        (tmp_path / name).write_text(table, encoding=encoding)
        assert main(["reconstruct", str(tmp_path / name), *settings]) == 0
        model = load(tmp_path / name.replace(".csv", ".alrnn.npz"))
        assert list(model.feature_names_in_) == ["Temperatur °C", "Druck"]
        np.testing.assert_allclose(model.initial_observation_, series[0], atol=1e-6)
    np.savez_compressed(tmp_path / "series.npz", recording=series)  # np.savez's archive of one array
    assert main(["reconstruct", str(tmp_path / "series.npz"), *settings]) == 0
    np.testing.assert_array_equal(load(tmp_path / "series.alrnn.npz").initial_observation_, series[0])
    np.savez(tmp_path / "two.npz", x=series[:, 0], y=series[:, 1])
    (tmp_path / "zipped.csv").write_bytes((tmp_path / "two.npz").read_bytes())  # an archive under a CSV's name
    (tmp_path / "text.npz").write_text("x,y\n1,2\n")
    archive = bytearray((tmp_path / "series.npz").read_bytes())  # zipfile raised past the reader on these
    (tmp_path / "cut.npz").write_bytes(bytes(archive[:-30]))
    archive[bytes(archive).index(b"PK\x01\x02") + 6] = 0xEE  # a central-directory "version needed"
    (tmp_path / "version.npz").write_bytes(bytes(archive))
    (tmp_path / "feather.csv").write_bytes(b"ARROW1\x00\x00" + bytes(40))  # a Feather file's opening bytes
    (tmp_path / "nan.csv").write_text("x,y\n1,2\nnan,3\n5,6\n")
    from scipy.io import savemat

    for name, variables, version in [("recording.mat", {"X": series, "fs": 10.0}, "5"),  # a sampling rate beside
                                     ("old.mat", {"X": series}, "4"), ("vector.mat", {"x": series[:, 0]}, "5")]:
        savemat(tmp_path / name, variables, format=version)
        assert main(["reconstruct", str(tmp_path / name), *settings]) == 0
        observation = load(tmp_path / name.replace(".mat", ".alrnn.npz")).initial_observation_
        np.testing.assert_array_equal(observation, series[0, :observation.size])
    from scipy.io import wavfile

    wavfile.write(tmp_path / "sound.wav", 100, np.round(series * 1000).astype(np.int16))  # two channels
    assert main(["reconstruct", str(tmp_path / "sound.wav"), *settings]) == 0
    np.testing.assert_array_equal(load(tmp_path / "sound.alrnn.npz").initial_observation_, np.round(series[0] * 1000))
    (tmp_path / "cut.wav").write_bytes((tmp_path / "sound.wav").read_bytes()[:-40])  # a recorder stopped early
    with pytest.warns(UserWarning, match=r"The WAV file 'cut.wav' ends before the size its header gives \(Reached "
                                         r"EOF prematurely.*\); the 190 samples it holds are read"):
        assert main(["reconstruct", str(tmp_path / "cut.wav"), *settings]) == 0
    (tmp_path / "noise.wav").write_text("not a sound")
    savemat(tmp_path / "labelled.mat", {"X": series, "labels": np.arange(len(series))})
    (tmp_path / "hdf5.mat").write_bytes(b"MATLAB 7.3 MAT-file, Platform: GLNXA64" + bytes(200))
    (tmp_path / "cut.mat").write_bytes((tmp_path / "recording.mat").read_bytes()[:300])
    for name, message in [
        ("labelled.mat", r"it holds 2 numeric arrays besides scalars \(X, labels\); a .mat file of the series"),
        ("hdf5.mat", r"it is a MATLAB 7.3 file \(HDF5\), which SciPy cannot read"),
        ("cut.mat", r"SciPy cannot read it as a MATLAB file"),
        ("noise.wav", r"SciPy cannot read it as a WAV file"),
        ("two.npz", r"it holds 2 arrays \(x, y\); an .npz archive of the series alone is read"),
        ("series.alrnn.npz", r"it is a model file \(sklearn_alrnn.load reads it\), not a recorded series"),
        ("zipped.csv", r"it is a zip file, not a CSV text table \(extract the CSV file from it"),
        ("feather.csv", r"it is a Feather file, not a CSV text table \(.*pd\.read_feather\(path\)\.to_csv"),
        ("text.npz", r"it does not start as a zip archive does; it is not a NumPy .npz archive"),
        ("cut.npz", r"cut.npz': it is damaged \(BadZipFile: File is not a zip file\)"),
        ("version.npz", r"version.npz': it is damaged \(NotImplementedError: zip file version"),
        ("nan.csv", r"NaN or infinite values \(first in row 1\); .* fill short gaps \(--gaps interpolate\)"),
        ("missing.npz", "No such file"),
    ]:
        with pytest.raises(SystemExit, match=message):
            main(["reconstruct", str(tmp_path / name)])
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    stamps = pd.Index(pd.date_range("2024", periods=len(series), freq="h"), name="when")
    recorded = pd.DataFrame(series, columns=["Temperatur °C", "Druck"], index=stamps)
    recorded.to_parquet(tmp_path / "recorded.parquet")  # read as its CSV: names, and the dates' order checked
    assert main(["reconstruct", str(tmp_path / "recorded.parquet"), *settings]) == 0
    assert list(load(tmp_path / "recorded.alrnn.npz").feature_names_in_) == ["Temperatur °C", "Druck"]
    recorded.iloc[::-1].to_parquet(tmp_path / "newest_first.parquet")
    with pytest.raises(SystemExit, match=r"column 'when' holds dates that run backwards \(newest first\)"):
        main(["reconstruct", str(tmp_path / "newest_first.parquet"), *settings])
    (tmp_path / "cut.parquet").write_bytes((tmp_path / "recorded.parquet").read_bytes()[:300])
    with pytest.raises(SystemExit, match=r"cannot read a numeric series from .*cut\.parquet"):
        main(["reconstruct", str(tmp_path / "cut.parquet"), *settings])


def test_reconstruct_leaves_out_the_spectrum_of_a_short_held_out_part(tmp_path, capsys):
    # 80 held-out steps give 41 frequencies: smoothed over 20 of them, any two spectra look alike,
    # so the distance would read as a perfect score (metrics.power_spectrum_distance warns).
    from sklearn_alrnn import datasets

    np.save(tmp_path / "short.npy", datasets.make_roessler(n_samples=1, n_timesteps=400, random_state=0)[0][0])
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        assert main(["reconstruct", str(tmp_path / "short.npy"), "--n-hidden", "6", "--n-nonlinear", "1",
                     "--max-iter", "1"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"D_H +n/a +\(n/a\): 80 held-out steps give 41 frequencies, fewer than 4 x its smoothing of 20", out)
    assert re.search(r"process_noise=1\)\): D_stsp [\d.]+, D_H n/a\n", out)
    assert re.search(r"D_stsp +[\d.]+ +\([\d.]+\)", out)  # the geometry is still measured
    assert re.search(r"D_2 +n/a +\(n/a: the held-out data\)", out)  # 80 points: too few pairs for its range

    # In a stack, the shortest held-out series decides.
    series = datasets.make_roessler(n_samples=5, n_timesteps=300, random_state=1)[0]
    series[4, 120:] = np.nan
    np.save(tmp_path / "trials.npy", series)
    assert main(["reconstruct", str(tmp_path / "trials.npy"), "--n-hidden", "6", "--n-nonlinear", "1",
                 "--max-iter", "1", "--test-fraction", "0.4"]) == 0
    assert "(n/a): the shortest held-out series' 120 steps give 61 frequencies" in capsys.readouterr().out


def test_reconstruct_says_why_a_divergence_on_few_points_in_many_dimensions_is_below_zero(tmp_path, capsys):
    # statsmodels' El Nino table (12 monthly columns, 12 held-out years): D_stsp -0.3173, without a word.
    t = np.arange(61)[:, None] + np.arange(12)[None, :] / 12
    np.save(tmp_path / "monthly.npy", np.sin(0.9 * t) + 0.1 * np.cos(2.3 * t))
    arguments = ["reconstruct", str(tmp_path / "monthly.npy"), "--n-hidden", "14", "--n-nonlinear", "1",
                 "--max-iter", "1"]
    assert main(arguments) == 0
    line = next(line for line in capsys.readouterr().out.splitlines() if "D_stsp  " in line)
    assert float(line.split()[3]) >= 0 and line.endswith(")")
    estimates = iter([-0.3])  # the free run's, then 1.2 for the Gaussian's and the noise-driven run's
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sklearn_alrnn.metrics.state_space_divergence", lambda *args, **kwargs: next(estimates, 1.2))
        assert main(arguments) == 0
    assert ("D_stsp  -0.3000  (1.2000): below 0, the error of its mixture estimate on 12 points in 12 dimensions"
            in capsys.readouterr().out)


def test_reconstruct_of_a_stack_of_series_holds_out_its_last_series(tmp_path, capsys):
    from sklearn_alrnn import datasets, load

    series, _ = datasets.make_roessler(n_samples=5, n_timesteps=300, random_state=1)
    npy = tmp_path / "trials.npy"
    np.save(npy, series)
    assert main(["reconstruct", str(npy), "--n-nonlinear", "1", "--n-hidden", "6", "--max-iter", "2"]) == 0
    out = capsys.readouterr().out
    assert "on 1200 steps of 4 series of 3 variables" in out
    assert "from the first step of each of the 1 held-out series" not in out  # one held out reads as one
    model, held_out = load(tmp_path / "trials.alrnn.npz"), series[-1]
    generated = model.generate(len(held_out), x0=held_out[0])
    printed = re.search(r"D_stsp +([\d.]+) .*\n.*D_H +([\d.]+) ", out).groups()
    assert float(printed[0]) == pytest.approx(state_space_divergence(held_out, generated, random_state=0), abs=5e-5)
    assert float(printed[1]) == pytest.approx(power_spectrum_distance(held_out, generated), abs=5e-5)
    error = float(re.search(r"20-step prediction error +([\d.]+)", out).group(1))
    assert error == pytest.approx(prediction_error(model, held_out, 20), abs=5e-5)

    # Two of the five held out at --test-fraction 0.4: the measures pool both.
    assert main(["reconstruct", str(npy), "--n-hidden", "6", "--n-nonlinear", "1", "--max-iter", "1",
                 "--test-fraction", "0.4"]) == 0
    out = capsys.readouterr().out
    assert "on 900 steps of 3 series" in out and "each of the 2 held-out series" in out
    model = load(tmp_path / "trials.alrnn.npz")
    runs = [model.generate(300, x0=test[0]) for test in series[3:]]
    spectrum = float(re.search(r"D_H +([\d.]+) ", out).group(1))
    assert spectrum == pytest.approx(np.mean([power_spectrum_distance(t, g) for t, g in zip(series[3:], runs)]), abs=5e-5)
    divergence = float(re.search(r"D_stsp +([\d.]+) ", out).group(1))
    pooled = state_space_divergence(series[3:].reshape(-1, 3), np.concatenate(runs), random_state=0)
    assert divergence == pytest.approx(pooled, abs=5e-5)

    # All-NaN rows after a series' end pad it to the stack's length, as fit reads them.
    padded = series.copy()
    padded[1, 250:] = np.nan
    padded[4, 280:] = np.nan
    np.save(tmp_path / "padded.npy", padded)
    assert main(["reconstruct", str(tmp_path / "padded.npy"), "--n-hidden", "6", "--n-nonlinear", "1",
                 "--max-iter", "1"]) == 0
    out = capsys.readouterr().out
    assert "on 1150 steps of 4 series" in out and "the first of 280 held-out steps" in out
    model = load(tmp_path / "padded.alrnn.npz")
    spectrum = float(re.search(r"D_H +([\d.]+) ", out).group(1))
    run = model.generate(280, x0=series[4, 0])
    assert spectrum == pytest.approx(power_spectrum_distance(series[4, :280], run), abs=5e-5)

    np.save(tmp_path / "one.npy", series[:1])  # a stack of one series is that series
    assert main(["reconstruct", str(tmp_path / "one.npy"), "--n-hidden", "6", "--n-nonlinear", "1",
                 "--max-iter", "1"]) == 0
    assert "on 240 steps of 3 variables" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="5 series of 300-300 steps cannot be split"):
        main(["reconstruct", str(npy), "--test-fraction", "1"])
    gapped = series.copy()
    gapped[3, 17, 1] = np.nan
    np.save(tmp_path / "gapped.npy", gapped)
    with pytest.raises(SystemExit, match=r"NaN or infinite values \(first in series 3, row 17\)"):
        main(["reconstruct", str(tmp_path / "gapped.npy")])
    np.save(tmp_path / "four.npy", series[None])
    with pytest.raises(SystemExit, match=r"stack \(n_series, n_timesteps, n_variables\) of series; got float64 of shape "
                                         r"\(1, 5, 300, 3\)"):
        main(["reconstruct", str(tmp_path / "four.npy")])



def test_reconstruct_reads_the_series_of_a_tsf_file(tmp_path, capsys):
    lengths = (200, 240, 260)
    rows = [f"S{i}:" + ",".join(f"{np.sin(0.2 * t + i):.6f}" for t in range(n)) for i, n in enumerate(lengths)]
    tsf = tmp_path / "waves.tsf"
    tsf.write_text("@relation waves\n@attribute series_name string\n@frequency hourly\n@data\n" + "\n".join(rows))
    assert main(["reconstruct", str(tsf), "--n-hidden", "6", "--n-nonlinear", "1", "--max-iter", "1"]) == 0
    assert "on 440 steps of 2 series of 1 variable" in capsys.readouterr().out  # the last series held out
    tsf.write_text(tsf.read_text().replace("S1:0.841471,", "S1:?,"))
    with pytest.raises(SystemExit, match=r"NaN or infinite values \(first in series 1, row 0\)"):
        main(["reconstruct", str(tsf), "--max-iter", "1"])

def test_reconstruct_reads_the_cases_of_an_archive_file_as_series(tmp_path, capsys):
    # An archive file was read as a CSV table ("rows of [1, 150] cells"); its cases are the series.
    archive = pathlib.Path(__file__).parent / "data" / "archive"
    # The excerpts hold 4 cases of 150 steps and 3 of 100 steps of 6 variables; one is held out.
    for name, fitted_on in (("GunPoint_TRAIN.ts", "450 steps of 3 series of 1 variable"),
                            ("BasicMotions_TRAIN.arff", "200 steps of 2 series of 6 variables")):
        assert main(["reconstruct", str(archive / name), "--n-hidden", "8", "--n-nonlinear", "1", "--max-iter", "1",
                     "--model-out", str(tmp_path / "m.alrnn.npz")]) == 0
        assert f"on {fitted_on}" in capsys.readouterr().out
    # A CSV copy of the archive (a row per case, its label first, no header) was read as 12 steps of 31 variables.
    cases = np.sin(np.arange(30) / 4 + np.arange(12)[:, None])
    np.savetxt(tmp_path / "Waves_TRAIN.csv", np.column_stack([np.arange(12) % 2 + 1, cases]), delimiter=",", fmt="%g")
    assert main(["reconstruct", str(tmp_path / "Waves_TRAIN.csv"), "--n-hidden", "8", "--n-nonlinear", "1",
                 "--max-iter", "1", "--model-out", str(tmp_path / "m.alrnn.npz")]) == 0
    out = capsys.readouterr().out
    assert "Columns left out: the first column (class labels: a row per case" in out
    assert "on 300 steps of 10 series of 1 variable" in out
    np.testing.assert_allclose(load(tmp_path / "m.alrnn.npz").initial_observation_, cases[0, :1], atol=1e-5)
    # Its transpose, more steps than variables, is a recording whose first column repeats: read as one.
    np.savetxt(tmp_path / "tall.csv", np.column_stack([np.arange(30) % 2 + 1, cases.T]), delimiter=",", fmt="%g")
    assert main(["reconstruct", str(tmp_path / "tall.csv"), "--n-hidden", "16", "--n-nonlinear", "1",
                 "--max-iter", "1", "--model-out", str(tmp_path / "m.alrnn.npz")]) == 0
    assert "on 24 steps of 13 variables" in capsys.readouterr().out


def test_analyze_of_a_forecaster_prints_its_real_fixed_points_in_the_data_units(tmp_path, capsys):
    from sklearn_alrnn import ALRNNForecaster

    # z0 <- 0.5 z0 + 0.2 relu(z1) + 0.1, z1 <- z0: one real fixed point, z = (1/3, 1/3) in regime "1",
    # 100 + 10 / 3 in the data's units (mean 100, scale 10), where the run from 90 comes to rest.
    model = ALRNNForecaster.from_parameters([0.5, 0.0], [[0.0, 0.2], [1.0, 0.0]], [0.1, 0.0], np.zeros((1, 1)),
                                            n_nonlinear=1, mean=[100.0], scale=[10.0], initial_observation=[90.0])
    model.save(tmp_path / "resting.alrnn.npz")
    assert main(["analyze", str(tmp_path / "resting.alrnn.npz")]) == 0
    out = capsys.readouterr().out
    assert "real fixed points of the visited regimes, in the data's units:\n    regime 1 (stable node): 103.3\n" in out
    # Its last half rests there: it comes back every step (before, the rounding of 50,000 equal
    # values' mean, z-scored, read as a return after 1.50 steps).
    assert re.search(r"return period of its last half +1.00 steps \(it rests on a fixed point\)\n", out)
    # A memory unit read by a ReLU unit: a line of fixed points in each regime, named by the feature.
    line = ALRNNForecaster.from_parameters([1.0, 0.5], [[0.0, 0.0], [1.0, 0.0]], [0.0, -1.0], np.zeros((1, 1)),
                                           n_nonlinear=1, initial_observation=[2.0])
    line.feature_names_in_ = np.array(["memory"], dtype=object)
    line.save(tmp_path / "line.alrnn.npz")
    assert main(["analyze", str(tmp_path / "line.alrnn.npz")]) == 0
    out = capsys.readouterr().out
    assert "regime 1 (marginally stable): a line of fixed points through memory=1.25\n" in out
    escaping = ALRNNForecaster.from_parameters([1.5], np.zeros((1, 1)), [0.0], np.zeros((0, 1)), n_nonlinear=0,
                                               initial_observation=[1.0])
    escaping.save(tmp_path / "growing.alrnn.npz")
    with pytest.warns(RuntimeWarning):
        assert main(["analyze", str(tmp_path / "growing.alrnn.npz")]) == 0
    assert "real fixed points of the visited regimes, in the data's units:\n    regime linear (unstable node): 0\n" in capsys.readouterr().out


def test_fit_takes_the_estimators_defaults_where_no_setting_is_given(tmp_path, capsys):
    # The command's own defaults once differed from the estimators' (500 epochs for a classifier,
    # whose measured default is 300).
    from sklearn_alrnn import ALRNNClassifier, ALRNNRegressor, load

    rng = np.random.RandomState(0)
    table = _long_table(rng)
    table["level"] = table.groupby("sid")["x"].transform("sum") + 0.1 * rng.normal(size=len(table))
    data = tmp_path / "train.csv"
    table.to_csv(data, index=False)
    for target, estimator in (("label", ALRNNClassifier()), ("level", ALRNNRegressor())):
        model = tmp_path / f"{target}.alrnn.npz"
        features = ["x", "noise"]
        assert main(["fit", str(data), "--target", target, "--id-col", "sid", "--time-col", "t", "--features",
                     *features, "--n-hidden", "4", "--model-out", str(model)]) == 0
        fitted = load(model).get_params()
        expected = estimator.get_params()
        assert type(load(model)) is type(estimator) and fitted["n_hidden"] == 4
        for name in ("n_nonlinear", "max_iter", "n_members"):
            assert fitted[name] == expected[name], name


def test_analyze_reads_any_saved_sequence_model(tmp_path, capsys):
    # Only models of 'sklearn-alrnn fit' were read ("is not a model saved by ..."), though without
    # --data the regimes come from the weights alone.
    from sklearn_alrnn import ALRNNRegressor

    turn = np.array([[0.0, -0.5], [0.5, 0.0]])
    model = ALRNNRegressor.from_parameters(np.full(2, 0.5), turn, [0.0, 0.1], np.ones((2, 1)), np.ones((1, 2)),
                                           n_nonlinear=1)
    model.save(tmp_path / "outside.alrnn.npz")
    assert main(["analyze", str(tmp_path / "outside.alrnn.npz")]) == 0
    assert "ALRNNRegressor: M=2 units, P=1 nonlinear, 2 of 2 regimes enumerated" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="saved from Python without a CSV table's columns; .*table.csv' must be an"):
        main(["analyze", str(tmp_path / "outside.alrnn.npz"), "--data", str(tmp_path / "table.csv")])


def test_predict_reads_a_model_saved_from_python_on_archive_files(tmp_path, capsys):
    # A model trained in Python and saved with model.save was refused ("not a model saved by
    # 'sklearn-alrnn fit'"), though an archive file's cases need none of the table settings fit saves.
    from sklearn_alrnn import ALRNNClassifier, ALRNNForecaster

    archive = pathlib.Path(__file__).parent / "data" / "archive" / "GunPoint_TRAIN.ts"
    X, y = load_ts(archive)
    model = ALRNNClassifier(n_hidden=6, max_iter=3, random_state=0).fit(X, y)
    model.save(tmp_path / "python.alrnn.npz")
    assert main(["predict", str(tmp_path / "python.alrnn.npz"), str(archive)]) == 0
    out, err = capsys.readouterr()
    rows = [line.split(",") for line in out.strip().splitlines()]
    assert rows[0] == ["case", "prediction"]
    assert [label for _, label in rows[1:]] == [str(label) for label in model.predict(X)]
    assert f"accuracy {model.score(X, y):.4f} on the {len(y)} labelled cases" in err
    for saved, message in (
        (ALRNNClassifier(n_hidden=4, max_iter=1, per_step=True, random_state=0).fit(X[:6], np.repeat(
            y[:6, None], X.shape[1], axis=1)), "holds a per-step ALRNNClassifier saved from Python"),
        (ALRNNForecaster(n_hidden=4, n_nonlinear=1, max_iter=1, evaluation_steps=20, random_state=0).fit(
            np.sin(0.3 * np.arange(60))), "holds an ALRNNForecaster, .*'sklearn-alrnn forecast'"),
    ):
        saved.save(tmp_path / "other.alrnn.npz")
        with pytest.raises(SystemExit, match=message):
            main(["predict", str(tmp_path / "other.alrnn.npz"), str(archive)])


def test_gaps_in_a_csv_series_first_row_or_on_blank_lines_are_gaps_not_names_or_nothing(tmp_path, capsys):
    # A first row of numbers with an empty or NA cell was read as the header (its values lost, one gap fewer),
    # and a blank line among the data was skipped (the steps after it moved up one: in one column it is the
    # only way to write a gap).
    t = np.arange(300) * 0.3
    quick = ["--n-hidden", "6", "--n-nonlinear", "1", "--max-iter", "1"]
    cells = [[f"{np.sin(v):.6f}", f"{np.cos(v):.6f}", f"{np.sin(2 * v):.6f}"] for v in t]
    cells[0][1], cells[5][0] = "", "<NA>"  # pandas' mark of a missing value in a nullable column
    holed = tmp_path / "holed.csv"  # no header
    holed.write_text("".join(",".join(row) + "\n" for row in cells))
    assert main(["reconstruct", str(holed), "--gaps", "interpolate", *quick]) == 0
    printed = capsys.readouterr().out
    assert "Gaps: 2 (runs of rows" in printed and "on 239 steps of 3 variables" in printed  # the first row: no start
    assert load(tmp_path / "holed.alrnn.npz").initial_observation_.tolist() == [float(cell) for cell in cells[1]]
    named = tmp_path / "named.csv"  # a header over a first row with gaps: a name over a gap says nothing
    named.write_text("x,label,y\n" + "".join(f"{'NA' if i == 0 else row[0]},{'ab'[i % 2]},{'' if i < 2 else row[1]}\n"
                                             for i, row in enumerate(cells)))
    assert main(["reconstruct", str(named), "--gaps", "split", *quick]) == 0
    assert list(load(tmp_path / "named.alrnn.npz").feature_names_in_) == ["x", "y"]
    assert "Gaps: 2 (runs of rows with a missing value), the longest 2 rows" in capsys.readouterr().out  # and row 5
    lines = [f"{np.sin(v):.6f}" for v in t]
    indexed = tmp_path / "indexed.csv"  # pandas' to_csv of a series whose first value is missing: a name over a gap
    indexed.write_text(",x\n" + "".join(f"{i},{'' if i == 0 else line}\n" for i, line in enumerate(lines)))
    assert main(["reconstruct", str(indexed), "--gaps", "split", *quick]) == 0
    assert "on 239 steps of 1 variable" in capsys.readouterr().out
    assert list(load(tmp_path / "indexed.alrnn.npz").feature_names_in_) == ["x"]
    # No header, a first row of a gap and 0: data, not pandas' empty index name and default name 0 (over row
    # numbers 0, 1, ...). It was that header: the values' column left out as "an index", the counter fitted.
    counted = tmp_path / "counted.csv"
    counted.write_text("".join(f"{'' if i == 0 else line},{i % 7}\n" for i, line in enumerate(lines)))
    with pytest.raises(SystemExit, match=r"column 'column 0' holds '' in data row 0, which is not a number \(a gap"):
        main(["reconstruct", str(counted), *quick])
    lynx = tmp_path / "lynx.csv"  # pandas' header over a year index and whole counts (aeon's Lynx.csv): a header
    lynx.write_text(",0\n" + "".join(f"{1821 + i},{int(1000 + 900 * np.sin(v))}\n" for i, v in enumerate(t)))
    assert main(["reconstruct", str(lynx), *quick]) == 0
    assert "Columns left out: the unnamed first column (an index)" in capsys.readouterr().out
    single = tmp_path / "single.csv"
    single.write_text("x\n\n" + "\n".join(lines[:100] + [""] + lines[101:]) + "\n\n\n")  # blank after the header too
    with pytest.raises(SystemExit, match=r"column 'x' holds '' in data row 100, which is not a number \(a gap"):
        main(["reconstruct", str(single), *quick])
    assert main(["reconstruct", str(single), "--gaps", "interpolate", *quick]) == 0
    assert "on 240 steps of 1 variable" in capsys.readouterr().out
    fitted = load(tmp_path / "single.alrnn.npz")
    filled = np.array([float(line) if line else np.nan for line in lines[:100] + [""] + lines[101:]])
    filled[100] = (filled[99] + filled[101]) / 2
    expected = ALRNNForecaster(n_hidden=6, n_nonlinear=1, max_iter=1, random_state=0).fit(filled[:240, None])
    np.testing.assert_allclose(fitted.W_, expected.W_, rtol=1e-12)
    commas = tmp_path / "commas.csv"  # a spreadsheet's row of empty cells inside, and its empty rows at the end
    commas.write_text("x,y\n" + "".join((",\n" if i == 50 else f"{np.sin(v)},{np.cos(v)}\n") for i, v in enumerate(t))
                      + ",\n,\n")
    assert main(["reconstruct", str(commas), "--gaps", "split", *quick]) == 0
    assert "Gaps: 1 (runs of rows with a missing value), the longest 1 row; the series cut there into 2" in \
        capsys.readouterr().out
    panel = tmp_path / "panel.csv"  # blank lines between the series of a long table: no rows
    panel.write_text("trial,x\n" + "".join(f"{k},{lines[i]}\n" for k in (1, 2) for i in range(60)).replace(
        "2,", "\n2,", 1))
    assert main(["reconstruct", str(panel), "--id-col", "trial", *quick]) == 0
    assert "on 60 steps of 1 series of 1 variable" in capsys.readouterr().out  # the other held out whole
    expected = ALRNNForecaster(n_hidden=6, n_nonlinear=1, max_iter=1, random_state=0).fit(
        [np.array(lines[:60], dtype=float)[:, None]])
    np.testing.assert_allclose(load(tmp_path / "panel.alrnn.npz").W_, expected.W_, rtol=1e-12)


def test_reconstruct_leaves_out_time_stamps_as_numbers_and_learns_the_columns_features_chooses(tmp_path, capsys):
    # Dates written as numbers (statsmodels' co2 table: 19580329) and decimal years (SILSO's sunspot
    # files: 1749.042) were fitted as variables without a word; the command line chose no columns.
    from sklearn_alrnn import load

    days = np.arange("1958-03-29", "1964-03-29", 7, dtype="datetime64[D]")[:300]
    t = np.arange(300) * 0.3
    weekly = tmp_path / "weekly.csv"
    weekly.write_text("date,co2\n" + "".join(f"{str(d).replace('-', '')},{np.sin(v)}\n" for d, v in zip(days, t)))
    quick = ["--n-hidden", "4", "--n-nonlinear", "1", "--max-iter", "1"]
    assert main(["reconstruct", str(weekly), *quick]) == 0
    assert "Columns left out: 'date' (dates written as YYYYMMDD)" in capsys.readouterr().out
    assert list(load(tmp_path / "weekly.alrnn.npz").feature_names_in_) == ["co2"]
    weekly.write_text("date,co2\n" + "".join(f"{str(d).replace('-', '')},{np.sin(v)}\n"
                                             for d, v in zip(days[::-1], t)))
    with pytest.raises(SystemExit, match=r"column 'date' holds dates that run backwards \(newest first\)"):
        main(["reconstruct", str(weekly), *quick])
    lines = weekly.read_text().splitlines()
    lines[40] = "," + lines[40].split(",")[1]  # a week without its date: under --gaps still a date column
    lines[90] = lines[90].split(",")[0] + ","  # and a gap in the value
    weekly.write_text("\n".join(lines[:1] + lines[:0:-1]) + "\n")  # oldest first again
    assert main(["reconstruct", str(weekly), "--gaps", "interpolate", *quick]) == 0
    assert "Columns left out: 'date' (dates written as YYYYMMDD)" in capsys.readouterr().out
    assert list(load(tmp_path / "weekly.alrnn.npz").feature_names_in_) == ["co2"]
    numbers = tmp_path / "numbers.csv"  # whole numbers of eight digits that are no dates: variables
    numbers.write_text("a,b\n" + "".join(f"{20231350 + round(40 * np.cos(v))},{np.sin(v)}\n" for v in t))
    assert main(["reconstruct", str(numbers), *quick]) == 0
    assert load(tmp_path / "numbers.alrnn.npz").n_features_in_ == 2
    # The months' first days in decimal years (steps of 28 to 31 days, three decimals), and the value.
    months = np.arange("1900-01", "1925-01", dtype="datetime64[M]")
    years = 1900 + (months.astype("datetime64[D]") - np.datetime64("1900-01-01")).astype(float) / 365.25
    monthly = tmp_path / "monthly.csv"
    np.savetxt(monthly, np.column_stack([years, np.sin(0.3 * np.arange(300))]), fmt=["%.3f", "%.1f"], delimiter=";")
    assert main(["reconstruct", str(monthly), *quick]) == 0
    assert "Columns left out: 'column 0' (rises by 0.07" in capsys.readouterr().out
    assert load(tmp_path / "monthly.alrnn.npz").n_features_in_ == 1
    quarterly = tmp_path / "quarterly.csv"  # statsmodels' macrodata: the year beside the quarter, then variables
    quarterly.write_text("year,quarter,x,y\n" + "".join(f"{1959 + i // 4},{i % 4 + 1},{np.sin(v)},{np.cos(v)}\n"
                                                       for i, v in enumerate(t)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # left out, not fitted with the forecaster's warning
        assert main(["reconstruct", str(quarterly), *quick]) == 0
    printed = capsys.readouterr().out
    assert "'quarter' (starts again from 1: a clock that wraps, or the steps of several series" in printed
    assert "'year' (keeps each value for a run of rows: a coarse time stamp" in printed
    assert list(load(tmp_path / "quarterly.alrnn.npz").feature_names_in_) == ["x", "y"]
    # --features: the columns named, in that order, whatever the defaults would leave out or keep.
    table = tmp_path / "table.csv"
    table.write_text("hour,x,label,y\n" + "".join(f"{i % 24},{np.sin(v)},{'ab'[i % 2]},{np.cos(v)}\n"
                                                   for i, v in enumerate(t)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the hour of the day, left out, is warned of no more
        assert main(["reconstruct", str(table), "--features", "y", "x", *quick]) == 0
    model = load(tmp_path / "table.alrnn.npz")
    assert list(model.feature_names_in_) == ["y", "x"]
    np.testing.assert_allclose(model.initial_observation_, [1.0, 0.0])
    capsys.readouterr()
    assert main(["forecast", str(tmp_path / "table.alrnn.npz"), str(table), "--steps", "1"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "step,y,x"  # read by the names the model keeps
    for chosen, message in ((["x", "z"], r"--features names \['z'\], which the table lacks; it has \['hour', 'x',"),
                            (["x", "x"], r"column 'x' is named twice"),
                            (["label"], r"column 'label', chosen by --features, holds no numbers, as 'a'")):
        with pytest.raises(SystemExit, match=message):
            main(["reconstruct", str(table), "--features", *chosen, *quick])
    bare = tmp_path / "bare.csv"  # without a header, by number, as the reader names them ("column 2")
    np.savetxt(bare, np.column_stack([np.arange(300) % 12, np.sin(t), np.cos(t)]), delimiter=",")
    assert main(["reconstruct", str(bare), "--features", "2", "1", *quick]) == 0
    model = load(tmp_path / "bare.alrnn.npz")
    assert model.n_features_in_ == 2 and not hasattr(model, "feature_names_in_")
    np.testing.assert_allclose(model.initial_observation_, [1.0, 0.0])
    capsys.readouterr()
    assert main(["forecast", str(tmp_path / "bare.alrnn.npz"), str(bare), "--features", "2", "1", "--steps", "1"]) == 0
    chosen = capsys.readouterr().out
    assert chosen.splitlines()[0] == "step,x0,x1"
    # Without --features, the columns the model was fitted on (the file's 1 and 2 in that order, not the defaults').
    assert main(["forecast", str(tmp_path / "bare.alrnn.npz"), str(bare), "--steps", "1"]) == 0
    output = capsys.readouterr()
    assert output.out == chosen and "the columns reconstruct fitted the model on: --features 2 1" in output.err
    for arguments, message in (([str(bare), "--features", "y"], r"has no header row, so --features names its columns "
                                                                  r"by number, from 0 to 2; got \['y'\]"),
                               ([str(bare), "--features", "3"], r"names \['column 3'\], which the table lacks"),
                               ([str(tmp_path / "bare.alrnn.npz"), "--features", "1"], r"the file is no table")):
        with pytest.raises(SystemExit, match=message):
            main(["reconstruct", *arguments, *quick])
    with pytest.raises(SystemExit, match="--features, --id-col and --gaps read DATA, and none is given"):
        main(["forecast", str(tmp_path / "bare.alrnn.npz"), "--features", "1", "--steps", "1"])


def test_reconstruct_and_forecast_read_a_long_table_of_several_series_by_its_id_column(tmp_path, capsys):
    # Trials in one long table (trial, day, step, x, y) were read as one series, the step a variable.
    from sklearn_alrnn import load

    trials = {"b": 0.0, "a": 1.0, "c": 2.0}  # the order the names first appear is the stack's
    lengths = {"b": 60, "a": 50, "c": 40}
    rows = [f"{name},2024-01-{1 + i // 24:02d},{i},{np.sin(0.3 * i + phase):.6f},{np.cos(0.3 * i + phase):.6f}\n"
            for name, phase in trials.items() for i in range(lengths[name])]
    panel = tmp_path / "panel.csv"
    panel.write_text("trial,day,step,x,y\n" + "".join(rows))
    quick = ["--n-hidden", "4", "--n-nonlinear", "1", "--max-iter", "1"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # each trial's days and steps run forward; no counter is fitted
        assert main(["reconstruct", str(panel), "--id-col", "trial", *quick]) == 0
    printed = capsys.readouterr().out
    assert "Columns left out: day, 'step' (rises by 1 every row: a time index)" in printed
    assert "on 110 steps of 2 series of 2 variables" in printed and "the first of 40 held-out steps" in printed
    model = load(tmp_path / "panel.alrnn.npz")
    assert list(model.feature_names_in_) == ["x", "y"]
    np.testing.assert_allclose(model.initial_observation_, [0.0, 1.0], atol=1e-6)  # trial b's first row
    assert main(["forecast", str(tmp_path / "panel.alrnn.npz"), str(panel), "--id-col", "trial", "--steps", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "trial,step,x,y" and [line.split(",")[:2] for line in lines[1:]] == [
        ["b", "1"], ["b", "2"], ["a", "1"], ["a", "2"], ["c", "1"], ["c", "2"]]
    series = [np.column_stack([np.sin(0.3 * np.arange(n) + p), np.cos(0.3 * np.arange(n) + p)])
              for p, n in zip(trials.values(), lengths.values())]
    pd = pytest.importorskip("pandas")
    expected = model.forecast([pd.DataFrame(np.round(part, 6), columns=["x", "y"]) for part in series], 2)
    np.testing.assert_allclose([[float(v) for v in line.split(",")[2:]] for line in lines[1:]],
                               np.concatenate(expected), rtol=1e-8)
    # The model keeps reconstruct's --id-col: the table is read by it where the header has it (it was
    # one series of all the rows), and a file of one trial without the column is one series.
    assert main(["forecast", str(tmp_path / "panel.alrnn.npz"), str(panel), "--steps", "2"]) == 0
    assert capsys.readouterr().out.splitlines() == lines
    one = tmp_path / "one.csv"
    one.write_text("step,x,y\n" + "".join(row.split(",", 2)[2] for row in rows[:60]))
    assert main(["forecast", str(tmp_path / "panel.alrnn.npz"), str(one), "--steps", "2"]) == 0
    assert capsys.readouterr().out.splitlines()[:2] == ["step,x,y", lines[1].split(",", 1)[1]]
    unnamed = tmp_path / "unnamed.csv"
    unnamed.write_text("trial,day,step,x,y\n" + "".join(rows[:3]) + rows[3][1:] + "".join(rows[4:]))
    for arguments, message in (([str(panel), "--id-col", "trial", "--features", "trial", "x"],
                                r"column 'trial' names the series \(--id-col\); it is not one of --features"),
                               ([str(panel), "--id-col", "subject"], r"--id-col names \['subject'\], which the table"),
                               ([str(unnamed), "--id-col", "trial"], r"column 'trial' \(--id-col\) is empty in data "
                                                                     r"row 3: which series is the row's\?"),
                               ([str(tmp_path / "panel.alrnn.npz"), "--id-col", "0"], r"--id-col names columns of a "
                                                                                      r"table; the file is no table")):
        with pytest.raises(SystemExit, match=message):
            main(["reconstruct", *arguments, *quick])


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")  # the expected forecasts' arrays
def test_reconstruct_differences_learns_the_steps_of_a_trend_and_forecast_adds_them_to_the_last_value(tmp_path, capsys):
    # fit's trend warning points command-line users here: a trending series was learnt as levels only.
    from sklearn_alrnn import load

    t = np.arange(300)
    trend = np.column_stack([5 + 0.05 * t + np.sin(0.3 * t), np.cos(0.3 * t)])
    path = tmp_path / "trend.csv"
    np.savetxt(path, trend, delimiter=",", header="level,swing", comments="")
    quick = ["--n-hidden", "4", "--n-nonlinear", "1", "--max-iter", "2"]
    with pytest.warns(UserWarning, match=r"Column 'level' of X trends.*on the command line: reconstruct --differences"):
        assert main(["reconstruct", str(path), *quick]) == 0
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="Column .* trends")
        assert main(["reconstruct", str(path), "--differences", *quick]) == 0
    printed = capsys.readouterr().out
    assert "on 239 steps of the first differences of 2 variables" in printed  # 299 differences, 60 held out
    assert "Free run of the differences from the first of 60 held-out steps" in printed
    model = load(tmp_path / "trend.alrnn.npz")
    levels = trend[-61:]  # the level at each held-out difference's step: a forecast adds 20 predicted steps to it
    errors = [(levels[t + 1] + model.generate(21, x0=levels[t + 1] - levels[t])[1:].sum(axis=0) - levels[t + 21]) ** 2
              for t in range(40)]
    held = np.mean([(levels[t + 21] - levels[t + 1]) ** 2 for t in range(40)])
    found = re.search(r"20-step error of the levels +([0-9.]+) +\(([0-9.]+): the last level held 20 steps\)", printed)
    np.testing.assert_allclose([float(found[1]), float(found[2])], [np.mean(errors), held], rtol=1e-3)
    np.testing.assert_allclose(model.initial_observation_, trend[1] - trend[0], rtol=1e-6)
    assert main(["forecast", str(tmp_path / "trend.alrnn.npz"), str(path), "--steps", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    expected = trend[-1] + np.cumsum(model.forecast(np.diff(trend, axis=0), 3), axis=0)
    assert lines[0] == "step,level,swing"
    np.testing.assert_allclose([[float(v) for v in line.split(",")[1:]] for line in lines[1:]], expected, rtol=1e-8)
    stack = tmp_path / "stack.npy"  # each series of a stack continued from its own last row
    np.save(stack, np.stack([trend[:150], trend[150:] + 1]))
    assert main(["reconstruct", str(stack), "--differences", "--test-fraction", "0.5", *quick]) == 0
    capsys.readouterr()
    assert main(["forecast", str(tmp_path / "stack.alrnn.npz"), str(stack), "--steps", "1"]) == 0
    rows = [[float(v) for v in line.split(",")] for line in capsys.readouterr().out.splitlines()[1:]]
    model = load(tmp_path / "stack.alrnn.npz")
    for row, part in zip(rows, (trend[:150], trend[150:] + 1)):
        np.testing.assert_allclose(row[2:], part[-1] + model.forecast(np.diff(part, axis=0), 1)[0], rtol=1e-8)
    assert main(["analyze", str(tmp_path / "trend.alrnn.npz")]) == 0  # the map it reads is the differences'
    header = "ALRNNForecaster of the first differences (reconstruct --differences): M=4"
    assert capsys.readouterr().out.startswith(header)
    with pytest.raises(SystemExit, match="learnt the first differences of its series .* give the series as DATA"):
        main(["forecast", str(tmp_path / "trend.alrnn.npz"), "--steps", "3"])
    np.savetxt(tmp_path / "row.csv", trend[:1], delimiter=",", header="level,swing", comments="")
    with pytest.raises(SystemExit, match="first differences need two rows or more of each series; one has 1"):
        main(["forecast", str(tmp_path / "trend.alrnn.npz"), str(tmp_path / "row.csv"), "--steps", "3"])


def test_reconstruct_gaps_splits_a_recording_at_missing_values_or_fills_them_and_forecast_reads_it_alike(
        tmp_path, capsys):
    # A recording with empty cells could only be refused ("fill short gaps or cut the series there"): the
    # command line had no way to do either.
    from sklearn_alrnn import ALRNNForecaster

    t = np.arange(200)
    values = np.column_stack([np.sin(0.2 * t), np.cos(0.2 * t)])
    cells = [[str(step), f"{x:.6f}", f"{y:.6f}"] for step, (x, y) in zip(t, values)]
    cells[40][1], cells[42][2], cells[100][2], cells[170][1] = "", "NA", "", "nan"  # row 41: a one-row stretch
    path = tmp_path / "gaps.csv"
    path.write_text("time,x,y\n" + "\n".join(",".join(row) for row in cells) + "\n")
    read = np.array([[float(x), float(y)] for _, x, y in cells[:40] + cells[43:100] + cells[101:170] + cells[171:]])
    quick = ["--n-hidden", "4", "--n-nonlinear", "1", "--max-iter", "2"]
    model_file = str(tmp_path / "gaps.alrnn.npz")

    def forecast(*arguments):
        assert main(["forecast", *arguments, "--steps", "3"]) == 0
        captured = capsys.readouterr()
        return captured.err, np.array([[float(v) for v in line.split(",")] for line in captured.out.splitlines()[1:]])

    with pytest.raises(SystemExit, match=r"column 'x' holds '' in data row 40.*fill short gaps \(--gaps interpolate"):
        main(["reconstruct", str(path), *quick])
    assert main(["reconstruct", str(path), "--gaps", "split", *quick]) == 0
    printed = capsys.readouterr().out
    assert "Gaps: 4 (runs of rows with a missing value), the longest 1 row; the series cut there into 3 training " \
           "and 2 held-out stretches" in printed
    assert "on 156 steps of 3 series of 2 variables" in printed  # rows 0-159 held out from 160 on, before the cut
    fitted = load(model_file)
    stretches = [read[:40], read[40:97], read[97:156]]  # rows 0-39, 43-99, 101-159
    expected = ALRNNForecaster(n_hidden=4, n_nonlinear=1, max_iter=2, random_state=0).fit(stretches)
    np.testing.assert_array_equal(fitted.W_, expected.W_)
    err, rows = forecast(model_file, str(path))  # reconstruct's --gaps by default
    assert "Gaps: 4 (runs of rows with a missing value), the longest 1 row; each series continued from the rows " \
           "after its last" in err
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="X does not have valid feature names")
        np.testing.assert_allclose(rows[:, 1:], fitted.forecast(read[-29:], 3), rtol=1e-8)

    assert main(["reconstruct", str(path), "--gaps", "interpolate", *quick]) == 0
    assert "Gaps: 4 (runs of rows with a missing value), the longest 1 row; filled by linear interpolation" in \
        capsys.readouterr().out
    filled = np.array([[float(cell) if cell not in ("", "NA") else np.nan for cell in row[1:]] for row in cells])
    for row, column in ((40, 0), (42, 1), (100, 1), (170, 0)):
        filled[row, column] = (filled[row - 1, column] + filled[row + 1, column]) / 2
    expected = ALRNNForecaster(n_hidden=4, n_nonlinear=1, max_iter=2, random_state=0).fit(filled[:160])
    np.testing.assert_allclose(load(model_file).W_, expected.W_, rtol=1e-12)
    err, rows = forecast(model_file, str(path))
    assert "filled by linear interpolation, continuing the last complete row" in err
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="X does not have valid feature names")
        np.testing.assert_allclose(rows[:, 1:], load(model_file).forecast(filled, 3), rtol=1e-8)

    stack = np.stack([read[:60], read[60:120]])  # a stack of .npy: NaN rows cut each series
    stack[0, 30] = stack[1, 10] = np.nan
    np.save(tmp_path / "stack.npy", stack)
    assert main(["reconstruct", str(tmp_path / "stack.npy"), "--gaps", "split", "--test-fraction", "0.5", *quick]) == 0
    assert "the series cut there into 2 training and 2 held-out stretches" in capsys.readouterr().out
    _, rows = forecast(str(tmp_path / "stack.alrnn.npz"), str(tmp_path / "stack.npy"))
    fitted = load(tmp_path / "stack.alrnn.npz")
    for row, last in zip(rows[::3], (stack[0, 31:], stack[1, 11:])):
        np.testing.assert_allclose(row[2:], fitted.forecast(last, 1)[0], rtol=1e-8)
    with pytest.raises(SystemExit, match="--features, --id-col and --gaps read DATA, and none is given"):
        main(["forecast", str(tmp_path / "stack.alrnn.npz"), "--gaps", "split", "--steps", "1"])
    np.save(tmp_path / "holes.npy", np.where(np.arange(20)[:, None] % 2, np.nan, read[:20]))
    with pytest.raises(SystemExit, match="the training part has no two rows in a row without a gap"):
        main(["reconstruct", str(tmp_path / "holes.npy"), "--gaps", "split", *quick])
    np.save(tmp_path / "tail.npy", np.concatenate([read[:50], np.full((30, 2), np.nan)]))  # a recording that stopped
    assert main(["reconstruct", str(tmp_path / "tail.npy"), "--gaps", "split", *quick]) == 0
    assert "on 40 steps of 2 variables" in capsys.readouterr().out  # 10 held out of its 50 rows, not of 80
    np.save(tmp_path / "empty.npy", np.full((20, 2), np.nan))
    with pytest.raises(SystemExit, match="the series has no row without a gap"):
        main(["reconstruct", str(tmp_path / "empty.npy"), "--gaps", "interpolate", *quick])


def test_forecast_continues_series_and_runs_a_saved_reconstruction_freely(tmp_path, capsys):
    # A reconstruction saved by the command line could only be analysed there: its forecasts needed Python.
    from sklearn_alrnn import ALRNNForecaster, ALRNNRegressor

    turn = np.array([[np.cos(0.1), -np.sin(0.1)], [np.sin(0.1), np.cos(0.1)]])
    orbit = np.array([np.linalg.matrix_power(turn, t) @ [1.0, 0.0] for t in range(45)])
    model = ALRNNForecaster.from_parameters(np.zeros(2), turn, np.zeros(2), np.zeros((0, 2)), n_nonlinear=0,
                                            initial_observation=[0.0, 2.0], residual_covariance=0.01 * np.eye(2))
    model.save(tmp_path / "turn.alrnn.npz")
    np.savetxt(tmp_path / "orbit.csv", orbit[:40], delimiter=",", header="u,v", comments="")

    def table(*arguments):
        assert main(["forecast", str(tmp_path / "turn.alrnn.npz"), *arguments]) == 0
        lines = capsys.readouterr().out.splitlines()
        return lines[0], np.array([[float(v) for v in line.split(",")] for line in lines[1:]])

    header, rows = table(str(tmp_path / "orbit.csv"), "--steps", "5")
    assert header == "step,u,v" and list(rows[:, 0]) == [1, 2, 3, 4, 5]  # the file's names, steps after it
    np.testing.assert_allclose(rows[:, 1:], orbit[40:], atol=1e-9)
    header, rows = table("--steps", "3")  # the free run from the model's first observation, row 0 itself
    assert header == "step,x0,x1" and list(rows[:, 0]) == [0, 1, 2]
    np.testing.assert_allclose(rows[:, 1:], [[0, 2], 2 * turn[:, 1], 2 * (turn @ turn)[:, 1]], atol=1e-9)
    np.save(tmp_path / "two.npy", np.stack([orbit[:30], 2 * orbit[10:40]]))
    header, rows = table(str(tmp_path / "two.npy"), "--steps", "2")
    assert header == "series,step,x0,x1" and rows[:, :2].tolist() == [[0, 1], [0, 2], [1, 1], [1, 2]]
    np.testing.assert_allclose(rows[:, 2:], [orbit[30], orbit[31], 2 * orbit[40], 2 * orbit[41]], atol=1e-9)
    noisy = [table("--steps", "4", "--process-noise", "1", "--random-state", "3")[1] for _ in range(2)]
    np.testing.assert_array_equal(noisy[0], noisy[1])
    assert 0 < np.abs(noisy[0][1:, 1:] - table("--steps", "4")[1][1:, 1:]).max() < 1
    out = tmp_path / "forecast.csv"
    assert main(["forecast", str(tmp_path / "turn.alrnn.npz"), str(tmp_path / "two.npy"), "--steps", "2",
                 "--output", str(out)]) == 0
    assert "4 rows of 2 run(s) written to" in capsys.readouterr().out and out.read_text().startswith("series,step")

    model.feature_names_in_ = np.array(["u", "v"], dtype=object)  # as reconstruct names a CSV's columns
    model.save(tmp_path / "named.alrnn.npz")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a file without a header is read in the model's order
        assert main(["forecast", str(tmp_path / "named.alrnn.npz"), str(tmp_path / "two.npy"), "--steps", "1"]) == 0
    assert capsys.readouterr().out.startswith("series,step,u,v\n")
    np.savetxt(tmp_path / "swapped.csv", orbit[:40, ::-1], delimiter=",", header="v,u", comments="")
    assert main(["forecast", str(tmp_path / "named.alrnn.npz"), str(tmp_path / "swapped.csv"), "--steps", "1"]) == 0
    expected = ",".join(["1", *(f"{v:.10g}" for v in turn @ orbit[39])])
    assert capsys.readouterr().out.splitlines() == ["step,u,v", expected]
    np.savetxt(tmp_path / "other.csv", orbit[:40], delimiter=",", header="u,w", comments="")
    with pytest.raises(SystemExit, match="feature names should match those that were passed during fit"):
        main(["forecast", str(tmp_path / "named.alrnn.npz"), str(tmp_path / "other.csv"), "--steps", "1"])
    # A held-out file with a column the training file had left out (an anomaly label, constant there):
    # "context has 3 features, but 2 were fitted", after scikit-learn's warning about names.
    flagged = np.column_stack([orbit[:40, 0], np.arange(40) % 3 == 0, orbit[:40, 1]])
    np.savetxt(tmp_path / "flagged.csv", flagged, delimiter=",", header="u,flag,v", comments="")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert main(["forecast", str(tmp_path / "named.alrnn.npz"), str(tmp_path / "flagged.csv"), "--steps", "2"]) == 0
    printed = capsys.readouterr()
    assert "Columns left out: 'flag' (the model's variables are 'u', 'v')" in printed.err
    assert printed.out.splitlines()[0] == "step,u,v"
    np.testing.assert_allclose([[float(v) for v in line.split(",")[1:]] for line in printed.out.splitlines()[1:]],
                               orbit[40:42], atol=1e-9)
    np.save(tmp_path / "three.npy", np.ones((10, 3)))
    for saved in ("turn", "named"):
        with pytest.raises(SystemExit, match="error: context has 3 features, but 2 were fitted"), \
                warnings.catch_warnings():
            warnings.simplefilter("error")  # not scikit-learn's "X does not have valid feature names" first
            main(["forecast", str(tmp_path / f"{saved}.alrnn.npz"), str(tmp_path / "three.npy"), "--steps", "1"])
    ALRNNForecaster.from_parameters(np.zeros(2), turn, np.zeros(2), np.zeros((0, 2)), n_nonlinear=0).save(
        tmp_path / "bare.alrnn.npz")
    with pytest.raises(SystemExit, match="process_noise > 0 needs the one-step residuals' covariance"):
        main(["forecast", str(tmp_path / "bare.alrnn.npz"), "--steps", "2", "--process-noise", "1"])
    ALRNNForecaster.from_parameters(np.zeros(2), turn, np.zeros(2), np.zeros((0, 2)), n_nonlinear=0,
                                    C=np.ones((2, 1))).save(tmp_path / "driven.alrnn.npz")
    with pytest.raises(SystemExit, match=r"reads 1 exogenous input\(s\), which every forecast step needs"):
        main(["forecast", str(tmp_path / "driven.alrnn.npz"), "--steps", "2"])
    # analyze runs it at rest (before: "cannot start the free run from None"), as the measures take it.
    assert main(["analyze", str(tmp_path / "driven.alrnn.npz")]) == 0
    assert "1 of 1 regimes visited by a 100,000-step free run, its 1 exogenous input(s) held at 0\n" in \
        capsys.readouterr().out
    ALRNNRegressor.from_parameters(np.full(2, 0.5), turn, [0.0, 0.1], np.ones((2, 1)), np.ones((1, 2)),
                                   n_nonlinear=1).save(tmp_path / "regressor.alrnn.npz")
    with pytest.raises(SystemExit, match="holds an ALRNNRegressor, which labels sequences .*'sklearn-alrnn predict'"):
        main(["forecast", str(tmp_path / "regressor.alrnn.npz"), "--steps", "2"])


def test_output_into_a_reader_that_stops_early_ends_quietly(tmp_path, monkeypatch, capsys):
    # `sklearn-alrnn analyze model | head -2` ended with "error: [Errno 32] Broken pipe" on standard error.
    archive = pathlib.Path(__file__).parent / "data" / "archive"
    model = tmp_path / "m.alrnn.npz"
    assert main(["fit", str(archive / "GunPoint_TRAIN.arff"), "--n-hidden", "4", "--max-iter", "1",
                 "--model-out", str(model)]) == 0
    capsys.readouterr()

    class ClosedPipe(io.StringIO):
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert main(["analyze", str(model)]) == 141  # as a command killed by SIGPIPE ends
    assert "error" not in capsys.readouterr().err


def test_fit_text_col_learns_a_table_of_texts_and_predict_tokenizes_them_with_its_vocabulary(tmp_path, capsys):
    # A table of raw texts and their labels could not be fitted from the command line ("the table has no
    # numeric columns besides 'label' to read as time steps").
    from sklearn_alrnn import SequenceTokenizer

    rng = np.random.RandomState(0)
    words = {"pos": ["good", "great", "fun"], "neg": ["bad", "dull", "poor"]}
    labels = np.array(["pos", "neg"] * 30)
    texts = [f"The film was {rng.choice(words[label])} and {rng.choice(['long', 'short'])}." for label in labels]
    texts[::7] = [f"{text} So\t\"quoted\"\tand,\ttabbed." for text in texts[::7]]  # tabs in texts only (the sniffer's)
    texts[::11] = [f"#movienight {text}" for text in texts[::11]]  # a text that starts with #: no comment line
    pd.DataFrame({"review": texts, "label": labels}).to_csv(tmp_path / "reviews.csv", index=False)
    model = tmp_path / "reviews.alrnn.npz"
    settings = ["--n-hidden", "8", "--max-iter", "5", "--random-state", "0"]
    assert main(["fit", str(tmp_path / "reviews.csv"), "--text-col", "review", "--target", "label", *settings,
                 "--model-out", str(model)]) == 0
    assert "Fitted ALRNNClassifier on 60 sequences" in capsys.readouterr().out
    tokenizer = SequenceTokenizer().fit(texts)
    reference = ALRNNClassifier(n_hidden=8, max_iter=5, random_state=0, input_type="tokens").fit(
        tokenizer.transform(texts), labels)
    np.testing.assert_array_equal(load(model).W_, reference.W_)
    np.testing.assert_array_equal(load(model).C_, reference.C_)  # the words' columns, in the vocabulary's order
    unseen = ["The film was great and new.", "Dull, dull, dull."]  # words fit never saw: the unknown token
    pd.DataFrame({"review": unseen}).to_csv(tmp_path / "new.csv", index=False)
    assert main(["predict", str(model), str(tmp_path / "new.csv"), "--proba"]) == 0
    predicted = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert predicted.columns.tolist() == ["case", "prediction", "probability neg", "probability pos"]
    np.testing.assert_array_equal(predicted["prediction"], reference.predict(tokenizer.transform(unseen)))
    np.testing.assert_allclose(predicted.iloc[:, 2:], reference.predict_proba(tokenizer.transform(unseen)), rtol=1e-12)
    assert main(["predict", str(model), str(tmp_path / "reviews.csv")]) == 0
    assert f"accuracy {reference.score(tokenizer.transform(texts), labels):.4f} on the 60 labelled cases" in \
        capsys.readouterr().err
    assert main(["analyze", str(model), "--data", str(tmp_path / "reviews.csv")]) == 0
    assert "regimes visited" in capsys.readouterr().out
    stars = (labels == "pos") * 4.0 + 1 + rng.uniform(-0.5, 0.5, size=60)  # a mean rating: numbers, a regressor's
    pd.DataFrame({"review": texts, "stars": stars}).to_csv(tmp_path / "stars.csv", index=False)
    assert main(["fit", str(tmp_path / "stars.csv"), "--text-col", "review", "--target", "stars", *settings,
                 "--model-out", str(model)]) == 0
    assert "Fitted ALRNNRegressor on 60 sequences" in capsys.readouterr().out
    with pytest.raises(SystemExit, match=r"--proba: .* holds an ALRNNRegressor, whose predictions are numbers"):
        main(["predict", str(model), str(tmp_path / "stars.csv"), "--proba"])
    # A smaller vocabulary: words in fewer than 3 texts, and all but the 8 most frequent, are the unknown token.
    assert main(["fit", str(tmp_path / "reviews.csv"), "--text-col", "review", "--target", "label", "--min-df", "3",
                 "--max-tokens", "8", *settings, "--model-out", str(model)]) == 0
    small = SequenceTokenizer(min_df=3, max_tokens=8).fit(texts)
    reference = ALRNNClassifier(n_hidden=8, max_iter=5, random_state=0, input_type="tokens").fit(
        small.transform(texts), labels)
    assert load(model).C_.shape == (8, 8)
    np.testing.assert_array_equal(load(model).C_, reference.C_)
    capsys.readouterr()
    assert main(["predict", str(model), str(tmp_path / "new.csv"), "--proba"]) == 0
    predicted = pd.read_csv(io.StringIO(capsys.readouterr().out))
    np.testing.assert_allclose(predicted.iloc[:, 2:], reference.predict_proba(small.transform(unseen)), rtol=1e-12)
    with pytest.raises(SystemExit) as usage:
        main(["fit", str(tmp_path / "wide.csv"), "--target", "label", "--min-df", "2", "--model-out", str(model)])
    assert usage.value.code == 2 and "--min-df: options of --text-col's vocabulary" in capsys.readouterr().err
    for extra, message in ((["--id-col", "review", "--target", "label"], "a row per text .*--id-col"),
                           ([], "--text-col reads a table of a row per text and its --target column"),
                           (["--target", "review"], "its --target column.*; the texts are not a target")):
        with pytest.raises(SystemExit) as usage:
            main(["fit", str(tmp_path / "reviews.csv"), "--text-col", "review", *extra, "--model-out", str(model)])
        assert usage.value.code == 2 and re.search(message, capsys.readouterr().err)
    pd.DataFrame({"review": [texts[0], None], "label": ["pos", "neg"]}).to_csv(tmp_path / "hole.csv", index=False)
    with pytest.raises(SystemExit, match=r"Text 1 is missing"):
        main(["fit", str(tmp_path / "hole.csv"), "--text-col", "review", "--target", "label",
              "--model-out", str(model)])
    with pytest.raises(SystemExit, match=r"columns \['text'\] are not in the table"):
        main(["fit", str(tmp_path / "reviews.csv"), "--text-col", "text", "--target", "label",
              "--model-out", str(model)])


def test_fit_and_predict_the_windows_a_recordings_annotations_label(tmp_path, capsys):
    from .test_brainvision_format import write_brainvision
    from .test_edf_format import write_edf

    rng = np.random.RandomState(0)
    stage = (np.arange(18000) // 3000) % 3  # three minutes at 100 Hz, a stage every 30 s
    eeg = np.sin(2 * np.pi * np.cumsum(np.array([10.0, 5.0, 2.0])[stage]) / 100) * 0.5 + rng.normal(0, 0.1, 18000)
    write_edf(tmp_path / "psg.edf", [("EEG Fpz-Cz", np.clip(eeg, -0.99, 0.99), 100, -1, 1),
                                     ("Resp", np.zeros(180), 1, -1, 1)])
    names = ["Sleep stage W", "Sleep stage 1", "Sleep stage 2"]
    write_edf(tmp_path / "hypnogram.edf", [], annotations=True, duration=0,
              notes=[(30 * k, 30, names[k % 3]) for k in range(6)])
    settings = ["--n-hidden", "4", "--n-nonlinear", "1", "--max-iter", "2", "--model-out",
                str(tmp_path / "m.alrnn.npz")]
    assert main(["fit", str(tmp_path / "psg.edf"), "--annotations", str(tmp_path / "hypnogram.edf"), "--window", "10",
                 "--labels", "Sleep stage W", "Sleep stage 2", *settings]) == 0
    assert "Windows: 12 of 10 s, labelled Sleep stage 2, Sleep stage W" in capsys.readouterr().out
    assert list(load(tmp_path / "m.alrnn.npz").classes_) == ["Sleep stage 2", "Sleep stage W"]
    # The windows the annotations label, scored; a night to score: every window, one after the other.
    assert main(["predict", str(tmp_path / "m.alrnn.npz"), str(tmp_path / "psg.edf"), "--annotations",
                 str(tmp_path / "hypnogram.edf"), "--output", str(tmp_path / "scored.csv")]) == 0
    assert re.search(r"accuracy \d\.\d{4} on the 12 labelled cases", capsys.readouterr().err)
    scored = pd.read_csv(tmp_path / "scored.csv")
    assert list(scored.columns) == ["start (s)", "prediction"]
    assert scored["start (s)"].tolist() == [0, 10, 20, 60, 70, 80, 90, 100, 110, 150, 160, 170]
    assert main(["predict", str(tmp_path / "m.alrnn.npz"), str(tmp_path / "psg.edf")]) == 0
    night = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert night["start (s)"].tolist() == list(range(0, 180, 10))
    assert set(night["prediction"]) <= {"Sleep stage 2", "Sleep stage W"}
    # Stimulus markers of a BrainVision recording, its own annotations, with a baseline before each.
    stored = np.round(rng.normal(size=(2000, 2)) * 100)
    markers = ["New Segment,,1,1,0"] + [f"Stimulus,S  {1 + k % 2},{101 + 150 * k},1,0" for k in range(12)]
    write_brainvision(tmp_path, "erp", stored, ["Fz,,0.1,µV", "Cz,,0.1,µV"], interval=4000, markers=markers)
    assert main(["fit", str(tmp_path / "erp.vhdr"), "--window", "0.4", "--offset", "-0.1", *settings]) == 0
    assert "Windows: 12 of 0.4 s, labelled Stimulus/S  1, Stimulus/S  2" in capsys.readouterr().out
    for command, message in (
        (["fit", str(tmp_path / "psg.edf"), *settings], r"a recording \(.*psg.edf'\) is fitted on the windows its "
                                                        r"annotations label: --window SECONDS"),
        (["fit", str(tmp_path / "psg.edf"), "--window", "10", "--target", "y", *settings],
         r"--target read\(s\) tables"),
    ):
        with pytest.raises(SystemExit) as exit_info:
            main(command)
        assert exit_info.value.code == 2 and re.search(message, capsys.readouterr().err)
    with pytest.raises(SystemExit, match=r"descriptions names \['REM'\], which no annotation has"):
        main(["fit", str(tmp_path / "psg.edf"), "--annotations", str(tmp_path / "hypnogram.edf"), "--window", "10",
              "--labels", "REM", *settings])
    write_ts(tmp_path / "cases.ts", list(rng.normal(size=(6, 5, 1))), np.arange(6) % 2)
    assert main(["fit", str(tmp_path / "cases.ts"), *settings]) == 0
    with pytest.raises(SystemExit, match=r"--annotations label a recording's windows; the model was fitted on "
                                         r"sequences of a table or an archive file"):
        main(["predict", str(tmp_path / "m.alrnn.npz"), str(tmp_path / "cases.ts"), "--annotations",
              str(tmp_path / "hypnogram.edf")])


@pytest.mark.slow
def test_names_beyond_ascii_are_written_as_utf8_and_shown_escaped_in_a_locale_without_utf8(tmp_path, capsys):
    # In the C locale without Python's UTF-8 mode (a server's default environment; a Windows code page is alike
    # for other letters), `forecast --output` and every table on standard output stopped after the work with
    # "error: 'ascii' codec can't encode character '\xb0'": the file's text took the locale's encoding.
    series = tmp_path / "weather.csv"
    steps = 0.1 * np.arange(300)
    pd.DataFrame({"Temperatur °C": np.sin(steps), "Druck µbar": np.cos(steps)}).to_csv(series, index=False)
    model, forecasts = tmp_path / "m.alrnn.npz", tmp_path / "forecasts.csv"
    assert main(["reconstruct", str(series), "--n-hidden", "4", "--n-nonlinear", "1", "--max-iter", "2",
                 "--model-out", str(model)]) == 0
    capsys.readouterr()
    environment = dict(os.environ, LC_ALL="C", PYTHONCOERCECLOCALE="0", PYTHONUTF8="0")
    environment.pop("PYTHONIOENCODING", None)
    for command in (["forecast", str(model), str(series), "--steps", "3", "--output", str(forecasts)],
                    ["forecast", str(model), str(series), "--steps", "3"], ["analyze", str(model)]):
        result = subprocess.run([sys.executable, "-m", "sklearn_alrnn", *command], env=environment,
                                capture_output=True, text=True, encoding="utf-8", check=False)
        assert result.returncode == 0, result.stderr
        if "--output" in command:
            assert list(pd.read_csv(forecasts, encoding="utf-8")) == ["step", "Temperatur °C", "Druck µbar"]
        else:
            assert r"Temperatur \xb0C" in result.stdout and r"Druck \xb5bar" in result.stdout
