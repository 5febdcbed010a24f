"""The ``.ts`` text format of the UCR/UEA archive, aeon and sktime: reader and writer.

A file is a header of ``@key value`` lines, then ``@data`` and one case per line::

    @problemName GunPoint
    @univariate true
    @equalLength true
    @seriesLength 150
    @classLabel true 1 2
    @data
    -0.64,-0.64,...,-0.64:2

Dimensions (channels) are separated by ``:``, values by ``,``; the last field is
the class label (``@classLabel true``) or the regression target
(``@targetLabel true``). ``?`` (or ``NaN``) marks a missing value. With
``@timeStamps true`` a dimension reads ``(t0,v0),(t1,v1),...``; the values are
kept in order and the time stamps dropped. Lines starting with ``#`` or ``%``
are comments. Keys are case-insensitive, as in aeon's reader.
"""

import os
import re

import numpy as np

from ._warnings import warn_user

__all__ = ["load_ts", "write_ts"]

_BOOLEAN_KEYS = ("timestamps", "missing", "univariate", "equallength")
#: How compressed downloads begin (the archives ship zip files, Zenodo's Monash files are zipped).
_ARCHIVES = ((b"PK\x03\x04", "zip"), (b"\x1f\x8b", "gzip"), (b"BZh", "bzip2"), (b"\xfd7zXZ\x00", "xz"))
_TIMESTAMPED_VALUE = re.compile(r"\(([^,()]*),([^()]*)\)")


class _Malformed(ValueError):
    pass


def _parse_bool(value, key):
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise _Malformed(f"@{key} must be 'true' or 'false'; got {value!r}")


def _parse_header(key, rest, header):
    key = key.lower()
    if key in _BOOLEAN_KEYS:
        header[key] = _parse_bool(rest, key)
    elif key in ("dimensions", "serieslength"):
        try:
            header[key] = int(rest)
        except ValueError:
            raise _Malformed(f"@{key} must be an integer; got {rest!r}") from None
    elif key == "classlabel":
        words = rest.split()
        if not words:
            raise _Malformed("@classLabel needs 'true' followed by the labels, or 'false'")
        header["classlabel"] = _parse_bool(words[0], key)
        if header["classlabel"] and len(words) < 2:
            raise _Malformed("@classLabel true must list the class labels")
        header["class_values"] = words[1:]
    elif key == "targetlabel":
        header["targetlabel"] = _parse_bool(rest.split()[0] if rest else "", key)
    elif key == "problemname":
        header["problemname"] = rest
    # Other keys (@dimension names, @comment...) carry nothing we use.


def _parse_dimension(text, timestamps):
    if timestamps:
        pairs = _TIMESTAMPED_VALUE.findall(text)
        if not pairs and text.strip():
            raise _Malformed(f"expected (timestamp,value) pairs; got {text[:40]!r}")
        fields = [value for _, value in pairs]
    else:
        fields = text.split(",") if text.strip() else []
    try:  # at C speed where every field is a number or '?'; the loop below names the first that is not
        values = np.array([np.nan if field == "?" else field for field in fields], dtype=float)
        if not np.isinf(values).any():
            return values
    except ValueError:
        pass
    values = np.empty(len(fields))
    for i, field in enumerate(fields):
        field = field.strip()
        if field == "?":
            values[i] = np.nan
            continue
        try:
            values[i] = float(field)
        except ValueError:
            raise _Malformed(f"value {i + 1} of a dimension is {field!r}, not a number") from None
        if np.isinf(values[i]):
            raise _Malformed(f"value {i + 1} of a dimension is {field!r}; only finite values or '?' are allowed")
    return values


def _split_case(line, timestamps):
    """The dimensions' texts of one data line (``:`` inside time stamps is kept)."""
    if not timestamps:
        return line.split(":")
    parts, depth, start = [], 0, 0
    for i, char in enumerate(line):
        depth += char == "("
        depth -= char == ")"
        if char == ":" and depth == 0:
            parts.append(line[start:i])
            start = i + 1
    parts.append(line[start:])
    return parts


def _stack_case(dimensions):
    """One case (T, K); dimensions shorter than the longest are NaN-padded at the end."""
    length = max(d.shape[0] for d in dimensions)
    case = np.full((length, len(dimensions)), np.nan)
    for k, values in enumerate(dimensions):
        case[: values.shape[0], k] = values
    return case


