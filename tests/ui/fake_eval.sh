#!/bin/sh
# Stands in for `longrl eval --json` in TestEvalCheckpointDialog: progress on stderr as longrl
# prints it, then a fixed report (k 4, a judge) on stdout. Its arguments go to $FAKE_EVAL_ARGS.
[ -n "$FAKE_EVAL_ARGS" ] && printf '%s\n' "$@" > "$FAKE_EVAL_ARGS"
echo "loading the model" >&2
for i in 2 4; do echo "eval progress: greedy $i/4" >&2; done
for i in 2 4; do echo "eval progress: sampled $i/4" >&2; done
cat <<'JSON'
{"model":"ckpt","data":"val.jsonl","examples":4,"k":4,"max_new_tokens":256,"seconds":12.5,
 "sampling":{"temperature":0.7,"top_p":0.95,"seed":0},
 "judge":{"url":"http://127.0.0.1:8000/v1","model":"judge-m","calls":9,"yes":3,"no":5,"errors":1},
 "sources":[
  {"data_source":"docmath_qa","scorer":"docmath","n":2,"greedy":0.5,"mean_at_k":0.4,"pass_at_k":1.0,
   "rule":{"greedy":0.5,"mean_at_k":0.25,"pass_at_k":0.5}},
  {"data_source":"hotpotqa","scorer":"docqa","n":2,"greedy":0.0,"mean_at_k":0.25,"pass_at_k":0.5,
   "rule":{"greedy":0.0,"mean_at_k":0.125,"pass_at_k":0.5}}],
 "average":{"name":"average","n":4,"greedy":0.25,"mean_at_k":0.325,"pass_at_k":0.75,
   "rule":{"greedy":0.25,"mean_at_k":0.1875,"pass_at_k":0.5}},
 "by":{}}
JSON
