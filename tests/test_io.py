"""save / load without pickle: identical predictions, and a clear refusal of bad files."""

import json
import pathlib
import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone

from sklearn_alrnn import ALRNNClassifier, ALRNNRegressor, load, load_metadata
from sklearn_alrnn import io as model_io


@pytest.fixture(scope="module")
def fitted_models():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 7, 2))
    labels = np.array(["cat", "dog", "eel"])[rng.randint(3, size=40)]
    clf = ALRNNClassifier(n_hidden=5, n_nonlinear=2, max_iter=3, random_state=0).fit(X, labels)
    reg = ALRNNRegressor(n_hidden=4, n_nonlinear=1, max_iter=3, random_state=0).fit(X, np.cumsum(X, axis=1))
    return X, clf, reg


def test_round_trip_gives_identical_predictions(tmp_path, fitted_models):
    X, clf, reg = fitted_models
    for model, method in ((clf, "predict_proba"), (reg, "predict")):
        path = tmp_path / f"{type(model).__name__}.alrnn.npz"
        model.save(path, extra={"note": "test"})
        restored = load(path)
        assert type(restored) is type(model)
        np.testing.assert_array_equal(getattr(restored, method)(X), getattr(model, method)(X))
        assert restored.get_params() == model.get_params()
        assert load_metadata(path)["extra"] == {"note": "test"}
    assert list(load(tmp_path / "ALRNNClassifier.alrnn.npz").predict(X[:3])) == list(clf.predict(X[:3]))
    # Loaded models keep training.
    restored = load(tmp_path / "ALRNNRegressor.alrnn.npz")
    restored.partial_fit(X, np.cumsum(X, axis=1))
    assert restored.n_iter_ == reg.n_iter_ + 1


def test_pickle_keeps_working(fitted_models):
    X, clf, _ = fitted_models
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(clf)).predict_proba(X), clf.predict_proba(X))


def test_truncated_file(tmp_path, fitted_models):
    _, clf, _ = fitted_models
    path = tmp_path / "m.npz"
    clf.save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="truncated or not an .npz archive"):
        load(path)


@pytest.mark.parametrize("field_offset", [6, 10])  # a central-directory "version needed", "compression method"
def test_a_damaged_zip_header_field_is_a_value_error(tmp_path, fitted_models, field_offset):
    _, clf, _ = fitted_models
    path = tmp_path / "m.npz"
    clf.save(path)
    data = bytearray(path.read_bytes())
    header = bytes(data).index(b"PK\x01\x02")  # the first member's central-directory record
    data[header + field_offset] = 0xEE  # zipfile raises NotImplementedError on it
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="not a readable sklearn_alrnn model file"):
        load(path)


def test_a_member_marked_encrypted_is_a_value_error(tmp_path, fitted_models):
    _, clf, _ = fitted_models
    path = tmp_path / "m.npz"
    clf.save(path)
    data = bytearray(path.read_bytes())
    header = bytes(data).index(b"PK\x01\x02")  # the first member's central-directory record
    data[header + 8] |= 0x01  # its general-purpose flags: "encrypted" (zipfile asks for a password)
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="is marked encrypted, which this format never writes"):
        load(path)


def test_flipped_byte(tmp_path, fitted_models):
    _, clf, _ = fitted_models
    path = tmp_path / "m.npz"
    clf.save(path)
    data = bytearray(path.read_bytes())
    # Flip a byte inside the stored W_ array (npz is an uncompressed zip).
    with np.load(path) as archive:
        w_bytes = archive["W_"].tobytes()
    offset = bytes(data).index(w_bytes) + 5
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="failed its integrity check: the file was modified or damaged"):
        load(path)


