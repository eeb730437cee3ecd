#include "core/eval/ValidationPass.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace longrl::eval {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kFolder = "validation";

json lineOf(const ValidationPass& pass, const ValidationOutcome& o) {
  json j = {{"step", pass.step},           {"n", pass.n},    {"id", o.id},
            {"data_source", o.dataSource}, {"band", o.band}, {"greedy", o.greedy}};
  if (o.sampled) j["sampled"] = *o.sampled;
  return j;
}

double share(const json& j, const char* key, const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number()) throw std::runtime_error(where + "'" + key + "' is missing or not a number");
  const double v = it->get<double>();
  if (v < 0 || v > 1) throw std::runtime_error(where + "'" + key + "' is outside [0, 1]");
  return v;
}

ValidationOutcome outcomeOf(const json& j, const std::string& where) {
  ValidationOutcome o;
  try {
    o.id = j.at("id").get<std::string>();
    o.dataSource = j.value("data_source", std::string());
    o.band = j.value("band", std::string());
  } catch (const json::exception&) {
    throw std::runtime_error(where + "'id', 'data_source' or 'band' is missing or not text");
  }
  o.greedy = share(j, "greedy", where);
  if (j.contains("sampled")) o.sampled = share(j, "sampled", where);
  return o;
}

}  // namespace

std::string ValidationPass::fileFor(const std::string& runDir, int64_t step) {
  char name[40];
  std::snprintf(name, sizeof name, "step-%08lld.jsonl", static_cast<long long>(step));
  return (fs::path(runDir) / kFolder / name).string();
}

void ValidationPass::write(const std::string& path) const {
  fs::create_directories(fs::path(path).parent_path());
  const std::string partial = path + ".partial";
  {
    std::ofstream out(partial, std::ios::trunc);
    for (const auto& o : examples) out << lineOf(*this, o).dump() << "\n";
    if (!out) throw std::runtime_error("cannot write " + partial);
  }
  fs::rename(partial, path);
}

ValidationPass ValidationPass::read(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  ValidationPass pass;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    const std::string where = path + ":" + std::to_string(number) + ": ";
    json j;
    try {
      j = json::parse(line);
      const int64_t step = j.at("step").get<int64_t>();
      const int n = j.at("n").get<int>();
      if (pass.examples.empty()) pass.step = step, pass.n = n;
      if (step != pass.step || n != pass.n) throw std::runtime_error(where + "'step' or 'n' differs from line 1");
    } catch (const json::exception& e) {
      throw std::runtime_error(where + "not a validation line ('step', 'n' and 'id' needed): " + e.what());
    }
    pass.examples.push_back(outcomeOf(j, where));
  }
  return pass;
}

std::vector<std::string> ValidationPass::filesIn(const std::string& runDir) {
  std::vector<std::string> files;
  const fs::path dir = fs::path(runDir) / kFolder;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".jsonl" && e.path().filename().string().rfind("step-", 0) == 0)
      files.push_back(e.path().string());
  std::sort(files.begin(), files.end());  // zero-padded steps sort as numbers
  return files;
}

}  // namespace longrl::eval
