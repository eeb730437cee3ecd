#pragma once
#include <optional>
#include <string>
#include <vector>

namespace longrl::cli {

// The arguments of one subcommand. Commands take the options they know; finish() then rejects
// whatever is left, so a typo such as `--ground-truht` is an error rather than silently ignored.
class ArgList {
 public:
  explicit ArgList(std::vector<std::string> args);

  // `--name VALUE` or `--name=VALUE`; the last occurrence wins. Throws UsageError when the value is missing.
  std::optional<std::string> take(const std::string& name);
  std::string require(const std::string& name);
  std::string takeOr(const std::string& name, const std::string& fallback);
  long long takeIntOr(const std::string& name, long long fallback);
  double takeDoubleOr(const std::string& name, double fallback);
  // `--name` without a value.
  bool takeFlag(const std::string& name);
  // Arguments not starting with `--` (taken in order).
  std::vector<std::string> takePositionals();
  // Throws UsageError naming the first argument nobody took.
  void finish() const;

 private:
  std::vector<std::string> args_;
  std::vector<bool> used_;
};

}  // namespace longrl::cli
