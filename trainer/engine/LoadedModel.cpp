#include "trainer/engine/LoadedModel.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "trainer/engine/LenientDecoder.h"
#include "trainer/model/QwenPretrained.h"

namespace longrl::engine {
namespace {

void addId(std::vector<int>& ids, long long id) {
  if (id >= 0 && std::find(ids.begin(), ids.end(), static_cast<int>(id)) == ids.end())
    ids.push_back(static_cast<int>(id));
}

}  // namespace

LoadedModel LoadedModel::load(const std::string& dir, torch::Device device) {
  auto tok = tokenizer::Tokenizer::load(dir);
  LoadedModel m{model::QwenPretrained::load(dir, std::nullopt, device), std::move(tok), {}};
  m.model->eval();
  const auto genPath = std::filesystem::path(dir) / "generation_config.json";
  if (std::filesystem::exists(genPath)) {
    std::ifstream in(genPath);
    nlohmann::json gen;
    try {
      gen = nlohmann::json::parse(in);
    } catch (const std::exception& e) {
      throw std::runtime_error(genPath.string() + ": not valid JSON: " + e.what());
    }
    auto number = [&](const char* key, double fallback) {
      if (!gen.contains(key) || gen[key].is_null()) return fallback;
      if (!gen[key].is_number()) throw std::runtime_error(genPath.string() + ": " + key + " must be a number");
      return gen[key].get<double>();
    };
    m.defaultTemperature = number("temperature", 1.0);
    m.defaultTopP = number("top_p", 1.0);
    m.defaultTopK = static_cast<int64_t>(number("top_k", 0.0));
    if (gen.contains("eos_token_id")) {
      const auto& e = gen["eos_token_id"];
      if (e.is_number_integer()) addId(m.eosTokenIds, e.get<long long>());
      else if (e.is_array())
        for (const auto& x : e)
          if (x.is_number_integer()) addId(m.eosTokenIds, x.get<long long>());
    }
  }
  addId(m.eosTokenIds, m.model->config().eosTokenId);
  addId(m.eosTokenIds, m.tokenizer.eosId());
  return m;
}

EngineOptions LoadedModel::engineOptions() const {
  EngineOptions o;
  o.eosTokenIds = eosTokenIds;
  LenientDecoder decoder(tokenizer);  // a copy: the options must not depend on this object living on
  o.detokenize = [decoder](const std::vector<int>& ids) { return decoder.decode(ids); };
  o.padTokenId = std::max(0, tokenizer.padId());
  return o;
}

int64_t LoadedModel::contextLength() const {
  const auto& c = model->config();
  return c.ropeScaling.contextLength(c.maxPositionEmbeddings);
}

}  // namespace longrl::engine
