"""The register-tiled product: exact sequential sums, whatever the tiling."""

import os
import subprocess
import sys

import numpy as np
import pytest

from sklearn_alrnn._kernels._tiles import MR, add_product


def _sequential(coef, rows, out):
    """out + sum_r rows[r] * coef[:, r], one term at a time in order, as add_product defines it."""
    result = out.copy()
    for r in range(coef.shape[1]):
        result = result + rows[r][None, :] * coef[:, r][:, None]
    return result


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [1, MR - 1, MR, MR + 1, 4 * MR + 3])
@pytest.mark.parametrize("M", [1, 3, 7, 17, 33, 45, 130])
def test_add_product_is_the_sequential_sum_bit_for_bit(dtype, n, M):
    rng = np.random.RandomState(n * 1000 + M)
    for R in (1, 5, 40, 700):  # 700 terms span several cache blocks
        coef = rng.normal(size=(n, R + 3))[:, 1 : R + 1].astype(dtype)  # strided coefficients
        coef[rng.rand(n, R) < 0.3] = 0.0
        rows = rng.normal(size=(R, M)).astype(dtype)
        out = rng.normal(size=(n, M)).astype(dtype)
        expected = _sequential(coef, rows, out)
        add_product(coef, rows, out)
        np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_add_product_does_not_depend_on_how_rows_are_split(dtype):
    rng = np.random.RandomState(0)
    n, R, M = 29, 64, 50
    coef, rows = rng.normal(size=(n, R)).astype(dtype), rng.normal(size=(R, M)).astype(dtype)
    whole = np.zeros((n, M), dtype)
    add_product(coef, rows, whole)
    for cut in (1, 5, 7, 13):
        pieces = np.zeros((n, M), dtype)
        add_product(coef[:cut], rows, pieces[:cut])
        add_product(coef[cut:], rows, pieces[cut:])
        np.testing.assert_array_equal(pieces, whole)


def test_add_product_on_column_slices_and_transposed_coefficients():
    rng = np.random.RandomState(1)
    R, M = 300, 40
    Z, G = rng.normal(size=(R, M)), rng.normal(size=(R, M))
    out = np.zeros((M + 2, M))
    add_product(Z[:, 10:].T, G, out[:30])  # coef with strides (8, 8 M), rows of out in a block
    # Against the sequential sum, bit for bit (BLAS's order of summation differs by machine).
    np.testing.assert_array_equal(out[:30], _sequential(Z[:, 10:].T, G, np.zeros((30, M))))
    assert np.all(out[30:] == 0)
    wide = np.zeros((M, 2 * M))
    add_product(G.T, Z, wide[:, 5 : 5 + M])  # out as a column slice
    np.testing.assert_array_equal(wide[:, 5 : 5 + M], _sequential(G.T, Z, np.zeros((M, M))))
    assert np.all(wide[:, :5] == 0) and np.all(wide[:, 5 + M :] == 0)


def test_zero_coefficient_tiles_are_skipped_without_changing_out():
    rng = np.random.RandomState(2)
    coef = np.zeros((2 * MR, 8))
    coef[MR:] = rng.normal(size=(MR, 8))
    rows, out = rng.normal(size=(8, 20)), rng.normal(size=(2 * MR, 20))
    expected = _sequential(coef, rows, out)
    before = out[:MR].copy()
    add_product(coef, rows, out)
    np.testing.assert_array_equal(out[:MR], before)
    np.testing.assert_array_equal(out, expected)


def test_add_product_rejects_mismatched_shapes_and_strided_rows():
    coef, rows, out = np.ones((3, 4)), np.ones((4, 5)), np.zeros((3, 5))
    with pytest.raises(ValueError, match=r"coef \(n, R\), rows \(R, M\) and out \(n, M\)"):
        add_product(coef, np.ones((5, 5)), out)
    with pytest.raises(ValueError, match=r"out \(n, M\)"):
        add_product(coef, rows, np.zeros((3, 6)))
    with pytest.raises(ValueError, match="contiguous rows"):
        add_product(coef, np.ones((4, 10))[:, ::2], out)



NARROW_REGISTERS = r"""
import sys
import numpy as np
from numba import njit
from sklearn_alrnn._kernels import _tiles

_tiles.VECTOR_BYTES = int(sys.argv[1])  # before anything is typed in this process
add_product = njit(_tiles.add_product.py_func)
rng = np.random.RandomState(0)
for dtype in (np.float32, np.float64):
    for n, R, M in [(1, 3, 1), (7, 5, 13), (13, 40, 45), (6, 300, 70)]:
        coef = rng.normal(size=(n, R)).astype(dtype)
        rows, out = rng.normal(size=(R, M)).astype(dtype), rng.normal(size=(n, M)).astype(dtype)
        expected = out.copy()
        for r in range(R):
            expected = expected + rows[r][None, :] * coef[:, r][:, None]
        add_product(coef, rows, out)
        assert np.array_equal(out, expected), (dtype, n, R, M)
print("exact")
"""


@pytest.mark.parametrize("vector_bytes", [16, 32])
def test_narrower_registers_give_the_same_bits(vector_bytes):
    """The AVX2 and SSE / NEON tile shapes, compiled here by pretending the CPU had them."""
    result = subprocess.run(
        [sys.executable, "-c", NARROW_REGISTERS, str(vector_bytes)], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "exact"


TINY_FIT = r"""
import warnings
import numpy as np
from sklearn_alrnn import ALRNNRegressor
warnings.simplefilter("ignore")
X = np.random.RandomState(0).rand(13, 6, 2)
y = X.sum(axis=(1, 2))
model = ALRNNRegressor(n_hidden=20, n_nonlinear=3, max_iter=2, random_state=0).fit(X, y)
print(repr(model.predict(X).tolist()))
"""


def test_pure_python_run_gives_the_same_bits():
    """Under NUMBA_DISABLE_JIT=1 (coverage tools) the NumPy fallback sums in the same order."""
    runs = []
    for disable in ("0", "1"):
        env = dict(os.environ, NUMBA_DISABLE_JIT=disable)
        result = subprocess.run([sys.executable, "-c", TINY_FIT], capture_output=True, text=True, env=env, timeout=600)
        assert result.returncode == 0, result.stderr[-2000:]
        runs.append(result.stdout)
    assert runs[0] == runs[1]
