#pragma once
#include <string>
#include <vector>

#include <torch/torch.h>

namespace longrl::train {

// What the trainer needs from data parallelism. The single-process default does nothing (every
// call is the identity); ProcessGroupCollective implements it over a c10d process group. Every
// rank must make the same calls in the same order (they are collective operations).
class Collective {
 public:
  virtual ~Collective() = default;
  virtual int rank() const { return 0; }
  virtual int worldSize() const { return 1; }
  // Sum of `value` over ranks.
  virtual double sum(double value) { return value; }
  // In place: element-wise sum over ranks (every rank passes the same length).
  virtual void sum(std::vector<double>& /*values*/) {}
  // In place: every gradient becomes the sum of the ranks' gradients.
  virtual void sumGradients(std::vector<torch::Tensor>& /*grads*/) {}
  // In place: rank `root`'s tensor becomes the element-wise sum over ranks (the others' contents
  // are then unspecified).
  virtual void reduceSum(torch::Tensor& /*t*/, int /*root*/) {}
  // In place: every rank's tensor becomes rank `root`'s (same shape and dtype everywhere).
  virtual void broadcastTensor(torch::Tensor& /*t*/, int /*root*/) {}
  // Every rank's parameter becomes rank 0's (at start-up).
  virtual void broadcastParameters(std::vector<torch::Tensor>& /*params*/) {}
  // Every rank's bytes, in rank order (the sizes may differ between ranks).
  virtual std::vector<std::string> allGather(const std::string& mine) { return {mine}; }
  // `data` becomes rank `root`'s bytes on every rank.
  virtual void broadcast(std::string& /*data*/, int /*root*/ = 0) {}
  virtual void barrier() {}
  // `out` (world size times mine's elements, mine's dtype) becomes the ranks' `mine` one after the
  // other, in rank order (every rank passes the same length).
  virtual void allGatherTensor(const torch::Tensor& mine, torch::Tensor& out) {
    out.view({-1}).copy_(mine.reshape({-1}));
  }

  bool leader() const { return rank() == 0; }
};

}  // namespace longrl::train
