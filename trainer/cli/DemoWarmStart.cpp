#include "trainer/cli/DemoWarmStart.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace longrl::cli {

namespace fs = std::filesystem;

bool DemoWarmStart::isModelDir(const std::string& dir) {
  std::error_code ec;
  return fs::is_regular_file(fs::path(dir) / "config.json", ec) &&
         fs::is_regular_file(fs::path(dir) / "tokenizer.json", ec) &&
         fs::is_regular_file(fs::path(dir) / "model.safetensors", ec);
}

std::optional<std::string> DemoWarmStart::locate() {
  if (const char* env = std::getenv("LONGRL_DEMO_WARMSTART"); env && *env) {
    if (!isModelDir(env))
      throw std::runtime_error(std::string("LONGRL_DEMO_WARMSTART=") + env +
                               ": not a model directory (config.json, tokenizer.json, model.safetensors)");
    return std::string(env);
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / "share" / "longrl" / "demo-warmstart";
    if (isModelDir(installed.string())) return installed.string();
  }
#ifdef LONGRL_RESOURCES_DIR
  const fs::path source = fs::path(LONGRL_RESOURCES_DIR) / "demo-warmstart";
  if (isModelDir(source.string())) return source.string();
#endif
  return std::nullopt;
}

void DemoWarmStart::copyModel(const std::string& modelDir, const std::string& outDir) {
  fs::create_directories(outDir);
  for (const auto& entry : fs::directory_iterator(modelDir)) {
    if (!entry.is_regular_file()) continue;  // skips trainer_state/
    fs::copy_file(entry.path(), fs::path(outDir) / entry.path().filename(), fs::copy_options::overwrite_existing);
  }
}

}  // namespace longrl::cli
