"""XDF recordings (the Lab Streaming Layer's): the reader against files written by the specification's
rules, their clocks, breaks and markers, damaged files, and the commands on them."""

import gzip
import re
import struct
import warnings

import numpy as np
import pytest

from sklearn_alrnn import datasets
from sklearn_alrnn._xdf_format import load_xdf, load_xdf_markers
from sklearn_alrnn.cli import main

_TYPES = {"float32": "<f4", "double64": "<f8", "int8": "<i1", "int16": "<i2", "int32": "<i4", "int64": "<i8"}
BOUNDARY = bytes.fromhex("43a546dccbf5410fb30ed5467383cbe4")


def _varlen(n):
    for width, code in ((1, b"\x01"), (4, b"\x04"), (8, b"\x08")):
        if n < 1 << (8 * width):
            return code + n.to_bytes(width, "little")


def _chunk(tag, content):
    body = tag.to_bytes(2, "little") + content
    return _varlen(len(body)) + body


def stream(name, rate, values, stamps, fmt="float32", labels=None, kind="EEG", clock=(), stamp_every=1, chunk=50,
           drops_samples=False, footer_count=None):
    """A stream to write: ``values`` (n_samples, n_channels) numbers, or a list of texts for a marker
    stream; ``stamps`` each sample's time stamp, written for every ``stamp_every``-th sample (the
    others left to the reader to deduce); ``clock`` (time, offset) measurements; whether its header
    says it can drop samples; the sample count its footer gives (default: the samples')."""
    return dict(name=name, rate=rate, values=values, stamps=np.asarray(stamps, float), fmt=fmt, labels=labels,
                kind=kind, clock=list(clock), stamp_every=stamp_every, chunk=chunk, drops_samples=drops_samples,
                footer_count=len(stamps) if footer_count is None else footer_count)


def write_xdf(path, streams, compress=False, boundaries=True):
    """An XDF file of ``streams`` (:func:`stream`), their chunks interleaved as LabRecorder writes
    them: header chunks, then samples chunks in turn, clock offsets and boundaries between, footers."""
    out = [b"XDF:", _chunk(1, b"<?xml version='1.0'?><info><version>1.0</version></info>")]
    for i, s in enumerate(streams):
        n_channels = 1 if s["fmt"] == "string" else np.shape(s["values"])[1]
        channels = "".join(f"<channel><label>{label}</label><unit>microvolts</unit></channel>"
                           for label in s["labels"] or [])
        xml = (f"<?xml version='1.0'?><info><name>{s['name']}</name><type>{s['kind']}</type>"
               f"<channel_count>{n_channels}</channel_count><nominal_srate>{s['rate']}</nominal_srate>"
               f"<channel_format>{s['fmt']}</channel_format><desc><channels>{channels}</channels>"
               + "<synchronization><can_drop_samples>true</can_drop_samples></synchronization>" * s["drops_samples"]
               + "</desc></info>")
        out.append(_chunk(2, struct.pack("<I", i) + xml.encode()))
    positions = [0] * len(streams)
    while any(p < len(s["stamps"]) for p, s in zip(positions, streams)):
        for i, s in enumerate(streams):
            start, stop = positions[i], min(positions[i] + s["chunk"], len(s["stamps"]))
            if start >= stop:
                continue
            body = struct.pack("<I", i) + _varlen(stop - start)
            for k in range(start, stop):
                body += b"\x08" + struct.pack("<d", s["stamps"][k]) if k % s["stamp_every"] == 0 else b"\x00"
                if s["fmt"] == "string":
                    text = s["values"][k].encode()
                    body += _varlen(len(text)) + text
                else:
                    body += np.asarray(s["values"][k], _TYPES[s["fmt"]]).tobytes()
            out.append(_chunk(3, body))
            positions[i] = stop
        for i, s in enumerate(streams):
            while s["clock"] and s["clock"][0][0] <= max(stamp for stamp in [0.0] + [
                    t["stamps"][min(p, len(t["stamps"])) - 1] for p, t in zip(positions, streams) if p]):
                out.append(_chunk(4, struct.pack("<Idd", i, *s["clock"].pop(0))))
        if boundaries:
            out.append(_chunk(5, BOUNDARY))
    for i, s in enumerate(streams):
        for measured in s["clock"]:
            out.append(_chunk(4, struct.pack("<Idd", i, *measured)))
        out.append(_chunk(6, struct.pack("<I", i) + b"<?xml version='1.0'?><info><sample_count>"
                          + str(s["footer_count"]).encode() + b"</sample_count></info>"))
    data = b"".join(out)
    path.write_bytes(gzip.compress(data) if compress else data)


