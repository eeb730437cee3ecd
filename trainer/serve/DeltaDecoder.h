#pragma once
#include <string>
#include <vector>

#include "trainer/engine/LenientDecoder.h"

namespace longrl::serve {

// Turns a sample's growing token ids into text deltas for streaming. It holds back a trailing
// incomplete UTF-8 character (decoded as U+FFFD until its last byte arrives) and the last
// (longest stop string - 1) bytes, so that no part of a stop string is ever sent. The deltas
// concatenated equal the final text (finish() sends the rest).
class DeltaDecoder {
 public:
  DeltaDecoder(const engine::LenientDecoder& decoder, std::vector<std::string> stops, std::vector<int> stopTokenIds);

  // The text that became safe to send after `token` ("" when none).
  std::string push(int token);
  // The rest of the final text: decoded without a trailing stop token, cut at `stopString`.
  std::string finish(const std::string& stopString);
  // The full final text (valid after finish()).
  const std::string& text() const { return final_; }

 private:
  std::string current() const;
  const engine::LenientDecoder& decoder_;
  std::vector<std::string> stops_;
  std::vector<int> stopTokenIds_;
  std::vector<int> ids_;
  size_t holdback_ = 0;
  size_t sent_ = 0;
  std::string final_;
};

}  // namespace longrl::serve
