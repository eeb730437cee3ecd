#include "core/plan/MemoryPlan.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/plan/HostMemory.h"
#include "core/plan/PlanError.h"

namespace longrl::plan {
namespace {

constexpr double kF32 = 4;

bool isCpu(const std::string& device) { return device.rfind("cpu", 0) == 0; }

bool eagerAttention(const config::ModelConfig& m) {
  return m.attention == config::AttentionImpl::Eager ||
         (m.attention == config::AttentionImpl::Auto && !isCpu(m.device));
}

// distributed.shard "full" over more than one rank: at rest the non-layer parameters (embeddings,
// final norm, LM head) are whole and each decoder layer is 1/N; on top come the gathered layers:
// one (and its gradient) in the update, all of them in generation (its KV cache runs them whole),
// the larger counted. Masters, their gradients and AdamW's moments are 1/N of everything.
void fullyShardedBytes(const ModelShape& model, const config::RunConfig& run, double ranks, MemoryPlan::Bytes& out) {
  const double b = MemoryPlan::dtypeBytes(run.model.dtype), p = model.parameters();
  const double layers = model.layersParameters(), root = model.nonLayerParameters(), owned = p / ranks;
  const double gathered = std::max(2 * model.largestLayerParameters(), layers - layers / ranks) * b;
  out.weights = (root + layers / ranks) * b + gathered;
  if (run.grpo.useKlLoss) out.weights += p * b;  // the frozen reference model stays whole
  out.gradients = root * b + owned * kF32;
  out.optimizer = owned * 3 * kF32;
}

// Weights, gradients and optimizer state: what stays resident through the whole run.
void stateBytes(const ModelShape& model, const config::RunConfig& run, int64_t nproc, MemoryPlan::Bytes& out) {
  const double b = MemoryPlan::dtypeBytes(run.model.dtype), ranks = static_cast<double>(std::max<int64_t>(1, nproc));
  const double p = model.parameters();
  if (run.distributed.shard == config::ShardMode::Full && ranks > 1) return fullyShardedBytes(model, run, ranks, out);
  // "full" on one rank has nothing to shard the layers over: it trains as "optimizer".
  const auto shard =
      run.distributed.shard == config::ShardMode::Full ? config::ShardMode::Optimizer : run.distributed.shard;
  const double owned = shard == config::ShardMode::None ? p : p / ranks;
  // float32 without sharding trains the model's own parameters: no separate master copy.
  const bool master = !(shard == config::ShardMode::None && b == kF32);
  out.weights = p * b;  // every rank holds the whole model in its compute dtype
  out.gradients = p * b;
  if (run.grpo.useKlLoss) out.weights += p * b;  // the frozen reference model stays resident
  out.gradients += master ? owned * kF32 : 0;
  out.optimizer = owned * 2 * kF32 + (master ? owned * kF32 : 0);
}

// Whole bytes, so that the JSON's total is the sum of its parts exactly.
void roundUp(MemoryPlan::Bytes& b) {
  for (double* v : {&b.weights, &b.gradients, &b.optimizer, &b.phase.activations, &b.phase.logits,
                    &b.phase.generationKvCache, &b.phase.generationPrefill})
    *v = std::ceil(*v);
}

nlohmann::json bytesJson(double bytes) {
  if (std::isfinite(bytes) && bytes >= 0 && bytes < 9.0e18) return static_cast<int64_t>(std::llround(bytes));
  return bytes;
}

void resolveDeviceMemory(const config::RunConfig& run, const PlanOptions& options, MemoryPlan& plan) {
  const bool cpu = isCpu(run.model.device);
  plan.ranksPerDevice = cpu ? plan.nproc : 1;
  plan.deviceMemoryBytes = options.deviceMemoryBytes;
  if (!plan.deviceMemoryBytes && cpu && options.hostIsDevice) {
    const uint64_t available = HostMemory::availableBytes();
    if (available > 0) plan.deviceMemoryBytes = static_cast<double>(available);
    else plan.note = "this machine's available memory is unknown (no MemAvailable in /proc/meminfo)";
  } else if (!plan.deviceMemoryBytes) {
    plan.note = cpu ? "the memory of the machine the run goes to is unknown"
                    : "the memory of one " + run.model.device + " device is unknown";
  }
  if (plan.deviceMemoryBytes)
    plan.fits = plan.bytes.total() * static_cast<double>(plan.ranksPerDevice) <= *plan.deviceMemoryBytes;
}

}  // namespace

double MemoryPlan::Bytes::total() const {
  return weights + gradients + optimizer + std::max(phase.update(), phase.generation());
}

double MemoryPlan::dtypeBytes(const std::string& dtype) { return dtype == "float32" ? 4 : 2; }

MemoryPlan MemoryPlan::compute(const ModelShape& model, const config::RunConfig& run, const PlanOptions& options) {
  if (run.phases.empty()) throw PlanError("phases: the run has no phase to plan for");
  MemoryPlan plan;
  plan.parameters = model.parameters();
  plan.nproc = std::max<int64_t>(1, options.nproc);
  plan.microBatchTokens = std::max<int64_t>(1, options.microBatchTokens);
  plan.dtype = run.model.dtype;
  plan.shard = run.distributed.shard;
  plan.settings.dtypeBytes = dtypeBytes(run.model.dtype);
  plan.settings.eagerAttention = eagerAttention(run.model);
  plan.settings.gradientCheckpointing = run.model.gradientCheckpointing;
  stateBytes(model, run, plan.nproc, plan.bytes);
  double largest = -1;
  for (size_t i = 0; i < run.phases.size(); ++i) {
    const auto& phase = run.phases[i];
    PhaseBytes::Settings settings = plan.settings;
    settings.memoryAgent = phase.mode == config::PhaseMode::Memory;
    const UpdateShape shape = UpdateShape::of(run, phase, plan.nproc, plan.microBatchTokens);
    const PhaseBytes bytes = PhaseBytes::estimate(model, shape, settings);
    const double need = std::max(bytes.update(), bytes.generation());
    if (need <= largest) continue;
    largest = need;
    plan.phaseIndex = i;
    plan.phaseName = phase.name;
    plan.shape = shape;
    plan.settings = settings;
    plan.bytes.phase = bytes;
  }
  roundUp(plan.bytes);
  resolveDeviceMemory(run, options, plan);
  return plan;
}

MemoryPlan MemoryPlan::forRun(const config::RunConfig& run, const PlanOptions& options) {
  if (run.model.path.empty()) throw PlanError("model.path is empty: the plan reads the model directory's config.json");
  const auto file = std::filesystem::path(run.model.path) / "config.json";
  return compute(ModelShape::fromFile(file.string()), run, options);
}

nlohmann::json MemoryPlan::toJson() const {
  const auto& p = bytes.phase;
  nlohmann::json j = {
      {"parameters", bytesJson(parameters)},
      {"nproc", nproc},
      {"phase", phaseName},
      {"phase_index", phaseIndex},
      {"dtype", dtype},
      {"shard", config::enumName(shard)},
      {"attention", settings.eagerAttention ? "eager" : "block"},
      {"gradient_checkpointing", settings.gradientCheckpointing},
      {"sequence",
       {{"prompt_tokens", shape.prompt}, {"response_tokens", shape.response}, {"rollout_n", shape.samples}}},
      {"micro_batch",
       {{"token_budget", microBatchTokens},
        {"model_tokens", bytesJson(shape.modelTokens())},
        {"prompts", shape.groups},
        {"responses_per_prompt", shape.rowsPerGroup},
        {"shared_prompt", shape.sharedPrompt}}},
      {"per_rank_bytes",
       {{"weights", bytesJson(bytes.weights)},
        {"gradients", bytesJson(bytes.gradients)},
        {"optimizer", bytesJson(bytes.optimizer)},
        {"activations", bytesJson(p.activations)},
        {"logits", bytesJson(p.logits)},
        {"generation_kv_cache", bytesJson(p.generationKvCache)},
        {"generation_prefill", bytesJson(p.generationPrefill)},
        {"total", bytesJson(bytes.total())}}},
      {"ranks_per_device", ranksPerDevice},
      {"device_memory_bytes", deviceMemoryBytes ? bytesJson(*deviceMemoryBytes) : nlohmann::json(nullptr)},
      {"fits", fits ? nlohmann::json(*fits) : nlohmann::json(nullptr)},
  };
  if (!note.empty()) j["note"] = note;
  return j;
}

}  // namespace longrl::plan
