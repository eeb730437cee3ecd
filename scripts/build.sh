#!/usr/bin/env bash
# Configures and builds longrl into ./build (incremental; safe to run again).
# Extra CMake arguments may be passed, e.g. scripts/build.sh -DLONGRL_CUDA=ON; they come last, so
# scripts/build.sh -DCMAKE_BUILD_TYPE=RelWithDebInfo gives a build with debug information.
# Release by default: debug information makes each LibTorch translation unit ~1.5x slower to compile
# and its object ~45x larger (DemoMemoryTags.cpp: 54 s and 15 MB with -g, 35 s and 0.3 MB without).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${LONGRL_BUILD_DIR:-$root/build}"
jobs="${LONGRL_JOBS:-$(nproc)}"
# ccache's base directory and hashing are set by CMakeLists.txt's compiler launcher, for any build.

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" > "$build.configure.log" 2>&1 || {
  cat "$build.configure.log"; exit 1; }
grep -A100 -- "-- The following features have been enabled" "$build.configure.log" | grep -v "^-- \(Configuring\|Generating\|Build files\)" || true
cmake --build "$build" -j "$jobs"
