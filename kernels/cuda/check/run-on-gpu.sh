#!/usr/bin/env bash
# The one command for the GPU machine (nvcc + PyTorch with CUDA; no Qt, no LibTorch build of longrl needed):
#
#     bash kernels/cuda/check/run-on-gpu.sh            # from anywhere; it cd's to the repo root
#
# Stages: environment (nvidia-smi, nvcc, python/torch) -> build liblongrl_cuda_check.so -> full check
# (correctness + time-boxed benchmarks) -> LibTorch glue (check_glue.py: kernels/CudaKernels.cpp and the CUDA
# paths of ChunkedLogProbs / BlockAttention, built as a torch extension since this machine has no Qt) ->
# compute-sanitizer memcheck on --quick, plus a planted out-of-bounds canary it must catch -> racecheck on
# --quick if time is left. Every stage runs under `timeout`, sized from one overall deadline
# (CHECK_DEADLINE_S, default 420 s, of which the glue stage may take 150 s), so one hang cannot
# eat the device budget; the checks' JSON is rewritten as they go, so a killed run still leaves what finished.
#
# Output in ${OUT:-/tmp}: env.log, build.log, cuda-check.log, cuda-check.json, glue.log, glue.json,
# sanitizer.log, canary.log, racecheck.log. Took about 75 s on an H200 before the glue stage (build 8 s,
# check 43 s, sanitizers ~25 s); the glue stage adds its extension build (~1 min expected) and ~20 s of checks.
# Exit code: the check's (0 pass, 1 correctness failure, 2 no GPU, 3 build failure, 124 timeout), else 4 if
# memcheck reported errors, else 5 if the glue check failed (any nonzero rc of check_glue.py), else 0.
set -u
set -o pipefail
export PYTHONUNBUFFERED=1

cd "$(dirname "${BASH_SOURCE[0]}")/../../.." || exit 3  # repo root
OUT_DIR=${OUT:-/tmp}
mkdir -p "$OUT_DIR"
DEADLINE=${CHECK_DEADLINE_S:-420}  # seconds from start for everything
BUILD_DIR=${BUILD_DIR:-/tmp/longrl-cuda-check}
PY=${PYTHON:-python3}
SCRIPT=kernels/cuda/check/check_cuda_kernels.py
SAN_RESERVE=${SAN_RESERVE_S:-100}  # kept for the memcheck stage
GLUE_S=${GLUE_S:-150}  # the glue stage: extension build (~1 min) + checks; kept out of the full check's time
[ -d /usr/local/cuda/bin ] && export PATH="$PATH:/usr/local/cuda/bin"

# cap WANT: WANT seconds, or what is left before the deadline if less (at least 5).
cap() {
  local want=$1 left=$((DEADLINE - SECONDS))
  ((left < want)) && want=$left
  ((want < 5)) && want=5
  echo "$want"
}
stage() { echo; echo "######## $* (t=${SECONDS}s of ${DEADLINE}s)"; }

stage "environment"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  host: $(hostname)  repo: $(pwd)"
  timeout 30 nvidia-smi || echo "nvidia-smi failed or missing"
  echo "nvcc: $(command -v nvcc || echo missing)"
  timeout 30 nvcc --version || true
  timeout 90 "$PY" -c 'import sys, platform
print("python", sys.version.replace("\n", " "), platform.machine())
import torch
print("torch", torch.__version__, "cuda", torch.version.cuda, "cuda available", torch.cuda.is_available())
if torch.cuda.is_available():
    p = torch.cuda.get_device_properties(0)
    print("device", p.name, "sm_%d%d" % (p.major, p.minor), p.multi_processor_count, "SMs",
          "%.1f GiB" % (p.total_memory / 2**30))
try:
    import numpy; print("numpy", numpy.__version__)
except ImportError:
    print("numpy missing (not needed)")' || echo "python/torch probe failed"
  echo "compute-sanitizer: $(command -v compute-sanitizer || echo missing)"
} 2>&1 | tee "$OUT_DIR/env.log"

stage "build"
timeout -k 10 "$(cap 180)" "$PY" "$SCRIPT" --build-only --build-dir "$BUILD_DIR" 2>&1 | tee "$OUT_DIR/build.log"
build_rc=${PIPESTATUS[0]}
if [ "$build_rc" -ne 0 ]; then
  echo "BUILD FAILED (rc=$build_rc): see $OUT_DIR/build.log"
  exit 3
fi

stage "full check (correctness + benchmarks)"
check_t=$(cap $((DEADLINE - SECONDS - SAN_RESERVE - GLUE_S)))
bench_budget=$((check_t - 70))  # correctness, CUDA/cuBLAS start-up and the summary take well under 70 s
((bench_budget < 20)) && bench_budget=20
echo "check timeout ${check_t}s, benchmark budget ${bench_budget}s"
timeout -k 10 "$check_t" "$PY" "$SCRIPT" --no-build --build-dir "$BUILD_DIR" --json "$OUT_DIR/cuda-check.json" \
  --bench-budget-s "$bench_budget" 2>&1 | tee "$OUT_DIR/cuda-check.log"
