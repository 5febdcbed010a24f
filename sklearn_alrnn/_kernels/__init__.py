"""Compute kernels of the AL-RNN recurrence.

``cpu``       Numba ``@njit(cache=True)`` kernels used by the estimators.
``reference`` plain NumPy loops, written for clarity; the tests hold the
              optimised kernels to them.
"""
