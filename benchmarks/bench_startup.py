"""Start-up cost: compiling (cold cache) or loading (warm cache) the Numba kernels.

Each measurement runs in a fresh Python process: the first small fit + predict,
minus the same fit repeated in that process (the steady-state cost), is the time
spent compiling or loading kernels. The cold run uses an empty NUMBA_CACHE_DIR.

Run: python benchmarks/bench_startup.py
"""

import os
import subprocess
import sys
import tempfile

CHILD = r"""
import time, warnings
import numpy as np
warnings.simplefilter("ignore")
t0 = time.perf_counter()
from sklearn_alrnn import ALRNNClassifier
t_import = time.perf_counter() - t0
rng = np.random.RandomState(0)
X = rng.normal(size=(64, 20, 3)); y = rng.randint(2, size=64)
def run():
    ALRNNClassifier(n_hidden=8, max_iter=2, random_state=0).fit(X, y).predict(X)
t1 = time.perf_counter(); run(); first = time.perf_counter() - t1
t2 = time.perf_counter(); run(); second = time.perf_counter() - t2
print(f"{t_import:.3f} {first - second:.3f}")
"""


def measure(env):
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True)
    return [float(v) for v in out.stdout.split()]


def main():
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        cold_import, cold = measure(env)
        warm_import, warm = measure(env)
    print(f"cold cache: import {cold_import:.2f} s, first fit compiles for {cold:.2f} s")
    print(f"warm cache: import {warm_import:.2f} s, first fit loads kernels in {warm:.2f} s")


if __name__ == "__main__":
    main()
