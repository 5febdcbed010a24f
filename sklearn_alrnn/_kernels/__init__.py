"""Compute kernels of the AL-RNN recurrence.

``cpu``       the Numba engine used by the estimators (``CPUEngine``): blocked,
              threaded over chunks of sequences, BLAS for the weight gradients.
``reference`` plain NumPy loops, written for clarity; the tests hold the
              optimised engine to them.

An engine is anything with ``forward_states``, ``final_states`` and
``backward`` of the signatures in ``reference``.
"""
