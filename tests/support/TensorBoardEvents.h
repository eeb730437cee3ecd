#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "support/PythonScript.h"

namespace longrl::test {

// What tests/core/tfevents_reader.py (an independent reader: its own CRC-32C, python3-protobuf)
// found in TensorBoard event files.
struct EventScalar {
  std::string tag;
  std::int64_t step = 0;
  double value = 0;  // the float32 read, widened; NaN and infinities as such
  double wallTime = 0;
};
struct EventFile {
  std::string path;
  double versionWallTime = 0;  // of the file_version event
  std::vector<EventScalar> scalars;
};
struct EventFilesRead {
  PythonRun run;  // rc 0: all whole and valid; 2: a problem (run.output names it); 3: no python3-protobuf
  std::vector<EventFile> files;
};

// The event files ("tfevents" in the name) directly in `dir`, sorted by name.
std::vector<std::string> eventFilesIn(const std::string& dir);
// Reads `paths` with the reader script; the reader's JSON goes to a file in a fresh temp dir.
EventFilesRead readEventFiles(const std::vector<std::string>& paths);

}  // namespace longrl::test
