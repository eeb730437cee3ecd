#!/usr/bin/env bash
# The README's demo command: installs what is missing, builds, and starts longrl-studio on the
# built-in demo (a small model it creates and a dataset it synthesises, trained on this machine).
# Arguments are passed to longrl-studio (e.g. --demo-dir DIR, --demo-minutes M).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
bin="${LONGRL_BUILD_DIR:-$root/build}/bin"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  # A machine without a display still runs the demo; the window goes to a virtual X server.
  echo "run-demo: no DISPLAY; starting longrl-studio under xvfb-run (the demo trains all the same;"
  echo "          follow it with: $bin/longrl runs \"\$HOME/.local/share/longrl/longrl-studio\")"
  exec xvfb-run -a -s "-screen 0 1600x1000x24" "$bin/longrl-studio" "$@"
fi
exec "$bin/longrl-studio" "$@"
