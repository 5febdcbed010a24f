"""Property-based fuzzing of what reads files: load, load_metadata, the archive readers and the command line.

Damaged model files and .ts files (flipped bits, truncation, inserted or deleted bytes, stray
markers) must be refused with a ValueError naming the problem, or read into something that works;
the command line must end any bad table, series or model file with "error: ..." and a non-zero
exit status, never a traceback (issue 15, item 1).
"""

import contextlib
import io
import pathlib
import subprocess
import sys
import warnings
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sklearn_alrnn import ALRNNClassifier, datasets, load, load_metadata, to_sequences
from sklearn_alrnn._data_files import read_series, read_table
from sklearn_alrnn.cli import main
from sklearn_alrnn.datasets import load_arff, load_ts, load_tsf, load_ucr_tsv, write_ts
from sklearn_alrnn.formats import forecaster_from_bson, forecaster_from_torch, read_torch

from .test_bson_files import research_checkpoint, write_bson

pd = pytest.importorskip("pandas")

MARKERS = [b"?", b"nan", b"inf", b":", b",", b"@data", b"\n", b"1e999", b"(", b"\x00", b"\xff\xfe"]


@st.composite
def damaged(draw, data):
    """``data`` with one flipped bit, a truncation, inserted or deleted bytes, or a stray marker."""
    data = bytearray(data)
    where = draw(st.integers(0, len(data) - 1))
    kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "marker"]))
    if kind == "flip":
        data[where] ^= 1 << draw(st.integers(0, 7))
    elif kind == "truncate":
        del data[where:]
    elif kind == "insert":
        data[where:where] = draw(st.binary(min_size=1, max_size=20))
    elif kind == "delete":
        del data[where : where + draw(st.integers(1, 30))]
    else:
        data[where : where + 3] = draw(st.sampled_from(MARKERS))
    return bytes(data)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz_files")
    X = np.random.RandomState(0).normal(size=(6, 5, 2))
    y = np.arange(6) % 2
    model = ALRNNClassifier(n_hidden=3, max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    model.save(folder / "model.alrnn.npz")
    write_ts(folder / "data.ts", list(X), y)
    return folder, X


def _run_cli(argv):
    """main(argv)'s exit: 0, or the message it exits with; any other exception fails the test."""
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return main(argv)
        except SystemExit as exit_info:
            assert isinstance(exit_info.code, str) and exit_info.code.startswith("error: "), exit_info.code
            return exit_info.code


def _damaged_copy(data, original):
    path = original.with_name("damaged" + "".join(original.suffixes))
    path.write_bytes(data.draw(damaged(original.read_bytes())))
    return path


@given(data=st.data())
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_damaged_model_files_are_refused_or_load_a_working_model(files, data):
    folder, X = files
    path = _damaged_copy(data, folder / "model.alrnn.npz")
    try:
        model = load(path)
    except ValueError as error:
        assert str(error)
    else:
        assert model.predict(X).shape == (len(X),)
    try:
        metadata = load_metadata(path)
    except ValueError as error:
        assert str(error)
    else:
        assert isinstance(metadata, dict)
    _run_cli(["analyze", str(path)])


@given(data=st.data(), where=st.sampled_from(["file", "inside", "safetensors", "legacy"]))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_damaged_networks_trained_elsewhere_are_refused_or_read(tmp_path, data, where):
    # A PyTorch file (torch 2.14's) damaged anywhere (mostly caught by the zip's checksums) or its pickle
    # or a storage damaged inside an archive whose checksums agree; a safetensors file; a file of the
    # format before torch 1.6; a research code's BSON checkpoint.
    original = pathlib.Path(__file__).parent / "data" / "torch" / "al_rnn_m6_p2"
    damaged_torch = tmp_path / "damaged.pt"
    if where != "inside":
        name = {"file": original.name, "safetensors": "al_rnn_m6_p2.safetensors", "legacy": "al_rnn_m6_p2_legacy.pt"}
        damaged_torch.write_bytes(data.draw(damaged(original.with_name(name[where]).read_bytes())))
    else:
        with zipfile.ZipFile(original) as archive:
            members = {name: archive.read(name) for name in archive.namelist()}
        target = data.draw(st.sampled_from(["al_rnn_m6_p2/data.pkl", "al_rnn_m6_p2/data/1"]))
        with zipfile.ZipFile(damaged_torch, "w") as archive:
            for name, content in members.items():
                archive.writestr(name, data.draw(damaged(content)) if name == target else content)
    for reader in (read_torch, forecaster_from_torch):
        try:
            read = reader(damaged_torch)
        except ValueError as error:
            assert str(damaged_torch.name) in str(error)
        else:
            numbers = reader is read_torch and all(isinstance(v, (np.ndarray, int, float)) for v in read.values())
            assert numbers or np.isfinite(getattr(read, "W_", np.nan)).all()
    checkpoint = write_bson(tmp_path / "model.bson", research_checkpoint())
    damaged_bson = tmp_path / "damaged.bson"
    damaged_bson.write_bytes(data.draw(damaged(checkpoint.read_bytes())))
    try:
        model = forecaster_from_bson(damaged_bson)
    except ValueError as error:
        assert "damaged.bson" in str(error)
    else:
        assert np.isfinite(model.W_).all() and model.generate(5).shape[0] == 5


@given(data=st.data())
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_damaged_ts_files_are_refused_or_read_as_sequences(files, data):
    path = _damaged_copy(data, files[0] / "data.ts")
    try:
        X, y = load_ts(path)
    except ValueError as error:
        assert str(error)
        return
    assert len(X) == len(y) and all(np.ndim(x) == 2 for x in X)


ARCHIVE = pathlib.Path(__file__).parent / "data" / "archive"


@pytest.mark.parametrize("name, reader", [
    ("BasicMotions_TRAIN.arff", load_arff), ("GunPoint_TRAIN.arff", load_arff), ("GunPoint_TRAIN.tsv", load_ucr_tsv),
])
@given(data=st.data())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_damaged_archive_files_are_refused_or_read_as_sequences(files, tmp_path, name, reader, data):
    path = tmp_path / name
    path.write_bytes(data.draw(damaged((ARCHIVE / name).read_bytes())))
    _run_cli(["predict", str(files[0] / "model.alrnn.npz"), str(path)])  # its 2 features: predicted, or refused
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a last line cut short is read, with a warning
        try:
            X, y = reader(path)
        except ValueError as error:
            assert str(error)
            return
    assert len(X) == len(y) and all(np.ndim(x) == 2 and len(x) for x in X)
    assert all(np.isfinite(x[~np.isnan(x)]).all() for x in X)


@given(data=st.data())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_damaged_tsf_files_are_refused_or_read_as_series(tmp_path, data):
    path = tmp_path / "damaged.tsf"
    path.write_bytes(data.draw(damaged((ARCHIVE / "UnitTest_Tsf_Loader.tsf").read_bytes())))
    try:
        series, attributes = load_tsf(path)
    except ValueError as error:
        assert str(error)
        return
    assert all(values.ndim == 2 and len(values) for values in series)
    assert all(len(column) == len(series) for column in attributes.values())


@pytest.fixture(scope="module")
def recordings(tmp_path_factory):
    """A recording in each format with a header or a structure of its own, each with a pause but WFDB's:
    (header or file, data file or None)."""
    from .test_brainvision_format import write_brainvision
    from .test_edf_format import write_edf
    from .test_eeglab_format import events, write_eeglab
    from .test_gdf_format import write_gdf
    from .test_wfdb_format import write_wfdb
    from .test_xdf_format import stream, write_xdf

    folder = tmp_path_factory.mktemp("recordings")
    wave = np.sin(np.arange(200) / 7)
    write_edf(folder / "night.edf", [("Fz", wave, 100, -1, 1), ("Cz", wave[::-1], 100, -1, 1)], annotations=True,
              record_starts=["+0", "+3.5"])
    digital = np.round(wave * 1000).astype(int)
    write_wfdb(folder, "100", [("MLII", digital, 200, 0), ("V5", -digital, 200, 0)], fmt=212)
    write_brainvision(folder, "eeg", np.column_stack([digital, -digital]), ["Fz,,0.1,µV", "Cz,,0.1,µV"],
                      markers=["New Segment,,1,1,0,20240101120000000000", "New Segment,,101,1,0,20240101120001000000"])
    write_eeglab(folder, "set", np.stack([wave, -wave]), ["Fz", "Cz"], data_file="set.fdt",
                 event=events(("boundary", 80.5, 10.0), ("stimulus", 90.0, 0.0)))
    write_gdf(folder / "run.gdf", [("C3", wave, 100, 3, -1.0, 1.0), ("C4", wave[::-1], 100, 16, -1.0, 1.0)],
              events=[(0, 0x7FFE, 0, 0), (120, 0x7FFE, 0, 0), (150, 769, 0, 30)])
    write_xdf(folder / "lsl.xdf", [stream("EEG", 100, np.column_stack([wave, -wave]), 5 + np.arange(200) / 100
                                          + 12 * (np.arange(200) >= 120), labels=["Fz", "Cz"], stamp_every=5, chunk=30,
                                          clock=[(4.0, 0.5), (20.0, 0.5001)])])
    return {"edf": (folder / "night.edf", None), "wfdb": (folder / "100.hea", folder / "100.dat"),
            "brainvision": (folder / "eeg.vhdr", folder / "eeg.eeg"),
            "eeglab": (folder / "set.set", folder / "set.fdt"), "gdf": (folder / "run.gdf", None),
            "xdf": (folder / "lsl.xdf", None)}


@pytest.mark.parametrize("kind", ["edf", "wfdb", "brainvision", "eeglab", "gdf", "xdf"])
@given(data=st.data(), which=st.sampled_from(["header", "data"]))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_damaged_recordings_are_refused_or_read_as_series(recordings, tmp_path, kind, data, which):
    # The header (or an EEGLAB dataset's MATLAB file, which crashed SciPy's reader on some flipped bytes;
    # an EDF+D file's record start times) or the data file beside it, damaged: reconstruct's reader
    # refuses it by name or reads a series.
    header, samples = recordings[kind]
    original = header if which == "header" or samples is None else samples
    for path in header.parent.glob(header.stem + ".*"):  # a BrainVision recording's marker file too
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / original.name).write_bytes(data.draw(damaged(original.read_bytes())))
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a checksum the samples miss, a pause
        try:
            series, names, _, _ = read_series(str(tmp_path / header.name), gaps=True)
        except SystemExit as exit_info:
            assert str(exit_info.code).startswith("error: cannot read a numeric series"), exit_info.code
            return
    assert np.ndim(series) in (2, 3) and np.asarray(series).shape[-1] == len(names or [0] * np.shape(series)[-1])


