#pragma once
#include <string>

#include "TestTrainFixture.h"

namespace longrl::test {

// SFT data for the warm-up: six tiny documents whose targets think, then answer.
inline void writeSftDataset(const std::string& path) {
  auto sft = tinyDocs(6, 3, 100);
  for (auto& d : sft) d.answer = "<think>Alice lives in Oslo.</think> Therefore, the answer is Oslo.";
  writeDataset(path, sft);
}

}  // namespace longrl::test
