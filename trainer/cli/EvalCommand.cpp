#include "trainer/cli/EvalCommand.h"

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "core/cli/UsageError.h"
#include "core/eval/EvalTable.h"
#include "trainer/cli/EvalRun.h"

namespace longrl::cli {
namespace {

std::vector<std::string> splitComma(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

double toDouble(const std::string& v, const char* name) {
  char* end = nullptr;
  const double x = std::strtod(v.c_str(), &end);
  if (v.empty() || *end) throw UsageError(std::string("option --") + name + " expects a number, got '" + v + "'");
  return x;
}

// The judge from --judge-* flags or a run config's reward.judge (not both).
config::JudgeConfig takeJudge(ArgList& args) {
  const auto url = args.take("judge-url");
  const auto model = args.take("judge-model");
  const auto keyEnv = args.take("judge-api-key-env");
  const auto timeout = args.take("judge-timeout-ms");
  const auto retries = args.take("judge-retries");
  const auto concurrency = args.take("judge-concurrency");
  const auto configPath = args.take("config");
  config::JudgeConfig j;
  if (configPath) {
    if (url || model || keyEnv || timeout || retries || concurrency)
      throw UsageError("give the judge by --config or by --judge-* options, not both");
    return config::RunConfig::loadFile(*configPath).reward.judge;
  }
  if (!url && !model) {
    if (keyEnv || timeout || retries || concurrency)
      throw UsageError("--judge-* options need --judge-url and --judge-model");
    return j;
  }
  if (!url || !model) throw UsageError("--judge-url and --judge-model go together");
  j.enabled = true;
  j.baseUrl = *url;
  j.model = *model;
  j.apiKeyEnv = keyEnv ? *keyEnv : "";
  if (keyEnv && !std::getenv(keyEnv->c_str()))
    throw UsageError("--judge-api-key-env: environment variable " + *keyEnv + " is not set");
  auto positive = [](const std::optional<std::string>& v, const char* name, int64_t fallback) -> int64_t {
    if (!v) return fallback;
    char* end = nullptr;
    const long long n = std::strtoll(v->c_str(), &end, 10);
    if (v->empty() || *end || n < 0)
      throw UsageError(std::string("--") + name + ": expected an integer >= 0, got '" + *v + "'");
    return n;
  };
  j.timeoutMs = positive(timeout, "judge-timeout-ms", j.timeoutMs);
  j.maxRetries = positive(retries, "judge-retries", j.maxRetries);
  j.maxConcurrent = std::max<int64_t>(1, positive(concurrency, "judge-concurrency", j.maxConcurrent));
  return j;
}

EvalRunOptions takeOptions(ArgList& args) {
  if (args.take("n"))
    throw UsageError(
        "--n is replaced by --k K: K samples per example at --temperature (default 0.7) and --top-p "
        "(default 0.95), reported as mean@K and pass@K next to the greedy column, which is always there");
  EvalRunOptions o;
  o.model = args.require("model");
  o.data = args.require("data");
  o.limit = args.takeIntOr("limit", 0);
  if (const auto by = args.take("by")) o.byKeys = splitComma(*by);
  o.maxNewTokens = args.takeIntOr("max-new-tokens", 256);
  const long long k = args.takeIntOr("k", 1);
  const auto temperature = args.take("temperature");
  const auto topP = args.take("top-p");
  o.temperature = temperature ? toDouble(*temperature, "temperature") : 0.7;
  o.topP = topP ? toDouble(*topP, "top-p") : 0.95;
  const long long seed = args.takeIntOr("seed", 0);
  o.threads = static_cast<int>(args.takeIntOr("threads", 0));
  o.judge = takeJudge(args);
  if (o.limit < 0) throw UsageError("--limit must be >= 0");
  if (o.maxNewTokens < 1) throw UsageError("--max-new-tokens must be positive");
  if (k < 1 || k > 1024) throw UsageError("--k must be between 1 and 1024");
  if (k == 1 && (temperature || topP))
    throw UsageError(
        "--temperature and --top-p set the sampling of the --k samples; with --k 1 there are none "
        "(the greedy column is at temperature 0)");
  if (o.temperature <= 0) throw UsageError("--temperature must be > 0 (the greedy column is the temperature-0 answer)");
  if (o.topP <= 0 || o.topP > 1) throw UsageError("--top-p must be in (0, 1]");
  if (seed < 0) throw UsageError("--seed must be >= 0");
  o.k = static_cast<int>(k);
  o.seed = static_cast<uint64_t>(seed);
  return o;
}

}  // namespace

Command evalCommand() {
  Command c;
  c.name = "eval";
  c.usage =
      "--model DIR --data FILE [--k K [--temperature T] [--top-p P] [--seed S]] [--limit N] [--by KEY[,KEY]]\n"
      "    [--max-new-tokens N] [--threads N] [--json] [--judge-url URL --judge-model M [--judge-api-key-env VAR]\n"
      "    [--judge-timeout-ms N] [--judge-retries N] [--judge-concurrency N] | --config RUN.json]\n"
      "  Per data_source: n, greedy (one answer at temperature 0) and, with K > 1, mean@K and pass@K (K samples at\n"
      "  T = 0.7, top-p 0.95 unless given; pass@K = share of examples with a correct sample). Correct = rule score 1,\n"
      "  or the judge says yes (max of the two, as in training): the judge from the flags or from the reward.judge\n"
      "  section of a run config. --json prints the same numbers as one JSON object.";
  c.summary = "the papers' table for a model: greedy, mean@k and pass@k per data_source (optional LLM judge)";
  c.run = [](ArgList& args, std::ostream& out, std::ostream& err) -> int {
    const auto options = takeOptions(args);
    const bool json = args.takeFlag("json");
    args.finish();
    const auto report = EvalRun::run(options, [&err](const std::string& pass, size_t done, size_t total) {
      err << "eval progress: " << pass << " " << done << "/" << total << std::endl;
    });
    if (json) out << report.toJson().dump() << "\n";
    else out << eval::EvalTable::render(report);
    return 0;
  };
  return c;
}

}  // namespace longrl::cli
