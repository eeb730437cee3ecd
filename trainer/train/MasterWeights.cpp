#include "trainer/train/MasterWeights.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <unordered_set>

#include "trainer/model/CheckpointedLayer.h"
#include "trainer/train/ArchiveFile.h"
#include "trainer/train/CheckpointStore.h"

namespace longrl::train {
namespace {

// Gradients and weights travel between ranks in flat buckets of at most this many elements:
// bounded extra memory (16 MiB in float32) whatever the model's size.
constexpr int64_t kBucketElements = 4 << 20;

// Calls fn(owner, b, e) for the buckets [b, e) of the flat index space, owner by owner: each
// rank's range (sharded) or, with owner 0, the whole space (replicated master weights).
template <typename Fn> void forEachOwnerBucket(int64_t total, int ranks, bool sharded, Fn fn) {
  const int owners = sharded ? ranks : 1;
  const int64_t per = (total + owners - 1) / std::max(1, owners);
  for (int owner = 0; owner < owners; ++owner) {
    const int64_t begin = std::min(total, per * owner), end = std::min(total, begin + per);
    for (int64_t b = begin; b < end; b += kBucketElements) fn(owner, b, std::min(end, b + kBucketElements));
  }
}

// Every rank must load its own shard or none may: a rank that returned early would leave the
// others waiting in publish()'s broadcasts. So the ranks agree first, and all fail alike.
bool shardsPresent(Collective& collective, const std::filesystem::path& dir, bool mine) {
  const auto all = collective.allGather(mine ? "1" : "0");
  std::string missing;
  for (size_t r = 0; r < all.size(); ++r)
    if (all[r] != "1") missing += (missing.empty() ? "" : ", ") + CheckpointStore::rankFile(static_cast<int>(r));
  if (missing.empty()) return true;
  if (std::count(all.begin(), all.end(), "1") == 0) return false;
  throw std::runtime_error(dir.string() + ": master weight shards " + missing +
                           " are missing while others are there; every rank resumes from its own shard");
}

}  // namespace

MasterWeights::MasterWeights(torch::nn::Module& model, torch::ScalarType computeDtype, bool shard,
                             Collective& collective, const std::vector<model::QwenDecoderLayer>& fullyShardedLayers)
    : MasterWeights(model, computeDtype, shard, collective,
                    computeDtype == torch::kFloat32 && !(shard && collective.worldSize() > 1), fullyShardedLayers) {}

MasterWeights::~MasterWeights() {
  for (const auto* layer : layerOf_) model::CheckpointedLayer::setGather(*layer, nullptr);
}

std::unique_ptr<MasterWeights> MasterWeights::passThroughOf(torch::nn::Module& model, Collective& collective) {
  const auto params = model.parameters();
  const auto dtype = params.empty() ? torch::kFloat32 : params.front().scalar_type();
  return std::unique_ptr<MasterWeights>(new MasterWeights(model, dtype, false, collective, true, {}));
}

MasterWeights::MasterWeights(torch::nn::Module& model, torch::ScalarType computeDtype, bool shard,
                             Collective& collective, bool passThrough,
                             const std::vector<model::QwenDecoderLayer>& fullyShardedLayers)
    : computeDtype_(computeDtype), passThrough_(passThrough), collective_(collective) {
  const bool full = !passThrough && shard && collective.worldSize() > 1 && !fullyShardedLayers.empty();
  std::unordered_set<const void*> inLayers;
  if (full)
    for (const auto& layer : fullyShardedLayers)
      for (const auto& p : layer->parameters()) inLayers.insert(p.unsafeGetTensorImpl());
  for (auto& p : model.parameters())
    if (p.requires_grad() && !inLayers.count(p.unsafeGetTensorImpl())) params_.push_back(p);
  for (const auto& p : params_)
    if (!p.is_contiguous()) throw std::invalid_argument("MasterWeights: a trainable parameter is not contiguous");
  sharded_ = !passThrough && shard && collective.worldSize() > 1;
  buildLayout(sharded_);
  if (!passThrough_) {
    torch::NoGradGuard noGrad;
    const auto device = params_.empty() ? torch::Device(torch::kCPU) : params_.front().device();
    master_ = torch::empty({end_ - begin_}, torch::TensorOptions().dtype(torch::kFloat32).device(device));
    for (const auto& s : slicesIn(begin_, end_))
      master_.narrow(0, s.flatOffset - begin_, s.length)
          .copy_(params_[s.param].detach().reshape({-1}).narrow(0, s.paramOffset, s.length));
    // The optimizer steps bucket-sized views: AdamW's full-size temporaries (sqrt(v), its
    // quotient) then take a bucket each, not twice the whole range.
    for (int64_t b = 0; b < master_.numel(); b += kBucketElements)
      chunks_.push_back(master_.narrow(0, b, std::min(kBucketElements, master_.numel() - b)));
  }
  if (full) shardLayers(fullyShardedLayers);
  if (!passThrough) model.to(computeDtype);
}

void MasterWeights::shardLayers(const std::vector<model::QwenDecoderLayer>& layers) {
  for (const auto& layer : layers) {
    layers_.push_back(std::make_shared<ShardedLayer>(layer->parameters(), computeDtype_, collective_));
    layerOf_.push_back(layer.get());
    model::CheckpointedLayer::setGather(*layer, layers_.back());
  }
}

void MasterWeights::gatherLayers() {
  for (auto& l : layers_) l->gather();
}

void MasterWeights::releaseLayers() {
  for (auto& l : layers_) l->release();
}

int64_t MasterWeights::heldParameterElements() const {
  int64_t n = total_;
  for (const auto& l : layers_) n += l->heldElements();
  return n;
}

int64_t MasterWeights::parameterElements() const {
  int64_t n = total_;
  for (const auto& l : layers_) n += l->totalElements();
  return n;
}

void MasterWeights::buildLayout(bool shard) {
  for (const auto& p : params_) {
    offsets_.push_back(total_);
    total_ += p.numel();
  }
  if (!shard) {
    begin_ = 0;
    end_ = total_;
    return;
  }
  const int64_t n = collective_.worldSize(), per = (total_ + n - 1) / n;
  begin_ = std::min(total_, per * collective_.rank());
  end_ = std::min(total_, begin_ + per);
}

std::vector<MasterWeights::Slice> MasterWeights::slicesIn(int64_t begin, int64_t end) const {
  std::vector<Slice> out;
  for (size_t i = 0; i < params_.size(); ++i) {
    const int64_t lo = std::max(begin, offsets_[i]), hi = std::min(end, offsets_[i] + params_[i].numel());
    if (lo < hi) out.push_back({i, lo - offsets_[i], lo, hi - lo});
  }
  return out;
}

std::vector<torch::Tensor> MasterWeights::parameters() const {
  if (passThrough_) return params_;
  auto out = chunks_;
  for (const auto& l : layers_) out.push_back(l->master());
  return out;
}

int64_t MasterWeights::masterBytes() const {
  if (passThrough_) return 0;
  int64_t n = ownedElements();
  for (const auto& l : layers_) n += l->master().numel();
  return n * 4 * 2;
}

void MasterWeights::reduceGradients() {
  torch::NoGradGuard noGrad;
  auto grad = torch::zeros_like(master_);
  forEachOwnerBucket(total_, collective_.worldSize(), sharded_, [&](int owner, int64_t b, int64_t e) {
    auto bucket = torch::zeros({e - b}, master_.options());
    for (const auto& s : slicesIn(b, e)) {
      const auto& g = params_[s.param].grad();
      if (g.defined())
        bucket.narrow(0, s.flatOffset - b, s.length).copy_(g.reshape({-1}).narrow(0, s.paramOffset, s.length));
    }
    if (sharded_) collective_.reduceSum(bucket, owner);
    else {
      std::vector<torch::Tensor> one{bucket};
      collective_.sumGradients(one);
    }
    if (!sharded_ || owner == collective_.rank()) grad.narrow(0, b - begin_, e - b).copy_(bucket);
  });
  for (auto& p : params_) p.mutable_grad().reset();  // the float32 copy is all the step needs
  master_.mutable_grad() = grad;
  for (auto& c : chunks_) c.mutable_grad() = grad.narrow(0, c.storage_offset() - master_.storage_offset(), c.numel());
  for (auto& l : layers_) l->attachGradient();  // reduced to its range in backward already
}

double MasterWeights::clipGradients(double maxNorm) {
  torch::NoGradGuard noGrad;
  auto& grad = master_.mutable_grad();
  double squares = grad.to(torch::kFloat64).pow(2).sum().item<double>();
  for (auto& l : layers_) squares += l->gradient().to(torch::kFloat64).pow(2).sum().item<double>();
  if (sharded_) squares = collective_.sum(squares);
  const double norm = std::sqrt(squares);
  const double coef = maxNorm / (norm + 1e-6);  // torch's clip_grad_norm_ rule
  if (coef < 1.0) {
    grad.mul_(coef);
    for (auto& l : layers_) l->gradient().mul_(coef);
  }
  return norm;
}

void MasterWeights::publish() {
  torch::NoGradGuard noGrad;
  forEachOwnerBucket(total_, collective_.worldSize(), sharded_, [&](int owner, int64_t b, int64_t e) {
    const bool mine = !sharded_ || owner == collective_.rank();
    auto bucket = mine ? master_.narrow(0, b - begin_, e - b).to(computeDtype_)
                       : torch::empty({e - b}, master_.options().dtype(computeDtype_));
    if (sharded_) collective_.broadcastTensor(bucket, owner);
    for (const auto& s : slicesIn(b, e))
      params_[s.param]
          .detach()
          .reshape({-1})
          .narrow(0, s.paramOffset, s.length)
          .copy_(bucket.narrow(0, s.flatOffset - b, s.length));
  });
}

double MasterWeights::step(torch::optim::Optimizer& optimizer, double maxNorm) {
  if (passThrough_) {
    std::vector<torch::Tensor> grads;
    for (auto& p : params_) {
      if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
      grads.push_back(p.grad());
    }
    collective_.sumGradients(grads);
    // clip_grad_norm_ returns the norm before clipping (verl's actor/grad_norm).
    const double norm = torch::nn::utils::clip_grad_norm_(params_, maxNorm);
    if (std::isfinite(norm)) optimizer.step();  // verl skips the step on a non-finite norm
    optimizer.zero_grad();
    return norm;
  }
  reduceGradients();
  const double norm = clipGradients(maxNorm);
  if (std::isfinite(norm)) {
    optimizer.step();
    publish();
  }
  master_.mutable_grad().reset();
  for (auto& c : chunks_) c.mutable_grad().reset();
  for (auto& l : layers_) l->clearGradient();
  return norm;
}

void MasterWeights::save(const std::filesystem::path& dir) const {
  if (passThrough_) return;
  torch::serialize::OutputArchive archive;
  archive.write("master", master_);
  archive.write("layout",
                torch::tensor({static_cast<int64_t>(sharded_ ? collective_.worldSize() : 1), total_, begin_, end_}));
  if (!layers_.empty()) {  // this rank's range of each decoder layer, one after the other
    std::vector<torch::Tensor> ranges;
    for (const auto& l : layers_) ranges.push_back(l->master());
    archive.write("layers", torch::cat(ranges));
    // What this rank holds of the model's trainable parameters at rest, and their total (elements).
    archive.write("held", torch::tensor({heldParameterElements(), parameterElements()}));
  }
  ArchiveFile::write(archive, dir / CheckpointStore::rankFile(collective_.rank()));
}

bool MasterWeights::load(const std::filesystem::path& dir) {
  if (passThrough_) return false;
  const auto path = dir / CheckpointStore::rankFile(sharded_ ? collective_.rank() : 0);
  const bool here = std::filesystem::exists(path);
  if (!(sharded_ ? shardsPresent(collective_, dir, here) : here)) return false;
  torch::serialize::InputArchive archive;
  archive.load_from(path.string());
  torch::Tensor master, layout;
  archive.read("master", master);
  archive.read("layout", layout);
  const auto l = layout.to(torch::kInt64);
  const int64_t ranks = l[0].item<int64_t>(), total = l[1].item<int64_t>();
  const int64_t mine = sharded_ ? collective_.worldSize() : 1;
  if (ranks != mine || total != total_ || l[2].item<int64_t>() != begin_ || l[3].item<int64_t>() != end_)
    throw std::runtime_error(path.string() + ": master weights of " + std::to_string(total) + " parameters in " +
                             std::to_string(ranks) + " shard(s); this run has " + std::to_string(total_) + " in " +
                             std::to_string(mine) + ": resume with the same --nproc and distributed.shard");
  {
    torch::NoGradGuard noGrad;
    master_.copy_(master);
  }
  loadLayers(archive, path);
  publish();
  return true;
}

void MasterWeights::loadLayers(torch::serialize::InputArchive& archive, const std::filesystem::path& path) {
  torch::Tensor ranges;
  const bool has = archive.try_read("layers", ranges);
  int64_t mine = 0;
  for (const auto& l : layers_) mine += l->master().numel();
  if (has != !layers_.empty() || (has && ranges.numel() != mine))
    throw std::runtime_error(path.string() + ": " + (has ? "fully sharded" : "no") +
                             " decoder layer shards in the checkpoint, this run " +
                             (layers_.empty() ? "shards none" : "shards them (distributed.shard \"full\")") +
                             ": resume with the same --nproc and distributed.shard");
  torch::NoGradGuard noGrad;
  int64_t off = 0;
  for (auto& l : layers_) {
    l->master().copy_(ranges.narrow(0, off, l->master().numel()));
    off += l->master().numel();
  }
}

}  // namespace longrl::train
