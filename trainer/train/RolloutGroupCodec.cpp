#include "trainer/train/RolloutGroupCodec.h"

#include <stdexcept>

#include <nlohmann/json.hpp>

namespace longrl::train {
namespace {

using nlohmann::json;

// Raw bytes, so that dump()'s UTF-8 check never applies (MessagePack strings are not checked).
json bin(const std::string& s) { return json::binary(std::vector<std::uint8_t>(s.begin(), s.end())); }
std::string unbin(const json& j) {
  const auto& b = j.get_binary();
  return std::string(b.begin(), b.end());
}

json optionalBin(const std::optional<std::string>& s) { return s ? bin(*s) : json(); }
std::optional<std::string> optionalUnbin(const json& j) {
  if (j.is_null()) return std::nullopt;
  return unbin(j);
}

json judgeJson(const reward::JudgeResult& r) {
  return json::array({static_cast<int>(r.verdict), bin(r.raw_reply), bin(r.error), bin(r.system_prompt),
                      bin(r.user_prompt), bin(r.model), r.http_status, r.attempts, r.latency_ms});
}

reward::JudgeResult judgeFrom(const json& j) {
  reward::JudgeResult r;
  r.verdict = static_cast<reward::JudgeVerdict>(j.at(0).get<int>());
  r.raw_reply = unbin(j.at(1));
  r.error = unbin(j.at(2));
  r.system_prompt = unbin(j.at(3));
  r.user_prompt = unbin(j.at(4));
  r.model = unbin(j.at(5));
  r.http_status = j.at(6).get<int>();
  r.attempts = j.at(7).get<int>();
  r.latency_ms = j.at(8).get<double>();
  return r;
}

json rewardJson(const reward::RewardResult& r) {
  return json::array({r.score, r.acc, optionalBin(r.pred), optionalBin(r.answer_text), bin(r.kind), bin(r.method),
                      r.rule_score, r.overlong_penalty, r.judge ? judgeJson(*r.judge) : json()});
}

reward::RewardResult rewardFrom(const json& j) {
  reward::RewardResult r;
  r.score = j.at(0).get<double>();
  r.acc = j.at(1).get<bool>();
  r.pred = optionalUnbin(j.at(2));
  r.answer_text = optionalUnbin(j.at(3));
  r.kind = unbin(j.at(4));
  r.method = unbin(j.at(5));
  r.rule_score = j.at(6).get<double>();
  r.overlong_penalty = j.at(7).get<double>();
  if (!j.at(8).is_null()) r.judge = judgeFrom(j.at(8));
  return r;
}

}  // namespace

std::string RolloutGroupCodec::encode(const std::vector<RolloutGroup>& groups) {
  json all = json::array();
  for (const auto& g : groups) {
    json samples = json::array();
    for (const auto& s : g.samples) {
      json calls = json::array();
      for (const auto& c : s.calls) calls.push_back(json::array({c.promptIds, c.responseIds}));
      samples.push_back(json::array({s.sampleIdx, s.responseIds, bin(s.text), s.truncated, rewardJson(s.reward),
                                     s.advantage, s.meanEntropy, s.thinkLen, std::move(calls), bin(s.trajectory),
                                     s.malformedReplies, s.truncatedCalls}));
    }
    all.push_back(json::array({g.exampleIndex, g.groupIdx, g.genBatch, g.kept, std::move(samples)}));
  }
  const auto bytes = json::to_msgpack(all);
  return std::string(bytes.begin(), bytes.end());
}

std::vector<RolloutGroup> RolloutGroupCodec::decode(const std::string& bytes) {
  std::vector<RolloutGroup> out;
  try {
    const auto all = json::from_msgpack(bytes);
    for (const auto& jg : all) {
      RolloutGroup g;
      g.exampleIndex = jg.at(0).get<std::size_t>();
      g.groupIdx = jg.at(1).get<int>();
      g.genBatch = jg.at(2).get<int>();
      g.kept = jg.at(3).get<bool>();
      for (const auto& js : jg.at(4)) {
        RolloutSample s;
        s.sampleIdx = js.at(0).get<int>();
        s.responseIds = js.at(1).get<std::vector<int>>();
        s.text = unbin(js.at(2));
        s.truncated = js.at(3).get<bool>();
        s.reward = rewardFrom(js.at(4));
        s.advantage = js.at(5).get<double>();
        s.meanEntropy = js.at(6).get<double>();
        s.thinkLen = js.at(7).get<std::int64_t>();
        for (const auto& jc : js.at(8))
          s.calls.push_back({jc.at(0).get<std::vector<int>>(), jc.at(1).get<std::vector<int>>()});
        s.trajectory = unbin(js.at(9));
        s.malformedReplies = js.at(10).get<int>();
        s.truncatedCalls = js.at(11).get<int>();
        g.samples.push_back(std::move(s));
      }
      out.push_back(std::move(g));
    }
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("RolloutGroupCodec: malformed rollout groups: ") + e.what());
  }
  return out;
}

}  // namespace longrl::train
