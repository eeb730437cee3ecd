#include "trainer/cprs/CprsPretrained.h"

#include <filesystem>
#include <fstream>

#include <spdlog/spdlog.h>

#include "core/io/JsonFile.h"
#include "trainer/model/ModelSize.h"
#include "trainer/model/QwenPretrained.h"
#include "trainer/safetensors/SafetensorsError.h"
#include "trainer/safetensors/ShardedCheckpoint.h"

namespace fs = std::filesystem;

namespace longrl::cprs {
namespace {

nlohmann::json readConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw model::ModelConfigError(path + ": cannot open");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw model::ModelConfigError(path + ": not valid JSON: " + e.what());
  }
}

std::string shapeText(c10::IntArrayRef s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "," : "") + std::to_string(s[i]);
  return out + "]";
}

bool isScore(const std::string& name) { return name.rfind("score.", 0) == 0; }

}  // namespace

bool CprsPretrained::isCompressor(const std::string& dir) {
  const auto j = readConfig((fs::path(dir) / "config.json").string());
  return j.is_object() && j.contains("cprs");
}

CprsModel CprsPretrained::load(const std::string& dir, const std::optional<CprsConfig>& cprsIn, uint64_t scoreSeed) {
  const std::string path = (fs::path(dir) / "config.json").string();
  const nlohmann::json j = readConfig(path);
  const auto qwen = model::QwenConfig::fromJson(j, path);
  model::ModelSize::requireFits(qwen, path);
  CprsConfig cprs;
  try {
    cprs = cprsIn ? *cprsIn : CprsConfig::fromJson(j, qwen.numHiddenLayers, path);
  } catch (const std::invalid_argument& e) {
    throw model::ModelConfigError(e.what());
  }
  auto ckpt = safetensors::ShardedCheckpoint::open(dir);
  CprsModel m(qwen, cprs);
  torch::NoGradGuard noGrad;
  bool freshScore = false;
  for (auto& [name, p] : m->hfParameters()) {
    if (isScore(name) && !ckpt.contains(name)) {
      freshScore = true;
      continue;
    }
    const auto& e = ckpt.entry(name);  // throws "FILE: missing tensor 'NAME'"
    if (c10::IntArrayRef(e.shape) != p.sizes())
      throw safetensors::SafetensorsError(ckpt.fileOf(name) + ": tensor '" + name + "' has shape " +
                                          shapeText(e.shape) + " but the compressor (config.json) expects " +
                                          shapeText(p.sizes()));
    p.copy_(ckpt.load(name, torch::kFloat32));
  }
  if (freshScore) {
    m->initScore(scoreSeed);
    spdlog::info("{}: no critic head (score.*) in the checkpoint; it starts fresh", dir);
  }
  return m;
}

nlohmann::json CprsPretrained::configJson(const CprsModel& m) {
  auto qwen = m->qwenConfig();
  qwen.torchDtype = "float32";
  nlohmann::json j = qwen.toJson();
  const auto& cprs = m->cprsConfig();
  j["architectures"] = {qwen.isMoe()     ? "Qwen3MoeForTokenClassification"
                        : qwen.isQwen3() ? "Qwen3ForTokenClassification"
                                         : "Qwen2ForTokenClassification"};
  nlohmann::json id2label = nlohmann::json::object(), label2id = nlohmann::json::object();
  for (size_t i = 0; i < cprs.labels.size(); ++i) {
    id2label[std::to_string(i)] = cprs.labels[i];
    label2id[cprs.labels[i]] = i;
  }
  j["num_labels"] = cprs.labels.size();
  j["id2label"] = id2label;
  j["label2id"] = label2id;
  j["cprs"] = cprs.toJson();
  return j;
}

void CprsPretrained::save(CprsModel& m, const std::string& dir) {
  fs::create_directories(dir);
  auto params = m->hfParameters();
  safetensors::NamedTensors tensors;
  for (const auto& [name, p] : params) tensors.emplace_back(name, p.detach().to(torch::kFloat32).contiguous());
  safetensors::ShardedCheckpoint::save(dir, tensors);
  io::JsonFile::write((fs::path(dir) / "config.json").string(), configJson(m));
}

}  // namespace longrl::cprs
