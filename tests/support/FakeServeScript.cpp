#include "support/FakeServeScript.h"

#include <filesystem>
#include <fstream>

namespace longrl::test {

std::string writeFakeServeScript(const std::string& dir, const FakeServe& how) {
  const std::string path = dir + "/longrl";
  std::string body = "#!/bin/sh\necho \"$@\" > \"" + dir + "/args.txt\"\n";
  if (how.failAtStart) {
    body += "echo 'error: model directory has no config.json' >&2\nexit 3\n";
  } else if (how.dieAfterSeconds > 0) {
    body += "echo \"serving tiny-model at " + how.url + "\"\nsleep " + std::to_string(how.dieAfterSeconds) +
            "\necho 'error: CUDA out of memory (fake)' >&2\nexit 4\n";
  } else {
    body += "echo \"serving tiny-model at " + how.url + "\"\nexec sleep 60\n";
  }
  std::ofstream(path, std::ios::binary) << body;
  namespace fs = std::filesystem;
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write | fs::perms::owner_exec);
  return path;
}

}  // namespace longrl::test
