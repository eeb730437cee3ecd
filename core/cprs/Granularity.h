#pragma once
#include <string>

namespace longrl::cprs {

// What a kept token keeps: its word, its sentence or its paragraph.
enum class Granularity { Keyword, Sentence, Paragraph };

// "keyword" | "sentence" | "paragraph"; anything else throws std::invalid_argument naming `what`.
Granularity granularityFromName(const std::string& name, const std::string& what = "granularity");
std::string granularityName(Granularity g);

}  // namespace longrl::cprs
