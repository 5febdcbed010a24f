"""EDF / BDF recordings: the reader against values written by the format's rules, and reconstruct on them."""

import warnings

import numpy as np
import pytest

from sklearn_alrnn import load
from sklearn_alrnn._edf_format import load_edf
from sklearn_alrnn.cli import main


def write_edf(path, signals, duration=1.0, bdf=False, annotations=False, n_records=None,
              record_starts=None, notes=(), start_time="01.01.24 08.00.00"):
    """An EDF (or BDF) file of ``signals``: (label, physical values, samples per record, physical
    minimum, physical maximum) each, the digital range the format's full integer range; with
    ``annotations`` an EDF+ file whose records start one after the other, or at ``record_starts``
    (seconds, written as given: a discontinuous EDF+D file), holding ``notes`` ((onset, duration or
    None, text) each, in the record of its onset); without signals, one record of annotations."""
    width = 3 if bdf else 2
    digital_max = (1 << (8 * width - 1)) - 1
    digital_min = -digital_max - 1
    records = len(signals[0][1]) // signals[0][2] if signals else 1
    starts = [f"+{record * duration:g}" for record in range(records)] if record_starts is None else record_starts
    lists = [f"{start}\x14\x14\x00" for start in starts]
    for onset, lasted, text in notes:
        record = min(int(onset // duration), records - 1) if duration > 0 else 0
        lists[record] += f"+{onset:g}" + (f"\x15{lasted:g}" if lasted is not None else "") + f"\x14{text}\x14\x00"
    encoded = [tal.encode("utf-8") for tal in lists]
    per_record = max(30, -(-max(map(len, encoded)) // width))
    entries = list(signals) + [(f"{'BDF' if bdf else 'EDF'} Annotations", None, per_record, -1, 1)] * bool(annotations)
    kind = f"{'BDF' if bdf else 'EDF'}+{'C' if record_starts is None else 'D'}" * bool(annotations)

    def field(value, size):
        return str(value).ljust(size)[:size].encode("ascii")

    header = (b"\xffBIOSEMI" if bdf else field(0, 8)) + field("X F 01-JAN-2000 subject", 80) + \
        field("Startdate 01-JAN-2024 lab", 80) + field(start_time[:8], 8) + field(start_time[9:], 8) + \
        field(256 * (len(entries) + 1), 8) + field(kind, 44) + \
        field(records if n_records is None else n_records, 8) + field(duration, 8) + field(len(entries), 4)
    columns = [(lambda entry: entry[0], 16), (lambda entry: "AgAgCl electrode", 80), (lambda entry: "uV", 8),
               (lambda entry: entry[3], 8), (lambda entry: entry[4], 8), (lambda entry: digital_min, 8),
               (lambda entry: digital_max, 8), (lambda entry: "HP:0.1Hz", 80), (lambda entry: entry[2], 8),
               (lambda entry: "", 32)]
    header += b"".join(field(value(entry), size) for value, size in columns for entry in entries)
    body = bytearray()
    for record in range(records):
        for _, values, per_record, low, high in entries:
            if values is None:
                body += encoded[record].ljust(width * per_record, b"\x00")
                continue
            chunk = values[record * per_record: (record + 1) * per_record]
            digital = np.round((chunk - low) * (digital_max - digital_min) / (high - low) + digital_min)
            body += b"".join(int(value).to_bytes(width, "little", signed=True) for value in digital)
    path.write_bytes(header + bytes(body))


@pytest.fixture
def recording():
    t = np.arange(1000) / 100
    return {"EEG Fpz": np.sin(2 * np.pi * t), "EEG Pz": np.cos(np.pi * t) - 0.5,
            "Resp": np.sin(2 * np.pi * 0.2 * np.arange(100) / 10)}


def test_edf_and_bdf_signals_read_in_physical_units_at_their_rates(tmp_path, recording):
    signals = [("EEG Fpz", recording["EEG Fpz"], 100, -2, 2), ("EEG Pz", recording["EEG Pz"], 100, -2, 2),
               ("Resp", recording["Resp"], 10, -1.5, 1.5)]
    write_edf(tmp_path / "night.edf", signals, annotations=True)
    read = load_edf(tmp_path / "night.edf")
    assert list(read) == ["EEG Fpz", "EEG Pz", "Resp"]  # the annotations left out
    for label, values, per_record, low, high in signals:
        samples, rate = read[label]
        assert rate == per_record
        np.testing.assert_allclose(samples, values, atol=(high - low) / 65535)  # a 16-bit step
    write_edf(tmp_path / "biosemi.bdf", signals[:1], bdf=True, duration=2, annotations=True)  # 24 bits, 2 s records
    assert list(load_edf(tmp_path / "biosemi.bdf")) == ["EEG Fpz"]
    samples, rate = load_edf(tmp_path / "biosemi.bdf")["EEG Fpz"]
    assert rate == 50
    np.testing.assert_allclose(samples, recording["EEG Fpz"], atol=4 / 2**24)
    write_edf(tmp_path / "open.edf", signals[:2], n_records=-1)  # the count not written while recording
    np.testing.assert_array_equal(load_edf(tmp_path / "open.edf")["EEG Pz"][0], read["EEG Pz"][0])
    write_edf(tmp_path / "twice.edf", [signals[0], signals[0]])
    assert list(load_edf(tmp_path / "twice.edf")) == ["EEG Fpz", "EEG Fpz (1)"]
    (tmp_path / "cut.edf").write_bytes((tmp_path / "night.edf").read_bytes()[:5000])
    with pytest.raises(ValueError, match=r"it holds 3720 bytes of records where its header promises 10 records "
                                         r"of 480: the file is cut short"):
        load_edf(tmp_path / "cut.edf")
    broken = bytearray((tmp_path / "night.edf").read_bytes())
    broken[244:252] = b"1e309   "  # the record duration (an OverflowError before)
    (tmp_path / "broken.edf").write_bytes(bytes(broken))
    with pytest.raises(ValueError, match=r"its header's record duration is '1e309', not a finite number"):
        load_edf(tmp_path / "broken.edf")
    (tmp_path / "text.edf").write_text("time,x\n0,1\n")
    with pytest.raises(ValueError, match="it does not start as an EDF or BDF file does"):
        load_edf(tmp_path / "text.edf")


def test_a_discontinuous_recording_has_a_gap_where_it_pauses(tmp_path, recording):
    signals = [("EEG Fpz", recording["EEG Fpz"], 100, -2, 2), ("Resp", recording["Resp"], 10, -1.5, 1.5)]
    # Ten 1-second records; the recorder paused 2 s after the third and 0.5 s after the seventh.
    starts = ["+0", "+1", "+2", "+5", "+6", "+7", "+8.000", "+9.5", "+10.5", "+11.5"]
    write_edf(tmp_path / "paused.edf", signals, annotations=True, record_starts=starts)
    with pytest.warns(UserWarning, match=r"paused.edf: the recording pauses 2 times, as the start times of an EDF\+D "
                                         r"file's data records say: after 3 s of samples \(for 2 s\); after 7 s of "
                                         r"samples \(for 0.5 s\). Each pause is read as one missing row"):
        read = load_edf(tmp_path / "paused.edf")
    for label, values, per_record, low, high in signals:
        samples, rate = read[label]
        assert rate == per_record
        gaps = [3 * per_record, 7 * per_record + 1]  # the second after the first's row
        np.testing.assert_array_equal(np.flatnonzero(np.isnan(samples)), gaps)
        np.testing.assert_allclose(np.delete(samples, gaps), values, atol=(high - low) / 65535)
    write_edf(tmp_path / "bdf.bdf", signals[:1], bdf=True, annotations=True, record_starts=starts)  # BDF+D
    with pytest.warns(UserWarning, match="bdf.bdf: the recording pauses 2 times"):
        assert np.isnan(load_edf(tmp_path / "bdf.bdf")["EEG Fpz"][0]).sum() == 2
    # Records one after the other (an EDF+D file may be continuous, its last second's start to the
    # microsecond); an EDF+C file's start times are not read.
    write_edf(tmp_path / "whole.edf", signals, annotations=True,
              record_starts=[f"+{k}" for k in range(9)] + ["+9.000001"])
    write_edf(tmp_path / "continuous.edf", signals, annotations=True)
    for name in ("whole.edf", "continuous.edf"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert not np.isnan(load_edf(tmp_path / name)["EEG Fpz"][0]).any()
    for faulty, message in (([f"+{k}" for k in range(9)] + ["+8.5"], r"its data record 9 starts at 8.5 s, before "
                                                                     r"record 8 ends \(9 s\); the file is damaged"),
                            ([f"+{k}" for k in range(4)] + ["x5"] + [f"+{k}" for k in range(5, 10)],
                             r"data record 4 does not open with its start time \(\+seconds\); the annotation signal of "
                             r"this EDF\+D file is damaged")):
        write_edf(tmp_path / "faulty.edf", signals, annotations=True, record_starts=faulty)
        with pytest.raises(ValueError, match=message):
            load_edf(tmp_path / "faulty.edf")
    write_edf(tmp_path / "plain.edf", signals)  # no annotation signal, then marked EDF+D
    without = bytearray((tmp_path / "plain.edf").read_bytes())
    without[192:197] = b"EDF+D"
    (tmp_path / "plain.edf").write_bytes(bytes(without))
    with pytest.raises(ValueError, match=r"a discontinuous EDF\+ file \(EDF\+D\) without the annotation signal"):
        load_edf(tmp_path / "plain.edf")


def test_reconstruct_cuts_a_paused_recording_at_its_pauses_or_refuses_to_join_them(tmp_path, recording, capsys):
    long_wave = np.sin(2 * np.pi * np.arange(4000) / 100 * 0.7)
    starts = [f"+{k + 60 * (k >= 25)}" for k in range(40)]  # a minute's pause after 25 s
    write_edf(tmp_path / "paused.edf", [("EEG", long_wave, 100, -1, 1)], annotations=True, record_starts=starts)
    settings = ["--n-hidden", "4", "--n-nonlinear", "1", "--max-iter", "1", "--model-out",
                str(tmp_path / "m.alrnn.npz")]
    with pytest.warns(UserWarning, match="pauses 1 time"), \
            pytest.raises(SystemExit, match=r"holds NaN or infinite values \(first in row 2500\).*--gaps split"):
        main(["reconstruct", str(tmp_path / "paused.edf"), *settings])
    with pytest.warns(UserWarning, match="pauses 1 time"):
        assert main(["reconstruct", str(tmp_path / "paused.edf"), "--gaps", "split", "--test-fraction", "0.3",
                     *settings]) == 0
    # 30% of 4,001 rows held out: the last 1,200, after the pause; the 2,500 before it and 300 after train.
    assert "Gaps: 1 (runs of rows with a missing value), the longest 1 row; the series cut there into 2 training " \
        "and 1 held-out stretches" in capsys.readouterr().out


def test_reconstruct_learns_the_signals_of_one_rate_and_forecast_continues_them(tmp_path, recording, capsys):
    write_edf(tmp_path / "night.edf", [("EEG Fpz", recording["EEG Fpz"], 100, -2, 2),
                                       ("EEG Pz", recording["EEG Pz"], 100, -2, 2),
                                       ("Resp", recording["Resp"], 10, -1.5, 1.5)])
    settings = ["--n-hidden", "4", "--n-nonlinear", "1", "--max-iter", "1", "--model-out"]
    assert main(["reconstruct", str(tmp_path / "night.edf"), *settings, str(tmp_path / "eeg.alrnn.npz")]) == 0
    assert "Columns left out: 'Resp' (10 Hz)" in capsys.readouterr().out
    model = load(tmp_path / "eeg.alrnn.npz")
    assert list(model.feature_names_in_) == ["EEG Fpz", "EEG Pz"]
    np.testing.assert_allclose(model.initial_observation_, [recording["EEG Fpz"][0], recording["EEG Pz"][0]],
                               atol=4 / 65535)
    assert main(["forecast", str(tmp_path / "eeg.alrnn.npz"), str(tmp_path / "night.edf"), "--steps", "3"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "step,EEG Fpz,EEG Pz"
    assert main(["reconstruct", str(tmp_path / "night.edf"), "--features", "Resp", *settings,
                 str(tmp_path / "resp.alrnn.npz")]) == 0
    assert load(tmp_path / "resp.alrnn.npz").n_features_in_ == 1
    with pytest.raises(SystemExit, match=r"--features names signals sampled at different rates \(EEG Fpz 100 Hz, "
                                         r"Resp 10 Hz\)"):
        main(["reconstruct", str(tmp_path / "night.edf"), "--features", "EEG Fpz", "Resp", *settings,
              str(tmp_path / "m.alrnn.npz")])
    with pytest.raises(SystemExit, match=r"--features names \['EOG'\], which the recording lacks; its signals are"):
        main(["reconstruct", str(tmp_path / "night.edf"), "--features", "EOG", *settings,
              str(tmp_path / "m.alrnn.npz")])


def test_a_trigger_channel_gives_events_not_a_signal(tmp_path, capsys):
    from sklearn_alrnn import datasets

    rng = np.random.RandomState(0)
    eeg = [rng.normal(scale=50, size=2048 * 4) for _ in range(2)]
    status = np.zeros(2048 * 4)
    for at, code, length in ((100, 1, 20), (3000, 65, 5), (3005, 3, 10), (6000, 255, 400)):
        status[at: at + length] = code
    status -= 7 * 2**20  # BioSemi's status bits above the 16 of the trigger codes
    write_edf(tmp_path / "biosemi.bdf", [("A1", eeg[0], 2048, -300, 300), ("A2", eeg[1], 2048, -300, 300),
                                         ("Status", status, 2048, -8388608, 8388607)], bdf=True)
    recording = datasets.load_recording(tmp_path / "biosemi.bdf")
    assert recording.channels == ["A1", "A2"]
    assert recording.left_out == ["'Status' (2048 Hz) (a trigger channel: its events are annotations)"]
    np.testing.assert_array_equal(datasets.load_recording(tmp_path / "biosemi.bdf", channels=["Status"]).data[:, 0],
                                  status)  # named, it is read
    # The runs of each nonzero code, as MNE's find_events (consecutive=True) gives them (MNE 1.13, scratch).
    events = datasets.load_annotations(tmp_path / "biosemi.bdf")
    assert events.description.tolist() == ["1", "65", "3", "255"]
    np.testing.assert_allclose(events.onset, np.array([100, 3000, 3005, 6000]) / 2048)
    np.testing.assert_allclose(events.duration, np.array([20, 5, 10, 400]) / 2048)
    # An EDF+ file's annotations, then its "Trigger" signal's events; reconstruct leaves it out.
    trigger = np.zeros(400)
    trigger[150:160] = 7
    write_edf(tmp_path / "eeg.edf", [("Fz", eeg[0][:400] / 100, 100, -3, 3), ("Trigger", trigger, 100, -32768, 32767)],
              annotations=True, notes=[(3.5, None, "Eyes closed")])
    both = datasets.load_annotations(tmp_path / "eeg.edf")
    assert both.description.tolist() == ["7", "Eyes closed"] and both.onset.tolist() == [1.5, 3.5]
    assert main(["reconstruct", str(tmp_path / "eeg.edf"), "--n-hidden", "3", "--n-nonlinear", "1", "--max-iter",
                 "1", "--model-out", str(tmp_path / "m.alrnn.npz")]) == 0
    assert "Columns left out: 'Trigger' (100 Hz) (a trigger channel: its events are annotations)" in \
        capsys.readouterr().out
