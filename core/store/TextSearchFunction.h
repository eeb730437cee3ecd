#pragma once

namespace longrl::store {

class SqliteDb;

// The SQL function longrl_contains(text, compressed, needle, rowid): 1 when `needle` occurs in
// `text` ignoring ASCII case (as SQLite's lower() does), else 0. `text` is a TEXT or BLOB column;
// when `compressed` is non-zero it holds a zstd frame and is decompressed first, so a search
// over zstd-compressed responses runs inside the query: it combines with every other filter,
// with ORDER BY and with LIMIT, and the table's chunked fetching keeps working. NULL text is 0,
// an empty needle matches everything. `rowid` only names the row in the error raised for a
// damaged frame. Each connection gets its own decompression context and buffer (connections
// are used by one thread at a time).
class TextSearchFunction {
 public:
  static constexpr const char* kName = "longrl_contains";
  // Registers the function on this connection (deterministic, not usable from triggers/views
  // stored in the file).
  static void registerOn(SqliteDb& db);
};

}  // namespace longrl::store
