#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/cprs/TextSpan.h"

namespace longrl::cprs {

// A unit (word, sentence or paragraph) the compressor kept: its bytes in the document, the highest
// keep score among its tokens and their mean.
struct KeptSpan {
  TextSpan span;
  double score = 0.0;
  double mean = 0.0;
};

// What compressing one document gives: the kept spans in document order, the compressed text
// (the spans joined) and the sizes; ratio = document bytes / kept bytes (0 kept: the document size).
struct Compression {
  std::vector<KeptSpan> spans;
  std::string text;
  std::size_t documentBytes = 0;
  std::size_t keptBytes = 0;
  std::size_t documentTokens = 0;
  std::size_t keptTokens = 0;

  double ratio() const {
    return static_cast<double>(documentBytes) / static_cast<double>(keptBytes > 0 ? keptBytes : 1);
  }
  // {"spans": [{"begin", "end", "score", "mean", "text"}], "text", "ratio", bytes and tokens}.
  nlohmann::json toJson(const std::string& document) const;
};

}  // namespace longrl::cprs
