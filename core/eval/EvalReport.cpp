#include "core/eval/EvalReport.h"

#include <stdexcept>

namespace longrl::eval {

using nlohmann::json;

EvalRow EvalReport::averageOf(const std::vector<EvalRow>& rows, const std::string& name) {
  EvalRow avg;
  avg.name = name;
  if (rows.empty()) return avg;
  auto mean = [&](auto pick) {
    double sum = 0;
    for (const auto& r : rows) sum += pick(r);
    return sum / static_cast<double>(rows.size());
  };
  auto meanOpt = [&](auto pick) -> std::optional<double> {
    for (const auto& r : rows)
      if (!pick(r)) return std::nullopt;
    return mean([&](const EvalRow& r) { return *pick(r); });
  };
  for (const auto& r : rows) avg.examples += r.examples;
  avg.acc.greedy = mean([](const EvalRow& r) { return r.acc.greedy; });
  avg.acc.meanAtK = meanOpt([](const EvalRow& r) { return r.acc.meanAtK; });
  avg.acc.passAtK = meanOpt([](const EvalRow& r) { return r.acc.passAtK; });
  avg.rule.greedy = mean([](const EvalRow& r) { return r.rule.greedy; });
  avg.rule.meanAtK = meanOpt([](const EvalRow& r) { return r.rule.meanAtK; });
  avg.rule.passAtK = meanOpt([](const EvalRow& r) { return r.rule.passAtK; });
  return avg;
}

namespace {

json optionalNumber(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json numbersJson(const EvalNumbers& n) {
  return {{"greedy", n.greedy}, {"mean_at_k", optionalNumber(n.meanAtK)}, {"pass_at_k", optionalNumber(n.passAtK)}};
}

json rowJson(const EvalRow& r, const char* nameKey) {
  json j = numbersJson(r.acc);
  j[nameKey] = r.name;
  j["n"] = r.examples;
  if (!r.scorer.empty()) j["scorer"] = r.scorer;
  j["rule"] = numbersJson(r.rule);
  return j;
}

// Field access that names what is wrong.
const json& field(const json& j, const std::string& key, const std::string& where) {
  if (!j.is_object() || !j.contains(key)) throw std::runtime_error(where + ": missing field '" + key + "'");
  return j.at(key);
}
double number(const json& j, const std::string& key, const std::string& where) {
  const auto& v = field(j, key, where);
  if (!v.is_number()) throw std::runtime_error(where + "." + key + ": not a number");
  return v.get<double>();
}
std::optional<double> optionalNumberAt(const json& j, const std::string& key, const std::string& where) {
  const auto& v = field(j, key, where);
  if (v.is_null()) return std::nullopt;
  if (!v.is_number()) throw std::runtime_error(where + "." + key + ": not a number or null");
  return v.get<double>();
}
std::string text(const json& j, const std::string& key, const std::string& where) {
  const auto& v = field(j, key, where);
  if (!v.is_string()) throw std::runtime_error(where + "." + key + ": not a string");
  return v.get<std::string>();
}

EvalNumbers numbersFrom(const json& j, const std::string& where) {
  return {number(j, "greedy", where), optionalNumberAt(j, "mean_at_k", where), optionalNumberAt(j, "pass_at_k", where)};
}

EvalRow rowFrom(const json& j, const char* nameKey, const std::string& where) {
  EvalRow r;
  r.name = text(j, nameKey, where);
  r.scorer = j.contains("scorer") ? text(j, "scorer", where) : "";
  r.examples = static_cast<int64_t>(number(j, "n", where));
  r.acc = numbersFrom(j, where);
  r.rule = numbersFrom(field(j, "rule", where), where + ".rule");
  return r;
}

std::vector<EvalRow> rowsFrom(const json& j, const char* nameKey, const std::string& where) {
  if (!j.is_array()) throw std::runtime_error(where + ": not an array");
  std::vector<EvalRow> rows;
  for (size_t i = 0; i < j.size(); ++i) rows.push_back(rowFrom(j[i], nameKey, where + "[" + std::to_string(i) + "]"));
  return rows;
}

}  // namespace

json EvalReport::toJson() const {
  json j = {{"model", model},    {"data", data}, {"examples", examples}, {"k", k}, {"max_new_tokens", maxNewTokens},
            {"seconds", seconds}};
  j["sampling"] = k > 1 ? json{{"temperature", temperature}, {"top_p", topP}, {"seed", seed}} : json(nullptr);
  j["judge"] = judge ? json{{"url", judge->url}, {"model", judge->model}, {"calls", judge->calls},
                            {"yes", judge->yes}, {"no", judge->no},       {"errors", judge->errors}}
                     : json(nullptr);
  j["sources"] = json::array();
  for (const auto& r : sources) j["sources"].push_back(rowJson(r, "data_source"));
  j["average"] = rowJson(average, "name");
  j["by"] = json::object();
  for (const auto& [key, rows] : by) {
    json list = json::array();
    for (const auto& r : rows) list.push_back(rowJson(r, "value"));
    j["by"][key] = list;
  }
  j["definitions"] = {
      {"greedy", "share of examples whose one answer at temperature 0 is correct"},
      {"mean_at_k", "mean share of correct answers among each example's k samples"},
      {"pass_at_k",
       "share of examples with at least one correct answer among its k samples (the unbiased "
       "pass@k estimator with n = k samples)"},
      {"correct", "rule score 1, or the judge says yes where a judge is configured (max of the two, as in training)"},
      {"average", "unweighted mean of the data-source rows; n is their sum"},
      {"rule", "the same numbers by the rule alone"}};
  return j;
}

EvalReport EvalReport::fromJson(const json& j) {
  const std::string w = "eval report";
  EvalReport r;
  r.model = text(j, "model", w);
  r.data = text(j, "data", w);
  r.examples = static_cast<int64_t>(number(j, "examples", w));
  r.k = static_cast<int>(number(j, "k", w));
  r.maxNewTokens = static_cast<int64_t>(number(j, "max_new_tokens", w));
  r.seconds = number(j, "seconds", w);
  if (const auto& s = field(j, "sampling", w); !s.is_null()) {
    r.temperature = number(s, "temperature", w + ".sampling");
    r.topP = number(s, "top_p", w + ".sampling");
    r.seed = static_cast<uint64_t>(number(s, "seed", w + ".sampling"));
  }
  if (const auto& jj = field(j, "judge", w); !jj.is_null()) {
    const std::string jw = w + ".judge";
    r.judge = EvalJudgeSummary{text(jj, "url", jw),
                               text(jj, "model", jw),
                               static_cast<int64_t>(number(jj, "calls", jw)),
                               static_cast<int64_t>(number(jj, "yes", jw)),
                               static_cast<int64_t>(number(jj, "no", jw)),
                               static_cast<int64_t>(number(jj, "errors", jw))};
  }
  r.sources = rowsFrom(field(j, "sources", w), "data_source", w + ".sources");
  r.average = rowFrom(field(j, "average", w), "name", w + ".average");
  const auto& by = field(j, "by", w);
  if (!by.is_object()) throw std::runtime_error(w + ".by: not an object");
  for (const auto& [key, rows] : by.items()) r.by.emplace_back(key, rowsFrom(rows, "value", w + ".by." + key));
  return r;
}

}  // namespace longrl::eval
