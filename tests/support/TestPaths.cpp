#include "support/TestPaths.h"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <vector>

#include <unistd.h>

namespace fs = std::filesystem;

namespace longrl::test {
namespace {

// Removes the directories handed out by freshTempDir when the test process ends.
struct TempDirRegistry {
  std::mutex mutex;
  std::vector<fs::path> dirs;
  ~TempDirRegistry() {
    if (std::getenv("LONGRL_KEEP_TEST_TMP")) return;
    std::error_code ec;
    for (const auto& d : dirs) fs::remove_all(d, ec);
  }
};

TempDirRegistry& registry() {
  static TempDirRegistry r;
  return r;
}

}  // namespace

std::string freshTempDir(const std::string& name) {
  static std::atomic<int> counter{0};
  const char* base = std::getenv("LONGRL_TEST_TMP");
  fs::path root = base && *base ? fs::path(base) : fs::temp_directory_path() / "longrl-tests";
  fs::path dir = root / (name + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir);
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.dirs.push_back(dir);
  return dir.string();
}

std::string sourcePath(const std::string& relative) { return (fs::path(LONGRL_SOURCE_DIR) / relative).string(); }

std::string cliPath() { return LONGRL_CLI_PATH; }

std::string fileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace longrl::test
