#pragma once
#include <stdexcept>
#include <string>

namespace longrl::safetensors {

// A malformed, truncated or mismatched safetensors file (or sharded index). The message names
// the file and, where one is involved, the tensor.
class SafetensorsError : public std::runtime_error {
 public:
  explicit SafetensorsError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace longrl::safetensors
