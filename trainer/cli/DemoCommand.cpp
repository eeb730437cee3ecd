#include "trainer/cli/DemoCommand.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "core/cli/OptionLimits.h"
#include "core/cli/UsageError.h"
#include "core/config/RunConfig.h"
#include "core/dataset/DatasetReader.h"
#include "core/dataset/DatasetWriter.h"
#include "core/dataset/PromptTemplate.h"
#include "core/demo/DemoDataset.h"
#include "core/demo/DemoMemorySft.h"
#include "core/eval/LearningReport.h"
#include "core/store/PhaseProgress.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "trainer/cli/DemoMemoryTags.h"
#include "trainer/cli/DemoWarmStart.h"
#include "trainer/cli/InitModelCommand.h"
#include "trainer/cli/TrainCommand.h"
#include "trainer/tokenizer/Tokenizer.h"
#include "trainer/train/CheckpointStore.h"

namespace longrl::cli {

namespace fs = std::filesystem;

namespace {

// Steps sized so the whole demo fits in about 15 minutes on 2 CPU cores from the shipped warm
// start, trained by 2 ranks (a rank uses one thread: one process leaves the second core idle);
// --minutes scales them. Fewer band-1 steps and more band-3 ones: many band-1 steps lowered greedy
// validation (RL on the short band alone fits it, not the longer ones), and a few band-3 steps did
// not move it.
constexpr int64_t kSftSteps = 30;
constexpr int64_t kPhaseSteps[] = {40, 60, 100};
// The demo's answers take up to 66 tokens (a percentage change with its working, and the end token);
// the overlong penalty starts kOverlongBuffer tokens before the limit, so the limit leaves room for
// both (with a limit of 64 and a buffer of 16, every correct numeric answer would be penalised and
// the percentages cut off).
constexpr int64_t kMaxOutputTokens = 96;
// Validation as the papers measure learning: 4 samples per held-out example at the recipe's
// sampling (mean@4), every 25 RL steps and at each phase's end.
constexpr int64_t kValSamples = 4;
constexpr int64_t kValEverySteps = 25;
constexpr int64_t kOverlongBuffer = 16;
// Making the warm start (--make-warm-start): SFT from scratch on the two shorter bands; the
// defaults are stage 1 of the shipped warm start (resources/demo-warmstart/README.md; stage 2 continued it
// for 3,000 steps at the same rate). At 3e-3 this model never leaves the plateau where it answers
// from the question alone.
constexpr int64_t kWarmStartSteps = 1500;
constexpr double kWarmStartLr = 1e-3;
constexpr int kWarmStartSftPerBand = 3000;
// The memory phase's sections and reply budget (addMemoryPhase); --memory-sft's records use the same.
constexpr int64_t kMemoryChunkTokens = 192;
constexpr int64_t kMemoryTokens = 48;

std::string runStatus(const std::string& runDir) {
  if (!store::RunStore::isRunDir(runDir)) return "";
  store::RunStoreReader reader(store::RunStore::fileIn(runDir));
  const auto runs = reader.runs();
  return runs.empty() ? "" : runs.front().status;
}

// What the run learned, phase by phase: a curriculum's later phases are harder, so the run's
// first steps against its last would mix learning with difficulty.
void printLearned(const std::string& runDir, std::ostream& log) {
  if (!store::RunStore::isRunDir(runDir)) return;
  store::RunStoreReader reader(store::RunStore::fileIn(runDir));
  constexpr int kWindow = 20;
  const auto sampled = store::PhaseProgress::of(reader, "critic/gen_score/mean", kWindow);
  const auto kept = store::PhaseProgress::of(reader, "critic/score/mean", kWindow);
  auto movement = [](const store::PhaseProgress::Row& r) {
    char t[64];
    std::snprintf(t, sizeof t, "%.3f -> %.3f (%+.3f)", r.first, r.last, r.last - r.first);
    return std::string(t);
  };
  char line[256];
  if (!sampled.empty()) {
    log << "demo: reward, mean of the first -> last " << kWindow
        << " steps of each phase (fewer in short phases) and of the whole run\n";
    std::snprintf(line, sizeof line, "  %-10s %6s  %-38s %s\n", "phase", "steps",
                  "critic/gen_score/mean (every sample)", "critic/score/mean (kept groups)");
    log << line;
  }
  for (const auto& s : sampled) {
    std::string keptText = "-";
    for (const auto& k : kept)
      if (k.phase == s.phase) keptText = movement(k);
    std::snprintf(line, sizeof line, "  %-10s %6lld  %-38s %s\n", s.name.c_str(), static_cast<long long>(s.points),
                  movement(s).c_str(), keptText.c_str());
    log << line;
  }
  // The run's first RL steps against its last (what "the demo learns" is judged by), across phases.
  const auto runKept = store::PhaseProgress::ofRun(reader, "critic/score/mean", kWindow);
  const auto runSampled = store::PhaseProgress::ofRun(reader, "critic/gen_score/mean", kWindow);
  if (runKept && runSampled) {
    std::snprintf(line, sizeof line, "  %-10s %6lld  %-38s %s\n", "whole run", static_cast<long long>(runKept->points),
                  movement(*runSampled).c_str(), movement(*runKept).c_str());
    log << line;
  }
  const auto val = reader.metricSeries("val-core/all/acc/mean@1");
  if (val.empty()) return;
  log << "demo: greedy validation accuracy (val-core/all/acc/mean@1):";
  for (size_t i = 0; i < val.size(); ++i) {
    std::snprintf(line, sizeof line, "%s step %lld %.3f", i ? "," : "", static_cast<long long>(val[i].step),
                  val[i].value);
    log << line;
  }
  log << "\n";
}

// Longest chat prompt (in tokens) of each length band of the training data.
std::vector<int64_t> bandPromptTokens(const std::string& trainFile, const tokenizer::Tokenizer& tok) {
  std::vector<int64_t> longest(3, 0);
  for (const auto& r : dataset::DatasetReader::readFile(trainFile).records) {
    const int band = r.extraInfo.value("band", 0);
    const std::string prompt = tok.applyChatTemplate(
        {tokenizer::ChatMessage{"user", dataset::PromptTemplate::build(r.document, r.question), std::nullopt}});
    longest[static_cast<size_t>(band)] =
        std::max<int64_t>(longest[static_cast<size_t>(band)], static_cast<int64_t>(tok.encode(prompt).size()));
  }
  return longest;
}

// A last phase in mode "memory" on documents longer than the model's window. Sections of 192
// tokens with up to 48 memory tokens: a call's prompt (~350 tokens with the instructions and
// question) is as long as the demo's band-2 prompts.
void addMemoryPhase(config::RunConfig& cfg, int64_t steps, int64_t previousMaxInput, const std::string& longTrain) {
  cfg.memory.chunkTokens = kMemoryChunkTokens;
  cfg.memory.memoryTokens = kMemoryTokens;
  config::PhaseConfig p;
  p.name = "beyond the window";
  p.mode = config::PhaseMode::Memory;
  p.maxInputTokens = std::max<int64_t>(previousMaxInput + 64, 512);
  p.maxOutputTokens = kMaxOutputTokens;
  p.steps = steps;
  cfg.phases.push_back(p);
  cfg.dataset.train.push_back(longTrain);
}

// The demo's GRPO settings.
void setDemoGrpo(config::RunConfig& cfg) {
  cfg.grpo.rolloutN = 8;
  cfg.grpo.trainBatchSize = 4;
  cfg.grpo.ppoMiniBatchSize = 4;
  // Large for a big model; a 1M-parameter one needs it to move within minutes. At 1e-4 the sampled
  // score rose less than at 3e-5 on band 1, and greedy validation fell over the phases.
  cfg.grpo.lr = 3e-5;
  // The recipe's sampling (DESIGN: temperature 0.7, top-p 0.95). At 1.0 / 1.0 the sampled answers
  // on the longer bands fall far below the greedy ones, and greedy validation rises less.
  cfg.grpo.temperature = 0.7;
  cfg.grpo.topP = 0.95;
  cfg.grpo.overlongPenalty.maxLen = kMaxOutputTokens;
  cfg.grpo.overlongPenalty.bufferLen = kOverlongBuffer;
  // At most 100 of a phase's hardest examples (a quarter of a band) join the next phase. Uncapped,
  // most of band 1 (mean reward below 0.5) joins band 2 and makes up 38-46% of the later phases'
  // rollouts, so those phases train their own band less than examples already failed; greedy
  // validation ends lower.
  cfg.retrospective.maxCount = 100;
  // The recipe's dynamic sampling fills the batch (DAPO: more generation batches until full, capped).
  // The warm start's answers are nearly deterministic (token entropy ~0.1), so one batch of 4 groups
  // keeps fewer than 2 (the rest all right or all wrong), each update follows ~15 samples and
  // greedy validation falls over the run. Up to 3 batches (about 2.5 used) keep 3.6-4.0 groups.
  cfg.grpo.dynamicSampling.maxNumGenBatches = 3;
}

int runSub(const Command& command, std::vector<std::string> args, std::ostream& out, std::ostream& err) {
  ArgList list(std::move(args));
  return command.run(list, out, err);
}

// The SFT records of the bands up to `maxBand` (0-based), for the warm start.
std::string writeShortSft(const std::string& sftFile, int maxBand) {
  const std::string out = (fs::path(sftFile).parent_path() / "sft-warm-start.jsonl").string();
  fs::remove(out);
  dataset::DatasetWriter writer(out);
  for (const auto& r : dataset::DatasetReader::readFile(sftFile).records)
    if (r.extraInfo.value("band", 0) <= maxBand) writer.append(r);
  return out;
}

struct DemoArgs {
  std::string runDir;
  double minutes = kDemoMinutes;
  long long threads = 1;
  std::optional<std::string> events;
  bool fromScratch = false;
  bool dataOnly = false;  // only the synthetic dataset (e.g. more SFT data for a warm start)
  std::optional<std::string> makeWarmStart;
  std::optional<std::string> warmStartFrom;  // continue this model instead of a new one
  long long memorySft = 0;                   // long documents whose memory-agent calls join the warm start's SFT
  bool memoryTagsMeanInit = true;            // new tag tokens start at the mean of the rows that spelled them
  long long warmStartSteps = kWarmStartSteps;
  double warmStartLr = kWarmStartLr;
  long long sftPerBand = 0;  // more SFT examples a band (fresh data instead of epochs) for a longer warm start
  long long memorySteps = 0;
  long long nproc = 1;
  bool ablateRetrospective = false;     // the same demo without retrospective sampling
  std::optional<std::string> baseline;  // a finished demo run to compare the last validation with
};

DemoArgs parseDemoArgs(ArgList& args) {
  DemoArgs a;
  a.runDir = fs::absolute(args.require("run-dir")).lexically_normal().string();
  a.minutes = args.takeDouble("minutes", ArgList::Range::aboveUpTo(0, 60.0 * 24 * 365), kDemoMinutes);
  a.threads = args.takeThreads(1);
  a.events = args.take("events");
  a.fromScratch = args.takeFlag("from-scratch");
  a.dataOnly = args.takeFlag("data-only");
  a.makeWarmStart = args.take("make-warm-start");
  a.warmStartSteps = args.takeInt("warm-start-steps", 1, limits::kMaxSteps, kWarmStartSteps);
  a.warmStartLr = args.takeDouble("warm-start-lr", ArgList::Range::aboveUpTo(0, 1), kWarmStartLr);
  if (const auto from = args.take("warm-start-from")) a.warmStartFrom = fs::absolute(*from).lexically_normal().string();
  a.memorySft = args.takeInt("memory-sft", 0, 100000, 0);
  if (const auto init = args.take("memory-tags-init")) {
    if (*init != "mean" && *init != "keep")
      throw UsageError("--memory-tags-init takes 'mean' or 'keep', got '" + *init + "'");
    a.memoryTagsMeanInit = *init == "mean";
  }
  a.sftPerBand = args.takeInt("sft-per-band", 1, 1000000,
                              a.makeWarmStart ? kWarmStartSftPerBand : demo::DemoDatasetOptions{}.sftPerBand);
  // A last phase in mode "memory" on documents longer than the model's window (off by default:
  // each of its steps reads ~25 sections per trajectory, about a minute on two cores).
  a.memorySteps = args.takeInt("memory-steps", 0, limits::kMaxSteps, 0);
  // Data-parallel ranks give the same weights as one process (TestTrainDistributed) in about half
  // the time on two cores.
  a.nproc =
      args.takeInt("nproc", 1, limits::kMaxProcesses, std::clamp<long long>(std::thread::hardware_concurrency(), 1, 2));
  if (const auto what = args.take("ablate")) {
    if (*what != "retrospective") throw UsageError("--ablate takes only 'retrospective', got '" + *what + "'");
    a.ablateRetrospective = true;
  }
  if (const auto base = args.take("baseline")) a.baseline = fs::absolute(*base).lexically_normal().string();
  args.finish();
  if (a.events && *a.events != "stdout") throw UsageError("--events takes only 'stdout'");
  if ((a.warmStartFrom || a.memorySft > 0) && !a.makeWarmStart)
    throw UsageError("--warm-start-from and --memory-sft go with --make-warm-start");
  if (a.warmStartFrom && !DemoWarmStart::isModelDir(*a.warmStartFrom))
    throw UsageError("--warm-start-from " + *a.warmStartFrom +
                     " is not a model directory (config.json, tokenizer.json, model.safetensors)");
  if (a.baseline && !store::RunStore::isRunDir(*a.baseline))
    throw UsageError("--baseline " + *a.baseline + " is not a run directory (no run.sqlite)");
  return a;
}

const char* kReportFile = "demo-report.json";

nlohmann::json settingsOf(const config::RunConfig& cfg, const DemoArgs& a) {
  int64_t rlSteps = 0;
  for (const auto& p : cfg.phases) rlSteps += p.steps;
  return {{"val_n", cfg.dataset.valN},
          {"val_temperature", cfg.dataset.valTemperature},
          {"val_top_p", cfg.dataset.valTopP},
          {"val_every_steps", cfg.dataset.valEverySteps},
          {"retrospective", cfg.retrospective.enabled},
          {"rl_steps", rlSteps},
          {"nproc", a.nproc},
          {"minutes", a.minutes}};
}

// The learning report of a finished demo run, with what reproduces it; nullopt (and a line saying
// why) when the run has too few validation passes.
std::optional<nlohmann::json> learningReport(const DemoArgs& a, std::ostream& log) {
  const eval::LearningReport::Options o{eval::PairedBootstrap(10000, 0),
                                        {{"0", "band 1"}, {"1", "band 2"}, {"2", "band 3"}}};
  nlohmann::json report;
  try {
    report = eval::LearningReport::of(a.runDir, o);
    if (a.baseline) {
      report["ablation"] = eval::LearningReport::compareEnds(*a.baseline, a.runDir, o);
      report["ablation"]["what"] = a.ablateRetrospective ? "without retrospective sampling" : "against the baseline";
    }
  } catch (const std::exception& e) {
    log << "demo: no learning report: " << e.what() << "\n";
    return std::nullopt;
  }
  const auto cfg = config::RunConfig::loadFile((fs::path(a.runDir) / "demo-config.json").string());
  report["seeds"] = {{"data", demo::DemoDatasetOptions{}.seed},
                     {"grpo", cfg.grpo.seed},
                     {"validation_sampling", cfg.grpo.seed},
                     {"bootstrap", o.bootstrap.seed()}};
  report["settings"] = settingsOf(cfg, a);
  // The demo's aim: held-out accuracy rises by more than the noise of its examples.
  report["goal"] = {{"criterion", "ci95[0] > 0"}, {"met", report.at("ci95")[0].get<double>() > 0}};
  return report;
}

// Writes DIR/demo-report.json and prints it.
void writeReport(const DemoArgs& a, std::ostream& log) {
  const auto report = learningReport(a, log);
  if (!report) return;
  const std::string path = (fs::path(a.runDir) / kReportFile).string();
  std::ofstream(path) << report->dump(2) << "\n";
  log << "demo: ";
  eval::LearningReport::print(*report, log);
  log << "demo: held-out accuracy rose beyond the noise (ci95 above 0): "
      << (report->at("goal").at("met").get<bool>() ? "yes" : "no") << "\n";
  log << "demo: report written to " << path << "\n";
}

// A finished run's report as written, or made now for a run from before reports.
void showReport(const DemoArgs& a, std::ostream& log) {
  const fs::path path = fs::path(a.runDir) / kReportFile;
  if (!fs::exists(path)) return writeReport(a, log);
  try {
    std::ifstream in(path);
    log << "demo: ";
    eval::LearningReport::print(nlohmann::json::parse(in), log);
  } catch (const std::exception& e) {
    log << "demo: " << path.string() << " cannot be read (" << e.what() << "); making it again\n";
    writeReport(a, log);
  }
}

// A small Qwen3 model with a tokenizer trained on the demo corpus, in modelDir. False when that failed.
bool createModel(const DemoArgs& a, const std::string& corpus, const std::string& modelDir, std::ostream& log,
                 std::ostream& err) {
  if (!a.fromScratch && !a.makeWarmStart)
    log << "demo: warning: no warm-start model found (resources/demo-warmstart); training from scratch, which "
           "will not learn to answer within the demo's minutes\n";
  log << "demo: creating a small Qwen3 model with a tokenizer trained on the demo corpus in " << modelDir << "\n";
  std::ostringstream initOut;
  return runSub(initModelCommand(),
                {"--preset", "demo", modelDir, "--tokenizer-corpus", corpus, "--dtype", "float32", "--seed", "7",
                 "--threads", std::to_string(a.threads)},
                initOut, err) == 0;
}

// Memory-agent SFT records of --memory-sft long documents, chunked by the model's tokenizer as the
// memory phase chunks them (data/sft-memory.jsonl).
std::string writeMemorySft(const DemoArgs& a, const std::string& sftFile, const std::string& modelDir) {
  const std::string out = (fs::path(sftFile).parent_path() / "sft-memory.jsonl").string();
  const auto tok = tokenizer::Tokenizer::load(modelDir);
  demo::DemoMemorySftOptions o;
  o.documents = static_cast<int>(a.memorySft);
  o.chunkTokens = static_cast<std::size_t>(kMemoryChunkTokens);
  demo::DemoMemorySft::write(out, o, [&tok](std::string_view text) { return tok.encode(text).size(); });
  return out;
}

// The memory agent's tags as tokens of the model's tokenizer, before its memory SFT records are
// chunked and tokenized with it.
void addMemoryTags(const DemoArgs& a, const std::string& modelDir, std::ostream& log) {
  const auto ids = DemoMemoryTags::add(modelDir, a.memoryTagsMeanInit);
  if (ids.empty()) return;
  log << "demo: the memory tags are now tokens " << ids.front() << "-" << ids.back() << " of the tokenizer"
      << (a.memoryTagsMeanInit ? " (embeddings: the mean of the tokens that spelled them)" : "") << "\n";
}

// Making the warm start: SFT on the two shorter bands (and memory-agent calls with --memory-sft),
// from scratch or from --warm-start-from.
void makeWarmStartSft(config::RunConfig& cfg, const DemoArgs& a, const std::string& sftFile,
                      const std::string& modelDir) {
  cfg.sft.train = {writeShortSft(sftFile, 1)};
  if (a.memorySft > 0) cfg.sft.train.push_back(writeMemorySft(a, sftFile, modelDir));
  cfg.sft.steps = a.warmStartSteps;
  cfg.sft.lr = a.warmStartLr;
  cfg.sft.warmupRatio = 0.05;
  cfg.sft.maxLen = 512;
}

// The SFT alone, then its last checkpoint's model copied to --make-warm-start's directory.
int trainWarmStart(const DemoArgs& a, std::vector<std::string> trainArgs, std::ostream& out, std::ostream& err,
                   std::ostream& log) {
  trainArgs.push_back("--sft-only");
  if (const int rc = runSub(trainCommand(), trainArgs, out, err); rc != 0) return rc;
  const std::string checkpoints = (fs::path(a.runDir) / "checkpoints").string();
  const auto latest = train::CheckpointStore(checkpoints, 0, "").latest();
  if (!latest) throw std::runtime_error("no checkpoint in " + checkpoints + " after the SFT");
  DemoWarmStart::copyModel(*latest, *a.makeWarmStart);
  log << "demo: warm-start model written to " << *a.makeWarmStart << "\n";
  return 0;
}

// A new demo run in a.runDir: the dataset, the model, the config, then the training.
int startDemo(const DemoArgs& a, std::vector<std::string> trainArgs, std::ostream& out, std::ostream& err,
              std::ostream& log) {
  fs::create_directories(a.runDir);
  const std::string dataDir = (fs::path(a.runDir) / "data").string();
  const std::string modelDir = (fs::path(a.runDir) / "model-init").string();
  log << "demo: writing the synthetic dataset to " << dataDir << "\n";
  demo::DemoDatasetOptions dataOptions;
  dataOptions.sftPerBand = static_cast<int>(a.sftPerBand);
  const auto files = demo::writeDemoDataset(dataDir, dataOptions);
  log << "demo: " << files.sftCount << " SFT, " << files.trainCount << " RL and " << files.valCount
      << " validation examples\n";
  if (a.dataOnly) return 0;

  const auto warmStart = a.makeWarmStart ? a.warmStartFrom : (a.fromScratch ? std::nullopt : DemoWarmStart::locate());
  if (warmStart) {
    log << "demo: starting from the shipped warm-start model " << *warmStart << " (copied to " << modelDir << ")\n";
    DemoWarmStart::copyModel(*warmStart, modelDir);
  } else if (!createModel(a, files.corpus, modelDir, log, err)) {
    return 1;
  }
  if (a.makeWarmStart && a.memorySft > 0) addMemoryTags(a, modelDir, log);
  auto cfg = demoRunConfig({modelDir, files, a.minutes, warmStart.has_value(), a.memorySteps});
  if (a.ablateRetrospective) cfg.retrospective.enabled = false;
  if (a.makeWarmStart) makeWarmStartSft(cfg, a, files.sft, modelDir);
  const std::string configPath = (fs::path(a.runDir) / "demo-config.json").string();
  cfg.saveFile(configPath);
  log << "demo: config written to " << configPath << " (phases up to ";
  for (const auto& p : cfg.phases) log << p.maxInputTokens << " ";
  log << "prompt tokens); training with " << a.nproc << (a.nproc == 1 ? " process" : " processes (--nproc)") << "\n";

  trainArgs.insert(trainArgs.begin(), {"--config", configPath});
  if (a.makeWarmStart) return trainWarmStart(a, trainArgs, out, err, log);
  const int rc = runSub(trainCommand(), trainArgs, out, err);
  if (rc == 0) printLearned(a.runDir, log), writeReport(a, log);
  return rc;
}

int runDemo(const DemoArgs& a, std::ostream& out, std::ostream& err) {
  std::vector<std::string> trainArgs{"--run-dir", a.runDir, "--threads", std::to_string(a.threads)};
  if (a.events) trainArgs.insert(trainArgs.end(), {"--events", "stdout"});
  if (a.nproc > 1) trainArgs.insert(trainArgs.end(), {"--nproc", std::to_string(a.nproc)});
  std::ostream& log = a.events ? err : out;  // with --events stdout, stdout carries only events

  const std::string status = runStatus(a.runDir);
  if (a.dataOnly && !status.empty())
    throw UsageError(a.runDir + " already holds a run (status " + status +
                     "); --data-only writes into a new directory");
  if (status == "finished") {
    log << "the demo run in " << a.runDir << " has finished; open it with: longrl-studio " << a.runDir << "\n";
    printLearned(a.runDir, log);
    showReport(a, log);
    return 0;
  }
  if (fs::exists(fs::path(a.runDir) / "config.json") && !status.empty()) {
    log << "resuming the demo run in " << a.runDir << " (status " << status << ")\n";
    trainArgs.push_back("--resume");
    const int rc = runSub(trainCommand(), trainArgs, out, err);
    if (rc == 0) printLearned(a.runDir, log), writeReport(a, log);
    return rc;
  }
  return startDemo(a, trainArgs, out, err, log);
}

}  // namespace

config::RunConfig demoRunConfig(const DemoRunOptions& options) {
  const auto longest = bandPromptTokens(options.files.train, tokenizer::Tokenizer::load(options.modelDir));
  config::RunConfig cfg;
  cfg.model.path = options.modelDir;
  cfg.model.dtype = "float32";
  cfg.model.device = "cpu";
  cfg.dataset.train = {options.files.train};
  cfg.dataset.val = {options.files.val};
  const double scale = options.minutes / kDemoMinutes;
  auto scaled = [&](int64_t steps) { return std::max<int64_t>(1, static_cast<int64_t>(std::lround(steps * scale))); };
  cfg.sft.enabled = true;
  cfg.sft.train = {options.files.sft};
  cfg.sft.steps = scaled(kSftSteps);
  // A short warm-up of a 1M-parameter model, not of a 7B one. From the shipped warm start, which
  // its own SFT left converged, a fresh AdamW at 5e-4 moves every weight by about the learning rate
  // each step and undoes it (greedy validation accuracy fell by a fifth in 30 steps); 5e-5 keeps it.
  cfg.sft.lr = options.fromWarmStart ? 5e-5 : 5e-4;
  cfg.sft.batchSize = 8;
  cfg.sft.warmupRatio = 0.1;
  cfg.sft.maxLen = longest.back() + kMaxOutputTokens;
  int64_t previous = 0;
  cfg.phases.clear();
  for (size_t band = 0; band < longest.size(); ++band) {
    config::PhaseConfig p;
    p.name = "band " + std::to_string(band + 1);
    // Round up to a multiple of 64 and keep the bands strictly increasing.
    p.maxInputTokens = std::max(previous + 64, (longest[band] + 63) / 64 * 64);
    p.maxOutputTokens = kMaxOutputTokens;
    p.steps = scaled(kPhaseSteps[band]);
    previous = p.maxInputTokens;
    cfg.phases.push_back(p);
  }
  if (options.memorySteps > 0) addMemoryPhase(cfg, options.memorySteps, previous, options.files.longTrain);
  setDemoGrpo(cfg);
  cfg.dataset.valN = kValSamples;
  cfg.dataset.valTemperature = cfg.grpo.temperature;
  cfg.dataset.valTopP = cfg.grpo.topP;
  cfg.dataset.valEverySteps = kValEverySteps;
  cfg.checkpoint.everySteps = 10;
  cfg.checkpoint.keep = 2;
  return cfg;
}

Command demoCommand() {
  Command c;
  c.name = "demo";
  c.usage =
      "--run-dir DIR [--minutes M] [--threads N] [--events stdout] [--from-scratch] [--make-warm-start OUT_DIR "
      "[--warm-start-steps N] [--warm-start-lr LR] [--warm-start-from MODEL_DIR] [--memory-sft N [--memory-tags-init "
      "mean|keep]]] [--sft-per-band N] "
      "[--memory-steps N] [--nproc N (default 2 where "
      "there are 2 cores)] [--data-only] [--ablate retrospective] [--baseline RUN_DIR]";
  c.summary = "synthesise data, create a small model and train it (SFT, then phased GRPO) on this machine";
  c.run = [](ArgList& args, std::ostream& out, std::ostream& err) -> int {
    return runDemo(parseDemoArgs(args), out, err);
  };
  return c;
}

}  // namespace longrl::cli
