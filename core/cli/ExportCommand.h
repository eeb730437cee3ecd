#pragma once
#include "core/cli/Command.h"

namespace longrl::cli {

// `longrl export RUN_DIR --csv OUT | --jsonl OUT | --tensorboard OUT_DIR`: every metric point of a
// run, ordered by step then name, as CSV (step,phase,name,value,wall_time), as JSON lines, or as
// a TensorBoard event file (a new one in OUT_DIR; TensorBoard and `wandb sync` read it). OUT "-"
// writes CSV or JSON lines to stdout.
Command exportCommand();

}  // namespace longrl::cli
