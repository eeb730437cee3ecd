#include "core/export/TensorBoardEventWriter.h"

#include <unistd.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/export/ExportError.h"
#include "core/export/ProtoEncoder.h"
#include "core/io/WallClock.h"

namespace fs = std::filesystem;

namespace longrl::exports {
namespace {

// Field numbers of tensorboard/compat/proto/event.proto (Event) and summary.proto (Summary, Summary.Value).
constexpr int kEventWallTime = 1;     // double
constexpr int kEventStep = 2;         // int64
constexpr int kEventFileVersion = 3;  // string
constexpr int kEventSummary = 5;      // Summary
constexpr int kSummaryValue = 1;      // repeated Value
constexpr int kValueTag = 1;          // string
constexpr int kValueSimpleValue = 2;  // float

std::string hostName() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

// Protobuf strings must be UTF-8 (readers refuse others); a metric name from a dataset's
// data_source might not be: invalid bytes become U+FFFD.
std::string validUtf8(const std::string& s) {
  const auto quoted = nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return nlohmann::json::parse(quoted).get<std::string>();
}

// `base` in `dir`, else base.1, base.2, ...: the first name no file has yet.
std::string unusedPath(const fs::path& dir, const std::string& base) {
  fs::path p = dir / base;
  std::error_code ec;
  for (int n = 1; fs::exists(p, ec); ++n) p = dir / (base + "." + std::to_string(n));
  return p.string();
}

}  // namespace

TensorBoardEventWriter::TensorBoardEventWriter(const std::string& dir) : records_(file_) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir, ec)) throw ExportError(dir + ": cannot create the directory");
  const double t = io::wallSeconds();
  path_ = unusedPath(dir, fileName(t, hostName()));
  file_.open(path_, std::ios::binary | std::ios::trunc);
  if (!file_) throw ExportError(path_ + ": cannot open for writing");
  write(fileVersionEvent(t));
}

void TensorBoardEventWriter::scalar(const store::MetricPoint& m) {
  write(scalarEvent(m.name, m.step, static_cast<float>(m.value), m.wall_time));
  ++scalars_;
}

void TensorBoardEventWriter::write(const std::string& event) {
  if (!records_.write(event)) throw ExportError(path_ + ": write failed");
}

std::string TensorBoardEventWriter::fileVersionEvent(double wallTime) {
  return ProtoEncoder().float64(kEventWallTime, wallTime).bytes(kEventFileVersion, "brain.Event:2").str();
}

std::string TensorBoardEventWriter::scalarEvent(const std::string& tag, std::int64_t step, float value,
                                                double wallTime) {
  const auto v = ProtoEncoder().bytes(kValueTag, validUtf8(tag)).float32(kValueSimpleValue, value).str();
  const auto summary = ProtoEncoder().bytes(kSummaryValue, v).str();
  return ProtoEncoder().float64(kEventWallTime, wallTime).int64(kEventStep, step).bytes(kEventSummary, summary).str();
}

std::string TensorBoardEventWriter::fileName(double wallTime, const std::string& host) {
  return "events.out.tfevents." + std::to_string(static_cast<long long>(wallTime)) + "." + host + ".longrl";
}

}  // namespace longrl::exports
