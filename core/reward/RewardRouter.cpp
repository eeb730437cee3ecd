#include "core/reward/RewardRouter.h"

#include <cctype>

#include "core/reward/AnswerExtractor.h"
#include "core/reward/ChoiceScorer.h"
#include "core/reward/DocMathScorer.h"
#include "core/reward/DocQaScorer.h"
#include "core/reward/RewardError.h"

namespace longrl::reward {

const char* kindName(RewardKind k) {
  switch (k) {
    case RewardKind::DocQa:
      return "docqa";
    case RewardKind::DocMath:
      return "docmath";
    case RewardKind::Choice:
      return "choice";
  }
  return "docqa";
}

namespace {
// Lower case, '-' as '_', without a leading "org/".
std::string normalisedName(const std::string& dataSource) {
  const auto slash = dataSource.rfind('/');
  std::string s = slash == std::string::npos ? dataSource : dataSource.substr(slash + 1);
  for (char& c : s) c = c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
}  // namespace

bool RewardRouter::Route::matches(const std::string& ds) const {
  const std::string p = pattern;
  if (match == Match::Contains) return ds.find(p) != std::string::npos;
  const std::string name = normalisedName(ds);
  if (name.compare(0, p.size(), p) != 0) return false;
  return name.size() == p.size() || name[p.size()] == '_' || name[p.size()] == '.';
}

const std::vector<RewardRouter::Route>& RewardRouter::routes() {
  using K = RewardKind;
  static const std::vector<Route> table = {
      {"long_toc_choices", Match::Contains, K::Choice},
      {"docmath", Match::Contains, K::DocMath},
      {"multihoprag", Match::Contains, K::DocQa},
      {"musique", Match::Contains, K::DocQa},
      {"frames", Match::Name, K::DocQa},
      {"2wikimqa", Match::Name, K::DocQa},
      {"hotpotqa", Match::Name, K::DocQa},
      {"narrativeqa", Match::Name, K::DocQa},
      {"qasper", Match::Name, K::DocQa},
      {"longbench_v2", Match::Name, K::Choice},
      {"docqa", Match::Contains, K::DocQa},
      {"choice", Match::Contains, K::Choice},
  };
  return table;
}

std::string RewardRouter::describeRoutes() {
  std::string out;
  for (const auto& r : routes()) {
    if (!out.empty()) out += ", ";
    out += r.match == Match::Contains ? "*" + std::string(r.pattern) + "*" : std::string(r.pattern) + "[_...]";
    out += std::string(" -> ") + kindName(r.kind);
  }
  return out;
}

void RewardRouter::setOverride(const std::string& dataSource, RewardKind kind) { overrides_[dataSource] = kind; }

std::optional<RewardKind> RewardRouter::kindFor(const std::string& ds) const {
  if (auto it = overrides_.find(ds); it != overrides_.end()) return it->second;
  for (const auto& r : routes())
    if (r.matches(ds)) return r.kind;
  return std::nullopt;
}

RewardKind RewardRouter::requireKind(const std::string& dataSource) const {
  if (const auto kind = kindFor(dataSource)) return *kind;
  std::string msg = "data_source '" + dataSource +
                    "': no reward for it. Routing (first match wins; *x* = contains x, " +
                    "x[_...] = named x, x_* or x.*): " + describeRoutes();
  if (!overrides_.empty()) {
    msg += "; overrides:";
    for (const auto& [ds, kind] : overrides_) msg += " " + ds + " -> " + kindName(kind);
  }
  throw RewardError(msg);
}

RewardRouter::Rule RewardRouter::score(const std::string& dataSource, const std::string& response,
                                       const GroundTruth& gt) const {
  const RewardKind kind = requireKind(dataSource);
  if (gt.empty()) throw RewardError("data_source '" + dataSource + "': empty ground truth");
  Rule rule{kind, {}, AnswerExtractor::afterThink(response)};
  if (!rule.answer_text) {
    rule.outcome.method = "no </think> in the response";
    return rule;
  }
  switch (kind) {
    case RewardKind::DocQa:
      rule.outcome = DocQaScorer::score(*rule.answer_text, gt);
      break;
    case RewardKind::DocMath:
      rule.outcome = DocMathScorer::score(*rule.answer_text, gt);
      break;
    case RewardKind::Choice:
      rule.outcome = ChoiceScorer::score(*rule.answer_text, gt);
      break;
  }
  return rule;
}

}  // namespace longrl::reward
