#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include <torch/torch.h>

#include "core/demo/DemoExample.h"
#include "trainer/cprs/CprsModel.h"
#include "trainer/cprs/WindowBatch.h"
#include "trainer/tokenizer/Tokenizer.h"

namespace longrl::cprs {

// Compressor SFT on the demo's synthetic documents: per-token 2-class cross-entropy of the critic
// against the supporting-sentence labels (CprsTrainingData), the keep class weighted up because
// a document's supporting sentences are few, AdamW with linear warm-up then cosine decay, gradient
// clipping at 1. Each step draws fresh examples (the three length bands and documents beyond the
// window, in turn), so no example repeats.
class CprsTrainer {
 public:
  struct Options {
    int64_t steps = 300;
    int64_t examplesPerStep = 4;
    int64_t windowTokens = 256;
    double lr = 1e-3;
    double weightDecay = 0.01;
    double keepWeight = 4.0;  // class weight of "keep" in the loss
    int64_t warmupSteps = 20;
    int beyondWindowFillers = 60;  // filler sentences of the beyond-window documents
    uint64_t seed = 1;
  };
  using StepCallback = std::function<void(int64_t step, double loss, double lr)>;

  CprsTrainer(CprsModel model, const tokenizer::Tokenizer& tok, const Options& options);
  void run(const StepCallback& onStep = {});

  // Mean weighted cross-entropy of one batch's labelled tokens (differentiable).
  static torch::Tensor loss(CprsModel& model, const WindowBatch& batch, double keepWeight);
  // The example drawn as number `i` of a run (band i % 4; band 3 = beyond the window).
  static demo::DemoExample example(uint64_t seed, int64_t i, int fillers);

 private:
  double lrAt(int64_t step) const;
  CprsModel model_;
  const tokenizer::Tokenizer& tok_;
  Options o_;
};

}  // namespace longrl::cprs
