#pragma once
#include "core/cli/Command.h"

namespace longrl::cli {

// `longrl reward`: scores one response as training would and prints one JSON object
// {"score":..,"acc":..,"pred":..,...}.
Command rewardCommand();

}  // namespace longrl::cli
