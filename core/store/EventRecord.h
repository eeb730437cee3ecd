#pragma once
#include <cstdint>
#include <string>
#include <tuple>

#include "core/store/RecordField.h"

namespace longrl::store {

// A free-form run event (log message, checkpoint saved, phase change, error). Append-only.
struct EventRecord {
  std::int64_t rowid = 0;  // filled by the reader
  std::string kind;        // e.g. "log", "checkpoint", "error"
  std::string payload;     // JSON text
  double time = 0.0;

  static constexpr const char* kTable = "events";
  static constexpr const char* kType = "event";
  static constexpr auto fields() {
    using R = EventRecord;
    return std::make_tuple(field("rowid", &R::rowid).rowid().storedAs("id"), field("kind", &R::kind).required(),
                           field("payload", &R::payload).jsonText(), field("time", &R::time));
  }
};

}  // namespace longrl::store
