#pragma once
#include <cstdint>
#include <string>
#include <tuple>

#include "core/store/RecordField.h"
#include "core/store/ZFlag.h"

namespace longrl::store {

// A source document, stored once per run (de-duplicated by the SHA-256 of its text) and
// zstd-compressed when long. Examples point at it by `id`.
struct DocumentRecord {
  std::int64_t id = 0;  // assigned by the store
  std::string sha256;   // computed from `text` when empty
  std::string title;
  std::string text;

  static constexpr const char* kTable = "documents";
  static constexpr const char* kType = "document";
  // The table also has text_bytes (the text's length, written by RunStoreWriter::writeDocument).
  static constexpr auto fields() {
    using R = DocumentRecord;
    return std::make_tuple(field("id", &R::id).assigned(), field("sha256", &R::sha256), field("title", &R::title),
                           field("text", &R::text).required().packed(zflag::kResponse));
  }
};

}  // namespace longrl::store
