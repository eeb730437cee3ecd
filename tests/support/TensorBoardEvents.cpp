#include "support/TensorBoardEvents.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include <nlohmann/json.hpp>

#include "support/TestPaths.h"

namespace longrl::test {
namespace {

// The reader writes a value that is not finite as "nan", "inf" or "-inf".
double numberOf(const nlohmann::json& v) {
  if (v.is_number()) return v.get<double>();
  const auto s = v.get<std::string>();
  if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
  return s == "-inf" ? -HUGE_VAL : HUGE_VAL;
}

}  // namespace

std::vector<std::string> eventFilesIn(const std::string& dir) {
  std::vector<std::string> paths;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().filename().string().find("tfevents") != std::string::npos) paths.push_back(e.path().string());
  std::sort(paths.begin(), paths.end());
  return paths;
}

EventFilesRead readEventFiles(const std::vector<std::string>& paths) {
  const std::string json = freshTempDir("tfevents-read") + "/read.json";
  std::vector<std::string> args{json};
  args.insert(args.end(), paths.begin(), paths.end());
  EventFilesRead read;
  read.run = runPythonScript("tests/core/tfevents_reader.py", args);
  if (read.run.rc != 0) return read;
  std::ifstream in(json);
  const auto j = nlohmann::json::parse(in);
  for (const auto& f : j.at("files")) {
    EventFile file{f.at("path").get<std::string>(), f.at("wall_time").get<double>(), {}};
    for (const auto& s : f.at("scalars"))
      file.scalars.push_back({s.at("tag").get<std::string>(), s.at("step").get<std::int64_t>(), numberOf(s.at("value")),
                              s.at("wall_time").get<double>()});
    read.files.push_back(std::move(file));
  }
  return read;
}

}  // namespace longrl::test
