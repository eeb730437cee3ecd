#pragma once
#include <chrono>

namespace longrl::io {

// Seconds since the Unix epoch, as every time field of the run store and the event stream holds it.
inline double wallSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace longrl::io