def load_ts(path, *, return_metadata=False):
    """Read a ``.ts`` file of the UCR/UEA time-series archive (aeon / sktime format).

    Parameters
    ----------
    path : str or path-like
    return_metadata : bool, default=False
        Also return the header: ``problem_name``, ``univariate``,
        ``equal_length``, ``n_dimensions``, ``missing``, ``class_labels``
        (the declared labels, or None) and ``target`` ("class", "regression"
        or None).

    Returns
    -------
    X : ndarray of shape (n_samples, n_timesteps, n_dimensions) or list of ndarray
        Channels last. A list of ``(n_timesteps_i, n_dimensions)`` arrays when
        the cases differ in length. Missing values are NaN.
    y : ndarray of shape (n_samples,) or None
        Class labels as strings (as declared in the header), regression
        targets as floats, or None when the file has no labels.
    metadata : dict
        Only with ``return_metadata=True``.

    Raises
    ------
    ValueError
        If the file is malformed; the message names the line.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklearn_alrnn.datasets import load_ts, write_ts
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "toy.ts")
    >>> write_ts(path, np.zeros((2, 5, 1)), np.array(["a", "b"]))
    >>> X, y = load_ts(path)
    >>> X.shape, y.tolist()
    ((2, 5, 1), ['a', 'b'])
    >>> folder.cleanup()
    """
    return read_text(path, lambda handle: _read(handle, path, return_metadata), "a .ts file")


def read_text(path, read, kind):
    """``read(handle)`` of the text file at ``path``: UTF-8 (after a byte-order mark, which editors on
    Windows write), else Windows-1252 (comments or labels written on Windows); a compressed or other
    binary file, which ``kind`` names, is refused."""
    with open(path, "rb") as handle:
        start = handle.read(65536)
    packed = next((name for magic, name in _ARCHIVES if start.startswith(magic)), None)
    if packed:
        raise ValueError(f"{os.fspath(path)}: a {packed} archive, not a text file; extract the file from it "
                         f"first ({kind} is text).")
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return read(handle)
    except UnicodeDecodeError as error:
        if b"\x00" in start:
            raise ValueError(
                f"{os.fspath(path)}: not a text file ({error.reason} at byte {error.start}, and a NUL byte "
                f"near its start); {kind} is text."
            ) from None
    with open(path, encoding="cp1252", errors="replace") as handle:
        return read(handle)


def _read(handle, path, return_metadata):
    header = {"timestamps": False, "classlabel": False, "targetlabel": False, "class_values": []}
    cases, labels, in_data = [], [], False
    for line_number, raw in enumerate(handle, start=1):
        line = raw.strip()
        if not line or line.startswith(("#", "%")):
            continue
        try:
            if not in_data:
                if not line.startswith("@"):
                    raise _Malformed("expected a header line starting with '@' before @data")
                key, _, rest = line[1:].partition(" ")
                if key.lower() == "data":
                    in_data = True
                    if header["classlabel"] and header["targetlabel"]:
                        raise _Malformed("@classLabel and @targetLabel cannot both be true")
                else:
                    _parse_header(key, rest.strip(), header)
                continue
            fields = _split_case(line, header["timestamps"])
            has_label = header["classlabel"] or header["targetlabel"]
            if has_label:
                if len(fields) < 2:
                    raise _Malformed("the case has no label after its last ':'")
                labels.append(_parse_label(fields.pop().strip(), header))
            dimensions = [_parse_dimension(text, header["timestamps"]) for text in fields]
            _check_dimensions(dimensions, header, cases)
            cases.append(_stack_case(dimensions))
        except _Malformed as error:
            raise ValueError(f"{os.fspath(path)}, line {line_number}: {error}.") from None
    if not in_data:
        raise ValueError(f"{os.fspath(path)}: no @data line; this is not a .ts file.")
    if not cases:
        raise ValueError(f"{os.fspath(path)}: the file has no cases after @data.")

    lengths = {case.shape[0] for case in cases}
    series_length = header.get("serieslength")
    if header.get("equallength") and series_length is not None and lengths != {series_length}:
        warn_user(
            f"{os.fspath(path)}: the header says @seriesLength {series_length}, but every case has "
            f"{cases[0].shape[0]} values per dimension; read as the data has them (aeon's reader ignores "
            "@seriesLength too).",
            UserWarning,
        )
    y = None
    if header["classlabel"]:
        y = np.asarray(labels, dtype=str)
    elif header["targetlabel"]:
        y = np.asarray(labels, dtype=float)
    target = "class" if header["classlabel"] else "regression" if header["targetlabel"] else None
    class_labels = list(header["class_values"]) if header["classlabel"] else None
    return as_loaded(cases, y, header.get("problemname"), class_labels, target, return_metadata)


def as_loaded(cases, y, problem_name, class_labels, target, return_metadata):
    """An archive reader's answer: the cases as one array when equally long, else a list; the labels or
    targets; and with ``return_metadata`` the archive's description of the problem."""
    lengths = {case.shape[0] for case in cases}
    X = np.stack(cases) if len(lengths) == 1 else cases
    if not return_metadata:
        return X, y
    metadata = {
        "problem_name": problem_name,
        "univariate": cases[0].shape[1] == 1,
        "equal_length": len(lengths) == 1,
        "n_dimensions": cases[0].shape[1],
        "missing": any(np.isnan(case).any() for case in cases),
        "class_labels": class_labels,
        "target": target,
    }
    return X, y, metadata


