"""A fitted forecaster written for PyTorch without it (``formats.forecaster_to_torch``): the files are the
bytes torch 2.14 was shown to load (``tests/data/torch/write_ours.py``, ``load_ours.py``) and run there
as the forecaster does; they read back; the pickle names no more than torch.save's own; refusals."""

import pickletools
import zipfile
from pathlib import Path

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from sklearn_alrnn import ALRNNClassifier, ALRNNForecaster, load
from sklearn_alrnn.formats import forecaster_from_torch, forecaster_to_torch, read_torch

DATA = Path(__file__).parent / "data" / "torch"
NETWORKS = ("ours_m7_p2", "ours_m6_p2_driven")


@pytest.fixture(scope="module")
def networks():
    stored = np.load(DATA / "ours_parameters.npz")
    found = {stem: {key.split(".", 1)[1]: stored[key] for key in stored if key.startswith(stem + ".")}
             for stem in NETWORKS}
    return {stem: (_forecaster(network), network) for stem, network in found.items()}


def _forecaster(network):
    given = {k: v for k, v in network.items() if k in ("C", "mean", "scale", "initial_observation")}
    return ALRNNForecaster.from_parameters(network["a"], network["W"], network["h"], network["L"], n_nonlinear=2,
                                           dtype=str(network["dtype"]), **given)


@pytest.mark.parametrize("suffix", [".pt", ".safetensors"])
@pytest.mark.parametrize("stem", NETWORKS)
def test_the_files_are_those_pytorch_loaded_and_ran_as_the_forecaster_runs(tmp_path, networks, stem, suffix):
    model, network = networks[stem]
    forecaster_to_torch(model, tmp_path / (stem + suffix))
    assert (tmp_path / (stem + suffix)).read_bytes() == (DATA / (stem + suffix)).read_bytes()
    expected = np.load(DATA / "ours_expected.npz")
    dtype = "torch." + str(network["dtype"])
    assert expected[f"{stem}{suffix}.dtypes"].tolist() == [dtype] * (5 if model.n_inputs_ else 4)
    # The tutorial's module ran from the standardised observation; the forecaster's run, standardised.
    inputs = network["inputs"] if model.n_inputs_ else None
    run = model.generate(31, exog=inputs)[1:]
    tolerance = 1e-12 if network["dtype"] == "float64" else 1e-5
    np.testing.assert_allclose((run - model.mean_) / model.scale_, expected[f"{stem}{suffix}.free_run"],
                               rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("suffix", [".pt", ".safetensors"])
def test_a_written_file_reads_back_as_the_same_forecaster(tmp_path, networks, suffix):
    for stem, (model, network) in networks.items():
        path = tmp_path / (stem + suffix)
        forecaster_to_torch(model, path)
        held = read_torch(path)
        N = model.n_features_in_
        np.testing.assert_array_equal(held["B"], np.c_[np.eye(N), model.L_.T])
        assert all(held[name].dtype == model.a_.dtype for name in "AWhB")
        statistics = {"mean": model.mean_, "scale": model.scale_, "initial_observation": model.initial_observation_}
        if suffix == ".pt":  # a state dict holds no P
            with pytest.raises(ValueError, match="pass n_nonlinear"):
                forecaster_from_torch(path, **statistics)
            copy = forecaster_from_torch(path, n_nonlinear=2, dtype=str(network["dtype"]), **statistics)
        else:  # safetensors' metadata names M, P and N
            assert (held["M"], held["P"], held["N"]) == (model.a_.shape[0], 2, N)
            copy = forecaster_from_torch(path, dtype=str(network["dtype"]), **statistics)
        inputs = network["inputs"] if model.n_inputs_ else None
        np.testing.assert_array_equal(copy.generate(31, exog=inputs), model.generate(31, exog=inputs))
        for name in ("a_", "W_", "h_", "C_", "L_"):
            np.testing.assert_array_equal(getattr(copy, name), getattr(model, name))


def test_the_pickle_names_what_torch_save_names_in_a_state_dict(tmp_path):
    # The tutorial's network as torch.save wrote its state dict, read and written again.
    torch_written = DATA / "al_rnn_m6_p2_state.pt"
    model = forecaster_from_torch(torch_written, n_nonlinear=2)
    forecaster_to_torch(model, tmp_path / "again.pt")
    theirs, ours = read_torch(torch_written), read_torch(tmp_path / "again.pt")
    for name in "AWh":
        np.testing.assert_array_equal(ours[name], theirs[name].astype(float))
    np.testing.assert_array_equal(ours["B"][:, 3:], theirs["B"][:, 3:])  # B[:, :N] is overwritten by x

    def names_and_globals(path):
        with zipfile.ZipFile(path) as archive:
            assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
            pickle_member = next(name for name in archive.namelist() if name.endswith("/data.pkl"))
            members = {name.split("/", 1)[1] for name in archive.namelist()}
            found = {arg for op, arg, _ in pickletools.genops(archive.read(pickle_member)) if op.name == "GLOBAL"}
            return members, found

    (their_members, their_globals), (our_members, our_globals) = map(names_and_globals, (torch_written, tmp_path /
                                                                                        "again.pt"))
    assert our_globals == {"collections OrderedDict", "torch._utils _rebuild_tensor_v2", "torch DoubleStorage"}
    assert our_globals - their_globals == {"torch DoubleStorage"}  # theirs float32: FloatStorage
    assert {"data.pkl", "byteorder", "version", "data/0", "data/3"} <= our_members & their_members
    assert our_members - their_members == {".data/version"}


def test_refusals_and_a_failed_write_keep_the_file_there(tmp_path, networks, monkeypatch):
    model = networks["ours_m7_p2"][0]
    with pytest.raises(TypeError, match="forecaster_to_torch writes an ALRNNForecaster .*; got ALRNNClassifier"):
        forecaster_to_torch(ALRNNClassifier(), tmp_path / "c.pt")
    with pytest.raises(NotFittedError):
        forecaster_to_torch(ALRNNForecaster(), tmp_path / "u.pt")
    with pytest.raises(IsADirectoryError, match=r"it is a folder; give a file name, e.g. .*model.pt"):
        forecaster_to_torch(model, tmp_path)
    linear = ALRNNForecaster.from_parameters(np.full(3, 0.5), np.eye(3) * 0.1, np.zeros(3), np.ones((2, 1)),
                                             n_nonlinear=0)
    with pytest.warns(UserWarning, match=r"the tutorial's AL_RNN makes every unit ReLU where P = 0"):
        forecaster_to_torch(linear, tmp_path / "linear.safetensors")
    assert read_torch(tmp_path / "linear.safetensors")["P"] == 0
    # Given to load, which reads the package's own files, a written file is named for what reads it.
    forecaster_to_torch(model, tmp_path / "m.pt")
    for path in (tmp_path / "m.pt", tmp_path / "linear.safetensors"):
        with pytest.raises(ValueError, match=r"It looks like a PyTorch or safetensors file: formats.forecaster_from_"
                                             r"torch reads the research tutorial's AL_RNN from it"):
            load(path)
    # A write that fails part-way leaves the file that was there.
    before = (tmp_path / "m.pt").read_bytes()

    def fail(*args):
        raise OSError("No space left on device")

    monkeypatch.setattr("sklearn_alrnn._torch_saving._state_dict_pickle", fail)
    with pytest.raises(OSError, match="No space left"), pytest.warns(UserWarning, match="P = 0"):
        forecaster_to_torch(linear, tmp_path / "m.pt")  # another network: other bytes, were it written
    assert (tmp_path / "m.pt").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["linear.safetensors", "m.pt"]
