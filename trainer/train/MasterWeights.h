#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include <torch/torch.h>

#include "trainer/model/QwenDecoderLayer.h"
#include "trainer/train/Collective.h"
#include "trainer/train/ShardedLayer.h"

namespace longrl::train {

// The weights the optimizer steps, kept apart from the model's where they must be:
// - mixed precision: the model computes in bf16/fp16 while the optimizer updates float32 master
//   weights (rounding an update of lr 1e-6 into bf16's 8-bit mantissa would mostly lose it);
// - sharded optimizer (ZeRO-1/2, distributed.shard "optimizer"): all trainable parameters form one
//   flat index space, cut into N equal ranges; rank r keeps the master weights (and so the AdamW
//   moments) of range r only. Gradients are reduced to their owner, each rank steps its range, and
//   the owners broadcast the updated ranges back into every rank's model.
// - fully sharded (FSDP, distributed.shard "full"): as "optimizer" for the parameters outside the
//   decoder layers (embeddings, final norm, LM head: whole on every rank), while each decoder
//   layer's parameters are a ShardedLayer: held as this rank's range only, gathered by
//   CheckpointedLayer around each use and reduced to their ranges in its backward.
// With float32 compute and no sharding there is nothing to keep apart: the optimizer steps the
// model's own parameters (pass-through), exactly as plain data parallelism does.
class MasterWeights {
 public:
  // Snapshots the model's parameters (as they are now, typically float32 as loaded) as master
  // weights, then converts the model's floating-point parameters and buffers to computeDtype.
  // Every rank must hold the same parameters (broadcast them first).
  // `fullyShardedLayers` (with shard and more than one rank): the decoder layers to shard.
  MasterWeights(torch::nn::Module& model, torch::ScalarType computeDtype, bool shard, Collective& collective,
                const std::vector<model::QwenDecoderLayer>& fullyShardedLayers = {});
  ~MasterWeights();
  MasterWeights(const MasterWeights&) = delete;
  MasterWeights& operator=(const MasterWeights&) = delete;
  // The optimizer steps the model's parameters as they are, whatever their dtype (no master copy,
  // no sharding): the trainers' default when they are given no MasterWeights.
  static std::unique_ptr<MasterWeights> passThroughOf(torch::nn::Module& model, Collective& collective);

  // What an optimizer over these weights steps: this rank's master range (as bucket-sized views),
  // or the model's parameters in pass-through mode. Their .grad is filled by reduceGradients().
  std::vector<torch::Tensor> parameters() const;

  // One optimizer step from the model's accumulated gradients: sums them over the ranks, clips
  // them to a global norm of maxNorm, steps `optimizer` (unless the norm is not finite, as verl
  // does), writes the new weights into the model and clears every gradient. Returns the norm
  // before clipping. Every rank must call it.
  double step(torch::optim::Optimizer& optimizer, double maxNorm);

  bool passThrough() const { return passThrough_; }
  bool sharded() const { return sharded_; }
  bool fullySharded() const { return !layers_.empty(); }
  // Fully sharded: every decoder layer's full parameters in place until releaseLayers() (a forward
  // with a KV cache, which CheckpointedLayer does not see; a checkpoint's HF weights). Collective.
  void gatherLayers();
  void releaseLayers();
  // Elements of the model's trainable parameters this rank holds now, and of all of them.
  int64_t heldParameterElements() const;
  int64_t parameterElements() const;
  int64_t totalElements() const { return total_; }
  int64_t ownedElements() const { return end_ - begin_; }
  // Bytes this rank holds for master weights and their float32 gradients (0 in pass-through).
  int64_t masterBytes() const;

  // This rank's master range (sharded or mixed precision), to resume exactly: the model's bf16
  // checkpoint alone would round the master weights. Files are per rank: rank-R.pt.
  void save(const std::filesystem::path& dir) const;
  // Restores what save() wrote (same world size and parameter layout, else a clear error) and
  // writes it into the model. Returns false (changing nothing) when `dir` has no file of this rank.
  bool load(const std::filesystem::path& dir);

 private:
  MasterWeights(torch::nn::Module& model, torch::ScalarType computeDtype, bool shard, Collective& collective,
                bool passThrough, const std::vector<model::QwenDecoderLayer>& fullyShardedLayers);
  void shardLayers(const std::vector<model::QwenDecoderLayer>& layers);
  struct Slice {  // the part of parameter `param` inside this rank's range
    size_t param;
    int64_t paramOffset, flatOffset, length;
  };
  void buildLayout(bool shard);
  std::vector<Slice> slicesIn(int64_t begin, int64_t end) const;
  void reduceGradients();
  double clipGradients(double maxNorm);
  void publish();
  void loadLayers(torch::serialize::InputArchive& archive, const std::filesystem::path& path);

  std::vector<torch::Tensor> params_;  // the model's trainable parameters, in order
  std::vector<int64_t> offsets_;       // each one's start in the flat index space
  int64_t total_ = 0, begin_ = 0, end_ = 0;
  torch::ScalarType computeDtype_;
  bool sharded_ = false, passThrough_ = false;
  Collective& collective_;
  torch::Tensor master_;                                     // float32 [end_ - begin_]; its grad is float32 too
  std::vector<torch::Tensor> chunks_;                        // views of master_ that the optimizer steps, a bucket each
  std::vector<std::shared_ptr<ShardedLayer>> layers_;        // fully sharded: one per decoder layer
  std::vector<const model::QwenDecoderLayerImpl*> layerOf_;  // their modules, to unregister
};

}  // namespace longrl::train
