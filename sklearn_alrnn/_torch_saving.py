"""A fitted forecaster written for PyTorch, without PyTorch: the state dict of the research tutorial's
``AL_RNN``, as ``torch.save`` writes one, or as a safetensors file.

``torch.save`` writes a zip archive: ``archive/data.pkl``, a pickle (protocol 2) of the state dict
whose tensors refer by key to raw little-endian storages ``archive/data/<key>``, beside the files
naming the format's version and byte order. The pickle is written opcode by opcode: it names only
what ``torch.load(weights_only=True)`` allows (``collections.OrderedDict``,
``torch._utils._rebuild_tensor_v2`` and a storage type), so it loads with PyTorch's safe default.
A safetensors file is an 8-byte header length, a JSON header naming each tensor's type, shape and
byte range, then the bytes.
"""

import json
import struct
import zipfile
from collections import OrderedDict

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._warnings import warn_user
from .forecasting import ALRNNForecaster
from .io import write_atomically

__all__ = ["forecaster_to_torch"]

#: The storage class ``torch.load`` builds a tensor of each floating type from, and safetensors' name.
_STORAGE_TYPES = {np.dtype("float64"): ("DoubleStorage", "F64"), np.dtype("float32"): ("FloatStorage", "F32")}
_ARCHIVE = "archive"


def _tutorial_state_dict(model):
    """The tensors of the tutorial's ``AL_RNN`` (and its driven variant's ``C``) that run ``model``'s map."""
    if not isinstance(model, ALRNNForecaster):
        raise TypeError(f"forecaster_to_torch writes an ALRNNForecaster (the tutorial's AL_RNN is a map of "
                        f"observed series); got {type(model).__name__}.")
    check_is_fitted(model, "a_")
    N = model.n_features_in_
    B = np.concatenate([np.eye(N, dtype=model.a_.dtype), model.L_.T.astype(model.a_.dtype)], axis=1)
    tensors = OrderedDict(A=model.a_, W=model.W_, h=model.h_, B=B)
    if model.n_inputs_:
        tensors["C"] = model.C_
    return OrderedDict((name, np.ascontiguousarray(value, dtype=model.a_.dtype)) for name, value in tensors.items())


def _text(value):
    encoded = value.encode("utf-8")
    return b"X" + struct.pack("<I", len(encoded)) + encoded


def _integers(values):
    return b"(" + b"".join(b"J" + struct.pack("<i", v) for v in values) + b"t"


def _state_dict_pickle(tensors):
    """The pickle ``torch.save(state_dict)`` writes for ``tensors``, storage i holding the i-th.

    Protocol 2's opcodes: ``c`` names a global, ``(`` marks, ``t`` makes a tuple from the mark, ``)`` an
    empty one, ``R`` calls, ``Q`` hands a tuple to ``persistent_load`` (the storage), ``X`` a string,
    ``J`` a 4-byte integer, ``\\x89`` False, ``u`` sets the marked keys and values, ``.`` stops.
    """
    new_ordered_dict = b"ccollections\nOrderedDict\n)R"
    out = bytearray(b"\x80\x02" + new_ordered_dict + b"(")
    for key, (name, array) in enumerate(tensors.items()):
        storage_type = _STORAGE_TYPES[array.dtype][0]
        strides = [s // array.itemsize for s in array.strides]
        storage = (b"(" + _text("storage") + f"ctorch\n{storage_type}\n".encode() + _text(str(key)) + _text("cpu")
                   + b"J" + struct.pack("<i", array.size) + b"tQ")
        arguments = (b"(" + storage + b"J\x00\x00\x00\x00" + _integers(array.shape) + _integers(strides) + b"\x89"
                     + new_ordered_dict + b"t")
        out += _text(name) + b"ctorch._utils\n_rebuild_tensor_v2\n" + arguments + b"R"
    return bytes(out + b"u.")


def _write_torch_archive(file, tensors):
    members = {"data.pkl": _state_dict_pickle(tensors), "byteorder": b"little"}
    members |= {f"data/{key}": _little_endian(array) for key, array in enumerate(tensors.values())}
    members |= {"version": b"3\n", ".data/version": b"3\n"}
    with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED) as archive:
        for name, content in members.items():
            # A fixed time stamp: the same network gives the same bytes.
            archive.writestr(zipfile.ZipInfo(f"{_ARCHIVE}/{name}", date_time=(1980, 1, 1, 0, 0, 0)), content)


