#pragma once
#include <stdexcept>
#include <string>

namespace longrl::plan {

// A memory plan that cannot be made: an unreadable model config.json (naming the file and the
// field), or a run config without a model directory.
class PlanError : public std::runtime_error {
 public:
  explicit PlanError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace longrl::plan
