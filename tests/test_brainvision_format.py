"""BrainVision recordings: the reader against samples written by the format's rules (binary in both
orientations, ASCII), the header's fields and defaults, damaged recordings, and reconstruct on one."""

import re
import warnings

import numpy as np
import pytest

from sklearn_alrnn import load
from sklearn_alrnn._brainvision_format import load_brainvision
from sklearn_alrnn._data_files import read_series
from sklearn_alrnn.cli import main

FIRST_LINE = "Brain Vision Data Exchange Header File Version 1.0"


def write_brainvision(folder, name, stored, channels, interval=2000, number_type="INT_16", orientation="MULTIPLEXED",
                      encoding="utf-8", data_file=None, markers=("New Segment,,1,1,0,20240101120000000000",)):
    """A recording of ``stored`` numbers (samples, channels) and ``channels`` lines ("name,reference,
    resolution,unit"), with its header and a marker file of ``markers`` (None: none written);
    ``number_type`` "ASCII" writes the numbers as text, a line per sample (multiplexed) or per channel
    (vectorized, after the channel's name)."""
    data_file = data_file or f"{name}.eeg"
    layout = stored if orientation == "MULTIPLEXED" else stored.T
    if number_type == "ASCII":
        lines = [" ".join(f"{value:g}" for value in row) for row in layout]
        if orientation == "VECTORIZED":
            lines = [f"{channel.split(',')[0]} {line}" for channel, line in zip(channels, lines)]
        (folder / data_file).write_text("header line\n" + "\n".join(lines) + "\n")
        details = f"[ASCII Infos]\nDecimalSymbol=.\nSkipLines=1\nSkipColumns={int(orientation == 'VECTORIZED')}\n"
    else:
        dtype = {"INT_16": "<i2", "UINT_16": "<u2", "INT_32": "<i4", "IEEE_FLOAT_32": "<f4", "IEEE_FLOAT_64": "<f8"}
        layout.astype(dtype.get(number_type, "<i2")).tofile(folder / data_file)
        details = f"[Binary Infos]\nBinaryFormat={number_type}\n"
    header = (f"{FIRST_LINE}\n; written by the test\n\n[Common Infos]\nCodepage=UTF-8\nDataFile={data_file}\n"
              f"MarkerFile={name}.vmrk\nDataFormat={'ASCII' if number_type == 'ASCII' else 'BINARY'}\n"
              f"DataOrientation={orientation}\nNumberOfChannels={len(channels)}\nSamplingInterval={interval}\n\n"
              f"{details}\n[Channel Infos]\n; Ch<n>=<name>,<reference>,<resolution>,<unit>\n" +
              "".join(f"Ch{i + 1}={channel}\n" for i, channel in enumerate(channels)) + "\n[Comment]\nA=1,2\n")
    (folder / f"{name}.vhdr").write_bytes(header.encode(encoding))
    if markers is not None:
        (folder / f"{name}.vmrk").write_text(
            "Brain Vision Data Exchange Marker File, Version 1.0\n\n[Common Infos]\nCodepage=UTF-8\n"
            f"DataFile={data_file}\n\n[Marker Infos]\n" +
            "".join(f"Mk{i + 1}={marker}\n" for i, marker in enumerate(markers)))


@pytest.mark.parametrize("number_type", ["INT_16", "UINT_16", "INT_32", "IEEE_FLOAT_32", "IEEE_FLOAT_64", "ASCII"])
@pytest.mark.parametrize("orientation", ["MULTIPLEXED", "VECTORIZED"])
def test_every_number_type_and_orientation_reads_the_channels_in_their_units(tmp_path, number_type, orientation):
    rng = np.random.RandomState(0)
    stored = rng.randint(0 if number_type == "UINT_16" else -3000, 3000, size=(101, 3)).astype(float)
    if "FLOAT" in number_type:
        stored = rng.normal(size=(101, 3)).astype(np.float32).astype(float)
    write_brainvision(tmp_path, "eeg", stored, ["Fp1,REF,0.1,µV", "C\\1z,,2,mV", "EMG,,,µV"], interval=4000,
                      number_type=number_type, orientation=orientation)
    read = load_brainvision(tmp_path / "eeg.vhdr")
    assert list(read) == ["Fp1", "C,z", "EMG"]  # "\1" writes a comma in a name
    for (samples, rate), resolution, column in zip(read.values(), [0.1, 2.0, 1.0], stored.T):
        np.testing.assert_array_equal(samples, column * resolution)  # no resolution: 1
        assert rate == 250  # 4,000 microseconds a sample


