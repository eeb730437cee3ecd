#include "core/store/TextSearchFunction.h"

#include <sqlite3.h>
#include <zstd.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/store/SqliteDb.h"
#include "core/store/StoreError.h"

namespace longrl::store {
namespace {

// Same bound as TextCodec::unpack: a frame that claims more is treated as damaged.
constexpr unsigned long long kMaxUnpacked = 1ull << 31;

inline char foldAscii(char c) { return (c >= 'A' && c <= 'Z') ? char(c | 0x20) : c; }

// Eight bytes at a time (SWAR): the responses are megabytes per query, and a byte loop with a
// branch was a quarter of the search's own time.
void foldInPlace(char* p, std::size_t n) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    const std::uint64_t low7 = w & ~kHigh;
    const std::uint64_t atLeastA = low7 + (0x80 - 'A') * kOnes;    // high bit: byte >= 'A'
    const std::uint64_t aboveZ = low7 + (0x80 - 'Z' - 1) * kOnes;  // high bit: byte > 'Z'
    const std::uint64_t upper = (atLeastA ^ aboveZ) & ~w & kHigh;  // 'A'..'Z', and ASCII
    w |= upper >> 2;                                               // 0x80 >> 2 == 0x20
    std::memcpy(p + i, &w, 8);
  }
  for (; i < n; ++i) p[i] = foldAscii(p[i]);
}

// Per-connection state: the decompression context and the buffers are reused across rows, so a
// search over 200,000 responses allocates nothing per row.
struct SearchState {
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  std::string text;    // the row's text, decompressed and case-folded
  std::string needle;  // the last needle as given, and folded
  std::string folded;
  ~SearchState() { ZSTD_freeDCtx(dctx); }
};

void destroyState(void* p) { delete static_cast<SearchState*>(p); }

void contains(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  auto* st = static_cast<SearchState*>(sqlite3_user_data(ctx));
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    sqlite3_result_int(ctx, 0);
    return;
  }
  const auto* needleBytes = static_cast<const char*>(sqlite3_value_blob(argv[2]));
  const std::string_view needle(needleBytes ? needleBytes : "", std::size_t(sqlite3_value_bytes(argv[2])));
  if (needle != st->needle) {
    st->needle.assign(needle);
    st->folded.assign(needle);
    foldInPlace(st->folded.data(), st->folded.size());
  }
  if (st->folded.empty()) {
    sqlite3_result_int(ctx, 1);
    return;
  }
  const void* data = sqlite3_value_blob(argv[0]);
  const auto size = std::size_t(sqlite3_value_bytes(argv[0]));
  const bool compressed = sqlite3_value_int64(argv[1]) != 0;
  std::size_t n = size;
  if (!compressed) {
    if (size < st->folded.size()) {
      sqlite3_result_int(ctx, 0);
      return;
    }
    if (st->text.size() < size) st->text.resize(size);
    if (size) std::memcpy(st->text.data(), data, size);
  } else {
    auto damaged = [&](const std::string& why) {
      const std::string row = argc > 3 ? " (row " + std::to_string(sqlite3_value_int64(argv[3])) + ")" : "";
      const std::string msg =
          std::string(TextSearchFunction::kName) + ": compressed text is damaged" + row + ": " + why;
      sqlite3_result_error(ctx, msg.c_str(), int(msg.size()));
    };
    const unsigned long long full = size ? ZSTD_getFrameContentSize(data, size) : ZSTD_CONTENTSIZE_ERROR;
    if (full == ZSTD_CONTENTSIZE_ERROR || full == ZSTD_CONTENTSIZE_UNKNOWN || full > kMaxUnpacked) {
      damaged("no valid zstd frame");
      return;
    }
    if (st->text.size() < full) st->text.resize(std::size_t(full));
    n = ZSTD_decompressDCtx(st->dctx, st->text.data(), std::size_t(full), data, size);
    if (ZSTD_isError(n) || n != full) {
      damaged(ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short frame");
      return;
    }
  }
  foldInPlace(st->text.data(), n);
  const bool found = std::string_view(st->text.data(), n).find(st->folded) != std::string_view::npos;
  sqlite3_result_int(ctx, found ? 1 : 0);
}

}  // namespace

void TextSearchFunction::registerOn(SqliteDb& db) {
  auto* state = new SearchState();
  // On failure SQLite calls destroyState itself.
  const int rc =
      sqlite3_create_function_v2(db.handle(), kName, 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, state,
                                 &contains, nullptr, nullptr, &destroyState);
  if (rc != SQLITE_OK)
    throw StoreError(db.path() + ": cannot register SQL function " + kName + ": " + sqlite3_errstr(rc));
}

}  // namespace longrl::store
