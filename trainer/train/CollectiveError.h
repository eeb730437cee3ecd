#pragma once
#include <stdexcept>
#include <string>

namespace longrl::train {

// A collective (all-reduce, broadcast, gather, barrier) failed: usually another rank died or
// hung, so this rank's failure is a consequence, not the cause. `longrl train` exits with
// kExitCode for it, which lets the --nproc launcher name the rank that failed first.
class CollectiveError : public std::runtime_error {
 public:
  static constexpr int kExitCode = 3;
  using std::runtime_error::runtime_error;
};

}  // namespace longrl::train
