#pragma once
#include <filesystem>

#include <torch/torch.h>

namespace longrl::train {

// Writes a torch archive to a file so that a failed write (disk full) is one clear exception.
// torch::save cannot be used for this: when a write fails, torch 1.13's zip writer throws, and its
// destructor then throws again while unwinding, so the process terminates. Here torch always sees
// a complete write; a failure is remembered and reported once it returns.
class ArchiveFile {
 public:
  static void write(torch::serialize::OutputArchive& archive, const std::filesystem::path& path);
};

}  // namespace longrl::train
