// libFuzzer harness: loading a tokenizer.json from bytes (trainer/tokenizer, torch-free).
// Bytes that are not JSON are skipped (nlohmann's parser is not under test); for JSON,
// Tokenizer::fromJson must either throw TokenizerError or give a tokenizer that encodes and
// decodes a short text. Anything else is a finding.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "trainer/tokenizer/Tokenizer.h"
#include "trainer/tokenizer/TokenizerError.h"

using longrl::tokenizer::Tokenizer;
using longrl::tokenizer::TokenizerError;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  nlohmann::json tok;
  try {
    tok = nlohmann::json::parse(data, data + size);
  } catch (const nlohmann::json::exception&) {
    return 0;
  }
  try {
    const Tokenizer t = Tokenizer::fromJson(tok, nlohmann::json(), "fuzz/tokenizer.json");
    for (bool special : {true, false}) {
      const auto ids = t.encode("Hello wörld <think> 42 </think>\n\t<|im_end|>", special);
      for (int id : ids) (void)t.idToToken(id);  // every produced id is known
      (void)t.decode(ids);
      (void)t.decode(ids, true);
    }
    (void)t.vocabSize();
    (void)t.tokenToId("a");
  } catch (const TokenizerError&) {
  }
  return 0;
}
