#pragma once
#include <stdexcept>
#include <string>

namespace longrl::tokenizer {

// Bad tokenizer files or arguments; the message names the file and key path involved.
class TokenizerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace longrl::tokenizer
