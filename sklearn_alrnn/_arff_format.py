"""Weka's ARFF text format as the UCR/UEA time-series archive writes its problems in it.

A univariate problem has one numeric attribute per time step and the target last; a multivariate
one (UEA) has one relational attribute, whose quoted value holds the dimensions as rows separated
by ``\\n``, then the target::

    @relation BasicMotions
    @attribute relationalAtt relational
      @attribute t0 numeric
      @attribute t1 numeric
    @end relationalAtt
    @attribute activity {Standing,Running}
    @data
    '0.1,0.2\\n0.3,0.4',Standing

``?`` marks a missing value; unequal lengths are padded with it. Names and nominal values may be
quoted with ``'`` or ``"``; ``%`` starts a comment. (SciPy's ``scipy.io.arff`` reads relational
attributes too, but stores nominal values as ASCII and takes the quoting of every row from the
first one, so a label such as ``'fast run'`` after an unquoted one, or ``Kühlschrank``, stopped it.)
"""

import os
import re

import numpy as np

from ._archive_formats import numbers, without_padding
from ._ts_format import _Malformed, _stack_case, as_loaded, read_text

__all__ = ["load_arff"]

_ATTRIBUTE = re.compile(r"""@attribute\s+('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\S+)\s*(.*)$""", re.IGNORECASE)
_FIELD = re.compile(r"""\s*('[^'\\]*(?:\\.[^'\\]*)*'|"[^"\\]*(?:\\.[^"\\]*)*"|[^,]*?)\s*(,|$)""")
_NUMERIC = ("numeric", "real", "integer")


def load_arff(path, *, return_metadata=False):
    """Read an ARFF file of the UCR/UEA time-series archive (Weka's format).

    The last attribute is the target: class labels when it is nominal
    (``{a,b,c}``), regression targets when numeric. The others are the time
    steps (univariate problems), or one relational attribute holds the
    dimensions as its rows (multivariate problems, as the UEA archive writes
    them).

    Parameters
    ----------
    path : str or path-like
    return_metadata : bool, default=False
        Also return the description :func:`load_ts` gives: ``problem_name``
        (the ``@relation``), ``univariate``, ``equal_length``,
        ``n_dimensions``, ``missing``, ``class_labels`` and ``target``.

    Returns
    -------
    X : ndarray of shape (n_samples, n_timesteps, n_dimensions) or list of ndarray
        Channels last; a list of ``(n_timesteps_i, n_dimensions)`` arrays
        when the cases differ in length (their ``?`` padding dropped).
        Missing values inside a case are NaN.
    y : ndarray of shape (n_samples,)
        Class labels as strings, or regression targets as floats.
    metadata : dict
        Only with ``return_metadata=True``.

    Raises
    ------
    ValueError
        If the file is not ARFF, an attribute other than the target is not
        numeric, or a case has no label; the message names the file and line.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn_alrnn.datasets import load_arff
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "toy.arff")
    >>> with open(path, "w") as file:
    ...     _ = file.write("@relation toy\\n@attribute t0 numeric\\n@attribute t1 numeric\\n@attribute t2 numeric\\n"
    ...                    "@attribute target {up,down}\\n@data\\n1.0,2.0,3.0,up\\n2.0,?,4.0,down\\n")
    >>> X, y = load_arff(path)
    >>> X[:, :, 0].tolist(), y.tolist()
    ([[1.0, 2.0, 3.0], [2.0, nan, 4.0]], ['up', 'down'])
    >>> folder.cleanup()
    """
    relation, attributes, cases, labels = read_text(path, lambda handle: _read(handle, path), "an ARFF file")
    cases = without_padding(cases, path)
    _, target_kind, declared = attributes[-1]
    if target_kind == "numeric":
        y, class_labels, target = np.array(labels, dtype=float), None, "regression"
    else:
        y, class_labels, target = np.array(labels, dtype=str), list(declared), "class"
    return as_loaded(cases, y, relation, class_labels, target, return_metadata)


def _read(handle, path):
    relation, attributes, cases, labels = None, [], [], []
    lines = enumerate(handle, start=1)
    for line_number, raw in lines:
        line = raw.strip()
        if not line or line.startswith("%"):
            continue
        try:
            keyword = line.split(None, 1)[0].lower()
            if keyword == "@relation":
                relation = _unquoted(line.split(None, 1)[1]) if " " in line or "\t" in line else ""
            elif keyword == "@attribute":
                attributes.append(_attribute(line, lines))
            elif keyword == "@data":
                _check_layout(attributes)
                break
            else:
                raise _Malformed(f"expected @relation, @attribute or @data before the data; got {line[:40]!r}")
        except _Malformed as error:
            raise ValueError(f"{os.fspath(path)}, line {line_number}: {error}.") from None
    else:
        raise ValueError(f"{os.fspath(path)}: no @data line; this is not an ARFF file.")
    for line_number, raw in lines:
        line = raw.strip()
        if not line or line.startswith("%"):
            continue
        try:
            case, label = _case(line, attributes)
        except _Malformed as error:
            raise ValueError(f"{os.fspath(path)}, line {line_number}: {error}.") from None
        cases.append(case)
        labels.append(label)
    if not cases:
        raise ValueError(f"{os.fspath(path)}: the file has no cases after @data.")
    return relation, attributes, cases, labels


