"""Saving and loading fitted models without pickle.

A model file is a NumPy ``.npz`` archive: the fitted arrays, plus one entry
``__metadata__`` holding UTF-8 JSON (format version, package version, class,
hyper-parameters, scalar fitted attributes, the shape and dtype of every array,
optional user metadata) and a SHA-256 checksum over all of it. Loading never
unpickles (``allow_pickle=False``) and validates everything before it builds a
model, so a truncated, modified or incompatible file is refused with a clear
``ValueError``.
"""

import contextlib
import hashlib
import io as _io
import json
import math
import os
import stat
import tempfile
import zipfile
import zlib

import numpy as np

from ._version import __version__

FORMAT = "sklearn_alrnn.model"
#: Version 2 names the fitted scalars after their public attributes
#: (``n_nonlinear_``, ``per_step``); version 1 files are still read.
FORMAT_VERSION = 2
_READABLE_VERSIONS = (1, 2)
_METADATA_KEY = "__metadata__"

#: What zipfile raises on a damaged archive besides BadZipFile: a version or compression method it does
#: not know (NotImplementedError), damaged compressed bytes (zlib.error), a member cut short (EOFError),
#: an offset beyond any file, which it seeks to (OverflowError).
ZIP_DAMAGE = (NotImplementedError, zlib.error, EOFError, OverflowError)

#: Fitted-state keys of version 1 files, by their version 2 names.
_VERSION_1_KEYS = {"n_nonlinear_": "_n_nonlinear_fitted", "per_step": "_per_step", "y_ndim": "_y_ndim"}

#: Classes that can be saved and loaded, by name (``register_model_class``).
MODEL_CLASSES = {}


def register_model_class(cls):
    """Class decorator: ``load`` may build ``cls`` from a file.

    The class provides ``_portable_state()`` -> ``(fitted, arrays)``, a dict of
    JSON-ready fitted values and a dict of arrays, and
    ``_restore_portable_state(fitted, arrays)`` on an instance built from the
    saved hyper-parameters.
    """
    MODEL_CLASSES[cls.__name__] = cls
    return cls


