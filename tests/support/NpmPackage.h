#pragma once
#include <string>
#include <vector>

namespace longrl::test {

// An npm package unpacked under `cacheDir`/package by `npm pack` + tar, fetched once and reused
// while `requiredFiles` (relative to the package) are all there. Returns the package directory,
// or "" with `why` saying what failed (npm absent, offline, ...) so the caller can QSKIP.
// Tests running in parallel must use different cache directories.
std::string npmPackage(const std::string& spec, const std::string& cacheDir,
                       const std::vector<std::string>& requiredFiles, std::string* why);

}  // namespace longrl::test
