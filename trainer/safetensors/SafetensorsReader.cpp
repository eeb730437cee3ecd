#include "trainer/safetensors/SafetensorsReader.h"

#include <cstring>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trainer/safetensors/SafetensorsError.h"

namespace longrl::safetensors {

SafetensorsReader::SafetensorsReader(const std::string& path) : header_(SafetensorsHeader::read(path)) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw SafetensorsError(path + ": cannot open file");
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    throw SafetensorsError(path + ": cannot stat file");
  }
  mapSize_ = static_cast<size_t>(st.st_size);
  // The header was validated against the size seen then; re-check in case the file changed.
  const auto& ts = header_.tensors();
  if (!ts.empty() && header_.dataOffset() + ts.back().end > mapSize_) {
    ::close(fd);
    throw SafetensorsError(path + ": file shrank while opening it (truncated)");
  }
  if (mapSize_ > 0) {
    void* p = ::mmap(nullptr, mapSize_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      ::close(fd);
      throw SafetensorsError(path + ": mmap failed");
    }
    map_ = static_cast<const unsigned char*>(p);
  }
  ::close(fd);
}

SafetensorsReader::~SafetensorsReader() {
  if (map_) ::munmap(const_cast<unsigned char*>(map_), mapSize_);
}

torch::Dtype SafetensorsReader::torchDtype(const std::string& dtype, const std::string& where) {
  if (dtype == "F32") return torch::kFloat32;
  if (dtype == "BF16") return torch::kBFloat16;
  if (dtype == "F16") return torch::kFloat16;
  if (dtype == "F64") return torch::kFloat64;
  if (dtype == "I64") return torch::kInt64;
  if (dtype == "I32") return torch::kInt32;
  if (dtype == "I16") return torch::kInt16;
  if (dtype == "I8") return torch::kInt8;
  if (dtype == "U8") return torch::kUInt8;
  if (dtype == "BOOL") return torch::kBool;
  throw SafetensorsError(where + ": dtype " + dtype + " is not supported by torch");
}

std::string SafetensorsReader::dtypeName(torch::Dtype dtype, const std::string& where) {
  switch (dtype) {
    case torch::kFloat32:
      return "F32";
    case torch::kBFloat16:
      return "BF16";
    case torch::kFloat16:
      return "F16";
    case torch::kFloat64:
      return "F64";
    case torch::kInt64:
      return "I64";
    case torch::kInt32:
      return "I32";
    case torch::kInt16:
      return "I16";
    case torch::kInt8:
      return "I8";
    case torch::kUInt8:
      return "U8";
    case torch::kBool:
      return "BOOL";
    default:
      throw SafetensorsError(where + ": torch dtype " + std::string(c10::toString(dtype)) + " has no safetensors name");
  }
}

torch::Tensor SafetensorsReader::load(const std::string& name, std::optional<torch::Dtype> dtype) const {
  const TensorEntry& e = header_.at(name);
  const std::string where = path() + ": tensor '" + name + "'";
  torch::Tensor t = torch::empty(e.shape, torch::TensorOptions().dtype(torchDtype(e.dtype, where)));
  const size_t bytes = static_cast<size_t>(e.end - e.begin);
  if (bytes > 0) std::memcpy(t.data_ptr(), map_ + header_.dataOffset() + e.begin, bytes);
  if (dtype && *dtype != t.scalar_type()) {
    if (!t.is_floating_point() || !c10::isFloatingType(*dtype))
      throw SafetensorsError(where + ": cannot convert " + e.dtype + " to " + c10::toString(*dtype));
    t = t.to(*dtype);
  }
  return t;
}

std::vector<std::pair<std::string, torch::Tensor>> SafetensorsReader::loadAll(std::optional<torch::Dtype> dtype) const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& e : header_.tensors()) out.emplace_back(e.name, load(e.name, dtype));
  return out;
}

}  // namespace longrl::safetensors
