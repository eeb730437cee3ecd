#include "core/memory/MemoryTrajectory.h"

#include <stdexcept>

#include <nlohmann/json.hpp>

namespace longrl::memory {

using nlohmann::json;

namespace {
template <class T> T field(const json& j, const char* key, const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end()) throw std::runtime_error("memory trajectory: " + where + "'" + key + "' is missing");
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    throw std::runtime_error("memory trajectory: " + where + "'" + key + "' has the wrong type");
  }
}
}  // namespace

std::string MemoryTrajectory::toJson() const {
  json steps_ = json::array();
  for (const auto& s : steps)
    steps_.push_back({{"section", s.section},
                      {"begin", s.begin},
                      {"end", s.end},
                      {"prompt_tokens", s.promptTokens},
                      {"response_tokens", s.responseTokens},
                      {"truncated", s.truncated},
                      {"reply", s.reply},
                      {"memory", s.memory},
                      {"plan", s.plan},
                      {"problem", s.problem}});
  const json j = {{"kind", "memory_agent"},
                  {"chunk_tokens", chunkTokens},
                  {"final_prompt_tokens", finalPromptTokens},
                  {"steps", std::move(steps_)}};
  // Model output may be invalid UTF-8: replace rather than throw, the store keeps text for reading.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

MemoryTrajectory MemoryTrajectory::fromJson(const std::string& text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw std::runtime_error(std::string("memory trajectory: not JSON: ") + e.what());
  }
  if (!j.is_object()) throw std::runtime_error("memory trajectory: not a JSON object");
  MemoryTrajectory t;
  t.chunkTokens = field<std::int64_t>(j, "chunk_tokens", "");
  t.finalPromptTokens = j.value("final_prompt_tokens", std::int64_t{0});
  const auto steps = field<json>(j, "steps", "");
  if (!steps.is_array()) throw std::runtime_error("memory trajectory: 'steps' is not an array");
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const auto& s = steps[i];
    const std::string where = "step " + std::to_string(i) + ": ";
    if (!s.is_object()) throw std::runtime_error("memory trajectory: " + where + "not an object");
    MemoryStep m;
    m.section = field<int>(s, "section", where);
    m.begin = field<std::size_t>(s, "begin", where);
    m.end = field<std::size_t>(s, "end", where);
    if (m.end < m.begin) throw std::runtime_error("memory trajectory: " + where + "'end' is before 'begin'");
    m.promptTokens = s.value("prompt_tokens", std::int64_t{0});
    m.responseTokens = s.value("response_tokens", std::int64_t{0});
    m.truncated = s.value("truncated", false);
    m.reply = field<std::string>(s, "reply", where);
    m.memory = field<std::string>(s, "memory", where);
    m.plan = s.value("plan", std::string());
    m.problem = s.value("problem", std::string());
    t.steps.push_back(std::move(m));
  }
  return t;
}

}  // namespace longrl::memory
