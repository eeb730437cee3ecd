#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "trainer/model/QwenConfig.h"

namespace longrl::model {

// The size of the model a config describes, from its fields alone, and the check that it fits in
// memory before anything is allocated: without it, a config.json with an absurd size (vocab_size
// 10^12) ends in LibTorch's allocation error and stack trace, naming nothing the user wrote.
class ModelSize {
 public:
  struct Part {
    std::string what;   // the part and the fields that size it, e.g. "the MLPs (num_hidden_layers 2 x ...)"
    double parameters;  // a double: absurd configs overflow int64
  };

  // The parameters QwenForCausalLM allocates for `c`, by part (embeddings, lm_head, attention,
  // MLPs, experts, norms).
  static std::vector<Part> parts(const QwenConfig& c);
  static double parameters(const QwenConfig& c);

  // MemAvailable + SwapFree from /proc/meminfo, in bytes; 0 when unknown.
  static uint64_t availableMemoryBytes();

  // Throws ModelConfigError, naming `source`, the sizes and the largest part with its fields, when
  // the model's weights as they are built (float32, before any conversion to the checkpoint's
  // dtype) need more than `available` bytes. available 0: unknown, nothing is checked.
  static void requireFits(const QwenConfig& c, const std::string& source, uint64_t available = availableMemoryBytes());
};

}  // namespace longrl::model
