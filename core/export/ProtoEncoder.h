#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace longrl::exports {

// Protocol-buffers wire format for the few field kinds TensorBoard's Event and Summary need, so
// event files are written without a libprotobuf dependency. Fields are appended in call order.
class ProtoEncoder {
 public:
  ProtoEncoder& varint(int field, std::uint64_t value);  // wire type 0
  ProtoEncoder& int64(int field, std::int64_t value) { return varint(field, static_cast<std::uint64_t>(value)); }
  ProtoEncoder& float64(int field, double value);          // wire type 1 (double)
  ProtoEncoder& float32(int field, float value);           // wire type 5 (float)
  ProtoEncoder& bytes(int field, std::string_view value);  // wire type 2: strings and nested messages
  const std::string& str() const { return buf_; }

 private:
  void key(int field, int wireType);
  void rawVarint(std::uint64_t value);
  void littleEndian(std::uint64_t value, int bytes);
  std::string buf_;
};

}  // namespace longrl::exports
