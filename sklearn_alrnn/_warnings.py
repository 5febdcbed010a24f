"""Warnings that point at the line of the user's code that called the package, however deep inside
the package they are raised (a fit, a predict and a helper reach the same check by different paths)."""

import os
import sys
import warnings

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def warn_user(message, category=UserWarning):
    """``warnings.warn`` with the stack level of the first caller outside the package."""
    frame, level = sys._getframe(1), 2  # stacklevel 1 is this function's own call to warnings.warn
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
