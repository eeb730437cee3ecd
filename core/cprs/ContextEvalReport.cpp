#include "core/cprs/ContextEvalReport.h"

#include <algorithm>
#include <cstdio>

namespace longrl::cprs {
namespace {

constexpr const char* kAll = "all";

bool isNumber(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Numbers by value (band "10" after "9"), then text.
bool groupBefore(const std::string& a, const std::string& b) {
  if (isNumber(a) != isNumber(b)) return isNumber(a);
  if (isNumber(a) && a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

void addTo(ContextEvalReport::Cell& c, const ContextOutcome& o) {
  ++c.examples;
  c.accSum += o.acc;
  c.documentBytes += o.documentBytes;
  c.readBytes += o.readBytes;
  c.cut += o.cut ? 1 : 0;
  c.malformedReplies += o.malformedReplies;
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string padded(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string endLine(std::string line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line + "\n";
}

}  // namespace

void ContextEvalReport::add(const ContextOutcome& o) {
  addTo(cells_[o.group][o.mode], o);
  addTo(cells_[kAll][o.mode], o);
}

std::vector<std::string> ContextEvalReport::groups() const {
  std::vector<std::string> out;
  for (const auto& [g, _] : cells_)
    if (g != kAll) out.push_back(g);
  std::sort(out.begin(), out.end(), groupBefore);
  if (cells_.count(kAll)) out.push_back(kAll);
  return out;
}

ContextEvalReport::Cell ContextEvalReport::cell(const std::string& group, ContextMode mode) const {
  const auto g = cells_.find(group);
  if (g == cells_.end()) return {};
  const auto c = g->second.find(mode);
  return c == g->second.end() ? Cell{} : c->second;
}

nlohmann::json ContextEvalReport::toJson() const {
  auto rows = nlohmann::json::array();
  for (const auto& g : groups()) {
    nlohmann::json row = {{"group", g}, {"n", 0}};
    for (const auto m : modes_) {
      const auto c = cell(g, m);
      row["n"] = std::max<int64_t>(row["n"].get<int64_t>(), c.examples);
      nlohmann::json j = {{"acc", c.acc()}, {"n", c.examples}};
      if (m == ContextMode::Memory) j["malformed_replies"] = c.malformedReplies;
      else j.update(nlohmann::json{{"ratio", c.ratio()}, {"cut", c.cut}});
      row[contextModeName(m)] = j;
    }
    rows.push_back(row);
  }
  return {{"rows", rows}};
}

std::string ContextEvalReport::render(const std::string& groupTitle) const {
  constexpr std::size_t kGroup = 14, kN = 6, kMode = 18;
  std::string head = padded(groupTitle, kGroup) + padded("n", kN);
  for (const auto m : modes_) head += padded(contextModeName(m), kMode);
  std::string out = endLine(head);
  for (const auto& g : groups()) {
    int64_t n = 0;
    for (const auto m : modes_) n = std::max(n, cell(g, m).examples);
    std::string line = padded(g, kGroup) + padded(std::to_string(n), kN);
    for (const auto m : modes_) {
      const auto c = cell(g, m);
      std::string text = fixed(c.acc(), 3);
      if (m != ContextMode::Memory) text += " (x" + fixed(c.ratio(), 2) + ")";
      line += padded(text, kMode);
    }
    out += endLine(line);
  }
  return out;
}

}  // namespace longrl::cprs
