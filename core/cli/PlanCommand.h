#pragma once
#include "core/cli/Command.h"

namespace longrl::cli {

// `longrl plan --config FILE [--nproc N] [--device-memory GIB] [--micro-batch-tokens N]`: the
// memory one rank of the run needs (plan::MemoryPlan), from the run config and the model's
// config.json, before any weight is loaded; prints it as JSON with "fits" (null when the device's
// memory is unknown: a cuda run without --device-memory).
Command planCommand();

}  // namespace longrl::cli
