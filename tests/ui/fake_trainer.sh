#!/bin/sh
# Stands in for `longrl train` in the launcher tests (TestLaunchProcess). Usage, as the real one:
#   fake_trainer.sh train --config FILE|- --run-dir DIR [--events stdout] [--nproc N] [--resume]
# It records its arguments (one per line) in DIR/argv.txt, the config it read in
# DIR/config.received.json and one line per start in DIR/starts.txt, then behaves as
# FAKE_TRAINER_MODE says:
#   events (default) with --events stdout: prints a run, a phase, FAKE_TRAINER_STEPS metric points
#                    (3 more when resumed, re-sending the first ones), one bad record, a log line;
#   events-crash:    the events without the final "finished" run record, then exit code 4;
#   events-slow:     the events, 0.1 s between metric points (a link can be cut mid-run);
#   crash:           two stderr lines, exit code 3;
#   sleep:           runs until SIGTERM, then exits 143 (a trainer that honours SIGTERM);
#   stubborn:        ignores SIGTERM (needs SIGKILL).
if [ "$1" != train ]; then echo "fake_trainer: unknown command '$1'" >&2; exit 2; fi
shift
config= run_dir= events= resume=0 prev=
for a in "$@"; do
  case "$prev" in
    --config) config=$a ;;
    --run-dir) run_dir=$a ;;
    --events) events=$a ;;
  esac
  [ "$a" = --resume ] && resume=1
  prev=$a
done
if [ -z "$run_dir" ]; then echo "fake_trainer: --run-dir is required" >&2; exit 2; fi
mkdir -p -- "$run_dir" || exit 2
printf '%s\n' train "$@" > "$run_dir/argv.txt"
if [ "$config" = - ]; then
  cat > "$run_dir/config.received.json"
else
  cat -- "$config" > "$run_dir/config.received.json" || exit 2
fi
echo "start resume=$resume" >> "$run_dir/starts.txt"

case "${FAKE_TRAINER_MODE:-events}" in
  crash)
    echo "fake_trainer: loading model" >&2
    echo "RuntimeError: CUDA out of memory (fake)" >&2
    exit 3 ;;
  sleep)
    trap 'echo "fake_trainer: SIGTERM, saving checkpoint" >&2; exit 143' TERM
    touch "$run_dir/running"
    while :; do sleep 0.05; done ;;
  stubborn)
    trap '' TERM
    touch "$run_dir/running"
    while :; do sleep 0.05; done ;;
esac

[ "$events" = stdout ] || { echo "fake_trainer: done"; exit 0; }
steps=${FAKE_TRAINER_STEPS:-5}
[ $resume = 1 ] && steps=$((steps + 3))
echo "fake_trainer: a log line, not an event"
printf '{"type":"run","name":"fake-run","status":"running","host":"fake-host"}\n'
printf '{"type":"phase","index":0,"name":"phase1","max_input_tokens":20000,"max_output_tokens":10000,"status":"running"}\n'
i=0
while [ $i -lt $steps ]; do
  printf '{"type":"metric","step":%d,"phase":0,"name":"critic/score/mean","value":%d.5,"wall_time":1700000000}\n' $i $i
  [ "$FAKE_TRAINER_MODE" = events-slow ] && sleep 0.1
  i=$((i + 1))
done
printf '{"type":"metric","step":"not a number","name":"x","value":1}\n'
if [ "$FAKE_TRAINER_MODE" = events-crash ]; then echo "fake_trainer: NCCL watchdog timeout" >&2; exit 4; fi
printf '{"type":"run","name":"fake-run","status":"finished","host":"fake-host"}\n'
exit 0
