#include "trainer/model/QwenPretrained.h"

#include <filesystem>
#include <fstream>
#include <unordered_set>

#include <spdlog/spdlog.h>

#include "core/io/JsonFile.h"
#include "trainer/model/ModelSize.h"
#include "trainer/safetensors/SafetensorsError.h"
#include "trainer/safetensors/ShardedCheckpoint.h"

namespace fs = std::filesystem;

namespace longrl::model {
namespace {

std::string shapeText(c10::IntArrayRef s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "," : "") + std::to_string(s[i]);
  return out + "]";
}

void writeJson(const fs::path& path, const nlohmann::json& j) { io::JsonFile::write(path.string(), j); }

}  // namespace

torch::Dtype QwenPretrained::dtypeFromName(const std::string& name) {
  if (name == "float32" || name == "f32" || name == "fp32") return torch::kFloat32;
  if (name == "bfloat16" || name == "bf16") return torch::kBFloat16;
  if (name == "float16" || name == "f16" || name == "fp16") return torch::kFloat16;
  throw ModelConfigError("unsupported dtype '" + name + "' (float32, bfloat16, float16)");
}

std::string QwenPretrained::dtypeName(torch::Dtype dtype) {
  switch (dtype) {
    case torch::kFloat32:
      return "float32";
    case torch::kBFloat16:
      return "bfloat16";
    case torch::kFloat16:
      return "float16";
    default:
      throw ModelConfigError("unsupported model dtype " + std::string(c10::toString(dtype)));
  }
}

QwenForCausalLM QwenPretrained::load(const std::string& dir, std::optional<torch::Dtype> dtype, torch::Device device) {
  const std::string configPath = (fs::path(dir) / "config.json").string();
  const QwenConfig config = QwenConfig::fromFile(configPath);
  ModelSize::requireFits(config, configPath);
  const torch::Dtype target = dtype ? *dtype : dtypeFromName(config.torchDtype);
  auto ckpt = safetensors::ShardedCheckpoint::open(dir);
  QwenForCausalLM model(config);
  model->to(target);
  torch::NoGradGuard noGrad;
  auto params = model->hfParameters();
  for (auto& [name, p] : params) {
    if (!ckpt.contains(name)) ckpt.entry(name);  // throws "FILE: missing tensor 'NAME'"
    const auto& e = ckpt.entry(name);
    if (c10::IntArrayRef(e.shape) != p.sizes())
      throw safetensors::SafetensorsError(ckpt.fileOf(name) + ": tensor '" + name + "' has shape " +
                                          shapeText(e.shape) + " but the model (config.json) expects " +
                                          shapeText(p.sizes()));
    p.copy_(ckpt.load(name, target));
  }
  // A set: an MoE checkpoint has tens of thousands of tensors (Qwen3-30B-A3B: 48 x 128 x 3 experts').
  std::unordered_set<std::string> known;
  for (const auto& [name, p] : params) known.insert(name);
  if (config.tieWordEmbeddings) known.insert("lm_head.weight");  // some tied checkpoints store it anyway
  std::vector<std::string> unused;
  for (const auto& n : ckpt.names())
    if (!known.count(n)) unused.push_back(n);
  if (!unused.empty())
    spdlog::warn("{}: {} tensors in the checkpoint are not used by the model (first: '{}')", dir, unused.size(),
                 unused.front());
  model->to(device);
  return model;
}

void QwenPretrained::save(QwenForCausalLM& model, const std::string& dir, uint64_t maxShardBytes,
                          const nlohmann::json& generationConfig) {
  fs::create_directories(dir);
  auto params = model->hfParameters();
  QwenConfig config = model->config();
  if (!params.empty()) config.torchDtype = dtypeName(params.front().second.scalar_type());
  safetensors::NamedTensors tensors(params.begin(), params.end());
  safetensors::ShardedCheckpoint::save(dir, tensors, maxShardBytes);
  writeJson(fs::path(dir) / "config.json", config.toJson());
  nlohmann::json gen = generationConfig;
  if (gen.is_null()) {
    gen = {{"do_sample", true}, {"temperature", 0.7}, {"top_p", 0.95}, {"transformers_version", "4.51.0"}};
    if (config.bosTokenId >= 0) gen["bos_token_id"] = config.bosTokenId;
    if (config.eosTokenId >= 0) gen["eos_token_id"] = config.eosTokenId;
  }
  writeJson(fs::path(dir) / "generation_config.json", gen);
}

}  // namespace longrl::model
