// libFuzzer harness: the rule reward (core/reward) — answer extraction after the last </think>
// and rule scoring by data_source (RewardRouter::score, what RewardFunction uses without a judge).
// Input: line 1 = data_source, line 2 = ground truth (a JSON string/number/list, else the raw
// line), the rest = the model's response. RewardError is the documented failure for an unknown
// data_source or an unreadable ground truth; anything else, or a score outside [0, 1], is a finding.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "core/reward/AnswerExtractor.h"
#include "core/reward/RewardError.h"
#include "core/reward/RewardRouter.h"

using namespace longrl::reward;

namespace {
std::string takeLine(std::string& s) {
  const size_t nl = s.find('\n');
  std::string line = s.substr(0, nl);
  s.erase(0, nl == std::string::npos ? s.size() : nl + 1);
  return line;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string rest(reinterpret_cast<const char*>(data), size);
  const std::string dataSource = takeLine(rest);
  const std::string gtLine = takeLine(rest);
  const std::string& response = rest;

  // The pure text helpers on their own.
  if (auto a = AnswerExtractor::afterThink(response)) {
    if (AnswerExtractor::trim(*a) != *a) std::abort();
    (void)AnswerExtractor::afterLastPhrase(*a, "the answer is");
  }
  (void)AnswerExtractor::clean(response);
  for (size_t end : AnswerExtractor::phraseEnds(response, "the answer is"))
    if (end > response.size()) std::abort();
  (void)AnswerExtractor::toLowerAscii(response);

  GroundTruth gt(gtLine);
  try {
    gt = GroundTruth::fromJson(nlohmann::json::parse(gtLine));
  } catch (const nlohmann::json::exception&) {  // not JSON: the raw line
  } catch (const RewardError&) {                // JSON of the wrong shape: the raw line
  }
  try {
    const RewardRouter::Rule rule = RewardRouter().score(dataSource, response, gt);
    const double s = rule.outcome.score;
    if (!(s >= 0.0 && s <= 1.0)) std::abort();
  } catch (const RewardError&) {
  }
  return 0;
}
