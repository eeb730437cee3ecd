// libFuzzer harness: core/store/EventStreamDecoder (the `longrl train --events stdout` stream
// decoder) writing into an in-memory run store. The decoder documents that it never throws for
// bad input, so any exception is a finding, as is a crash, a sanitizer report or a hang.
// Input byte 0 picks the chunk size bytes are fed in; byte 1 picks a small line limit (to reach
// the over-long-line path) or the default; the rest is the stream.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/store/EventStreamDecoder.h"
#include "core/store/RunStoreWriter.h"

using longrl::store::EventStreamDecoder;
using longrl::store::RunStoreWriter;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t chunk = data[0] == 0 ? size : data[0];
  const size_t maxLine = data[1] < 128 ? EventStreamDecoder::kDefaultMaxLineBytes : size_t(data[1] - 127) * 8;
  const std::string_view stream(reinterpret_cast<const char*>(data) + 2, size - 2);

  RunStoreWriter writer(":memory:");
  EventStreamDecoder decoder(writer, maxLine);
  size_t problems = 0;
  decoder.setProblemHandler([&](const EventStreamDecoder::Problem& p) {
    if (p.line == 0 || p.reason.empty()) std::abort();
    ++problems;
  });
  decoder.setTextLineHandler([](std::size_t, std::string_view) {});
  for (size_t pos = 0; pos < stream.size(); pos += chunk) decoder.feed(stream.substr(pos, chunk));
  decoder.finish();
  const auto& s = decoder.stats();
  if (s.problems != problems || s.records + s.problems + s.nonJsonLines > s.lines) std::abort();
  return 0;
}
