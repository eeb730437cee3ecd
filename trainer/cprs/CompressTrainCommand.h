#pragma once
#include "core/cli/Command.h"

namespace longrl::cli {

// `longrl compress-train --init DIR --out DIR [--bidirectional-layers N] [--steps N]
//  [--examples-per-step N] [--window-tokens N] [--lr X] [--keep-weight X] [--seed N]
//  [--eval-examples N] [--threshold X] [--threads N]`: compressor SFT (CprsTrainer) on fresh demo
// examples, starting from a plain Qwen (the critic starts fresh, N top layers turned
// bidirectional) or from a compressor; writes the compressor and the init's tokenizer to --out.
// Progress goes to stderr; at the end, per band of held-out examples, one JSON line on stdout with
// the recall of supporting sentences and the compression ratio at --threshold (sentences).
// A command of its own rather than a `longrl train` mode: it needs none of train's run directory,
// curriculum, rewards or store, and its data is the generator's, not a dataset file.
Command compressTrainCommand();

}  // namespace longrl::cli
