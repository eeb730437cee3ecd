#include "trainer/serve/DeltaDecoder.h"

#include <algorithm>

#include "trainer/engine/StopStringMatcher.h"

namespace longrl::serve {

DeltaDecoder::DeltaDecoder(const engine::LenientDecoder& decoder, std::vector<std::string> stops,
                           std::vector<int> stopTokenIds)
    : decoder_(decoder), stops_(std::move(stops)), stopTokenIds_(std::move(stopTokenIds)) {
  for (const auto& s : stops_)
    if (!s.empty()) holdback_ = std::max(holdback_, s.size() - 1);
}

std::string DeltaDecoder::current() const {
  std::vector<int> body = ids_;
  // A stop token (EOS) ends the sample but is not part of its text.
  if (!body.empty() && std::find(stopTokenIds_.begin(), stopTokenIds_.end(), body.back()) != stopTokenIds_.end())
    body.pop_back();
  return decoder_.decode(body);
}

std::string DeltaDecoder::push(int token) {
  ids_.push_back(token);
  const std::string text = current();
  size_t end = text.size();
  static const std::string replacement = "\xEF\xBF\xBD";  // an unfinished character so far
  while (end >= 3 && text.compare(end - 3, 3, replacement) == 0) end -= 3;
  end = end > holdback_ ? end - holdback_ : 0;
  if (end <= sent_) return "";
  std::string delta = text.substr(sent_, end - sent_);
  sent_ = end;
  return delta;
}

std::string DeltaDecoder::finish(const std::string& stopString) {
  final_ = current();
  if (!stopString.empty()) final_ = engine::StopStringMatcher::cut(final_, {stopString});
  if (final_.size() <= sent_) return "";
  return final_.substr(sent_);
}

}  // namespace longrl::serve
