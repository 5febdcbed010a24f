"""MATLAB files (versions 4 to 7) read by SciPy in a child process: SciPy's reader is not hardened against
damaged files (its ``loadmat`` docstring says so), and some of them crash the process that reads them
(a flipped byte in an EEGLAB dataset: a segmentation fault inside SciPy's compiled reader). The child
hands back the file's numbers and texts as an ``.npz`` archive, read without pickle, so nothing it
writes can run in this process."""

import io
import signal
import subprocess
import sys

import numpy as np

__all__ = ["load_matlab"]

#: Reads the file named by its first argument and writes its variables to standard output as an
#: .npz archive: numeric and text arrays by name, a structure's fields as "name.field", a structure
#: array's fields as arrays of their numbers where each holds one, else of their texts (a number as
#: written, "" for the others: "chanlocs.labels", "event.type").
_CHILD = r"""
import io, sys
import numpy as np
from scipy.io import loadmat
from scipy.io.matlab import mat_struct

NUMBER = (int, float, np.integer, np.floating)

def flatten(name, value, out):
    if isinstance(value, mat_struct):
        for field in value._fieldnames:
            flatten(f"{name}.{field}", getattr(value, field), out)
    elif isinstance(value, np.ndarray) and value.dtype == object:
        items = list(value.flat)
        if items and all(isinstance(item, mat_struct) for item in items):
            for field in items[0]._fieldnames:
                cells = [getattr(item, field, "") for item in items]
                if all(isinstance(cell, NUMBER) for cell in cells):
                    out[f"{name}.{field}"] = np.array(cells, dtype=float)
                else:
                    texts = [cell if isinstance(cell, str) else f"{cell:g}" if isinstance(cell, NUMBER) else ""
                             for cell in cells]
                    out[f"{name}.{field}"] = np.array(texts)
    elif isinstance(value, (str, int, float, np.ndarray, np.generic)):
        value = np.asarray(value)
        if value.dtype.kind in "biufcU":
            out[name] = value

try:
    contents = loadmat(sys.argv[1], squeeze_me=sys.argv[2] == "squeeze", struct_as_record=False)
except Exception as exc:
    sys.stderr.write(f"{type(exc).__name__}: {exc}")
    sys.exit(3)
out = {}
for name, value in contents.items():
    if not name.startswith("__"):
        flatten(name, value, out)
buffer = io.BytesIO()
np.savez(buffer, **{name.replace("/", "_"): value for name, value in out.items()})
sys.stdout.buffer.write(buffer.getvalue())
"""


def load_matlab(path, resave, squeeze=False):
    """The variables of a MATLAB file (versions 4 to 7) by name: numeric and text arrays (squeezed of
    their axes of length 1 where ``squeeze``), a structure's fields as "name.field" and a structure
    array's fields as arrays (of numbers where each holds one, else of texts: "chanlocs.labels"); a
    ValueError naming what stopped the reader, or for a version 7.3 file (HDF5) how to ``resave`` it."""
    with open(path, "rb") as file:
        if b"MATLAB 7.3" in file.read(128):
            raise ValueError(f"it is a MATLAB 7.3 file (HDF5), which SciPy cannot read: {resave}")
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path), "squeeze" if squeeze else "keep"],
                          capture_output=True, check=False)
    if done.returncode == 3:
        raise ValueError(f"SciPy cannot read it as a MATLAB file ({done.stderr.decode(errors='replace')[-300:]})")
    if done.returncode != 0:
        stopped = f"signal {signal.Signals(-done.returncode).name}" if done.returncode < 0 and \
            -done.returncode in signal.valid_signals() else f"exit code {done.returncode}"
        raise ValueError(f"SciPy's MATLAB reader stopped on it ({stopped}): the file is damaged")
    with np.load(io.BytesIO(done.stdout), allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}
