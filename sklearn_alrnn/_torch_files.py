"""PyTorch files read without PyTorch: the parameters of a network trained there, as arrays.

``torch.save`` writes a zip archive: ``<name>/data.pkl``, a pickle of the saved object (a state dict,
a dict of them, or a whole ``nn.Module``) whose tensors refer by key to raw little-endian storages
``<name>/data/<key>``. The pickle is read by an unpickler that builds only dicts, lists, numbers,
strings and arrays: a tensor from its storage, offset, size and stride (checked against the
storage), a module as the names and values it holds (its ``_parameters``, ``_buffers`` and
``_modules``, as ``state_dict`` names them, and its own numbers, the research tutorial's M, P, N),
NumPy arrays and numbers (a checkpoint's data statistics) from their type code, shape and bytes.
Any other callable the file names (``os.system``, a class's code) is refused, never run. The format
before torch 1.6 (and ``_use_new_zipfile_serialization=False``) is a sequence of pickles, the
storages' bytes after the object's, read by the same unpickler. A safetensors file
(``safetensors.torch.save_file``: an 8-byte header length, a JSON header naming each tensor's type,
shape and byte range, then the bytes) is read by its header, checked against the file.
"""

import io
import json
import os
import pickle
import re
import struct
import zipfile
from collections import OrderedDict
from operator import index as operator_index

import numpy as np

from ._warnings import warn_user
from .forecasting import ALRNNForecaster
from .io import ZIP_DAMAGE, torch_archive_pickle

__all__ = ["forecaster_from_torch", "read_torch"]

#: The storages' element types, by the name of their class in ``torch``.
_STORAGES = {"DoubleStorage": "<f8", "FloatStorage": "<f4", "HalfStorage": "<f2", "BFloat16Storage": "<u2",
             "LongStorage": "<i8", "IntStorage": "<i4", "ShortStorage": "<i2", "CharStorage": "i1",
             "ByteStorage": "u1", "BoolStorage": "?", "UntypedStorage": "u1"}
#: safetensors' element types, as NumPy types (BF16 read as the upper half of a float32).
_SAFETENSORS = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "BF16": "<u2", "I64": "<i8", "I32": "<i4", "I16": "<i2",
                "I8": "i1", "U64": "<u8", "U32": "<u4", "U16": "<u2", "U8": "u1", "BOOL": "?"}
#: What a tensor's or a parameter's pickle calls in ``torch._utils``.
_REBUILDS = ("_rebuild_tensor", "_rebuild_tensor_v2", "_rebuild_parameter", "_rebuild_parameter_with_state")
#: Modules whose callables a file asks for only to run code: such a file is refused by name.
_SYSTEM_MODULES = {"builtins", "os", "posix", "nt", "subprocess", "sys", "shutil", "socket", "importlib", "pickle",
                   "io", "codecs", "operator", "functools", "types", "runpy", "pty", "webbrowser", "ctypes", "marshal"}


class _SavedObject(dict):
    """An object of a class the file names (a ``nn.Module`` subclass such as the tutorial's ``AL_RNN``,
    a ``torch.device``), held as the attributes pickled for it; its code is never imported or run."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def __setstate__(self, state):
        if isinstance(state, tuple):  # (attributes, slots)
            state = {k: v for part in state if isinstance(part, dict) for k, v in part.items()}
        if isinstance(state, dict):
            self.update(state)


class _Storage:
    """A storage's elements: read from the archive when a tensor first asks for them, or, in the format
    before torch 1.6, filled after the pickle (None until then); a view ``offset`` into ``base``."""

    def __init__(self, elements, storage_type=None, base=None, offset=0, size=0):
        self._elements, self.storage_type = elements, storage_type
        self.base, self.offset, self.size = base, offset, size

    @property
    def elements(self):
        if self.base is None or self.base.elements is None:
            return self._elements if self.base is None else None
        return self.base.elements[self.offset:self.offset + self.size]


class _StorageType:
    """A storage class of ``torch`` (``torch.FloatStorage``): the type of its elements."""

    def __init__(self, dtype):
        self.dtype = dtype


_BFLOAT16 = _StorageType("<u2")


def _element_type(storage_type):
    """The NumPy type of a storage's elements (bytes for a storage class of another kind)."""
    return np.dtype(storage_type.dtype if isinstance(storage_type, _StorageType) else "u1")


