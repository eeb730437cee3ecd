#pragma once
#include <string>
#include <vector>

#include "core/cprs/TextSpan.h"
#include "trainer/tokenizer/Tokenizer.h"

namespace longrl::cprs {

// A document's token ids with the bytes each token came from. The document is tokenized piece by
// piece (core/cprs/TextUnits::pieces: a word with the whitespace before it), so every token belongs
// to one word; byte-level BPE gives the same ids as for the whole text except where punctuation
// runs into a following newline. Training and inference both tokenize this way. Special-token text
// in the document stays plain text.
struct DocumentTokens {
  std::vector<int> ids;
  std::vector<TextSpan> spans;  // one per id: the piece that produced it

  static DocumentTokens encode(const tokenizer::Tokenizer& tok, const std::string& document);
};

}  // namespace longrl::cprs
