#pragma once
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/demo/DemoExample.h"
#include "trainer/cprs/CprsCompressor.h"

namespace longrl::cprs {

// How well a compressor keeps what demo questions need: over examples, the mean recall of their
// supporting sentences (DemoSupport::recall) and the compression ratio (all document bytes over
// all kept bytes), with the kept fraction of tokens.
struct CprsEvaluation {
  int64_t examples = 0;
  double recall = 0.0;
  double allSupportKept = 0.0;  // fraction of examples with every supporting sentence kept
  double ratio = 0.0;
  double keptTokenFraction = 0.0;

  // Examples drawn like CprsTrainer's but from another seed stream (held out from training).
  static std::vector<demo::DemoExample> heldOut(uint64_t seed, int64_t count, int band, int fillers);
  static CprsEvaluation run(CprsCompressor& compressor, const std::vector<demo::DemoExample>& examples,
                            const CprsCompressor::Options& options);
  nlohmann::json toJson() const;
};

}  // namespace longrl::cprs
