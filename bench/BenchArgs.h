#pragma once
// The command line of a bench binary: `--help` (or -h) prints its usage on stdout and exits 0; a
// wrong argument (an unknown flag, a missing or malformed value, a positional too many) prints the
// error and the usage on stderr and exits 2.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/cli/ArgList.h"
#include "core/cli/UsageError.h"

namespace longrl::bench {

// Calls parse(ArgList&), which takes the bench's options, then rejects whatever it left.
template <class Parse> void parseArgs(int argc, char** argv, const char* usage, Parse parse) {
  const std::string name = argc > 0 ? std::string(argv[0]).substr(std::string(argv[0]).find_last_of('/') + 1) : "bench";
  const std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  for (const auto& a : args)
    if (a == "--help" || a == "-h") {
      std::printf("usage: %s %s\n", name.c_str(), usage);
      std::exit(0);
    }
  try {
    cli::ArgList list(args);
    parse(list);
    list.finish();
  } catch (const cli::UsageError& e) {
    std::fprintf(stderr, "%s: %s\nusage: %s %s\n", name.c_str(), e.what(), name.c_str(), usage);
    std::exit(2);
  }
}

// The positional arguments, at most `max` of them.
inline std::vector<std::string> takePositionals(cli::ArgList& args, size_t max) {
  auto p = args.takePositionals();
  if (p.size() > max) throw cli::UsageError("unexpected argument '" + p[max] + "'");
  return p;
}

// Positional `i` as an integer in [min, max] (`name` in messages), or `fallback` when absent.
inline long long positionalInt(const std::vector<std::string>& p, size_t i, const std::string& name, long long min,
                               long long max, long long fallback) {
  if (i >= p.size()) return fallback;
  return cli::ArgList::parseInt(name, p[i], min, max);
}

// Positional `i` as an existing directory to make temporary directories under ({}: $TMPDIR).
inline std::filesystem::path positionalParentDir(const std::vector<std::string>& p, size_t i) {
  if (i >= p.size()) return {};
  const std::filesystem::path parent = p[i];
  if (!std::filesystem::is_directory(parent))
    throw cli::UsageError("PARENT '" + parent.string() + "' is not a directory");
  return parent;
}

}  // namespace longrl::bench