def test_modified_metadata_fails_the_checksum(tmp_path, fitted_models):
    _, clf, _ = fitted_models
    path = tmp_path / "m.npz"
    clf.save(path)
    metadata, arrays = model_io._read(path)
    metadata["params"]["alpha"] = 123.0  # edited without recomputing the checksum
    encoded = np.frombuffer(json.dumps(metadata).encode(), dtype=np.uint8)
    np.savez(path, **arrays, __metadata__=encoded)
    with pytest.raises(ValueError, match="failed its checksum: the file was modified or damaged"):
        load(path)
    # Metadata nested deeper than Python's JSON parser goes (a RecursionError escaped before).
    deep = np.frombuffer(b"[" * 100_000 + b"]" * 100_000, dtype=np.uint8)
    np.savez(path, **arrays, __metadata__=deep)
    with pytest.raises(ValueError, match="has corrupt metadata: maximum recursion depth exceeded"):
        load(path)


def _rewrite_metadata(path, **changes):
    metadata, arrays = model_io._read(path)
    metadata.update(changes)
    metadata.pop("checksum")
    model_io._write(path, metadata, arrays)  # a consistent file, as another writer would make


def test_wrong_version(tmp_path, fitted_models):
    _, clf, _ = fitted_models
    path = tmp_path / "m.npz"
    clf.save(path)
    _rewrite_metadata(path, format_version=99, package_version="9.0.0")
    with pytest.raises(ValueError, match="format version 99 .*written by sklearn_alrnn 9.0.0"):
        load(path)


def test_wrong_class(tmp_path, fitted_models):
    _, clf, _ = fitted_models
    path = tmp_path / "m.npz"
    clf.save(path)
    with pytest.raises(ValueError, match="holds an ALRNNClassifier, not the expected ALRNNRegressor"):
        load(path, expected_class=ALRNNRegressor)
    _rewrite_metadata(path, **{"class": "SVC"})
    with pytest.raises(ValueError, match="'SVC', which is not an sklearn_alrnn model class"):
        load(path)


def test_no_code_is_executed_from_a_file(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, payload=np.array([object()], dtype=object))
    with pytest.raises(ValueError, match="cannot be loaded safely|not an sklearn_alrnn model"):
        load(path)
    (tmp_path / "text.npz").write_text(json.dumps({"a": 1}))
    with pytest.raises(ValueError, match="not a readable sklearn_alrnn model file"):
        load(tmp_path / "text.npz")


def test_version_1_files_of_the_first_release_still_load(tmp_path, fitted_models):
    """Version 1 named the fitted scalars after private attributes (``_n_nonlinear_fitted``, ...)."""
    X, clf, reg = fitted_models
    for model, method in ((clf, "predict_proba"), (reg, "predict")):
        path = tmp_path / f"{type(model).__name__}.v1.npz"
        model.save(path)
        metadata, _ = model_io._read(path)
        fitted = dict(metadata["fitted"])
        fitted["_n_nonlinear_fitted"] = fitted.pop("n_nonlinear_")
        fitted["_per_step"] = fitted.pop("per_step")
        if "y_ndim" in fitted:
            fitted["_y_ndim"] = fitted.pop("y_ndim")
        _rewrite_metadata(path, format_version=1, fitted=fitted)
        restored = load(path)
        assert restored.n_nonlinear_ == model.n_nonlinear_
        np.testing.assert_array_equal(getattr(restored, method)(X), getattr(model, method)(X))


def test_fitted_state_that_contradicts_the_architecture_is_refused(tmp_path, fitted_models):
    _, clf, _ = fitted_models
    path = tmp_path / "m.npz"
    clf.save(path)
    metadata, _ = model_io._read(path)
    _rewrite_metadata(path, fitted=dict(metadata["fitted"], n_nonlinear_=clf.n_hidden + 1))
    with pytest.raises(ValueError, match=r"n_nonlinear_=6 is not an integer in \[0, 5\] \(n_hidden x n_members_\)"):
        load(path)
    clf.save(path)
    _rewrite_metadata(path, fitted=dict(metadata["fitted"], n_members_=2))
    with pytest.raises(ValueError, match=r"a_ has shape \(5,\), expected \(10,\) for 10 units \(n_hidden=5 x n_members_=2\)"):
        load(path)
    clf.save(path)
    _rewrite_metadata(path, fitted=dict(metadata["fitted"], n_members_=0))
    with pytest.raises(ValueError, match="n_members_=0 is not a valid count"):
        load(path)
    clf.save(path)
    _rewrite_metadata(path, fitted={k: v for k, v in metadata["fitted"].items() if k != "n_iter_"})
    with pytest.raises(ValueError, match="n_iter_=None is not a valid count"):
        load(path)


