#include "core/cli/RunsCommand.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/cli/PrintColumns.h"
#include "core/cli/UsageError.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/StoreError.h"

namespace fs = std::filesystem;

namespace longrl::cli {
namespace {

constexpr const char* kScoreMetric = "critic/score/mean";

struct RunRow {
  std::string dir;
  std::string name;
  std::string status;
  std::optional<int> phase;
  std::optional<std::int64_t> step;
  std::optional<double> score;
  double created = 0.0;
  std::string error;  // the store could not be read
};

RunRow summarize(const fs::path& dir) {
  RunRow row;
  row.dir = dir.string();
  row.name = dir.filename().string();
  try {
    store::RunStoreReader reader(store::RunStore::fileIn(dir.string()));
    const auto runs = reader.runs();
    if (!runs.empty()) {  // one run per store in practice; the latest wins otherwise
      if (!runs.back().name.empty()) row.name = runs.back().name;
      row.status = runs.back().status;
      row.created = runs.back().created_time;
    }
    for (const auto& p : reader.phases())
      if (p.status == "running") row.phase = p.index;
    const std::int64_t step = reader.lastStep();
    if (step >= 0) row.step = step;
    if (auto score = reader.lastMetric(kScoreMetric)) {
      row.score = score->value;
      if (!row.phase) row.phase = score->phase;
    }
  } catch (const std::exception& e) {
    row.status = "unreadable";
    row.error = e.what();
  }
  return row;
}

std::string isoTime(double t) {
  if (t <= 0) return "-";
  const std::time_t secs = static_cast<std::time_t>(t);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

nlohmann::json toJson(const RunRow& r) {
  nlohmann::json j = {{"dir", r.dir}, {"name", r.name}, {"status", r.status}};
  j["phase"] = r.phase ? nlohmann::json(*r.phase) : nlohmann::json(nullptr);
  j["step"] = r.step ? nlohmann::json(*r.step) : nlohmann::json(nullptr);
  j["score_mean"] = r.score && std::isfinite(*r.score) ? nlohmann::json(*r.score) : nlohmann::json(nullptr);
  j["created_time"] = r.created > 0 ? nlohmann::json(r.created) : nlohmann::json(nullptr);
  j["created"] = r.created > 0 ? nlohmann::json(isoTime(r.created)) : nlohmann::json(nullptr);
  if (!r.error.empty()) j["error"] = r.error;
  return j;
}

void printTable(const std::vector<RunRow>& rows, std::ostream& out) {
  std::vector<std::vector<std::string>> cells = {{"NAME", "STATUS", "PHASE", "STEP", "SCORE", "CREATED", "DIR"}};
  for (const auto& r : rows) {
    char score[32] = "-";
    if (r.score) std::snprintf(score, sizeof score, "%.4f", *r.score);
    cells.push_back({r.name, r.status.empty() ? "-" : r.status, r.phase ? std::to_string(*r.phase) : "-",
                     r.step ? std::to_string(*r.step) : "-", score, isoTime(r.created), r.dir});
  }
  printColumns(cells, out);
  for (const auto& r : rows)
    if (!r.error.empty()) out << r.dir << ": " << r.error << "\n";
}

}  // namespace

Command runsCommand() {
  Command c;
  c.name = "runs";
  c.usage = "DIR [--json]";
  c.summary = "list the runs under DIR: status, phase, step, last critic/score/mean, creation time";
  c.run = [](ArgList& args, std::ostream& out, std::ostream& err) {
    const bool asJson = args.takeFlag("json");
    const auto positionals = args.takePositionals();
    args.finish();
    if (positionals.size() != 1) throw UsageError("expected exactly one DIR");
    const fs::path root(positionals[0]);
    std::error_code ec;
    if (!fs::is_directory(root, ec)) throw store::StoreError(root.string() + ": not a directory");
    std::vector<fs::path> dirs;
    if (store::RunStore::isRunDir(root.string())) {
      dirs.push_back(root);
    } else {
      for (const auto& entry : fs::directory_iterator(root, ec))
        if (entry.is_directory(ec) && store::RunStore::isRunDir(entry.path().string())) dirs.push_back(entry.path());
      if (ec) throw store::StoreError(root.string() + ": cannot list: " + ec.message());
      std::sort(dirs.begin(), dirs.end());
    }
    std::vector<RunRow> rows;
    for (const auto& d : dirs) rows.push_back(summarize(d));
    if (asJson) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& r : rows) list.push_back(toJson(r));
      out << list.dump(2) << "\n";
    } else if (rows.empty()) {
      err << "no run directories (with " << store::RunStore::kFileName << ") under " << root.string() << "\n";
    } else {
      printTable(rows, out);
    }
    return 0;
  };
  return c;
}

}  // namespace longrl::cli
