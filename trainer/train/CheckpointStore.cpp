#include "trainer/train/CheckpointStore.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "trainer/model/QwenPretrained.h"

namespace fs = std::filesystem;

namespace longrl::train {
namespace {

const char* const kTokenizerFiles[] = {"tokenizer.json",          "tokenizer_config.json", "vocab.json",
                                       "merges.txt",              "special_tokens_map.json", "added_tokens.json",
                                       "chat_template.jinja"};

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
  fs::create_directories(tmp / "trainer_state");
  model::QwenPretrained::save(model, tmp.string());
  for (const char* f : kTokenizerFiles) {
    const fs::path src = fs::path(tokenizerDir_) / f;
    if (fs::exists(src)) fs::copy_file(src, tmp / f, fs::copy_options::overwrite_existing);
  }
  if (optimizer) torch::save(*optimizer, (tmp / "trainer_state" / "optimizer.pt").string());
  if (reference) model::QwenPretrained::save(*reference, (tmp / "trainer_state" / "reference").string());
  {
    // state.json last: its presence marks the checkpoint complete.
    std::ofstream out(tmp / "trainer_state" / "state.json");
    out << state.dump(2) << "\n";
    if (!out) throw std::runtime_error("cannot write " + (tmp / "trainer_state" / "state.json").string());
  }
  fs::remove_all(old);
  if (fs::exists(final)) fs::rename(final, old);
  fs::rename(tmp, final);
  fs::remove_all(old);
  prune();
  return final.string();
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
