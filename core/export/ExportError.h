#pragma once
#include <stdexcept>
#include <string>

namespace longrl::exports {

// An export's output could not be created or written; the message names the path.
class ExportError : public std::runtime_error {
 public:
  explicit ExportError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace longrl::exports
