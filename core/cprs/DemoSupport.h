#pragma once
#include <string>
#include <vector>

#include "core/cprs/TextSpan.h"
#include "core/demo/DemoExample.h"

namespace longrl::cprs {

// The supporting sentences of a demo example: the document sentences its evidence quotes. The
// generator writes the facts a question needs verbatim into the target's <think> (followed, for
// the arithmetic questions, by the computation, which quotes no sentence), so a document sentence
// is supporting when the evidence holds it word for word.
class DemoSupport {
 public:
  // Byte spans of the supporting sentences in ex.document, in document order.
  static std::vector<TextSpan> sentences(const demo::DemoExample& ex);
  // The fraction of `supporting` spans whose every word lies in a kept span (1 when there are none).
  static double recall(const std::string& document, const std::vector<TextSpan>& supporting,
                       const std::vector<TextSpan>& kept);
};

}  // namespace longrl::cprs
