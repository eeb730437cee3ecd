#pragma once
#include <cstddef>

namespace longrl::memory {

// One section of a document read by one memory-agent call: bytes [begin, end) of the document.
// Offsets (not copies) so the GUI can highlight the section a step read.
struct DocumentChunk {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t tokens = 0;  // as the chunker's counter measured the section
};

}  // namespace longrl::memory
