#include "trainer/safetensors/ShardedCheckpoint.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/io/JsonFile.h"
#include "trainer/safetensors/SafetensorsError.h"

namespace fs = std::filesystem;

namespace longrl::safetensors {
namespace {

constexpr const char* kSingleFile = "model.safetensors";
constexpr const char* kIndexFile = "model.safetensors.index.json";

std::string shardName(size_t k, size_t n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "model-%05zu-of-%05zu.safetensors", k, n);
  return buf;
}

}  // namespace

ShardedCheckpoint ShardedCheckpoint::open(const std::string& dir) {
  ShardedCheckpoint c;
  c.dir_ = dir;
  const fs::path single = fs::path(dir) / kSingleFile;
  const fs::path index = fs::path(dir) / kIndexFile;
  if (fs::exists(single)) {
    c.readers_.push_back(std::make_shared<SafetensorsReader>(single.string()));
    for (const auto& e : c.readers_[0]->header().tensors()) c.where_[e.name] = 0;
    return c;
  }
  if (!fs::exists(index)) throw SafetensorsError(dir + ": neither " + kSingleFile + " nor " + kIndexFile + " found");
  nlohmann::json j;
  {
    std::ifstream in(index);
    try {
      j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for numbers like 1e999
      throw SafetensorsError(index.string() + ": not valid JSON: " + e.what());
    }
  }
  if (!j.is_object() || !j.contains("weight_map") || !j["weight_map"].is_object())
    throw SafetensorsError(index.string() + ": missing object 'weight_map'");
  std::map<std::string, size_t> byFile;
  for (auto it = j["weight_map"].begin(); it != j["weight_map"].end(); ++it) {
    if (!it.value().is_string())
      throw SafetensorsError(index.string() + ": weight_map['" + it.key() + "'] is not a file name");
    const std::string file = it.value().get<std::string>();
    if (file.find('/') != std::string::npos || file.find("..") != std::string::npos)
      throw SafetensorsError(index.string() + ": weight_map['" + it.key() + "'] names a file outside the directory");
    auto f = byFile.find(file);
    if (f == byFile.end()) {
      const fs::path shard = fs::path(dir) / file;
      if (!fs::exists(shard))
        throw SafetensorsError(index.string() + ": tensor '" + it.key() + "' is mapped to missing shard " + file);
      c.readers_.push_back(std::make_shared<SafetensorsReader>(shard.string()));
      f = byFile.emplace(file, c.readers_.size() - 1).first;
    }
    if (!c.readers_[f->second]->header().find(it.key()))
      throw SafetensorsError(c.readers_[f->second]->path() + ": missing tensor '" + it.key() + "' (listed in " +
                             kIndexFile + ")");
    c.where_[it.key()] = f->second;
  }
  return c;
}

std::vector<std::string> ShardedCheckpoint::save(const std::string& dir, const NamedTensors& tensors,
                                                 uint64_t maxShardBytes) {
  fs::create_directories(dir);
  // Remove weights of an earlier save so that a directory never mixes layouts.
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string n = entry.path().filename().string();
    if (n == kSingleFile || n == kIndexFile ||
        (n.rfind("model-", 0) == 0 && entry.path().extension() == ".safetensors"))
      fs::remove(entry.path(), ec);
  }
  const uint64_t total = SafetensorsWriter::dataBytes(tensors);
  if (maxShardBytes == 0 || total <= maxShardBytes) {
    SafetensorsWriter::write((fs::path(dir) / kSingleFile).string(), tensors);
    return {kSingleFile};
  }
  std::vector<NamedTensors> shards(1);
  uint64_t current = 0;
  for (const auto& nt : tensors) {
    const uint64_t bytes = static_cast<uint64_t>(nt.second.numel()) * nt.second.element_size();
    if (!shards.back().empty() && current + bytes > maxShardBytes) {
      shards.emplace_back();
      current = 0;
    }
    shards.back().push_back(nt);
    current += bytes;
  }
  std::vector<std::string> files;
  nlohmann::json weightMap = nlohmann::json::object();
  for (size_t k = 0; k < shards.size(); ++k) {
    const std::string name = shardName(k + 1, shards.size());
    SafetensorsWriter::write((fs::path(dir) / name).string(), shards[k]);
    for (const auto& nt : shards[k]) weightMap[nt.first] = name;
    files.push_back(name);
  }
  nlohmann::json index = {{"metadata", {{"total_size", total}}}, {"weight_map", weightMap}};
  try {
    io::JsonFile::write((fs::path(dir) / kIndexFile).string(), index);
  } catch (const std::runtime_error& e) {
    throw SafetensorsError(e.what());
  }
  files.push_back(kIndexFile);
  return files;
}

const SafetensorsReader& ShardedCheckpoint::readerOf(const std::string& name) const {
  auto it = where_.find(name);
  if (it == where_.end()) {
    const std::string file = readers_.size() == 1 ? readers_[0]->path() : (fs::path(dir_) / kIndexFile).string();
    throw SafetensorsError(file + ": missing tensor '" + name + "'");
  }
  return *readers_[it->second];
}

const TensorEntry& ShardedCheckpoint::entry(const std::string& name) const { return readerOf(name).header().at(name); }

torch::Tensor ShardedCheckpoint::load(const std::string& name, std::optional<torch::Dtype> dtype) const {
  return readerOf(name).load(name, dtype);
}

const std::string& ShardedCheckpoint::fileOf(const std::string& name) const { return readerOf(name).path(); }

std::vector<std::string> ShardedCheckpoint::names() const {
  std::vector<std::string> out;
  for (const auto& [n, i] : where_) out.push_back(n);
  return out;
}

}  // namespace longrl::safetensors
