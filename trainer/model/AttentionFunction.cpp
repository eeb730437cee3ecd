#include "trainer/model/AttentionFunction.h"

#include <limits>

namespace longrl::model {

torch::Tensor eagerAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                             const AttentionMask& mask, double scale) {
  const int64_t B = q.size(0), H = q.size(1), T = q.size(2), D = q.size(3);
  const int64_t Hkv = k.size(1), S = k.size(2);
  const int64_t groups = H / Hkv;
  // [B, Hkv, groups*T, D]: the query heads sharing one kv head become extra query rows.
  auto qg = q.to(torch::kFloat32).reshape({B, Hkv, groups * T, D});
  auto scores = torch::matmul(qg, k.to(torch::kFloat32).transpose(-1, -2)).mul_(scale);  // [B, Hkv, g*T, S]
  scores = scores.view({B, Hkv, groups, T, S});
  torch::Tensor allowed;
  if (mask.causal) {
    auto opts = torch::TensorOptions().dtype(torch::kInt64).device(q.device());
    auto queryPos = torch::arange(T, opts).unsqueeze(1) + mask.pastLength;  // [T, 1]
    allowed = (torch::arange(S, opts).unsqueeze(0) <= queryPos).view({1, 1, 1, T, S});
  }
  if (mask.keyMask.defined()) {
    auto keys = mask.keyMask.to(torch::kBool).view({B, 1, 1, 1, S});
    allowed = allowed.defined() ? allowed & keys : keys;
  }
  // The lowest finite value rather than -inf: a query with no visible key (left padding)
  // gets a uniform, finite distribution instead of NaN.
  if (allowed.defined()) scores.masked_fill_(allowed.logical_not(), std::numeric_limits<float>::lowest());
  auto probs = torch::softmax(scores, -1).to(v.scalar_type()).view({B, Hkv, groups * T, S});
  return torch::matmul(probs, v).view({B, H, T, D});
}

}  // namespace longrl::model
