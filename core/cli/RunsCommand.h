#pragma once
#include "core/cli/Command.h"

namespace longrl::cli {

// `longrl runs DIR [--json]`: the run directories under DIR (or DIR itself when it is one),
// with name, status, phase, step, last critic/score/mean and creation time.
Command runsCommand();

}  // namespace longrl::cli
