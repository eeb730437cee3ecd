#pragma once
#include <stdexcept>
#include <string>

namespace longrl::cli {

// Wrong command-line usage: the CLI prints the message and the command's usage, exit code 2.
class UsageError : public std::runtime_error {
 public:
  explicit UsageError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace longrl::cli
