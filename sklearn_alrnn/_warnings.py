"""Warnings that point at the line of the user's code that called the package, however deep inside
the package they are raised (a fit, a predict and a helper reach the same check by different paths),
and from whichever thread (the fits that ``n_init`` and ``n_members`` train in worker threads)."""

import contextlib
import os
import sys
import threading
import warnings

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep
_CONTEXT_MANAGERS = os.path.abspath(contextlib.__file__)  # the package's ``with`` blocks run through it

_thread = threading.local()


def user_frame():
    """The frame of the user's code whose call runs here: the first outside the package, or, in a
    worker thread, the one that handed the thread its work (:func:`warnings_name`): a worker's own
    stack ends in the thread pool."""
    frame = getattr(_thread, "origin", None) or sys._getframe(1)
    while frame is not None and _inside_package(os.path.abspath(frame.f_code.co_filename)):
        frame = frame.f_back
    return frame


def _inside_package(path):
    return path.startswith(_PACKAGE) or path == _CONTEXT_MANAGERS


@contextlib.contextmanager
def warnings_name(origin):
    """This thread's warnings name ``origin`` (:func:`user_frame` of the thread that handed it work)."""
    _thread.origin = origin
    try:
        yield
    finally:
        _thread.origin = None


def warn_user(message, category=UserWarning):
    """``warnings.warn`` as if called by :func:`user_frame`: its file, line, module and registry."""
    frame = user_frame()
    if frame is None:  # no user code on the stack (the package run as a program)
        warnings.warn(message, category, stacklevel=2)
        return
    # Without module_globals: the source line comes from the file (through linecache), where loaders
    # that hold no source raise instead (``python -c``'s __main__: BuiltinImporter).
    warnings.warn_explicit(message, category, frame.f_code.co_filename, frame.f_lineno,
                           module=frame.f_globals.get("__name__", "<string>"),
                           registry=frame.f_globals.setdefault("__warningregistry__", {}))
