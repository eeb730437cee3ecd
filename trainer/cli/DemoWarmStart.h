#pragma once
#include <optional>
#include <string>

namespace longrl::cli {

// The demo's warm-start model: a small model that longrl itself SFT-trained on the demo's data
// (`longrl demo --make-warm-start DIR`, see resources/demo-warmstart/README.md). Learning to look
// facts up in a document takes a 1M-parameter model far longer than the demo's 15 minutes on two
// CPU cores, so the demo starts from it and spends its minutes on a short SFT warm-up and GRPO.
class DemoWarmStart {
 public:
  // Where the shipped warm start is: $LONGRL_DEMO_WARMSTART, then <exe>/../share/longrl/demo-warmstart
  // (installed), then the source tree's resources/demo-warmstart (a build tree). nullopt if none.
  static std::optional<std::string> locate();
  // True when `dir` holds an HF-layout model with its tokenizer.
  static bool isModelDir(const std::string& dir);
  // Copies the model files of `modelDir` (not trainer_state/) into `outDir`.
  static void copyModel(const std::string& modelDir, const std::string& outDir);
};

}  // namespace longrl::cli
