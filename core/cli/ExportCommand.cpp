#include "core/cli/ExportCommand.h"

#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "core/cli/UsageError.h"
#include "core/export/ExportError.h"
#include "core/export/MetricsCsv.h"
#include "core/export/MetricsJsonl.h"
#include "core/export/TensorBoardEventWriter.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/StoreError.h"

namespace longrl::cli {
namespace {

struct Target {
  std::string format;  // "csv", "jsonl" or "tensorboard"
  std::string path;
};

// Exactly one of the output options.
Target takeTarget(ArgList& args) {
  std::vector<Target> given;
  for (const char* format : {"csv", "jsonl", "tensorboard"})
    if (auto path = args.take(format)) given.push_back({format, *path});
  if (given.empty()) throw UsageError("one of --csv OUT, --jsonl OUT or --tensorboard OUT_DIR is required");
  if (given.size() > 1)
    throw UsageError("--" + given[0].format + " and --" + given[1].format + ": give exactly one output format");
  if (given[0].format == "tensorboard" && given[0].path == "-")
    throw UsageError("--tensorboard takes a directory (event files are binary; '-' is only for --csv and --jsonl)");
  return given[0];
}

// Text formats: an optional header, then one line per metric point, to `path` or ("-") to `out`.
int exportText(store::RunStoreReader& reader, const Target& t, const std::string& header,
               const std::function<std::string(const store::MetricPoint&)>& line, std::ostream& out) {
  std::ofstream file;
  if (t.path != "-") {
    file.open(t.path, std::ios::binary | std::ios::trunc);
    if (!file) throw exports::ExportError(t.path + ": cannot open for writing");
  }
  std::ostream& sink = t.path == "-" ? out : file;
  sink << header;
  std::size_t rows = 0;
  reader.forEachMetric([&](const store::MetricPoint& m) {
    sink << line(m);
    ++rows;
  });
  if (t.path == "-") return out ? 0 : 1;
  file.close();
  if (!file) throw exports::ExportError(t.path + ": write failed");
  out << "wrote " << rows << (t.format == "csv" ? " metric rows to " : " metric lines to ") << t.path << "\n";
  return 0;
}

int exportTensorBoard(store::RunStoreReader& reader, const std::string& dir, std::ostream& out) {
  exports::TensorBoardEventWriter writer(dir);
  reader.forEachMetric([&](const store::MetricPoint& m) { writer.scalar(m); });
  out << "wrote " << writer.scalars() << " scalars to " << writer.path() << "\n";
  return 0;
}

}  // namespace

Command exportCommand() {
  Command c;
  c.name = "export";
  c.usage = "RUN_DIR --csv OUT | --jsonl OUT | --tensorboard OUT_DIR";
  c.summary = "export a run's metrics as CSV, JSON lines (OUT '-' = stdout) or a TensorBoard event file in OUT_DIR";
  c.run = [](ArgList& args, std::ostream& out, std::ostream& /*err*/) {
    const Target target = takeTarget(args);
    const auto positionals = args.takePositionals();
    args.finish();
    if (positionals.size() != 1) throw UsageError("expected exactly one RUN_DIR");
    const std::string& runDir = positionals[0];
    if (!store::RunStore::isRunDir(runDir))
      throw store::StoreError(runDir + ": not a run directory (no " + store::RunStore::kFileName + " in it)");
    store::RunStoreReader reader(store::RunStore::fileIn(runDir));
    if (target.format == "tensorboard") return exportTensorBoard(reader, target.path, out);
    if (target.format == "jsonl") return exportText(reader, target, "", exports::MetricsJsonl::line, out);
    return exportText(reader, target, exports::MetricsCsv::header(), exports::MetricsCsv::row, out);
  };
  return c;
}

}  // namespace longrl::cli
