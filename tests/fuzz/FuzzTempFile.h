#pragma once
// Shared by the harnesses whose component reads a path rather than bytes: one temporary file per
// fuzzer process, rewritten for every input.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace longrl::fuzz {

inline const std::string& tempPath(const char* name) {
  static const std::string path = [name] {
    const char* dir = std::getenv("TMPDIR");
    std::string p = std::string(dir && *dir ? dir : "/tmp") + "/longrl-" + name + "-" + std::to_string(getpid());
    std::atexit([] { std::remove(tempPath(nullptr).c_str()); });
    return p;
  }();
  return path;
}

// Writes the input to the process's temporary file and returns its path.
inline const std::string& writeTemp(const char* name, const uint8_t* data, size_t size) {
  const std::string& path = tempPath(name);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();
  if (size && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
  return path;
}

}  // namespace longrl::fuzz
