#include "trainer/cli/TrainCommand.h"

#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "core/cli/UsageError.h"
#include "core/config/RunConfig.h"
#include "trainer/cli/LocalLauncher.h"
#include "trainer/model/TorchThreads.h"
#include "trainer/train/DistributedEnv.h"
#include "trainer/train/ProcessGroupCollective.h"
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

std::string readStdin() { return std::string((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>()); }

// The per-collective timeout (LONGRL_DIST_TIMEOUT_S, default 30 minutes).
std::chrono::milliseconds distTimeout() {
  const char* v = std::getenv("LONGRL_DIST_TIMEOUT_S");
  if (!v || !*v) return std::chrono::minutes(30);
  char* end = nullptr;
  const double s = std::strtod(v, &end);
  if (*end != '\0' || !(s > 0)) throw UsageError(std::string("LONGRL_DIST_TIMEOUT_S='") + v + "' is not a positive number of seconds");
  return std::chrono::milliseconds(static_cast<int64_t>(s * 1000));
}

// --nproc N: the same command as N ranks of this binary; rank 0 alone writes events to stdout.
int launchRanks(long long nproc, const std::optional<std::string>& configArg, const std::string& runDir, bool resume,
                bool sftOnly, const std::string& events, long long threads, long long microTokens, std::ostream& out,
                std::ostream& err) {
  const auto env = train::DistributedEnv::fromEnvironment();
  if (env.distributed() && env.source == "torchrun")
    throw UsageError("--nproc " + std::to_string(nproc) + ": this process is already rank " + std::to_string(env.rank) +
                     " of WORLD_SIZE=" + std::to_string(env.worldSize) + " (drop --nproc under a launcher)");
  cli::LocalLauncher::Spec spec;
  spec.executable = "/proc/self/exe";
  spec.nproc = static_cast<int>(nproc);
  spec.args = {"train", "--run-dir", runDir, "--micro-batch-tokens", std::to_string(microTokens)};
  if (configArg) {
    spec.args.insert(spec.args.end(), {"--config", *configArg});
    if (*configArg == "-") spec.stdinText = readStdin();  // each rank reads its own copy
  }
  if (resume) spec.args.push_back("--resume");
  if (sftOnly) spec.args.push_back("--sft-only");
  if (threads > 0) spec.args.insert(spec.args.end(), {"--threads", std::to_string(threads)});
  if (events == "stdout") spec.rank0Args = {"--events", "stdout"};
  return cli::LocalLauncher::run(spec, out, err);
}

std::atomic<bool> g_stopRequested{false};

void onStopSignal(int) { g_stopRequested.store(true); }

// SIGTERM/SIGINT end the run after the current step ("stopped", resumable); a second one kills.
void installStopHandlers() {
  struct sigaction sa {};
  sa.sa_handler = onStopSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
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
  c.usage = "--config FILE|- --run-dir DIR [--resume] [--nproc N] [--events stdout] [--threads N] [--micro-batch-tokens N] [--sft-only]";
  c.summary = "train a model (warm-up SFT, curriculum GRPO) into a run directory";
  c.run = [](ArgList& args, std::ostream& out, std::ostream& err) -> int {
    const auto configArg = args.take("config");
    const std::string runDir = args.require("run-dir");
    const bool resume = args.takeFlag("resume");
    const bool sftOnly = args.takeFlag("sft-only");
    const long long nproc = args.takeIntOr("nproc", 1);
    const std::string events = args.takeOr("events", "");
    const long long threads = args.takeIntOr("threads", 0);
    const long long microTokens = args.takeIntOr("micro-batch-tokens", 16384);
    args.finish();
    if (!events.empty() && events != "stdout") throw UsageError("--events takes 'stdout'");
    if (nproc < 1 || nproc > 1024) throw UsageError("--nproc takes 1 to 1024 processes");
    if (microTokens < 1) throw UsageError("--micro-batch-tokens must be positive");
    std::string configPath;
    if (configArg) configPath = *configArg;
    else if (resume) configPath = (std::filesystem::path(runDir) / "config.json").string();
    else throw UsageError("--config FILE (or -) is required unless --resume");
    if (nproc > 1) return launchRanks(nproc, configArg, runDir, resume, sftOnly, events, threads, microTokens, out, err);
    logToStderr();
    model::applyTorchThreads(static_cast<int>(threads));
    train::TrainOptions options;
    options.runDir = runDir;
    options.resume = resume;
    options.events = events == "stdout" ? &out : nullptr;
    options.log = &err;
    options.microBatchTokens = microTokens;
    options.sftOnly = sftOnly;
    installStopHandlers();
    options.stopRequested = &g_stopRequested;
    if (const char* stop = std::getenv("LONGRL_TRAIN_STOP_AFTER")) options.stopAfterSteps = std::atoll(stop);
    std::string who = "train: ";
    try {
      // Rank and rendezvous from the launcher's environment (torchrun-style, srun, --nproc).
      const auto env = train::DistributedEnv::fromEnvironment();
      auto cfg = readConfig(configPath);
      std::unique_ptr<train::ProcessGroupCollective> collective;
      if (env.distributed()) {
        who = "train: rank " + std::to_string(env.rank) + ": ";
        // One GPU per local rank when the config just says "cuda".
        if (cfg.model.device == "cuda") cfg.model.device = "cuda:" + std::to_string(env.localRank);
        train::ProcessGroupCollective::Options po;
        po.timeout = distTimeout();
        po.device = torch::Device(cfg.model.device);
        collective = std::make_unique<train::ProcessGroupCollective>(env, po);
        options.collective = collective.get();
        if (env.rank != 0) {  // rank 0 alone reports: events on stdout, progress on stderr
          options.events = nullptr;
          options.log = nullptr;
        }
        // Test hook: this rank fails right after the rendezvous.
        if (const char* f = std::getenv("LONGRL_TRAIN_FAIL_RANK"); f && std::atoi(f) == env.rank)
          throw std::runtime_error("LONGRL_TRAIN_FAIL_RANK: failing on purpose");
      }
      train::TrainingRun run(std::move(cfg), options);
      const auto status = run.run();
      if (!env.distributed() || env.rank == 0) err << "train: " << status << "\n";
      return 0;
    } catch (const UsageError&) {
      throw;
    } catch (const std::exception& e) {
      err << who << "error: " << e.what() << "\n";
      return 1;
    }
  };
  return c;
}

}  // namespace longrl::cli