def test_the_fitted_number_of_nonlinear_units_survives_a_later_set_params(tmp_path, fitted_models):
    X, clf, _ = fitted_models
    changed = pickle.loads(pickle.dumps(clf))
    changed.set_params(n_nonlinear=0)  # the hyper-parameter moves; the fitted model does not
    path = tmp_path / "m.npz"
    changed.save(path)
    restored = load(path)
    assert restored.n_nonlinear_ == clf.n_nonlinear_ == 2 and restored.n_nonlinear == 0
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))


def test_pickles_of_the_first_release_still_predict(fitted_models):
    """0.1.0 pickled the fitted P as ``_n_nonlinear_fitted``."""
    X, clf, _ = fitted_models
    state = clf.__getstate__()
    state["_n_nonlinear_fitted"] = state.pop("n_nonlinear_")
    old = object.__new__(type(clf))
    old.__setstate__(state)
    assert old.n_nonlinear_ == clf.n_nonlinear_
    np.testing.assert_array_equal(old.predict_proba(X), clf.predict_proba(X))


def test_files_written_before_pooled_readouts_load_as_last_state_models(tmp_path, fitted_models):
    """Files of the releases before issue 12 have no readout, init, n_init or target scaling."""
    X, _, _ = fitted_models
    y = (X[:, 0, 0] > 0).astype(int)
    old = ALRNNClassifier(n_hidden=5, max_iter=3, readout="last", init="dsr", random_state=0).fit(X, y)
    path = tmp_path / "old.npz"
    old.save(path)
    metadata, _ = model_io._read(path)
    params = {k: v for k, v in metadata["params"].items() if k not in ("readout", "init", "n_init")}
    fitted = {k: v for k, v in metadata["fitted"].items() if k != "readout"}
    _rewrite_metadata(path, params=params, fitted=fitted)
    restored = load(path)
    np.testing.assert_array_equal(restored.predict_proba(X), old.predict_proba(X))
    assert restored.get_params()["readout"] == "last" and restored.get_params()["init"] == "dsr"
    restored.set_params(warm_start=True, max_iter=1).fit(X, y)  # continues: same architecture


def test_a_readout_matrix_that_contradicts_the_readout_is_refused(tmp_path, fitted_models):
    X, clf, reg = fitted_models
    path = tmp_path / "m.npz"
    clf.save(path)
    metadata, _ = model_io._read(path)
    _rewrite_metadata(path, fitted=dict(metadata["fitted"], readout="mean+max"))
    with pytest.raises(ValueError, match=r"B_ has shape \(3, 5\), expected 10 columns for readout='mean\+max'"):
        load(path)
    reg.save(path)
    metadata, _ = model_io._read(path)
    _rewrite_metadata(path, fitted=dict(metadata["fitted"], target_scale=[0.0]))
    with pytest.raises(ValueError, match="target_mean and target_scale must be 2 finite numbers"):
        load(path)


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_failed_save_keeps_the_previous_file_and_leaves_no_temporary_file(tmp_path, fitted_models, monkeypatch):
    X, clf, _ = fitted_models
    path = tmp_path / "m.alrnn.npz"
    clf.save(path)
    before = path.read_bytes()

    def savez_that_fails_half_way(file, **arrays):
        file.write(b"PK\x03\x04 half a zip")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(model_io.np, "savez", savez_that_fails_half_way)
    with pytest.raises(OSError, match="No space left"):
        clf.save(path)
    assert path.read_bytes() == before
    assert _leftovers(tmp_path) == []


