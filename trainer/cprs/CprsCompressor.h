#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/cprs/Compression.h"
#include "core/cprs/Granularity.h"
#include "core/cprs/ScoredToken.h"
#include "trainer/cprs/CprsModel.h"
#include "trainer/tokenizer/Tokenizer.h"

namespace longrl::cprs {

// Window-parallel compression of one document: its tokens are cut into windows (WindowPlan), each
// scored behind the instruction and the query (CprsPrompt), `batch` windows per forward; the
// windows' keep scores are merged per token and SpanSelector keeps the units of the requested
// granularity, in document order.
class CprsCompressor {
 public:
  struct Options {
    double threshold = 0.5;
    Granularity granularity = Granularity::Sentence;
    int64_t windowTokens = 512;  // per forward: prefix + window
    int64_t overlap = 0;         // document tokens two neighbouring windows share
    int64_t batch = 8;           // windows per forward
  };

  CprsCompressor(CprsModel model, const tokenizer::Tokenizer& tokenizer) : model_(std::move(model)), tok_(tokenizer) {}

  // Every document token with its merged keep score. Throws std::invalid_argument when the
  // instruction and query leave no room in the window.
  std::vector<ScoredToken> score(const std::string& document, const std::string& instruction, const std::string& query,
                                 const Options& options);
  Compression compress(const std::string& document, const std::string& instruction, const std::string& query,
                       const Options& options);
  // The tokens the prefix takes; windowTokens - this is what each window holds of the document.
  int64_t prefixTokens(const std::string& instruction, const std::string& query) const;

 private:
  std::vector<int> prefixIds(const std::string& instruction, const std::string& query) const;
  CprsModel model_;
  const tokenizer::Tokenizer& tok_;
};

}  // namespace longrl::cprs
