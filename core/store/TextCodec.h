#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace longrl::store {

// Long text (documents, responses, judge output) is stored zstd-compressed above a size
// threshold; short text stays plain so it remains readable with the sqlite3 shell.
class TextCodec {
 public:
  static constexpr std::size_t kDefaultThreshold = 512;

  struct Packed {
    std::string bytes;
    bool compressed = false;
  };

  static Packed pack(std::string_view text, std::size_t threshold = kDefaultThreshold);
  // `context` names the row/column for the error message when the blob is damaged.
  static std::string unpack(const void* data, std::size_t size, bool compressed, const std::string& context);
};

}  // namespace longrl::store
