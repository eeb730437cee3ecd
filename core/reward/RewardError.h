#pragma once
#include <stdexcept>
#include <string>

namespace longrl::reward {

// A reward cannot be computed: unknown data_source, a ground truth that is not an answer of
// the routed kind, or a judge configuration that cannot work. Judge *call* failures are not
// exceptions: they are recorded in JudgeResult (verdict Error) so a run keeps going.
class RewardError : public std::runtime_error {
 public:
  explicit RewardError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace longrl::reward
