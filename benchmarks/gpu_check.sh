#!/usr/bin/env bash
# The GPU checks in one command, for a session lent an NVIDIA GPU through the device tool:
#     run(command="bash benchmarks/gpu_check.sh", timeout_s=540)
# The device image already holds numba, numba-cuda, scikit-learn, scipy, pytest, torch and jax
# (.library/device/KINDS.md), so nothing is installed: the package runs from this checkout.
# Writes under $OUT (./gpu_results elsewhere), most important first, each step under its own
# time limit: the GPU and versions; the CUDA agreement tests on the real GPU; bench_gpu.py at
# batch 4096, M 128, with each part of the step and the forecaster's epoch times; default
# classifier fits on archive sets (with ARCHIVE set); bench_gpu.py's whole table. Record them in benchmarks/RESULTS.md. (A default
# Lorenz-63 reconstruction on the GPU takes about 6 minutes, 3x the CPU's: not part of the check.)
set -u
out=${OUT:-gpu_results}
mkdir -p "$out"
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
{
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
    nproc
    python3 -c "import numba, numba_cuda, sklearn, torch; print('numba', numba.__version__, 'numba-cuda', numba_cuda.__version__, 'scikit-learn', sklearn.__version__, 'torch', torch.__version__)"
} > "$out/gpu.txt" 2>&1
cat "$out/gpu.txt"
# numba-cuda 0.30 cannot compile kernels under numpy 2.5 (NVIDIA/numba-cuda#907; the cuda extra
# pins numpy<2.5). Where the image pairs them, check that the package refuses clearly, then give
# numba-cuda the alias it registers (np.row_stack is np.vstack) for the rest of the run.
if ! python3 -c "import numpy; numpy.row_stack" 2>/dev/null; then
    timeout 60 python3 -c "
from sklearn_alrnn._kernels import make_engine
try:
    make_engine('cuda', 4, 1)
except ValueError as exc:
    print('device=cuda refused:', exc)
print('device=auto gives', type(make_engine('auto', 4, 1)).__name__)" 2>&1 | tee "$out/numpy_guard.txt"
    mkdir -p /tmp/row_stack_alias
    echo 'import numpy; numpy.row_stack = numpy.vstack' > /tmp/row_stack_alias/sitecustomize.py
    export PYTHONPATH=$PYTHONPATH:/tmp/row_stack_alias
fi
ALRNN_CUDA_TESTS=1 timeout 150 python3 -m pytest -q -p no:cacheprovider tests/cuda > "$out/cuda_tests.txt" 2>&1
echo "tests/cuda: exit $?"; tail -15 "$out/cuda_tests.txt"
timeout 140 python3 benchmarks/bench_gpu.py --quick --kernels --forecaster > "$out/bench_gpu_quick.txt" 2>&1
echo "bench_gpu.py --quick --kernels --forecaster: exit $?"; cat "$out/bench_gpu_quick.txt"
# Archive fits, CPU against GPU, where the session carries a folder of .ts sets (ARCHIVE=folder
# name inside the checkout, e.g. ".gpu_data", excluded from git and named in the run's carry).
if [ -n "${ARCHIVE:-}" ]; then
    timeout 200 python3 -W ignore benchmarks/bench_gpu.py --archive "$ARCHIVE" $(ls "$ARCHIVE") \
        > "$out/archive.txt" 2>&1
    echo "bench_gpu.py --archive: exit $?"; cat "$out/archive.txt"
fi
timeout 90 python3 benchmarks/bench_gpu.py > "$out/bench_gpu.txt" 2>&1
echo "bench_gpu.py: exit $?"; cat "$out/bench_gpu.txt"
