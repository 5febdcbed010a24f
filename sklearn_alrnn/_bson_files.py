"""BSON files of Julia's BSON.jl: the checkpoints the AL-RNN research code (DurstewitzLab/ALRNN-DSR,
Julia) writes, ``checkpoints/model_<epoch>.bson``, read without Julia.

The research code saves ``model = [m, O]``: ``m`` the latent model, a struct ``ALRNN`` of fields
(A, W, h, P), and ``O`` the observation model, a struct ``Identity`` of fields (B, b, use_bias, L),
whose first N units are read out and whose ``L`` starts the others at ``L x``. BSON.jl writes a
document (bsonspec.org) whose Julia values are documents tagged by kind: ``"array"`` (its element
type, size and bytes, column-major), ``"struct"`` (its type and the values of its fields, in the
order they are declared), ``"datatype"`` (the type's module path and name), ``"backref"`` (an
object met before, kept once under ``_backrefs``), ``"symbol"``, ``"tuple"``. Read from BSON.jl's
source (github.com/JuliaIO/BSON.jl: ``write.jl``, ``extensions.jl``): nothing is evaluated, a type
is only its name.
"""

import os
import struct
from typing import NamedTuple

import numpy as np

from .forecasting import ALRNNForecaster

__all__ = ["forecaster_from_bson"]

#: Julia's bits types of array elements, by name, as NumPy types (little-endian, as BSON.jl writes).
_ELEMENTS = {"Float64": "<f8", "Float32": "<f4", "Float16": "<f2", "Int64": "<i8", "Int32": "<i4", "Int16": "<i2",
             "Int8": "i1", "UInt64": "<u8", "UInt32": "<u4", "UInt16": "<u2", "UInt8": "u1", "Bool": "?"}
#: BSON's fixed-width element types that BSON.jl writes (double, boolean, int32, int64), as struct formats.
_FIXED = {0x01: "<d", 0x08: "?", 0x10: "<i", 0x12: "<q"}


class JuliaStruct(NamedTuple):
    """A Julia struct as BSON.jl writes it: its type's name (the last of its module path) and the
    values of its fields, in the order they are declared."""

    type_name: str
    fields: list


def _document(data, at, depth=0):
    """The document (a dict; an array's as a list) starting at byte ``at``, and the byte after it."""
    if depth > 100:
        raise ValueError("its documents nest more than 100 deep")
    if at + 5 > len(data):
        raise ValueError(f"a document at byte {at} runs past the end of the file")
    length = struct.unpack_from("<i", data, at)[0]
    end = at + length
    if length < 5 or end > len(data) or data[end - 1] != 0:
        raise ValueError(f"a document at byte {at} claims {length} bytes, which the file does not hold as one")
    values, at = {}, at + 4
    while data[at] != 0:
        kind, name_end = data[at], data.find(b"\x00", at + 1, end)
        if name_end < 0:
            raise ValueError(f"a key at byte {at + 1} is not ended")
        key, at = data[at + 1:name_end].decode("utf-8", errors="replace"), name_end + 1
        if kind in _FIXED:
            width = struct.calcsize(_FIXED[kind])
            if at + width > end:
                raise ValueError(f"a number at byte {at} runs past its document")
            value, at = struct.unpack_from(_FIXED[kind], data, at)[0], at + width
        elif kind == 0x0A:
            value = None
        elif kind in (0x02, 0x05):  # a string (ended by a NUL) or binary (a subtype byte, then the bytes)
            size = struct.unpack_from("<i", data, at)[0] if at + 4 <= end else -1
            start = at + 4 + (kind == 0x05)
            if size < 0 or start + size > end:
                raise ValueError(f"a {'string' if kind == 2 else 'binary'} at byte {at} claims {size} bytes past "
                                 "its document")
            value, at = data[start:start + size], start + size
            value = value[:-1].decode("utf-8", errors="replace") if kind == 0x02 else value
        elif kind in (0x03, 0x04):
            value, at = _document(data, at, depth + 1)
            value = list(value.values()) if kind == 0x04 else value
        else:
            raise ValueError(f"an element at byte {at} is of BSON type {kind:#04x}, which BSON.jl does not write")
        if at > end - 1:
            raise ValueError(f"the document at byte {end - length} ends inside its element {key!r}")
        values[key] = value
    return values, end


def _julia(value, backrefs, depth=0):
    """A value BSON.jl lowered, raised back: arrays as NumPy arrays, structs as JuliaStruct, types as
    their names, the rest as Python values."""
    if depth > 100:
        raise ValueError("its values nest more than 100 deep (a cycle of back references?)")
    if isinstance(value, list):
        return [_julia(item, backrefs, depth + 1) for item in value]
    if not isinstance(value, dict):
        return value
    tag = value.get("tag")
    if tag == "backref":
        ref = value.get("ref")
        if not isinstance(ref, int) or not 1 <= ref <= len(backrefs):
            raise ValueError(f"a back reference points to object {ref!r} of {len(backrefs)}")
        return _julia(backrefs[ref - 1], backrefs, depth + 1)
    if tag == "datatype":
        name = value.get("name")
        return name[-1] if isinstance(name, list) and name and isinstance(name[-1], str) else str(name)
    if tag == "array":
        return _array(value, backrefs, depth)
    if tag == "struct":
        fields = _julia(value.get("data"), backrefs, depth + 1)
        return JuliaStruct(str(_julia(value.get("type"), backrefs, depth + 1)),
                           fields if isinstance(fields, list) else [])
    if tag in ("symbol", "ref"):
        return str(value.get("name", value.get("path")))
    if tag == "tuple":
        return tuple(_julia(value.get("data") or [], backrefs, depth + 1))
    return {key: _julia(item, backrefs, depth + 1) for key, item in value.items()}


