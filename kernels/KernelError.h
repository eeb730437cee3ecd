// Error thrown by kernels/ when inputs are malformed; the message names the argument and the shapes.
#pragma once
#include <stdexcept>
#include <string>

namespace longrl::kernels {

class KernelError : public std::runtime_error {
 public:
  explicit KernelError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace longrl::kernels
