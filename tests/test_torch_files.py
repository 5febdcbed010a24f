"""PyTorch files read without PyTorch: files torch 2.14 wrote (``tests/data/torch/make_files.py``)
against what ``torch.load`` read from them, the research tutorial's network as a forecaster, and
files that ask to run code or are damaged."""

import json
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

from sklearn_alrnn import RegimeDecomposer
from sklearn_alrnn.cli import main
from sklearn_alrnn.formats import forecaster_from_torch, read_torch

DATA = Path(__file__).parent / "data" / "torch"


@pytest.fixture(scope="module")
def expected():
    return dict(np.load(DATA / "expected.npz"))


def test_tensors_equal_what_torch_reads(expected):
    whole = read_torch(DATA / "al_rnn_m6_p2")  # torch.save(model): the module, pickled with its class's name
    state = read_torch(DATA / "al_rnn_m6_p2_state.pt")
    assert sorted(state) == ["A", "B", "W", "h"] and sorted(whole) == ["A", "B", "M", "N", "P", "W", "h"]
    assert (whole["M"], whole["P"], whole["N"]) == (6, 2, 3)
    for name in "AWhB":
        assert whole[name].dtype == np.float32 and state[name].dtype == np.float32
        np.testing.assert_array_equal(whole[name], expected[f"model.{name}"])
        np.testing.assert_array_equal(state[name], expected[f"model.{name}"])
    # A training checkpoint: the state dict under "model", the optimizer's numbers and a torch.device
    # (held, never built) beside it.
    checkpoint = read_torch(DATA / "checkpoint.pt")
    np.testing.assert_array_equal(checkpoint["model.W"], expected["model.W"])
    assert checkpoint["epoch"] == 7 and checkpoint["optimizer.param_groups.0.lr"] == 0.001
    # The data's statistics saved beside it as NumPy arrays (one big-endian, in Fortran order) and a number.
    np.testing.assert_array_equal(checkpoint["data.mean"], expected["data.mean"])
    np.testing.assert_array_equal(checkpoint["data.std"], expected["data.std"])
    assert checkpoint["data.count"] == 7000 and checkpoint["data.std"].dtype == np.float32
    # Views into a larger storage (an offset and strides), a transpose, float16, bfloat16 (as float32),
    # integers, booleans, a 0-d and an empty tensor.
    kinds = read_torch(DATA / "kinds.pt")
    for name, array in kinds.items():
        np.testing.assert_array_equal(array, expected[f"kinds.{name}"])
        assert array.dtype == expected[f"kinds.{name}"].dtype and array.shape == expected[f"kinds.{name}"].shape, name
    # The format before torch 1.6 (a sequence of pickles, the storages after them): the module, whose
    # class's source the file records, and the same kinds of tensors.
    legacy = read_torch(DATA / "al_rnn_m6_p2_legacy.pt")
    assert sorted(legacy) == sorted(whole) and legacy["P"] == 2
    for name in "AWhB":
        np.testing.assert_array_equal(legacy[name], expected[f"model.{name}"])
    traced = read_torch(DATA / "al_rnn_m6_p2_traced.pt")  # torch.jit.trace(model, ...).save: the attributes
    for name in "AWhB":
        np.testing.assert_array_equal(traced[name], expected[f"model.{name}"])
    for name, array in read_torch(DATA / "kinds_legacy.pt").items():
        np.testing.assert_array_equal(array, expected[f"kinds.{name}"])
        assert array.dtype == expected[f"kinds.{name}"].dtype and array.shape == expected[f"kinds.{name}"].shape, name
    with pytest.raises(ValueError, match=r"sparse.pt: its pickle rebuilds a tensor by torch._utils._rebuild_sparse_"
                                         r"tensor \(a sparse, quantized, nested or 8-bit float tensor"):
        read_torch(DATA / "sparse.pt")
    np.testing.assert_array_equal(kinds["view"], np.arange(60.0).reshape(6, 10)[1:4, 2:9:3])


