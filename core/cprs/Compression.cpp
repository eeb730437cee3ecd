#include "core/cprs/Compression.h"

namespace longrl::cprs {

nlohmann::json Compression::toJson(const std::string& document) const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& s : spans)
    list.push_back({{"begin", s.span.begin},
                    {"end", s.span.end},
                    {"score", s.score},
                    {"mean", s.mean},
                    {"text", document.substr(s.span.begin, s.span.size())}});
  return {{"spans", list},
          {"text", text},
          {"ratio", ratio()},
          {"document_bytes", documentBytes},
          {"kept_bytes", keptBytes},
          {"document_tokens", documentTokens},
          {"kept_tokens", keptTokens}};
}

}  // namespace longrl::cprs
