#pragma once
#include <string>

namespace longrl::store {

// One training run. A run store usually holds exactly one; `name` is its key.
struct RunInfo {
  std::string name;
  std::string status;       // "created", "running", "finished", "failed", "stopped"
  std::string config_json;  // the resolved config (also in run-dir/config.json)
  std::string host;         // where the trainer runs ("" = this machine)
  double created_time = 0.0;
  double updated_time = 0.0;
};

}  // namespace longrl::store
