#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs the whole suite under CTest.
# Fuzzers and benchmarks are not part of it (label `fuzz` is excluded; benchmarks are not tests).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "${LONGRL_BUILD_DIR:-$root/build}"
export QT_QPA_PLATFORM=offscreen
ctest --output-on-failure --timeout 900 -j "${LONGRL_TEST_JOBS:-2}" -LE fuzz "$@"
