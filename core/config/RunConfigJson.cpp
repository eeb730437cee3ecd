// RunConfig <-> JSON. Reading collects every issue (unknown key, wrong type) with its key path
// instead of stopping at the first, so a user fixes a config in one pass.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <type_traits>

#include "core/config/RunConfig.h"
#include "core/config/RunConfigFields.h"

namespace longrl::config {
namespace {

using nlohmann::json;

std::string joinKey(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

std::string describe(const json& j) {
  if (j.is_number_float()) return "number " + j.dump();
  if (j.is_number()) return "integer " + j.dump();
  if (j.is_string()) {
    std::string s = j.get<std::string>();
    if (s.size() > 40) s = s.substr(0, 40) + "...";
    return "string '" + s + "'";
  }
  return j.type_name();
}

class Reader {
 public:
  Reader(const json& obj, std::string prefix, std::vector<ConfigIssue>& issues)
      : obj_(obj), prefix_(std::move(prefix)), issues_(issues) {}

  template <class T> void field(const char* key, T& value, const char* /*meaning*/) {
    known_.insert(key);
    auto it = obj_.find(key);
    if (it != obj_.end()) read(*it, joinKey(prefix_, key), value);
  }

  void reportUnknownKeys() {
    for (auto it = obj_.begin(); it != obj_.end(); ++it)
      if (!known_.count(it.key())) {
        const std::string path = joinKey(prefix_, it.key());
        issues_.push_back({path, "unknown key '" + path + "'"});
      }
  }

 private:
  void wrongType(const std::string& path, const char* expected, const json& j) {
    issues_.push_back({path, std::string("expected ") + expected + ", got " + describe(j)});
  }

  void read(const json& j, const std::string& path, bool& out) {
    if (j.is_boolean()) out = j.get<bool>();
    else wrongType(path, "boolean", j);
  }
  void read(const json& j, const std::string& path, int64_t& out) {
    if (j.is_number_unsigned() && j.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max()))
      issues_.push_back({path, "integer out of range: " + j.dump()});
    else if (j.is_number_integer()) out = j.get<int64_t>();
    else wrongType(path, "integer", j);
  }
  void read(const json& j, const std::string& path, double& out) {
    if (j.is_number()) out = j.get<double>();
    else wrongType(path, "number", j);
  }
  void read(const json& j, const std::string& path, std::string& out) {
    if (j.is_string()) out = j.get<std::string>();
    else wrongType(path, "string", j);
  }
  void read(const json& j, const std::string& path, std::vector<std::string>& out) {
    if (!j.is_array()) return wrongType(path, "array of strings", j);
    out.clear();
    for (size_t i = 0; i < j.size(); ++i) {
      std::string s;
      const size_t before = issues_.size();
      read(j[i], path + "[" + std::to_string(i) + "]", s);
      if (issues_.size() == before) out.push_back(std::move(s));
    }
  }
  void read(const json& j, const std::string& path, std::vector<PhaseConfig>& out) {
    if (!j.is_array()) return wrongType(path, "array of phase objects", j);
    out.assign(j.size(), PhaseConfig{});
    for (size_t i = 0; i < j.size(); ++i) read(j[i], path + "[" + std::to_string(i) + "]", out[i]);
  }
  template <class E> std::enable_if_t<std::is_enum_v<E>> read(const json& j, const std::string& path, E& out) {
    if (j.is_string())
      for (const auto& [value, name] : enumTable(E{}))
        if (j.get<std::string>() == name) {
          out = value;
          return;
        }
    issues_.push_back({path, "expected one of " + enumChoices<E>() + ", got " + describe(j)});
  }
  template <class S> std::enable_if_t<std::is_class_v<S>> read(const json& j, const std::string& path, S& out) {
    if (!j.is_object()) return wrongType(path, "object", j);
    Reader sub(j, path, issues_);
    detail::fields(sub, out);
    sub.reportUnknownKeys();
  }

  const json& obj_;
  std::string prefix_;
  std::vector<ConfigIssue>& issues_;
  std::set<std::string> known_;
};

json toJsonValue(bool v) { return v; }
json toJsonValue(int64_t v) { return v; }
json toJsonValue(double v) { return v; }
json toJsonValue(const std::string& v) { return v; }
json toJsonValue(const std::vector<std::string>& v) { return v; }
template <class E> std::enable_if_t<std::is_enum_v<E>, json> toJsonValue(E v) { return enumName(v); }
template <class S> std::enable_if_t<std::is_class_v<S>, json> toJsonValue(const S& s);
json toJsonValue(const std::vector<PhaseConfig>& v);

class Writer {
 public:
  explicit Writer(json& obj) : obj_(obj) {}
  template <class T> void field(const char* key, const T& value, const char* /*meaning*/) {
    obj_[key] = toJsonValue(value);
  }

