#pragma once
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/demo/DemoExample.h"
#include "core/demo/DemoWorld.h"

namespace longrl::demo {

// Builds documents of facts about a sampled DemoWorld (shuffled, in paragraphs, with distractor
// and filler sentences) and asks one question whose answer needs one or two facts from it:
// multi-hop chains through the knowledge graph (docqa-scored) and numeric questions over
// revenue figures spread across the document (docmath-scored: lookups, sums, changes, percentages).
class DemoExampleGenerator {
 public:
  struct Band {
    int people;
    int companies;
    int distractors;
    int fillers;
  };
  // Three length bands: roughly 100, 230 and 460 words of document.
  static const std::vector<Band>& bands();

  explicit DemoExampleGenerator(std::uint64_t seed) : rng_(seed) {}
  DemoExample generate(int band);

 private:
  std::string filler(const DemoWorld& w);
  std::mt19937_64 rng_;
};

}  // namespace longrl::demo
