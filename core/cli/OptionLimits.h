#pragma once
// Bounds shared by the commands' numeric options: far above any real use, low enough that a typo
// (a digit too many, a minus sign) is refused instead of allocating or running for ever.
#include <limits>

namespace longrl::cli::limits {

inline constexpr long long kMaxTokens = 1LL << 24;  // a token count or budget (16M)
inline constexpr long long kMaxSamples = 1024;      // samples per prompt (--n, --k)
inline constexpr long long kMaxProcesses = 1024;    // --nproc
inline constexpr long long kMaxSeed = std::numeric_limits<long long>::max();
inline constexpr long long kMaxCount = std::numeric_limits<long long>::max();  // a number of records
inline constexpr long long kMaxTimeoutMs = 3600LL * 1000;                      // one hour
inline constexpr long long kMaxRetries = 100;
inline constexpr long long kMaxConcurrent = 1024;  // requests in flight
inline constexpr long long kMaxSteps = 100000000;  // optimizer or benchmark steps

}  // namespace longrl::cli::limits
