#include "trainer/train/ArchiveFile.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>

namespace longrl::train {

void ArchiveFile::write(torch::serialize::OutputArchive& archive, const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error(path.string() + ": cannot create file: " + std::strerror(errno));
  std::string failure;
  archive.save_to([&](const void* data, size_t n) -> size_t {
    if (failure.empty() && !out.write(static_cast<const char*>(data), static_cast<std::streamsize>(n)))
      failure = std::strerror(errno);
    return n;
  });
  if (failure.empty() && !out.flush()) failure = std::strerror(errno);
  if (!failure.empty()) throw std::runtime_error(path.string() + ": write failed (disk full?): " + failure);
}

}  // namespace longrl::train
