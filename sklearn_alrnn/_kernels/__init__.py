"""Engines: the AL-RNN recurrence and its gradient, behind one contract.

``_engine``   the ``Engine`` base class: the contract (forward, backward,
              readout states, running a batch in parts, default dtype) and
              the parts every engine shares.
``cpu``       the Numba engine (``CPUEngine``): blocked, threaded over chunks of
              sequences; every product goes through ``_tiles.add_product``
              (register tiles built as LLVM IR).
``cuda``      the numba.cuda engine (``CUDAEngine``, the ``cuda`` extra), its
              device code in ``cuda.kernels``.
``reference`` plain NumPy loops (``ReferenceEngine``), written for clarity; the
              tests hold the optimised engines to them.

Code outside this package gets an engine from ``make_engine`` and uses only
the methods and attributes of ``Engine``.
"""

import importlib.util

from .._warnings import warn_user
from .cpu import CPUEngine


def make_engine(device, n_hidden, n_nonlinear, n_jobs=None):
    """The engine for ``device`` ("cpu", "cuda" or "auto") and one architecture.

    Parameters
    ----------
    device : {"cpu", "cuda", "auto"}
        "auto" takes a GPU only when a real one is visible.
    n_hidden, n_nonlinear : int
    n_jobs : int or None
        Threads of the CPU engine (None means 1).

    Returns
    -------
    Engine
    """
    if device == "cpu":
        return CPUEngine(n_hidden, n_nonlinear, 1 if n_jobs is None else n_jobs)
    try:
        from .cuda import CUDAEngine, gpu_available, simulator_enabled
    except ImportError as exc:
        if device == "auto":
            if importlib.util.find_spec("numba_cuda") is not None:  # installed, but unusable
                warn_user(f"device='auto' trains on the CPU: {exc}", RuntimeWarning)
            return make_engine("cpu", n_hidden, n_nonlinear, n_jobs)
        raise ValueError(
            "device='cuda' needs the CUDA extra (numba-cuda): pip install 'sklearn-alrnn[cuda]' "
            f"({exc})."
        ) from None
    if device == "auto" and not gpu_available():
        return make_engine("cpu", n_hidden, n_nonlinear, n_jobs)
    if not (gpu_available() or simulator_enabled()):
        raise ValueError(
            "device='cuda' needs an NVIDIA GPU with a working driver and the CUDA extra: "
            "pip install 'sklearn-alrnn[cuda]'. No GPU is visible to numba-cuda here; use "
            "device='cpu' or device='auto'."
        )
    return CUDAEngine(n_hidden, n_nonlinear)