def _unquoted(text):
    """A name or value without its quotes and backslash escapes."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return _unescaped(text[1:-1])
    return text


def _unescaped(text):
    return re.sub(r"\\(.)", r"\1", text)


def _attribute(line, lines):
    """(name, kind, detail) of an ``@attribute`` line: kind "numeric", "nominal" (detail: the values) or
    "relational" (detail: the number of its numeric attributes, read from ``lines`` to its ``@end``)."""
    match = _ATTRIBUTE.match(line)
    if match is None or not match[2]:
        raise _Malformed(f"an @attribute line is '@attribute name type'; got {line[:60]!r}")
    name, kind = _unquoted(match[1]), match[2].strip()
    if kind.lower() in _NUMERIC:
        return name, "numeric", None
    if kind.startswith("{") and kind.endswith("}"):
        return name, "nominal", [_unescaped(value) for value in _fields(kind[1:-1]) if value]
    if kind.lower() == "relational":
        n_steps = 0
        for _, raw in lines:
            inner = raw.strip()
            if not inner or inner.startswith("%"):
                continue
            if inner.lower().startswith("@end"):
                return name, "relational", n_steps
            if inner.lower().startswith("@data"):
                break
            if _attribute(inner, lines)[1] != "numeric":
                raise _Malformed(f"relational attribute {name!r} holds {inner[:60]!r}; its attributes, the time "
                                 "steps, must be numeric")
            n_steps += 1
        raise _Malformed(f"relational attribute {name!r} has no @end line before @data")
    raise _Malformed(f"attribute {name!r} has type {kind!r}; this reader takes numeric, nominal {{a,b}} and "
                     "relational attributes (no string or date)")


def _check_layout(attributes):
    """The archive's layouts: numeric time steps or one relational attribute, then a nominal or numeric target."""
    if len(attributes) < 2:
        raise _Malformed(f"{len(attributes)} attributes before @data; an archive problem has its series' attributes "
                         "and the target last")
    steps = attributes[:-1]
    if steps[0][1] == "relational" and len(steps) == 1:
        return
    others = [(name, kind) for name, kind, _ in steps if kind != "numeric"]
    if others:
        raise _Malformed(f"attribute {others[0][0]!r} is {others[0][1]}; the time steps of a series must be numeric "
                         "attributes, or one relational attribute must hold a multivariate series, before the target")


def _fields(text):
    """The comma-separated fields of a line, without the quotes (``'`` or ``"``) around a field; the
    backslash escapes inside are kept (a relational value's ``\\n`` separates its rows)."""
    if "'" not in text and '"' not in text:
        return [field.strip() for field in text.split(",")]
    fields, position = [], 0
    while True:
        match = _FIELD.match(text, position)
        field = match[1]
        fields.append(field[1:-1] if len(field) >= 2 and field[0] == field[-1] and field[0] in "'\"" else field.strip())
        if not match[2]:
            return fields
        position = match.end()


def _case(line, attributes):
    """One case (T, K) and its label from a data line."""
    if line.startswith("{"):
        raise _Malformed("a sparse instance ({index value, ...}); the archive's files are dense: one value per "
                         "attribute, separated by commas")
    fields = _fields(line)
    if len(fields) != len(attributes):
        raise _Malformed(f"{len(fields)} values, expected {len(attributes)} (one per attribute)")
    *values, label = fields
    label = _unescaped(label)
    name, kind, detail = attributes[-1]
    if label == "?":
        raise _Malformed(f"the case has no target ({name} is '?'); drop it from the file, or label it")
    if kind == "nominal" and label not in detail:
        raise _Malformed(f"class {label!r} is not among those declared for {name!r}: {detail}")
    if kind == "numeric" and not np.isfinite(numbers([label])[0]):
        raise _Malformed(f"the target {label!r} is not a finite number")
    if attributes[0][1] != "relational":
        return numbers(values)[:, None], label
    dimensions = [numbers(text.split(",")) for text in re.split(r"\\n|\n", values[0])]
    if any(len(dimension) != attributes[0][2] for dimension in dimensions):
        lengths = sorted({len(dimension) for dimension in dimensions})
        raise _Malformed(f"the relational value has dimensions of {lengths} values, expected {attributes[0][2]} "
                         f"(the attributes of {attributes[0][0]!r})")
    return _stack_case(dimensions), label
