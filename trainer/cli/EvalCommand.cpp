#include "trainer/cli/EvalCommand.h"

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "core/cli/OptionLimits.h"
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

// Where a key read from stdin is put for the judge client, which takes its key from the environment
// variable the judge config names. Only this process sees it.
constexpr const char* kStdinKeyVariable = "LONGRL_EVAL_JUDGE_API_KEY_STDIN";

// The first line of `in`, trailing CR/LF removed.
std::string readKeyLine(std::istream& in) {
  std::string key;
  std::getline(in, key);
  while (!key.empty() && (key.back() == '\r' || key.back() == '\n')) key.pop_back();
  if (key.empty()) throw UsageError("--judge-api-key-stdin: stdin held no key");
  return key;
}

// The judge from --judge-* flags or a run config's reward.judge (not both). `keyFromStdin` is set
// by --judge-api-key-stdin; the key is read once every option has been checked.
config::JudgeConfig takeJudge(ArgList& args, bool& keyFromStdin) {
  const auto url = args.take("judge-url");
  const auto model = args.take("judge-model");
  const auto keyEnv = args.take("judge-api-key-env");
  keyFromStdin = args.takeFlag("judge-api-key-stdin");
  if (keyEnv && keyFromStdin)
    throw UsageError("--judge-api-key-env and --judge-api-key-stdin both give the judge's API key: give one");
  const auto timeout = args.takeInt("judge-timeout-ms", 1, limits::kMaxTimeoutMs);
  const auto retries = args.takeInt("judge-retries", 0, limits::kMaxRetries);
  const auto concurrency = args.takeInt("judge-concurrency", 1, limits::kMaxConcurrent);
  const auto configPath = args.take("config");
  config::JudgeConfig j;
  if (configPath) {
    if (url || model || keyEnv || keyFromStdin || timeout || retries || concurrency)
      throw UsageError("give the judge by --config or by --judge-* options, not both");
    return config::RunConfig::loadFile(*configPath).reward.judge;
  }
  if (!url && !model) {
    if (keyEnv || keyFromStdin || timeout || retries || concurrency)
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
  j.timeoutMs = timeout.value_or(j.timeoutMs);
  j.maxRetries = retries.value_or(j.maxRetries);
  j.maxConcurrent = concurrency.value_or(j.maxConcurrent);
  return j;
}

EvalRunOptions takeOptions(ArgList& args, bool& keyFromStdin) {
  if (args.take("n"))
    throw UsageError(
        "--n is replaced by --k K: K samples per example at --temperature (default 0.7) and --top-p "
        "(default 0.95), reported as mean@K and pass@K next to the greedy column, which is always there");
  EvalRunOptions o;
  o.model = args.require("model");
  o.data = args.require("data");
  o.limit = args.takeInt("limit", 0, limits::kMaxCount, 0);
  if (const auto by = args.take("by")) o.byKeys = splitComma(*by);
  o.maxNewTokens = args.takeInt("max-new-tokens", 1, limits::kMaxTokens, 256);
  const long long k = args.takeInt("k", 1, limits::kMaxSamples, 1);
  // > 0: the greedy column is the temperature-0 answer.
  const auto temperature = args.takeDouble("temperature", ArgList::Range::above(0));
  const auto topP = args.takeDouble("top-p", ArgList::Range::aboveUpTo(0, 1));
  o.temperature = temperature.value_or(0.7);
  o.topP = topP.value_or(0.95);
  const long long seed = args.takeInt("seed", 0, limits::kMaxSeed, 0);
  o.threads = static_cast<int>(args.takeThreads());
  o.judge = takeJudge(args, keyFromStdin);
  if (k == 1 && (temperature || topP))
    throw UsageError(
        "--temperature and --top-p set the sampling of the --k samples; with --k 1 there are none "
        "(the greedy column is at temperature 0)");
  o.k = static_cast<int>(k);
  o.seed = static_cast<uint64_t>(seed);
  return o;
}

}  // namespace

Command evalCommand(std::istream& keyInput) {
  Command c;
  c.name = "eval";
  c.usage =
      "--model DIR --data FILE [--k K [--temperature T] [--top-p P] [--seed S]] [--limit N] [--by KEY[,KEY]]\n"
      "    [--max-new-tokens N] [--threads N] [--json] [--judge-url URL --judge-model M\n"
      "    [--judge-api-key-env VAR | --judge-api-key-stdin] [--judge-timeout-ms N] [--judge-retries N]\n"
      "    [--judge-concurrency N] | --config RUN.json]\n"
      "  Per data_source: n, greedy (one answer at temperature 0) and, with K > 1, mean@K and pass@K (K samples at\n"
      "  T = 0.7, top-p 0.95 unless given; pass@K = share of examples with a correct sample). Correct = rule score 1,\n"
      "  or the judge says yes (max of the two, as in training): the judge from the flags or from the reward.judge\n"
      "  section of a run config. The judge's API key: from the environment variable --judge-api-key-env names, or\n"
      "  with --judge-api-key-stdin the first line of stdin (so `ssh HOST longrl eval ...` keeps it out of every\n"
      "  command line). --json prints the same numbers as one JSON object.";
  c.summary = "the papers' table for a model: greedy, mean@k and pass@k per data_source (optional LLM judge)";
  c.run = [in = &keyInput](ArgList& args, std::ostream& out, std::ostream& err) -> int {
    bool keyFromStdin = false;
    auto options = takeOptions(args, keyFromStdin);
    const bool json = args.takeFlag("json");
    args.finish();
    if (keyFromStdin) {
      ::setenv(kStdinKeyVariable, readKeyLine(*in).c_str(), 1);
      options.judge.apiKeyEnv = kStdinKeyVariable;
    }
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
