"""The archives' simpler text formats: the UCR 2018 archive's tab-separated values (one case per
line, its label first; NaN pads unequal lengths), read back as :func:`load_ts` gives the same
problem's ``.ts`` file, and the Monash forecasting archive's ``.tsf`` (one series per line, after its
attributes). ARFF has its own module, ``_arff_format``.
"""

import datetime
import os
import re

import numpy as np

from ._ts_format import _Malformed, _valid_length, as_loaded, read_text
from ._warnings import warn_user

__all__ = ["load_ucr_tsv", "load_tsf"]

_MISSING = ("?", "nan", "NaN", "NAN", "")


def without_padding(cases, path):
    """The cases without their trailing all-NaN steps, padding in an archive file."""
    for number, case in enumerate(cases, start=1):
        if np.isnan(case).all():
            raise ValueError(f"{os.fspath(path)}: case {number} has no values (every one is missing).")
    return [case[: _valid_length(case)] for case in cases]


def load_ucr_tsv(path, *, return_metadata=False):
    """Read a file of the UCR 2018 archive: one case per line, its class label then its values.

    The UCR archive's ``<Name>_TRAIN.tsv`` and ``<Name>_TEST.tsv`` separate
    fields by tabs; the 2015 archive's files (no suffix or ``.txt``) by commas
    or spaces, which are read too. Values are univariate; ``NaN`` pads the
    shorter cases of unequal-length problems.

    Parameters
    ----------
    path : str or path-like
    return_metadata : bool, default=False
        Also return the description :func:`load_ts` gives; ``problem_name``
        is the file name without ``_TRAIN`` / ``_TEST`` and its suffix.

    Returns
    -------
    X : ndarray of shape (n_samples, n_timesteps, 1) or list of ndarray
        A list of ``(n_timesteps_i, 1)`` arrays when the cases differ in
        length (their NaN padding dropped).
    y : ndarray of shape (n_samples,)
        Class labels as strings. Numeric labels are written as integers where
        they are whole numbers (the 2015 archive's ``1.0000000e+00`` reads
        ``"1"``), as the same problem's ``.ts`` file declares them.
    metadata : dict
        Only with ``return_metadata=True``.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn_alrnn.datasets import load_ucr_tsv
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "Toy_TRAIN.tsv")
    >>> with open(path, "w") as file:
    ...     _ = file.write("1\\t0.5\\t0.25\\t0.125\\n2\\t-1.0\\t1.0\\tNaN\\n")
    >>> X, y = load_ucr_tsv(path)
    >>> [case[:, 0].tolist() for case in X], y.tolist()
    ([[0.5, 0.25, 0.125], [-1.0, 1.0]], ['1', '2'])
    >>> folder.cleanup()
    """
    cases, labels = read_text(path, lambda handle: _read_tsv(handle, path), "a UCR .tsv file")
    if not cases:
        raise ValueError(f"{os.fspath(path)}: the file has no cases.")
    others = {len(case) for case in cases[:-1]}
    if len(others) == 1 and len(cases[-1]) < min(others):  # the archive pads every line to one length
        warn_user(f"{os.fspath(path)}: the last line has {len(cases[-1])} values where every other has "
                      f"{min(others)}: read as a shorter case; was the file cut short?", UserWarning)
    cases = without_padding(cases, path)
    y = np.array(_whole_numbers_as_integers(labels))
    name = re.sub(r"_(TRAIN|TEST)$", "", os.path.splitext(os.path.basename(os.fspath(path)))[0], flags=re.I)
    return as_loaded(cases, y, name, sorted(set(y.tolist())), "class", return_metadata)


def _separator(line):
    """The field separator of a UCR file's line: tabs (2018), else commas, else runs of spaces (2015)."""
    return "\t" if "\t" in line else "," if "," in line else None


def is_ucr_case(line):
    """Whether a line of text reads as a case of a UCR file (a label, then numbers or NaN separated by
    tabs, commas or spaces) rather than as a table's header."""
    fields = line.strip().split(_separator(line))[1:]
    return bool(fields) and all(field.strip() in _MISSING or np.isfinite(_number(field)) for field in fields)


def _read_tsv(handle, path):
    cases, labels, separator = [], [], None
    for line_number, raw in enumerate(handle, start=1):
        line = raw.strip()
        if not line:
            continue
        if separator is None:
            separator = _separator(line)
        label, *fields = [field.strip() for field in line.split(separator)]
        if not fields:
            raise ValueError(f"{os.fspath(path)}, line {line_number}: a class label and no values; a line of a UCR "
                             "file is the label, then the series' values.")
        try:
            values = numbers(fields)
        except _Malformed as error:
            raise ValueError(f"{os.fspath(path)}, line {line_number}: {error}.") from None
        cases.append(values[:, None])
        labels.append(label)
    return cases, labels


def numbers(fields):
    """The values of text fields, NaN for the missing ones ('?', NaN, empty); an error naming the first
    that is neither."""
    try:
        values = np.array([np.nan if field in _MISSING else field for field in fields], dtype=float)
        if np.isfinite(values[~np.isin(fields, _MISSING)]).all():
            return values
    except ValueError:  # a field that is no number, or a missing value with spaces around it
        pass
    values = np.empty(len(fields))
    for i, field in enumerate(fields):
        text = field.strip()
        values[i] = np.nan if text in _MISSING else _number(text)
        if text not in _MISSING and not np.isfinite(values[i]):
            raise _Malformed(f"value {i + 1} is {field!r}, not a finite number or a missing value ('?' or NaN)")
    return values


def _number(text):
    """``float(text)``, NaN where it is not a number."""
    try:
        return float(text)
    except ValueError:
        return np.nan