@pytest.fixture(scope="module")
def annotated(tmp_path_factory):
    """A recording with annotations in each format that has them: (recording, annotation file)."""
    from .test_brainvision_format import write_brainvision
    from .test_edf_format import write_edf
    from .test_eeglab_format import events, write_eeglab
    from .test_gdf_format import write_gdf
    from .test_wfdb_format import write_annotations, write_wfdb
    from .test_xdf_format import stream, write_xdf

    folder = tmp_path_factory.mktemp("annotated")
    wave = np.sin(np.arange(300) / 7)
    write_edf(folder / "psg.edf", [("Fz", wave, 100, -1, 1)], annotations=True,
              notes=[(0.5, 1.0, "Sleep stage W"), (1.5, None, "Arousal"), (2.0, 0.5, "Sleep stage 1")])
    write_brainvision(folder, "eeg", np.round(np.column_stack([wave, -wave]) * 1000), ["Fz,,0.1,µV", "Cz,,0.1,µV"],
                      markers=["New Segment,,1,1,0,20240101120000000000", "Stimulus,S  1,51,1,0",
                               "Response,R  2,151,1,0", "New Segment,,201,1,0,20240101120001000000"])
    write_eeglab(folder, "set", np.stack([wave, -wave]), ["Fz", "Cz"], rate=100.0,
                 event=events(("stim", 50.0, 0.0), (5.0, 120.0, 10.0), ("boundary", 200.5, 20.0)))
    write_wfdb(folder, "100", [("MLII", np.round(wave * 1000).astype(int), 200, 0)], frequency=360)
    write_annotations(folder / "100.atr", [(20, 1, "", None), (90, 5, "", 1), (2000, 28, "(AFIB", None)])
    write_gdf(folder / "cues.gdf", [("C3", wave, 100, 5, -1.0, 1.0)], version="1.25", mode=1, event_rate=200,
              events=[(100, 0x0301, 0, 0), (300, 0x8301, 0, 0), (400, 0x0302, 0, 0), (450, 0x7FFE, 0, 0)])
    write_xdf(folder / "lsl.xdf", [stream("EEG", 100, wave[:, None], 5 + np.arange(300) / 100, labels=["Fz"]),
                                   stream("Markers", 0, ["go", "stop", "go"], [5.5, 6.25, 7.0], fmt="string", chunk=1)])
    return {"edf": (folder / "psg.edf", folder / "psg.edf"), "brainvision": (folder / "eeg.vhdr", folder / "eeg.vmrk"),
            "eeglab": (folder / "set.set", folder / "set.set"), "wfdb": (folder / "100.hea", folder / "100.atr"),
            "gdf": (folder / "cues.gdf", folder / "cues.gdf"), "xdf": (folder / "lsl.xdf", folder / "lsl.xdf")}


