#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace longrl::curriculum {

// Draws the prompts of each training batch from a phase's examples, deterministically from a seed:
// - plain: passes over a shuffled permutation (a new shuffle each epoch);
// - task-balanced (QwenLong-L1.5): each batch takes an equal share from every data_source, each
//   source cycling through its own shuffled permutation, so a small task is not drowned out.
// The state is a few counters (permutations are re-derived from the seed), so resuming a run
// continues with exactly the batches it would have drawn.
class BatchSampler {
 public:
  // taskOf[i]: data_source of example i.
  BatchSampler(std::vector<std::string> taskOf, bool taskBalanced, std::uint64_t seed);

  std::vector<std::size_t> nextBatch(std::size_t size);
  // Passes completed over the examples (plain), or over the largest task (balanced).
  std::int64_t epoch() const;
  std::size_t exampleCount() const { return taskOf_.size(); }

  nlohmann::json state() const;
  // Throws std::runtime_error when the state does not belong to this example set.
  void restore(const nlohmann::json& state);

 private:
  struct Stream {
    std::vector<std::size_t> members;  // example indices of this stream
    std::int64_t round = 0;
    std::size_t cursor = 0;
    std::vector<std::size_t> order;  // current round's permutation of members
  };
  void reshuffle(Stream& s, std::size_t streamIndex);
  std::size_t draw(Stream& s, std::size_t streamIndex);

  std::vector<std::string> taskOf_;
  bool balanced_;
  std::uint64_t seed_;
  std::vector<std::string> streamNames_;
  std::vector<Stream> streams_;
  std::int64_t batches_ = 0;
};

}  // namespace longrl::curriculum
