#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace longrl::exports {

// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum TFRecord files carry.
class Crc32c {
 public:
  static std::uint32_t compute(std::string_view data) { return extend(0, data); }
  // The CRC of (the bytes `crc` was computed over) followed by `data`.
  static std::uint32_t extend(std::uint32_t crc, std::string_view data);
  // TFRecord stores CRCs masked, so that a CRC computed over bytes that hold CRCs stays strong.
  static std::uint32_t masked(std::uint32_t crc) { return ((crc >> 15) | (crc << 17)) + 0xa282ead8u; }
};

}  // namespace longrl::exports