def _bfloat16_as_float32(halves):
    """bfloat16 numbers, held as their 16 bits (uint16), as the float32 numbers whose upper half they are."""
    return (halves.astype("<u4") << 16).view("<f4")


def _elements(raw, storage_type, what):
    """A storage's bytes as its elements (bfloat16 as float32)."""
    dtype = _element_type(storage_type)
    if len(raw) % dtype.itemsize:
        raise ValueError(f"its {what} holds {len(raw)} bytes, not a whole number of {dtype} elements")
    elements = np.frombuffer(raw, dtype)
    return _bfloat16_as_float32(elements) if storage_type is _BFLOAT16 else elements


class _RestrictedUnpickler(pickle.Unpickler):
    """An unpickler of what a tensor's pickle needs; ``read_storage(key, storage_type)`` gives a storage's
    elements, or None where they come after the pickle (the format before torch 1.6)."""

    def __init__(self, file, read_storage):
        super().__init__(file)
        self.read_storage, self.storages = read_storage, {}

    def persistent_load(self, pid):
        if isinstance(pid, tuple) and len(pid) >= 2 and pid[0] == "module":  # a module's class and its source
            if not (isinstance(pid[1], type) and issubclass(pid[1], _SavedObject)):
                raise ValueError(f"its pickle names a module class {str(pid[1])[:60]!r}")
            return pid[1]
        if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage"):
            raise ValueError(f"its pickle refers to {str(pid)[:60]!r}, not to a storage of the file")
        storage_type, key = pid[1], str(pid[2])
        if key not in self.storages:
            self.storages[key] = _Storage(self.read_storage(key, storage_type), storage_type)
        view = pid[5] if len(pid) > 5 else None
        if view is None:
            return self.storages[key]
        try:  # a view into the storage, as torch before 1.0 saved some: (key, offset, size)
            return _Storage(None, storage_type, self.storages[key], operator_index(view[1]), operator_index(view[2]))
        except (TypeError, IndexError):
            raise ValueError(f"its pickle gives a storage view as {str(view)[:60]!r}") from None

    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"):
            return OrderedDict
        if module == "torch._utils" and name in _REBUILDS:
            return _rebuild_tensor if name.startswith("_rebuild_tensor") else _rebuild_parameter
        if module.startswith("torch") and name.startswith("_rebuild"):
            raise ValueError(f"its pickle rebuilds a tensor by {module}.{name} (a sparse, quantized, nested or "
                             "8-bit float tensor, or a tensor subclass), which this reader does not read")
        if module == "torch" and name in _STORAGES:
            return _BFLOAT16 if name == "BFloat16Storage" else _StorageType(_STORAGES[name])
        if (module, name) in (("torch", "Size"), ("builtins", "tuple")):
            return tuple
        if (module, name) in (("builtins", "set"), ("builtins", "frozenset")):
            return list
        if (module, name) == ("copyreg", "_reconstructor"):
            return _reconstruct
        if module in ("numpy.core.multiarray", "numpy._core.multiarray") and name in ("_reconstruct", "scalar"):
            return _NumpyArray if name == "_reconstruct" else _numpy_scalar
        if (module, name) in (("numpy", "dtype"), ("numpy", "ndarray"), ("_codecs", "encode")):
            return {"dtype": _NumpyDtype, "ndarray": _NumpyArray, "encode": _latin1}[name]
        if module.split(".")[0] in _SYSTEM_MODULES:
            raise ValueError(f"its pickle calls {module}.{name}, which no saved network needs: refused (nothing "
                             "in the file was run)")
        if not all(part.isidentifier() for part in name.split(".")):
            raise ValueError(f"its pickle names a class {name[:60]!r}, which is no Python name")
        return type(name, (_SavedObject,), {})  # held by name, never imported


