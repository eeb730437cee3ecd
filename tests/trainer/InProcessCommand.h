// Runs a longrl CLI command in the test's own process, as `longrl NAME ARGS...` would, and keeps
// what it printed.
#pragma once
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/cli/ArgList.h"
#include "core/cli/Command.h"

namespace longrl::test {

inline int runCommand(const cli::Command& c, std::vector<std::string> args, std::string* out,
                      std::string* err = nullptr) {
  cli::ArgList list(std::move(args));
  std::ostringstream o, e;
  const int rc = c.run(list, o, e);
  *out = o.str();
  if (err) *err = e.str();
  return rc;
}

}  // namespace longrl::test
