#include "trainer/cprs/DocumentTokens.h"

#include <unordered_map>

#include "core/cprs/TextUnits.h"

namespace longrl::cprs {

DocumentTokens DocumentTokens::encode(const tokenizer::Tokenizer& tok, const std::string& document) {
  DocumentTokens out;
  // Documents repeat their words: encode each distinct piece once.
  std::unordered_map<std::string, std::vector<int>> seen;
  for (const auto& piece : TextUnits::pieces(document)) {
    const std::string text = document.substr(piece.begin, piece.size());
    auto it = seen.find(text);
    if (it == seen.end()) it = seen.emplace(text, tok.encode(text, /*parseSpecial=*/false)).first;
    for (int id : it->second) {
      out.ids.push_back(id);
      out.spans.push_back(piece);
    }
  }
  return out;
}

}  // namespace longrl::cprs