@pytest.fixture
def session():
    """An EEG amplifier's stream (8 channels at 500 Hz, its time stamps jittered by the network, every
    fourth written), an EMG amplifier's on a clock 2.5 s behind the recorder's and drifting (2
    channels at 1000 Hz, int16), an auxiliary channel at 500 Hz of its own, and a marker stream."""
    rng = np.random.RandomState(0)
    n = 5000
    eeg = rng.normal(scale=20, size=(n, 8)).astype(np.float32)
    eeg_stamps = 100.0 + np.arange(n) / 500 + rng.uniform(-2e-4, 2e-4, n)
    emg = rng.randint(-3000, 3000, size=(2 * n, 2))
    emg_stamps = 97.5 + 0.25 + np.arange(2 * n) / 1000  # on its own clock: 100.25 s on the recorder's
    clock = [(t, 2.5 + 1e-5 * (t - 97.5)) for t in np.arange(97.5, 108.5, 1.0)]
    aux = rng.normal(size=(n, 1))
    markers = ["left", "right", "left", "rest"]
    marker_stamps = [101.0, 102.5, 104.0, 107.0]
    return [stream("EEG", 500, eeg, eeg_stamps, labels=[f"C{k}" for k in range(8)], stamp_every=4),
            stream("EMG", 1000, emg, emg_stamps, fmt="int16", labels=["EMG 1", "EMG 2"], clock=clock, kind="EMG"),
            stream("Aux", 500, aux, 100.1 + np.arange(n) / 500, fmt="double64", labels=None, kind="Misc"),
            stream("Markers", 0, markers, marker_stamps, fmt="string", kind="Markers", chunk=1)]


def test_streams_read_on_the_recorders_clock(tmp_path, session):
    write_xdf(tmp_path / "session.xdf", session)
    signals = load_xdf(tmp_path / "session.xdf")
    assert list(signals) == [f"C{k}" for k in range(8)] + ["EMG 1", "EMG 2", "Aux 0"]
    np.testing.assert_array_equal(np.column_stack([signals[f"C{k}"][0] for k in range(8)]), session[0]["values"])
    np.testing.assert_array_equal(signals["EMG 2"][0], session[1]["values"][:, 1])
    assert (signals["C0"][1], signals["EMG 1"][1], signals["Aux 0"][1]) == (500, 1000, 500)
    assert signals.sources["EMG 1"] == "EMG" and signals.sources["Aux 0"] == "Aux"
    # The EEG's jittered stamps on a line: its first sample is the clock's 0; the EMG's, moved by the
    # measured offsets (2.5 s and a drift of 1e-5 s a second), start 0.25 s later.
    np.testing.assert_allclose(signals.times["C0"], np.arange(5000) / 500, atol=2e-5)
    emg_times = np.arange(10000) / 1000 + 0.25 + 1e-5 * (0.25 + np.arange(10000) / 1000)
    np.testing.assert_allclose(signals.times["EMG 1"], emg_times, atol=2e-5)
    recording = datasets.load_recording(tmp_path / "session.xdf")  # the EEG: 8 x 500 samples a second
    assert recording.channels == [f"C{k}" for k in range(8)] and recording.sampling_rate == 500
    assert recording.left_out == ["'EMG 1' (1000 Hz, stream 'EMG')", "'EMG 2' (1000 Hz, stream 'EMG')",
                                  "'Aux 0' (500 Hz, stream 'Aux')"]
    emg = datasets.load_recording(tmp_path / "session.xdf", channels=["EMG 2", "EMG 1"])
    np.testing.assert_array_equal(emg.data, session[1]["values"][:, ::-1])
    np.testing.assert_allclose(emg.times, emg_times, atol=2e-5)
    with pytest.raises(ValueError, match=r"channels names signals of different streams \(C0 of 'EEG', Aux 0 of "
                                         r"'Aux'\), each sampled on a clock of its own; choose signals of one"):
        datasets.load_recording(tmp_path / "session.xdf", channels=["C0", "Aux 0"])
    # Chunks as recorders write them (each chunk's first sample stamped, or every sample), read a chunk
    # at a time, and stamps on other samples, read sample by sample: alike.
    for every in (50, 1, 7):
        write_xdf(tmp_path / "again.xdf", [dict(session[0], stamps=100 + np.arange(5000) / 500, stamp_every=every)])
        again = load_xdf(tmp_path / "again.xdf")
        np.testing.assert_array_equal(again["C5"][0], session[0]["values"][:, 5])
        np.testing.assert_allclose(again.times["C5"], np.arange(5000) / 500, atol=1e-9)
    # Two amplifiers of one name and rate are two streams, never stacked sample by sample.
    write_xdf(tmp_path / "twins.xdf", [session[0], dict(session[0], stamps=session[0]["stamps"] + 0.3)])
    twins = datasets.load_recording(tmp_path / "twins.xdf")
    assert twins.channels == [f"C{k}" for k in range(8)] and len(twins.left_out) == 8
    assert twins.left_out[0] == "'C0 (EEG (1))' (500 Hz, stream 'EEG (1)')"
    write_xdf(tmp_path / "session.xdfz", session, compress=True)  # compressed by gzip
    np.testing.assert_array_equal(load_xdf(tmp_path / "session.xdfz")["C3"][0], signals["C3"][0])


