#pragma once
#include <cstdint>
#include <string>

#include "core/cli/Command.h"
#include "core/config/RunConfig.h"
#include "core/demo/DemoDataset.h"

namespace longrl::cli {

// `longrl demo --run-dir DIR [--minutes M] [--threads N] [--events stdout]`: the built-in demo.
// Synthesises a document-QA dataset in three length bands (core/demo), creates a small Qwen3
// model with a BPE tokenizer trained on that data, writes a run config (warm-up SFT, then one GRPO
// phase per band with retrospective sampling) and trains it on this machine's CPU, into DIR like
// `longrl train` does. Run again on the same DIR, it resumes an interrupted demo, and returns at
// once when the demo has finished.
Command demoCommand();

// The demo's length in minutes at its full number of steps (--minutes scales the steps).
inline constexpr double kDemoMinutes = 15.0;

struct DemoRunOptions {
  std::string modelDir;          // the model and its tokenizer
  demo::DemoDatasetFiles files;  // written by demo::writeDemoDataset
  double minutes = kDemoMinutes;
  bool fromWarmStart = true;  // the model is the shipped warm start, not a fresh one
  int64_t memorySteps = 0;    // > 0: a last phase in mode "memory" of this many steps
};

// The demo's recipe: the run config `longrl demo` trains with (warm-up SFT, one GRPO phase per
// length band, each phase's prompt limit fitted to its band's longest prompt under the model's
// tokenizer).
config::RunConfig demoRunConfig(const DemoRunOptions& options);

}  // namespace longrl::cli
