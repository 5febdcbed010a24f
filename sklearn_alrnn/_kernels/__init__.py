"""Compute kernels of the AL-RNN recurrence.

``cpu``       the Numba engine used by the estimators (``CPUEngine``): blocked,
              threaded over chunks of sequences; every product goes through
              ``_tiles.add_product`` (register tiles built as LLVM IR).
``cuda``      the numba.cuda engine (``CUDAEngine``, the ``cuda`` extra).
``reference`` plain NumPy loops, written for clarity; the tests hold the
              optimised engines to them.

An engine is anything with ``forward_states``, ``final_states`` and
``backward`` of the signatures in ``reference``. An engine that keeps the state
trajectories elsewhere (the GPU) may add ``forward_readout`` and
``backward_readout`` (see ``CUDAEngine``): ``loss_and_gradients`` then moves
only the readout states and their gradients.
"""
