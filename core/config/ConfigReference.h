#pragma once
#include <string>

namespace longrl::config {

// The run config's reference in Markdown: every key with its type, default and meaning, generated
// from the one field list the reader and the writer use (RunConfigFields.h). docs/CONFIG.md is this
// text; `longrl config-reference` prints it, and a test keeps the two equal.
class ConfigReference {
 public:
  static std::string markdown();
};

}  // namespace longrl::config
