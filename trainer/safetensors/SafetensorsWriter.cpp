#include "trainer/safetensors/SafetensorsWriter.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "trainer/safetensors/SafetensorsError.h"
#include "trainer/safetensors/SafetensorsReader.h"

namespace longrl::safetensors {

uint64_t SafetensorsWriter::dataBytes(const NamedTensors& tensors) {
  uint64_t n = 0;
  for (const auto& [name, t] : tensors) n += static_cast<uint64_t>(t.numel()) * t.element_size();
  return n;
}

void SafetensorsWriter::write(const std::string& path, const NamedTensors& tensors,
                              std::map<std::string, std::string> metadata) {
  metadata.emplace("format", "pt");
  nlohmann::json header = nlohmann::json::object();
  header["__metadata__"] = metadata;
  std::vector<torch::Tensor> cpu;
  std::set<std::string> seen;
  uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {
    if (!seen.insert(name).second) throw SafetensorsError(path + ": tensor '" + name + "' given twice");
    if (name == "__metadata__") throw SafetensorsError(path + ": '__metadata__' is not a valid tensor name");
    if (!t.defined()) throw SafetensorsError(path + ": tensor '" + name + "' is undefined");
    torch::Tensor c = t.detach().to(torch::kCPU).contiguous();
    const uint64_t bytes = static_cast<uint64_t>(c.numel()) * c.element_size();
    header[name] = {{"dtype", SafetensorsReader::dtypeName(c.scalar_type(), path + ": tensor '" + name + "'")},
                    {"shape", c.sizes().vec()},
                    {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
    cpu.push_back(std::move(c));
  }
  std::string json = header.dump();
  json.append((8 - json.size() % 8) % 8, ' ');  // data starts 8-byte aligned
  const std::string tmp = path + ".partial";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw SafetensorsError(path + ": cannot create file");
    unsigned char len[8];
    uint64_t n = json.size();
    for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>((n >> (8 * i)) & 0xff);
    out.write(reinterpret_cast<const char*>(len), 8);
    out.write(json.data(), static_cast<std::streamsize>(json.size()));
    for (const auto& c : cpu)
      out.write(static_cast<const char*>(c.data_ptr()), static_cast<std::streamsize>(c.numel() * c.element_size()));
    out.flush();
    if (!out) throw SafetensorsError(path + ": write failed (disk full?): " + std::strerror(errno));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw SafetensorsError(path + ": cannot rename " + tmp + " into place");
}

}  // namespace longrl::safetensors
