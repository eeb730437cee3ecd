#include "core/store/EventStreamDecoder.h"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "core/store/RecordJson.h"
#include "core/store/RunStoreWriter.h"
#include "core/store/StoreError.h"

namespace longrl::store {
namespace {
constexpr std::size_t kLoggedProblems = 20;  // without a handler: log this many, then go quiet
// Records nesting arrays/objects deeper than this are problems. nlohmann parses any depth, but
// dumping a value recurses once per level: {"type":"event","kind":"k","payload":[[[...]]]} (or a
// rollout's "trajectory") with 60,000 levels (120 KB), found by tests/fuzz/FuzzEventStream,
// overflowed the stack.
constexpr int kMaxJsonDepth = 1000;
}  // namespace

EventStreamDecoder::EventStreamDecoder(RunStoreWriter& writer, std::size_t maxLineBytes)
    : writer_(writer), maxLineBytes_(maxLineBytes) {}

void EventStreamDecoder::report(std::string reason) {
  ++stats_.problems;
  const Problem p{lineNo_, std::move(reason)};
  if (onProblem_) {
    onProblem_(p);
  } else if (stats_.problems <= kLoggedProblems) {
    spdlog::warn("event stream line {}: {} (skipped){}", p.line, p.reason,
                 stats_.problems == kLoggedProblems ? "; further problems are not logged" : "");
  }
}

void EventStreamDecoder::feed(std::string_view bytes) {
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    const std::size_t nl = bytes.find('\n', pos);
    const std::string_view piece = bytes.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (!discarding_ && pending_.size() + piece.size() > maxLineBytes_) {
      discarding_ = true;  // stop buffering now: an endless line must not exhaust memory
      pending_.clear();
      pending_.shrink_to_fit();
    }
    if (nl == std::string_view::npos) {
      if (!discarding_) pending_.append(piece);
      break;
    }
    if (discarding_) {
      ++lineNo_;
      ++stats_.lines;
      discarding_ = false;
      report("line longer than " + std::to_string(maxLineBytes_) + " bytes");
    } else if (pending_.empty()) {
      handleLine(piece, true);  // the common case: no copy
    } else {
      pending_.append(piece);
      handleLine(pending_, true);
      pending_.clear();
    }
    pos = nl + 1;
  }
  // A pipe delivers what the trainer printed so far: commit it, so a live view of the mirror
  // never waits for the next chunk (one commit per chunk still batches all its lines).
  writer_.flush();
}

void EventStreamDecoder::finish() {
  if (discarding_) {
    ++lineNo_;
    ++stats_.lines;
    discarding_ = false;
    report("final line longer than " + std::to_string(maxLineBytes_) + " bytes (and truncated)");
  } else if (!pending_.empty()) {
    const std::string last = std::move(pending_);
    pending_.clear();
    handleLine(last, false);
  }
  writer_.flush();
}

void EventStreamDecoder::handleLine(std::string_view line, bool terminated) {
  ++lineNo_;
  ++stats_.lines;
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  std::size_t start = 0;
  while (start < line.size() && (line[start] == ' ' || line[start] == '\t')) ++start;
  line.remove_prefix(start);
  if (line.empty()) return;
  if (line.front() != '{') {
    ++stats_.nonJsonLines;
    if (onText_) onText_(lineNo_, line);
    return;
  }
  decodeRecord(line, terminated);
}

void EventStreamDecoder::decodeRecord(std::string_view line, bool terminated) {
  const std::string prefix = terminated ? "" : "final line without newline (stream cut off?): ";
  nlohmann::json j;
  bool tooDeep = false;
  try {
    // Past kMaxJsonDepth the callback discards everything, so no deep value is ever built.
    j = nlohmann::json::parse(line, [&](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
      tooDeep = tooDeep || depth > kMaxJsonDepth;
      return !tooDeep;
    });
  } catch (const nlohmann::json::exception& e) {
    // Not only parse_error: a number too large for a double (e.g. the line
    // {"type":"metric","step":1,"name":"x","value":1e999}, found by tests/fuzz/FuzzEventStream)
    // throws out_of_range.406, which escaped feed() although the decoder never throws for bad input.
    // A line cut off at the end of the stream is the usual cause when the last byte is not '}'.
    report(prefix + (line.back() == '}' ? "" : "truncated or ") + "invalid JSON: " + e.what());
    return;
  }
  if (tooDeep) {
    report(prefix + "JSON nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    return;
  }
  try {
    auto type = j.find("type");
    if (type == j.end()) throw StoreError("missing field 'type'");
    if (!type->is_string()) throw StoreError("field 'type' must be a string");
    const std::string& t = type->get_ref<const std::string&>();
    if (t == "metric") {
      writer_.writeMetric(metricFromJson(j));
    } else if (t == "rollout") {
      writer_.writeRollout(rolloutFromJson(j));
    } else if (t == "example") {
      ExampleRecord e = exampleFromJson(j);
      // The sender numbered its documents; ours may differ (a mirror that was restarted).
      if (auto it = docIds_.find(e.doc_id); it != docIds_.end()) e.doc_id = it->second;
      writer_.writeExample(e);
    } else if (t == "document") {
      const DocumentRecord d = documentFromJson(j);
      const std::int64_t local = writer_.writeDocument(d);
      if (d.id != 0) docIds_[d.id] = local;
    } else if (t == "phase") {
      writer_.writePhase(phaseFromJson(j));
    } else if (t == "run") {
      writer_.writeRun(runFromJson(j));
    } else if (t == "annotation") {
      writer_.writeAnnotation(annotationFromJson(j));
    } else if (t == "difficulty") {
      writer_.writeDifficulty(difficultyFromJson(j));
    } else if (t == "rollout_behavior") {
      writer_.writeRolloutBehavior(rolloutBehaviorFromJson(j));
    } else if (t == "event") {
      writer_.writeEvent(eventFromJson(j));
    } else {
      throw StoreError("unknown record type '" + t + "'");
    }
    ++stats_.records;
  } catch (const std::exception& e) {
    report(prefix + e.what());
  }
}

}  // namespace longrl::store