def json_scalar(value):
    """A NumPy scalar as the Python int / float / bool JSON can hold.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_alrnn.io import json_scalar
    >>> json_scalar(np.float32(0.5)), json_scalar(np.int64(3)), json_scalar(np.bool_(True))
    (0.5, 3, True)
    """
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def _checksum(metadata, arrays):
    digest = hashlib.sha256()
    body = {k: v for k, v in metadata.items() if k != "checksum"}
    digest.update(json.dumps(body, sort_keys=True).encode())
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name])
        digest.update(name.encode())
        digest.update(str(array.dtype.str).encode())
        digest.update(str(array.shape).encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def _write(path, metadata, arrays):
    """Write a model file atomically (see :func:`write_atomically`), its checksum over metadata and arrays."""
    metadata = dict(metadata, checksum=_checksum(metadata, arrays))
    encoded = np.frombuffer(json.dumps(metadata, sort_keys=True).encode("utf-8"), dtype=np.uint8)
    write_atomically(path, lambda file: np.savez(file, **arrays, **{_METADATA_KEY: encoded}),
                     example="model.alrnn.npz")


def write_atomically(path, write, example):
    """Call ``write(file)`` on a temporary file in ``path``'s folder, flushed to disk, renamed over ``path``.

    A save that fails part-way (disk full, a file-size limit, an exception)
    leaves any previous file at ``path`` intact and removes its temporary
    file; a process killed mid-write leaves the previous file intact (and a
    ``.NAME.*.tmp`` file behind). ``example`` is a file name the error for a
    folder given as ``path`` suggests.
    """
    path = os.path.abspath(os.fspath(path))
    folder, name = os.path.split(path)
    # Named here: the temporary file's name would otherwise stand in the error.
    if os.path.isdir(path):
        example = os.path.join(path, example)
        raise IsADirectoryError(f"Cannot save to {path}: it is a folder; give a file name, e.g. {example}.")
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"Cannot save to {path}: the folder {folder} does not exist.")
    mode = stat.S_IMODE(os.stat(path).st_mode) if os.path.exists(path) else 0o644
    descriptor, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    with contextlib.suppress(OSError):  # the rename itself reaches the disk (POSIX)
        directory = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def save(model, path, extra=None):
    """Write a fitted model of a registered class (ALRNNClassifier, ALRNNRegressor, ALRNNForecaster) to ``path``.

    Parameters
    ----------
    model : estimator
        A fitted model.
    path : str or path-like
        Destination file (conventionally ``*.alrnn.npz``).
    extra : dict, default=None
        JSON-serialisable user metadata, returned by :func:`load_metadata`.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklearn_alrnn import ALRNNForecaster, load
    >>> from sklearn_alrnn.io import save
    >>> turn = np.array([[np.cos(0.1), -np.sin(0.1)], [np.sin(0.1), np.cos(0.1)]])
    >>> model = ALRNNForecaster.from_parameters(np.zeros(2), turn, np.zeros(2), np.zeros((0, 2)), n_nonlinear=0)
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "turn.alrnn.npz")
    >>> save(model, path, extra={"source": "a rotation by 0.1 radian"})  # or model.save(path)
    >>> bool(np.array_equal(load(path).generate(50, x0=[1.0, 0.0]), model.generate(50, x0=[1.0, 0.0])))
    True
    >>> folder.cleanup()
    """
    if MODEL_CLASSES.get(type(model).__name__) is not type(model):
        raise ValueError(f"save() writes the models {sorted(MODEL_CLASSES)}; got {type(model).__name__}.")
    params = model.get_params()
    if not isinstance(params["random_state"], (int, type(None))):
        params["random_state"] = None  # a RandomState instance has no portable form
    fitted, arrays = model._portable_state()
    metadata = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "package_version": __version__,
        "class": type(model).__name__,
        "params": params,
        "fitted": fitted,
        "arrays": {name: {"shape": list(a.shape), "dtype": a.dtype.str} for name, a in arrays.items()},
        "extra": extra or {},
    }
    try:
        json.dumps(metadata)
    except TypeError as exc:
        raise ValueError(f"Model metadata must be JSON-serialisable: {exc}") from None
    _write(path, metadata, arrays)


#: Largest model file ``load`` reads (a model with M = 8192 hidden units in float64 is 0.5 GiB).
MAX_FILE_BYTES = 2**31

#: Bit 0 of a zip member's general-purpose flags: the member is encrypted.
ZIP_ENCRYPTED_FLAG = 0x1


def _check_members(content):
    """Refuse, before any array is read, members that are not plain arrays or that claim more
    data than they hold (a forged header would otherwise make NumPy allocate it)."""
    with zipfile.ZipFile(_io.BytesIO(content)) as archive:
        for info in archive.infolist():
            if not info.filename.endswith(".npy") or info.file_size > MAX_FILE_BYTES:
                raise ValueError(f"member {info.filename!r} ({info.file_size} bytes) is not an array this format writes")
            if info.flag_bits & ZIP_ENCRYPTED_FLAG:  # zipfile would raise RuntimeError asking for a password
                raise ValueError(f"member {info.filename!r} is marked encrypted, which this format never writes")
            with archive.open(info) as member:
                version = np.lib.format.read_magic(member)
                header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
                shape, _, dtype = header(member)
                header_bytes = member.tell()
            claimed = math.prod(shape) * dtype.itemsize
            if dtype.hasobject or claimed > info.file_size - header_bytes:
                raise ValueError(
                    f"array {info.filename[:-4]!r} claims shape {shape} of {dtype} ({claimed} bytes) but "
                    f"the file holds {info.file_size - header_bytes} bytes for it"
                )