class _NumpyDtype:
    """``numpy.dtype(spec, align, copy)`` as pickled: its type code, and its byte order from its state."""

    def __init__(self, spec, *rest):
        self.spec, self.order = str(spec), "="

    def __setstate__(self, state):
        if isinstance(state, tuple) and len(state) > 1 and state[1] in ("<", ">", "|", "="):
            self.order = state[1]

    def numpy(self):
        try:
            dtype = np.dtype(self.spec)
        except TypeError:
            raise ValueError(f"its pickle holds a NumPy array of type {self.spec[:20]!r}") from None
        if dtype.kind in "OV":  # objects or records: what a parameter never is
            raise ValueError(f"its pickle holds a NumPy array of {dtype} elements, not numbers")
        return dtype.newbyteorder(self.order.replace("|", "="))


class _NumpyArray:
    """A NumPy array as pickled (numpy's ``_reconstruct``, then its state: shape, type, order, bytes)."""

    def __init__(self, *args):
        self.array = None

    def __setstate__(self, state):
        try:
            _, shape, dtype, fortran, raw = state
            dtype, shape = dtype.numpy(), tuple(operator_index(n) for n in shape)
        except (TypeError, ValueError, AttributeError):
            raise ValueError(f"its pickle holds a NumPy array of state {str(state)[:60]!r}") from None
        if not isinstance(raw, bytes) or len(raw) != int(np.prod(shape, dtype=float)) * dtype.itemsize:
            raise ValueError(f"its pickle holds a NumPy array of {dtype} {shape} whose bytes do not fit it")
        array = np.frombuffer(raw, dtype).reshape(shape, order="F" if fortran else "C")
        self.array = array.astype(dtype.newbyteorder("="))


def _numpy_scalar(dtype, raw):
    """``numpy.core.multiarray.scalar``: a NumPy number, as a Python number."""
    dtype = dtype.numpy() if isinstance(dtype, _NumpyDtype) else None
    if dtype is None or not isinstance(raw, bytes) or len(raw) != dtype.itemsize:
        raise ValueError("its pickle holds a NumPy number whose bytes do not fit its type")
    return np.frombuffer(raw, dtype)[0].item()


def _latin1(text, encoding="latin1"):
    """``_codecs.encode``, by which a pickle of protocol 2 writes bytes: text's code points as bytes."""
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1"):
        raise ValueError(f"its pickle encodes {type(text).__name__} as {str(encoding)[:20]!r}")
    return text.encode("latin1")


def _reconstruct(cls, base, state):
    """copyreg's rebuilding of an object of ``cls``: a _SavedObject of its class's name."""
    if not (isinstance(cls, type) and issubclass(cls, _SavedObject)):
        raise ValueError(f"its pickle rebuilds an object of {cls!r}: refused")
    return cls()


class _PendingTensor:
    """A tensor whose storage is filled after the pickle (the format before torch 1.6)."""

    def __init__(self, *arguments):
        self.arguments = arguments


def _rebuild_tensor(storage, offset, size, stride, *rest):
    """A tensor's elements as an array: ``size`` elements from ``offset`` of ``storage`` at ``stride``."""
    if not isinstance(storage, _Storage):
        raise ValueError(f"a tensor of its pickle is built from {type(storage).__name__}, not a storage")
    if storage.elements is None:
        return _PendingTensor(storage, offset, size, stride)
    try:
        offset, size, stride = int(offset), tuple(map(int, size)), tuple(map(int, stride))
    except (TypeError, ValueError):
        raise ValueError(f"a tensor of its pickle has offset {offset!r}, size {size!r}, stride {stride!r}") from None
    if len(size) != len(stride) or min(size + stride + (offset,), default=0) < 0:
        raise ValueError(f"a tensor of its pickle has size {size} and stride {stride} (from {offset})")
    if 0 in size:
        return np.zeros(size, storage.elements.dtype)
    if np.prod(size, dtype=float) > len(storage.elements):
        raise ValueError(f"a tensor of its pickle of size {size} holds more elements than its storage's "
                         f"{len(storage.elements)}")
    last = offset + sum((n - 1) * s for n, s in zip(size, stride))
    if last >= len(storage.elements):
        raise ValueError(f"a tensor of its pickle of size {size} reads element {last} of a storage of "
                         f"{len(storage.elements)}")
    elements = storage.elements[offset:]
    return np.lib.stride_tricks.as_strided(elements, size, [s * elements.itemsize for s in stride]).copy()


