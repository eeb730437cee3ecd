#include "core/cli/RewardCommand.h"

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/cli/OptionLimits.h"
#include "core/cli/UsageError.h"
#include "core/reward/RewardError.h"
#include "core/reward/RewardFunction.h"

namespace longrl::cli {

namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw reward::RewardError("cannot read --response-file '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int runReward(ArgList& args, std::ostream& out, std::ostream& /*err*/) {
  reward::RewardInput in;
  in.data_source = args.require("data-source");
  const auto response = args.take("response");
  const auto responseFile = args.take("response-file");
  if (response && responseFile) throw UsageError("give --response or --response-file, not both");
  if (!response && !responseFile) throw UsageError("missing required option --response (or --response-file)");
  in.response = response ? *response : readFile(*responseFile);

  const auto gtText = args.take("ground-truth");
  const auto gtJson = args.take("ground-truth-json");
  if (gtText && gtJson) throw UsageError("give --ground-truth or --ground-truth-json, not both");
  if (gtText) {
    in.ground_truth = reward::GroundTruth(*gtText);
  } else if (gtJson) {
    const auto j = nlohmann::json::parse(*gtJson, nullptr, false);
    if (j.is_discarded()) throw UsageError("--ground-truth-json: not valid JSON: " + *gtJson);
    in.ground_truth = reward::GroundTruth::fromJson(j, "--ground-truth-json");
  } else {
    throw UsageError("missing required option --ground-truth (or --ground-truth-json)");
  }
  in.question = args.takeOr("question", "");

  std::shared_ptr<const reward::JudgeClient> judge;
  const auto judgeUrl = args.take("judge-url");
  const auto judgeModel = args.take("judge-model");
  const auto keyEnv = args.take("judge-api-key-env");
  reward::JudgeOptions jo;
  jo.timeout_ms = static_cast<int>(args.takeInt("judge-timeout-ms", 1, limits::kMaxTimeoutMs, jo.timeout_ms));
  jo.max_retries = static_cast<int>(args.takeInt("judge-retries", 0, limits::kMaxRetries, jo.max_retries));
  if (judgeUrl || judgeModel) {
    if (!judgeUrl || !judgeModel) throw UsageError("--judge-url and --judge-model go together");
    jo.base_url = *judgeUrl;
    jo.model = *judgeModel;
    if (keyEnv) {
      const char* key = std::getenv(keyEnv->c_str());
      if (!key) throw UsageError("--judge-api-key-env: environment variable " + *keyEnv + " is not set");
      jo.api_key = key;
    }
    judge = std::make_shared<reward::JudgeClient>(jo);
  } else if (keyEnv) {
    throw UsageError("--judge-api-key-env needs --judge-url and --judge-model");
  }

  std::optional<reward::OverlongPenalty> overlong;
  const auto maxTokens = args.takeInt("max-response-tokens", 1, limits::kMaxTokens);
  const long long buffer = args.takeInt("overlong-buffer", 1, limits::kMaxTokens, 1000);
  const double factor = args.takeDouble("overlong-factor", ArgList::Range::atLeast(0), 1.0);
  const auto tokens = args.takeInt("response-tokens", 0, limits::kMaxTokens);
  if (maxTokens) {
    if (!tokens) throw UsageError("--max-response-tokens needs --response-tokens N");
    overlong.emplace(static_cast<long>(*maxTokens), static_cast<long>(buffer), factor);
    in.response_tokens = static_cast<long>(*tokens);
  }
  const bool verbose = args.takeFlag("verbose");
  args.finish();

  reward::RewardFunction fn(reward::RewardRouter{}, judge, overlong);
  out << fn.compute(in).toJson(verbose).dump() << "\n";
  return 0;
}

}  // namespace

Command rewardCommand() {
  Command c;
  c.name = "reward";
  c.usage =
      "--data-source S (--response TEXT | --response-file PATH) (--ground-truth TEXT | --ground-truth-json JSON)\n"
      "    [--question Q] [--judge-url URL --judge-model M [--judge-api-key-env VAR] [--judge-timeout-ms N]\n"
      "    [--judge-retries N]] [--max-response-tokens L --response-tokens N [--overlong-buffer B]\n"
      "    [--overlong-factor F]] [--verbose]\n"
      "  S routes the rule: *docmath* numeric; *multihoprag*/*musique*/*docqa*, frames, 2wikimqa, hotpotqa,\n"
      "  narrativeqa, qasper sub-EM; *long_toc_choices*/*choice*, longbench_v2 letter (*x*: contains x; a name\n"
      "  also matches name_* and name.*). --ground-truth-json takes a string, number or list of acceptable answers.\n"
      "  With --judge-url (an OpenAI-compatible base such as http://host:8000/v1) the judge is asked when the rule\n"
      "  score is below 1; the key is read from the environment variable VAR. --verbose adds the exact judge prompts.";
  c.summary = "score one response with the recipe's reward (rule, optional LLM judge, overlong penalty)";
  c.run = runReward;
  return c;
}

}  // namespace longrl::cli
