// libFuzzer harness: trainer/safetensors/SafetensorsHeader (torch-free) on arbitrary bytes, both
// as a whole .safetensors file (read) and as header JSON with a fuzzed data-section size (parse).
// SafetensorsError is the documented failure; anything else is a finding.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "tests/fuzz/FuzzTempFile.h"
#include "trainer/safetensors/SafetensorsError.h"
#include "trainer/safetensors/SafetensorsHeader.h"

using longrl::safetensors::SafetensorsError;
using longrl::safetensors::SafetensorsHeader;

namespace {
void check(const SafetensorsHeader& h, uint64_t dataSize) {
  uint64_t expected = 0;
  for (const auto& t : h.tensors()) {  // contiguous, in order, covering the data section
    if (t.begin != expected || t.end < t.begin) std::abort();
    expected = t.end;
    if (h.find(t.name) == nullptr) std::abort();
    (void)h.at(t.name);
  }
  if (expected != dataSize) std::abort();
  try {
    (void)h.at("\x01no such tensor");
  } catch (const SafetensorsError&) {
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // 1. The bytes as a file: 8-byte little-endian header length, JSON header, data.
  const std::string& path = longrl::fuzz::writeTemp("safetensors", data, size);
  try {
    const SafetensorsHeader h = SafetensorsHeader::read(path);
    check(h, size - h.dataOffset());
  } catch (const SafetensorsError&) {
  }
  // 2. parse(): the first 8 bytes give the data-section size (any value), the rest is the JSON.
  if (size >= 8) {
    uint64_t dataSize = 0;
    for (int i = 7; i >= 0; --i) dataSize = (dataSize << 8) | data[i];
    const std::string json(reinterpret_cast<const char*>(data) + 8, size - 8);
    try {
      check(SafetensorsHeader::parse(json, dataSize, "fuzz.safetensors"), dataSize);
    } catch (const SafetensorsError&) {
    }
  }
  return 0;
}
