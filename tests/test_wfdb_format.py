"""PhysioNet's WFDB records: the reader against integers packed by the format's rules (signal(5)), the
header's fields and defaults (header(5)), damaged records, and reconstruct on a record."""

import datetime
import re

import numpy as np
import pytest

from sklearn_alrnn import datasets, load
from sklearn_alrnn._wfdb_format import load_wfdb
from sklearn_alrnn.cli import main

#: The integer range of each storage format and the value that marks a sample missing.
RANGES = {8: (-2**30, 2**30, None), 16: (-2**15, 2**15, -2**15), 61: (-2**15, 2**15, -2**15),
          80: (-2**7, 2**7, -2**7), 160: (-2**15, 2**15, -2**15), 212: (-2**11, 2**11, -2**11),
          310: (-2**9, 2**9, -2**9), 311: (-2**9, 2**9, -2**9), 24: (-2**23, 2**23, -2**23),
          32: (-2**31, 2**31, -2**31)}


def pack(fmt, samples):
    """The bytes of ``samples`` (integers, frame by frame; format 8's differences) in storage format ``fmt``."""
    samples = np.asarray(samples, np.int64)
    simple = {8: "i1", 16: "<i2", 61: ">i2", 32: "<i4"}
    if fmt in simple:
        return samples.astype(simple[fmt]).tobytes()
    if fmt in (80, 160):
        return (samples + (128 if fmt == 80 else 32768)).astype("u1" if fmt == 80 else "<u2").tobytes()
    if fmt == 24:
        return b"".join(int(value).to_bytes(3, "little", signed=True) for value in samples)
    per_group = 2 if fmt == 212 else 3
    n = len(samples)
    values = np.concatenate([samples, np.zeros(-n % per_group, np.int64)]).reshape(-1, per_group)
    if fmt == 212:  # the low 8 bits of each sample, their high 4 bits in the middle byte's halves
        first, second = values.T & 0xFFF
        groups = np.column_stack([first & 0xFF, first >> 8 | (second >> 8) << 4, second & 0xFF])
        return groups.astype(np.uint8).tobytes()[: n // 2 * 3 + 2 * (n % 2)]
    first, second, third = values.T & 0x3FF
    if fmt == 310:  # bits 1-10 of two little-endian 16-bit words; the third sample's halves on top
        words = (first << 1 | (third & 0x1F) << 11) | (second << 1 | (third >> 5) << 11) << 16
        tail = {0: 0, 1: 2, 2: 4}[n % 3]
    else:  # 311: a 32-bit word's three 10-bit thirds
        words = first | second << 10 | third << 20
        tail = {0: 0, 1: 2, 2: 3}[n % 3]
    packed = words.astype("<u4").tobytes()
    return packed[: n // 3 * 4 + tail] if n % 3 else packed


def write_wfdb(folder, name, signals, fmt=16, frequency=250, per_frame=None, offset=0, samples_line=True,
               files=None, checksums=True, base=""):
    """A record of ``signals`` ((label, digital samples, gain, baseline) each) in one signal file
    (or the file of each signal that ``files`` names), with its header (``base``: its base time and
    date)."""
    per_frame = per_frame or [1] * len(signals)
    files = files or [f"{name}.dat"] * len(signals)
    frames = len(signals[0][1]) // per_frame[0]
    lines = [f"{name} {len(signals)} {frequency}" + f" {frames} {base}" * samples_line, "# written by the test"]
    for file_name in dict.fromkeys(files):
        in_file = [i for i in range(len(signals)) if files[i] == file_name]
        # format 8 stores each signal's first differences, the first from the header's initial value
        stored = [np.diff(signals[i][1], prepend=signals[i][1][0]) if fmt == 8 else signals[i][1] for i in in_file]
        interleaved = np.concatenate([np.concatenate([values[frame * per_frame[i]: (frame + 1) * per_frame[i]]
                                                      for i, values in zip(in_file, stored)])
                                      for frame in range(frames)])
        (folder / file_name).write_bytes(b"\0" * offset + pack(fmt, interleaved))
    for i, (label, digital, gain, baseline) in enumerate(signals):
        checksum = (int(np.sum(digital)) + 32768) % 65536 - 32768 if checksums else 0
        spec = f"{fmt}" + f"x{per_frame[i]}" * (per_frame[i] > 1) + f"+{offset}" * bool(offset)
        lines.append(f"{files[i]} {spec} {gain}({baseline})/mV 12 0 {digital[0] if fmt == 8 else 0} {checksum} 0 "
                     f"{label}")
    (folder / f"{name}.hea").write_text("\n".join(lines) + "\n")


def write_annotations(path, annotations):
    """A WFDB annotation file of ``annotations`` ((sample, code, text or "", num or None) each) by
    annot(5): a SKIP before an interval beyond 10 bits, a NUM word where one is given, a SUB and a CHN
    word each time, an AUX text, then the end word."""
    words, time = [], 0
    for sample, code, text, num in annotations:
        interval, time = sample - time, sample
        if interval > 1023:
            skip = interval & 0xFFFFFFFF
            words += [59 << 10, skip >> 16, skip & 0xFFFF]
            interval = 0
        words.append(code << 10 | interval)
        words += [61 << 10 | 1, 62 << 10 | 0] + ([60 << 10 | num] if num is not None else [])
        if text:
            raw = text.encode("latin-1") + b"\0" * (len(text) % 2)
            words += [63 << 10 | len(text)] + list(np.frombuffer(raw, "<u2"))
    path.write_bytes(np.array(words + [0], dtype="<u2").tobytes())


@pytest.mark.parametrize("fmt", sorted(RANGES))
def test_every_storage_format_reads_the_integers_its_rules_pack(tmp_path, fmt):
    rng = np.random.RandomState(fmt)
    low, high, missing = RANGES[fmt]
    for n in (1, 2, 3, 4, 5, 101):
        for n_signals in (1, 2, 3):
            digital = rng.randint(low + 1, high, size=(n, n_signals))
            if fmt == 8:  # differences of one byte
                digital = np.cumsum(rng.randint(-128, 128, size=(n, n_signals)), axis=0)
            if missing is not None and n > 3:
                digital[n // 2, n_signals - 1] = missing
            signals = [(f"lead {i}", digital[:, i], 200.0 + i, 10 * i) for i in range(n_signals)]
            write_wfdb(tmp_path, "rec", signals, fmt=fmt)
            read = load_wfdb(tmp_path / "rec.hea")
            assert list(read) == [f"lead {i}" for i in range(n_signals)]
            for i, (label, values, gain, baseline) in enumerate(signals):
                samples, rate = read[label]
                expected = np.where(values == missing, np.nan, (values - baseline) / gain)
                np.testing.assert_array_equal(samples, expected)
                assert rate == 250


def test_header_fields_and_defaults(tmp_path):
    rng = np.random.RandomState(0)
    ecg, pressure = rng.randint(-2000, 2000, 200), rng.randint(-2000, 2000, 100)
    # a signal of two samples a frame, a byte offset, the sample count left to the file's size
    write_wfdb(tmp_path, "fast", [("ECG", ecg, 100, 0), ("ABP", pressure, 50, 5)], fmt=212, frequency=125,
               per_frame=[2, 1], offset=6, samples_line=False)
    read = load_wfdb(tmp_path / "fast.hea")
    np.testing.assert_array_equal(read["ECG"][0], ecg / 100)
    np.testing.assert_array_equal(read["ABP"][0], (pressure - 5) / 50)
    assert (read["ECG"][1], read["ABP"][1]) == (250, 125)
    # signals in files of their own; labels left out or written twice; no gain: the default 200
    write_wfdb(tmp_path, "apart", [("ECG", ecg, 100, 0), ("ECG", ecg[::-1], 100, 0), ("", ecg, 100, 0)],
               files=["apart_1.dat", "apart_2.dat", "apart_3.dat"])
    assert list(load_wfdb(tmp_path / "apart.hea")) == ["ECG", "ECG (1)", "signal 2"]
    np.testing.assert_array_equal(load_wfdb(tmp_path / "apart.hea")["ECG (1)"][0], ecg[::-1] / 100)
    # signals of two files in the header's order, two alike but for their samples
    write_wfdb(tmp_path, "mixed", [("ECG", ecg, 100, 0), ("ABP", pressure, 50, 5), ("ECG", -ecg, 100, 0)],
               files=["leads.dat", "pressure.dat", "leads.dat"], per_frame=[2, 1, 2])
    read = load_wfdb(tmp_path / "mixed.hea")
    assert list(read) == ["ECG", "ABP", "ECG (2)"]
    np.testing.assert_array_equal(read["ECG (2)"][0], -ecg / 100)
    np.testing.assert_array_equal(read["ABP"][0], (pressure - 5) / 50)
    (tmp_path / "bare.hea").write_text("bare 1\napart_1.dat 16\n")
    samples, rate = load_wfdb(tmp_path / "bare.hea")["signal 0"]
    np.testing.assert_array_equal(samples, ecg / 200)
    assert rate == 250
    # The base time and date give the first sample's, to the record and its annotations; a time of
    # day alone, or a date beyond the calendar, none.
    write_annotations(tmp_path / "dated.atr", [(10, 1, "", None)])
    for base, start in (("13:05:00.25 25/12/1989", datetime.datetime(1989, 12, 25, 13, 5, 0, 250000)),
                        ("9:5:7 1/2/2024", datetime.datetime(2024, 2, 1, 9, 5, 7)), ("13:05:00", None),
                        ("08:00:00 31/02/2024", None), ("", None)):
        write_wfdb(tmp_path, "dated", [("ECG", ecg, 100, 0)], base=base)
        assert load_wfdb(tmp_path / "dated.hea").start_time == start
        assert datasets.load_recording(tmp_path / "dated").start_time == start
        assert datasets.load_annotations(tmp_path / "dated.atr").start_time == start


def test_damaged_and_unread_records_are_refused_by_name(tmp_path):
    ecg = np.arange(-50, 50) * 7
    write_wfdb(tmp_path, "rec", [("ECG", ecg, 100, 0), ("V5", -ecg, 100, 0)])
    hea, dat = tmp_path / "rec.hea", tmp_path / "rec.dat"
    dat.write_bytes(dat.read_bytes()[:-5])
    with pytest.raises(ValueError, match=r"rec.dat holds 98 frames of samples where the header promises 100: the "
                                         r"file is cut short"):
        load_wfdb(hea)
    write_wfdb(tmp_path, "rec", [("ECG", ecg, 100, 0), ("V5", -ecg, 100, 0)])
    broken = bytearray(dat.read_bytes())
    broken[11] ^= 0x10  # a flipped bit
    dat.write_bytes(bytes(broken))
    with pytest.warns(UserWarning, match=r"The samples of signal 'V5' in rec.dat do not sum to the checksum its "
                                         r"header gives: the file may be damaged"):
        load_wfdb(hea)
    header = hea.read_text()
    cases = {
        "multi/3 3 360 650000\n": r"it is the header of a multi-segment record \(multi/3\)",
        header.replace(" 16 ", " 516 "): r"signal 0 is stored in format 516, which is not read here",
        header.replace(" 16 ", " 16:2 ", 1): r"signal 0 is skewed by 2 samples",
        header.replace("rec.dat", "~"): r"its signals are stored in no file",
        header.replace("rec 2 ", "rec 3 "): r"its header names 3 signals and describes 2",
        header.replace("rec 2 250", "rec 2 fast"): r"its header's sampling frequency is 'fast', not a number",
        header.replace("(0)", "(99999999999999999999)", 1):  # an OverflowError of NumPy's before
            r"its header's baseline of signal 0 is '99999999999999999999', beyond any a record holds",
        "": r"it holds no WFDB header lines",
    }
    for text, message in cases.items():
        hea.write_text(text)
        with pytest.raises(ValueError, match=message):
            load_wfdb(hea)
    hea.write_bytes(b"\x93NUMPY\x01\x00v\x00{'descr': '<f8'}\0\0")
    with pytest.raises(ValueError, match="it holds no WFDB header lines"):
        load_wfdb(hea)


def test_reconstruct_reads_a_record_by_its_header_signal_file_or_name(tmp_path, capsys):
    t = np.arange(2000)
    signals = [("MLII", np.round(800 * np.sin(2 * np.pi * t / 90)).astype(int), 200, 0),
               ("V1", np.round(500 * np.cos(2 * np.pi * t / 90)).astype(int), 200, 0),
               ("resp", np.round(300 * np.sin(2 * np.pi * t[:1000] / 400)).astype(int), 200, 0)]
    write_wfdb(tmp_path, "100", signals, fmt=212, frequency=180, per_frame=[2, 2, 1])
    settings = ["--n-hidden", "4", "--n-nonlinear", "1", "--max-iter", "1", "--model-out"]
    for given in ("100.hea", "100.dat", "100"):
        assert main(["reconstruct", str(tmp_path / given), *settings, str(tmp_path / "ecg.alrnn.npz")]) == 0
        out = capsys.readouterr().out
        assert "Columns left out: 'resp' (180 Hz)" in out
        # the record's rate times the exponents per step: per second
        per_step, per_second = re.search(r"largest Lyapunov exponents +(.*) per step = (.*) per second \(the file's "
                                         r"360 Hz\)", out).groups()
        np.testing.assert_allclose([float(value) * 360 for value in per_step.split(", ")],  # printed to 1e-5
                                   [float(value) for value in per_second.split(", ")], rtol=1e-3, atol=360 * 0.5e-5)
        model = load(tmp_path / "ecg.alrnn.npz")
        assert list(model.feature_names_in_) == ["MLII", "V1"]
        np.testing.assert_array_equal(model.initial_observation_, [0, 2.5])
    assert main(["forecast", str(tmp_path / "ecg.alrnn.npz"), str(tmp_path / "100.hea"), "--steps", "3"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "step,MLII,V1"
    assert main(["reconstruct", str(tmp_path / "100"), "--features", "resp", *settings,
                 str(tmp_path / "resp.alrnn.npz")]) == 0
    assert load(tmp_path / "resp.alrnn.npz").n_features_in_ == 1
    np.savetxt(tmp_path / "table.dat", np.sin(np.arange(40)[:, None] * [0.3, 0.7]))  # no header beside it: text
    assert main(["reconstruct", str(tmp_path / "table.dat"), *settings, str(tmp_path / "t.alrnn.npz")]) == 0
    assert load(tmp_path / "t.alrnn.npz").n_features_in_ == 2


def test_annotation_files_give_beats_rhythms_and_windows_around_them(tmp_path):
    # The reader agrees with the wfdb package's rdann (4.3.1, scratch) on files its wrann writes: SKIPs,
    # texts, SUB / CHN / NUM words, a time resolution of its own.
    ecg = np.round(np.sin(np.arange(4000) / 20) * 500).astype(int)
    write_wfdb(tmp_path, "100", [("MLII", ecg, 200, 0)], frequency=360)
    beats = [(0, 22, "## time resolution: 360", None), (18, 28, "(N", None), (77, 1, "", 1), (370, 5, "", None),
             (370, 30, "", None), (1500, 1, "", 2), (2_000_000, 28, "(AFIB", None), (2_000_300, 0, "", None),
             (2_000_700, 14, "", None), (2_100_000, 22, "a note", None)]
    write_annotations(tmp_path / "100.atr", beats)
    annotations = datasets.load_annotations(tmp_path / "100.atr")
    assert annotations.description.tolist() == ["+ (N", "N", "V", "?", "N", "+ (AFIB", "~", '" a note']
    np.testing.assert_allclose(annotations.onset, np.array([18, 77, 370, 370, 1500, 2e6, 2_000_700, 2.1e6]) / 360)
    assert not annotations.duration.any() and annotations.start_time is None
    write_annotations(tmp_path / "100.frs", [(0, 22, "## time resolution: 1000", None), (250, 1, "", None)])
    np.testing.assert_allclose(datasets.load_annotations(tmp_path / "100.frs").onset, [0.25])  # its own clock
    # Windows around each beat, from 0.05 s before it: a beat classifier's sequences.
    X, y = datasets.annotation_windows(datasets.load_recording(tmp_path / "100"), annotations, 0.2, offset=-0.05,
                                       descriptions=["N", "V"])
    assert y.tolist() == ["N", "V", "N"] and X.shape == (3, 72, 1)
    np.testing.assert_allclose(X[:, 0, 0], (ecg[[77 - 18, 370 - 18, 1500 - 18]]) / 200)
    for name, cut in (("cut", 12), ("aux", 8), ("skip", 18)):  # after a word, inside a text, inside a SKIP
        (tmp_path / f"{name}.atr").write_bytes((tmp_path / "100.atr").read_bytes()[:-cut])
        (tmp_path / f"{name}.hea").write_bytes((tmp_path / "100.hea").read_bytes())
    (tmp_path / "alone.atr").write_bytes((tmp_path / "100.atr").read_bytes())
    for name, message in (("cut.atr", r"cannot read the annotations of .*cut.atr': it ends without the word 0 that "
                                      r"closes an annotation file: the file is cut short"),
                          ("aux.atr", r"it ends inside an annotation's text: the file is cut short"),
                          ("skip.atr", r"it ends inside a SKIP interval: the file is cut short"),
                          ("alone.atr", r"load_annotations reads EDF\+ / BDF\+ .* and WFDB annotation files beside "
                                        r"their record's header \(\.atr, \.\.\.\); got .*alone.atr'")):
        with pytest.raises(ValueError, match=message):
            datasets.load_annotations(tmp_path / name)
