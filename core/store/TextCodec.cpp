#include "core/store/TextCodec.h"

#include <zstd.h>

#include "core/store/StoreError.h"

namespace longrl::store {
namespace {
// Level 3 is zstd's default: good ratio on prose at several hundred MB/s, so ingest is not slowed.
constexpr int kLevel = 3;
// A frame without a recorded size (should not happen for our own blobs) gets a bounded guess.
constexpr unsigned long long kMaxUnpacked = 1ull << 31;
}  // namespace

TextCodec::Packed TextCodec::pack(std::string_view text, std::size_t threshold) {
  Packed p;
  if (text.size() < threshold) {
    p.bytes.assign(text);
    return p;
  }
  p.bytes.resize(ZSTD_compressBound(text.size()));
  const std::size_t n = ZSTD_compress(p.bytes.data(), p.bytes.size(), text.data(), text.size(), kLevel);
  if (ZSTD_isError(n) || n >= text.size()) {  // incompressible: keep it plain
    p.bytes.assign(text);
    return p;
  }
  p.bytes.resize(n);
  p.compressed = true;
  return p;
}

std::string TextCodec::unpack(const void* data, std::size_t size, bool compressed, const std::string& context) {
  if (!compressed) return std::string(static_cast<const char*>(data), size);
  const unsigned long long full = ZSTD_getFrameContentSize(data, size);
  if (full == ZSTD_CONTENTSIZE_ERROR || full == ZSTD_CONTENTSIZE_UNKNOWN || full > kMaxUnpacked)
    throw StoreError(context + ": compressed text is damaged (no valid zstd frame)");
  std::string out(static_cast<std::size_t>(full), '\0');
  const std::size_t n = ZSTD_decompress(out.data(), out.size(), data, size);
  if (ZSTD_isError(n) || n != out.size())
    throw StoreError(context + ": compressed text is damaged (" +
                     std::string(ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short frame") + ")");
  return out;
}

}  // namespace longrl::store