def test_header_encodings_and_names(tmp_path):
    stored = np.arange(12.0).reshape(6, 2)
    write_brainvision(tmp_path, "old", stored, ["Fz,,0.5,µV", "Fz,,0.5,µV"], encoding="cp1252")  # older recorders
    read = load_brainvision(tmp_path / "old.vhdr")
    assert list(read) == ["Fz", "Fz (1)"]
    np.testing.assert_array_equal(read["Fz (1)"][0], stored[:, 1] * 0.5)
    # A data file named with the recorder's folder is read beside the header.
    (tmp_path / "old.vhdr").write_bytes((tmp_path / "old.vhdr").read_bytes().replace(b"DataFile=old.eeg",
                                                                                     b"DataFile=C:\\EEG\\old.eeg"))
    np.testing.assert_array_equal(load_brainvision(tmp_path / "old.vhdr")["Fz"][0], stored[:, 0] * 0.5)


def test_a_new_segment_after_a_pause_is_a_gap(tmp_path):
    stored = np.arange(600.0).reshape(300, 2)
    markers = ["New Segment,,1,1,0,20240101120000000000", "Stimulus,S  1,50,1,0",
               "New Segment,,101,1,0,20240101120005000000",  # 5 s after the start, 1 s of samples later
               "New Segment,,201,1,0"]  # an exported file's next segment, no date
    write_brainvision(tmp_path, "paused", stored, ["Fz,,1,µV", "Cz,,0.5,µV"], interval=10000, markers=markers)
    with pytest.warns(UserWarning, match=r"paused.vhdr: the recording pauses 2 times, where its marker file starts a "
                                         r"new segment: after 1 s of samples \(for 4 s\); after 2 s of samples. "
                                         r"Each pause is read as one missing row"):
        read = load_brainvision(tmp_path / "paused.vhdr")
    for (samples, rate), resolution, column in zip(read.values(), [1.0, 0.5], stored.T):
        np.testing.assert_array_equal(np.flatnonzero(np.isnan(samples)), [100, 201])  # MNE's onsets: 1 s and 2 s
        np.testing.assert_array_equal(np.delete(samples, [100, 201]), column * resolution)
    write_brainvision(tmp_path, "whole", stored, ["Fz,,1,µV", "Cz,,1,µV"], markers=markers[:2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not np.isnan(load_brainvision(tmp_path / "whole.vhdr")["Fz"][0]).any()
    # An export of Analyzer's segmentation: three segments of 100 points, a stack of series (its
    # markers' new segments are where they start).
    header = (tmp_path / "paused.vhdr").read_text()
    for points, message in (("100", None), ("70", r"it holds 300 samples, no whole number of segments of 70")):
        (tmp_path / "paused.vhdr").write_text(header.replace(
            "Codepage=UTF-8", f"Codepage=UTF-8\nSegmentationType=MARKERBASED\nSegmentDataPoints={points}"))
        if message:
            with pytest.raises(ValueError, match=message):
                load_brainvision(tmp_path / "paused.vhdr")
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            segments, rate = load_brainvision(tmp_path / "paused.vhdr")["Cz"]
        np.testing.assert_array_equal(segments, stored[:, 1].reshape(3, 100) * 0.5)
    write_brainvision(tmp_path, "unmarked", stored, ["Fz,,1,µV", "Cz,,1,µV"], markers=None)
    with pytest.warns(UserWarning, match=r"unmarked.vhdr: its marker file unmarked.vmrk cannot be read \(.*No such "
                                         r"file.*\); the pauses it may mark are not known"):
        np.testing.assert_array_equal(load_brainvision(tmp_path / "unmarked.vhdr")["Fz"][0], stored[:, 0])


def test_damaged_and_unread_recordings_are_refused_by_name(tmp_path):
    stored = np.arange(40.0).reshape(20, 2)
    write_brainvision(tmp_path, "rec", stored, ["Fz,,1,µV", "Cz,,1,µV"])
    header, data = tmp_path / "rec.vhdr", tmp_path / "rec.eeg"
    data.write_bytes(data.read_bytes()[:-2])
    with pytest.raises(ValueError, match=r"rec.eeg holds 39 numbers, no whole number of samples of 2 channels: the "
                                         r"file is cut short"):
        load_brainvision(header)
    text = header.read_text()
    cases = {
        text.replace(FIRST_LINE, "Version 1.0"): r"its first line is 'Version 1.0', not a BrainVision header's",
        text.replace("NumberOfChannels=2\n", ""): r"its header gives no NumberOfChannels in \[Common Infos\]",
        text.replace("NumberOfChannels=2", "NumberOfChannels=3"): r"its header describes no channel 3 \(Ch3= in",
        text.replace("SamplingInterval=2000", "SamplingInterval=fast"): r"its header's SamplingInterval is 'fast'",
        text.replace("SamplingInterval=2000", "SamplingInterval=0"): r"2 channels sampled every 0 microseconds",
        text.replace("INT_16", "INT_24"): r"its samples are stored as INT_24, which is not read here",
        text.replace("=MULTIPLEXED", "=INTERLEAVED"): r"its data orientation is 'INTERLEAVED'",
        text.replace("Fz,,1,", "Fz,,one,"): r"its header's resolution of channel 'Fz' is 'one', not a finite number",
        text.replace("[Common Infos]\n", "[Common Infos\n"): r"its header is no INI text",
        text.replace("Codepage=UTF-8", "Codepage=UTF-8\nDataType=FREQUENCYDOMAIN"):  # Analyzer's spectra
            r"its DataType is FREQUENCYDOMAIN: its numbers are no recording over time \(TIMEDOMAIN\)",
    }
    for written, message in cases.items():
        header.write_text(written)
        with pytest.raises(ValueError, match=message):
            load_brainvision(header)
    write_brainvision(tmp_path, "text", np.ones((5, 2)), ["Fz,,1,µV", "Cz,,1,µV"], number_type="ASCII")
    (tmp_path / "text.eeg").write_text("header line\n1 2\n3 x\n")
    with pytest.raises(ValueError, match=r"line 3 of text.eeg holds a cell that is no number"):
        load_brainvision(tmp_path / "text.vhdr")
    (tmp_path / "text.eeg").write_text("header line\n1 2\n3\n")
    with pytest.raises(ValueError, match=r"text.eeg holds 2 lines of \[1, 2\] numbers, not a line per sample of 2"):
        load_brainvision(tmp_path / "text.vhdr")
    write_brainvision(tmp_path, "cut", np.ones((5, 2)), ["Fz,,1,µV", "Cz,,1,µV"])
    (tmp_path / "cut.eeg").write_bytes(b"")  # a data file cut to nothing: before, an array of 0 rows
    with pytest.raises(SystemExit, match=r"cannot read a numeric series from .*cut.vhdr': its signals \['Fz', 'Cz'\] "
                                         r"hold no samples"):
        read_series(str(tmp_path / "cut.vhdr"))


def test_reconstruct_reads_a_recording_by_its_header_or_data_file(tmp_path, capsys):
    t = np.arange(3000)
    stored = np.column_stack([np.round(800 * np.sin(2 * np.pi * t / 90)), np.round(500 * np.cos(2 * np.pi * t / 90)),
                              np.round(300 * np.sin(2 * np.pi * t / 400))])
    write_brainvision(tmp_path, "sub-01_eeg", stored, ["Fz,,0.1,µV", "Cz,,0.1,µV", "Resp,,1,mV"], interval=2000)
    settings = ["--n-hidden", "5", "--n-nonlinear", "1", "--max-iter", "1", "--model-out"]
    for given in ("sub-01_eeg.vhdr", "sub-01_eeg.eeg"):
        assert main(["reconstruct", str(tmp_path / given), *settings, str(tmp_path / "eeg.alrnn.npz")]) == 0
        out = capsys.readouterr().out
        assert re.search(r"largest Lyapunov exponents +.* per step = .* per second \(the file's 500 Hz\)", out)
        model = load(tmp_path / "eeg.alrnn.npz")
        assert list(model.feature_names_in_) == ["Fz", "Cz", "Resp"]
        np.testing.assert_allclose(model.initial_observation_, stored[0] * [0.1, 0.1, 1], atol=1e-12)
    assert main(["forecast", str(tmp_path / "eeg.alrnn.npz"), str(tmp_path / "sub-01_eeg.vhdr"), "--steps", "3"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "step,Fz,Cz,Resp"
    assert main(["reconstruct", str(tmp_path / "sub-01_eeg.vhdr"), "--features", "Resp", "Fz", *settings,
                 str(tmp_path / "two.alrnn.npz")]) == 0
    assert list(load(tmp_path / "two.alrnn.npz").feature_names_in_) == ["Resp", "Fz"]
