#pragma once
#include "core/cli/Command.h"

namespace longrl::cli {

// `longrl checkpoints RUN_DIR [--json]`: a run's complete checkpoints (step, directory, curriculum
// phase, size, when saved) and its saved evaluations (RUN_DIR/evals/*.json). The studio lists the
// checkpoints of a run on another host with `ssh HOST longrl checkpoints RUN_DIR --json`.
Command checkpointsCommand();

}  // namespace longrl::cli
