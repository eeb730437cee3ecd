// libFuzzer harness: encoding arbitrary bytes with the demo model's small valid tokenizer
// (resources/demo-warmstart: byte-level BPE, NFC, added tokens). encode() must accept any bytes;
// for valid UTF-8 encoded without special tokens, decode(encode(text)) must give NFC(text) back.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "trainer/tokenizer/Nfc.h"
#include "trainer/tokenizer/Tokenizer.h"
#include "trainer/tokenizer/Unicode.h"

using longrl::tokenizer::Tokenizer;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Tokenizer tok = Tokenizer::load(LONGRL_FUZZ_TOKENIZER_DIR);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto withSpecial = tok.encode(text, true);
  for (int id : withSpecial) (void)tok.idToToken(id);
  (void)tok.decode(withSpecial, true);
  const auto plain = tok.encode(text, false);
  const std::string back = tok.decode(plain);
  if (longrl::tokenizer::unicode::isValidUtf8(text) && back != longrl::tokenizer::Nfc::normalize(text)) std::abort();
  return 0;
}
