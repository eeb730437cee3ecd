#include "trainer/cli/TrainCommand.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <iterator>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "core/cli/UsageError.h"
#include "core/config/RunConfig.h"
#include "trainer/model/TorchThreads.h"
#include "trainer/train/TrainingRun.h"

namespace longrl::cli {
namespace {

config::RunConfig readConfig(const std::string& source) {
  if (source != "-") return config::RunConfig::loadFile(source);
  const std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const std::exception& e) {
    throw config::ConfigError({{"", std::string("invalid JSON: ") + e.what()}}, "stdin");
  }
  return config::RunConfig::fromJson(j, "stdin");
}

// Library warnings (spdlog) go to stderr: stdout may be the event stream.
void logToStderr() {
  auto logger = spdlog::get("longrl-stderr");
  if (!logger) logger = spdlog::stderr_color_mt("longrl-stderr");
  spdlog::set_default_logger(logger);
}

}  // namespace

Command trainCommand() {
  Command c;
  c.name = "train";
  c.usage = "--config FILE|- --run-dir DIR [--resume] [--nproc N] [--events stdout] [--threads N] [--micro-batch-tokens N]";
  c.summary = "train a model (warm-up SFT, curriculum GRPO) into a run directory";
  c.run = [](ArgList& args, std::ostream& out, std::ostream& err) -> int {
    const auto configArg = args.take("config");
    const std::string runDir = args.require("run-dir");
    const bool resume = args.takeFlag("resume");
    const long long nproc = args.takeIntOr("nproc", 1);
    const std::string events = args.takeOr("events", "");
    const long long threads = args.takeIntOr("threads", 0);
    const long long microTokens = args.takeIntOr("micro-batch-tokens", 16384);
    args.finish();
    if (!events.empty() && events != "stdout") throw UsageError("--events takes 'stdout'");
    if (nproc != 1) throw UsageError("--nproc: only 1 process is supported in this build (data parallel is not available yet)");
    if (microTokens < 1) throw UsageError("--micro-batch-tokens must be positive");
    std::string configPath;
    if (configArg) configPath = *configArg;
    else if (resume) configPath = (std::filesystem::path(runDir) / "config.json").string();
    else throw UsageError("--config FILE (or -) is required unless --resume");
    logToStderr();
    model::applyTorchThreads(static_cast<int>(threads));
    train::TrainOptions options;
    options.runDir = runDir;
    options.resume = resume;
    options.events = events == "stdout" ? &out : nullptr;
    options.log = &err;
    options.microBatchTokens = microTokens;
    if (const char* stop = std::getenv("LONGRL_TRAIN_STOP_AFTER")) options.stopAfterSteps = std::atoll(stop);
    try {
      auto cfg = readConfig(configPath);
      train::TrainingRun run(std::move(cfg), options);
      const auto status = run.run();
      err << "train: " << status << "\n";
      return 0;
    } catch (const UsageError&) {
      throw;
    } catch (const std::exception& e) {
      err << "train: error: " << e.what() << "\n";
      return 1;
    }
  };
  return c;
}

}  // namespace longrl::cli
