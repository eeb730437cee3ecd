#pragma once
#include <cstdint>
#include <string>

namespace longrl::store {

// A free-form run event (log message, checkpoint saved, phase change, error). Append-only.
struct EventRecord {
  std::int64_t rowid = 0;  // filled by the reader
  std::string kind;        // e.g. "log", "checkpoint", "error"
  std::string payload;     // JSON text
  double time = 0.0;
};

}  // namespace longrl::store
