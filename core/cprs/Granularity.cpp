#include "core/cprs/Granularity.h"

#include <stdexcept>

namespace longrl::cprs {

Granularity granularityFromName(const std::string& name, const std::string& what) {
  if (name == "keyword") return Granularity::Keyword;
  if (name == "sentence") return Granularity::Sentence;
  if (name == "paragraph") return Granularity::Paragraph;
  throw std::invalid_argument(what + ": '" + name + "' is not one of keyword, sentence, paragraph");
}

std::string granularityName(Granularity g) {
  switch (g) {
    case Granularity::Keyword:
      return "keyword";
    case Granularity::Sentence:
      return "sentence";
    case Granularity::Paragraph:
      return "paragraph";
  }
  return "sentence";
}

}  // namespace longrl::cprs
