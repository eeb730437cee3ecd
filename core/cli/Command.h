#pragma once
#include <functional>
#include <ostream>
#include <string>

#include "core/cli/ArgList.h"

namespace longrl::cli {

// One `longrl` subcommand. run() returns the process exit code; it writes results to `out`
// and diagnostics to `err` (so tests can call commands in-process).
struct Command {
  std::string name;
  std::string usage;    // e.g. "--data-source S --response TEXT --ground-truth TEXT"
  std::string summary;  // one line for `longrl --help`
  std::function<int(ArgList& args, std::ostream& out, std::ostream& err)> run;
};

}  // namespace longrl::cli
