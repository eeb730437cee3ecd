#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

namespace longrl::dataset {

// A dataset file that cannot be read, or a malformed record in it. what() is "FILE:LINE: message"
// (or "FILE: message" when no line is involved).
class DatasetError : public std::runtime_error {
 public:
  DatasetError(const std::string& file, int64_t line, const std::string& message)
      : std::runtime_error(file + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": " + message),
        file_(file), line_(line), message_(message) {}

  const std::string& file() const { return file_; }
  int64_t line() const { return line_; }
  const std::string& message() const { return message_; }

 private:
  std::string file_;
  int64_t line_;
  std::string message_;
};

}  // namespace longrl::dataset
