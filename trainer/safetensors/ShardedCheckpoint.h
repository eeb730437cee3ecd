#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "trainer/safetensors/SafetensorsReader.h"
#include "trainer/safetensors/SafetensorsWriter.h"

namespace longrl::safetensors {

// The weights of a model directory laid out as HF transformers expects: either one
// `model.safetensors`, or `model-0000K-of-0000N.safetensors` shards listed by
// `model.safetensors.index.json` ({"metadata": {"total_size": N}, "weight_map": {name: file}}).
class ShardedCheckpoint {
 public:
  // Opens `dir`, validating every shard's header and the index (SafetensorsError naming the file
  // and tensor on any mismatch).
  static ShardedCheckpoint open(const std::string& dir);

  // Writes `tensors` into `dir`: one file when they fit in `maxShardBytes` (0 = no limit),
  // otherwise shards of at most that size (a tensor larger than the limit gets a shard alone)
  // plus the index. Returns the files written (relative names).
  static std::vector<std::string> save(const std::string& dir, const NamedTensors& tensors, uint64_t maxShardBytes = 0);

  bool contains(const std::string& name) const { return where_.count(name) > 0; }
  // Header entry of a tensor (throws SafetensorsError naming the directory and tensor if absent).
  const TensorEntry& entry(const std::string& name) const;
  torch::Tensor load(const std::string& name, std::optional<torch::Dtype> dtype = std::nullopt) const;
  std::vector<std::string> names() const;
  // The file that holds `name` (for error messages).
  const std::string& fileOf(const std::string& name) const;
  const std::string& dir() const { return dir_; }

 private:
  const SafetensorsReader& readerOf(const std::string& name) const;
  std::string dir_;
  std::vector<std::shared_ptr<SafetensorsReader>> readers_;
  std::map<std::string, size_t> where_;  // tensor name -> index in readers_
};

}  // namespace longrl::safetensors
