"""Runs tests/cuda in a separate process under the CUDA simulator (tiny problems)."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest


@pytest.mark.slow
def test_cuda_engine_under_the_simulator():
    if importlib.util.find_spec("numba_cuda") is None:
        pytest.skip("numba-cuda (the cuda extra) is not installed")
    tests = Path(__file__).parent / "cuda"
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tests)],
        env=env, capture_output=True, text=True, timeout=900, cwd=Path(__file__).parents[1],
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout


def test_cuda_kernels_compile_to_ptx_for_hopper():
    """Type errors the simulator misses show up when the kernels compile for a real GPU."""
    cuda_kernels = pytest.importorskip("sklearn_alrnn._kernels.cuda.kernels")
    from numba import boolean, cuda, float32, float64, int64

    for nb in (float32, float64):
        vec, mat, cube = nb[::1], nb[:, ::1], nb[:, :, ::1]
        dtype = np.float32 if nb is float32 else np.float64
        kernels = cuda_kernels._kernels(dtype)
        signatures = [
            (sequence_kernels.forward, (vec, mat, vec, mat, cube, int64[::1], int64, boolean, boolean, cube, mat))
            for sequence_kernels in (cuda_kernels._sequence_kernels(dtype, S) for S in (1, 8))
        ] + [
            (sequence_kernels.carry, (vec, mat, int64[::1], int64, boolean, cube, cube, mat))
            for sequence_kernels in (cuda_kernels._sequence_kernels(dtype, S) for S in (1, 8))
        ] + [
            (kernels.weight_gradients, (vec, vec, vec, int64, int64, int64, int64, int64, cube)),
            (kernels.sum_rows, (mat, vec)),
            (kernels.gather_readout, (cube, int64[::1], mat)),
            (kernels.scatter_last, (mat, int64[::1], cube)),
            (kernels.scatter_every, (cube, cube)),
            (kernels.forced_run, (vec, mat, vec, mat, cube, mat, cube, vec, int64, boolean, boolean, cube, cube)),
            (kernels.forced_carry, (vec, mat, vec, int64, int64, boolean, cube, cube, mat)),
        ]
        for kernel, signature in signatures:
            try:
                ptx, _ = cuda.compile_ptx(kernel.py_func, signature, cc=(9, 0))
            except Exception as exc:  # no driver, NVVM or NVRTC on this machine
                text = f"{type(exc).__name__} {exc}".lower()
                if any(word in text for word in ("nvrtc", "nvvm", "libdevice", "driver")):
                    pytest.skip(f"no CUDA driver / compiler libraries here, PTX not checked: {str(exc)[:200]}")
                raise
            assert ".entry" in ptx


def test_a_numba_cuda_that_cannot_compile_under_this_numpy_is_refused_clearly():
    """numba-cuda 0.30 under numpy 2.5 (no np.row_stack): 'cuda' says why, 'auto' takes the CPU."""
    if importlib.util.find_spec("numba_cuda") is None:
        pytest.skip("numba-cuda (the cuda extra) is not installed")
    without_row_stack = """
import numpy
from sklearn_alrnn._kernels import make_engine
from sklearn_alrnn._kernels.cpu import CPUEngine
numpy.__dict__.pop("row_stack", None)
numpy.__all__ = [name for name in numpy.__all__ if name != "row_stack"]
"""
    probe = without_row_stack + "import numba.cuda.cudaimpl"
    script = without_row_stack + """
try:
    make_engine("cuda", 4, 1)
except ValueError as exc:
    print(exc)
import warnings
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    assert isinstance(make_engine("auto", 4, 1), CPUEngine)
print(*[w.message for w in caught])
"""
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_ENABLE_CUDASIM"}

    def run(code):
        return subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300,
            cwd=Path(__file__).parents[1],
        )

    if run(probe).returncode == 0:
        pytest.skip("this numba-cuda compiles kernels without np.row_stack")
    result = run(script)
    assert result.returncode == 0, result.stderr[-3000:]
    refusal, fallback = result.stdout.splitlines()
    assert "numpy<2.5" in refusal and "row_stack" in refusal
    assert fallback.startswith("device='auto' trains on the CPU") and "numpy<2.5" in fallback
