#pragma once
#include "core/cli/Command.h"

namespace longrl::cli {

// `longrl demo --run-dir DIR [--minutes M] [--threads N] [--events stdout]`: the built-in demo.
// Synthesises a document-QA dataset in three length bands (core/demo), creates a small Qwen3
// model with a BPE tokenizer trained on that data, writes a run config (warm-up SFT, then one GRPO
// phase per band with retrospective sampling) and trains it on this machine's CPU, into DIR like
// `longrl train` does. Run again on the same DIR, it resumes an interrupted demo, and returns at
// once when the demo has finished.
Command demoCommand();

}  // namespace longrl::cli
