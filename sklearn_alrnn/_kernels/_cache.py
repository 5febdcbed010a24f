"""``cached_njit``: ``numba.njit(cache=True)`` whose on-disk cache can fail without taking the package down.

With ``cache=True`` Numba raises at import when no folder it can write is found
(a read-only install, ``NUMBA_CACHE_DIR`` on a read-only mount), and raises from
the first call of a kernel whose cache index or data file is damaged (a
truncated copy, a disk error): an ``UnpicklingError`` or ``UnicodeDecodeError``
from deep inside Numba, for every fit, until someone deletes the files. Here each
of those costs a compilation and one ``RuntimeWarning`` naming the folder; a
damaged index is removed so that the next save writes a good one.
"""

import os

from numba import config, njit
from numba.core.caching import FunctionCache

from .._warnings import warn_user

_warned = set()


def _warn_once(kind, message):
    if kind not in _warned:
        _warned.add(kind)
        warn_user(f"sklearn_alrnn: {message}", RuntimeWarning)


class GuardedFunctionCache(FunctionCache):
    """Numba's per-function cache; a failure to read or write it is a warning and a recompilation."""

    def load_overload(self, sig, target_context):
        try:
            return super().load_overload(sig, target_context)
        except Exception as error:  # noqa: BLE001 - any damage inside Numba's pickles
            index = self._cache_file._index_path
            try:
                os.remove(index)
                removed = "removed it"
            except OSError:
                removed = "could not remove it"
            _warn_once(
                "read",
                f"a damaged Numba cache file in {self.cache_path!r} could not be read "
                f"({type(error).__name__}: {error}); compiling the kernel again ({removed}: {index}).",
            )
            return None

    def save_overload(self, sig, data):
        try:
            super().save_overload(sig, data)
        except Exception as error:  # noqa: BLE001 - a full disk, a folder made read-only...
            _warn_once(
                "write",
                f"compiled kernels cannot be saved in Numba's cache folder {self.cache_path!r} "
                f"({type(error).__name__}: {error}); they will compile again in the next process.",
            )


def cached_njit(**options):
    """``numba.njit(**options)`` with the guarded on-disk cache."""

    def decorate(function):
        dispatcher = njit(**options)(function)
        if config.DISABLE_JIT:  # njit returned the Python function itself
            return dispatcher
        try:
            dispatcher._cache = GuardedFunctionCache(dispatcher.py_func)
        except RuntimeError as error:  # Numba found no folder it can write
            _warn_once(
                "no folder",
                f"Numba has no writable cache folder ({error}); kernels compile in every process "
                "(about a minute). Set NUMBA_CACHE_DIR to a writable folder.",
            )
            return dispatcher
        requested = config.CACHE_DIR
        if requested and not os.path.abspath(dispatcher._cache.cache_path).startswith(os.path.abspath(requested)):
            _warn_once(
                "elsewhere",
                f"NUMBA_CACHE_DIR={requested!r} is not a writable folder; Numba caches the kernels in "
                f"{dispatcher._cache.cache_path!r} instead.",
            )
        return dispatcher

    return decorate