@pytest.mark.parametrize("kind", ["edf", "brainvision", "eeglab", "wfdb", "gdf", "xdf"])
@given(data=st.data())
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_damaged_annotations_are_refused_or_label_windows(annotated, tmp_path, kind, data):
    # A damaged EDF+ annotation signal, BrainVision marker file, EEGLAB event structure, WFDB annotation
    # file, GDF event table or XDF marker stream: load_annotations refuses it by name or reads annotations that
    # annotation_windows cuts (it had asked a damaged duration for 1e29 windows and ran out of memory).
    recording, annotations = annotated[kind]
    for path in recording.parent.glob(recording.stem + ".*"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / annotations.name).write_bytes(data.draw(damaged(annotations.read_bytes())))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a pause, a checksum
        try:
            found = datasets.load_annotations(tmp_path / annotations.name)
            signals = datasets.load_recording(tmp_path / recording.name)
        except ValueError as error:
            assert str(error)
            return
        assert np.isfinite(found.onset).all() and (found.duration >= 0).all()
        assert len(found.onset) == len(found.duration) == len(found.description)
        if len(found.onset) and signals.data.ndim == 2:
            if round(0.3 * signals.sampling_rate) < 1:  # a damaged rate (a GDF record's duration): no sample in 0.3 s
                with pytest.raises(ValueError, match=r"length=0.3 s holds no sample at"):
                    datasets.annotation_windows(signals, found, 0.3)
                return
            X, y = datasets.annotation_windows(signals, found, 0.3)
            assert len(X) == len(y) and np.isfinite(X).all()


