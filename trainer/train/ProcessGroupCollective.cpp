// c10d's process groups are declared only under USE_C10D_GLOO / USE_C10D_NCCL, which Torch's CMake
// package defines for the backends its LibTorch was built with (Debian's: Gloo; a CUDA build from
// pytorch.org: NCCL as well).
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif

#include "trainer/train/ProcessGroupCollective.h"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef USE_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include "trainer/train/CollectiveError.h"

namespace longrl::train {
namespace {

// Gradients and parameters travel in flat buckets of at most this many bytes: few collective
// calls for many small tensors, bounded extra memory for big ones.
constexpr int64_t kBucketBytes = 64 << 20;

bool isLoopback(const std::string& addr) { return addr == "localhost" || addr.rfind("127.", 0) == 0; }

// Runs `fn` on consecutive groups of same-dtype, same-device tensors, each at most kBucketBytes
// (a bigger tensor forms a group of its own).
template <typename Fn> void forEachBucket(std::vector<torch::Tensor>& tensors, Fn fn) {
  size_t i = 0;
  while (i < tensors.size()) {
    size_t j = i;
    int64_t bytes = 0;
    while (j < tensors.size() && tensors[j].scalar_type() == tensors[i].scalar_type() &&
           tensors[j].device() == tensors[i].device() &&
           (j == i || bytes + tensors[j].numel() * tensors[j].element_size() <= kBucketBytes)) {
      bytes += tensors[j].numel() * tensors[j].element_size();
      ++j;
    }
    fn(i, j);
    i = j;
  }
}

// The store the ranks meet in. Rank 0 serves it at MASTER_PORT, unless torchrun's agent already
// does (TORCHELASTIC_USE_AGENT_STORE=True): then every rank is a client, and this attempt's keys
// live under their own prefix, as torch.distributed's env:// rendezvous does it.
c10::intrusive_ptr<c10d::Store> rendezvousStore(const DistributedEnv& env, std::chrono::milliseconds timeout) {
  c10d::TCPStoreOptions so;
  so.port = static_cast<std::uint16_t>(env.masterPort);
  so.isServer = env.rank == 0 && !env.useAgentStore;
  so.numWorkers = static_cast<std::size_t>(env.worldSize);
  so.waitWorkers = true;
  so.timeout = timeout;
  auto tcp = c10::make_intrusive<c10d::TCPStore>(env.masterAddr, so);
  if (!env.useAgentStore) return tcp;
  return c10::make_intrusive<c10d::PrefixStore>(env.agentStorePrefix(), tcp);
}

}  // namespace

struct ProcessGroupCollective::Group {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroup> pg;
};

ProcessGroupCollective::ProcessGroupCollective(const DistributedEnv& env, Options options)
    : group_(std::make_unique<Group>()), rank_(env.rank), worldSize_(env.worldSize), device_(options.device) {
  try {
    group_->store = rendezvousStore(env, options.timeout);
  } catch (const std::exception& e) {
    const std::string where = env.useAgentStore ? " (torchrun's store, TORCHELASTIC_USE_AGENT_STORE=True)" : "";
    throw std::runtime_error(
        "rendezvous at MASTER_ADDR=" + env.masterAddr + " MASTER_PORT=" + std::to_string(env.masterPort) + where +
        " (rank " + std::to_string(env.rank) + " of " + std::to_string(env.worldSize) + ") failed: " + e.what());
  }
  if (device_.is_cuda()) {
#ifdef USE_C10D_NCCL
    auto o = c10d::ProcessGroupNCCL::Options::create();
    o->timeout = options.timeout;
    group_->pg = c10::make_intrusive<c10d::ProcessGroupNCCL>(group_->store, rank_, worldSize_, o);
    backend_ = "nccl";
    return;
#else
    throw std::runtime_error("data parallel on " + device_.str() +
                             " needs NCCL: build against a CUDA LibTorch with -DLONGRL_CUDA=ON");
#endif
  }
  auto o = c10d::ProcessGroupGloo::Options::create(options.timeout);
  // Gloo's transport: the interface named by GLOO_SOCKET_IFNAME (as torch does), loopback for a
  // single-host job, else the address the host name resolves to.
  if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname)
    o->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
  else if (isLoopback(env.masterAddr))
    o->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
  else o->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
  o->threads = 1;  // one collective at a time: a second thread only competes with the trainer
  group_->pg = c10::make_intrusive<c10d::ProcessGroupGloo>(group_->store, rank_, worldSize_, o);
  backend_ = "gloo";
}

