#include "core/cli/RunCheckpointListing.h"

#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>

#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/StoreError.h"

namespace fs = std::filesystem;

namespace longrl::cli {
namespace {

// N of "step-N" (the whole rest a base-10 integer), as the trainer names its checkpoints.
std::optional<std::int64_t> stepOf(const std::string& name) {
  if (name.rfind("step-", 0) != 0 || name.size() == 5) return std::nullopt;
  std::int64_t step = 0;
  const char* end = name.data() + name.size();
  const auto [at, ec] = std::from_chars(name.data() + 5, end, step);
  if (ec != std::errc() || at != end) return std::nullopt;
  return step;
}

// Every regular file below `dir`, hidden ones included; links are not followed (as the studio counts).
std::uintmax_t bytesUnder(const fs::path& dir) {
  std::uintmax_t total = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    if (it->is_symlink(ec) || !it->is_regular_file(ec)) continue;
    const auto size = it->file_size(ec);
    if (!ec) total += size;
    ec.clear();
  }
  return total;
}

// A file's modification time as ISO-8601 UTC to the second, "" when it cannot be read.
std::string mtimeUtc(const fs::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return "";
  std::tm tm{};
  const std::time_t secs = st.st_mtime;
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The phase a step belongs to: start_step <= step <= end_step (a running phase has no end yet).
std::string phaseAt(const std::vector<store::PhaseInfo>& phases, std::int64_t step) {
  for (const auto& p : phases) {
    if (step < p.start_step || (p.end_step >= 0 && step > p.end_step)) continue;
    return p.name.empty() ? "phase " + std::to_string(p.index) : p.name;
  }
  return "";
}

std::vector<store::PhaseInfo> phasesOf(const fs::path& runDir, std::string& error) {
  const std::string path = store::RunStore::fileIn(runDir.string());
  std::error_code ec;
  if (!fs::exists(path, ec)) return {};
  try {
    return store::RunStoreReader(path).phases();
  } catch (const std::exception& e) {
    error = e.what();
    return {};
  }
}

void addCheckpoints(RunCheckpointListing& l, const fs::path& runDir, const std::vector<store::PhaseInfo>& phases) {
  const fs::path dir = runDir / "checkpoints";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto step = stepOf(it->path().filename().string());
    std::error_code e2;
    const fs::path state = it->path() / "trainer_state" / "state.json";
    if (!step || !it->is_directory(e2) || !fs::exists(state, e2)) continue;
    const fs::path abs = fs::absolute(it->path(), e2).lexically_normal();
    l.checkpoints.push_back({*step, abs.string(), phaseAt(phases, *step), bytesUnder(abs), mtimeUtc(state)});
  }
  if (ec) l.problems.push_back("checkpoints: cannot list: " + ec.message());
  std::sort(l.checkpoints.begin(), l.checkpoints.end(), [](const auto& a, const auto& b) { return a.step < b.step; });
}

void addEvals(RunCheckpointListing& l, const fs::path& runDir) {
  const fs::path dir = runDir / "evals";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".json") files.push_back(it->path());
  if (ec) l.problems.push_back("evals: cannot list: " + ec.message());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    const std::string name = f.filename().string();
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      l.problems.push_back("evals/" + name + ": cannot be read");
      continue;
    }
    try {
      auto json = nlohmann::json::parse(in);
      if (!json.is_object()) throw std::runtime_error("not a JSON object");
      l.evals.push_back({name, std::move(json)});
    } catch (const std::exception& e) {
      l.problems.push_back("evals/" + name + ": " + e.what());
    }
  }
}

}  // namespace

RunCheckpointListing RunCheckpointListing::scan(const std::string& runDir) {
  std::error_code ec;
  const fs::path root(runDir);
  if (!fs::is_directory(root, ec)) throw store::StoreError(runDir + ": not a directory");
  if (!store::RunStore::isRunDir(runDir) && !fs::is_directory(root / "checkpoints", ec))
    throw store::StoreError(runDir + ": not a run directory (neither " + store::RunStore::kFileName +
                            " nor checkpoints/ in it)");
  RunCheckpointListing l;
  l.runDir = fs::absolute(root, ec).lexically_normal().string();
  if (l.runDir.size() > 1 && l.runDir.back() == '/') l.runDir.pop_back();
  addCheckpoints(l, root, phasesOf(root, l.storeError));
  addEvals(l, root);
  return l;
}

std::vector<RunCheckpointListing::Checkpoint> RunCheckpointListing::checkpointsIn(const std::string& runDir,
                                                                                  std::string* storeError) {
  RunCheckpointListing l;
  addCheckpoints(l, runDir, phasesOf(runDir, l.storeError));
  if (storeError) *storeError = l.storeError;
  return l.checkpoints;
}

nlohmann::json RunCheckpointListing::toJson() const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& c : checkpoints)
    list.push_back({{"step", c.step}, {"dir", c.dir}, {"phase", c.phase}, {"bytes", c.bytes}, {"saved_at", c.savedAt}});
  nlohmann::json evalList = nlohmann::json::array();
  for (const auto& e : evals) evalList.push_back({{"file", e.file}, {"result", e.result}});
  nlohmann::json j = {{"run_dir", runDir}, {"checkpoints", list}, {"evals", evalList}, {"problems", problems}};
  if (!storeError.empty()) j["store_error"] = storeError;
  return j;
}

}  // namespace longrl::cli
