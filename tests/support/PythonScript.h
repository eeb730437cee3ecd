#pragma once
#include <string>
#include <vector>

namespace longrl::test {

// One run of a reference script under Debian's /usr/bin/python3 (where python3-torch lives).
struct PythonRun {
  int rc = -1;         // exit status; -1: /usr/bin/python3 missing or not run
  std::string output;  // stdout and stderr together
  // Reference scripts exit 3 when torch is missing; the caller skips then.
  bool skipped() const { return rc == -1 || rc == 3; }
};

// Runs sourcePath(script) with `args` (each passed as one argument, whatever it holds).
PythonRun runPythonScript(const std::string& script, const std::vector<std::string>& args);
// The little-endian float32 values of a file ({} when it holds fewer than `count`).
std::vector<float> readFloat32(const std::string& path, size_t count);

}  // namespace longrl::test
