#include "trainer/train/CheckpointStore.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "core/io/JsonFile.h"
#include "trainer/model/QwenPretrained.h"

namespace fs = std::filesystem;

namespace longrl::train {
namespace {

const char* const kTokenizerFiles[] = {"tokenizer.json",     "tokenizer_config.json",   "vocab.json",
                                       "merges.txt",         "special_tokens_map.json", "added_tokens.json",
                                       "chat_template.jinja"};

// torch::save(optimizer, path) cannot be used: when a write fails (disk full) torch 1.13's zip
// writer throws, and its destructor then throws again while unwinding, so the process terminates.
// Here torch always sees a complete write; a failure is remembered and reported once it returns.
void saveOptimizer(const torch::optim::Optimizer& optimizer, const fs::path& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error(path.string() + ": cannot create file: " + std::strerror(errno));
  torch::serialize::OutputArchive archive;
  optimizer.save(archive);
  std::string failure;
  archive.save_to([&](const void* data, size_t n) -> size_t {
    if (failure.empty() && !out.write(static_cast<const char*>(data), static_cast<std::streamsize>(n)))
      failure = std::strerror(errno);
    return n;
  });
  if (failure.empty() && !out.flush()) failure = std::strerror(errno);
  if (!failure.empty()) throw std::runtime_error(path.string() + ": write failed (disk full?): " + failure);
}

}  // namespace

CheckpointStore::CheckpointStore(std::string checkpointsDir, int64_t keep, std::string tokenizerDir)
    : dir_(std::move(checkpointsDir)), keep_(keep), tokenizerDir_(std::move(tokenizerDir)) {
  fs::create_directories(dir_);
}

std::string CheckpointStore::save(int64_t step, model::QwenForCausalLM& model, torch::optim::Optimizer* optimizer,
                                  model::QwenForCausalLM* reference, const nlohmann::json& state) {
  const fs::path final = fs::path(dir_) / dirName(step);
  const fs::path tmp = fs::path(dir_) / (".tmp-" + dirName(step));
  const fs::path old = fs::path(dir_) / (".old-" + dirName(step));
  fs::remove_all(tmp);
  try {
    writeInto(tmp, model, optimizer, reference, state);
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
                                model::QwenForCausalLM* reference, const nlohmann::json& state) const {
  fs::create_directories(tmp / "trainer_state");
  model::QwenPretrained::save(model, tmp.string());
  for (const char* f : kTokenizerFiles) {
    const fs::path src = fs::path(tokenizerDir_) / f;
    if (fs::exists(src)) fs::copy_file(src, tmp / f, fs::copy_options::overwrite_existing);
  }
  if (optimizer) saveOptimizer(*optimizer, tmp / "trainer_state" / "optimizer.pt");
  if (reference) model::QwenPretrained::save(*reference, (tmp / "trainer_state" / "reference").string());
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

void CheckpointStore::loadOptimizer(const std::string& checkpointDir, torch::optim::Optimizer& optimizer) {
  const auto path = fs::path(checkpointDir) / "trainer_state" / "optimizer.pt";
  if (fs::exists(path)) torch::load(optimizer, path.string());
}

std::string CheckpointStore::referenceDir(const std::string& checkpointDir) {
  const auto path = fs::path(checkpointDir) / "trainer_state" / "reference";
  return fs::exists(path / "config.json") ? path.string() : std::string();
}

}  // namespace longrl::train
