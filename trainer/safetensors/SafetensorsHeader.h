#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace longrl::safetensors {

// One tensor as the header describes it. Offsets are relative to the start of the data
// section (after the 8-byte length and the JSON header), as in the format's specification.
struct TensorEntry {
  std::string name;
  std::string dtype;  // "F32", "BF16", "F16", ... as written in the file
  std::vector<int64_t> shape;
  uint64_t begin = 0;
  uint64_t end = 0;
};

// The parsed and validated header of one .safetensors file. Torch-free: it only reads bytes,
// so it can check a file before anything is materialised.
class SafetensorsHeader {
 public:
  // Reads and validates the header of `path` against the file's size. Throws SafetensorsError
  // naming the file (and the tensor) for: a file shorter than 8 bytes, a header length beyond
  // the file, invalid JSON, an unknown dtype, a shape that does not match the byte range,
  // offsets past the end of the data, overlapping ranges, holes, or trailing bytes.
  static SafetensorsHeader read(const std::string& path);
  // Validates a header given as bytes (the JSON text) for a data section of `dataSize` bytes.
  static SafetensorsHeader parse(const std::string& json, uint64_t dataSize, const std::string& path);

  const std::string& path() const { return path_; }
  // Tensors in data order (by begin offset).
  const std::vector<TensorEntry>& tensors() const { return tensors_; }
  const TensorEntry* find(const std::string& name) const;
  const TensorEntry& at(const std::string& name) const;  // throws SafetensorsError naming the tensor
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  // Byte offset of the data section inside the file (8 + header length).
  uint64_t dataOffset() const { return dataOffset_; }

  // Bytes per element of a safetensors dtype name; 0 when unknown.
  static size_t itemSize(const std::string& dtype);

 private:
  std::string path_;
  std::vector<TensorEntry> tensors_;
  std::map<std::string, std::string> metadata_;
  uint64_t dataOffset_ = 0;
};

}  // namespace longrl::safetensors
