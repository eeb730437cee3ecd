#pragma once
#include <memory>
#include <string>
#include <vector>

#include "trainer/tokenizer/Tokenizer.h"

namespace longrl::engine {

// Decodes generated ids for display. A model's vocabulary is often larger than its tokenizer's
// (Qwen pads the embedding matrix; init-model's byte-only tokenizer leaves most ids unused), so a
// sampled id may have no text: it decodes to nothing, as HF tokenizers do, instead of throwing.
class LenientDecoder {
 public:
  explicit LenientDecoder(tokenizer::Tokenizer tokenizer);

  std::string decode(const std::vector<int>& ids, bool skipSpecial = false) const;
  bool known(int id) const {
    return id >= 0 && static_cast<size_t>(id) < known_->size() && (*known_)[static_cast<size_t>(id)];
  }
  const tokenizer::Tokenizer& tokenizer() const { return tokenizer_; }

 private:
  tokenizer::Tokenizer tokenizer_;
  std::shared_ptr<const std::vector<bool>> known_;  // shared by copies (it is large for real vocabularies)
};

}  // namespace longrl::engine