def test_safetensors_files_are_read_by_their_header(tmp_path, expected):
    saved = read_torch(DATA / "al_rnn_m6_p2.safetensors")  # safetensors.torch.save_file, metadata {"P": "2"}
    assert sorted(saved) == ["A", "B", "P", "W", "bf16", "h"] and saved["P"] == 2
    for name in "AWhB":
        np.testing.assert_array_equal(saved[name], expected[f"model.{name}"])
    np.testing.assert_array_equal(saved["bf16"], expected["kinds.bfloat16"])
    whole = forecaster_from_torch(DATA / "al_rnn_m6_p2")
    with pytest.warns(UserWarning, match=r"al_rnn_m6_p2.safetensors: the forecaster leaves out its bf16, which the "
                                         r"tutorial's AL_RNN does not hold"):
        from_safetensors = forecaster_from_torch(DATA / "al_rnn_m6_p2.safetensors")  # P from the metadata
    np.testing.assert_array_equal(from_safetensors.generate(9), whole.generate(9))
    raw = (DATA / "al_rnn_m6_p2.safetensors").read_bytes()
    length = int.from_bytes(raw[:8], "little")
    header = raw[8:8 + length].decode()
    deep = b'{"a":' * 100_000 + b"1" + b"}" * 100_000  # deeper than Python's JSON parser goes
    cases = [(raw[:8 + length + 40], r"its tensor '\w+' of \w+ \[[\d, ]*\] takes bytes \d+ to \d+ of the 40 after"),
             ((length + 10 ** 6).to_bytes(8, "little") + raw[8:], r"its safetensors header claims \d+ bytes of the"),
             (raw[:8] + header.replace('"F32"', '"X32"', 1).encode() + raw[8 + length:],
              r"its safetensors header describes tensor '\w+' as .*X32"),
             (raw[:8] + b"{" + b" " * (length - 1) + raw[8 + length:], r"its safetensors header is no JSON"),
             (len(deep).to_bytes(8, "little") + deep, r"its safetensors header is no JSON \(maximum recursion")]
    for content, message in cases:
        with pytest.raises(ValueError, match="damaged.safetensors: " + message):
            read_torch(_write(tmp_path / "damaged.safetensors", content))
    nan_first = raw[:8 + length] + np.array([np.nan], "<f4").tobytes() + raw[8 + length + 4:]  # A[0] NaN
    with pytest.raises(ValueError, match=r"nan.safetensors: Parameter a contains NaN or infinity"):
        forecaster_from_torch(_write(tmp_path / "nan.safetensors", nan_first))


def test_the_tutorials_network_as_a_forecaster(expected):
    model = forecaster_from_torch(DATA / "al_rnn_m6_p2")  # P from the saved module
    assert (model.n_hidden, model.n_nonlinear_, model.n_features_in_) == (6, 2, 3)
    # The free run the tutorial's predict_free_sequence gives in float32, from one observation.
    run = model.generate(31, x0=[0.3, -0.2, 0.5])
    np.testing.assert_allclose(run[1:], expected["free_run"], rtol=1e-5, atol=1e-5)
    decomposer = RegimeDecomposer(model, prefit=True).fit(run)
    assert 1 <= decomposer.n_regimes_ <= 4 and set(decomposer.regimes_) <= set(range(4))  # P = 2
    with pytest.raises(ValueError, match=r"al_rnn_m6_p2_state.pt: it holds no value\(s\) named P .*pass "
                                         r"n_nonlinear \(a state dict holds no P; the command line's --n-nonlinear\)"):
        forecaster_from_torch(DATA / "al_rnn_m6_p2_state.pt")
    from_state = forecaster_from_torch(DATA / "al_rnn_m6_p2_state.pt", n_nonlinear=2)
    np.testing.assert_array_equal(from_state.generate(31, x0=[0.3, -0.2, 0.5]), run)
    np.testing.assert_array_equal(forecaster_from_torch(DATA / "checkpoint.pt", n_nonlinear=2).W_, model.W_)
    with pytest.raises(ValueError, match=r"kinds.pt: it holds no value\(s\) named A \(it holds view, "
                                         r"transposed, .*\); the tutorial's AL_RNN holds one each of A, W, h"):
        forecaster_from_torch(DATA / "kinds.pt", n_nonlinear=1)