def test_clock_offsets_moved_as_pyxdf_moves_them(tmp_path):
    rate, n = 200, 12000
    rng = np.random.RandomState(1)
    values = rng.normal(size=(n, 2)).astype(np.float32)
    stamps = 40.0 + np.arange(n) / rate  # on the sender's clock, 2.5 s behind the recorder's
    clock = [(t, 2.5 + rng.normal(scale=1e-5)) for t in np.arange(39.0, 102.0, 5.0)]
    # Two measurements delayed by the network (0.2 and 0.15 s late): least squares would put every stamp
    # 22 to 32 ms late; pyxdf's robust line, as here, by the 2.5 s measured on time.
    clock[3], clock[9] = (clock[3][0], 2.7), (clock[9][0], 2.65)
    write_xdf(tmp_path / "late.xdf", [stream("EEG", rate, values, stamps, labels=["a", "b"], clock=clock),
                                      stream("Ref", rate, values, 42.5 + np.arange(n) / rate, labels=["r", "s"])])
    late = load_xdf(tmp_path / "late.xdf")
    np.testing.assert_allclose(late.times["a"], np.arange(n) / rate, atol=1e-4)  # the EEG starts at 42.5 s too
    # The sender's clock restarted after 30 s (a computer rebooted) and ran from 1 s again, its samples
    # resuming 8 s later on the recorder's clock: the offsets measured after the reset move the stamps
    # after it, and the 8 s are a pause.
    restarted = stamps.copy()
    restarted[6000:] += 1.0 - stamps[6000]
    after = [(t, 2.5 + stamps[6000] + 8.0 - 1.0) for t in np.arange(2.0, 32.0, 5.0)]
    write_xdf(tmp_path / "reset.xdf", [stream("EEG", rate, values, restarted, labels=["a", "b"],
                                              clock=[c for c in clock[:7] if c[0] < 70] + after)])
    with pytest.warns(UserWarning) as caught:  # one context: pytest before 8 does not pass warnings on
        reset = load_xdf(tmp_path / "reset.xdf")
    told = [str(warning.message) for warning in caught]
    assert any(re.match(r"reset.xdf: the clock of stream 'EEG' was reset 1 time\(s\) while recorded \(its clock "
                        r"offsets jump at 2 s\)", message) for message in told), told
    assert any(re.search(r"pauses 1 time.*after 30 s of samples \(for (8|7.9999\d) s\)", message) for message in told)
    np.testing.assert_allclose(reset.times["a"][:6000], np.arange(6000) / rate, atol=1e-4)
    np.testing.assert_allclose(reset.times["a"][6001:], 38.0 + np.arange(6000) / rate, atol=1e-4)
    np.testing.assert_array_equal(reset["b"][0][6001:], values[6000:, 1])
    # A sender closed while recorded (pylsl issue 67): a sample beyond the footer's count and a last
    # clock offset of garbage, both left out.
    closed = stream("EEG", rate, np.vstack([values, [[9.0, 9.0]]]), np.append(stamps, stamps[-1] + 1 / rate),
                    labels=["a", "b"], clock=clock[:3] + [(clock[3][0], 2.5)] + clock[4:9] + [(clock[8][0] + 1, 1e4)],
                    footer_count=n)
    write_xdf(tmp_path / "closed.xdf", [closed])
    with pytest.warns(UserWarning, match=r"closed.xdf: stream 'EEG' holds 1 sample\(s\) beyond the 12000 its "
                                         r"footer counts and a last clock offset unlike the others"):
        signals = load_xdf(tmp_path / "closed.xdf")
    np.testing.assert_array_equal(signals["a"][0], values[:, 0])
    write_xdf(tmp_path / "early_footer.xdf", [dict(closed, clock=clock[:9])])  # the offsets alike: all kept
    assert len(load_xdf(tmp_path / "early_footer.xdf")["a"][0]) == n + 1
    # A video stream that can drop frames keeps its stamps, as pyxdf does: the frames after the dropped
    # one are not moved earlier by a line through them.
    frames = 10.0 + np.delete(np.arange(301), 150) / 30
    video = stream("Video", 30, values[:300], frames, labels=["x", "y"], drops_samples=True)
    write_xdf(tmp_path / "video.xdf", [video])
    np.testing.assert_allclose(load_xdf(tmp_path / "video.xdf").times["x"], frames - 10.0, atol=1e-12)