def _rebuild_parameter(data, *rest):
    """A parameter is its tensor (``requires_grad`` and hooks mean nothing here)."""
    return data


def _member(archive, name, what):
    """The bytes of an archive's member, stored as torch.save stores them (uncompressed: no larger than
    the file)."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise ValueError(f"its pickle refers to {what}, which the archive lacks") from None
    if info.file_size > info.compress_size + 1024 and info.file_size > 1 << 20:
        raise ValueError(f"its {what} unpacks to {info.file_size} bytes from {info.compress_size}: torch.save "
                         "stores them unpacked")
    return archive.read(info)


def _saved_tensors(path):
    """The object a PyTorch or safetensors file holds: unpickled by the restricted unpickler, or a
    safetensors file's tensors by name."""
    with open(path, "rb") as file:
        data = file.read()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _unpickle_archive(archive)
    except zipfile.BadZipFile:
        if data[8:9] == b"{" and len(data) >= 8:
            return _safetensors(data)
        if data[:1] != b"\x80":
            raise ValueError("it is no PyTorch file (torch.save writes a zip archive) nor a safetensors file") from None
        return _sequence_of_pickles(data)
    except (OSError, RuntimeError, *ZIP_DAMAGE) as exc:  # RuntimeError: a member marked encrypted
        raise ValueError(f"its zip archive is damaged ({type(exc).__name__}: {exc})") from None


#: What unpickling a damaged pickle raises (the unpickler's own refusals are ValueErrors).
_DAMAGED_PICKLE = (pickle.UnpicklingError, EOFError, TypeError, AttributeError, IndexError, KeyError,
                   UnicodeDecodeError, RecursionError, OverflowError, MemoryError)
#: The first pickle of a file of the format before torch 1.6, and the format's version, its second.
_LEGACY_MAGIC, _LEGACY_VERSION = 0x1950A86A20F9469CFC6C, 1001


def _sequence_of_pickles(data):
    """The object of a PyTorch file of the format before torch 1.6 (``torch.save`` with
    ``_use_new_zipfile_serialization=False``): pickles of its magic number, version, the saving
    machine's byte order and the object, then the storage keys, then each storage's element count
    (8 bytes) and elements."""
    stream = io.BytesIO(data)
    try:
        heading = [_RestrictedUnpickler(stream, None).load() for _ in range(3)]
        if heading[:2] != [_LEGACY_MAGIC, _LEGACY_VERSION] or not isinstance(heading[2], dict):
            raise ValueError(f"it is a pickle, not a PyTorch file (it starts {str(heading[0])[:40]!r})")
        if not heading[2].get("little_endian", True):
            raise ValueError("its storages are big-endian; save it on a little-endian machine")
        unpickler = _RestrictedUnpickler(stream, lambda key, storage_type: None)
        saved, keys = unpickler.load(), _RestrictedUnpickler(stream, None).load()
    except _DAMAGED_PICKLE as exc:
        raise ValueError(f"it is a damaged PyTorch file of the format before torch 1.6 ({type(exc).__name__}: "
                         f"{exc})") from None
    for key in keys if isinstance(keys, list) else []:
        storage = unpickler.storages.get(str(key))
        count = struct.unpack("<q", stream.read(8).ljust(8, b"\xff"))[0]
        if storage is None or count < 0:
            raise ValueError(f"its storage {str(key)[:40]!r} is not the pickle's, or its length is damaged")
        itemsize = _element_type(storage.storage_type).itemsize
        raw = stream.read(count * itemsize) if count * itemsize <= len(data) else b""
        if len(raw) != count * itemsize:
            raise ValueError(f"its storage {str(key)[:40]!r} of {count} elements is cut short")
        storage._elements = _elements(raw, storage.storage_type, f"storage {str(key)[:40]!r}")
    return saved


