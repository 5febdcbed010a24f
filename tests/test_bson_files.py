"""Checkpoints of the AL-RNN research code (Julia, BSON.jl) read without Julia: files written here by
BSON.jl's rules (its write.jl and extensions.jl), the network's free run against the research code's
``generate`` (its step, written out), and damaged files."""

import struct

import numpy as np
import pytest

from sklearn_alrnn import RegimeDecomposer
from sklearn_alrnn.cli import main
from sklearn_alrnn.formats import forecaster_from_bson

_JULIA_TYPES = {np.dtype("float32"): "Float32", np.dtype("float64"): "Float64", np.dtype("int64"): "Int64",
                np.dtype("bool"): "Bool"}


def _datatype(path, params=()):
    return {"tag": "datatype", "name": list(path), "params": list(params)}


def _array_type(array):
    return _datatype(["Core", "Array"], [_datatype(["Core", _JULIA_TYPES[array.dtype]]), array.ndim])


def lowered(value):
    """A value as BSON.jl lowers it: arrays of bits types tagged with their element type, size and
    column-major bytes; structs (``("struct", path, fields)``) tagged with their type and fields."""
    if isinstance(value, np.ndarray):
        return {"tag": "array", "type": _datatype(["Core", _JULIA_TYPES[value.dtype]]), "size": list(value.shape),
                "data": value.tobytes(order="F")}
    if isinstance(value, tuple) and value[0] == "struct":
        _, path, fields = value
        params = [_array_type(field) for field in fields if isinstance(field, np.ndarray)][:2]
        return {"tag": "struct", "type": _datatype(path, params), "data": [lowered(field) for field in fields]}
    if isinstance(value, list):
        return [lowered(item) for item in value]
    if isinstance(value, dict):
        return {key: lowered(item) for key, item in value.items()}
    return value


def _element(key, value):
    name = key.encode() + b"\x00"
    if value is None:
        return b"\x0a" + name
    if isinstance(value, bool):
        return b"\x08" + name + bytes([value])
    if isinstance(value, int):
        return b"\x12" + name + struct.pack("<q", value)
    if isinstance(value, float):
        return b"\x01" + name + struct.pack("<d", value)
    if isinstance(value, str):
        text = value.encode() + b"\x00"
        return b"\x02" + name + struct.pack("<i", len(text)) + text
    if isinstance(value, bytes):
        return b"\x05" + name + struct.pack("<i", len(value)) + b"\x00" + value
    if isinstance(value, list):
        return b"\x04" + name + _bson({str(k): item for k, item in enumerate(value)})
    return b"\x03" + name + _bson(value)


def _bson(document):
    body = b"".join(_element(key, value) for key, value in document.items()) + b"\x00"
    return struct.pack("<i", len(body) + 4) + body


def write_bson(path, document):
    """``BSON.bson(path, document)``: the document's values lowered as BSON.jl lowers them."""
    path.write_bytes(_bson(lowered(document)))
    return path


def research_checkpoint(M=8, P=2, N=3, seed=0, L=True):
    """``[m, O]`` as the research code saves them: ALRNN(A, W, h, P), Identity(B, b, use_bias, L)."""
    rng = np.random.RandomState(seed)
    A = rng.uniform(0.3, 0.9, M).astype(np.float32)
    W = (rng.normal(size=(M, M)) * 0.2).astype(np.float32)
    h = (rng.normal(size=M) * 0.1).astype(np.float32)
    B = np.hstack([np.eye(N), np.zeros((N, M - N))]).astype(np.float32)
    latent = ("struct", ["Main", "SymbolicDSR", "Models", "ALRNN"], [A, W, h, P])
    observed = ("struct", ["Main", "SymbolicDSR", "ObservationModels", "Identity"],
                [B, np.zeros(N, np.float32), False, rng.normal(size=(M - N, N)).astype(np.float32) if L else None])
    return {"model": [latent, observed]}


def research_generate(checkpoint, x1, T):
    """The research code's ``generate(m, O, x₁, T)``: z₁ = [x₁; L x₁], then its ``step``."""
    (_, _, (A, W, h, P)), (_, _, (B, _, _, L)) = checkpoint["model"]
    z = np.concatenate([x1, L @ x1]).astype(np.float64)
    run = [z]
    for _ in range(T - 1):
        z = A * z + W @ np.concatenate([z[:-P], np.maximum(z[-P:], 0)]) + h
        run.append(z)
    return np.array(run)[:, :B.shape[0]]


