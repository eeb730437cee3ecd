#pragma once
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace longrl::cli {

// The arguments of one subcommand. Commands take the options they know; finish() then rejects
// whatever is left, so a typo such as `--ground-truht` is an error rather than silently ignored.
// Numbers are only taken with their allowed range, so every command checks them the same way.
class ArgList {
 public:
  // The allowed values of a floating-point option: finite, within [min, max] (or (min, max]).
  struct Range {
    static constexpr double kUnbounded = std::numeric_limits<double>::max();
    double min = -kUnbounded;
    double max = kUnbounded;
    bool minExclusive = false;

    static Range atLeast(double lo) { return {lo, kUnbounded, false}; }
    static Range above(double lo) { return {lo, kUnbounded, true}; }
    static Range within(double lo, double hi) { return {lo, hi, false}; }    // [lo, hi]
    static Range aboveUpTo(double lo, double hi) { return {lo, hi, true}; }  // (lo, hi]
  };

  explicit ArgList(std::vector<std::string> args);

  // `--name VALUE` or `--name=VALUE`; the last occurrence wins. Throws UsageError when the value is missing.
  std::optional<std::string> take(const std::string& name);
  std::string require(const std::string& name);
  std::string takeOr(const std::string& name, const std::string& fallback);
  // An integer in [min, max]. A value that is not a base-10 integer, overflows or lies outside the
  // range throws UsageError naming the option, the value and the range.
  std::optional<long long> takeInt(const std::string& name, long long min, long long max);
  long long takeInt(const std::string& name, long long min, long long max, long long fallback);
  // A finite number in `range` (nan, inf and overflow are refused the same way).
  std::optional<double> takeDouble(const std::string& name, const Range& range);
  double takeDouble(const std::string& name, const Range& range, double fallback);
  // `--threads N`: 0 (the fallback's meaning: LONGRL_TORCH_THREADS, else 1) to maxThreads().
  long long takeThreads(long long fallback = 0);
  // `--name` without a value.
  bool takeFlag(const std::string& name);
  // Arguments not starting with `--` (taken in order).
  std::vector<std::string> takePositionals();
  // Throws UsageError naming the first argument nobody took.
  void finish() const;

  // More threads than this only oversubscribe the machine: 4 per hardware thread (at least 4, at most 1024).
  static long long maxThreads();
  // The same checks for a value that did not come from an ArgList (e.g. a positional); `what`
  // names it in the message ("option --steps", "ROWS").
  static long long parseInt(const std::string& what, const std::string& text, long long min, long long max);
  static double parseDouble(const std::string& what, const std::string& text, const Range& range);

 private:
  std::vector<std::string> args_;
  std::vector<bool> used_;
};

}  // namespace longrl::cli