ProcessGroupCollective::~ProcessGroupCollective() = default;

namespace {

// Gloo and NCCL report a vanished peer as a plain error from wait(); it becomes a
// CollectiveError so this rank exits as "lost its peers" rather than as the cause.
void waitFor(const c10::intrusive_ptr<c10d::Work>& work, const char* what) {
  try {
    work->wait();
  } catch (const std::exception& e) {
    throw CollectiveError(std::string(what) + " with the other ranks failed (has a rank died?): " + e.what());
  }
}

}  // namespace

void ProcessGroupCollective::allReduceSum(torch::Tensor& t) {
  std::vector<torch::Tensor> v{t};
  waitFor(group_->pg->allreduce(v), "all-reduce");
}

void ProcessGroupCollective::broadcastTensor(torch::Tensor& t, int root) {
  // Gloo (torch 1.13) has no bfloat16 (nor int16); a broadcast only moves bytes, so bytes it is.
  const bool asBytes = t.scalar_type() == torch::kBFloat16 && backend_ == "gloo";
  std::vector<torch::Tensor> v{asBytes ? t.view({-1}).view(torch::kUInt8) : t};
  c10d::BroadcastOptions o;
  o.rootRank = root;
  waitFor(group_->pg->broadcast(v, o), "broadcast");
}

void ProcessGroupCollective::allGatherTensor(const torch::Tensor& mine, torch::Tensor& out) {
  // As broadcastTensor: bfloat16 travels as bytes (a gather does no arithmetic).
  const bool asBytes = mine.scalar_type() == torch::kBFloat16 && backend_ == "gloo";
  auto bytesOf = [&](const torch::Tensor& t) { return asBytes ? t.view(torch::kUInt8) : t; };
  auto flatOut = out.view({-1});
  const int64_t n = mine.numel();
  std::vector<torch::Tensor> in{bytesOf(mine.reshape({-1}).contiguous())};
  std::vector<std::vector<torch::Tensor>> parts(1);
  for (int r = 0; r < worldSize_; ++r) parts[0].push_back(torch::empty_like(in[0]));
  waitFor(group_->pg->allgather(parts, in), "all-gather");
  for (int r = 0; r < worldSize_; ++r) bytesOf(flatOut.narrow(0, r * n, n)).copy_(parts[0][static_cast<size_t>(r)]);
}

void ProcessGroupCollective::reduceSum(torch::Tensor& t, int root) {
  std::vector<torch::Tensor> v{t};
  c10d::ReduceOptions o;
  o.rootRank = root;
  o.reduceOp = c10d::ReduceOp::SUM;
  waitFor(group_->pg->reduce(v, o), "reduce");
}

double ProcessGroupCollective::sum(double value) {
  auto t = torch::full({1}, value, torch::TensorOptions().dtype(torch::kFloat64).device(device_));
  allReduceSum(t);
  return t.cpu().item<double>();
}

void ProcessGroupCollective::sum(std::vector<double>& values) {
  if (values.empty()) return;
  auto t = torch::tensor(values, torch::kFloat64).to(device_);
  allReduceSum(t);
  const auto back = t.cpu().contiguous();
  std::copy(back.data_ptr<double>(), back.data_ptr<double>() + values.size(), values.begin());
}

