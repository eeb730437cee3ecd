#include "core/cli/ArgList.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <thread>

#include "core/cli/UsageError.h"

namespace longrl::cli {
namespace {

constexpr long long kNoMin = std::numeric_limits<long long>::min();
constexpr long long kNoMax = std::numeric_limits<long long>::max();

std::string intRange(long long min, long long max) {
  if (min == kNoMin && max == kNoMax) return "an integer";
  if (max == kNoMax) return "an integer >= " + std::to_string(min);
  if (min == kNoMin) return "an integer <= " + std::to_string(max);
  return "an integer from " + std::to_string(min) + " to " + std::to_string(max);
}

std::string number(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

std::string doubleRange(const ArgList::Range& r) {
  const bool hasMin = r.min > -ArgList::Range::kUnbounded;
  const bool hasMax = r.max < ArgList::Range::kUnbounded;
  if (hasMin && hasMax)
    return std::string("a number in ") + (r.minExclusive ? "(" : "[") + number(r.min) + ", " + number(r.max) + "]";
  if (hasMin) return std::string("a number ") + (r.minExclusive ? "> " : ">= ") + number(r.min);
  if (hasMax) return "a number <= " + number(r.max);
  return "a finite number";
}

}  // namespace

ArgList::ArgList(std::vector<std::string> args) : args_(std::move(args)), used_(args_.size(), false) {}

std::optional<std::string> ArgList::take(const std::string& name) {
  const std::string flag = "--" + name;
  std::optional<std::string> value;
  for (size_t i = 0; i < args_.size(); ++i) {
    if (used_[i]) continue;
    const std::string& a = args_[i];
    if (a == flag) {
      if (i + 1 >= args_.size()) throw UsageError("option " + flag + " needs a value");
      used_[i] = used_[i + 1] = true;
      value = args_[i + 1];
      ++i;
    } else if (a.rfind(flag + "=", 0) == 0) {
      used_[i] = true;
      value = a.substr(flag.size() + 1);
    }
  }
  return value;
}

std::string ArgList::require(const std::string& name) {
  auto v = take(name);
  if (!v) throw UsageError("missing required option --" + name);
  return *v;
}

std::string ArgList::takeOr(const std::string& name, const std::string& fallback) {
  auto v = take(name);
  return v ? *v : fallback;
}

long long ArgList::parseInt(const std::string& what, const std::string& text, long long min, long long max) {
  const std::string expected = what + " expects " + intRange(min, max) + ", got '" + text + "'";
  char* end = nullptr;
  errno = 0;
  const long long x = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0') throw UsageError(expected);
  // strtoll clamps an overflow to the type's limits and sets ERANGE: refused, never wrapped.
  if (errno == ERANGE || x < min || x > max) throw UsageError(expected);
  return x;
}

double ArgList::parseDouble(const std::string& what, const std::string& text, const Range& range) {
  const std::string expected = what + " expects " + doubleRange(range) + ", got '" + text + "'";
  char* end = nullptr;
  errno = 0;
  const double x = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(x)) throw UsageError(expected);
  const bool aboveMin = range.minExclusive ? x > range.min : x >= range.min;
  if (!aboveMin || x > range.max) throw UsageError(expected);
  return x;
}

std::optional<long long> ArgList::takeInt(const std::string& name, long long min, long long max) {
  const auto v = take(name);
  if (!v) return std::nullopt;
  return parseInt("option --" + name, *v, min, max);
}

long long ArgList::takeInt(const std::string& name, long long min, long long max, long long fallback) {
  return takeInt(name, min, max).value_or(fallback);
}

std::optional<double> ArgList::takeDouble(const std::string& name, const Range& range) {
  const auto v = take(name);
  if (!v) return std::nullopt;
  return parseDouble("option --" + name, *v, range);
}

double ArgList::takeDouble(const std::string& name, const Range& range, double fallback) {
  return takeDouble(name, range).value_or(fallback);
}

long long ArgList::maxThreads() {
  const long long hardware = std::thread::hardware_concurrency();
  return std::clamp<long long>(4 * hardware, 4, 1024);
}

long long ArgList::takeThreads(long long fallback) { return takeInt("threads", 0, maxThreads(), fallback); }

bool ArgList::takeFlag(const std::string& name) {
  const std::string flag = "--" + name;
  bool found = false;
  for (size_t i = 0; i < args_.size(); ++i) {
    if (!used_[i] && args_[i] == flag) {
      used_[i] = true;
      found = true;
    }
  }
  return found;
}

std::vector<std::string> ArgList::takePositionals() {
  std::vector<std::string> out;
  for (size_t i = 0; i < args_.size(); ++i) {
    if (used_[i]) continue;
    if (args_[i].rfind("--", 0) == 0) continue;
    used_[i] = true;
    out.push_back(args_[i]);
  }
  return out;
}

void ArgList::finish() const {
  for (size_t i = 0; i < args_.size(); ++i) {
    if (!used_[i]) throw UsageError("unknown argument '" + args_[i] + "'");
  }
}

}  // namespace longrl::cli
