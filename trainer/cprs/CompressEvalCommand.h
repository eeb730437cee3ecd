#pragma once
#include "core/cli/Command.h"

namespace longrl::cli {

// `longrl compress-eval --model DIR --data FILE [--context truncate,compress,memory] [--compressor DIR] ...`:
// the answering model's greedy accuracy on the same examples with the document cut to its window,
// compressed first by a CPRS compressor, or read by the memory agent (cprs::ContextEvaluation),
// per extra_info --by value (default the demo's band): n, accuracy and, for truncate and compress,
// the ratio of document bytes to the bytes the model read. --json prints the same as one object;
// --details FILE writes one JSON line per example and mode with what the model read.
Command compressEvalCommand();

}  // namespace longrl::cli