def test_a_save_to_a_folder_or_into_a_missing_folder_names_the_path_not_a_temporary_file(tmp_path, fitted_models):
    _, clf, _ = fitted_models
    with pytest.raises(IsADirectoryError, match=f"Cannot save to {tmp_path}: it is a folder; give a file name"):
        clf.save(tmp_path)
    with pytest.raises(FileNotFoundError, match=f"the folder {tmp_path / 'missing'} does not exist"):
        clf.save(tmp_path / "missing" / "m.alrnn.npz")
    assert _leftovers(tmp_path) == [] and list(tmp_path.iterdir()) == []


_SAVE_IN_A_CHILD = """
import resource, signal, sys
from sklearn_alrnn import load
path, how = sys.argv[1], sys.argv[2]
model = load(path)
if how == "fsize":
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write then fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))
    try:
        model.save(path, extra={"padding": "x" * 200_000})
    except OSError as error:
        print("save failed:", error)
else:  # killed mid-write: the process ends inside the write, as under kill -9
    import os
    import numpy as np
    from sklearn_alrnn import io
    def savez_then_die(file, **arrays):
        file.write(b"PK\\x03\\x04 partial")
        file.flush()
        os._exit(9)
    io.np.savez = savez_then_die
    model.save(path)
"""


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="POSIX resource limits")
@pytest.mark.parametrize("how", ["fsize", "killed"])
def test_a_save_cut_short_in_another_process_keeps_the_previous_file(tmp_path, fitted_models, how):
    import subprocess
    import sys

    X, clf, _ = fitted_models
    path = tmp_path / "m.alrnn.npz"
    clf.save(path)
    before = path.read_bytes()
    result = subprocess.run(
        [sys.executable, "-c", _SAVE_IN_A_CHILD, str(path), how], capture_output=True, text=True, timeout=300
    )
    if how == "fsize":
        assert result.returncode == 0 and "save failed" in result.stdout, result.stderr[-2000:]
        assert _leftovers(tmp_path) == []
    else:
        assert result.returncode == 9, result.stderr[-2000:]
    assert path.read_bytes() == before
    np.testing.assert_array_equal(load(path).predict_proba(X), clf.predict_proba(X))


