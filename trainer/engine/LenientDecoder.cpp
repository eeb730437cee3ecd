#include "trainer/engine/LenientDecoder.h"

namespace longrl::engine {

LenientDecoder::LenientDecoder(tokenizer::Tokenizer tok) : tokenizer_(std::move(tok)) {
  auto known = std::make_shared<std::vector<bool>>(tokenizer_.vocabSize(), false);
  const auto& bpe = tokenizer_.model();
  for (size_t id = 0; id < bpe.idLimit() && id < known->size(); ++id)
    (*known)[id] = !bpe.tokenText(static_cast<int>(id)).empty();
  for (const auto& a : tokenizer_.addedTokens())
    if (a.id >= 0 && static_cast<size_t>(a.id) < known->size()) (*known)[static_cast<size_t>(a.id)] = true;
  known_ = std::move(known);
}

std::string LenientDecoder::decode(const std::vector<int>& ids, bool skipSpecial) const {
  std::vector<int> kept;
  kept.reserve(ids.size());
  for (int id : ids)
    if (known(id)) kept.push_back(id);
  return tokenizer_.decode(kept, skipSpecial);
}

}  // namespace longrl::engine
