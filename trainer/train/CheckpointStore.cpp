#include "trainer/train/CheckpointStore.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "core/io/JsonFile.h"
#include "trainer/model/QwenPretrained.h"
#include "trainer/train/ArchiveFile.h"

namespace fs = std::filesystem;

namespace longrl::train {
namespace {

const char* const kTokenizerFiles[] = {"tokenizer.json",     "tokenizer_config.json",   "vocab.json",
                                       "merges.txt",         "special_tokens_map.json", "added_tokens.json",
                                       "chat_template.jinja"};

}  // namespace

CheckpointStore::CheckpointStore(std::string checkpointsDir, int64_t keep, std::string tokenizerDir)
    : dir_(std::move(checkpointsDir)), keep_(keep), tokenizerDir_(std::move(tokenizerDir)) {
  fs::create_directories(dir_);
}

void CheckpointStore::saveOptimizer(const torch::optim::Optimizer& optimizer, const fs::path& path) {
  torch::serialize::OutputArchive archive;
  optimizer.save(archive);
  ArchiveFile::write(archive, path);
}

fs::path CheckpointStore::stagingDir(int64_t step) const { return fs::path(dir_) / (".shards-" + dirName(step)); }

fs::path CheckpointStore::shardsDir(const std::string& checkpointDir) {
  return fs::path(checkpointDir) / "trainer_state" / "shards";
}

std::string CheckpointStore::save(int64_t step, model::QwenForCausalLM& model, torch::optim::Optimizer* optimizer,
                                  model::QwenForCausalLM* reference, const nlohmann::json& state, bool withShards) {
  const fs::path final = fs::path(dir_) / dirName(step);
  const fs::path tmp = fs::path(dir_) / (".tmp-" + dirName(step));
  const fs::path old = fs::path(dir_) / (".old-" + dirName(step));
  fs::remove_all(tmp);
  try {
    writeInto(tmp, model, optimizer, reference, state, withShards ? stagingDir(step) : fs::path());
  } catch (const std::exception& e) {
    // Disk full, quota, I/O error: drop the partial directory (it would only take space) and keep
    // every earlier checkpoint as it was; `--resume` continues from the latest complete one.
    std::error_code ignored;
    fs::remove_all(tmp, ignored);
    throw std::runtime_error("checkpoint " + final.string() +
                             " not written (earlier checkpoints are kept): " + e.what());
  }
  fs::remove_all(old);
  if (fs::exists(final)) fs::rename(final, old);
  fs::rename(tmp, final);
  fs::remove_all(old);
  prune();
  return final.string();
}

void CheckpointStore::writeInto(const fs::path& tmp, model::QwenForCausalLM& model, torch::optim::Optimizer* optimizer,
                                model::QwenForCausalLM* reference, const nlohmann::json& state,
                                const fs::path& shardsFrom) const {
  fs::create_directories(tmp / "trainer_state");
  model::QwenPretrained::save(model, tmp.string());
  for (const char* f : kTokenizerFiles) {
    const fs::path src = fs::path(tokenizerDir_) / f;
    if (fs::exists(src)) fs::copy_file(src, tmp / f, fs::copy_options::overwrite_existing);
  }
  if (optimizer) saveOptimizer(*optimizer, tmp / "trainer_state" / "optimizer.pt");
  if (reference) model::QwenPretrained::save(*reference, (tmp / "trainer_state" / "reference").string());
  if (!shardsFrom.empty()) fs::rename(shardsFrom, tmp / "trainer_state" / "shards");
  io::JsonFile::write((tmp / "trainer_state" / "state.json").string(), state);  // last: marks it complete
}

std::vector<std::pair<int64_t, std::string>> CheckpointStore::list() const {
  std::vector<std::pair<int64_t, std::string>> out;
  if (!fs::exists(dir_)) return out;
  for (const auto& e : fs::directory_iterator(dir_)) {
    const auto name = e.path().filename().string();
    if (name.rfind("step-", 0) != 0 || !fs::exists(e.path() / "trainer_state" / "state.json")) continue;
    try {
      out.emplace_back(std::stoll(name.substr(5)), e.path().string());
    } catch (const std::exception&) {
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<std::string> CheckpointStore::latest() const {
  const auto all = list();
  if (all.empty()) return std::nullopt;
  return all.back().second;
}

void CheckpointStore::prune() {
  if (keep_ <= 0) return;
  auto all = list();
  while (static_cast<int64_t>(all.size()) > keep_) {
    fs::remove_all(all.front().second);
    all.erase(all.begin());
  }
}

nlohmann::json CheckpointStore::readState(const std::string& checkpointDir) {
  const auto path = fs::path(checkpointDir) / "trainer_state" / "state.json";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  try {
    return nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    throw std::runtime_error(path.string() + ": " + e.what());
  }
}

void CheckpointStore::loadOptimizer(const std::string& checkpointDir, torch::optim::Optimizer& optimizer, int rank) {
  const auto own = shardsDir(checkpointDir) / "optimizer" / rankFile(rank);
  const auto path = fs::exists(own) ? own : fs::path(checkpointDir) / "trainer_state" / "optimizer.pt";
  if (fs::exists(path)) torch::load(optimizer, path.string());
}

std::string CheckpointStore::referenceDir(const std::string& checkpointDir) {
  const auto path = fs::path(checkpointDir) / "trainer_state" / "reference";
  return fs::exists(path / "config.json") ? path.string() : std::string();
}

}  // namespace longrl::train
