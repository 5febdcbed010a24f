"""The archives' other formats (ARFF, UCR .tsv, Monash .tsf): the same problem in every format reads
the same, hand-written files with padding, missing values and labels, and malformed files."""

import gzip
import pathlib
import zipfile

import numpy as np
import pytest

from sklearn_alrnn import ALRNNForecaster
from sklearn_alrnn.datasets import load_arff, load_ts, load_tsf, load_ucr_tsv

ARCHIVE = pathlib.Path(__file__).parent / "data" / "archive"


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


@pytest.mark.parametrize("reader, suffix", [(load_arff, ".arff"), (load_ucr_tsv, ".tsv")])
def test_gunpoint_reads_as_its_ts_file(reader, suffix):
    X_ts, y_ts, meta_ts = load_ts(ARCHIVE / "GunPoint_TRAIN.ts", return_metadata=True)
    X, y, meta = reader(ARCHIVE / f"GunPoint_TRAIN{suffix}", return_metadata=True)
    assert X.shape == X_ts.shape == (4, 150, 1)
    np.testing.assert_array_equal(X, X_ts)
    np.testing.assert_array_equal(y, y_ts)
    # an ARFF file declares its labels, a .tsv file none: those seen
    assert meta["class_labels"] == (meta_ts["class_labels"] if suffix == ".arff" else sorted(set(y_ts)))
    assert meta["target"] == "class" and meta["univariate"] and meta["equal_length"]


def test_multivariate_relational_arff_reads_as_its_ts_file():
    X_ts, y_ts, meta_ts = load_ts(ARCHIVE / "BasicMotions_TRAIN.ts", return_metadata=True)
    X, y, meta = load_arff(ARCHIVE / "BasicMotions_TRAIN.arff", return_metadata=True)
    assert X.shape == (3, 100, 6)
    np.testing.assert_array_equal(X, X_ts)  # channels last: dimension k is the relational attribute's row k
    np.testing.assert_array_equal(y, y_ts)
    assert meta == meta_ts  # the relation's quotes dropped: "BasicMotions"


def test_arff_padding_missing_values_and_quoted_labels(tmp_path):
    path = _write(tmp_path, "toy.arff", (
        "% a comment\n@RELATION 'toy set'\n@ATTRIBUTE series RELATIONAL\n"
        "@attribute t0 numeric\n@attribute t1 numeric\n@attribute t2 numeric\n@end series\n"
        "@attribute class {a,'b c'}\n@DATA\n"
        "'1,?,3\\n4,5,6','b c'\n"  # a missing value inside the case
        "'1,2,?\\n4,5,?',a\n"  # padding: two steps of three
    ))
    X, y, meta = load_arff(path, return_metadata=True)
    assert isinstance(X, list) and [case.shape for case in X] == [(3, 2), (2, 2)]
    np.testing.assert_array_equal(X[0], [[1, 4], [np.nan, 5], [3, 6]])
    np.testing.assert_array_equal(X[1], [[1, 4], [2, 5]])
    assert y.tolist() == ["b c", "a"]
    assert meta["problem_name"] == "toy set" and meta["missing"] and not meta["equal_length"]
    assert meta["class_labels"] == ["a", "b c"]



def test_arff_labels_as_weka_writes_them(tmp_path):
    # Quoted labels after unquoted ones, labels beyond ASCII, double-quoted names: SciPy's reader,
    # tried first, stopped on each.
    path = _write(tmp_path, "labels.arff", (
        '@relation "K\u00fcche & Bad"\n@attribute "t 0" numeric\n@attribute \'t 1\' REAL\n'
        "@attribute Ger\u00e4t {K\u00fchlschrank,'\u00d6fen & Herd',\"x, y\"}\n@data\n"
        "1,2,K\u00fchlschrank\n3,4,'\u00d6fen & Herd'\n 5 , 6 , \"x, y\"\n"
    ).encode("cp1252"))  # as Windows saves it
    X, y, meta = load_arff(path, return_metadata=True)
    np.testing.assert_array_equal(X[:, :, 0], [[1, 2], [3, 4], [5, 6]])
    assert y.tolist() == ["K\u00fchlschrank", "\u00d6fen & Herd", "x, y"]
    assert meta["class_labels"] == ["K\u00fchlschrank", "\u00d6fen & Herd", "x, y"]
    assert meta["problem_name"] == "K\u00fcche & Bad"

def test_arff_numeric_last_attribute_is_a_regression_target(tmp_path):
    path = _write(tmp_path, "r.arff", "@relation r\n@attribute t0 numeric\n@attribute t1 real\n@attribute y numeric\n"
                                      "@data\n1,2,0.5\n3,4,-1.5\n")
    X, y, meta = load_arff(path, return_metadata=True)
    np.testing.assert_array_equal(X[:, :, 0], [[1, 2], [3, 4]])
    assert y.dtype == float and y.tolist() == [0.5, -1.5] and meta["target"] == "regression"


