#pragma once
#include <functional>

#include "core/cli/Command.h"

namespace longrl::cli {

// `longrl follow RUN_DIR [--poll-ms N] [--once]`: a run's store as the trainer's event stream on
// stdout (what `longrl train --events stdout` writes), everything so far and then each new record,
// until the run ends (status finished, failed or stopped) or the reader goes away. The studio
// attaches to a run it did not start with `ssh HOST longrl follow RUN_DIR`.
// `readerGone` is asked between polls (default: stdout's pipe or socket was closed).
Command followCommand(std::function<bool()> readerGone = {});

}  // namespace longrl::cli
