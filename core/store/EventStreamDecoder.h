#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace longrl::store {

class RunStoreWriter;

// Reads a trainer's JSON-lines event stream (e.g. from `ssh HOST longrl train --events stdout`)
// and writes its records into a local run store. Bytes arrive in arbitrary chunks (feed());
// finish() handles a last line without a newline. It never throws for bad input:
// - a line starting with '{' that is not a valid record (invalid JSON, unknown type, missing or
//   mistyped field) is a problem: reported with its line number and reason, then skipped;
// - any other line (a log line printed by a remote shell, garbage bytes) is skipped and counted;
// - a line longer than maxLineBytes is dropped without being buffered, and reported.
class EventStreamDecoder {
 public:
  struct Problem {
    std::size_t line = 0;  // 1-based
    std::string reason;
  };
  struct Stats {
    std::size_t lines = 0;    // lines seen (including skipped ones)
    std::size_t records = 0;  // records written
    std::size_t problems = 0;
    std::size_t nonJsonLines = 0;
  };
  static constexpr std::size_t kDefaultMaxLineBytes = std::size_t(256) << 20;

  explicit EventStreamDecoder(RunStoreWriter& writer, std::size_t maxLineBytes = kDefaultMaxLineBytes);

  // Called for every problem; without a handler the first ones are logged as warnings.
  void setProblemHandler(std::function<void(const Problem&)> handler) { onProblem_ = std::move(handler); }
  // Called for every non-JSON line (e.g. to show remote output in a console).
  void setTextLineHandler(std::function<void(std::size_t line, std::string_view text)> handler) {
    onText_ = std::move(handler);
  }

  // Decodes the complete lines in `bytes` (plus what was pending) and commits them.
  void feed(std::string_view bytes);
  // End of stream: decodes a pending unterminated line (reported as truncated if invalid) and
  // flushes the writer.
  void finish();
  const Stats& stats() const { return stats_; }

 private:
  void handleLine(std::string_view line, bool terminated);
  void decodeRecord(std::string_view line, bool terminated);
  void report(std::string reason);

  RunStoreWriter& writer_;
  std::size_t maxLineBytes_;
  std::string pending_;      // the current, unterminated line
  bool discarding_ = false;  // inside an over-long line: drop bytes until its newline
  std::size_t lineNo_ = 0;   // number of the line being assembled minus one
  Stats stats_;
  std::unordered_map<std::int64_t, std::int64_t> docIds_;  // sender's document id -> ours
  std::function<void(const Problem&)> onProblem_;
  std::function<void(std::size_t, std::string_view)> onText_;
};

}  // namespace longrl::store