@pytest.mark.parametrize("text, message", [
    ("hello,world\n1,2\n", "line 1: expected @relation, @attribute or @data"),
    ("@relation r\n@attribute t0 numeric\n@attribute c {a,b}\n", "no @data line"),
    ("@relation r\n@attribute id string\n@attribute t0 numeric\n@attribute c {a,b}\n@data\n'x',1,a\n",
     "line 2: attribute 'id' has type 'string'"),
    ("@relation r\n@attribute t0 numeric\n@attribute c {a,b}\n@data\n1,a\n2,?\n", r"line 6: the case has no target"),
    ("@relation r\n@attribute t0 numeric\n@attribute c {a,b}\n@data\n1,d\n", r"class 'd' is not among those declared"),
    ("@relation r\n@attribute t0 numeric\n@attribute y numeric\n@data\n1,x\n", "value 1 is 'x'"),
    ("@relation r\n@attribute t0 numeric\n@attribute c {a,b}\n@data\n", "no cases"),
    ("@relation r\n@attribute t0 numeric\n@attribute t1 numeric\n@attribute c {a,b}\n@data\n?,?,a\n1,2,b\n",
     "case 1 has no values"),
    ("@relation r\n@attribute t0 numeric\n@attribute c {a,b}\n@data\n{0 1,1 a}\n", "line 5: a sparse instance"),
    ("@relation r\n@attribute t0 numeric\n@attribute c {a,b}\n@data\n1,a,{2}\n", "3 values, expected 2"),
    ("@relation r\n@attribute t0 {x,y}\n@attribute t1 numeric\n@attribute c {a,b}\n@data\nx,1,a\n",
     "attribute 't0' is nominal"),
    ("@relation r\n@attribute s relational\n@attribute t0 numeric\n@data\n", "line 2: .* 's' has no @end line"),
    ("@relation r\n@attribute s relational\n@attribute c {a}\n@end s\n", "'s' holds '@attribute c {a}'"),
    ("@relation r\n@attribute s relational\n@attribute t0 numeric\n@attribute t1 numeric\n@end s\n"
     "@attribute c {a}\n@data\n'1,2\\n3',a\n", r"dimensions of \[1, 2\] values, expected 2"),
])
def test_malformed_arff_is_refused_with_the_reason(tmp_path, text, message):
    with pytest.raises(ValueError, match=message) as error:
        load_arff(_write(tmp_path, "bad.arff", text))
    assert "bad.arff" in str(error.value)


def test_ucr_tsv_padding_and_the_2015_archive_formats(tmp_path):
    X, y, meta = load_ucr_tsv(_write(tmp_path, "Toy_TEST.tsv", "1\t0.5\tNaN\t2\n-1\t1\t2\tNaN\n"), return_metadata=True)
    assert [case[:, 0].tolist() for case in X][1] == [1.0, 2.0]  # the padding dropped ...
    assert np.isnan(X[0][1, 0]) and X[0].shape == (3, 1)  # ... a missing value inside kept
    assert y.tolist() == ["1", "-1"] and meta["problem_name"] == "Toy" and meta["class_labels"] == ["-1", "1"]
    comma = _write(tmp_path, "Old_TRAIN", "1.0000000e+00,-6.4788540e-01,-6.4199155e-01\n2.0000000e+00,1,2\n")
    spaces = _write(tmp_path, "Old_TEST.txt", "  1.0000000e+00  -6.4788540e-01  -6.4199155e-01\n  2.0  1  2\n")
    for path in (comma, spaces):
        X, y = load_ucr_tsv(path)
        assert X.shape == (2, 2, 1) and y.tolist() == ["1", "2"] and X[0, 0, 0] == -6.4788540e-01
    X, y = load_ucr_tsv(_write(tmp_path, "words.tsv", "walk\t1\t2\nrun\t3\t4\n"))
    assert y.tolist() == ["walk", "run"]



def test_files_cut_short_are_named(tmp_path):
    full = (ARCHIVE / "GunPoint_TRAIN.tsv").read_bytes()
    with pytest.warns(UserWarning, match=r"the last line has 141 values where every other has 150.*cut short"):
        X, _ = load_ucr_tsv(_write(tmp_path, "cut.tsv", full[:5000]))
    assert [len(case) for case in X] == [150, 150, 141]
    tsf = (ARCHIVE / "UnitTest_Tsf_Loader.tsf").read_text().replace("@equallength false", "@equallength true")
    with pytest.raises(ValueError, match=r"line 13: 3 values where the first series has 7.*@equallength true"):
        load_tsf(_write(tmp_path, "equal.tsf", tsf))

