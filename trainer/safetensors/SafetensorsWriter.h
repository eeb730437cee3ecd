#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

namespace longrl::safetensors {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

// Writes .safetensors files exactly as the format specifies: 8-byte little-endian header
// length, JSON header padded with spaces to a multiple of 8, then the tensors' bytes in the
// given order. Tensors are written in their own dtype (moved to CPU, made contiguous), so a
// file read back is bit-identical. The file appears atomically (written beside, then renamed).
class SafetensorsWriter {
 public:
  // `metadata` goes to "__metadata__"; {"format": "pt"} is added when absent because
  // transformers refuses files without it.
  static void write(const std::string& path, const NamedTensors& tensors,
                    std::map<std::string, std::string> metadata = {});
  // Bytes the tensors' data occupies.
  static uint64_t dataBytes(const NamedTensors& tensors);
};

}  // namespace longrl::safetensors
