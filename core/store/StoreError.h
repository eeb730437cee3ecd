#pragma once
#include <stdexcept>
#include <string>

namespace longrl::store {

// Any failure of the run store or the event stream; the message names the file (and table,
// column or JSON field) involved.
class StoreError : public std::runtime_error {
 public:
  explicit StoreError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace longrl::store