@st.composite
def long_tables(draw):
    """A long-format table (one row per step) with odd columns: strings, NaN, inf, booleans, huge
    values, one class, NaN targets, missing or repeated time stamps."""
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))
    lengths = draw(st.lists(st.integers(1, 6), max_size=5))
    ids = np.repeat(np.arange(len(lengths)), lengths)
    times = np.concatenate([np.arange(n) for n in lengths]) if lengths else np.zeros(0, int)
    n = len(ids)
    feature = rng.normal(size=n)
    kind = draw(st.sampled_from(["float", "int", "str", "nan", "inf", "bool", "mixed", "huge"]))
    if kind == "int":
        feature = (feature * 10).astype(int)
    elif kind == "str":
        feature = np.array(["a"] * n, dtype=object)
    elif kind in ("nan", "inf") and n:
        feature[rng.randint(n)] = np.nan if kind == "nan" else np.inf
    elif kind == "bool":
        feature = feature > 0
    elif kind == "mixed" and n:
        feature = np.array([1.0] * (n - 1) + ["x"], dtype=object)
    elif kind == "huge":
        feature = feature * 1e300
    target = {
        "classes": ids % 2, "floats": rng.normal(size=n), "nan": np.full(n, np.nan), "one class": np.zeros(n),
        "strings": np.array(["u", "v"] * n)[:n],
    }[draw(st.sampled_from(["classes", "floats", "nan", "one class", "strings"]))]
    table = pd.DataFrame({"id": ids, "t": times, "f1": feature, "f2": rng.normal(size=n), "y": target})
    if n and draw(st.booleans()):
        table.loc[table.index[0], "t"] = draw(st.sampled_from([np.nan, 1, -5]))
    return table.sample(frac=1, random_state=0) if draw(st.booleans()) else table


@given(table=long_tables(), per_step=st.booleans(), features=st.sampled_from([None, ["f1"], ["f1", "f2"], ["zz"]]))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_to_sequences_and_the_cli_end_bad_tables_with_an_error_message(files, table, per_step, features):
    folder, _ = files
    try:
        X, y, ids = to_sequences(table, "id", "t", features, "y", per_step=per_step)
    except (ValueError, TypeError) as error:
        assert str(error)
    else:
        assert X.shape[:2] == (len(ids), table.groupby("id").size().max()) and len(y) == len(ids)
    data, model = folder / "table.csv", folder / "fitted.alrnn.npz"
    table.to_csv(data, index=False)
    model.unlink(missing_ok=True)
    argv = ["fit", str(data), "--target", "y", "--id-col", "id", "--time-col", "t", "--n-hidden", "3",
            "--max-iter", "2", "--model-out", str(model)]
    argv += (["--features", *features] if features else []) + (["--per-step"] if per_step else [])
    if _run_cli(argv) == 0:
        assert _run_cli(["predict", str(model), str(data)]) == 0 or not model.exists()
        _run_cli(["analyze", str(model), "--data", str(data)])
    series = folder / "series.csv"
    table[["f1", "f2"]].to_csv(series, index=False)
    _run_cli(["reconstruct", str(series), "--n-hidden", "4", "--max-iter", "1",
              "--model-out", str(folder / "forecaster.alrnn.npz")])


