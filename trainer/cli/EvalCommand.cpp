#include "trainer/cli/EvalCommand.h"

#include <cstdio>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/cli/UsageError.h"
#include "core/config/RunConfig.h"
#include "core/dataset/DatasetReader.h"
#include "trainer/engine/GenerationEngine.h"
#include "trainer/engine/LoadedModel.h"
#include "trainer/model/TorchThreads.h"
#include "trainer/train/ExampleLoader.h"
#include "trainer/train/RewardSetup.h"
#include "trainer/train/Validator.h"

namespace longrl::cli {
namespace {

std::vector<std::string> splitComma(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

std::string row(const std::string& name, const train::Validator::Tally& t) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "  %-28s %8lld %8.3f %8.3f\n", name.c_str(), static_cast<long long>(t.samples),
                t.acc(), t.score());
  return buf;
}

}  // namespace

Command evalCommand() {
  Command c;
  c.name = "eval";
  c.usage = "--model DIR --data FILE [--limit N] [--by KEY[,KEY]] [--max-new-tokens N] [--temperature T] [--n N] "
            "[--seed S] [--threads N] [--json]";
  c.summary = "accuracy of a model on a dataset (greedy by default), per data_source and extra_info key";
  c.run = [](ArgList& args, std::ostream& out, std::ostream& err) -> int {
    const std::string dir = args.require("model");
    const std::string data = args.require("data");
    const long long limit = args.takeIntOr("limit", 0);
    const auto by = args.take("by");
    const long long maxNew = args.takeIntOr("max-new-tokens", 256);
    const double temperature = args.takeDoubleOr("temperature", 0.0);
    const long long n = args.takeIntOr("n", 1);
    const long long seed = args.takeIntOr("seed", 0);
    const int threads = static_cast<int>(args.takeIntOr("threads", 0));
    const bool json = args.takeFlag("json");
    args.finish();
    if (limit < 0) throw UsageError("--limit must be >= 0");
    if (maxNew < 1) throw UsageError("--max-new-tokens must be positive");
    if (temperature < 0) throw UsageError("--temperature must be >= 0");
    if (n < 1 || n > 1024) throw UsageError("--n must be between 1 and 1024");
    if (seed < 0) throw UsageError("--seed must be >= 0");
    const auto keys = by ? splitComma(*by) : std::vector<std::string>{};

    model::applyTorchThreads(threads);
    auto loaded = engine::LoadedModel::load(dir);
    auto records = dataset::DatasetReader::readFile(data).records;
    if (limit > 0 && static_cast<size_t>(limit) < records.size()) records.resize(static_cast<size_t>(limit));
    if (records.empty()) throw UsageError(data + ": no examples");
    std::vector<train::TrainExample> examples;
    for (auto& r : records) examples.push_back(train::ExampleLoader::prepare(std::move(r), loaded.tokenizer));

    const config::RunConfig defaults;  // rule rewards only: no judge unless a run config asks for one
    const auto reward = train::RewardSetup::make(defaults);
    engine::GenerationEngine eng(loaded.model, loaded.engineOptions());
    train::Validator validator(eng, loaded.tokenizer, *reward);
    train::Validator::Options o;
    o.maxNewTokens = maxNew;
    o.temperature = temperature;
    o.n = static_cast<int>(n);
    o.seed = static_cast<uint64_t>(seed);
    const auto result = validator.run(examples, o, keys);

    if (json) {
      auto tally = [](const train::Validator::Tally& t) {
        return nlohmann::json{{"samples", t.samples}, {"acc", t.acc()}, {"score", t.score()}};
      };
      nlohmann::json j = {{"model", dir}, {"data", data}, {"examples", examples.size()}, {"n", n},
                          {"temperature", temperature}, {"seconds", result.seconds}, {"all", tally(result.overall)},
                          {"metrics", result.metrics(static_cast<int>(n))}};
      for (const auto& [source, t] : result.bySource) j["by_source"][source] = tally(t);
      for (const auto& [key, groups] : result.byExtra)
        for (const auto& [value, t] : groups) j["by"][key][value] = tally(t);
      out << j.dump() << "\n";
      return 0;
    }
    out << "eval: " << examples.size() << " examples x " << n << " samples"
        << (temperature == 0 ? " (greedy)" : "") << ", " << result.seconds << " s\n";
    out << "  " << std::string(28, ' ') << "  samples      acc    score\n";
    for (const auto& [source, t] : result.bySource) out << row(source, t);
    out << row("all", result.overall);
    for (const auto& [key, groups] : result.byExtra) {
      out << "by " << key << ":\n";
      for (const auto& [value, t] : groups) out << row(value, t);
    }
    return 0;
  };
  return c;
}

}  // namespace longrl::cli
