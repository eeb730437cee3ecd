// libFuzzer harness: core/dataset/DatasetReader on arbitrary JSONL bytes (verl or plain form).
// DatasetError is the documented failure; any other exception, crash or sanitizer report is a finding.
#include <cstdint>
#include <cstdlib>

#include "core/dataset/DatasetError.h"
#include "core/dataset/DatasetReader.h"
#include "tests/fuzz/FuzzTempFile.h"

using longrl::dataset::DatasetError;
using longrl::dataset::DatasetReader;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = longrl::fuzz::writeTemp("dataset", data, size);
  // Strict: the first malformed line throws DatasetError.
  try {
    DatasetReader::readFile(path);
  } catch (const DatasetError&) {
  }
  // Skipping: malformed lines are counted, never thrown.
  longrl::dataset::DatasetReadResult r = DatasetReader::readFile(path, {/*skipMalformed=*/true});
  if (r.skipped != r.skippedErrors.size()) std::abort();
  for (const auto& rec : r.records)
    if (rec.groundTruth.empty() || rec.line <= 0) std::abort();  // the reader's documented guarantees
  return 0;
}
