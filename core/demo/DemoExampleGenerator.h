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
  // Three length bands: roughly 90, 200 and 420 words of document (see bands() for why the longer
  // ones add distractors rather than entities).
  static const std::vector<Band>& bands();

  explicit DemoExampleGenerator(std::uint64_t seed) : rng_(seed) {}
  DemoExample generate(int band);
  // A document longer than the demo model's window (band index bands().size()), for the memory
  // agent: `fillers` filler sentences among the facts of a larger world, and a two-hop question
  // whose first fact lies in the first fifth of the sentences and whose second lies in the last.
  DemoExample generateBeyondWindow(int fillers);

 private:
  std::string filler(const DemoWorld& w);
  std::string paragraphs(const std::vector<std::string>& sentences);  // 3-6 sentences each
  // A two-hop question about `person` (country of residence, or city of the employer); sets the
  // example's kind, source, question and answer and returns the evidence (the two facts).
  static std::string askChain(const DemoWorld& w, const DemoWorld::Person& person, bool country, DemoExample& ex);
  std::mt19937_64 rng_;
};

}  // namespace longrl::demo