def test_markers_label_windows_of_the_stream_they_time(tmp_path, session):
    write_xdf(tmp_path / "session.xdf", session)
    markers, start = load_xdf_markers(tmp_path / "session.xdf")
    assert start is None
    onsets, durations, texts = zip(*markers)  # from the EEG's first sample, its stamps on a line
    np.testing.assert_allclose(onsets, [1.0, 2.5, 4.0, 7.0], atol=2e-5)
    assert durations == (0.0,) * 4 and texts == ("left", "right", "left", "rest")
    annotations = datasets.load_annotations(tmp_path / "session.xdf")
    eeg = datasets.load_recording(tmp_path / "session.xdf")
    X, y = datasets.annotation_windows(eeg, annotations, 0.5, descriptions=["left", "right"])
    assert y.tolist() == ["left", "right", "left"]
    np.testing.assert_array_equal(X[1], session[0]["values"][1250:1500])
    emg = datasets.load_recording(tmp_path / "session.xdf", channels=["EMG 1"])  # its own clock, 0.25 s on
    X, _ = datasets.annotation_windows(emg, annotations, 0.1, descriptions=["right"])
    start = int(np.argmin(np.abs(emg.times - 2.5)))
    np.testing.assert_array_equal(X[0, :, 0], session[1]["values"][start: start + 100, 0])
    assert abs(start - 2250) <= 1
    # A numeric marker stream gives its values in decimal; without a regular stream, the first marker
    # is the clock's 0 and load_xdf finds no signals.
    codes = stream("Codes", 0, np.array([[7], [12]]), [5.0, 6.5], fmt="int32", kind="Markers", chunk=1)
    write_xdf(tmp_path / "codes.xdf", [codes])
    assert load_xdf_markers(tmp_path / "codes.xdf")[0] == [(0.0, 0.0, "7"), (1.5, 0.0, "12")]
    with pytest.raises(ValueError, match=r"it holds no stream of regular samples of numbers"):
        load_xdf(tmp_path / "codes.xdf")
    # An eye tracker's gaze without a nominal rate (x, y, pupil at irregular times) is neither signals of
    # a rate nor markers: left out, with a warning naming it; the EEG read as before.
    gaze = stream("Gaze", 0, np.random.RandomState(2).normal(size=(40, 3)), np.sort(100 + np.arange(40) * 0.12),
                  fmt="double64", kind="Gaze", chunk=5)
    write_xdf(tmp_path / "gaze.xdf", [session[0], gaze])
    with pytest.warns(UserWarning, match=r"gaze.xdf: its stream\(s\) 'Gaze' \(3 channels of double64, irregular\) "
                                         r"hold samples at irregular times, neither signals of a rate nor markers"):
        with_gaze = load_xdf(tmp_path / "gaze.xdf")
    assert list(with_gaze) == [f"C{k}" for k in range(8)]


