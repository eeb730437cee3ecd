#pragma once
#include "core/cli/Command.h"

namespace longrl::cli {

// `longrl export RUN_DIR --csv OUT`: every metric point as CSV (step,phase,name,value,wall_time),
// ordered by step then name; OUT "-" writes to stdout.
Command exportCommand();

}  // namespace longrl::cli