def test_variants_of_the_tutorials_class_masked_slots_and_inputs(tmp_path, expected):
    # ReLU slots a relu_mask buffer makes identity (the middle one of three): P is the mask's length
    # and its False slots join the linear units, the run the module's own.
    for name in ("al_rnn_m7_p3_masked", "al_rnn_m7_p3_masked_state.pt"):
        model = forecaster_from_torch(DATA / name)
        assert (model.n_hidden, model.n_nonlinear_, model.n_features_in_) == (7, 2, 2)
        run = model.generate(31, x0=[0.4, -0.3])
        np.testing.assert_allclose(run[1:], expected["masked_free_run"], rtol=1e-5, atol=1e-5)
    held = read_torch(DATA / "al_rnn_m7_p3_masked")
    assert held["relu_mask"].tolist() == [True, False, True]
    order = [0, 1, 2, 3, 5, 4, 6]  # the identity slot, unit 5, before the ReLU units 4 and 6
    np.testing.assert_array_equal(model.W_, held["W"][np.ix_(order, order)])
    np.testing.assert_array_equal(model.L_, held["B"][:, order][:, 2:].T)
    with pytest.raises(ValueError, match=r"al_rnn_m7_p3_masked: its relu_mask, of shape \(3,\) and type bool, is "
                                         r"not True/False for each of the last P = 2 units"):
        forecaster_from_torch(DATA / "al_rnn_m7_p3_masked", n_nonlinear=2)
    # Masked slots reaching into the observed units: an identity one stays observed (the run is the
    # tutorial's, written out here); a ReLU one is refused.
    rng = np.random.default_rng(0)
    network = {"A": rng.uniform(0, 0.8, 6), "W": rng.normal(size=(6, 6)) * 0.3, "h": rng.normal(size=6) * 0.1,
               "B": rng.normal(size=(2, 6))}
    mask = np.array([False, True, True, True, False])  # slots 1-5; unit 1 observed and identity
    model = forecaster_from_torch(_safetensors(tmp_path / "m.safetensors", network | {"relu_mask": mask}))
    z = np.r_[[0.5, -0.4], np.array([0.5, -0.4]) @ network["B"][:, 2:]]
    for step in model.generate(8, x0=[0.5, -0.4])[1:]:
        activated = np.r_[z[:1], np.where(mask, np.maximum(z[1:], 0), z[1:])]
        z = network["A"] * z + network["W"] @ activated + network["h"]
        np.testing.assert_allclose(step, z[:2], rtol=1e-12)
    with pytest.raises(ValueError, match=r"m.safetensors: its relu_mask leaves unit\(s\) \[1\] ReLU among the first "
                                         r"N = 2, which it reads out; the forecaster's observed units are linear"):
        forecaster_from_torch(_safetensors(tmp_path / "m.safetensors", network | {"relu_mask": ~mask}))
    # Input weights C (M, K): the run adds C phi_t to each step, phi_t the forecaster's exog row t.
    driven = forecaster_from_torch(DATA / "al_rnn_m6_p2_driven_state.pt", n_nonlinear=2)
    assert driven.n_inputs_ == 2
    run = driven.generate(31, x0=[0.3, -0.2, 0.5], exog=expected["driven_inputs"])
    np.testing.assert_allclose(run[1:], expected["driven_free_run"], rtol=1e-5, atol=1e-5)
    # A state dict holds no P; the tutorial's file names (lorenz_m20_p2) say it, named in the refusal.
    with pytest.raises(ValueError, match=r"pass n_nonlinear \(.*\); its name says M = 6, P = 2$"):
        forecaster_from_torch(DATA / "al_rnn_m6_p2_driven_state.pt")
    # Such a name beside a damaged A of no length is no hint, and no crash.
    damaged = _safetensors(tmp_path / "net_m6_p2.safetensors", network | {"A": np.array(0.5)})
    with pytest.raises(ValueError, match=r"net_m6_p2.safetensors: it holds no value\(s\) named P .*--n-nonlinear\)$"):
        forecaster_from_torch(damaged)


