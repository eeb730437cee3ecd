#pragma once
#include "core/cli/Command.h"

namespace longrl::cli {

// `longrl behaviors RUN_DIR [--no-grounding] [--metrics]`: the reasoning behaviours of every stored
// rollout of a run, recomputed with the rule-based classifier (after its cues changed, or for a
// run recorded before behaviours were), written as a new revision beside the earlier ones; with
// --metrics also the per-step behavior/* metrics from it (replacing those training logged).
Command behaviorsCommand();

}  // namespace longrl::cli
