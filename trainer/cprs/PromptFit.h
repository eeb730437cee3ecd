#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/dataset/DatasetRecord.h"
#include "trainer/tokenizer/Tokenizer.h"
#include "trainer/train/TrainExample.h"

namespace longrl::cprs {

// An example's prompt with the document cut, at a word, to the longest start whose chat prompt
// has at most maxPromptTokens tokens (the answering model's window less its answer budget).
struct PromptFit {
  train::TrainExample example;
  std::size_t readBytes = 0;  // of the document given, what the prompt holds
  bool cut = false;

  // The record with `document` in place of its own (the plain template; a record whose user turn
  // is its own text is refused, naming its file and line), then cut to fit.
  static PromptFit fit(const dataset::DatasetRecord& record, const std::string& document,
                       const tokenizer::Tokenizer& tokenizer, int64_t maxPromptTokens);
};

}  // namespace longrl::cprs
