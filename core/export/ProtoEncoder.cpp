#include "core/export/ProtoEncoder.h"

#include <cstring>

namespace longrl::exports {

void ProtoEncoder::key(int field, int wireType) {
  rawVarint((static_cast<std::uint64_t>(field) << 3) | static_cast<std::uint64_t>(wireType));
}

void ProtoEncoder::rawVarint(std::uint64_t value) {
  while (value >= 0x80) {
    buf_ += static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  buf_ += static_cast<char>(value);
}

void ProtoEncoder::littleEndian(std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) buf_ += static_cast<char>((value >> (8 * i)) & 0xff);
}

ProtoEncoder& ProtoEncoder::varint(int field, std::uint64_t value) {
  key(field, 0);
  rawVarint(value);
  return *this;
}

ProtoEncoder& ProtoEncoder::float64(int field, double value) {
  std::uint64_t bits = 0;
  static_assert(sizeof bits == sizeof value);
  std::memcpy(&bits, &value, sizeof bits);
  key(field, 1);
  littleEndian(bits, 8);
  return *this;
}

ProtoEncoder& ProtoEncoder::float32(int field, float value) {
  std::uint32_t bits = 0;
  static_assert(sizeof bits == sizeof value);
  std::memcpy(&bits, &value, sizeof bits);
  key(field, 5);
  littleEndian(bits, 4);
  return *this;
}

ProtoEncoder& ProtoEncoder::bytes(int field, std::string_view value) {
  key(field, 2);
  rawVarint(value.size());
  buf_.append(value);
  return *this;
}

}  // namespace longrl::exports