def test_a_research_checkpoint_runs_as_the_research_code_runs_it(tmp_path, capsys):
    checkpoint = research_checkpoint()
    model = forecaster_from_bson(write_bson(tmp_path / "model_2000.bson", checkpoint))
    assert (model.n_hidden, model.n_nonlinear_, model.n_features_in_) == (8, 2, 3)
    x1 = np.array([0.4, -0.1, 0.3])
    np.testing.assert_allclose(model.generate(40, x0=x1), research_generate(checkpoint, x1, 40), rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(model.W_, checkpoint["model"][0][2][1])  # column-major bytes read back as W
    decomposer = RegimeDecomposer(model, prefit=True).fit(model.generate(200, x0=x1))
    assert 1 <= decomposer.n_regimes_ <= 4
    assert main(["analyze", str(tmp_path / "model_2000.bson")]) == 0
    assert "ALRNNForecaster: M=8 units, P=2 nonlinear, " in capsys.readouterr().out
    with pytest.raises(SystemExit, match="error: cannot load model .*--n-nonlinear is for a PyTorch file's state dict"):
        main(["analyze", str(tmp_path / "model_2000.bson"), "--n-nonlinear", "1"])
    # The network holds no observation of its data: a recorded series' first row starts the free run.
    np.savetxt(tmp_path / "series.csv", [x1, x1 + 0.1], delimiter=",", header="x,y,z", comments="")
    assert main(["analyze", str(tmp_path / "model_2000.bson"), "--data", str(tmp_path / "series.csv")]) == 0
    assert "regimes visited by a 100,000-step free run from the first row of" in capsys.readouterr().out
    np.savetxt(tmp_path / "narrow.csv", [x1[:2]], delimiter=",", header="x,y", comments="")
    with pytest.raises(SystemExit, match=r"error: cannot start the free run from .*narrow.csv.*x0 has 2 values"):
        main(["analyze", str(tmp_path / "model_2000.bson"), "--data", str(tmp_path / "narrow.csv")])
    # Every unit observed (M = N, a linear network): the Identity holds no L.
    square = research_checkpoint(M=3, P=0, N=3, L=False)
    run = forecaster_from_bson(write_bson(tmp_path / "square.bson", square)).generate(5, x0=x1)
    (_, _, (A, W, h, _)), _ = square["model"]
    np.testing.assert_allclose(run[1], A * x1 + W @ x1 + h, rtol=1e-6)


def test_back_references_and_other_models_are_read_or_refused_by_name(tmp_path):
    # An object met twice is written once under _backrefs (BSON.jl's write.jl): here the latent model.
    checkpoint = lowered(research_checkpoint())
    latent = checkpoint["model"][0]
    checkpoint["model"][0] = {"tag": "backref", "ref": 1}
    (tmp_path / "refs.bson").write_bytes(_bson(checkpoint | {"_backrefs": [latent]}))
    direct = forecaster_from_bson(write_bson(tmp_path / "direct.bson", research_checkpoint()))
    np.testing.assert_array_equal(forecaster_from_bson(tmp_path / "refs.bson").a_, direct.a_)
    checkpoint["model"][0] = {"tag": "backref", "ref": 3}
    (tmp_path / "bad_ref.bson").write_bytes(_bson(checkpoint | {"_backrefs": [latent]}))
    with pytest.raises(ValueError, match=r"bad_ref.bson: a back reference points to object 3 of 1"):
        forecaster_from_bson(tmp_path / "bad_ref.bson")
    shallow = research_checkpoint()
    shallow["model"][0] = ("struct", ["Main", "Models", "ShallowPLRNN"], shallow["model"][0][2])
    with pytest.raises(ValueError, match=r"shallow.bson: its model holds the structs ShallowPLRNN, Identity, not "
                                         r"the research code's \[ALRNN, observation model\]"):
        forecaster_from_bson(write_bson(tmp_path / "shallow.bson", shallow))
    affine = research_checkpoint()
    affine["model"][1] = ("struct", ["Main", "ObservationModels", "Affine"], affine["model"][1][2])
    with pytest.raises(ValueError, match=r"affine.bson: its observation model is Affine; the forecaster reads"):
        forecaster_from_bson(write_bson(tmp_path / "affine.bson", affine))
    too_many = research_checkpoint(M=4, P=3, N=3)  # P ReLU units overlap the N read out
    with pytest.raises(ValueError, match=r"too_many.bson: .*n_nonlinear"):
        forecaster_from_bson(write_bson(tmp_path / "too_many.bson", too_many))


def test_a_file_of_another_kind_is_refused_by_name(tmp_path):
    (tmp_path / "torch.pt").write_bytes(b"PK\x03\x04" + bytes(60))
    with pytest.raises(ValueError, match=r"torch.pt: it is no BSON file, or a damaged one: its first 4 bytes give a "
                                         r"document of 67324752 bytes, the file holds 64"):
        forecaster_from_bson(tmp_path / "torch.pt")
