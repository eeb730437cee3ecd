#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs the whole suite under CTest.
# Fuzzers and benchmarks are not part of it (label `fuzz` is excluded; benchmarks are not tests).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
# The CUDA kernels are compiled with nvcc wherever the toolkit is installed (these machines have no
# GPU: their *_CUDA tests skip, but the .cu files must still build).
if [ -x /usr/local/cuda/bin/nvcc ]; then
  echo "run-tests: compiling kernels/cuda/*.cu with nvcc (compile only)"
  cmake -S "$root" -B "$root/build-cuda" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLONGRL_CUDA=ON \
    -DLONGRL_GUI=OFF -DBUILD_TESTING=OFF > "$root/build-cuda.configure.log" 2>&1 || {
    cat "$root/build-cuda.configure.log"; exit 1; }
  cmake --build "$root/build-cuda" --target longrl_kernels_cuda
fi
cd "${LONGRL_BUILD_DIR:-$root/build}"
export QT_QPA_PLATFORM=offscreen
ctest --output-on-failure --timeout 900 -j "${LONGRL_TEST_JOBS:-2}" -LE fuzz "$@"
