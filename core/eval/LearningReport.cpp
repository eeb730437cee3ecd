#include "core/eval/LearningReport.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <unordered_map>

#include "core/eval/ValidationPass.h"

namespace longrl::eval {

using nlohmann::json;

namespace {

// The figure a report is about: the sampled share when the pass sampled, else the greedy answer.
double figure(const ValidationOutcome& o, bool sampled) { return sampled ? o.sampled.value_or(0) : o.greedy; }

// The examples of `a` and `b` with the same id (in b's order), as pairs of outcomes.
std::vector<std::pair<const ValidationOutcome*, const ValidationOutcome*>> paired(const ValidationPass& a,
                                                                                  const ValidationPass& b) {
  std::unordered_map<std::string, const ValidationOutcome*> byId;
  for (const auto& o : a.examples) byId[o.id] = &o;
  std::vector<std::pair<const ValidationOutcome*, const ValidationOutcome*>> out;
  for (const auto& o : b.examples)
    if (const auto it = byId.find(o.id); it != byId.end()) out.emplace_back(it->second, &o);
  return out;
}

using Pairs = std::vector<std::pair<const ValidationOutcome*, const ValidationOutcome*>>;

json changeJson(const Pairs& pairs, bool sampled, const PairedBootstrap& bootstrap) {
  std::vector<double> before, after;
  for (const auto& [a, b] : pairs) before.push_back(figure(*a, sampled)), after.push_back(figure(*b, sampled));
  const PairedChange c = bootstrap.change(before, after);
  return {
      {"start", c.before}, {"end", c.after}, {"change", c.change}, {"ci95", {c.lo, c.hi}}, {"examples", c.examples}};
}

std::string bandName(const std::string& band, const LearningReport::Options& o) {
  const auto it = o.bandNames.find(band);
  return it == o.bandNames.end() ? "band " + band : it->second;
}

// Overall and per-band changes between two passes; `greedyToo` adds the greedy figure beside a sampled one.
json changes(const ValidationPass& first, const ValidationPass& last, const LearningReport::Options& o) {
  const bool sampled = last.n > 1 && first.n > 1;
  const Pairs all = paired(first, last);
  if (all.empty()) throw std::runtime_error("validation: the first and last passes share no example");
  json out = changeJson(all, sampled, o.bootstrap);
  if (sampled) out["greedy"] = changeJson(all, false, o.bootstrap);
  std::map<std::string, Pairs> byBand;
  for (const auto& p : all)
    if (!p.second->band.empty()) byBand[p.second->band].push_back(p);
  json bands = json::object();
  for (const auto& [band, pairs] : byBand) {
    json b = changeJson(pairs, sampled, o.bootstrap);
    if (sampled) b["greedy"] = changeJson(pairs, false, o.bootstrap);
    bands[bandName(band, o)] = b;
  }
  out["bands"] = bands;
  return out;
}

std::string metricName(int n) { return "val-core/all/acc/mean@" + std::to_string(n); }

// Every pass's overall figures, for the curve.
json passesJson(const std::vector<std::string>& files) {
  json passes = json::array();
  for (const auto& f : files) {
    const ValidationPass p = ValidationPass::read(f);
    double greedy = 0, sampled = 0;
    for (const auto& o : p.examples) greedy += o.greedy, sampled += o.sampled.value_or(0);
    const double n = std::max<size_t>(1, p.examples.size());
    json row = {{"step", p.step}, {"examples", p.examples.size()}, {"mean@1", greedy / n}};
    if (p.n > 1) row["mean@" + std::to_string(p.n)] = sampled / n;
    passes.push_back(row);
  }
  return passes;
}

json bootstrapJson(const PairedBootstrap& b) {
  return {{"method", "paired percentile bootstrap over examples"},
          {"resamples", b.resamples()},
          {"seed", b.seed()},
          {"level", b.level()}};
}

std::string signedText(double v) {
  char t[32];
  std::snprintf(t, sizeof t, "%+.3f", v);
  return t;
}

void printChange(const std::string& label, const json& c, std::ostream& out) {
  char line[256];
  std::snprintf(line, sizeof line, "  %-10s %.3f -> %.3f  change %s  ci95 [%s, %s]  (%lld examples)\n", label.c_str(),
                c.at("start").get<double>(), c.at("end").get<double>(), signedText(c.at("change")).c_str(),
                signedText(c.at("ci95")[0]).c_str(), signedText(c.at("ci95")[1]).c_str(),
                static_cast<long long>(c.at("examples").get<int64_t>()));
  out << line;
}

}  // namespace

json LearningReport::of(const std::string& runDir, const Options& options) {
  const auto files = ValidationPass::filesIn(runDir);
  if (files.size() < 2)
    throw std::runtime_error("validation: " + runDir + " has " + std::to_string(files.size()) +
                             " validation pass(es) in validation/; a report needs the first and the last");
  const ValidationPass first = ValidationPass::read(files.front()), last = ValidationPass::read(files.back());
  json report = changes(first, last, options);
  const int n = first.n > 1 && last.n > 1 ? last.n : 1;
  report["val_metric"] = metricName(n);
  report["n"] = n;
  report["start_step"] = first.step;
  report["end_step"] = last.step;
  if (report.contains("greedy")) report["greedy"]["val_metric"] = metricName(1);
  report["bootstrap"] = bootstrapJson(options.bootstrap);
  report["passes"] = passesJson(files);
  return report;
}

json LearningReport::compareEnds(const std::string& baselineDir, const std::string& runDir, const Options& options) {
  const auto base = ValidationPass::filesIn(baselineDir), mine = ValidationPass::filesIn(runDir);
  if (base.empty()) throw std::runtime_error("validation: " + baselineDir + " has no validation pass");
  if (mine.empty()) throw std::runtime_error("validation: " + runDir + " has no validation pass");
  json out = changes(ValidationPass::read(base.back()), ValidationPass::read(mine.back()), options);
  out["baseline"] = baselineDir;
  return out;
}

void LearningReport::print(const json& report, std::ostream& out) {
  out << "validation " << report.at("val_metric").get<std::string>() << ", step "
      << report.at("start_step").get<int64_t>() << " -> " << report.at("end_step").get<int64_t>()
      << " (same examples; ci95: " << report.at("bootstrap").at("method").get<std::string>() << ")\n";
  printChange("all", report, out);
  for (const auto& [band, c] : report.at("bands").items()) printChange(band, c, out);
  if (report.contains("greedy")) printChange("greedy", report.at("greedy"), out);
  if (!report.contains("ablation")) return;
  const json& a = report.at("ablation");
  out << "ablation (" << a.value("what", std::string("?")) << "): this run's last validation against "
      << a.at("baseline").get<std::string>() << "'s (start = baseline, end = this run)\n";
  printChange("all", a, out);
  for (const auto& [band, c] : a.at("bands").items()) printChange(band, c, out);
}

}  // namespace longrl::eval
