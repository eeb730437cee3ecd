#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "trainer/safetensors/SafetensorsHeader.h"

namespace longrl::safetensors {

// Materialises tensors of one validated .safetensors file. The file is memory-mapped; each
// tensor is copied out (so it owns its memory and is aligned) and converted to the requested
// dtype. F32, BF16 and F16 convert to one another; integer dtypes load as stored.
class SafetensorsReader {
 public:
  explicit SafetensorsReader(const std::string& path);  // validates the header (SafetensorsError)
  ~SafetensorsReader();
  SafetensorsReader(const SafetensorsReader&) = delete;
  SafetensorsReader& operator=(const SafetensorsReader&) = delete;

  const SafetensorsHeader& header() const { return header_; }
  const std::string& path() const { return header_.path(); }

  // The named tensor, in its stored dtype unless `dtype` is given. Throws SafetensorsError
  // naming the file and tensor when it is missing.
  torch::Tensor load(const std::string& name, std::optional<torch::Dtype> dtype = std::nullopt) const;
  // Every tensor, in data order.
  std::vector<std::pair<std::string, torch::Tensor>> loadAll(std::optional<torch::Dtype> dtype = std::nullopt) const;

  // torch dtype of a safetensors dtype name and back (SafetensorsError for unsupported ones).
  static torch::Dtype torchDtype(const std::string& dtype, const std::string& where);
  static std::string dtypeName(torch::Dtype dtype, const std::string& where);

 private:
  SafetensorsHeader header_;
  const unsigned char* map_ = nullptr;
  size_t mapSize_ = 0;
};

}  // namespace longrl::safetensors