def _read(path):
    """Arrays and metadata of a model file, after the structural and checksum checks."""
    try:
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            raise ValueError(f"the file is {size} bytes, more than a model file can be ({MAX_FILE_BYTES})")
        with open(path, "rb") as f:
            content = f.read()
        if not zipfile.is_zipfile(_io.BytesIO(content)):
            raise zipfile.BadZipFile("no zip archive found")
        _check_members(content)
        with np.load(_io.BytesIO(content), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except (zipfile.BadZipFile, OSError, *ZIP_DAMAGE) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        if "CRC" in str(exc):  # the zip's own integrity check on a stored array
            raise ValueError(
                f"{path!s} failed its integrity check: the file was modified or damaged after "
                f"it was saved ({exc})."
            ) from None
        raise ValueError(
            f"{path!s} is not a readable sklearn_alrnn model file (truncated or not an .npz "
            f"archive): {exc}{_pytorch_file_hint(path)}"
        ) from None
    except ValueError as exc:  # e.g. an object array, which would need pickle
        raise ValueError(f"{path!s} holds data that cannot be loaded safely: {exc}{_pytorch_file_hint(path)}") from None
    if _METADATA_KEY not in arrays:
        raise ValueError(f"{path!s} is an .npz archive but not an sklearn_alrnn model file (no metadata).")
    try:
        metadata = json.loads(arrays.pop(_METADATA_KEY).tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:  # RecursionError: nested too deep
        raise ValueError(f"{path!s} has corrupt metadata: {exc}") from None
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise ValueError(f"{path!s} is not an sklearn_alrnn model file (format {metadata.get('format')!r}).")
    if metadata.get("checksum") != _checksum(metadata, arrays):
        raise ValueError(
            f"{path!s} failed its checksum: the file was modified or damaged after it was saved."
        )
    return metadata, arrays


def _pytorch_file_hint(path):
    """Where a file given as a model file looks like a PyTorch or safetensors file, what reads it."""
    try:
        looks_like_torch = is_torch_file(path)
    except OSError:
        return ""
    return (". It looks like a PyTorch or safetensors file: formats.forecaster_from_torch reads the research "
            "tutorial's AL_RNN from it, formats.read_torch any network's tensors.") if looks_like_torch else ""


def torch_archive_pickle(archive):
    """The member ``<name>/data.pkl`` of a zip archive torch.save wrote, None in another archive (a
    NumPy .npz, the package's model files)."""
    return next((name for name in archive.namelist() if name.endswith("data.pkl") and name.count("/") == 1), None)


def is_torch_file(path):
    """Whether ``formats.read_torch`` reads a file as its own: torch.save's zip archive (a ``data.pkl``
    inside), a pickle (its format before torch 1.6) or a safetensors file (a JSON header after the
    8 bytes of its length); what sets a command line's model file apart, and what
    :func:`load` names as such."""
    with open(path, "rb") as file:
        head = file.read(9)
    try:  # is_zipfile too raises on some damaged archives ("zipfiles that span multiple disks")
        if not zipfile.is_zipfile(path):
            return head[:1] == b"\x80" or head[8:9] == b"{"
        with zipfile.ZipFile(path) as archive:
            return torch_archive_pickle(archive) is not None
    except (zipfile.BadZipFile, OSError, *ZIP_DAMAGE):  # a damaged archive of another kind
        return False


def load_metadata(path):
    """The validated JSON metadata of a model file (class, versions, parameters, ``extra``).

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklearn_alrnn import ALRNNForecaster, load_metadata
    >>> model = ALRNNForecaster.from_parameters(np.zeros(2), np.eye(2), np.zeros(2), np.zeros((0, 2)), n_nonlinear=0)
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "still.alrnn.npz")
    >>> model.save(path, extra={"source": "the identity map"})
    >>> metadata = load_metadata(path)
    >>> metadata["class"], metadata["params"]["n_nonlinear"], metadata["extra"]
    ('ALRNNForecaster', 0, {'source': 'the identity map'})
    >>> folder.cleanup()
    """
    return _read(path)[0]


def load(path, expected_class=None):
    """Load a model written by :func:`save` (or ``model.save``).

    Parameters
    ----------
    path : str or path-like
    expected_class : type, default=None
        Refuse files that hold another class.

    Returns
    -------
    ALRNNClassifier, ALRNNRegressor or ALRNNForecaster
        Predictions equal those of the saved model. The optimiser state is not
        saved: ``partial_fit`` or a warm-started ``fit`` continue from the
        weights with fresh Adam moments.

    Raises
    ------
    ValueError
        For a file that is not a model file, is truncated or was modified
        (checksum), or holds another class than ``expected_class``.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklearn_alrnn import ALRNNForecaster, ALRNNClassifier, load
    >>> model = ALRNNForecaster.from_parameters(np.zeros(2), np.eye(2), np.zeros(2), np.zeros((0, 2)), n_nonlinear=0)
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "still.alrnn.npz")
    >>> model.save(path)
    >>> load(path).generate(2, x0=[1.0, 2.0])
    array([[1., 2.],
           [1., 2.]])
    >>> load(path, expected_class=ALRNNClassifier)
    Traceback (most recent call last):
    ...
    ValueError: ... holds an ALRNNForecaster, not the expected ALRNNClassifier.
    >>> folder.cleanup()
    """
    return _model_from(path, *_read(path), expected_class)


def load_with_extra(path, expected_class=None):
    """:func:`load`'s model and the ``extra`` its file was saved with, from one reading of the file
    (:func:`load_metadata` after :func:`load` reads and checks it again)."""
    metadata, arrays = _read(path)
    return _model_from(path, metadata, arrays, expected_class), metadata["extra"]


def _model_from(path, metadata, arrays, expected_class):
    """The model a file's checked ``metadata`` and ``arrays`` hold, refused as :func:`load` documents."""
    version = metadata.get("format_version")
    if version not in _READABLE_VERSIONS:
        raise ValueError(
            f"{path!s} uses model-file format version {version} (written by sklearn_alrnn "
            f"{metadata.get('package_version')}); this sklearn_alrnn {__version__} reads versions "
            f"{list(_READABLE_VERSIONS)}."
        )
    name = metadata.get("class")
    if name not in MODEL_CLASSES:
        raise ValueError(
            f"{path!s} holds a {name!r}, which is not an sklearn_alrnn model class {sorted(MODEL_CLASSES)}."
        )
    cls = MODEL_CLASSES[name]
    if expected_class is not None and cls is not expected_class:
        raise ValueError(f"{path!s} holds an {name}, not the expected {expected_class.__name__}.")
    for section in ("params", "fitted", "arrays"):
        if not isinstance(metadata.get(section), dict):
            raise ValueError(f"{path!s}: metadata section {section!r} is {metadata.get(section)!r}, not a mapping.")
    declared = metadata["arrays"]
    if not all(isinstance(spec, dict) and isinstance(spec.get("shape"), list) for spec in declared.values()):
        raise ValueError(f"{path!s}: the declared arrays {declared!r} lack a shape list.")
    if set(declared) != set(arrays):
        raise ValueError(f"{path!s} declares arrays {sorted(declared)} but holds {sorted(arrays)}.")
    for key, spec in declared.items():
        if list(arrays[key].shape) != spec["shape"] or arrays[key].dtype.str != spec["dtype"]:
            raise ValueError(f"{path!s}: array {key} does not match its declared shape and dtype.")
    fitted = dict(metadata.get("fitted", {}))
    if version == 1:
        fitted = {new: fitted[old] for new, old in _VERSION_1_KEYS.items() if old in fitted} | {
            key: value for key, value in fitted.items() if key not in _VERSION_1_KEYS.values()
        }
    try:
        model = cls(**metadata["params"])
        model._validate_params()
    except TypeError as exc:
        raise ValueError(f"{path!s} has hyper-parameters this version does not know: {exc}") from None
    except ValueError as exc:  # scikit-learn's InvalidParameterError: a forged type or value
        raise ValueError(f"{path!s} has an invalid hyper-parameter: {exc}") from None
    try:
        model._restore_portable_state(fitted, arrays)
    except (KeyError, TypeError) as exc:
        raise ValueError(f"{path!s} lacks fitted state this version needs: {exc!r}") from None
    except ValueError as exc:
        raise ValueError(f"{path!s}: {exc}") from None
    return model