def test_a_break_in_a_streams_time_stamps_is_a_gap(tmp_path, capsys):
    t = np.arange(3000) / 100
    wave = np.column_stack([np.sin(2 * np.pi * 0.7 * t), np.cos(2 * np.pi * 0.3 * t)])
    # The amplifier's cable came loose for 10 s after 20 s: a break, a jump of more than a second and of
    # 500 samples (pyxdf's thresholds; 4 s at 100 Hz is 400 samples, jitter to them).
    stamps = 50 + t + 10.0 * (t >= 20)
    write_xdf(tmp_path / "break.xdf", [stream("EEG", 100, wave, stamps, labels=["Fz", "Cz"])])
    with pytest.warns(UserWarning, match=r"break.xdf: the recording pauses 1 time, where the time stamps of its "
                                         r"stream 'EEG' break: after 20 s of samples \(for 10 s\)"):
        recording = datasets.load_recording(tmp_path / "break.xdf")
    assert np.isnan(recording.data[2000]).all() and not np.isnan(np.delete(recording.data, 2000, axis=0)).any()
    np.testing.assert_allclose(recording.times[2001:2003], [30.0, 30.01])  # the clock ran on through it
    settings = ["--n-hidden", "4", "--n-nonlinear", "1", "--max-iter", "1", "--model-out", str(tmp_path / "m.npz")]
    with pytest.warns(UserWarning, match="pauses 1 time"), \
            pytest.raises(SystemExit, match=r"holds NaN or infinite values \(first in row 2000\).*--gaps split"):
        main(["reconstruct", str(tmp_path / "break.xdf"), *settings])
    with pytest.warns(UserWarning, match="pauses 1 time"):
        assert main(["reconstruct", str(tmp_path / "break.xdf"), "--gaps", "split", *settings]) == 0
    assert "the series cut there into" in capsys.readouterr().out


