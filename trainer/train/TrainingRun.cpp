#include "trainer/train/TrainingRun.h"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/curriculum/PhaseBands.h"
#include "core/curriculum/RetrospectiveSelector.h"
#include "core/dataset/DatasetReader.h"
#include "core/reward/GroundTruth.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "trainer/engine/LoadedModel.h"
#include "trainer/model/BlockAttentionFunction.h"
#include "trainer/model/QwenPretrained.h"
#include "trainer/train/ExampleLoader.h"
#include "trainer/train/GatheredLayers.h"
#include "trainer/train/InputCheck.h"
#include "trainer/train/ModelCopy.h"
#include "trainer/train/RewardSetup.h"
#include "trainer/train/SftTrainer.h"
#include "trainer/train/TokenLogProbs.h"

namespace fs = std::filesystem;

namespace longrl::train {
namespace {

std::string hostName() {
  char buf[256] = {0};
  return gethostname(buf, sizeof(buf) - 1) == 0 ? std::string(buf) : std::string();
}

}  // namespace

TrainingRun::TrainingRun(config::RunConfig config, TrainOptions options)
    : config_(std::move(config)), options_(std::move(options)),
      collective_(options_.collective ? options_.collective : &local_), tracker_(config_.retrospective.difficulty) {}

void TrainingRun::log(const std::string& line) {
  if (options_.log) *options_.log << "train: " << line << std::endl;
}

void TrainingRun::writeRunStatus(const std::string& status) {
  store::RunInfo info;
  info.name = runName_;
  info.status = status;
  info.config_json = config_.toJson().dump();
  info.host = hostName();
  info.updated_time = RunRecorder::now();
  recorder_->run(info);
}

std::string TrainingRun::run() {
  try {
    return runInner();
  } catch (const std::exception& e) {
    if (recorder_) {
      try {
        recorder_->event("error", {{"message", e.what()}, {"step", step_}, {"phase", phase_}});
        writeRunStatus("failed");
        recorder_->flush();
      } catch (...) {
      }
    }
    throw;
  }
}

nlohmann::json TrainingRun::stateJson() const {
  nlohmann::json difficulty = nlohmann::json::array();
  for (const auto& e : tracker_.hardestFirst())
    difficulty.push_back({{"example_id", e.exampleId}, {"mean_reward", e.meanReward}, {"attempts", e.attempts}});
  nlohmann::json retro = nlohmann::json::object();
  for (const auto& [p, ids] : retro_) retro[std::to_string(p)] = ids;
  return {{"step", step_},
          {"phase", phase_},
          {"phase_step", phaseStep_},
          {"phase_start_step", phaseStartStep_},
          {"sft_done", sftDone_},
          {"sampler", samplerState_},
          {"difficulty", difficulty},
          {"retrospective", retro},
          {"seed", config_.grpo.seed},
          {"aepo_masking", grpo_ ? grpo_->aepoMasking() : aepoMasking_}};
}

bool TrainingRun::stageShards() {
  if (master_->passThrough()) return false;
  const auto staging = checkpoints_->stagingDir(step_);
  const bool perRank = master_->sharded();
  if (leader()) {
    fs::remove_all(staging);  // a crashed earlier attempt's files
    fs::create_directories(staging / "master");
    if (perRank) fs::create_directories(staging / "optimizer");
  }
  if (perRank) collective_->barrier();  // the directories exist before any rank writes
  if (perRank || leader()) master_->save(staging / "master");
  if (perRank && grpo_)
    CheckpointStore::saveOptimizer(grpo_->optimizer(),
                                   staging / "optimizer" / CheckpointStore::rankFile(collective_->rank()));
  if (perRank) collective_->barrier();  // every rank's files are complete before rank 0 moves them
  return true;
}

void TrainingRun::saveCheckpoint() {
  const bool shards = stageShards();
  GatheredLayers whole(master_.get());  // rank 0 writes the whole model (HF layout)
  if (!leader()) {                      // the ranks hold the same weights and state; rank 0 writes them
    lastCheckpointStep_ = step_;
    return;
  }
  model::QwenForCausalLM* ref = nullptr;
  if (grpo_ && grpo_->reference()) ref = &*grpo_->reference();
  // A sharded optimizer's state is in the per-rank files, not in optimizer.pt.
  auto* optimizer = grpo_ && !master_->sharded() ? &grpo_->optimizer() : nullptr;
  const auto dir = checkpoints_->save(step_, policy_, optimizer, ref, stateJson(), shards);
  lastCheckpointStep_ = step_;
  recorder_->event("checkpoint", {{"step", step_}, {"phase", phase_}, {"dir", dir}});
  log("checkpoint " + dir);
}

std::string TrainingRun::runInner() {
  openStore();
  checkInputs();
  checkpoints_ = std::make_unique<CheckpointStore>((fs::path(options_.runDir) / "checkpoints").string(),
                                                   config_.checkpoint.keep, config_.model.path);
  const auto resumeFrom = findCheckpoint();
  if (resumeFrom) restoreState(*resumeFrom);
  else if (options_.resume) log("--resume: no checkpoint yet, starting from the beginning");

  auto engineOptions = loadPolicy(resumeFrom);
  // Everything GRPO reads is loaded before the SFT warm-up, so that a bad record fails in seconds.
  const auto rewardFn = RewardSetup::make(config_);
  std::optional<curriculum::PhaseBands> bands;
  if (!options_.sftOnly) {
    bands = loadExamples(*rewardFn);
    loadValExamples(*rewardFn);  // every rank validates its share of them
  }
  if (config_.sft.enabled && !sftDone_) {
    runSft();
    sftDone_ = true;
    saveCheckpoint();
  }
  if (options_.sftOnly) return finish("finished", "finished after the SFT warm-up");  // e.g. the demo's warm start

  auto reference = loadReference(resumeFrom);
  grpo_ = std::make_unique<GrpoTrainer>(config_, policy_, std::move(reference), std::move(engineOptions), *tokenizer_,
                                        rewardFn, options_.microBatchTokens, collective_, master_.get());
  if (resumeFrom) CheckpointStore::loadOptimizer(*resumeFrom, grpo_->optimizer(), collective_->rank());
  grpo_->setAepoMasking(aepoMasking_);
  recordPendingPhases(*bands);

  if (config_.dataset.valBeforeTrain && step_ == 0 && phase_ == 0 && phaseStep_ == 0) validate(0);
  for (size_t p = phase_; p < config_.phases.size(); ++p)
    if (!runPhase(p)) {
      recorder_->flush();
      writeRunStatus("stopped");
      return "stopped";
    }
  if (lastCheckpointStep_ != step_) saveCheckpoint();
  return finish("finished", "finished after step " + std::to_string(step_));
}

void TrainingRun::checkInputs() {
  // Validated once the store exists, so that a rejected config is recorded as a failed run.
  const auto issues = config_.validateForTraining();
  if (!issues.empty()) throw config::ConfigError(issues, "config");
  InputCheck::requireDatasets(config_);
  if (!leader()) return;
  if (const auto judge = InputCheck::judgeSummary(config_.reward.judge)) {  // what leaves the machine, and where
    recorder_->event("log", {{"message", *judge}});
    log(*judge);
  }
  if (const auto warning = InputCheck::judgeWarning(config_.reward.judge)) {
    recorder_->event("log", {{"message", "warning: " + *warning}});
    log("warning: " + *warning);
  }
}

void TrainingRun::openStore() {
  if (options_.runDir.empty()) throw std::invalid_argument("train: no run directory");
  fs::create_directories(options_.runDir);
  runName_ = fs::path(options_.runDir).lexically_normal().filename().string();
  if (runName_.empty()) runName_ = fs::path(options_.runDir).lexically_normal().parent_path().filename().string();
  recorder_ = leader() ? std::make_unique<RunRecorder>(store::RunStore::fileIn(options_.runDir), options_.events,
                                                       options_.tensorboardDir)
                       : std::make_unique<RunRecorder>();
  if (!recorder_->tensorboardFile().empty()) log("tensorboard: metrics also go to " + recorder_->tensorboardFile());
  store::RunInfo info;
  info.name = runName_;
  info.status = "running";
  info.config_json = config_.toJson().dump();
  info.host = hostName();
  info.created_time = RunRecorder::now();  // the store keeps the first one on resume
  info.updated_time = info.created_time;
  recorder_->run(info);
  // Only once the store opened and took the run: a corrupt one fails with config.json untouched.
  if (leader()) config_.saveFile((fs::path(options_.runDir) / "config.json").string());
}

std::optional<std::string> TrainingRun::findCheckpoint() {
  std::optional<std::string> found = options_.resume ? checkpoints_->latest() : std::nullopt;
  if (collective_->worldSize() > 1) {  // every rank resumes from the checkpoint rank 0 found
    std::string dir = found.value_or("");
    collective_->broadcast(dir);
    found = dir.empty() ? std::nullopt : std::optional<std::string>(dir);
  }
  return found;
}

void TrainingRun::restoreState(const std::string& checkpoint) {
  const auto s = CheckpointStore::readState(checkpoint);
  step_ = s.at("step").get<int64_t>();
  phase_ = s.at("phase").get<size_t>();
  phaseStep_ = s.at("phase_step").get<int64_t>();
  phaseStartStep_ = s.at("phase_start_step").get<int64_t>();
  sftDone_ = s.at("sft_done").get<bool>();
  aepoMasking_ = s.value("aepo_masking", false);
  samplerState_ = s.at("sampler");
  for (const auto& d : s.at("difficulty"))
    tracker_.restore(d.at("example_id").get<std::string>(), d.at("mean_reward").get<double>(),
                     d.at("attempts").get<int64_t>());
  for (const auto& [p, ids] : s.at("retrospective").items())
    retro_[std::stoul(p)] = ids.get<std::vector<std::string>>();
  lastCheckpointStep_ = step_;
  recorder_->event("resume", {{"checkpoint", checkpoint}, {"step", step_}, {"phase", phase_}});
  log("resuming from " + checkpoint + " (step " + std::to_string(step_) + ")");
}

bool TrainingRun::blockAttention() const {
  return config_.model.attention == config::AttentionImpl::Block ||
         (config_.model.attention == config::AttentionImpl::Auto && torch::Device(config_.model.device).is_cpu());
}

engine::EngineOptions TrainingRun::loadPolicy(const std::optional<std::string>& checkpoint) {
  auto loaded =
      engine::LoadedModel::load(checkpoint ? *checkpoint : config_.model.path, torch::Device(config_.model.device));
  policy_ = loaded.model;
  policy_->setGradientCheckpointing(config_.model.gradientCheckpointing);
  if (blockAttention()) policy_->setAttentionFunction(model::blockAttentionFunction());
  if (collective_->worldSize() > 1) {  // same start on every rank, whatever each one loaded
    auto params = policy_->parameters();
    collective_->broadcastParameters(params);
  }
  // The master weights are taken as loaded (float32 where the checkpoint has it), then the model
  // is converted to the compute dtype; a checkpoint's own master weights replace them exactly.
  const bool full = config_.distributed.shard == config::ShardMode::Full;
  master_ = std::make_unique<MasterWeights>(*policy_, model::QwenPretrained::dtypeFromName(config_.model.dtype),
                                            config_.distributed.shard != config::ShardMode::None, *collective_,
                                            full ? policy_->model->layerList : std::vector<model::QwenDecoderLayer>{});
  // Rows sharing a prompt run it once through a KV cache (SharedPromptLogProbs), outside
  // CheckpointedLayer, which gathers sharded layers: fully sharded, every row runs its own prompt.
  if (master_->fullySharded()) TokenLogProbs::setSharedPrompts(false);
  if (checkpoint) master_->load(CheckpointStore::shardsDir(*checkpoint) / "master");
  tokenizer_.emplace(loaded.tokenizer);
  return loaded.engineOptions();
}

std::optional<model::QwenForCausalLM> TrainingRun::loadReference(const std::optional<std::string>& checkpoint) {
  if (!config_.grpo.useKlLoss) return std::nullopt;
  std::optional<model::QwenForCausalLM> reference;
  const auto refDir = checkpoint ? CheckpointStore::referenceDir(*checkpoint) : std::string();
  if (!refDir.empty()) {
    reference = model::QwenPretrained::load(refDir, model::QwenPretrained::dtypeFromName(config_.model.dtype),
                                            torch::Device(config_.model.device));
  } else {
    GatheredLayers whole(master_.get());
    reference = ModelCopy::clone(policy_);  // the policy GRPO starts from (after SFT); whole on every rank
  }
  if (blockAttention()) (*reference)->setAttentionFunction(model::blockAttentionFunction());
  return reference;
}

curriculum::PhaseBands TrainingRun::loadExamples(const reward::RewardFunction& rewardFn) {
  auto loadedExamples = ExampleLoader::load(config_.dataset, *tokenizer_, rewardFn.router());
  examples_ = std::move(loadedExamples.examples);
  if (!loadedExamples.problems.empty()) {
    recorder_->event("log", {{"message", "skipped training records"},
                             {"count", loadedExamples.problems.size()},
                             {"first", loadedExamples.problems.front()}});
    log("skipped " + std::to_string(loadedExamples.problems.size()) + " records, e.g. " +
        loadedExamples.problems.front());
  }
  std::vector<int64_t> upper;
  for (const auto& p : config_.phases) upper.push_back(p.maxInputTokens);
  curriculum::PhaseBands bands(upper, config_.phases.back().mode == config::PhaseMode::Memory);
  std::vector<std::string> tooLong;
  for (const auto& e : examples_) {
    bandOf_.push_back(bands.bandOf(e.inputTokens()));
    if (bandOf_.back() < 0) tooLong.push_back(e.id);
  }
  if (!tooLong.empty()) {
    recorder_->event("log", {{"message", "examples longer than every phase allows are skipped"},
                             {"count", tooLong.size()},
                             {"example_ids", tooLong}});
    log(std::to_string(tooLong.size()) + " examples are longer than every phase allows: skipped");
  }
  return bands;
}

void TrainingRun::recordPendingPhases(const curriculum::PhaseBands& bands) {
  for (size_t p = phase_; p < config_.phases.size(); ++p) {
    store::PhaseInfo info;
    info.index = static_cast<int>(p);
    info.name = config_.phases[p].name;
    info.min_input_tokens = bands.lower(p);
    info.max_input_tokens = bands.upper(p);
    info.max_output_tokens = config_.phases[p].maxOutputTokens;
    info.status = "pending";
    recorder_->phase(info);
  }
}

void TrainingRun::loadValExamples(const reward::RewardFunction& rewardFn) {
  if (config_.dataset.val.empty()) return;
  dataset::DatasetReadOptions ro;
  ro.skipMalformed = config_.dataset.skipMalformed;
  auto read = dataset::DatasetReader::readFiles(config_.dataset.val, ro);
  for (auto& r : read.records) {
    if (config_.dataset.valMaxExamples > 0 &&
        static_cast<int64_t>(valExamples_.size()) >= config_.dataset.valMaxExamples)
      break;
    if (!rewardFn.router().kindFor(r.dataSource)) continue;  // no rule to score it with
    valExamples_.push_back(ExampleLoader::prepare(std::move(r), *tokenizer_));
  }
}

std::string TrainingRun::finish(const std::string& status, const std::string& message) {
  writeRunStatus(status);
  recorder_->flush();
  log(message);
  return status;
}

void TrainingRun::runSft() {
  dataset::DatasetReadOptions ro;
  ro.skipMalformed = config_.dataset.skipMalformed;
  const auto records = dataset::DatasetReader::readFiles(config_.sft.train, ro).records;
  size_t dropped = 0;
  const auto examples = SftTrainer::build(records, *tokenizer_, config_.sft.maxLen, &dropped);
  if (dropped > 0)
    recorder_->event("log", {{"message", "SFT examples dropped (too long or no answer)"}, {"count", dropped}});
  if (examples.empty()) throw std::runtime_error("sft.train: no usable SFT examples");
  recorder_->event("log", {{"message", "SFT warm-up"}, {"examples", examples.size()}});
  SftTrainer sft(policy_, config_.sft, static_cast<uint64_t>(config_.grpo.seed), options_.microBatchTokens, collective_,
                 master_.get());
  sft.run(examples, std::max(0, tokenizer_->padId()), [&](int64_t step, const std::map<std::string, double>& m) {
    std::vector<store::MetricPoint> points;
    for (const auto& [k, v] : m) points.push_back({0, step, 0, k, v, RunRecorder::now()});
    recorder_->metrics(points);
    log("sft step " + std::to_string(step) + " loss " + std::to_string(m.at("sft/loss")));
  });
}

}  // namespace longrl::train
