#include "trainer/cli/DemoMemoryTags.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "trainer/safetensors/SafetensorsReader.h"
#include "trainer/safetensors/SafetensorsWriter.h"
#include "trainer/tokenizer/Tokenizer.h"

namespace longrl::cli {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

ordered_json readJson(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path.string() + ": cannot read");
  try {
    return ordered_json::parse(in);
  } catch (const std::exception& e) {
    throw std::runtime_error(path.string() + ": " + e.what());
  }
}

// Written beside, then renamed: a model directory is never left half-written.
void writeFile(const fs::path& path, const std::string& content) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << content << "\n";
    if (!out) throw std::runtime_error(tmp.string() + ": cannot write");
  }
  fs::rename(tmp, path);
}

ordered_json addedToken(const std::string& content) {
  return ordered_json{{"content", content}, {"single_word", false}, {"lstrip", false},
                      {"rstrip", false},    {"normalized", false},  {"special", false}};
}

void addToTokenizerFiles(const fs::path& dir, const std::vector<std::pair<int, std::string>>& added) {
  auto tok = readJson(dir / "tokenizer.json");
  for (const auto& [id, content] : added) {
    auto entry = ordered_json{{"id", id}};
    entry.update(addedToken(content));
    tok["added_tokens"].push_back(entry);
  }
  writeFile(dir / "tokenizer.json", tok.dump(1));
  const fs::path configPath = dir / "tokenizer_config.json";
  if (!fs::exists(configPath)) return;
  auto config = readJson(configPath);
  for (const auto& [id, content] : added) config["added_tokens_decoder"][std::to_string(id)] = addedToken(content);
  writeFile(configPath, config.dump(2));
}

// Sets each new id's row to the mean of the rows of the tokens that spelled it (`spelled`).
void meanInitRows(const fs::path& weightsPath, const std::vector<std::pair<int, std::string>>& added,
                  const std::vector<std::vector<int>>& spelled) {
  safetensors::NamedTensors tensors;
  {
    const safetensors::SafetensorsReader reader(weightsPath.string());
    tensors = reader.loadAll();
  }
  bool found = false;
  for (auto& [name, t] : tensors) {
    if (name != "model.embed_tokens.weight" && name != "lm_head.weight") continue;
    found = true;
    for (std::size_t i = 0; i < added.size(); ++i) {
      if (added[i].first >= t.size(0))
        throw std::runtime_error(weightsPath.string() + ": " + name + " has " + std::to_string(t.size(0)) +
                                 " rows, no free row for " + added[i].second + " (id " +
                                 std::to_string(added[i].first) + ")");
      const auto rows = torch::tensor(spelled[i], torch::kLong);
      t[added[i].first].copy_(t.index_select(0, rows).mean(0));
    }
  }
  if (!found) throw std::runtime_error(weightsPath.string() + ": no model.embed_tokens.weight");
  safetensors::SafetensorsWriter::write(weightsPath.string(), tensors);
}

// The embedding's row count, without loading the weights.
int64_t embeddingRows(const fs::path& weightsPath) {
  const safetensors::SafetensorsReader reader(weightsPath.string());
  return reader.load("model.embed_tokens.weight").size(0);
}

}  // namespace

const std::vector<std::string>& DemoMemoryTags::tags() {
  static const std::vector<std::string> t{"<memory>", "</memory>", "<plan>", "</plan>"};
  return t;
}

std::vector<int> DemoMemoryTags::add(const std::string& modelDir, bool meanInit) {
  const auto tok = tokenizer::Tokenizer::load(modelDir);
  std::vector<std::pair<int, std::string>> added;
  std::vector<std::vector<int>> spelled;
  int next = static_cast<int>(tok.vocabSize());
  for (const auto& tag : tags()) {
    if (tok.tokenToId(tag) >= 0) continue;
    added.emplace_back(next++, tag);
    spelled.push_back(tok.encode(tag, /*parseSpecial=*/false));
  }
  if (added.empty()) return {};
  const fs::path weights = fs::path(modelDir) / "model.safetensors";
  if (meanInit) {
    meanInitRows(weights, added, spelled);
  } else if (const int64_t rows = embeddingRows(weights); added.back().first >= rows) {
    throw std::runtime_error(weights.string() + ": the embedding has " + std::to_string(rows) +
                             " rows, no free row for " + added.back().second + " (id " +
                             std::to_string(added.back().first) + ")");
  }
  addToTokenizerFiles(modelDir, added);
  std::vector<int> ids;
  for (const auto& a : added) ids.push_back(a.first);
  return ids;
}

}  // namespace longrl::cli