 private:
  json& obj_;
};

template <class S> std::enable_if_t<std::is_class_v<S>, json> toJsonValue(const S& s) {
  json obj = json::object();
  Writer w(obj);
  // fields() takes a mutable reference so one list serves reading too; the writer only reads.
  detail::fields(w, const_cast<S&>(s));
  return obj;
}
json toJsonValue(const std::vector<PhaseConfig>& v) {
  json arr = json::array();
  for (const PhaseConfig& p : v) arr.push_back(toJsonValue(p));
  return arr;
}

// Parse issues first; value checks only for paths that parsed (a field that failed to parse kept its
// default, and a second complaint about it would only confuse).
std::vector<ConfigIssue> parseInto(const json& j, RunConfig& config) {
  std::vector<ConfigIssue> issues;
  if (!j.is_object()) {
    issues.push_back({"", "expected a JSON object at the top level, got " + describe(j)});
    return issues;
  }
  Reader reader(j, "", issues);
  detail::fields(reader, config);
  reader.reportUnknownKeys();
  const size_t parseIssues = issues.size();
  for (ConfigIssue& v : config.validate()) {
    bool dup = false;
    for (size_t i = 0; i < parseIssues && !dup; ++i) dup = issues[i].path == v.path;
    if (!dup) issues.push_back(std::move(v));
  }
  return issues;
}

}  // namespace

std::vector<ConfigIssue> RunConfig::check(const nlohmann::json& json) {
  RunConfig config;
  return parseInto(json, config);
}

RunConfig RunConfig::fromJson(const nlohmann::json& json, const std::string& source) {
  RunConfig config;
  std::vector<ConfigIssue> issues = parseInto(json, config);
  if (!issues.empty()) throw ConfigError(std::move(issues), source);
  return config;
}

RunConfig RunConfig::loadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError({{"", std::string("cannot open config file: ") + std::strerror(errno)}}, path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  nlohmann::json j;
  try {
    // Comments are allowed: hand-written configs benefit from them (config.json written back has none).
    j = nlohmann::json::parse(text, nullptr, true, true);
  } catch (const nlohmann::json::parse_error& e) {
    size_t line = 1, column = 1;
    for (size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    throw ConfigError({{"", "invalid JSON at line " + std::to_string(line) + ", column " + std::to_string(column) +
                                ": " + e.what()}},
                      path);
  } catch (const nlohmann::json::exception& e) {
    // Not a syntax error but still unreadable, e.g. a number beyond double range (1e999).
    throw ConfigError({{"", std::string("invalid JSON: ") + e.what()}}, path);
  }
  return fromJson(j, path);
}

nlohmann::json RunConfig::toJson() const { return toJsonValue(*this); }

void RunConfig::saveFile(const std::string& path) const {
  // Write then rename, so a reader never sees half a config.
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << toJson().dump(2) << '\n';
    if (!out) throw ConfigError({{"", std::string("cannot write config file: ") + std::strerror(errno)}}, path);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw ConfigError({{"", std::string("cannot write config file: ") + std::strerror(errno)}}, path);
}

}  // namespace longrl::config
