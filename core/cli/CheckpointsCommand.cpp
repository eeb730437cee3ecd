#include "core/cli/CheckpointsCommand.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "core/cli/PrintColumns.h"
#include "core/cli/RunCheckpointListing.h"
#include "core/cli/UsageError.h"

namespace longrl::cli {
namespace {

std::string humanBytes(std::uintmax_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

void printTable(const RunCheckpointListing& l, std::ostream& out) {
  if (l.checkpoints.empty()) {
    out << "no complete checkpoints in " << l.runDir << "/checkpoints\n";
  } else {
    std::vector<std::vector<std::string>> cells = {{"STEP", "PHASE", "SIZE", "SAVED", "DIR"}};
    for (const auto& c : l.checkpoints)
      cells.push_back({std::to_string(c.step), c.phase.empty() ? "-" : c.phase, humanBytes(c.bytes),
                       c.savedAt.empty() ? "-" : c.savedAt, c.dir});
    printColumns(cells, out);
  }
  if (!l.evals.empty()) {
    out << "\nevaluations (" << l.runDir << "/evals):\n";
    for (const auto& e : l.evals) out << "  " << e.file << "\n";
  }
  if (!l.storeError.empty()) out << "\nthe store could not be read (phases unknown): " << l.storeError << "\n";
  for (const auto& p : l.problems) out << "problem: " << p << "\n";
}

}  // namespace

Command checkpointsCommand() {
  Command c;
  c.name = "checkpoints";
  c.usage =
      "RUN_DIR [--json]\n"
      "  The complete checkpoints (checkpoints/step-N/ with trainer_state/state.json) by step: directory,\n"
      "  curriculum phase, size, when saved (UTC); and the saved evaluations RUN_DIR/evals/*.json.\n"
      "  --json prints one object: {\"run_dir\", \"checkpoints\": [{\"step\", \"dir\", \"phase\", \"bytes\",\n"
      "  \"saved_at\"}], \"evals\": [{\"file\", \"result\"}], \"problems\": [...]} and \"store_error\" when\n"
      "  run.sqlite could not be read (the phases are then \"\").";
  c.summary = "a run's complete checkpoints (step, phase, size, time) and saved evaluations";
  c.run = [](ArgList& args, std::ostream& out, std::ostream& /*err*/) {
    const bool asJson = args.takeFlag("json");
    const auto positionals = args.takePositionals();
    args.finish();
    if (positionals.size() != 1) throw UsageError("expected exactly one RUN_DIR");
    const auto listing = RunCheckpointListing::scan(positionals[0]);
    if (asJson) out << listing.toJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    else printTable(listing, out);
    return 0;
  };
  return c;
}

}  // namespace longrl::cli
