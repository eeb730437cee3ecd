#include "core/cli/ArgList.h"

#include "core/cli/UsageError.h"

#include <cstdlib>

namespace longrl::cli {

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

long long ArgList::takeIntOr(const std::string& name, long long fallback) {
  auto v = take(name);
  if (!v) return fallback;
  char* end = nullptr;
  long long x = std::strtoll(v->c_str(), &end, 10);
  if (v->empty() || *end != '\0') throw UsageError("option --" + name + " expects an integer, got '" + *v + "'");
  return x;
}

double ArgList::takeDoubleOr(const std::string& name, double fallback) {
  auto v = take(name);
  if (!v) return fallback;
  char* end = nullptr;
  double x = std::strtod(v->c_str(), &end);
  if (v->empty() || *end != '\0') throw UsageError("option --" + name + " expects a number, got '" + *v + "'");
  return x;
}

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