def _forge_member(path, member, payload):
    """Replace one member of the archive by raw bytes (a hand-made .npy)."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members[member] = payload
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _npy_header(shape, dtype="<f8"):
    import io

    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": dtype, "fortran_order": False, "shape": shape})
    return buffer.getvalue()


def test_a_forged_array_header_is_refused_before_anything_is_allocated(tmp_path, fitted_models):
    _, clf, _ = fitted_models
    path = tmp_path / "m.npz"
    clf.save(path)
    _forge_member(path, "W_.npy", _npy_header((100_000, 100_000)) + b"\0" * 200)  # claims 80 GB
    with pytest.raises(ValueError, match=r"array 'W_' claims shape \(100000, 100000\) of float64 \(80000000000 bytes\)"):
        load(path)
    clf.save(path)
    _forge_member(path, "notes.txt", b"an extra member")
    with pytest.raises(ValueError, match="member 'notes.txt'.*not an array this format writes"):
        load(path)


def test_files_above_the_size_limit_are_refused_unread(tmp_path, fitted_models, monkeypatch):
    _, clf, _ = fitted_models
    path = tmp_path / "m.npz"
    clf.save(path)
    monkeypatch.setattr(model_io, "MAX_FILE_BYTES", 1000)
    with pytest.raises(ValueError, match=r"the file is \d+ bytes, more than a model file can be \(1000\)"):
        load(path)


def _forged_metadata_variants(metadata):
    import copy

    for section in ("params", "fitted"):
        for key in metadata[section]:
            for value in (None, "x", -1, 1e308, [1, 2], {"a": 1}, True, 10**20):
                forged = copy.deepcopy(metadata)
                forged[section][key] = value
                yield f"{section}.{key}={value!r}", forged
    for key in metadata:
        for forged in ({k: v for k, v in metadata.items() if k != key}, dict(metadata, **{key: None})):
            yield f"{key} removed or None", forged


def test_forged_metadata_is_refused_with_value_errors_or_loads_a_working_model(tmp_path, fitted_models):
    X, clf, reg = fitted_models
    unexpected = []
    for model in (clf, reg):
        path = tmp_path / "m.npz"
        model.save(path)
        metadata, arrays = model_io._read(path)
        for name, forged in _forged_metadata_variants(metadata):
            forged.pop("checksum", None)
            model_io._write(path, forged, arrays)  # consistent checksum: only the content is hostile
            try:
                load(path).predict(X)
            except ValueError:
                continue
            except Exception as error:  # noqa: BLE001 - the test collects what must not happen
                unexpected.append(f"{type(model).__name__} {name}: {type(error).__name__}: {error}")
    assert not unexpected, "\n".join(unexpected[:10])


@pytest.mark.parametrize("key, damage, named", [
    ("W_", lambda a: np.where(np.eye(*a.shape, dtype=bool), np.nan, a), "NaN or infinity"),
    ("B_", lambda a: a.astype("U3"), "dtype <U3"),
    ("a_", lambda a: a.astype(complex), "dtype complex128"),
    ("h_", lambda a: a.astype(bool), "dtype bool"),
])
def test_forged_weights_are_refused_on_load_not_at_the_first_prediction(tmp_path, fitted_models, key, damage, named):
    # Such arrays loaded, and the first predict said "the model was changed after fitting: refit or reload it".
    X, clf, reg = fitted_models
    for model in (clf, reg):
        path = tmp_path / "m.npz"
        model.save(path)
        metadata, arrays = model_io._read(path)
        arrays[key] = damage(arrays[key])
        metadata["arrays"][key] = {"shape": list(arrays[key].shape), "dtype": arrays[key].dtype.str}
        metadata.pop("checksum")
        model_io._write(path, metadata, arrays)
        with pytest.raises(ValueError, match=f"{key} must hold finite floating-point values; it has {named}"):
            load(path)


def test_a_model_files_column_names_are_kept_and_checked_on_load(tmp_path):
    # A wide table's step names were not saved, so a loaded model read reordered columns silently.
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    wide = pd.DataFrame(rng.normal(size=(20, 5)), columns=[f"t{i}" for i in range(5)])
    frames = [pd.DataFrame(rng.normal(size=(4, 2)), columns=["p", "q"]) for _ in range(20)]
    path = tmp_path / "m.npz"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for X, name, good in ((wide, "_time_step_names", ["t0", "t1"]), (frames, "feature_names_in_", ["q", "p"])):
            ALRNNRegressor(n_hidden=4, max_iter=1, random_state=0).fit(X, rng.normal(size=20)).save(path)
            metadata, arrays = model_io._read(path)
            assert metadata["fitted"][name] == (list(wide.columns) if X is wide else ["p", "q"])
            for forged, accepted in (([1, 2], False), ("t0", False), (["p"], X is wide), (good, True)):
                metadata["fitted"][name] = forged
                metadata.pop("checksum", None)
                model_io._write(path, metadata, arrays)
                if accepted:
                    assert list(getattr(load(path), name)) == forged
                    continue
                with pytest.raises(ValueError, match=f"{name} must be a list of .*strings; got"):
                    load(path)


def test_estimators_from_parameters_trained_elsewhere(tmp_path):
    # A network trained outside the package (as the research code's PyTorch one) becomes a fitted
    # estimator: a hand-set sum of the inputs, and a fitted classifier rebuilt from its own arrays.
    from sklearn_alrnn import RegimeDecomposer

    adder = ALRNNRegressor.from_parameters([1.0], [[0.0]], [0.0], [[1.0]], [[2.0]], [1.0], n_nonlinear=0)
    X = np.random.RandomState(0).normal(size=(30, 9, 2))
    np.testing.assert_allclose(adder.predict(X[:, :, :1]), 2 * X[:, :, 0].sum(axis=1) + 1)
    per_step = ALRNNRegressor.from_parameters([1.0], [[0.0]], [0.0], [[1.0]], [[1.0]], n_nonlinear=0, per_step=True)
    np.testing.assert_allclose(per_step.predict(X[:, :, :1])[:, :, 0], np.cumsum(X[:, :, 0], axis=1))
    y = np.where(X[:, :, 0].sum(axis=1) > 0, "up", "down")
    settings = dict(standardize_inputs=False, input_differences=False, elapsed_steps=False, readout="last")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = ALRNNClassifier(n_hidden=6, n_nonlinear=2, max_iter=5, random_state=0, **settings).fit(X, y)
    rebuilt = ALRNNClassifier.from_parameters(
        np.diag(fitted.a_), fitted.W_.astype(np.float32), fitted.h_[:, None], fitted.C_, fitted.B_, fitted.b_,
        n_nonlinear=2, classes=fitted.classes_,
    )
    np.testing.assert_allclose(rebuilt.predict_proba(X), fitted.predict_proba(X), rtol=1e-6)
    np.testing.assert_array_equal(RegimeDecomposer(rebuilt, prefit=True).fit(X).transform(X),
                                  RegimeDecomposer(fitted, prefit=True).fit(X).transform(X))
    rebuilt.save(tmp_path / "rebuilt.alrnn.npz")
    np.testing.assert_array_equal(load(tmp_path / "rebuilt.alrnn.npz").predict_proba(X), rebuilt.predict_proba(X))
    assert rebuilt.n_iter_ == 0 and rebuilt.partial_fit(X, y).n_iter_ == 1
    two_rows = ALRNNClassifier.from_parameters(np.ones(2), np.zeros((2, 2)), np.zeros(2), np.ones((2, 1)), np.eye(2),
                                               n_nonlinear=1)
    assert two_rows.classes_.tolist() == [0, 1]
    # One logit row, as a binary cross-entropy trains it: the probability of the second class is its sigmoid.
    logit = ALRNNClassifier.from_parameters([1.0], [[0.0]], [0.0], [[1.0]], [[2.0]], [-1.0], n_nonlinear=0,
                                            classes=["down", "up"])
    np.testing.assert_allclose(logit.predict_proba(X[:, :, :1])[:, 1],
                               1 / (1 + np.exp(-(2 * X[:, :, 0].sum(axis=1) - 1))), rtol=1e-12)
    unnamed = ALRNNClassifier.from_parameters([1.0], [[0.0]], [0.0], [[1.0]], [[2.0]], n_nonlinear=0)
    assert unnamed.classes_.tolist() == [0, 1]
    with pytest.raises(ValueError, match=r"got C \(1, 1\), B \(1, 1\), b \(2,\)"):  # two biases for one row
        ALRNNClassifier.from_parameters([1.0], [[0.0]], [0.0], [[1.0]], [[2.0]], [0.0, 1.0], n_nonlinear=0)
    with pytest.raises(ValueError, match=r"B_ has shape \(1, 3\), expected 2 columns for readout='last'"):
        ALRNNRegressor.from_parameters(np.ones(2), np.zeros((2, 2)), np.zeros(2), np.ones((2, 1)), np.ones((1, 3)),
                                       n_nonlinear=0)
    with pytest.raises(ValueError, match=r"Expected C of shape \(2, n_features\) with n_features >= 1.*got C \(2, 0\)"):
        ALRNNClassifier.from_parameters(np.ones(2), np.zeros((2, 2)), np.zeros(2), None, np.eye(2), n_nonlinear=0)
    by_hand = ALRNNClassifier(n_hidden=6, n_nonlinear=2)  # weights set as attributes once stopped at '_tokens'
    for name in ("a_", "W_", "h_", "C_", "B_", "b_", "classes_", "n_features_in_", "n_nonlinear_"):
        setattr(by_hand, name, getattr(fitted, name))
    for call in (by_hand.predict, lambda X: by_hand.partial_fit(X, y)):
        with pytest.raises(ValueError, match=r"not the state a fit sets .* ALRNNClassifier.from_parameters\(a, W, h, C"):
            call(X)
    with pytest.raises(ValueError, match=r"classes_ has shape \(3,\); the readout has 2 outputs"):
        ALRNNClassifier.from_parameters(np.ones(2), np.zeros((2, 2)), np.zeros(2), np.ones((2, 1)), np.eye(2),
                                        n_nonlinear=0, classes=["a", "b", "c"])


@pytest.mark.parametrize("version", ["e844e98", "19aaba7"])
def test_files_saved_by_earlier_versions_load_and_predict_as_they_did(version):
    # Written by tests/data/saved_models/write_models.py at those commits (2026-11-27: model-file format 1;
    # 2026-11-30: format 2, every kind of model then). A user's saved model must keep its answers.
    folder = pathlib.Path(__file__).parent / "data" / "saved_models" / version
    expected = np.load(folder / "expected.npz")
    names = sorted({key.split("/")[0] for key in expected.files})
    assert len(names) == (2 if version == "e844e98" else 6)
    for name in names:
        model = load(folder / f"{name}.alrnn.npz")
        data = expected[f"{name}/input"]
        for method in ("predict", "predict_proba", "generate"):
            if f"{name}/{method}" not in expected.files:
                continue
            if method == "generate":
                got = model.generate(30)
            elif f"{name}/exog" in expected.files:
                got = getattr(model, method)(data, exog=expected[f"{name}/exog"])
            else:
                got = getattr(model, method)(data)
            want = expected[f"{name}/{method}"]
            if want.dtype.kind in "USb" or (want.dtype.kind == "i" and method == "predict"):
                np.testing.assert_array_equal(got, want, err_msg=f"{version} {name}.{method}")
            else:
                np.testing.assert_allclose(got, want, rtol=0, atol=1e-12, err_msg=f"{version} {name}.{method}")


@pytest.mark.parametrize("version, name", [("e844e98", "classifier"), ("e844e98", "regressor"),
                                           ("19aaba7", "forecaster")])
def test_pickles_of_earlier_versions_answer_get_params_clone_and_a_refit(version, name):
    # A pickle holds the settings its version had; those added since were missing attributes, so that
    # get_params, clone, repr and a refit of an unpickled model from before `n_tokens` raised AttributeError
    # (the forecaster's from before `device` too). The file of that version names the settings it had.
    folder = pathlib.Path(__file__).parent / "data" / "saved_models" / version
    settings = load_metadata(folder / f"{name}.alrnn.npz")["params"]
    current = load(folder / f"{name}.alrnn.npz")
    data = np.load(folder / "expected.npz")[f"{name}/input"]
    state = current.__getstate__()
    later = set(current.get_params()) - set(settings)
    first_day = version == "e844e98"
    assert {"n_tokens", "input_type", "standardize_inputs"} <= later if first_day else later == {"warm_start"}
    for parameter in later:
        del state[parameter]
    unpickled = type(current).__new__(type(current))
    unpickled.__setstate__(state)
    params = unpickled.get_params()
    if first_day:  # settings whose default changed keep what the model was trained with
        assert params["readout"] == "last" and params["input_type"] == "dense" and params["init"] == "dsr"
    assert params["n_tokens"] is None if "n_tokens" in params else params["warm_start"] is False
    assert repr(unpickled).startswith(type(current).__name__)
    answers = unpickled.generate(5) if name == "forecaster" else unpickled.predict(data)
    np.testing.assert_array_equal(answers, current.generate(5) if name == "forecaster" else current.predict(data))
    again = clone(unpickled).set_params(max_iter=1)
    targets = {"classifier": current.predict(data), "regressor": current.predict(data)}.get(name)
    again.fit(data) if targets is None else again.fit(data, targets)
    assert again.n_iter_ == 1
