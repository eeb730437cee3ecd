#include "core/eval/EvalTable.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace longrl::eval {

std::string EvalTable::percent(const std::optional<double>& share) {
  if (!share) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", 100.0 * *share);
  return buf;
}

namespace {

std::string pad(const std::string& s, size_t width, bool right) {
  if (s.size() >= width) return s;
  return right ? std::string(width - s.size(), ' ') + s : s + std::string(width - s.size(), ' ');
}

struct Layout {
  size_t nameWidth = 16;
  int k = 1;
};

std::string line(const Layout& l, const std::string& name, const std::string& scorer, const std::string& n,
                 const std::string& greedy, const std::string& mean, const std::string& pass) {
  std::string s = pad(name, l.nameWidth, false) + "  " + pad(scorer, 8, false) + pad(n, 6, true) + pad(greedy, 9, true);
  if (l.k > 1) s += pad(mean, 9, true) + pad(pass, 9, true);
  return s + "\n";
}

std::string rowLine(const Layout& l, const EvalRow& r) {
  return line(l, r.name, r.scorer, std::to_string(r.examples), EvalTable::percent(r.acc.greedy),
              EvalTable::percent(r.acc.meanAtK), EvalTable::percent(r.acc.passAtK));
}

std::string header(const Layout& l, const std::string& first) {
  const std::string k = std::to_string(l.k);
  return line(l, first, "scorer", "n", "greedy", "mean@" + k, "pass@" + k);
}

std::string describe(const EvalReport& r) {
  std::ostringstream s;
  s << "longrl eval: " << r.model << " on " << r.data << ", " << r.examples << " examples, up to " << r.maxNewTokens
    << " new tokens, " << r.seconds << " s\n";
  s << "  greedy: one answer per example at temperature 0\n";
  if (r.k > 1)
    s << "  mean@" << r.k << ", pass@" << r.k << ": " << r.k << " samples per example at temperature " << r.temperature
      << ", top-p " << r.topP << " (seed " << r.seed << "); pass@" << r.k
      << " = share of examples with a correct answer among its " << r.k << " samples\n";
  if (r.judge)
    s << "  judge: " << r.judge->model << " at " << r.judge->url << ", asked " << r.judge->calls << " times ("
      << r.judge->yes << " yes, " << r.judge->no << " no, " << r.judge->errors
      << " errors); correct = rule score 1 or the judge says yes (max of the two, as in training)\n";
  else s << "  judge: none; correct = rule score 1\n";
  s << "  accuracy in %; average = unweighted mean of the data-source rows (n: their sum)\n";
  return s.str();
}

}  // namespace

std::string EvalTable::render(const EvalReport& r) {
  Layout l;
  l.k = r.k;
  for (const auto& row : r.sources) l.nameWidth = std::max(l.nameWidth, row.name.size());
  for (const auto& [key, rows] : r.by)
    for (const auto& row : rows) l.nameWidth = std::max(l.nameWidth, row.name.size());
  std::string out = describe(r) + header(l, "data source");
  for (const auto& row : r.sources) out += rowLine(l, row);
  out += rowLine(l, r.average);
  for (const auto& [key, rows] : r.by) {
    out += "by " + key + ":\n" + header(l, key);
    for (const auto& row : rows) out += rowLine(l, row);
  }
  return out;
}

}  // namespace longrl::eval