def _array(value, backrefs, depth):
    """A Julia array: its bytes in column-major order as a NumPy array, or its elements' values."""
    element, size, data = _julia(value.get("type"), backrefs, depth + 1), value.get("size"), value.get("data")
    if not (isinstance(size, list) and all(isinstance(n, int) and n >= 0 for n in size)):
        raise ValueError(f"an array has size {size!r}")
    if isinstance(data, bytes):
        if not (isinstance(element, str) and element in _ELEMENTS):
            raise ValueError(f"an array holds elements of type {element!r}, not numbers")
        dtype = np.dtype(_ELEMENTS[element])
        if len(data) != int(np.prod(size, dtype=float)) * dtype.itemsize:
            raise ValueError(f"an array of {element} of size {tuple(size)} holds {len(data)} bytes")
        return np.frombuffer(data, dtype).reshape(size, order="F").copy()
    return _julia(data, backrefs, depth + 1)


def read_bson(path):
    """A BSON.jl file's document, its Julia values raised (see the module's docstring)."""
    with open(path, "rb") as file:
        data = file.read()
    length = struct.unpack_from("<i", data)[0] if len(data) >= 4 else -1
    if length != len(data):
        raise ValueError(f"it is no BSON file, or a damaged one: its first 4 bytes give a document of {length} bytes, "
                         f"the file holds {len(data)}")
    try:
        document, _ = _document(data, 0)
    except (struct.error, IndexError) as exc:
        raise ValueError(f"it is a damaged BSON file ({exc})") from None
    backrefs = document.pop("_backrefs", [])
    return _julia(document, backrefs if isinstance(backrefs, list) else [])


def forecaster_from_bson(path, **params):
    """A fitted :class:`ALRNNForecaster` from a checkpoint of the AL-RNN research code (Julia,
    ``model_<epoch>.bson``), read without Julia.

    The checkpoint's ``model`` holds the latent model ``ALRNN`` (A, W, h and P, its last P units
    ReLU) and the observation model ``Identity`` (the first N units read out; ``L`` starts the
    other units of a run from x at ``L x``).

    Parameters
    ----------
    path : str or path-like
        The file ``save_model`` wrote (BSON.jl).
    **params
        As for :func:`forecaster_from_torch`.

    Returns
    -------
    ALRNNForecaster
        Fitted, as :func:`forecaster_from_torch`'s.

    Examples
    --------
    >>> from sklearn_alrnn.formats import forecaster_from_bson
    >>> model = forecaster_from_bson("Results/Lorenz63/ALRNN/001/checkpoints/model_2000.bson")  # doctest: +SKIP
    >>> model.generate(10000).shape  # doctest: +SKIP
    (10000, 3)
    """
    file = os.path.basename(os.fspath(path))
    try:
        document = read_bson(os.fspath(path))
    except ValueError as exc:
        raise ValueError(f"{file}: {exc}") from None
    saved = document.get("model", next(iter(document.values()), None)) if len(document) else None
    structs = [value for value in (saved if isinstance(saved, list) else [saved]) if isinstance(value, JuliaStruct)]
    latent = [value for value in structs if value.type_name.endswith("ALRNN")]
    observation = [value for value in structs if not value.type_name.endswith("ALRNN")]
    if len(latent) != 1 or len(observation) != 1:
        kinds = ", ".join(value.type_name for value in structs) or "none"
        raise ValueError(f"{file}: its model holds the structs {kinds}, not the research code's [ALRNN, "
                         "observation model]")
    if observation[0].type_name != "Identity":
        raise ValueError(f"{file}: its observation model is {observation[0].type_name}; the forecaster reads its "
                         "first N units as the research code's Identity does")
    try:
        (a, W, h, n_nonlinear), (B, _, _, L) = latent[0].fields, observation[0].fields
    except ValueError:
        raise ValueError(f"{file}: its ALRNN holds {len(latent[0].fields)} fields (A, W, h, P) and its Identity "
                         f"{len(observation[0].fields)} (B, b, use_bias, L)") from None
    if not (isinstance(B, np.ndarray) and B.ndim == 2 and isinstance(n_nonlinear, int)):
        raise ValueError(f"{file}: its Identity's B is {type(B).__name__} {np.shape(B)} and its ALRNN's P "
                         f"{n_nonlinear!r}, not a matrix (N, M) and a number")
    L = np.zeros((B.shape[1] - B.shape[0], B.shape[0])) if L is None else L  # M = N: no unit unobserved
    try:
        return ALRNNForecaster.from_parameters(a, W, h, L, n_nonlinear=n_nonlinear, **params)
    except ValueError as exc:
        raise ValueError(f"{file}: {exc}") from None