def _little_endian(array):
    return array.astype(array.dtype.newbyteorder("<")).tobytes()


def _write_safetensors(file, tensors, metadata):
    header, begin = {"__metadata__": metadata}, 0
    for name, array in tensors.items():
        header[name] = {"dtype": _STORAGE_TYPES[array.dtype][1], "shape": list(array.shape),
                        "data_offsets": [begin, begin + array.nbytes]}
        begin += array.nbytes
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)  # the tensors start 8-byte aligned, as safetensors writes them
    file.write(struct.pack("<Q", len(encoded)) + encoded)
    for array in tensors.values():
        file.write(_little_endian(array))


def forecaster_to_torch(model, path):
    """Write a fitted :class:`ALRNNForecaster` as the state dict of the research code's Python tutorial
    (``AL_RNN``), for PyTorch: ``model.load_state_dict(torch.load(path))`` there runs the same map.

    The tutorial's ``A``, ``W``, ``h`` are ``a_``, ``W_``, ``h_``; its ``B`` of shape (N, M), from
    which a run from observation x starts at ``x @ B`` with its first N units set to x, is
    ``[I, L_.T]``; a forecaster with exogenous inputs adds ``C`` (M, K), the weights of the driven
    variant (``phi_t @ C.T`` added to each step, ``phi_t`` in the units given to ``fit``). The
    tensors keep the model's dtype (``load_state_dict`` copies them into the module's).

    The network acts on standardised observations, as it was trained: run it on
    ``(x - model.mean_) / model.scale_`` and read its observed units back as
    ``z * model.scale_ + model.mean_``. A state dict holds no P: build the module with
    ``P = model.n_nonlinear_`` (a safetensors file names it in its metadata, with M and N).
    :func:`forecaster_from_torch` reads the file back: pass it ``n_nonlinear`` (for the
    ``torch.save`` file) and the model's ``mean``, ``scale`` and ``initial_observation`` for the
    same forecasts.

    Parameters
    ----------
    model : ALRNNForecaster
        Fitted (or built by ``from_parameters``).
    path : str or path-like
        The file: a safetensors file where the name ends in ``.safetensors`` (safe to load anywhere:
        ``safetensors.torch.load_file``), otherwise the zip archive ``torch.save`` writes, which
        ``torch.load`` reads with its default ``weights_only=True``. Written atomically: a write
        that fails leaves any file at ``path`` as it was.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklearn_alrnn import ALRNNForecaster
    >>> from sklearn_alrnn.formats import forecaster_from_torch, forecaster_to_torch, read_torch
    >>> model = ALRNNForecaster.from_parameters(
    ...     [0.9, 0.5, 0.0], np.eye(3) * 0.1, [0.0, 0.1, 0.2], [[0.5], [1.0]], n_nonlinear=1)
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "lorenz_m3_p1.pt")
    >>> forecaster_to_torch(model, path)
    >>> sorted(read_torch(path))
    ['A', 'B', 'W', 'h']
    >>> copy = forecaster_from_torch(path, n_nonlinear=1)
    >>> bool(np.array_equal(copy.generate(5, x0=[1.0]), model.generate(5, x0=[1.0])))
    True
    >>> folder.cleanup()
    """
    tensors = _tutorial_state_dict(model)
    if model.n_nonlinear_ == 0:
        warn_user("the tutorial's AL_RNN makes every unit ReLU where P = 0 (its z[:, -P:] is all of z): build "
                  "a linear module of your own for this network of no ReLU units")
    if str(path).lower().endswith(".safetensors"):
        metadata = {"M": str(model.a_.shape[0]), "P": str(model.n_nonlinear_), "N": str(model.n_features_in_)}
        write_atomically(path, lambda file: _write_safetensors(file, tensors, metadata), example="model.safetensors")
    else:
        write_atomically(path, lambda file: _write_torch_archive(file, tensors), example="model.pt")
