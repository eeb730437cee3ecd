#pragma once
#include <stdexcept>
#include <string>
#include <vector>

namespace longrl::config {

// One problem in a run config, attached to the key path it concerns (e.g. `phases[1].max_input_tokens`)
// so that the GUI can show it next to the field.
struct ConfigIssue {
  std::string path;     // empty for problems of the whole document (e.g. invalid JSON)
  std::string message;  // e.g. "expected integer, got string"

  // "path: message", or just the message when it already quotes the path ("unknown key 'a.b'").
  std::string text() const {
    if (path.empty() || message.find("'" + path + "'") != std::string::npos) return message;
    return path + ": " + message;
  }
};

// Thrown when a config cannot be used. what() lists every issue, one per line, each prefixed with
// the file name when the config came from a file.
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::vector<ConfigIssue> issues, const std::string& source)
      : std::runtime_error(format(issues, source)), issues_(std::move(issues)), source_(source) {}

  const std::vector<ConfigIssue>& issues() const { return issues_; }
  const std::string& source() const { return source_; }

 private:
  static std::string format(const std::vector<ConfigIssue>& issues, const std::string& source) {
    std::string out;
    for (const ConfigIssue& issue : issues) {
      if (!out.empty()) out += '\n';
      if (!source.empty()) out += source + ": ";
      out += issue.text();
    }
    return out.empty() ? std::string("invalid config") : out;
  }

  std::vector<ConfigIssue> issues_;
  std::string source_;
};

}  // namespace longrl::config
