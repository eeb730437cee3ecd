#include "trainer/safetensors/SafetensorsHeader.h"

#include <algorithm>
#include <fstream>
#include <limits>

#include <nlohmann/json.hpp>

#include "trainer/safetensors/SafetensorsError.h"

namespace longrl::safetensors {
namespace {

// The reference implementation refuses headers above 100 MB; so do we, so that a corrupt
// length does not make us allocate gigabytes.
constexpr uint64_t kMaxHeaderBytes = 100u * 1024u * 1024u;

[[noreturn]] void fail(const std::string& path, const std::string& what) { throw SafetensorsError(path + ": " + what); }

std::string shapeText(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

TensorEntry parseEntry(const std::string& path, const std::string& name, const nlohmann::json& v) {
  const std::string where = "tensor '" + name + "'";
  if (!v.is_object()) fail(path, where + ": header entry is not an object");
  TensorEntry e;
  e.name = name;
  if (!v.contains("dtype") || !v["dtype"].is_string()) fail(path, where + ": missing string 'dtype'");
  e.dtype = v["dtype"].get<std::string>();
  if (SafetensorsHeader::itemSize(e.dtype) == 0) fail(path, where + ": unknown dtype '" + e.dtype + "'");
  if (!v.contains("shape") || !v["shape"].is_array()) fail(path, where + ": missing array 'shape'");
  for (const auto& d : v["shape"]) {
    if (!d.is_number_unsigned()) fail(path, where + ": shape must hold non-negative integers");
    if (d.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      fail(path, where + ": shape dimension " + std::to_string(d.get<uint64_t>()) + " is too large");
    e.shape.push_back(d.get<int64_t>());
  }
  // Both branches are lvalues, so no copy is made (copying a deeply nested value would recurse
  // once per level and could overflow the stack on a hostile header).
  static const nlohmann::json kNone;
  const auto& off = v.contains("data_offsets") ? v["data_offsets"] : kNone;
  if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
    fail(path, where + ": 'data_offsets' must be [begin, end]");
  e.begin = off[0].get<uint64_t>();
  e.end = off[1].get<uint64_t>();
  if (e.end < e.begin) fail(path, where + ": data_offsets end < begin");
  // Overflow-safe product of the shape.
  uint64_t count = 1;
  for (int64_t d : e.shape) {
    if (d != 0 && count > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(d))
      fail(path, where + ": shape " + shapeText(e.shape) + " overflows");
    count *= static_cast<uint64_t>(d);
  }
  const uint64_t item = SafetensorsHeader::itemSize(e.dtype);
  if (count > std::numeric_limits<uint64_t>::max() / item)  // else a huge shape wraps to a small size
    fail(path, where + ": shape " + shapeText(e.shape) + " of " + e.dtype + " overflows");
  const uint64_t bytes = count * item;
  if (bytes != e.end - e.begin)
    fail(path, where + ": shape " + shapeText(e.shape) + " of " + e.dtype + " needs " + std::to_string(bytes) +
                   " bytes but data_offsets span " + std::to_string(e.end - e.begin));
  return e;
}

}  // namespace

size_t SafetensorsHeader::itemSize(const std::string& dtype) {
  if (dtype == "F64" || dtype == "I64" || dtype == "U64") return 8;
  if (dtype == "F32" || dtype == "I32" || dtype == "U32") return 4;
  if (dtype == "F16" || dtype == "BF16" || dtype == "I16" || dtype == "U16") return 2;
  if (dtype == "I8" || dtype == "U8" || dtype == "BOOL") return 1;
  return 0;
}

SafetensorsHeader SafetensorsHeader::read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open file");
  in.seekg(0, std::ios::end);
  const uint64_t fileSize = static_cast<uint64_t>(in.tellg());
  in.seekg(0);
  if (fileSize < 8) fail(path, "file is " + std::to_string(fileSize) + " bytes, too short for a safetensors header");
  unsigned char lenBytes[8];
  in.read(reinterpret_cast<char*>(lenBytes), 8);
  uint64_t headerLen = 0;
  for (int i = 7; i >= 0; --i) headerLen = (headerLen << 8) | lenBytes[i];  // little-endian
  if (headerLen > kMaxHeaderBytes)
    fail(path, "header length " + std::to_string(headerLen) + " exceeds the 100 MB limit");
  if (headerLen > fileSize - 8)
    fail(path, "header length " + std::to_string(headerLen) + " exceeds the file size " + std::to_string(fileSize) +
                   " (truncated file?)");
  std::string json(headerLen, '\0');
  in.read(json.data(), static_cast<std::streamsize>(headerLen));
  if (!in) fail(path, "could not read the header");
  return parse(json, fileSize - 8 - headerLen, path);
}

SafetensorsHeader SafetensorsHeader::parse(const std::string& json, uint64_t dataSize, const std::string& path) {
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(json);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for numbers like 1e999
    fail(path, std::string("header is not valid JSON: ") + e.what());
  }
  if (!root.is_object()) fail(path, "header is not a JSON object");
  SafetensorsHeader h;
  h.path_ = path;
  h.dataOffset_ = 8 + json.size();
  for (auto it = root.begin(); it != root.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (!it.value().is_object()) fail(path, "__metadata__ is not an object");
      for (auto m = it.value().begin(); m != it.value().end(); ++m) {
        if (!m.value().is_string()) fail(path, "__metadata__ value '" + m.key() + "' is not a string");
        h.metadata_[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    h.tensors_.push_back(parseEntry(path, it.key(), it.value()));
  }
  std::sort(h.tensors_.begin(), h.tensors_.end(), [](const TensorEntry& a, const TensorEntry& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  // The data section must be covered exactly: in order, no overlap, no hole, nothing past the end.
  uint64_t expected = 0;
  const TensorEntry* prev = nullptr;
  for (const auto& e : h.tensors_) {
    if (e.end > dataSize)
      fail(path, "tensor '" + e.name + "': data_offsets [" + std::to_string(e.begin) + "," + std::to_string(e.end) +
                     ") lie past the end of the data section (" + std::to_string(dataSize) +
                     " bytes; truncated file?)");
    if (e.begin < expected)
      fail(path, "tensor '" + e.name + "': byte range overlaps tensor '" + (prev ? prev->name : "") + "'");
    if (e.begin > expected)
      fail(path, "tensor '" + e.name + "': hole of " + std::to_string(e.begin - expected) + " bytes before its data");
    expected = e.end;
    prev = &e;
  }
  if (expected != dataSize)
    fail(path, std::to_string(dataSize - expected) + " trailing bytes after the last tensor" +
                   (prev ? " '" + prev->name + "'" : std::string()));
  return h;
}

const TensorEntry* SafetensorsHeader::find(const std::string& name) const {
  for (const auto& e : tensors_)
    if (e.name == name) return &e;
  return nullptr;
}

const TensorEntry& SafetensorsHeader::at(const std::string& name) const {
  if (const auto* e = find(name)) return *e;
  fail(path_, "missing tensor '" + name + "'");
}

}  // namespace longrl::safetensors
