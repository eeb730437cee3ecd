#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace longrl::cprs {

// The compressor's own part of config.json, under "cprs": how many of the top decoder layers attend
// bidirectionally, and the critic head's labels (the one named "keep" scores a token's relevance).
// {"cprs": {"bidirectional_layers": 2, "labels": ["drop", "keep"]}}
struct CprsConfig {
  int64_t bidirectionalLayers = 0;
  std::vector<std::string> labels = {"drop", "keep"};

  int64_t keepLabel() const;  // index of "keep" in labels
  // `source` names the file in errors; a missing "cprs" object gives the defaults. Throws
  // std::invalid_argument naming the field for a bad value, or bidirectional_layers above `layers`.
  static CprsConfig fromJson(const nlohmann::json& config, int64_t layers, const std::string& source);
  nlohmann::json toJson() const;
};

}  // namespace longrl::cprs
