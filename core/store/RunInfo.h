#pragma once
#include <string>
#include <tuple>

#include "core/store/RecordField.h"

namespace longrl::store {

// One training run. A run store usually holds exactly one; `name` is its key.
struct RunInfo {
  std::string name;
  std::string status;       // "created", "running", "finished", "failed", "stopped"
  std::string config_json;  // the resolved config (also in run-dir/config.json)
  std::string host;         // where the trainer runs ("" = this machine)
  double created_time = 0.0;
  double updated_time = 0.0;

  static constexpr const char* kTable = "runs";
  static constexpr const char* kType = "run";
  // Re-sending a run with an empty config or no creation time keeps the stored ones.
  static constexpr auto fields() {
    using R = RunInfo;
    return std::make_tuple(field("name", &R::name).key().required(), field("status", &R::status),
                           field("config_json", &R::config_json).keepIfEmpty(), field("host", &R::host),
                           field("created_time", &R::created_time).keepIfEmpty(),
                           field("updated_time", &R::updated_time));
  }
};

}  // namespace longrl::store
