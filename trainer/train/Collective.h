#pragma once
#include <vector>

#include <torch/torch.h>

namespace longrl::train {

// What the trainer needs from data parallelism: sums across ranks. The single-process default
// does nothing; a process-group implementation all-reduces.
class Collective {
 public:
  virtual ~Collective() = default;
  virtual int rank() const { return 0; }
  virtual int worldSize() const { return 1; }
  // Sum of `value` over ranks.
  virtual double sum(double value) { return value; }
  // In place: every gradient becomes the sum of the ranks' gradients.
  virtual void sumGradients(std::vector<torch::Tensor>& /*grads*/) {}
  // Every rank's parameter becomes rank 0's (at start-up).
  virtual void broadcastParameters(std::vector<torch::Tensor>& /*params*/) {}
};

}  // namespace longrl::train
