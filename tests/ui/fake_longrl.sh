#!/bin/sh
# Stands in for `longrl` in TestCheckpointsPanel. `eval`: tests/ui/fake_eval.sh (a fixed report).
# `serve`: records its arguments (one a line) in $FAKE_SERVE_ARGS and its pid in $FAKE_SERVE_PID,
# prints the line `longrl serve` prints once it listens, then serves until terminated; with
# FAKE_SERVE_FAIL set it fails at start as a directory without a model does.
case "$1" in
  eval) exec "$(dirname "$0")/fake_eval.sh" "$@" ;;
  serve)
    [ -n "$FAKE_SERVE_ARGS" ] && printf '%s\n' "$@" > "$FAKE_SERVE_ARGS"
    [ -n "$FAKE_SERVE_PID" ] && echo $$ > "$FAKE_SERVE_PID"
    if [ -n "$FAKE_SERVE_FAIL" ]; then
      echo "loading $3" >&2
      echo "error: $3/config.json: No such file or directory" >&2
      exit 3
    fi
    echo "serving step-model at http://127.0.0.1:41234/v1"
    exec sleep 60 ;;
  *) echo "fake longrl: unknown command '$1'" >&2; exit 2 ;;
esac