def _parse_label(text, header):
    if header["classlabel"]:
        if text not in header["class_values"]:
            raise _Malformed(f"class label {text!r} is not among those declared: {header['class_values']}")
        return text
    try:
        return float(text)
    except ValueError:
        raise _Malformed(f"regression target {text!r} is not a number") from None


def _check_dimensions(dimensions, header, cases):
    n_dimensions = len(dimensions)
    expected = cases[0].shape[1] if cases else header.get("dimensions", 1 if header.get("univariate") else None)
    if expected is not None and n_dimensions != expected:
        raise _Malformed(f"the case has {n_dimensions} dimensions, expected {expected}")
    if any(d.shape[0] == 0 for d in dimensions):
        raise _Malformed("a dimension of the case has no values")
    if header.get("equallength"):
        lengths = {d.shape[0] for d in dimensions}
        first = cases[0].shape[0] if cases else min(lengths)
        if lengths != {first}:
            raise _Malformed(
                f"the case has {sorted(lengths)} values per dimension, "
                + (f"the first case {first}" if cases else "a different number in each dimension")
                + " (@equalLength true)"
            )


def _format_values(values):
    return ",".join("?" if np.isnan(v) else repr(float(v)) for v in values)


def write_ts(path, X, y=None, *, problem_name="sequences", class_labels=None):
    """Write sequences (and labels or targets) in the ``.ts`` format :func:`load_ts` reads.

    Parameters
    ----------
    path : str or path-like
    X : ndarray of shape (n_samples, n_timesteps, n_dimensions) or list of ndarray
        Channels last; a list of ``(n_timesteps_i, n_dimensions)`` arrays for
        unequal lengths. NaN is written as the missing value ``?``; trailing
        all-NaN steps of a case (padding) are not written.
    y : array-like of shape (n_samples,), default=None
        Class labels (strings or integers) or float regression targets.
    problem_name : str, default="sequences"
    class_labels : list of str, default=None
        Labels to declare in the header for classification; default: the
        sorted distinct values of ``y``. Float ``y`` is written as a regression
        target.

    Examples
    --------
    Sequences of different lengths, with a missing value:

    >>> import pathlib, tempfile
    >>> import numpy as np
    >>> from sklearn_alrnn.datasets import write_ts
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = pathlib.Path(folder.name) / "toy.ts"
    >>> write_ts(path, [np.array([1.0, np.nan, 3.0]), np.array([4.0, 5.0])], ["up", "down"])
    >>> print(path.read_text())
    @problemName sequences
    ...
    @data
    1.0,?,3.0:up
    4.0,5.0:down
    >>> folder.cleanup()
    """
    cases = [np.asarray(case, dtype=float) for case in X]
    cases = [case[:, None] if case.ndim == 1 else case for case in cases]
    if not cases or any(case.ndim != 2 for case in cases):
        raise ValueError("write_ts needs a non-empty 3-D array or list of 2-D (n_timesteps, n_dimensions) arrays.")
    if any(np.isinf(case).any() for case in cases):
        raise ValueError("X contains infinity; a .ts file holds finite values and '?' for missing ones.")
    n_dimensions = cases[0].shape[1]
    if any(case.shape[1] != n_dimensions for case in cases):
        raise ValueError(f"every case must have {n_dimensions} dimensions like the first one.")
    cases = [case[: _valid_length(case)] for case in cases]
    lengths = {case.shape[0] for case in cases}
    lines = [
        f"@problemName {problem_name}",
        "@timeStamps false",
        f"@missing {str(any(np.isnan(case).any() for case in cases)).lower()}",
        f"@univariate {str(n_dimensions == 1).lower()}",
        f"@dimensions {n_dimensions}",
        f"@equalLength {str(len(lengths) == 1).lower()}",
    ]
    if len(lengths) == 1:
        lines.append(f"@seriesLength {lengths.pop()}")
    labels = None
    if y is not None:
        y = np.asarray(y)
        if y.shape != (len(cases),):
            raise ValueError(f"y must have shape ({len(cases)},) to match X; got {y.shape}.")
        if y.dtype.kind == "f":
            lines.append("@targetLabel true")
            labels = [repr(float(v)) for v in y]
        else:
            labels = [str(v) for v in y]
            declared = [str(v) for v in (class_labels if class_labels is not None else sorted(set(labels)))]
            if any(" " in label or ":" in label for label in declared):
                raise ValueError("class labels in a .ts file cannot contain spaces or ':'.")
            lines.append("@classLabel true " + " ".join(declared))
    else:
        lines.append("@classLabel false")
    lines.append("@data")
    for i, case in enumerate(cases):
        line = ":".join(_format_values(case[:, k]) for k in range(n_dimensions))
        lines.append(line if labels is None else f"{line}:{labels[i]}")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def _valid_length(case):
    """Steps up to the last one with any value (trailing all-NaN steps are padding)."""
    valid = np.flatnonzero(~np.isnan(case).all(axis=1))
    if valid.size == 0:
        raise ValueError("a case has no values (every step is NaN).")
    return int(valid[-1]) + 1
