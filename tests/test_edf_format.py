"""EDF / BDF recordings: the reader against values written by the format's rules, and reconstruct on them."""

import numpy as np
import pytest

from sklearn_alrnn import load
from sklearn_alrnn._edf_format import load_edf
from sklearn_alrnn.cli import main


def write_edf(path, signals, duration=1.0, bdf=False, annotations=False, n_records=None):
    """An EDF (or BDF) file of ``signals``: (label, physical values, samples per record, physical
    minimum, physical maximum) each, the digital range the format's full integer range."""
    width = 3 if bdf else 2
    digital_max = (1 << (8 * width - 1)) - 1
    digital_min = -digital_max - 1
    entries = list(signals) + [(f"{'BDF' if bdf else 'EDF'} Annotations", None, 30, -1, 1)] * bool(annotations)
    records = len(signals[0][1]) // signals[0][2]

    def field(value, size):
        return str(value).ljust(size)[:size].encode("ascii")

    header = (b"\xffBIOSEMI" if bdf else field(0, 8)) + field("X F 01-JAN-2000 subject", 80) + \
        field("Startdate 01-JAN-2024 lab", 80) + field("01.01.24", 8) + field("08.00.00", 8) + \
        field(256 * (len(entries) + 1), 8) + field("EDF+C" * bool(annotations), 44) + \
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
                body += b"+0\x14\x14\x00".ljust(width * per_record, b"\x00")
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
