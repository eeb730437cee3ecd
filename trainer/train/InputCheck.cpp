#include "trainer/train/InputCheck.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include <httplib.h>

#include "core/config/KeyEnvName.h"
#include "core/dataset/DatasetError.h"
#include "core/dataset/DatasetReader.h"
#include "core/reward/JudgeClient.h"

namespace fs = std::filesystem;

namespace longrl::train {
namespace {

// The first problem of one dataset file, or "" when it opens and its first record parses.
std::string fileProblem(const std::string& path, bool skipMalformed) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return "file '" + path + "' does not exist";
  if (fs::is_directory(path, ec)) return "'" + path + "' is a directory, not a JSONL file";
  try {
    dataset::DatasetReadOptions options;
    options.skipMalformed = skipMalformed;
    dataset::DatasetReader(path, options).next();
  } catch (const dataset::DatasetError& e) {
    return e.what();  // "FILE:LINE: message"
  }
  return {};
}

void checkFiles(const std::string& key, const std::vector<std::string>& paths, bool skipMalformed,
                std::vector<config::ConfigIssue>& issues) {
  for (size_t i = 0; i < paths.size(); ++i) {
    const std::string problem = fileProblem(paths[i], skipMalformed);
    if (!problem.empty()) issues.push_back({key + "[" + std::to_string(i) + "]", problem});
  }
}

}  // namespace

void InputCheck::requireDatasets(const config::RunConfig& config) {
  std::vector<config::ConfigIssue> issues;
  const bool skip = config.dataset.skipMalformed;
  checkFiles("dataset.train", config.dataset.train, skip, issues);
  checkFiles("dataset.val", config.dataset.val, skip, issues);
  if (config.sft.enabled) checkFiles("sft.train", config.sft.train, skip, issues);
  if (!issues.empty()) throw config::ConfigError(std::move(issues), "config");
}

std::optional<std::string> InputCheck::judgeWarning(const config::JudgeConfig& judge) {
  if (!judge.enabled) return std::nullopt;
  const std::string prefix = "reward.judge.base_url: the judge at " + judge.baseUrl;
  const std::string consequence = "; training goes on, and each judge call that fails is recorded as an error";
  try {
    reward::JudgeOptions o;
    o.base_url = judge.baseUrl;
    o.model = judge.model;
    const reward::JudgeClient client(o);  // parses base_url as the calls will
    httplib::Client http(client.origin());
    const auto timeout = std::chrono::milliseconds(std::clamp<int64_t>(judge.timeoutMs, 1, 5000));
    http.set_connection_timeout(timeout);
    http.set_read_timeout(timeout);
    // Any HTTP reply means a server listens there; GET / costs no judge call.
    const auto res = http.Get("/");
    if (res) return std::nullopt;
    return prefix + " did not answer (" + httplib::to_string(res.error()) + ")" + consequence;
  } catch (const std::exception& e) {
    return prefix + " cannot be reached: " + e.what() + consequence;
  }
}

std::optional<std::string> InputCheck::judgeSummary(const config::JudgeConfig& judge) {
  if (!judge.enabled) return std::nullopt;
  std::string line = "judge: " + judge.baseUrl + " (model " + judge.model + "), ";
  if (judge.apiKeyEnv.empty()) return line + "no API key (reward.judge.api_key_env is empty)";
  line += "API key from $" + judge.apiKeyEnv;
  if (!config::KeyEnvName::looksLikeKey(judge.apiKeyEnv))
    line += judge.allowAnyKeyEnv ? " (not named like a key; sent because reward.judge.allow_any_key_env is true)"
                                 : " (not named like a key: refused unless reward.judge.allow_any_key_env is true)";
  if (!std::getenv(judge.apiKeyEnv.c_str())) line += " (not set here: the calls go without a key)";
  return line;
}

}  // namespace longrl::train