check_rc=${PIPESTATUS[0]}
echo "check exit code: $check_rc"

# Runs whatever the raw check gave (its own build); its failure sets the exit code only if the raw check passed.
stage "LibTorch glue (torch extension)"
glue_t=$(cap "$GLUE_S")
timeout -k 10 "$glue_t" "$PY" kernels/cuda/check/check_glue.py --json "$OUT_DIR/glue.json" \
  --deadline-s $((glue_t > 20 ? glue_t - 10 : 10)) --build-dir "${GLUE_BUILD_DIR:-/tmp/longrl-glue-build}" 2>&1 |
  tee "$OUT_DIR/glue.log"
glue_rc=${PIPESTATUS[0]}
echo "glue exit code: $glue_rc"

SAN=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
mem_rc=skipped
race_rc=skipped
canary=skipped
if [ -x "$SAN" ]; then
  help=$("$SAN" --help 2>&1 || true)
  san_opts=()
  # Instrument only longrl's kernels (their mangled names contain "longrl"): torch's own kernels stay fast.
  grep -q -- "--kernel-name" <<<"$help" && san_opts+=(--kernel-name kns=longrl)
  grep -q -- "--error-exitcode" <<<"$help" && san_opts+=(--error-exitcode 86)
  # Without torch's caching allocator every tensor is its own cudaMalloc, so memcheck sees out-of-bounds
  # accesses that would otherwise land inside a larger cached block.
  stage "compute-sanitizer memcheck on --quick"
  PYTORCH_NO_CUDA_MEMORY_CACHING=1 timeout -k 10 "$(cap 120)" "$SAN" --tool memcheck "${san_opts[@]}" \
    "$PY" "$SCRIPT" --quick --no-build --build-dir "$BUILD_DIR" 2>&1 | tee "$OUT_DIR/sanitizer.log"
  mem_rc=${PIPESTATUS[0]}
  echo "memcheck exit code: $mem_rc"
  # Canary: a planted out-of-bounds read in rowStatsKernel that memcheck must catch; proves the 0 errors
  # above come from instrumented longrl kernels (and that the kernel-name filter matches them).
  stage "compute-sanitizer memcheck canary (must report 1 invalid read)"
  PYTORCH_NO_CUDA_MEMORY_CACHING=1 timeout -k 5 "$(cap 60)" "$SAN" --tool memcheck "${san_opts[@]}" \
    "$PY" "$SCRIPT" --no-build --build-dir "$BUILD_DIR" --sanitizer-canary >"$OUT_DIR/canary.log" 2>&1
  if grep -q "Invalid __global__ read" "$OUT_DIR/canary.log"; then
    canary="caught (memcheck instruments longrl kernels)"
  else
    canary="NOT caught: memcheck's 0 errors are unverified (see canary.log)"
  fi
  echo "canary: $canary"
  if ((DEADLINE - SECONDS > 45)); then
    stage "compute-sanitizer racecheck on --quick (flash, rows)"
    timeout -k 5 "$(cap 60)" "$SAN" --tool racecheck "${san_opts[@]}" \
      "$PY" "$SCRIPT" --quick --no-build --build-dir "$BUILD_DIR" --only flash,rows 2>&1 | tee "$OUT_DIR/racecheck.log"
    race_rc=${PIPESTATUS[0]}
    echo "racecheck exit code: $race_rc"
  else
    echo "racecheck skipped: $((DEADLINE - SECONDS))s left" | tee "$OUT_DIR/racecheck.log"
  fi
else
  echo "compute-sanitizer not found: memcheck skipped" | tee "$OUT_DIR/sanitizer.log"
fi

stage "result"
echo "check rc=$check_rc (0 pass, 1 fail, 2 no GPU, 3 build/load, 124 timeout)  memcheck rc=$mem_rc  racecheck rc=$race_rc"
echo "glue rc=$glue_rc (0 pass, 1 fail or cut by its deadline, 2 no GPU, 3 extension build/import, 124 timeout)"
grep -h "^summary:" "$OUT_DIR/glue.log" 2>/dev/null
echo "memcheck canary: $canary"
grep -h "ERROR SUMMARY\|RACECHECK SUMMARY" "$OUT_DIR/sanitizer.log" "$OUT_DIR/racecheck.log" 2>/dev/null
echo "logs: $OUT_DIR/{env.log,build.log,cuda-check.log,cuda-check.json,glue.log,glue.json,sanitizer.log,canary.log,racecheck.log}; total ${SECONDS}s"
if [ "$check_rc" -ne 0 ]; then exit "$check_rc"; fi
if [ "$mem_rc" != skipped ] && [ "$mem_rc" -ne 0 ]; then exit 4; fi
if [ "$glue_rc" -ne 0 ]; then exit 5; fi
exit 0
