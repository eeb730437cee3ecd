#pragma once
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace longrl::grpo {

// DAPO's dynamic sampling: groups whose samples all scored the same (all right or all wrong) give
// GRPO zero advantage, so they are dropped and more generation batches are drawn until the
// training batch holds `target` informative groups, or `maxGenBatches` generation batches have
// been drawn (then training goes on with what was collected, rather than stalling the run).
// `G` is the trainer's group type; the caller passes each group's scores alongside it.
template <class G> class DynamicBatchFiller {
 public:
  DynamicBatchFiller(std::size_t target, std::int64_t maxGenBatches, bool enabled)
      : target_(target), maxGenBatches_(maxGenBatches), enabled_(enabled) {}

  static bool informative(const std::vector<double>& scores) {
    for (double s : scores)
      if (std::fabs(s - scores.front()) > 1e-12) return true;
    return false;
  }

  // One generation batch: (group, its sample scores) pairs. Returns how many groups were kept.
  std::size_t offer(std::vector<std::pair<G, std::vector<double>>> groups) {
    ++genBatches_;
    std::size_t kept = 0;
    for (auto& [group, scores] : groups) {
      if (kept_.size() >= target_) break;
      if (enabled_ && !informative(scores)) {
        ++dropped_;
        continue;
      }
      kept_.push_back(std::move(group));
      ++kept;
    }
    return kept;
  }

  bool done() const { return kept_.size() >= target_ || !enabled_ || genBatches_ >= maxGenBatches_; }
  bool full() const { return kept_.size() >= target_; }
  std::int64_t genBatches() const { return genBatches_; }
  std::size_t dropped() const { return dropped_; }
  std::vector<G> take() { return std::move(kept_); }

 private:
  std::size_t target_;
  std::int64_t maxGenBatches_;
  bool enabled_;
  std::int64_t genBatches_ = 0;
  std::size_t dropped_ = 0;
  std::vector<G> kept_;
};

}  // namespace longrl::grpo
