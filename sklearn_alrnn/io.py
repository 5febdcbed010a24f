"""Saving and loading fitted models without pickle.

A model file is a NumPy ``.npz`` archive: the fitted arrays, plus one entry
``__metadata__`` holding UTF-8 JSON (format version, package version, class,
hyper-parameters, scalar fitted attributes, the shape and dtype of every array,
optional user metadata) and a SHA-256 checksum over all of it. Loading never
unpickles (``allow_pickle=False``) and validates everything before it builds a
model, so a truncated, modified or incompatible file is refused with a clear
``ValueError``.
"""

import hashlib
import io as _io
import json
import zipfile

import numpy as np

FORMAT = "sklearn_alrnn.model"
FORMAT_VERSION = 1
_METADATA_KEY = "__metadata__"

#: Fitted arrays that every model file holds.
_ARRAYS = ("a_", "W_", "h_", "C_", "B_", "b_")
#: Scalar fitted state, stored in the JSON metadata.
_SCALARS = ("n_features_in_", "n_iter_", "t_", "_per_step", "_n_nonlinear_fitted")
_LISTS = ("loss_curve_",)


def _model_classes():
    from .estimators import ALRNNClassifier, ALRNNRegressor

    return {cls.__name__: cls for cls in (ALRNNClassifier, ALRNNRegressor)}


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


def _json_scalar(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    return value


def _write(path, metadata, arrays):
    metadata = dict(metadata, checksum=_checksum(metadata, arrays))
    encoded = np.frombuffer(json.dumps(metadata, sort_keys=True).encode("utf-8"), dtype=np.uint8)
    with open(path, "wb") as f:
        np.savez(f, **arrays, **{_METADATA_KEY: encoded})


def save(model, path, extra=None):
    """Write a fitted ALRNNClassifier or ALRNNRegressor to ``path``.

    Parameters
    ----------
    model : ALRNNClassifier or ALRNNRegressor
        A fitted model.
    path : str or path-like
        Destination file (conventionally ``*.alrnn.npz``).
    extra : dict, default=None
        JSON-serialisable user metadata, returned by :func:`load_metadata`.
    """
    from sklearn.utils.validation import check_is_fitted

    from . import __version__

    check_is_fitted(model, "a_")
    classes = _model_classes()
    if type(model).__name__ not in classes:
        raise ValueError(f"save() writes ALRNNClassifier and ALRNNRegressor models; got {type(model).__name__}.")
    params = model.get_params()
    if not isinstance(params["random_state"], (int, type(None))):
        params["random_state"] = None  # a RandomState instance has no portable form
    arrays = {name: np.asarray(getattr(model, name)) for name in _ARRAYS}
    fitted = {name: _json_scalar(getattr(model, name)) for name in _SCALARS}
    fitted.update({name: [float(v) for v in getattr(model, name)] for name in _LISTS})
    if hasattr(model, "classes_"):
        classes_ = np.asarray(model.classes_)
        if classes_.dtype.kind == "O":
            classes_ = classes_.astype(str)
        if classes_.dtype.kind not in "biufU":
            raise ValueError(f"Class labels of dtype {model.classes_.dtype} cannot be saved without pickle.")
        arrays["classes_"] = classes_
    if hasattr(model, "_y_ndim"):
        fitted["_y_ndim"] = int(model._y_ndim)
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


def _read(path):
    """Arrays and metadata of a model file, after the structural and checksum checks."""
    try:
        with open(path, "rb") as f:
            content = f.read()
        if not zipfile.is_zipfile(_io.BytesIO(content)):
            raise zipfile.BadZipFile("no zip archive found")
        with np.load(_io.BytesIO(content), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        if "CRC" in str(exc):  # the zip's own integrity check on a stored array
            raise ValueError(
                f"{path!s} failed its integrity check: the file was modified or damaged after "
                f"it was saved ({exc})."
            ) from None
        raise ValueError(
            f"{path!s} is not a readable sklearn_alrnn model file (truncated or not an .npz "
            f"archive): {exc}"
        ) from None
    except ValueError as exc:  # e.g. an object array, which would need pickle
        raise ValueError(f"{path!s} holds data that cannot be loaded safely: {exc}") from None
    if _METADATA_KEY not in arrays:
        raise ValueError(f"{path!s} is an .npz archive but not an sklearn_alrnn model file (no metadata).")
    try:
        metadata = json.loads(arrays.pop(_METADATA_KEY).tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path!s} has corrupt metadata: {exc}") from None
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise ValueError(f"{path!s} is not an sklearn_alrnn model file (format {metadata.get('format')!r}).")
    if metadata.get("checksum") != _checksum(metadata, arrays):
        raise ValueError(
            f"{path!s} failed its checksum: the file was modified or damaged after it was saved."
        )
    return metadata, arrays


def load_metadata(path):
    """The validated JSON metadata of a model file (class, versions, parameters, ``extra``)."""
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
    ALRNNClassifier or ALRNNRegressor
        Predictions equal those of the saved model. The optimiser state is not
        saved: ``partial_fit`` or a warm-started ``fit`` continue from the
        weights with fresh Adam moments.
    """
    from . import __version__

    metadata, arrays = _read(path)
    version = metadata.get("format_version")
    if version != FORMAT_VERSION:
        raise ValueError(
            f"{path!s} uses model-file format version {version} (written by sklearn_alrnn "
            f"{metadata.get('package_version')}); this sklearn_alrnn {__version__} reads version "
            f"{FORMAT_VERSION}."
        )
    classes = _model_classes()
    name = metadata.get("class")
    if name not in classes:
        raise ValueError(f"{path!s} holds a {name!r}, which is not an sklearn_alrnn model class {sorted(classes)}.")
    cls = classes[name]
    if expected_class is not None and cls is not expected_class:
        raise ValueError(f"{path!s} holds a {name}, not the expected {expected_class.__name__}.")
    declared = metadata.get("arrays", {})
    if set(declared) != set(arrays):
        raise ValueError(f"{path!s} declares arrays {sorted(declared)} but holds {sorted(arrays)}.")
    for key, spec in declared.items():
        if list(arrays[key].shape) != spec["shape"] or arrays[key].dtype.str != spec["dtype"]:
            raise ValueError(f"{path!s}: array {key} does not match its declared shape and dtype.")
    try:
        model = cls(**metadata["params"])
    except TypeError as exc:
        raise ValueError(f"{path!s} has hyper-parameters this version does not know: {exc}") from None
    M = metadata["params"]["n_hidden"]
    expected_shapes = {"a_": (M,), "W_": (M, M), "h_": (M,)}
    for key, shape in expected_shapes.items():
        if arrays[key].shape != shape:
            raise ValueError(f"{path!s}: {key} has shape {arrays[key].shape}, expected {shape} for n_hidden={M}.")
    for key in _ARRAYS + ("classes_",):
        if key in arrays:
            setattr(model, key, arrays[key].copy())
    for key, value in metadata["fitted"].items():
        setattr(model, key, value)
    model.best_loss_ = min(model.loss_curve_) if model.loss_curve_ else np.inf
    model.validation_scores_ = None
    model.best_validation_score_ = None
    model._no_improvement_count = 0
    return model
