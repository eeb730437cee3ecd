#include "trainer/train/ActorBatch.h"

#include <algorithm>

namespace longrl::train {

ActorBatch ActorBatch::build(const std::vector<RolloutGroup>& groups, const std::vector<std::size_t>& kept,
                             const std::vector<TrainExample>& examples, std::size_t groupsPerMini) {
  ActorBatch b;
  const std::size_t perMini = std::max<std::size_t>(1, groupsPerMini);
  std::size_t sample = 0;
  for (std::size_t k = 0; k < kept.size(); ++k) {
    if (k % perMini == 0) b.miniBatches.emplace_back();
    const auto& grp = groups.at(kept[k]);
    for (const auto& s : grp.samples) {
      auto add = [&](const std::vector<int>* prompt, const std::vector<int>* response) {
        b.miniBatches.back().push_back(b.seqs.size());
        b.seqs.push_back({prompt, response, s.advantage});
        b.sampleOf.push_back(sample);
      };
      if (s.calls.empty()) add(&examples.at(grp.exampleIndex).promptIds, &s.responseIds);
      else
        for (const auto& c : s.calls) add(&c.promptIds, &c.responseIds);
      ++sample;
    }
  }
  return b;
}

}  // namespace longrl::train