def _whole_numbers_as_integers(labels):
    """Labels as text, numeric ones that are whole numbers written as integers."""
    values = [_number(label) for label in labels]
    if not all(np.isfinite(value) and value == int(value) for value in values):
        return labels
    return [str(int(value)) for value in values]


def load_tsf(path, *, return_metadata=False):
    """Read a ``.tsf`` file of the Monash time-series forecasting archive.

    A header of ``@attribute name type`` lines (``string``, ``numeric`` or
    ``date``) and of ``@frequency``, ``@horizon``, ``@missing`` and
    ``@equallength``; then one series per line, its attribute values then its
    values, separated by ``:`` (values by ``,``, ``?`` for a missing one).

    Parameters
    ----------
    path : str or path-like
    return_metadata : bool, default=False
        Also return the header: ``relation``, ``frequency`` (or None),
        ``horizon`` (an int, or None), ``missing`` and ``equal_length``.

    Returns
    -------
    series : list of ndarray of shape (n_timesteps_i, 1)
        One array per series, as :meth:`ALRNNForecaster.fit` reads a list of
        series; missing values are NaN.
    attributes : dict
        Each attribute's values over the series, by name: strings, floats for
        ``numeric`` and ``numpy.datetime64`` for ``date`` attributes (such as
        each series' ``start_timestamp``).
    metadata : dict
        Only with ``return_metadata=True``.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn_alrnn.datasets import load_tsf
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "toy.tsf")
    >>> with open(path, "w") as file:
    ...     _ = file.write("@relation toy\\n@attribute series_name string\\n@attribute start_timestamp date\\n"
    ...                    "@frequency yearly\\n@horizon 2\\n@data\\n"
    ...                    "T1:1979-01-01 00-00-00:1.0,2.0,3.0\\nT2:1981-01-01 00-00-00:4.0,?\\n")
    >>> series, attributes, metadata = load_tsf(path, return_metadata=True)
    >>> [s[:, 0].tolist() for s in series], attributes["series_name"].tolist(), metadata["horizon"]
    ([[1.0, 2.0, 3.0], [4.0, nan]], ['T1', 'T2'], 2)
    >>> str(attributes["start_timestamp"][1])
    '1981-01-01T00:00:00'
    >>> folder.cleanup()
    """
    header, names, kinds, rows, series = read_text(path, lambda handle: _read_tsf(handle, path), "a .tsf file")
    if not series:
        raise ValueError(f"{os.fspath(path)}: the file has no series after @data.")
    attributes = {}
    for column, (name, kind) in enumerate(zip(names, kinds)):
        values = [row[column] for row in rows]
        attributes[name] = np.array(values, dtype={"numeric": float, "date": "datetime64[s]"}.get(kind, str))
    if not return_metadata:
        return series, attributes
    metadata = {
        "relation": header.get("relation"),
        "frequency": header.get("frequency"),
        "horizon": header.get("horizon"),
        "missing": any(np.isnan(values).any() for values in series),
        "equal_length": len({values.shape[0] for values in series}) == 1,
    }
    return series, attributes, metadata


def _read_tsf(handle, path):
    header, names, kinds, rows, series, in_data = {}, [], [], [], [], False
    for line_number, raw in enumerate(handle, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{os.fspath(path)}, line {line_number}"
        if not in_data:
            if not line.startswith("@"):
                raise ValueError(f"{where}: expected a header line starting with '@' before @data; "
                                 "this is not a .tsf file.")
            key, _, rest = line[1:].partition(" ")
            key, rest = key.lower(), rest.strip()
            if key == "data":
                in_data = True
            elif key == "attribute":
                name, _, kind = rest.partition(" ")
                if kind.strip().lower() not in ("string", "numeric", "date"):
                    raise ValueError(f"{where}: attribute {name!r} has type {kind.strip()!r}; a .tsf attribute is "
                                     "string, numeric or date.")
                names.append(name)
                kinds.append(kind.strip().lower())
            elif key == "horizon":
                if not rest.isdigit():
                    raise ValueError(f"{where}: @horizon must be a whole number; got {rest!r}.")
                header["horizon"] = int(rest)
            elif key in ("relation", "frequency"):
                header[key] = rest
            elif key == "equallength":
                header[key] = rest.lower() == "true"
            continue
        fields = line.split(":", len(names))
        if len(fields) != len(names) + 1:
            raise ValueError(f"{where}: expected {len(names)} attribute values ({', '.join(names)}) and the "
                             f"series, separated by ':'; got {len(fields)} fields.")
        rows.append([_attribute_value(text, kind, where) for text, kind in zip(fields, kinds)])
        series.append(_tsf_values(fields[-1], where)[:, None])
        if header.get("equallength") and len(series[-1]) != len(series[0]):
            raise ValueError(f"{where}: {len(series[-1])} values where the first series has {len(series[0])}, but the "
                             "header says @equallength true (a file cut short?).")
    if not in_data:
        raise ValueError(f"{os.fspath(path)}: no @data line; this is not a .tsf file.")
    return header, names, kinds, rows, series


def _attribute_value(text, kind, where):
    if kind == "string":
        return text
    try:
        if kind == "numeric":
            return float(text)
        return np.datetime64(datetime.datetime.strptime(text.strip(), "%Y-%m-%d %H-%M-%S"), "s")
    except ValueError:
        expected = "a number" if kind == "numeric" else "a date written YYYY-MM-DD HH-MM-SS"
        raise ValueError(f"{where}: attribute value {text!r} is not {expected}.") from None


def _tsf_values(text, where):
    if not text.strip():
        raise ValueError(f"{where}: the series has no values after its attributes.")
    try:
        return numbers([field.strip() for field in text.split(",")])
    except _Malformed as error:
        raise ValueError(f"{where}: {error}.") from None
