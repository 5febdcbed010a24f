"""GDF recordings (versions 1.x and 2.x): the reader against files written by the specification's rules,
their event tables as annotations, and the commands on them."""

import datetime
import warnings

import numpy as np
import pytest

from sklearn_alrnn import datasets
from sklearn_alrnn._gdf_format import load_gdf, load_gdf_events
from sklearn_alrnn.cli import main

#: GDF data types written here: code -> (NumPy type or bytes of a 24-bit integer, integer or float).
_TYPES = {1: "<i1", 2: "<u1", 3: "<i2", 4: "<u2", 5: "<i4", 6: "<u4", 16: "<f4", 17: "<f8", 279: 3, 535: 3}


def _digital_range(code):
    kind = _TYPES[code]
    if kind == 3:
        return (-(1 << 23), (1 << 23) - 1) if code == 279 else (0, (1 << 24) - 1)
    info = np.iinfo(kind) if np.dtype(kind).kind in "iu" else None
    return (int(info.min), int(info.max)) if info else None


def write_gdf(path, signals, *, version="2.20", duration=1.0, events=(), mode=3, event_rate=0.0,
              start_time=datetime.datetime(2024, 1, 1, 8, 0, 0, 500000), n_records=None, tags=b""):
    """A GDF file of ``signals``, (label, physical values, samples per record, data type, physical
    minimum, physical maximum) each: an integer type's digital range its full range, a float type
    stored as the physical values; data records of ``duration`` seconds (GDF 2.21 on: a float; before,
    a fraction of integers), ``events`` ((0-based position, type, channel, duration) each, at
    ``event_rate``, 0 for the data's) in an event table of ``mode``, and ``tags`` (GDF 2's
    tag-length-value header) after the signals' header."""
    gdf1, n = float(version) < 1.9, len(signals)
    records = len(signals[0][1]) // signals[0][2]
    header_bytes = 256 * (n + 1) + len(tags)
    assert header_bytes % 256 == 0
    if float(version) < 2.21:
        numerator, denominator = duration.as_integer_ratio() if duration != int(duration) else (int(duration), 1)
        record_duration = np.array([numerator, denominator], "<u4").tobytes()
    else:
        record_duration = np.array([duration], "<f8").tobytes()
    count = records if n_records is None else n_records
    if gdf1:
        fixed = f"GDF {version}".encode() + b"P01 subject".ljust(80) + b"BCI session".ljust(80) + \
            (start_time.strftime("%Y%m%d%H%M%S") + f"{start_time.microsecond // 10000:02d}").encode() + \
            np.array([header_bytes], "<i8").tobytes() + bytes(44) + np.array([count], "<i8").tobytes() + \
            record_duration + np.array([n], "<u4").tobytes()
    else:
        days = (start_time - datetime.datetime(1, 1, 1)) / datetime.timedelta(days=1) + 367
        fixed = f"GDF {version}".encode() + b"P01 subject".ljust(66) + bytes(14) + b"BCI session".ljust(80) + \
            np.array([round(days * 2**32), 0], "<u8").tobytes() + np.array([header_bytes // 256], "<u2").tobytes() + \
            bytes(50) + np.array([count], "<i8").tobytes() + record_duration + np.array([n, 0], "<u2").tobytes()
    assert len(fixed) == 256
    ranges = []
    for _, values, _, code, low, high in signals:
        digital = _digital_range(code)
        ranges.append(digital if digital else (low, high))

    def column(kind, values, size=None):
        if size:
            return b"".join(str(value).encode("utf-8").ljust(size, b"\x00")[:size] for value in values)
        return np.array(values, kind).tobytes()

    labels, per_record = [s[0] for s in signals], [s[2] for s in signals]
    physical = [column("<f8", [s[4] for s in signals]), column("<f8", [s[5] for s in signals])]
    digital = [column("<i8" if gdf1 else "<f8", [r[0] for r in ranges]),
               column("<i8" if gdf1 else "<f8", [r[1] for r in ranges])]
    if gdf1:
        variable = [column(None, labels, 16), column(None, ["AgAgCl"] * n, 80), column(None, ["uV"] * n, 8),
                    *physical, *digital, column(None, ["HP:0.5Hz LP:100Hz"] * n, 80), column("<u4", per_record),
                    column("<u4", [s[3] for s in signals]), bytes(32 * n)]
    else:
        variable = [column(None, labels, 16), column(None, ["AgAgCl"] * n, 80), bytes(6 * n),
                    column("<u2", [4275] * n), *physical, *digital, bytes(68 * n), column("<f4", [100.0] * n),
                    column("<f4", [0.5] * n), column("<f4", [50.0] * n), column("<u4", per_record),
                    column("<u4", [s[3] for s in signals]), bytes(32 * n)]
    body = bytearray()
    for record in range(records):
        for (_, values, count, code, low, high), (d_low, d_high) in zip(signals, ranges):
            chunk = np.asarray(values[record * count: (record + 1) * count], float)
            if code in (16, 17):
                body += chunk.astype(_TYPES[code]).tobytes()
                continue
            stored = np.round((chunk - low) * (d_high - d_low) / (high - low) + d_low).astype(np.int64)
            if _TYPES[code] == 3:
                body += b"".join(int(v).to_bytes(3, "little", signed=code == 279) for v in stored)
            else:
                body += stored.astype(_TYPES[code]).tobytes()
    table = b""
    if events:
        positions, codes, channels, lengths = (np.array(column) for column in zip(*events))
        if float(version) < 1.94:
            table = bytes([mode]) + int(event_rate).to_bytes(3, "little") + np.array([len(events)], "<u4").tobytes()
        else:
            table = bytes([mode]) + len(events).to_bytes(3, "little") + np.array([event_rate], "<f4").tobytes()
        table += np.array(positions + 1, "<u4").tobytes() + np.array(codes, "<u2").tobytes()
        if mode == 3:
            table += np.array(channels, "<u2").tobytes() + np.array(lengths, "<u4").tobytes()
    path.write_bytes(fixed + b"".join(variable) + tags + bytes(body) + table)


@pytest.fixture
def eeg():
    t = np.arange(1000) / 250
    return {"C3": 40 * np.sin(2 * np.pi * 10 * t), "C4": 30 * np.cos(2 * np.pi * 12 * t) - 5,
            "EOG": 80 * np.sin(2 * np.pi * 0.5 * t[::2])}


@pytest.mark.parametrize("version", ["1.25", "2.20", "2.51"])
def test_gdf_signals_read_in_physical_units_at_their_rates_whatever_their_data_type(tmp_path, eeg, version):
    codes = [3, 5, 16, 17, 279, 535, 1, 4]
    signals = [(f"EEG {code}", eeg["C3"], 250, code, -100.0, 100.0) for code in codes]
    signals += [("EOG", eeg["EOG"], 125, 3, -200.0, 200.0)]
    write_gdf(tmp_path / "run.gdf", signals, version=version)
    read = load_gdf(tmp_path / "run.gdf")
    assert list(read) == [signal[0] for signal in signals]
    for label, values, per_record, code, low, high in signals:
        samples, rate = read[label]
        assert rate == per_record
        digital = _digital_range(code)
        step = (high - low) / (digital[1] - digital[0]) if digital else 1e-5  # a float32's precision
        np.testing.assert_allclose(samples, values, atol=step)
    start = datetime.datetime(2024, 1, 1, 8, 0, 0, 500000)
    assert abs(read.start_time - start) < datetime.timedelta(milliseconds=1)
    # Records of half a second: GDF 2.21 on writes the duration as a float, before as a fraction.
    write_gdf(tmp_path / "half.gdf", signals[:1], version=version, duration=0.5)
    assert load_gdf(tmp_path / "half.gdf")["EEG 3"][1] == 500
    write_gdf(tmp_path / "open.gdf", signals[:2], version=version, n_records=-1)  # the count not written
    np.testing.assert_array_equal(load_gdf(tmp_path / "open.gdf")["EEG 5"][0], read["EEG 5"][0])


def test_a_tag_length_value_header_and_sparse_signals_are_passed_over(tmp_path, eeg):
    # GDF 2's third header (here one tag, the manufacturer's name) lies between the signals' header
    # and the data; a signal of no samples per record is sampled sparsely, in the event table.
    tags = (3 | 12 << 8).to_bytes(4, "little") + b"g.tec\x00USBamp" + bytes(256 - 16)
    signals = [("C3", eeg["C3"], 250, 16, -100.0, 100.0), ("SpO2", np.zeros(0), 0, 16, 0.0, 100.0),
               ("C4", eeg["C4"], 250, 16, -100.0, 100.0)]
    write_gdf(tmp_path / "tags.gdf", signals, tags=tags, events=[(10, 0x7FFF, 2, 97), (20, 0x0300, 0, 0)])
    read = load_gdf(tmp_path / "tags.gdf")
    assert list(read) == ["C3", "C4"]
    np.testing.assert_allclose(read["C4"][0], eeg["C4"], atol=1e-5)
    events, _ = load_gdf_events(tmp_path / "tags.gdf")
    assert events == [(20 / 250, 0.0, "768")]  # the sparse sample is no event


def test_the_event_table_gives_annotations_on_the_recordings_clock(tmp_path, eeg):
    signals = [("C3", eeg["C3"], 250, 3, -100.0, 100.0), ("C4", eeg["C4"], 250, 3, -100.0, 100.0)]
    # BCI Competition IV's layout (mode 3): trial starts (768), cues (769 left hand, 770 right hand)
    # lasting 1.25 s, a rejected trial (1023), written out of order.
    trials = [(100, 768, 0, 0), (350, 770, 0, 312), (600, 768, 0, 0), (700, 769, 0, 312), (600, 1023, 0, 0),
              (50, 768, 0, 0)]
    write_gdf(tmp_path / "A01T.gdf", signals, events=trials)
    events, start = load_gdf_events(tmp_path / "A01T.gdf")
    assert events == [(0.2, 0.0, "768"), (0.4, 0.0, "768"), (1.4, 1.248, "770"), (2.4, 0.0, "768"),
                      (2.4, 0.0, "1023"), (2.8, 1.248, "769")]
    assert abs(start - datetime.datetime(2024, 1, 1, 8, 0, 0, 500000)) < datetime.timedelta(milliseconds=1)
    annotations = datasets.load_annotations(tmp_path / "A01T.gdf")
    np.testing.assert_allclose(annotations.onset, [0.2, 0.4, 1.4, 2.4, 2.4, 2.8])
    # Mode 1 at an event rate of its own (1,000 Hz, four times the data's), an event closed by its end
    # (0x8000 + its type), in a GDF 1 file (rate before count) and a GDF 2 one (count before rate).
    closing = [(400, 0x0301, 0, 0), (1400, 0x8301, 0, 0), (2000, 0x0302, 0, 0), (3999, 0x8302 + 1, 0, 0)]
    for version in ("1.25", "2.20"):
        write_gdf(tmp_path / "closed.gdf", signals, version=version, events=closing, mode=1, event_rate=1000)
        assert load_gdf_events(tmp_path / "closed.gdf")[0] == [(0.4, 1.0, "769"), (2.0, 0.0, "770"),
                                                               (3.999, 0.0, "33539")]  # an end without a start
    recording = datasets.load_recording(tmp_path / "A01T.gdf")
    cues, labels = datasets.annotation_windows(recording, annotations, 1.0, offset=-0.2, descriptions=["769", "770"])
    assert cues.shape == (2, 250, 2) and list(labels) == ["770", "769"]
    np.testing.assert_allclose(cues[0, :, 0], eeg["C3"][300:550], atol=200 / 65535)


def test_a_new_segment_after_a_break_is_a_gap(tmp_path, eeg, capsys):
    wave = np.sin(2 * np.pi * np.arange(3000) / 250 * 3)
    # Three runs of four seconds, each opened by a new segment (0x7FFE, "start of a new run" in BCI
    # Competition IV), the first at the first sample.
    runs = [(0, 0x7FFE, 0, 0), (1000, 0x7FFE, 0, 0), (2000, 0x7FFE, 0, 0), (1200, 0x0301, 0, 250)]
    write_gdf(tmp_path / "runs.gdf", [("C3", wave, 250, 16, -1.0, 1.0)], events=runs)
    with pytest.warns(UserWarning, match=r"runs.gdf: the recording pauses 2 times, where its event table starts a "
                                         r"new segment after a break \(type 0x7FFE\): after 4 s of samples; after "
                                         r"8 s of samples. Each pause is read as one missing row"):
        samples, rate = load_gdf(tmp_path / "runs.gdf")["C3"]
    np.testing.assert_array_equal(np.flatnonzero(np.isnan(samples)), [1000, 2001])
    np.testing.assert_allclose(np.delete(samples, [1000, 2001]), wave, atol=1e-7)
    with pytest.warns(UserWarning, match="pauses 2 times"):
        recording = datasets.load_recording(tmp_path / "runs.gdf")
    assert recording.times[999] == pytest.approx(3.996) and np.isnan(recording.times[1000])
    assert recording.times[1001] == 4.0  # events count the samples stored: no time passes at a break
    annotations = datasets.load_annotations(tmp_path / "runs.gdf")
    windows, labels = datasets.annotation_windows(recording, annotations, 0.5, descriptions=["769"])
    np.testing.assert_allclose(windows[0, :, 0], wave[1200:1325], atol=1e-7)
    settings = ["--n-hidden", "4", "--n-nonlinear", "1", "--max-iter", "1", "--model-out", str(tmp_path / "m.npz")]
    with pytest.warns(UserWarning, match="pauses 2 times"), \
            pytest.raises(SystemExit, match=r"holds NaN or infinite values \(first in row 1000\).*--gaps split"):
        main(["reconstruct", str(tmp_path / "runs.gdf"), *settings])
    with pytest.warns(UserWarning, match="pauses 2 times"):
        assert main(["reconstruct", str(tmp_path / "runs.gdf"), "--gaps", "split", *settings]) == 0
    assert "the series cut there into" in capsys.readouterr().out


def test_fit_and_predict_trials_of_a_gdf_recording_from_the_command_line(tmp_path, capsys):
    rng = np.random.RandomState(0)
    n_trials, rate = 40, 100
    data = rng.normal(scale=5.0, size=(n_trials * 2 * rate, 2))
    cues = []
    for trial in range(n_trials):
        side = trial % 2
        start = trial * 2 * rate + 20
        data[start: start + 60, side] += 40 * np.sin(np.arange(60) / 3)  # the cued side's burst
        cues.append((start, 769 + side, 0, 60))
    write_gdf(tmp_path / "B01T.gdf", [("C3", data[:, 0], rate, 3, -100.0, 100.0),
                                      ("C4", data[:, 1], rate, 3, -100.0, 100.0)], events=cues)
    model = tmp_path / "cues.alrnn.npz"
    assert main(["fit", str(tmp_path / "B01T.gdf"), "--window", "0.6", "--labels", "769", "770", "--model-out",
                 str(model), "--max-iter", "30"]) == 0
    assert "Windows: 40 of 0.6 s, labelled 769, 770" in capsys.readouterr().out
    assert main(["predict", str(model), str(tmp_path / "B01T.gdf"), "--annotations", str(tmp_path / "B01T.gdf")]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].startswith("start (s)") and len(rows) == 41


def test_damaged_gdf_files_are_refused_by_name(tmp_path, eeg):
    signals = [("C3", eeg["C3"], 250, 3, -100.0, 100.0)]
    write_gdf(tmp_path / "good.gdf", signals, events=[(10, 768, 0, 0), (20, 769, 0, 5)])
    good = (tmp_path / "good.gdf").read_bytes()
    data_start = 512

    def damaged(name, offset, value):
        raw = bytearray(good)
        raw[offset: offset + len(value)] = value
        (tmp_path / name).write_bytes(bytes(raw))
        return tmp_path / name

    (tmp_path / "text.gdf").write_text("time,x\n0,1\n")
    (tmp_path / "cut.gdf").write_bytes(good[:data_start + 300])
    (tmp_path / "table.gdf").write_bytes(good[:-3])
    cases = [
        (tmp_path / "text.gdf", r"it does not start as a GDF file does"),
        (damaged("version.gdf", 3, b" x.yz"), r"its version is b'GDF x.yz', not 'GDF' and a number"),
        (tmp_path / "cut.gdf", r"it holds 300 bytes of records where its header promises 4 records of 500: the file "
                               r"is cut short"),
        (damaged("type.gdf", 256 + 220, (18).to_bytes(4, "little")),
         r"its signal 'C3' is stored as GDF data type 18, which is not read here"),
        (damaged("duration.gdf", 244, bytes(8)), r"its header gives data records of nan s"),
        (damaged("signals.gdf", 252, (3).to_bytes(2, "little")), r"its header names 3 signals in 512 bytes"),
        (damaged("mode.gdf", data_start + 2000, b"\x02"), r"its event table is of mode 2; modes 1 and 3 are read"),
        (tmp_path / "table.gdf", r"its event table of 2 events needs 32 bytes and has 29: the file is cut short"),
    ]
    for path, message in cases:
        for read in (load_gdf, load_gdf_events):
            if "event table" in message and read is load_gdf:  # the signals are read, without the breaks
                with pytest.warns(UserWarning, match=message + r"; the breaks it may mark are not known"):
                    assert len(read(path)["C3"][0]) == 1000
                continue
            with pytest.raises(ValueError, match=message):
                read(path)
    with pytest.raises(ValueError, match=r"its header gives the signal 'C3' the digital range -32768 to 32767 and "
                                         r"the physical range inf to 100, not finite numbers"):
        load_gdf(damaged("range.gdf", 256 + 104, np.array([np.inf]).tobytes()))  # its events need no range
    with pytest.raises(ValueError, match=r"cannot read .*text.gdf' as a recording: it does not start as a GDF file"):
        datasets.load_recording(tmp_path / "text.gdf")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(load_gdf(tmp_path / "good.gdf")["C3"][0]) == 1000