def test_the_command_line_analyzes_and_runs_the_tutorials_network(tmp_path, capsys):
    assert main(["analyze", str(DATA / "al_rnn_m6_p2")]) == 0
    assert "ALRNNForecaster: M=6 units, P=2 nonlinear, " in capsys.readouterr().out
    with pytest.raises(SystemExit, match=r"error: cannot load model .*it holds no value\(s\) named P .*--n-nonlinear"):
        main(["analyze", str(DATA / "al_rnn_m6_p2_state.pt")])
    assert main(["analyze", str(DATA / "al_rnn_m6_p2_state.pt"), "--n-nonlinear", "1"]) == 0
    assert "M=6 units, P=1 nonlinear" in capsys.readouterr().out
    assert main(["analyze", str(DATA / "al_rnn_m6_p2_legacy.pt")]) == 0  # the format before torch 1.6
    assert "ALRNNForecaster: M=6 units, P=2 nonlinear, " in capsys.readouterr().out
    # A network driven by inputs is analysed at rest; one with masked slots by the ReLUs that remain.
    assert main(["analyze", str(DATA / "al_rnn_m6_p2_driven_state.pt"), "--n-nonlinear", "2"]) == 0
    assert "free run, its 2 exogenous input(s) held at 0\n" in capsys.readouterr().out
    assert main(["analyze", str(DATA / "al_rnn_m7_p3_masked_state.pt")]) == 0
    assert "M=7 units, P=2 nonlinear" in capsys.readouterr().out
    # A forecast from a context (a safetensors file of the network, P in its metadata), as Python gives it.
    context = tmp_path / "context.csv"
    np.savetxt(context, [[0.1, 0.2, 0.3], [0.3, -0.2, 0.5]], delimiter=",", header="x,y,z", comments="")
    with pytest.warns(UserWarning, match="leaves out its bf16"):
        assert main(["forecast", str(DATA / "al_rnn_m6_p2.safetensors"), str(context), "--steps", "4",
                     "--output", str(tmp_path / "f.csv")]) == 0
    written = np.loadtxt(tmp_path / "f.csv", delimiter=",", skiprows=1)
    run = forecaster_from_torch(DATA / "al_rnn_m6_p2").forecast(np.array([[0.1, 0.2, 0.3], [0.3, -0.2, 0.5]]), 4)
    np.testing.assert_allclose(written[:, 1:], run, rtol=1e-6)


def _safetensors(path, tensors):
    """``tensors`` written as safetensors.torch.save_file writes them (float64 as F64, bool as BOOL)."""
    header, body = {}, b""
    for name, value in tensors.items():
        raw = np.ascontiguousarray(value).tobytes()
        kind = {"f": "F64", "b": "BOOL"}[value.dtype.kind]
        header[name] = {"dtype": kind, "shape": list(value.shape), "data_offsets": [len(body), len(body) + len(raw)]}
        body += raw
    text = json.dumps(header).encode()
    path.write_bytes(len(text).to_bytes(8, "little") + text + body)
    return path


def _with_pickle(path, content, storages=None):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", content)
        for key, raw in (storages or {}).items():
            archive.writestr(f"archive/data/{key}", raw)
    return path


