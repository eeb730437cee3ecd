#include "trainer/model/BlockAttentionFunction.h"

#include "kernels/BlockAttention.h"

namespace longrl::model {

AttentionFunction blockAttentionFunction() {
  return [](const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, const AttentionMask& mask,
            double scale) {
    // One query row (a decode step) gains nothing from blocking; generation keeps the path its
    // sampling/actor log-prob parity was measured on.
    if (mask.keyMask.defined() || q.size(2) == 1) return eagerAttention(q, k, v, mask, scale);
    kernels::BlockAttention::Options o;
    o.causal = mask.causal;
    o.scale = scale;
    o.queryOffset = mask.pastLength;
    return kernels::BlockAttention::forward(q, k, v, o);
  };
}

}  // namespace longrl::model
