#pragma once
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "trainer/train/Collective.h"
#include "trainer/train/DistributedEnv.h"

namespace longrl::train {

// Collective over a c10d process group: Gloo on CPU; NCCL for CUDA devices when LibTorch was
// built with it (compiled only under USE_C10D_NCCL, which this machine's CPU LibTorch lacks:
// the NCCL path has never been compiled or run here).
// Rendezvous through a TCPStore at MASTER_ADDR:MASTER_PORT that rank 0 serves, or torchrun's
// agent (DistributedEnv::useAgentStore).
class ProcessGroupCollective : public Collective {
 public:
  struct Options {
    // Longest a rank waits in one collective (and for the rendezvous) before it fails. Ranks
    // wait for each other after generation, so this must exceed the longest generation skew.
    std::chrono::milliseconds timeout = std::chrono::minutes(30);
    // The device the model lives on: a CUDA device selects NCCL, anything else Gloo.
    torch::Device device = torch::kCPU;
  };

  // Throws (naming MASTER_ADDR/MASTER_PORT) when the rendezvous fails.
  ProcessGroupCollective(const DistributedEnv& env, Options options);
  ~ProcessGroupCollective() override;

  int rank() const override { return rank_; }
  int worldSize() const override { return worldSize_; }
  std::string backend() const { return backend_; }

  double sum(double value) override;
  void sum(std::vector<double>& values) override;
  void sumGradients(std::vector<torch::Tensor>& grads) override;
  void reduceSum(torch::Tensor& t, int root) override;
  void broadcastTensor(torch::Tensor& t, int root) override;
  void allGatherTensor(const torch::Tensor& mine, torch::Tensor& out) override;
  void broadcastParameters(std::vector<torch::Tensor>& params) override;
  std::vector<std::string> allGather(const std::string& mine) override;
  void broadcast(std::string& data, int root = 0) override;
  void barrier() override;

 private:
  struct Group;
  void allReduceSum(torch::Tensor& t);
  std::unique_ptr<Group> group_;
  int rank_ = 0;
  int worldSize_ = 1;
  torch::Device device_;
  std::string backend_;
};

}  // namespace longrl::train
