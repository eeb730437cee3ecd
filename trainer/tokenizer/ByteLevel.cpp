#include "trainer/tokenizer/ByteLevel.h"

#include "trainer/tokenizer/Unicode.h"

namespace longrl::tokenizer {
namespace {

struct Tables {
  std::array<char32_t, 256> toChar{};
  std::array<int, 324> toByte{};  // mapped characters are all below U+0144
  Tables() {
    toByte.fill(-1);
    int extra = 0;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
      toChar[b] = printable ? static_cast<char32_t>(b) : static_cast<char32_t>(256 + extra++);
      toByte[toChar[b]] = b;
    }
  }
};
const Tables& tables() {
  static const Tables t;
  return t;
}

}  // namespace

char32_t ByteLevel::byteToChar(unsigned char b) { return tables().toChar[b]; }

std::string ByteLevel::encode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) unicode::appendUtf8(tables().toChar[b], out);
  return out;
}

bool ByteLevel::decode(std::string_view tokenText, std::string& bytes) {
  const auto& t = tables();
  for (size_t pos = 0; pos < tokenText.size();) {
    const char32_t c = unicode::decodeUtf8(tokenText, pos);
    if (c >= t.toByte.size() || t.toByte[c] < 0) return false;
    bytes.push_back(static_cast<char>(t.toByte[c]));
  }
  return true;
}

}  // namespace longrl::tokenizer