@pytest.mark.parametrize("text, message", [
    ("1\t1\tx\t3\n", r"line 1: value 2 is 'x'"),
    ("1\t1\tinf\n", "not a finite number"),
    ("1\n", "a class label and no values"),
    ("\n\n", "no cases"),
    (b"\x00\x01\xff\xfe" * 4, "not a text file"),
])
def test_malformed_ucr_tsv_is_refused_by_line(tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        load_ucr_tsv(_write(tmp_path, "bad.tsv", text))


def test_tsf_series_attributes_and_metadata():
    series, attributes, meta = load_tsf(ARCHIVE / "UnitTest_Tsf_Loader.tsf", return_metadata=True)
    assert [s.shape for s in series] == [(7, 1), (3, 1), (5, 1)]
    np.testing.assert_array_equal(series[1][:, 0], [887896.51, 887068.98, 971549.04])
    assert attributes["series_name"].tolist() == ["T1", "T2", "T3"]
    assert attributes["start_timestamp"][2] == np.datetime64("1973-01-01T00:00:00")
    assert meta == {"relation": "test", "frequency": "yearly", "horizon": 4, "missing": False, "equal_length": False}


def test_tsf_missing_values_numeric_attributes_and_a_forecaster_fit(tmp_path):
    path = _write(tmp_path, "m.tsf", "# comment\n@relation m\n@attribute id numeric\n@missing true\n@data\n"
                                     + "".join(f"{i}:" + ",".join("?" if t == 5 else f"{np.sin(0.3 * t + i):.5f}"
                                                                  for t in range(40)) + "\n" for i in range(3)))
    series, attributes, meta = load_tsf(path, return_metadata=True)
    assert attributes["id"].dtype == float and attributes["id"].tolist() == [0.0, 1.0, 2.0]
    assert meta["missing"] and np.isnan(series[0][5, 0]) and meta["horizon"] is None
    # The forecaster reads a list of series and names the gap, as for any series
    with pytest.raises(ValueError, match="NaN"):
        ALRNNForecaster(max_iter=1).fit(series)


@pytest.mark.parametrize("text, message", [
    ("@relation r\n@attribute n foo\n@data\nT1:1,2\n", "has type 'foo'"),
    ("@relation r\n@attribute n string\n@attribute s date\n@data\nT1:1,2\n", r"expected 2 attribute values \(n, s\)"),
    ("@relation r\n@attribute n string\n@attribute s date\n@data\nT1:2020-01-01:1,2\n", "YYYY-MM-DD HH-MM-SS"),
    ("@relation r\n@attribute n string\n@data\nT1:1,x\n", "line 4: value 2 is 'x'"),
    ("@relation r\n@attribute n string\n@data\nT1:\n", "no values"),
    ("@relation r\n@horizon six\n@data\n", "@horizon must be a whole number"),
    ("@relation r\n@attribute n string\n", "no @data line"),
    ("@relation r\n@attribute n string\n@data\n", "no series"),
    ("a,b\n1,2\n", "not a .tsf file"),
])
def test_malformed_tsf_is_refused_by_line(tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        load_tsf(_write(tmp_path, "bad.tsf", text))


def test_files_written_on_windows_read(tmp_path):
    path = _write(tmp_path, "w.tsf", "# Temperatur \xb0C\r\n@relation w\r\n@attribute n string\r\n@data\r\nA:1,2\r\n"
                  .encode("cp1252"))
    series, attributes = load_tsf(path)
    assert attributes["n"].tolist() == ["A"] and series[0][:, 0].tolist() == [1.0, 2.0]
    byte_order_mark = "\ufeff"
    arff_text = byte_order_mark + "@relation w\n@attribute t0 numeric\n@attribute c {a}\n@data\n1,a\n"
    X, y = load_arff(_write(tmp_path, "w.arff", arff_text))
    assert X.shape == (1, 1, 1) and y.tolist() == ["a"]


@pytest.mark.parametrize("reader", [load_ts, load_arff, load_ucr_tsv, load_tsf])
def test_compressed_downloads_are_named(tmp_path, reader):
    # The archives ship zip files (Zenodo's Monash files too): read as text they failed on a byte.
    text = (ARCHIVE / "GunPoint_TRAIN.ts").read_bytes()
    with zipfile.ZipFile(tmp_path / "GunPoint.zip", "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("GunPoint_TRAIN.ts", text)
    gzipped = _write(tmp_path, "GunPoint_TRAIN.ts.gz", gzip.compress(text))
    for packed, name in ((tmp_path / "GunPoint.zip", "zip"), (gzipped, "gzip")):
        with pytest.raises(ValueError, match=f"a {name} archive, not a text file; extract the file from it first"):
            reader(packed)
