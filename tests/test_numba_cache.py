"""A damaged, read-only or missing Numba cache costs a compilation and a warning, never a crash (issue 15).

The kernels here are small throwaway ones decorated like the package's (``cached_njit``), compiled in
subprocesses with their own ``NUMBA_CACHE_DIR`` so that the package's cache is never touched.
"""

import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
from numba.core import caching

from sklearn_alrnn._kernels import _cache
from sklearn_alrnn._kernels._cache import cached_njit

PROBE = textwrap.dedent(
    """
    import warnings
    warnings.simplefilter("always")
    import numpy as np
    from sklearn_alrnn._kernels._cache import cached_njit

    @cached_njit(nogil=True)
    def weighted_sum(x, w):
        total = 0.0
        for i in range(x.shape[0]):
            total += x[i] * w[i]
        return total

    print(weighted_sum(np.arange(4.0), np.full(4, 0.5)))
    """
)


def _run_probe(folder, cache_dir):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache_dir), PYTHONPATH=str(folder))
    result = subprocess.run(
        [sys.executable, str(folder / "probe.py")], capture_output=True, text=True, env=env, check=False, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "3.0"
    return result.stderr


@pytest.mark.slow  # three Python processes each
@pytest.mark.parametrize("damage", ["garbage index", "truncated index", "garbage data", "truncated data"])
def test_a_damaged_cache_file_is_recompiled_with_a_warning_and_healed(tmp_path, damage):
    (tmp_path / "probe.py").write_text(PROBE)
    cache_dir = tmp_path / "cache"
    assert "sklearn_alrnn:" not in _run_probe(tmp_path, cache_dir)
    suffix = ".nbi" if "index" in damage else ".nbc"
    files = [path for path in cache_dir.rglob(f"*{suffix}") if "weighted_sum" in path.name]
    assert files, "the first run did not write the cache"
    for path in files:
        data = path.read_bytes()
        path.write_bytes(data[:20] + b"\xa7" * 50 + data[70:] if "garbage" in damage else data[: len(data) // 2])
    stderr = _run_probe(tmp_path, cache_dir)
    assert "RuntimeWarning: sklearn_alrnn: a damaged Numba cache file" in stderr
    assert "Traceback" not in stderr
    assert "sklearn_alrnn:" not in _run_probe(tmp_path, cache_dir)  # the next process reads a good cache


@pytest.mark.slow  # a Python process
def test_a_cache_folder_that_cannot_be_written_is_named_in_a_warning(tmp_path):
    (tmp_path / "probe.py").write_text(PROBE)
    # Even root cannot create folders under /proc; elsewhere a read-only folder does the same.
    unwritable = "/proc/sklearn_alrnn_cache" if os.path.isdir("/proc") else tmp_path / "read_only"
    if not isinstance(unwritable, str):
        unwritable.mkdir(mode=0o555)
    stderr = _run_probe(tmp_path, unwritable)
    assert f"NUMBA_CACHE_DIR='{unwritable}' is not a writable folder" in stderr


def test_without_any_writable_cache_folder_kernels_still_compile_and_warn(monkeypatch):
    cache_impl = getattr(caching, "CacheImpl", None) or caching._CacheImpl  # renamed in Numba 0.61
    monkeypatch.setattr(cache_impl, "_locator_classes", [])
    monkeypatch.setattr(_cache, "_warned", set())
    with pytest.warns(RuntimeWarning, match="Numba has no writable cache folder"):

        @cached_njit()
        def doubled(x):
            return 2 * x

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert doubled(np.float64(1.5)) == 3.0