def _safetensors(data):
    """A safetensors file's tensors by name, and its metadata's numbers (``{"P": "2"}`` gives 2)."""
    length = struct.unpack_from("<Q", data)[0]
    if length > len(data) - 8:
        raise ValueError(f"its safetensors header claims {length} bytes of the {len(data) - 8} after its length")
    try:
        header = json.loads(data[8:8 + length].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:  # RecursionError: nested too deep
        raise ValueError(f"its safetensors header is no JSON ({exc})") from None
    if not isinstance(header, dict):
        raise ValueError(f"its safetensors header is a JSON {type(header).__name__}, not an object")
    body, tensors = memoryview(data)[8 + length:], {}
    metadata = header.pop("__metadata__", None) or {}
    for key, text in (metadata.items() if isinstance(metadata, dict) else ()):
        try:
            tensors[key] = int(text) if str(text).lstrip("+-").isdigit() else float(text)
        except (TypeError, ValueError):
            continue  # a note in words
    for name, entry in header.items():
        try:
            dtype, shape, (begin, end) = np.dtype(_SAFETENSORS[entry["dtype"]]), entry["shape"], entry["data_offsets"]
            shape = tuple(operator_index(n) for n in shape)
            begin, end = operator_index(begin), operator_index(end)
        except (TypeError, KeyError, ValueError) as exc:
            raise ValueError(f"its safetensors header describes tensor {name!r} as {str(entry)[:80]} "
                             f"({type(exc).__name__}: {exc})") from None
        size = int(np.prod(shape, dtype=float)) * dtype.itemsize
        if min(shape + (begin,), default=0) < 0 or end != begin + size or end > len(body):
            raise ValueError(f"its tensor {name!r} of {entry['dtype']} {list(shape)} takes bytes {begin} to {end} "
                             f"of the {len(body)} after the header")
        array = np.frombuffer(body[begin:end], dtype).reshape(shape)
        tensors[name] = _bfloat16_as_float32(array) if entry["dtype"] == "BF16" else array.copy()
    return tensors


def _unpickle_archive(archive):
    pickle_member = torch_archive_pickle(archive)
    if pickle_member is None:
        raise ValueError("it is a zip archive without a data.pkl, not a file torch.save writes")
    prefix = pickle_member[: -len("data.pkl")]
    byteorder = _member(archive, prefix + "byteorder", "byte order").strip() if (
        prefix + "byteorder" in archive.namelist()) else b"little"
    if byteorder != b"little":
        raise ValueError(f"its storages are {byteorder.decode(errors='replace')[:20]!r}-endian, not little-endian; "
                         "save it on a little-endian machine")
    def read_storage(key, storage_type):
        return _elements(_member(archive, f"{prefix}data/{key}", f"storage {key!r}"), storage_type, f"storage {key!r}")

    try:
        content = _member(archive, pickle_member, "pickle")
        return _RestrictedUnpickler(io.BytesIO(content), read_storage).load()
    except _DAMAGED_PICKLE as exc:
        raise ValueError(f"its pickle is damaged ({type(exc).__name__}: {exc})") from None


def _named(saved, prefix="", inside=()):
    """The arrays and numbers of a saved object by dotted name, as ``state_dict`` names a module's; a
    container met again inside itself (a damaged pickle's cycle) is passed over."""
    if isinstance(saved, _PendingTensor):
        saved = _rebuild_tensor(*saved.arguments)
        if isinstance(saved, _PendingTensor):
            raise ValueError(f"its tensor {prefix.rstrip('.')!r} refers to a storage the file does not hold")
    if isinstance(saved, _NumpyArray) and saved.array is not None:
        saved = saved.array
    number = isinstance(saved, (int, float)) and not isinstance(saved, bool) and prefix
    if isinstance(saved, np.ndarray) or number:
        return {prefix.rstrip("."): saved}
    if id(saved) in inside or len(inside) > 50:
        return {}
    inside += (id(saved),)
    named = {}
    if isinstance(saved, _SavedObject):
        for part in ("_parameters", "_buffers", "_modules"):
            members = saved.get(part)
            for key, value in (members.items() if isinstance(members, dict) else ()):
                named |= _named(value, f"{prefix}{key}.", inside)
        saved = {key: value for key, value in saved.items() if not str(key).startswith("_")}
    if isinstance(saved, dict):
        for key, value in saved.items():
            named |= _named(value, f"{prefix}{key}.", inside)
    elif isinstance(saved, (list, tuple)):
        for k, value in enumerate(saved):
            named |= _named(value, f"{prefix}{k}.", inside)
    return named


def read_torch(path):
    """The parameters of a network saved by ``torch.save`` or as safetensors, read without PyTorch.

    A state dict, a dict holding one (``{"model": model.state_dict(), ...}``) or a whole module
    (``torch.save(model, path)``, the research code's tutorial) is read by an unpickler that
    builds only containers, numbers and arrays: nothing in the file is run, and a file that asks
    to run anything is refused. A safetensors file is read by its header.

    Parameters
    ----------
    path : str or path-like
        A file ``torch.save`` wrote (its zip archive, or the sequence of pickles of torch before 1.6
        and of ``_use_new_zipfile_serialization=False``; any extension), or a safetensors file.

    Returns
    -------
    parameters : dict of str -> ndarray or number
        Each tensor as an array (bfloat16 as float32), by the dotted name ``state_dict`` gives it
        (``"A"``, ``"rnn.W"``, ``"model.B"``), and the NumPy arrays and numbers saved beside them (a
        module's own attributes, the tutorial's ``M``, ``P``, ``N``; a checkpoint's ``"epoch"`` and
        data statistics; the numbers of a safetensors file's metadata, ``{"P": "2"}``).

    Examples
    --------
    >>> from sklearn_alrnn.formats import read_torch
    >>> parameters = read_torch("lorenz_m20_p2")  # doctest: +SKIP
    >>> sorted(parameters)  # doctest: +SKIP
    ['A', 'B', 'M', 'N', 'P', 'W', 'h']
    """
    try:
        named = _named(_saved_tensors(path))
    except ValueError as exc:
        raise ValueError(f"{os.path.basename(os.fspath(path))}: {exc}") from None
    if not any(isinstance(value, np.ndarray) for value in named.values()):
        raise ValueError(f"{os.path.basename(os.fspath(path))}: it holds no tensor")
    return named


def forecaster_from_torch(path, n_nonlinear=None, **params):
    """A fitted :class:`ALRNNForecaster` from a network the research code's Python tutorial trained
    (``AL_RNN``: ``A``, ``W``, ``h`` and ``B`` of shape (N, M), the last P units ReLU, a run from x
    started at ``x @ B`` with its first N units set to x), saved by ``torch.save``.

    Two variants of the tutorial's class are read too: input weights ``C`` of shape (M, K), whose
    run adds ``C phi_t`` to each step (the forecaster's ``exog``, row t driving row t + 1 of
    ``generate``), and a boolean ``relu_mask`` buffer of length P, whose False slots are identity:
    those units become linear ones, placed before the ReLU units that remain (their order among
    the hidden states changes; the observations do not).

    Parameters
    ----------
    path : str or path-like
        The file: the whole module, or its state dict (under any prefix: ``"model.A"``).
    n_nonlinear : int, default=None
        Number P of ReLU units; None takes the saved module's ``P`` or the length of its
        ``relu_mask`` (a state dict holds neither).
    **params
        As for :meth:`ALRNNForecaster.from_parameters` (``mean``, ``scale``,
        ``initial_observation``, ``sequence_length``, ...).

    Returns
    -------
    ALRNNForecaster
        Fitted, to ``generate``, ``forecast``, score with :mod:`sklearn_alrnn.metrics` and
        decompose with :class:`RegimeDecomposer`.
    """
    named, file = read_torch(path), os.path.basename(os.fspath(path))
    with np.errstate(invalid="ignore"):  # a signalling NaN of a damaged file: refused as a NaN below
        arrays = {name: np.asarray(_one(named, name, file), dtype=float) for name in ("A", "W", "h", "B")}
        if _keys_named(named, "C"):
            arrays["C"] = np.asarray(_one(named, "C", file), dtype=float)
    mask = np.asarray(_one(named, "relu_mask", file)) if _keys_named(named, "relu_mask") else None
    if n_nonlinear is None:
        n_nonlinear = mask.size if mask is not None else _one(named, "P", file, _without_p(file, arrays["A"]))
    B = arrays["B"]
    if B.ndim != 2 or B.shape[1] != arrays["A"].shape[0]:
        raise ValueError(f"{file}: its B has shape {B.shape}, not (N, M) for the M = {arrays['A'].shape[0]} units "
                         "of A")
    try:
        if mask is not None:
            arrays, n_nonlinear = _masked_slots_made_linear(arrays, mask, n_nonlinear)
        model = ALRNNForecaster.from_parameters(arrays["A"], arrays["W"], arrays["h"], arrays["B"][:, B.shape[0]:].T,
                                                n_nonlinear=n_nonlinear, C=arrays.get("C"), **params)
    except ValueError as exc:
        raise ValueError(f"{file}: {exc}") from None
    _warn_of_parameters_left_out(named, file)
    return model


def _masked_slots_made_linear(arrays, mask, n_nonlinear):
    """The network with the units of its last ``n_nonlinear`` slots that ``mask`` leaves identity moved
    before the ReLU units (a similarity transform by a permutation: the same observations), and its
    number of ReLU units."""
    N, M = arrays["B"].shape  # checked to be (N, M) for the M units of A
    if mask.shape != (n_nonlinear,) or mask.dtype.kind not in "bui" or not np.isin(mask, (0, 1)).all():
        raise ValueError(f"its relu_mask, of shape {mask.shape} and type {mask.dtype}, is not True/False for "
                         f"each of the last P = {n_nonlinear} units.")
    if n_nonlinear > M:
        raise ValueError(f"its P = {n_nonlinear} ReLU slots do not fit the {M} units of A.")
    slots = np.arange(M - n_nonlinear, M)
    order = np.concatenate([np.arange(M - n_nonlinear), slots[mask == 0], slots[mask == 1]])
    observed_relu = slots[(mask == 1) & (slots < N)]
    if observed_relu.size:
        raise ValueError(f"its relu_mask leaves unit(s) {observed_relu.tolist()} ReLU among the first N = {N}, "
                         "which it reads out; the forecaster's observed units are linear.")
    moved = {"B": arrays["B"][:, order]}
    for name in ("A", "W", "h", "C"):  # one of another shape is left for from_parameters to refuse
        value = arrays.get(name)
        if value is not None:
            moved[name] = value[order] if value.ndim and len(value) == M else value
            if moved[name].shape == (M, M):  # W, or A given as a matrix
                moved[name] = moved[name][:, order]
    return moved, int(np.count_nonzero(mask))


def _warn_of_parameters_left_out(named, file):
    """A warning naming the tensors beside A that the tutorial's AL_RNN and its two variants do not
    hold (another variant's: a learnt start, a decoder), which the forecaster leaves out."""
    prefix = _keys_named(named, "A")[0][:-1]
    known = {prefix + name for name in ("A", "W", "h", "B", "C", "relu_mask")}
    other = [key for key, value in named.items()
             if key.startswith(prefix) and key not in known and isinstance(value, np.ndarray)]
    if other:
        warn_user(f"{file}: the forecaster leaves out its {', '.join(other[:8])}{', ...' * (len(other) > 8)}, "
                  "which the tutorial's AL_RNN does not hold: its runs are those of A, W, h, B and C alone")


def _keys_named(named, name):
    """The keys of ``named`` that name ``name`` under any prefix ("model.A" for "A")."""
    return [key for key in named if key == name or key.endswith("." + name)]


def _without_p(file, A):
    """What a state dict without P asks for; the research tutorial's file name says P beside M
    (``lorenz_m20_p2``), taken as a hint only where its M is A's."""
    asked = "pass n_nonlinear (a state dict holds no P; the command line's --n-nonlinear)"
    named = re.search(r"(?<![a-z0-9])m(\d+)_p(\d+)(?!\d)", file.lower())
    if named and np.shape(A)[:1] == (int(named[1]),):
        asked += f"; its name says M = {named[1]}, P = {named[2]}"
    return asked


def _one(named, name, file, otherwise="the tutorial's AL_RNN holds one each of A, W, h and B"):
    """The value named ``name`` in ``named`` under any prefix ("model.A"); a ValueError where there are
    none or several."""
    found = _keys_named(named, name)
    if len(found) != 1:
        listed = ", ".join(found) if found else "it holds " + ", ".join(list(named)[:12])
        raise ValueError(f"{file}: it holds {len(found) or 'no'} value(s) named {name} ({listed}); {otherwise}")
    return named[found[0]]