void ProcessGroupCollective::sumGradients(std::vector<torch::Tensor>& grads) {
  torch::NoGradGuard noGrad;
  forEachBucket(grads, [&](size_t i, size_t j) {
    if (j == i + 1 && grads[i].is_contiguous()) {
      allReduceSum(grads[i]);
      return;
    }
    std::vector<torch::Tensor> flat;
    for (size_t k = i; k < j; ++k) flat.push_back(grads[k].reshape({-1}));
    auto bucket = torch::cat(flat);
    allReduceSum(bucket);
    int64_t off = 0;
    for (size_t k = i; k < j; ++k) {
      const int64_t n = grads[k].numel();
      grads[k].copy_(bucket.narrow(0, off, n).view_as(grads[k]));
      off += n;
    }
  });
}

void ProcessGroupCollective::broadcastParameters(std::vector<torch::Tensor>& params) {
  torch::NoGradGuard noGrad;
  std::vector<torch::Tensor> data;
  for (auto& p : params) data.push_back(p.detach());
  forEachBucket(data, [&](size_t i, size_t j) {
    std::vector<torch::Tensor> flat;
    for (size_t k = i; k < j; ++k) flat.push_back(data[k].reshape({-1}));
    auto bucket = torch::cat(flat);
    broadcastTensor(bucket, 0);
    int64_t off = 0;
    for (size_t k = i; k < j; ++k) {
      const int64_t n = data[k].numel();
      data[k].copy_(bucket.narrow(0, off, n).view_as(data[k]));
      off += n;
    }
  });
}

std::vector<std::string> ProcessGroupCollective::allGather(const std::string& mine) {
  const auto onDevice = torch::TensorOptions().device(device_);
  // Sizes first: Gloo gathers equal shapes only, so every rank pads to the longest.
  auto size = torch::full({1}, static_cast<int64_t>(mine.size()), onDevice.dtype(torch::kInt64));
  std::vector<std::vector<torch::Tensor>> sizesOut(1);
  for (int r = 0; r < worldSize_; ++r) sizesOut[0].push_back(torch::empty({1}, onDevice.dtype(torch::kInt64)));
  std::vector<torch::Tensor> sizeIn{size};
  waitFor(group_->pg->allgather(sizesOut, sizeIn), "all-gather");
  std::vector<int64_t> sizes;
  int64_t longest = 1;
  for (auto& s : sizesOut[0]) {
    sizes.push_back(s.cpu().item<int64_t>());
    longest = std::max(longest, sizes.back());
  }
  auto bytes = torch::zeros({longest}, torch::kUInt8);
  std::copy(mine.begin(), mine.end(), reinterpret_cast<char*>(bytes.data_ptr<uint8_t>()));
  std::vector<torch::Tensor> in{bytes.to(device_)};
  std::vector<std::vector<torch::Tensor>> out(1);
  for (int r = 0; r < worldSize_; ++r) out[0].push_back(torch::empty({longest}, onDevice.dtype(torch::kUInt8)));
  waitFor(group_->pg->allgather(out, in), "all-gather");
  std::vector<std::string> result;
  for (int r = 0; r < worldSize_; ++r) {
    const auto b = out[0][static_cast<size_t>(r)].cpu().contiguous();
    const char* p = reinterpret_cast<const char*>(b.data_ptr<uint8_t>());
    result.emplace_back(p, p + sizes[static_cast<size_t>(r)]);
  }
  return result;
}

void ProcessGroupCollective::broadcast(std::string& data, int root) {
  auto size =
      torch::full({1}, static_cast<int64_t>(data.size()), torch::TensorOptions().dtype(torch::kInt64).device(device_));
  broadcastTensor(size, root);
  const int64_t n = size.cpu().item<int64_t>();
  auto bytes = torch::zeros({std::max<int64_t>(1, n)}, torch::kUInt8);
  if (rank_ == root) std::copy(data.begin(), data.end(), reinterpret_cast<char*>(bytes.data_ptr<uint8_t>()));
  bytes = bytes.to(device_);
  broadcastTensor(bytes, root);
  const auto b = bytes.cpu().contiguous();
  const char* p = reinterpret_cast<const char*>(b.data_ptr<uint8_t>());
  data.assign(p, p + n);
}

void ProcessGroupCollective::barrier() { waitFor(group_->pg->barrier(), "barrier"); }

}  // namespace longrl::train
