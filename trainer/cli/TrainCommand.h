#pragma once
#include "core/cli/Command.h"

namespace longrl::cli {

// `longrl train --config FILE|- --run-dir DIR [--resume] [--nproc N] [--events stdout] [--threads N]
//  [--micro-batch-tokens N]`: warm-up SFT (when configured) and curriculum GRPO into a run
// directory (config.json, run.sqlite, checkpoints/). `--config -` reads the config JSON from stdin
// (the GUI sends it over ssh that way); `--resume` alone uses RUN_DIR/config.json and continues
// after the latest checkpoint. With `--events stdout` every record is also written to stdout as
// one JSON line and nothing else goes there (progress and logs go to stderr). Exit code 0 when
// the run finished, 1 when it failed (status "failed" and an "error" event are in the store).
// LONGRL_TRAIN_STOP_AFTER=N (tests) stops after N steps, as if the process had been killed.
// Data parallel: `--nproc N` starts N ranks of this binary on this host (LocalLauncher); under a
// launcher (torchrun, its agent's store included, or srun, MASTER_ADDR/MASTER_PORT derived when not
// exported) this process is one rank (DistributedEnv). Rank 0 logs the job's shape and writes the
// store, the events and the checkpoints. LONGRL_DIST_TIMEOUT_S bounds one collective.
Command trainCommand();

}  // namespace longrl::cli