def test_fit_and_predict_the_windows_markers_label_from_the_command_line(tmp_path, capsys):
    rng = np.random.RandomState(1)
    n = 60 * 200
    eeg = rng.normal(scale=5.0, size=(n, 2))
    onsets, labels = [], []
    for trial in range(40):
        start, side = trial * 300 + 50, trial % 2
        eeg[start: start + 60, side] += 40 * np.sin(np.arange(60) / 3)
        onsets.append(10.0 + start / 200)
        labels.append(["left", "right"][side])
    write_xdf(tmp_path / "mi.xdf", [stream("EEG", 200, eeg, 10.0 + np.arange(n) / 200, labels=["C3", "C4"]),
                                    stream("Markers", 0, labels, onsets, fmt="string", chunk=1),
                                    stream("Late", 200, eeg[:3000, :1], 10.55 + np.arange(3000) / 200)])
    model = tmp_path / "mi.alrnn.npz"
    assert main(["fit", str(tmp_path / "mi.xdf"), "--window", "0.3", "--model-out", str(model),
                 "--max-iter", "30"]) == 0
    assert "Windows: 40 of 0.3 s, labelled left, right" in capsys.readouterr().out
    assert main(["predict", str(model), str(tmp_path / "mi.xdf"), "--annotations", str(tmp_path / "mi.xdf")]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 41
    # Without annotations, every window from the channels' first sample: a stream that starts 0.55 s
    # after the main one scores windows from 0.55 s.
    assert main(["fit", str(tmp_path / "mi.xdf"), "--window", "0.3", "--features", "Late 0", "--model-out",
                 str(tmp_path / "late.alrnn.npz"), "--max-iter", "1"]) == 0
    capsys.readouterr()
    assert main(["predict", str(tmp_path / "late.alrnn.npz"), str(tmp_path / "mi.xdf")]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert len(rows) == 1 + 50 and rows[1].startswith("0.55,") and rows[2].startswith("0.85,")


def test_damaged_xdf_files_are_read_up_to_the_damage_or_refused_by_name(tmp_path, session):
    write_xdf(tmp_path / "good.xdf", session[:1] + session[3:])
    good = (tmp_path / "good.xdf").read_bytes()
    # Cut inside a chunk, as a recorder that stopped leaves it: the chunks before it are read.
    (tmp_path / "cut.xdf").write_bytes(good[: len(good) // 2])
    with pytest.warns(UserWarning, match=r"cut.xdf: it ends inside a chunk of \d+ bytes at byte \d+ \(the recorder "
                                         r"stopped while writing it\); the chunks before it are read"):
        read = load_xdf(tmp_path / "cut.xdf")
    assert 0 < len(read["C0"][0]) < 5000
    np.testing.assert_array_equal(read["C0"][0], session[0]["values"][: len(read["C0"][0]), 0])
    # A chunk's length damaged: read on from the next boundary chunk, the samples of the chunks between
    # lost (a break in the time stamps where more than a second of them is).
    broken = bytearray(good)
    second = good.index(b"\x03\x00\x00\x00\x00\x00", good.index(b"\x03\x00\x00\x00\x00\x00") + 10) - 5
    broken[second] = 7
    (tmp_path / "broken.xdf").write_bytes(bytes(broken))
    with pytest.warns(UserWarning, match=r"broken.xdf: a length at byte \d+ is no XDF length; the file is damaged "
                                         r"there, and read on from the next boundary chunk"):
        assert len(load_xdf(tmp_path / "broken.xdf")["C0"][0]) == 5000 - 50
    # A samples chunk whose framing is whole but a sample is not, and a chunk of a stream no header
    # describes: each left out with a warning, the rest read.
    for name, where, value, message in (
            ("sample.xdf", second + 5 + 8, 5, r"sample.xdf: its samples chunk at byte \d+ is damaged \(a sample's "
                                            r"time stamp is given 5 bytes \(0 or 8\)\) and left out: the samples of "
                                            r"stream 'EEG' before and after it are joined"),
            ("stream.xdf", second + 5 + 2, 9, r"stream.xdf: its chunk at byte \d+ holds data of stream 9, which no "
                                            r"header before it describes; it is left out")):
        damaged = bytearray(good)
        damaged[where] = value
        (tmp_path / name).write_bytes(bytes(damaged))
        with pytest.warns(UserWarning, match=message):
            assert len(load_xdf(tmp_path / name)["C0"][0]) == 5000 - 50
    # A header that promises a billion channels (a list of their default labels ran out of memory):
    # each samples chunk is too short for them, and left out.
    xml = (b"<info><name>EEG</name><channel_count>1000000000</channel_count><nominal_srate>100</nominal_srate>"
           b"<channel_format>float32</channel_format></info>")
    samples = struct.pack("<I", 0) + _varlen(3) + b"".join(b"\x08" + struct.pack("<d", k / 100) + bytes(8)
                                                         for k in range(3))
    (tmp_path / "huge.xdf").write_bytes(b"XDF:" + _chunk(2, struct.pack("<I", 0) + xml) + _chunk(3, samples))
    with pytest.warns(UserWarning, match=r"its samples chunk at byte 156 is damaged \(a samples chunk of 57 bytes "
                                         r"promises 3 samples\)"), \
            pytest.raises(ValueError, match=r"it holds no stream of regular samples of numbers"):
        load_xdf(tmp_path / "huge.xdf")
    (tmp_path / "text.xdf").write_text("time,x\n0,1\n")
    header = good.index(b"<channel_format>float32")
    cases = [
        (tmp_path / "text.xdf", r"it does not start as an XDF file does \('XDF:'\)"),
        (good[:header] + b"<channel_format>float16" + good[header + 23:],
         r"its chunk at byte \d+: its channel format is 'float16', not one of XDF's"),
        (good.replace(b"<nominal_srate>500<", b"<nominal_srate>-50<"),
         r"its chunk at byte \d+: its header gives 8 channels at -50 Hz"),
        (good.replace(b"<info><name>EEG", b"<inf><name>EEG"), r"its chunk at byte \d+: its header is no XML"),
    ]
    stamps = session[0]["stamps"].copy()
    stamps[3000:] -= 30  # the sender's clock reset
    write_xdf(tmp_path / "reset.xdf", [dict(session[0], stamps=stamps)])
    cases.append((tmp_path / "reset.xdf", r"the time stamps of its stream 'EEG' go back at sample 3000 .*its clock "
                                          r"was reset, or the file is damaged"))
    for number, (content, message) in enumerate(cases):
        path = content if not isinstance(content, bytes) else tmp_path / f"case{number}.xdf"
        if isinstance(content, bytes):
            path.write_bytes(content)
        with pytest.raises(ValueError, match=message):
            load_xdf(path)
        with pytest.raises(ValueError, match=r"cannot read .* as a recording: " + message):
            datasets.load_recording(path)
    (tmp_path / "plain.xdfz").write_bytes(good)  # named compressed, but not
    packed = bytearray(gzip.compress(good))
    packed[12] ^= 0xFF  # damaged inside the deflate stream: zlib.error, which escaped as such
    (tmp_path / "damaged.xdfz").write_bytes(bytes(packed))
    for name in ("plain.xdfz", "damaged.xdfz"):
        with pytest.raises(ValueError, match=r"it is no gzip-compressed XDF file"):
            load_xdf(tmp_path / name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(load_xdf(tmp_path / "good.xdf")["C0"][0]) == 5000
