#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "trainer/cprs/CprsModel.h"

namespace longrl::cprs {

// Loads and saves a compressor directory in HF layout: config.json (the Qwen fields, a
// Qwen*ForTokenClassification architecture with num_labels / id2label / label2id, and the "cprs"
// block) and model.safetensors. A plain Qwen checkpoint loads too: its decoder weights are used,
// its LM head is left out and the critic starts fresh (seeded).
class CprsPretrained {
 public:
  // `cprs` replaces config.json's "cprs" block (e.g. to turn a plain Qwen into a compressor with
  // N bidirectional layers). Weights load as float32 on the CPU; a critic with any tensor missing
  // starts fresh whole. Throws model::ModelConfigError / SafetensorsError naming the file.
  static CprsModel load(const std::string& dir, const std::optional<CprsConfig>& cprs = std::nullopt,
                        uint64_t scoreSeed = 0);
  // Writes config.json and model.safetensors into `dir` (created when missing).
  static void save(CprsModel& model, const std::string& dir);
  // config.json of `model` as save() writes it.
  static nlohmann::json configJson(const CprsModel& model);
  // Whether config.json in `dir` has a "cprs" block (a compressor rather than a plain Qwen).
  static bool isCompressor(const std::string& dir);
};

}  // namespace longrl::cprs
