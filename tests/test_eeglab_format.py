"""EEGLAB datasets: the reader against datasets written as EEGLAB saves them (the EEG structure or its
fields at the top level; samples inline or in a .fdt file; continuous or epoched), damaged datasets,
and reconstruct on one."""

import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from scipy.io import savemat

from sklearn_alrnn import _matlab_files, load
from sklearn_alrnn._eeglab_format import load_eeglab
from sklearn_alrnn.cli import main


def write_eeglab(folder, name, samples, labels, rate=250.0, data_file=None, top_level=False, **sizes):
    """A dataset of ``samples`` (channels, points[, trials]) in microvolts, inline or in ``data_file``
    (32-bit floats in MATLAB's column order), with channels ``labels``; ``sizes`` overrides its nbchan,
    pnts, trials or srate."""
    samples = np.asarray(samples, dtype=np.float32)
    n_channels, n_points = samples.shape[:2]
    trials = samples.shape[2] if samples.ndim == 3 else 1
    if data_file:
        samples.reshape(-1, order="F").astype("<f4").tofile(folder / data_file)
    locations = np.zeros((len(labels),), dtype=[("labels", object), ("type", object)])
    for i, label in enumerate(labels):
        locations[i] = (label, "EEG")
    fields = dict(setname=name, nbchan=float(n_channels), pnts=float(n_points), trials=float(trials), srate=rate,
                  xmin=0.0, data=data_file or samples.astype(float), chanlocs=locations, ref="common")
    fields.update(sizes)
    savemat(folder / f"{name}.set", fields if top_level else {"EEG": fields}, appendmat=False)


@pytest.fixture
def microvolts():
    return np.random.RandomState(0).normal(scale=20, size=(3, 200, 4)).astype(np.float32).astype(float)


def test_continuous_and_epoched_datasets_read_inline_or_from_their_fdt_file(tmp_path, microvolts):
    continuous = microvolts[:, :, 0]
    write_eeglab(tmp_path, "inline", continuous, ["Fz", "Cz", "Pz"], rate=128.0)
    write_eeglab(tmp_path, "beside", continuous, ["Fz", "Cz", "Pz"], rate=128.0, data_file="beside.fdt",
                 top_level=True)  # newer EEGLAB saves the fields themselves
    write_eeglab(tmp_path, "moved", continuous, ["Fz", "Cz", "Pz"], rate=128.0, data_file="beside.fdt",
                 data="C:\\EEG\\beside.fdt")  # the folder it was saved in: read beside the dataset
    for name in ("inline", "beside", "moved"):
        read = load_eeglab(tmp_path / f"{name}.set")
        assert list(read) == ["Fz", "Cz", "Pz"]
        for (samples, rate), channel in zip(read.values(), continuous):
            np.testing.assert_array_equal(samples, channel)
            assert rate == 128
    for name, data_file in (("epochs", None), ("epochs_fdt", "epochs_fdt.fdt")):
        write_eeglab(tmp_path, name, microvolts, ["O1", "O2", "O1"], data_file=data_file)
        read = load_eeglab(tmp_path / f"{name}.set")
        assert list(read) == ["O1", "O2", "O1 (2)"]  # a label written twice is told by its place
        for (samples, rate), channel in zip(read.values(), microvolts):
            np.testing.assert_array_equal(samples, channel.T)  # (trials, points)
    write_eeglab(tmp_path, "one", continuous[:1], [])  # one channel, squeezed by MATLAB; no labels
    samples, rate = load_eeglab(tmp_path / "one.set")["EEG 0"]
    np.testing.assert_array_equal(samples, continuous[0])
    assert rate == 250


def events(*rows):
    """An EEGLAB event structure array of (type, latency counted from 1, duration in samples) rows."""
    table = np.zeros((len(rows),), dtype=[("type", object), ("latency", object), ("duration", object)])
    for i, row in enumerate(rows):
        table[i] = row
    return table