def test_a_file_that_asks_to_run_code_is_refused_and_nothing_runs(tmp_path):
    marker = tmp_path / "ran"
    for module, name in (("os", "system"), ("posix", "system"), ("builtins", "eval"), ("subprocess", "call")):
        payload = f"c{module}\n{name}\n(Vtouch {marker}\ntR.".encode()
        with pytest.raises(ValueError, match=rf"evil.pt: its pickle calls {module}.{name}, which no saved network "
                                             r"needs: refused \(nothing in the file was run\)"):
            read_torch(_with_pickle(tmp_path / "evil.pt", payload))
    assert not marker.exists()
    # A class of the user's code is held by name, never imported: its module is not even looked for.
    payload = b"\x80\x02c__main__\nNotImported\nq\x00)\x81q\x01}q\x02X\x01\x00\x00\x00Pq\x03K\x02sb."
    with pytest.raises(ValueError, match="holds no tensor"):
        read_torch(_with_pickle(tmp_path / "class.pt", payload))


def test_damaged_and_other_files_are_refused_by_name(tmp_path):
    with pytest.raises(ValueError, match=r"data.pkl: it is a pickle, not a PyTorch file \(it starts '12345'\)"):
        read_torch(_write(tmp_path / "data.pkl", pickle.dumps(12345, protocol=2) * 3))
    legacy = (DATA / "kinds_legacy.pt").read_bytes()
    with pytest.raises(ValueError, match=r"cut.pt: its storage '\d+' (of \d+ elements is cut short|is not the "
                                         r"pickle's, or its length is damaged)"):  # cut in its bytes, or count
        read_torch(_write(tmp_path / "cut.pt", legacy[:-5]))
    with pytest.raises(ValueError, match=r"cut.pt: it is a damaged PyTorch file of the format before torch 1.6"):
        read_torch(_write(tmp_path / "cut.pt", legacy[:200]))
    with pytest.raises(ValueError, match=r"x.npy: it is no PyTorch file \(torch.save writes a zip archive\)"):
        read_torch(_write(tmp_path / "x.npy", b"\x93NUMPY" + bytes(100)))
    with zipfile.ZipFile(tmp_path / "plain.zip", "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(ValueError, match="plain.zip: it is a zip archive without a data.pkl"):
        read_torch(tmp_path / "plain.zip")
    tensor = (b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storagectorch\nFloatStorage\n"
              b"X\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x04tQK%sK\x04\x85K\x01\x85\x89ccollections\nOrderedDict\n)RtR.")
    four = np.arange(4, dtype="<f4").tobytes()
    np.testing.assert_array_equal(read_torch(_with_pickle(tmp_path / "t.pt", tensor % b"\x00", {"0": four}))[""],
                                  np.arange(4.0))
    with pytest.raises(ValueError, match=r"t.pt: a tensor of its pickle of size \(4,\) reads element 5 of a "
                                         "storage of 4"):
        read_torch(_with_pickle(tmp_path / "t.pt", tensor % b"\x02", {"0": four}))
    with pytest.raises(ValueError, match=r"t.pt: its pickle refers to storage '0', which the archive lacks"):
        read_torch(_with_pickle(tmp_path / "t.pt", tensor % b"\x00"))
    with pytest.raises(ValueError, match=r"t.pt: its storage '0' holds 15 bytes, not a whole number of float32"):
        read_torch(_with_pickle(tmp_path / "t.pt", tensor % b"\x00", {"0": four[:15]}))
    # Damage where zipfile raises past its BadZipFile: the ZIP64 locator's disk number (zipfile.is_zipfile
    # itself raised, and the command line ended in that traceback) and an offset beyond any file size
    # (OverflowError, from a seek).
    written = (DATA / "al_rnn_m6_p2_state.pt").read_bytes()
    locator = written.rindex(b"PK\x06\x07")
    for at, message in ((locator + 4, r"it is no PyTorch file \(torch.save writes a zip archive\)"),
                        (locator - 1, r"its zip archive is damaged \(OverflowError: ")):
        damaged = bytearray(written)
        damaged[at] ^= 0xFF
        path = _write(tmp_path / "damaged.pt", bytes(damaged))
        with pytest.raises(ValueError, match=message):
            read_torch(path)
        with pytest.raises(SystemExit, match=r"error: cannot load model .*damaged.pt"):
            main(["analyze", str(path), "--n-nonlinear", "2"])


def _write(path, content):
    path.write_bytes(content)
    return path
