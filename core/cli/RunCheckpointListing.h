#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace longrl::cli {

// What `longrl checkpoints` reports about a run directory: its complete checkpoints as the
// trainer's CheckpointStore lists them (checkpoints/step-N/ holding trainer_state/state.json,
// which is written last; a .tmp-step-N being written is not one), by step ascending, and the
// studio's saved evaluations (evals/*.json) as they are. Nothing here fails on a damaged part:
// an unreadable store or eval file is reported beside the rest.
struct RunCheckpointListing {
  struct Checkpoint {
    std::int64_t step = 0;
    std::string dir;           // absolute
    std::string phase;         // the curriculum phase the step fell in; "" when unknown
    std::uintmax_t bytes = 0;  // all files under dir
    std::string savedAt;       // trainer_state/state.json's mtime, ISO-8601 UTC ("...Z")
  };
  struct Eval {
    std::string file;  // name under evals/
    nlohmann::json result;
  };

  std::string runDir;
  std::vector<Checkpoint> checkpoints;
  std::vector<Eval> evals;
  std::vector<std::string> problems;  // "evals/x.json: why"
  std::string storeError;             // run.sqlite exists but could not be read

  // Throws store::StoreError naming runDir when it is not a directory, or holds neither
  // run.sqlite nor checkpoints/.
  static RunCheckpointListing scan(const std::string& runDir);
  // Only the checkpoints (the studio reads the evaluations itself): none when runDir has no
  // checkpoints/; a store that cannot be read leaves the phases empty and sets *storeError.
  static std::vector<Checkpoint> checkpointsIn(const std::string& runDir, std::string* storeError = nullptr);

  // {"run_dir", "checkpoints": [{"step", "dir", "phase", "bytes", "saved_at"}], "evals": [{"file",
  // "result"}], "problems": [...]}, plus "store_error" when the store could not be read.
  nlohmann::json toJson() const;
};

}  // namespace longrl::cli