def test_a_continuous_dataset_has_a_gap_at_each_boundary_event(tmp_path, microvolts):
    continuous = microvolts[:, :, 0]
    # EEGLAB removed 40 samples after sample 100 and joined a second dataset after sample 150 (its
    # boundary latencies half a sample before the next sample); a stimulus code 5, a number, between.
    write_eeglab(tmp_path, "cut", continuous, ["Fz", "Cz", "Pz"], rate=100.0,
                 event=events(("boundary", 100.5, 40.0), (5.0, 120.0, 0.0), ("boundary", 150.5, np.nan)))
    with pytest.warns(UserWarning, match=r"cut.set: the recording pauses 2 times, where EEGLAB removed data or "
                                         r"joined datasets \(its boundary events\): after 1 s of samples "
                                         r"\(for 0.4 s\); after 1.5 s of samples. Each pause is read as one missing "
                                         r"row"):
        read = load_eeglab(tmp_path / "cut.set")
    for (samples, _), channel in zip(read.values(), continuous):
        np.testing.assert_array_equal(np.flatnonzero(np.isnan(samples)), [100, 151])  # as MNE's annotations
        np.testing.assert_array_equal(np.delete(samples, [100, 151]), channel)
    # One event (a structure, not an array, in the file); boundaries at the ends and in epochs join nothing.
    write_eeglab(tmp_path, "one", continuous, ["Fz", "Cz", "Pz"], event=events(("Boundary", 60.5, 3.0)))
    with pytest.warns(UserWarning, match=r"pauses 1 time, .*after 0.24 s of samples \(for 0.012 s\)"):
        np.testing.assert_array_equal(np.flatnonzero(np.isnan(load_eeglab(tmp_path / "one.set")["Fz"][0])), [60])
    write_eeglab(tmp_path, "ends", continuous, ["Fz", "Cz", "Pz"], event=events(("boundary", 0.5, 1.0),
                                                                              ("boundary", 200.5, 1.0)))
    write_eeglab(tmp_path, "epochs", microvolts, ["Fz", "Cz", "Pz"], event=events(("boundary", 50.5, 1.0)))
    for name in ("ends", "epochs"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert not np.isnan(load_eeglab(tmp_path / f"{name}.set")["Fz"][0]).any()


def test_damaged_and_foreign_datasets_are_refused_by_name(tmp_path, microvolts):
    continuous = microvolts[:, :, 0]
    write_eeglab(tmp_path, "cut", continuous, ["Fz", "Cz", "Pz"], data_file="cut.fdt")
    (tmp_path / "cut.fdt").write_bytes((tmp_path / "cut.fdt").read_bytes()[:-8])
    cases = [
        ("cut", r"cut.fdt holds 598 numbers where the dataset's sizes give 3 channels x 200 points x 1 trials: the "
                r"file is cut short or foreign"),
        ("rate", r"its EEG.srate is -1.0, not a positive sampling rate"),
        ("sizes", r"its EEG.data holds 600 float64 values where the dataset's sizes give 3 channels x 100 points"),
        ("count", r"its EEG.nbchan is 0.0, not a whole number of at least 1"),
    ]
    write_eeglab(tmp_path, "rate", continuous, ["Fz", "Cz", "Pz"], srate=-1.0)
    write_eeglab(tmp_path, "sizes", continuous, ["Fz", "Cz", "Pz"], pnts=100.0)
    write_eeglab(tmp_path, "count", continuous, ["Fz", "Cz", "Pz"], nbchan=0.0)
    savemat(tmp_path / "other.set", {"X": continuous})
    cases.append(("other", r"it holds no EEGLAB dataset: the fields \['data', 'srate', 'nbchan'\] of its EEG "
                           r"structure are missing"))
    (tmp_path / "hdf5.set").write_bytes(b"MATLAB 7.3 MAT-file, Platform: GLNXA64" + bytes(200))
    cases.append(("hdf5", r"it is a MATLAB 7.3 file \(HDF5\), which SciPy cannot read: save it from EEGLAB with"))
    (tmp_path / "text.set").write_text("not a dataset")
    cases.append(("text", r"SciPy cannot read it as a MATLAB file"))
    for name, message in cases:
        with pytest.raises(ValueError, match=message):
            load_eeglab(tmp_path / f"{name}.set")


def test_reconstruct_reads_a_dataset_and_its_epochs_as_series(tmp_path, microvolts, capsys):
    t = np.arange(1500)
    continuous = np.stack([20 * np.sin(2 * np.pi * t / 90), 10 * np.cos(2 * np.pi * t / 90)])
    write_eeglab(tmp_path, "rest", continuous, ["Fz", "Cz"], rate=500.0, data_file="rest.fdt")
    settings = ["--n-hidden", "4", "--n-nonlinear", "1", "--max-iter", "1", "--model-out"]
    for given in ("rest.set", "rest.fdt"):
        assert main(["reconstruct", str(tmp_path / given), *settings, str(tmp_path / "rest.alrnn.npz")]) == 0
        out = capsys.readouterr().out
        assert re.search(r"largest Lyapunov exponents +.* per step = .* per second \(the file's 500 Hz\)", out)
        assert list(load(tmp_path / "rest.alrnn.npz").feature_names_in_) == ["Fz", "Cz"]
    write_eeglab(tmp_path, "epochs", microvolts, ["O1", "O2", "Oz"])
    assert main(["reconstruct", str(tmp_path / "epochs.set"), "--features", "Oz", *settings,
                 str(tmp_path / "oz.alrnn.npz")]) == 0
    assert "on 600 steps of 3 series of 1 variable" in capsys.readouterr().out  # 4 epochs, the last held out
    np.testing.assert_allclose(load(tmp_path / "oz.alrnn.npz").initial_observation_, microvolts[2, :1, 0])


def test_a_file_that_crashes_scipys_reader_is_refused_not_the_process(tmp_path, monkeypatch):
    # A dataset with a few bytes flipped, found by a fuzz: SciPy 1.17's loadmat ends in a segmentation
    # fault on it (its reader is not hardened against damaged files), which killed the command.
    damaged = Path(__file__).parent / "data" / "damaged_eeglab.set"
    with pytest.raises(ValueError, match=r"SciPy's MATLAB reader stopped on it \(signal SIGSEGV\): the file is "
                                         r"damaged|SciPy cannot read it as a MATLAB file"):
        load_eeglab(damaged)
    # However SciPy is mended: a reader that dies by a signal is named, and what it wrote is not read.
    monkeypatch.setattr(_matlab_files, "_CHILD", "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)")
    with pytest.raises(ValueError, match=r"SciPy's MATLAB reader stopped on it \(signal SIGSEGV\): the file is "
                                         r"damaged"):
        load_eeglab(damaged)
    monkeypatch.setattr(_matlab_files, "_CHILD", "import sys; sys.stdout.buffer.write(b'not an archive'); sys.exit(1)")
    with pytest.raises(ValueError, match=r"SciPy's MATLAB reader stopped on it \(exit code 1\)"):
        load_eeglab(damaged)
