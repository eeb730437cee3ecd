#pragma once
#include <cstddef>

namespace longrl::cprs {

// A half-open range [begin, end) of byte offsets into a document.
struct TextSpan {
  std::size_t begin = 0;
  std::size_t end = 0;

  std::size_t size() const { return end > begin ? end - begin : 0; }
  bool contains(const TextSpan& o) const { return begin <= o.begin && o.end <= end; }
  bool overlaps(const TextSpan& o) const { return begin < o.end && o.begin < end; }
  bool operator==(const TextSpan& o) const { return begin == o.begin && end == o.end; }
};

}  // namespace longrl::cprs
