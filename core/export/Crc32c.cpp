#include "core/export/Crc32c.h"

#include <array>

namespace longrl::exports {
namespace {

constexpr std::uint32_t kPolynomial = 0x82F63B78u;

constexpr std::array<std::uint32_t, 256> makeTable() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit) c = (c & 1u) ? (c >> 1) ^ kPolynomial : c >> 1;
    table[i] = c;
  }
  return table;
}

constexpr auto kTable = makeTable();

}  // namespace

std::uint32_t Crc32c::extend(std::uint32_t crc, std::string_view data) {
  std::uint32_t c = ~crc;
  for (unsigned char byte : data) c = kTable[(c ^ byte) & 0xffu] ^ (c >> 8);
  return ~c;
}

}  // namespace longrl::exports