@pytest.mark.slow  # a Python process
def test_a_bad_table_ends_the_command_with_a_message_not_a_traceback(tmp_path):
    data = tmp_path / "bad.csv"
    pd.DataFrame({"id": [0, 0, 1], "t": [0, 1, 0], "x": [1.0, np.inf, 2.0], "y": [0, 0, 1]}).to_csv(data, index=False)
    result = subprocess.run(
        [sys.executable, "-m", "sklearn_alrnn", "fit", str(data), "--target", "y", "--id-col", "id",
         "--time-col", "t", "--model-out", str(tmp_path / "m.alrnn.npz")],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: Input X contains infinity (first at sequence 0, time step 1)")


@st.composite
def spreadsheet_styles(draw):
    """How a spreadsheet or another package may write a table: the delimiter and decimal mark, quotes,
    a "sep=" line, notes on lines starting with # above the header, a space after each delimiter (as
    written by hand), pandas' index, a delimiter ending every line, CRLF, blank lines or rows of empty cells
    (",,,", as spreadsheets export the rows below a table) at the end, a BOM."""
    delimiter, decimal = draw(st.sampled_from([(",", "."), (";", "."), ("\t", "."), (";", ","), ("\t", ",")]))
    flags = {name: draw(st.booleans())
             for name in ("quotes", "sep_line", "notes", "spaced", "index", "trailing", "blank_end", "empty_rows", "bom")}
    return {"delimiter": delimiter, "decimal": decimal, "newline": draw(st.sampled_from(["\n", "\r\n"])), **flags}


def _write_styled(path, header, rows, style):
    def cell(value):
        text = repr(value).replace(".", style["decimal"]) if isinstance(value, float) else str(value)
        return f'"{text}"' if style["quotes"] or style["delimiter"] in text else text

    lines = [f"sep={style['delimiter']}"] * style["sep_line"]
    lines += [f"# exported by logger v2{style['delimiter']} gain 1,5", "#"] * style["notes"]
    for i, row in enumerate([header, *rows]):
        cells = ([""] if i == 0 else [str(i - 1)]) * style["index"] + [cell(value) for value in row]
        lines.append((style["delimiter"] + " " * style["spaced"]).join(cells) + style["delimiter"] * style["trailing"])
    lines += [style["delimiter"] * (len(header) - 1 + style["index"] + style["trailing"])] * 2 * style["empty_rows"]
    text = style["newline"].join(lines) + style["newline"] * (1 + 2 * style["blank_end"])
    path.write_bytes(text.encode("utf-8-sig" if style["bom"] else "utf-8"))


@given(style=spreadsheet_styles(), seed=st.integers(0, 2**16), n_variables=st.integers(1, 3))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_table_reads_the_same_however_a_spreadsheet_writes_it(files, style, seed, n_variables):
    # A one-column series of decimal commas was read as two columns of whole numbers (0,4247 -> 0 and 4247),
    # and a "sep=" line's delimiter was not the one read: found by writing the same data these ways.
    folder, _ = files
    rng = np.random.RandomState(seed)
    values = rng.normal(size=(30, n_variables)).round(4) * rng.choice([1, 1000, 1e-3], size=n_variables)
    names = [f"level {j}" for j in range(n_variables)]
    path = folder / "styled.csv"
    _write_styled(path, names, values.tolist(), style)
    series, read_names, _, _ = read_series(str(path))
    np.testing.assert_array_equal(series, values)
    assert read_names == names
    labels = np.where(values[:, 0] > 0, "up", "down")  # a long table of three sequences, each row a step
    rows = [[f"s{i % 3}", i // 3, *row, label, f"{label} 1,5\t2"] for i, (row, label) in
            enumerate(zip(values.tolist(), labels))]  # and a note whose text holds a decimal comma and a tab
    _write_styled(path, ["sid", "t", *names, "label", "note"], rows, style)
    table = read_table(str(path))
    assert table.columns.tolist() == ["sid", "t", *names, "label", "note"]
    np.testing.assert_array_equal(table[names].to_numpy(), values)
    assert table["label"].tolist() == labels.tolist() and table["t"].tolist() == [i // 3 for i in range(30)]
