#pragma once
#include <cstdint>
#include <string>

namespace longrl::store {

// A source document, stored once per run (de-duplicated by the SHA-256 of its text) and
// zstd-compressed when long. Examples point at it by `id`.
struct DocumentRecord {
  std::int64_t id = 0;  // assigned by the store
  std::string sha256;   // computed from `text` when empty
  std::string title;
  std::string text;
};

}  // namespace longrl::store
