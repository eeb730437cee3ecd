#include "core/cli/ExportCommand.h"

#include <cmath>
#include <fstream>

#include <spdlog/fmt/fmt.h>

#include "core/cli/UsageError.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/StoreError.h"

namespace longrl::cli {
namespace {

// RFC 4180: quote a field holding a comma, quote or line break; double inner quotes.
std::string csvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

std::size_t writeCsv(store::RunStoreReader& reader, std::ostream& csv) {
  csv << "step,phase,name,value,wall_time\n";
  std::size_t rows = 0;
  reader.forEachMetric([&](const store::MetricPoint& m) {
    // Shortest text that reads back to the same double; NaN is an empty field (pandas reads NaN).
    csv << m.step << ',' << m.phase << ',' << csvField(m.name) << ','
        << (std::isnan(m.value) ? std::string() : fmt::format("{}", m.value)) << ','
        << fmt::format("{:.6f}", m.wall_time) << '\n';
    ++rows;
  });
  return rows;
}

}  // namespace

Command exportCommand() {
  Command c;
  c.name = "export";
  c.usage = "RUN_DIR --csv OUT";
  c.summary = "export a run's metrics as CSV (step,phase,name,value,wall_time; OUT '-' = stdout)";
  c.run = [](ArgList& args, std::ostream& out, std::ostream& /*err*/) {
    const std::string csvPath = args.require("csv");
    const auto positionals = args.takePositionals();
    args.finish();
    if (positionals.size() != 1) throw UsageError("expected exactly one RUN_DIR");
    const std::string& runDir = positionals[0];
    if (!store::RunStore::isRunDir(runDir))
      throw store::StoreError(runDir + ": not a run directory (no " + store::RunStore::kFileName + " in it)");
    store::RunStoreReader reader(store::RunStore::fileIn(runDir));
    if (csvPath == "-") {
      writeCsv(reader, out);
      return out ? 0 : 1;
    }
    std::ofstream file(csvPath, std::ios::binary | std::ios::trunc);
    if (!file) throw store::StoreError(csvPath + ": cannot open for writing");
    const std::size_t rows = writeCsv(reader, file);
    file.close();
    if (!file) throw store::StoreError(csvPath + ": write failed");
    out << "wrote " << rows << " metric rows to " << csvPath << "\n";
    return 0;
  };
  return c;
}

}  // namespace longrl::cli
