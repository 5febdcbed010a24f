#!/usr/bin/env bash
# The GPU check of issue 6 in one command, for a session lent an NVIDIA GPU through the device tool:
#     run(command="bash benchmarks/gpu_check.sh", timeout_s=540)
# The device image already holds numba, numba-cuda, scikit-learn, scipy, pytest, torch and jax
# (.library/device/KINDS.md), so nothing is installed: the package runs from this checkout.
# Writes under $OUT (./gpu_results elsewhere): the GPU and versions, the CUDA agreement tests on
# the real GPU, and bench_gpu.py's table. Record them in benchmarks/RESULTS.md.
set -u
out=${OUT:-gpu_results}
mkdir -p "$out"
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
{
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
    python3 -c "import numba, numba_cuda, sklearn, torch; print('numba', numba.__version__, 'numba-cuda', numba_cuda.__version__, 'scikit-learn', sklearn.__version__, 'torch', torch.__version__)"
} > "$out/gpu.txt" 2>&1
cat "$out/gpu.txt"
ALRNN_CUDA_TESTS=1 timeout 200 python3 -m pytest -q -p no:cacheprovider tests/cuda > "$out/cuda_tests.txt" 2>&1
echo "tests/cuda: exit $?"; tail -3 "$out/cuda_tests.txt"
timeout 300 python3 benchmarks/bench_gpu.py > "$out/bench_gpu.txt" 2>&1
echo "bench_gpu.py: exit $?"; cat "$out/bench_gpu.txt"
