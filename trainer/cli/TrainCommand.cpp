#include "trainer/cli/TrainCommand.h"

#include <signal.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "core/cli/OptionLimits.h"
#include "core/cli/UsageError.h"
#include "core/config/RunConfig.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "trainer/cli/LocalLauncher.h"
#include "trainer/model/TorchThreads.h"
#include "trainer/train/CollectiveError.h"
#include "trainer/train/DistributedEnv.h"
#include "trainer/train/ProcessGroupCollective.h"
#include "trainer/train/RunRecorder.h"
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

std::string readStdin() {
  return std::string((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
}

// The per-collective timeout (LONGRL_DIST_TIMEOUT_S, default 30 minutes).
std::chrono::milliseconds distTimeout() {
  const char* v = std::getenv("LONGRL_DIST_TIMEOUT_S");
  if (!v || !*v) return std::chrono::minutes(30);
  char* end = nullptr;
  const double s = std::strtod(v, &end);
  if (*end != '\0' || !(s > 0))
    throw UsageError(std::string("LONGRL_DIST_TIMEOUT_S='") + v + "' is not a positive number of seconds");
  return std::chrono::milliseconds(static_cast<int64_t>(s * 1000));
}

// After a rank failed: rank 0 may have been killed before it could say so, leaving the store at
// "running" for a job that is gone, or stopped cleanly on the launcher's SIGTERM ("stopped"). The
// launcher records the failure and which rank caused it (in the store, and on stdout when the
// run's events go there, so a mirror learns it too).
void recordRankFailure(const std::string& runDir, const cli::LocalLauncher::Result& result, long long nproc,
                       bool eventsToStdout, std::ostream& out, std::ostream& err) {
  const std::string path = store::RunStore::fileIn(runDir);
  if (!store::RunStore::isRunDir(runDir)) return;  // failed before rank 0 created it: nothing to correct
  try {
    // The store, and the same records on stdout when the run's events go there.
    train::RunRecorder recorder(path, eventsToStdout ? &out : nullptr);
    const double now = train::RunRecorder::now();
    recorder.event("error", nlohmann::json{{"message", "rank " + std::to_string(result.failedRank) + " of " +
                                                           std::to_string(nproc) + " failed (exit code " +
                                                           std::to_string(result.exitCode) +
                                                           "); the other ranks were stopped"}});
    auto runs = store::RunStoreReader(path).runs();
    // "stopped" too: rank 0 honoured the launcher's SIGTERM, but the job ended because a rank failed.
    if (!runs.empty() && (runs.front().status == "running" || runs.front().status == "stopped")) {
      auto run = runs.front();
      run.status = "failed";
      run.config_json.clear();  // keep the stored one
      run.updated_time = now;
      recorder.run(run);
    }
    recorder.flush();
  } catch (const std::exception& e) {
    err << "train: could not record the failure in " << path << ": " << e.what() << "\n";
  }
}

// --nproc N: the same command as N ranks of this binary; rank 0 alone writes events to stdout and
// TensorBoard event files.
int launchRanks(long long nproc, const std::optional<std::string>& configArg, const std::string& runDir, bool resume,
                bool sftOnly, const std::string& events, const std::string& tensorboard, long long threads,
                long long microTokens, std::ostream& out, std::ostream& err) {
  const auto env = train::DistributedEnv::fromEnvironment();
  if (env.distributed() && env.source == "torchrun")
    throw UsageError("--nproc " + std::to_string(nproc) + ": this process is already rank " + std::to_string(env.rank) +
                     " of WORLD_SIZE=" + std::to_string(env.worldSize) + " (drop --nproc under a launcher)");
  cli::LocalLauncher::Spec spec;
  spec.executable = "/proc/self/exe";
  spec.nproc = static_cast<int>(nproc);
  spec.peerLostExitCode = train::CollectiveError::kExitCode;
  spec.args = {"train", "--run-dir", runDir, "--micro-batch-tokens", std::to_string(microTokens)};
  if (configArg) {
    spec.args.insert(spec.args.end(), {"--config", *configArg});
    if (*configArg == "-") spec.stdinText = readStdin();  // each rank reads its own copy
  }
  if (resume) spec.args.push_back("--resume");
  if (sftOnly) spec.args.push_back("--sft-only");
  if (threads > 0) spec.args.insert(spec.args.end(), {"--threads", std::to_string(threads)});
  if (events == "stdout") spec.rank0Args = {"--events", "stdout"};
  if (!tensorboard.empty()) spec.rank0Args.insert(spec.rank0Args.end(), {"--tensorboard", tensorboard});
  const auto result = cli::LocalLauncher::run(spec, out, err);
  if (result.exitCode != 0) recordRankFailure(runDir, result, nproc, events == "stdout", out, err);
  return result.exitCode;
}

std::atomic<bool> g_stopRequested{false};
std::atomic<long long> g_firstStopNs{0};

long long monotonicNs() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);  // async-signal-safe
  return static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

// The same stop request often arrives twice within moments: Ctrl-C reaches every process of the
// terminal's group, and a --nproc launcher passes it on too. Only a signal
// LocalLauncher::kRepeatedStop (2 s) or more after the first means "stop now".
void onStopSignal(int sig) {
  const long long now = monotonicNs();
  long long first = 0;
  if (g_firstStopNs.compare_exchange_strong(first, now)) {
    g_stopRequested.store(true);
    return;
  }
  if (now - first < std::chrono::nanoseconds(cli::LocalLauncher::kRepeatedStop).count()) return;
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

// A lost launcher or terminal: stop after the step, however many times it is said.
void onHangup(int) { g_stopRequested.store(true); }

// SIGTERM/SIGINT end the run after the current step ("stopped", resumable); a later one kills.
// SIGHUP (the --nproc launcher died, or the terminal closed) ends it after the step too.
void installStopHandlers() {
  struct sigaction sa {};
  sa.sa_handler = onStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  struct sigaction hup {};
  hup.sa_handler = onHangup;
  sigemptyset(&hup.sa_mask);
  sigaction(SIGHUP, &hup, nullptr);
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
  c.usage =
      "--config FILE|- --run-dir DIR [--resume] [--nproc N] [--events stdout] [--tensorboard DIR] [--threads N] "
      "[--micro-batch-tokens N] [--sft-only]";
  c.summary = "train a model (warm-up SFT, curriculum GRPO) into a run directory";
  c.run = [](ArgList& args, std::ostream& out, std::ostream& err) -> int {
    const auto configArg = args.take("config");
    const std::string runDir = args.require("run-dir");
    const bool resume = args.takeFlag("resume");
    const bool sftOnly = args.takeFlag("sft-only");
    const long long nproc = args.takeInt("nproc", 1, limits::kMaxProcesses, 1);
    const std::string events = args.takeOr("events", "");
    const auto tensorboardArg = args.take("tensorboard");
    const std::string tensorboard = tensorboardArg.value_or("");
    const long long threads = args.takeThreads();
    const long long microTokens = args.takeInt("micro-batch-tokens", 1, limits::kMaxTokens, 16384);
    args.finish();
    if (!events.empty() && events != "stdout") throw UsageError("--events takes 'stdout'");
    if (tensorboardArg && (tensorboard.empty() || tensorboard == "-"))
      throw UsageError("--tensorboard takes a directory (for the event files), not '" + tensorboard + "'");
    std::string configPath;
    if (configArg) configPath = *configArg;
    else if (resume) configPath = (std::filesystem::path(runDir) / "config.json").string();
    else throw UsageError("--config FILE (or -) is required unless --resume");
    if (nproc > 1)
      return launchRanks(nproc, configArg, runDir, resume, sftOnly, events, tensorboard, threads, microTokens, out,
                         err);
    logToStderr();
    model::applyTorchThreads(static_cast<int>(threads));
    train::TrainOptions options;
    options.runDir = runDir;
    options.resume = resume;
    options.events = events == "stdout" ? &out : nullptr;
    options.tensorboardDir = tensorboard;
    options.log = &err;
    options.microBatchTokens = microTokens;
    options.sftOnly = sftOnly;
    installStopHandlers();
    options.stopRequested = &g_stopRequested;
    if (const char* stop = std::getenv("LONGRL_TRAIN_STOP_AFTER")) options.stopAfterSteps = std::atoll(stop);
    std::string who = "train: ";
    try {
      // Rank and rendezvous from the launcher's environment (torchrun, srun, --nproc).
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
        // The job's shape as this rank found it: how many ranks, which launcher, where they met.
        if (env.rank == 0) err << "train: " << env.describe() << ", backend " << collective->backend() << "\n";
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
      // One write: ranks share stderr, and pieces of their lines would interleave.
      err << (who + "error: " + e.what() + "\n") << std::flush;
      // A failed collective means a peer went away: its own exit code lets --nproc name that peer.
      return dynamic_cast<const train::CollectiveError*>(&e) ? train::CollectiveError::kExitCode : 1;
    }
  };
  return c;
}

}  // namespace longrl::cli
