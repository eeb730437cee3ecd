#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/config/RunConfig.h"
#include "core/plan/ModelShape.h"
#include "core/plan/PhaseBytes.h"
#include "core/plan/UpdateShape.h"

namespace longrl::plan {

struct PlanOptions {
  int64_t nproc = 1;
  // The train command's --micro-batch-tokens (train::ActorOptions::microBatchTokens).
  int64_t microBatchTokens = 16384;
  // Memory of one device. Unset: this machine's MemAvailable for a cpu run (when hostIsDevice),
  // unknown otherwise (fits is then unset).
  std::optional<double> deviceMemoryBytes;
  bool hostIsDevice = true;  // false: the run's cpu is another machine's (a remote launch)
};

// The memory one rank of a run needs, from the run config and the model's config.json alone (no
// weight is loaded), for the phase that needs the most. Per rank:
//   weights      the model in the compute dtype (whole on every rank), plus the reference model
//                under grpo.use_kl_loss; distributed.shard "full": the non-layer parameters whole,
//                1/N of each decoder layer, plus the layers gathered at the peak (one layer and
//                its gradient in the update, or all of them in generation, the larger)
//   gradients    the model's gradients in the compute dtype ("full": the non-layer ones; a layer's
//                are reduced to the ranks' shards in its backward), plus float32 gradients of the
//                master weights the rank owns (none when float32 "none": the model is the master)
//   optimizer    AdamW's two float32 moments and the float32 master weights the rank owns
//   activations, logits           the update's largest micro-batch (PhaseBytes)
//   generation_kv_cache, _prefill  the rollouts' (PhaseBytes)
//   total = weights + gradients + optimizer + max(activations + logits, generation)
// Left out: the CUDA context and kernels' workspaces, allocator caching and fragmentation,
// gradients of activations in flight during backward, AdamW's full-size temporaries in its step,
// the no-grad log-prob passes (smaller than the update), tokenizer, data and the process itself,
// and the warm-up SFT.
struct MemoryPlan {
  struct Bytes {
    double weights = 0;
    double gradients = 0;
    double optimizer = 0;
    PhaseBytes phase;
    double total() const;
  };
  double parameters = 0;
  int64_t nproc = 1;
  int64_t microBatchTokens = 0;
  std::string dtype;
  config::ShardMode shard = config::ShardMode::None;
  PhaseBytes::Settings settings;
  size_t phaseIndex = 0;  // the phase the figures are for: the one that needs the most
  std::string phaseName;
  UpdateShape shape;  // its sequences and largest micro-batch
  Bytes bytes;
  std::optional<double> deviceMemoryBytes;
  int64_t ranksPerDevice = 1;  // a cpu run's ranks share one machine's memory
  std::optional<bool> fits;    // total x ranksPerDevice <= deviceMemoryBytes; unset when unknown
  std::string note;            // why fits is unknown

  // {"parameters", "nproc", "phase", ..., "per_rank_bytes": {...}, "device_memory_bytes", "fits"}
  nlohmann::json toJson() const;

  static MemoryPlan compute(const ModelShape& model, const config::RunConfig& run, const PlanOptions& options);
  // Reads run.model.path/config.json. Throws PlanError naming the file and the field.
  static MemoryPlan forRun(const config::RunConfig& run, const PlanOptions& options);
  // model.dtype's bytes: 4 for float32, 2 for bfloat16 and float16.
  static double dtypeBytes(const std::string& dtype);
};

}  // namespace longrl::plan
