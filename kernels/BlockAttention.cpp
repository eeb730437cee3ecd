#include "kernels/BlockAttention.h"

#include <cmath>
#include <limits>

#include "kernels/CudaKernels.h"
#include "kernels/KernelError.h"
#include "kernels/ShapeText.h"

namespace longrl::kernels {
namespace {

using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct Geometry {
  int64_t B, Hq, Hkv, G, T, S, D, bq, bk, offset;
  double scale;
  bool causal;
};

Geometry resolve(const Tensor& q, const Tensor& k, const Tensor& v, const BlockAttentionOptions& o) {
  auto fail = [&](const std::string& what) {
    throw KernelError("BlockAttention::forward: " + what + " (q " + shapeText(q) + ", k " + shapeText(k) + ", v " +
                      shapeText(v) + ")");
  };
  if (!q.defined() || !k.defined() || !v.defined()) fail("undefined tensor");
  if (q.dim() != 4 || k.dim() != 4 || v.dim() != 4) fail("q, k, v must be [B,H,T,D]");
  if (k.sizes() != v.sizes()) fail("k and v shapes differ");
  if (q.size(0) != k.size(0) || q.size(3) != k.size(3)) fail("batch or head dim of q and k differ");
  if (k.size(1) == 0 || q.size(1) % k.size(1) != 0) fail("query heads must be a multiple of kv heads");
  if (q.scalar_type() != k.scalar_type() || q.scalar_type() != v.scalar_type()) fail("dtypes differ");
  if (q.device() != k.device() || q.device() != v.device()) fail("tensors on different devices");
  if (o.blockQ <= 0 || o.blockK <= 0) fail("blockQ and blockK must be positive");
  Geometry g{q.size(0), q.size(1), k.size(1), q.size(1) / k.size(1), q.size(2), k.size(2),
             q.size(3), o.blockQ,  o.blockK,  o.queryOffset,         o.scale,   o.causal};
  if (g.S == 0) fail("no keys");
  if (g.offset < 0) g.offset = g.S - g.T;
  if (g.causal && g.offset < 0) fail("causal with more queries than keys needs queryOffset >= 0");
  if (!(g.scale > 0.0)) g.scale = 1.0 / std::sqrt(static_cast<double>(g.D));
  return g;
}

torch::ScalarType computeType(const Tensor& t) {
  auto s = t.scalar_type();
  return (s == torch::kHalf || s == torch::kBFloat16) ? torch::kFloat : s;
}

// Keys [0, keyEnd) can be seen by some query of the block [i0, i1).
int64_t keyEnd(const Geometry& g, int64_t i1) { return g.causal ? std::min(g.S, g.offset + i1) : g.S; }

// Masks (in place, -inf) the scores [B,Hkv,G*n,m] of query rows i0.. against keys j0..: key j is visible
// to query i iff j <= offset + i. Tiles entirely below the diagonal need no mask.
void maskTile(const Geometry& g, Tensor& s, int64_t i0, int64_t n, int64_t j0, int64_t m) {
  if (!g.causal || j0 + m - 1 <= g.offset + i0) return;
  auto opts = torch::TensorOptions().dtype(torch::kLong).device(s.device());
  auto qi = torch::arange(i0 + g.offset, i0 + g.offset + n, opts).unsqueeze(1);
  auto kj = torch::arange(j0, j0 + m, opts).unsqueeze(0);
  auto hidden = (kj > qi).unsqueeze(0).expand({g.G, n, m}).reshape({g.G * n, m});
  s.masked_fill_(hidden, -std::numeric_limits<double>::infinity());
}

// Rows of a [B,Hkv,G,T,X] tensor for queries [i0,i1), as [B,Hkv,G*n,X] (a copy: tiles are small).
Tensor rows(const Tensor& t5, int64_t i0, int64_t i1) {
  auto s = t5.slice(3, i0, i1);
  return s.reshape({s.size(0), s.size(1), s.size(2) * s.size(3), s.size(4)});
}

std::pair<Tensor, Tensor> forwardCpu(const Geometry& g, const Tensor& q, const Tensor& k, const Tensor& v) {
  auto q5 = q.reshape({g.B, g.Hkv, g.G, g.T, g.D});
  auto out = torch::empty({g.B, g.Hkv, g.G, g.T, g.D}, q.options());
  auto lse = torch::empty({g.B, g.Hkv, g.G, g.T, 1}, q.options());
  const double inf = std::numeric_limits<double>::infinity();
  for (int64_t i0 = 0; i0 < g.T; i0 += g.bq) {
    const int64_t i1 = std::min(g.T, i0 + g.bq), n = i1 - i0;
    auto qb = rows(q5, i0, i1) * g.scale;  // a copy: never scale q in place
    auto m = torch::full({g.B, g.Hkv, g.G * n, 1}, -inf, q.options());
    auto l = torch::zeros_like(m);
    auto acc = torch::zeros({g.B, g.Hkv, g.G * n, g.D}, q.options());
    for (int64_t j0 = 0, jEnd = keyEnd(g, i1); j0 < jEnd; j0 += g.bk) {
      const int64_t j1 = std::min(jEnd, j0 + g.bk);
      auto s = torch::matmul(qb, k.slice(2, j0, j1).transpose(-1, -2));
      maskTile(g, s, i0, n, j0, j1 - j0);
      auto mNew = torch::maximum(m, std::get<0>(s.max(-1, true)));
      auto alpha = (m - mNew).exp_();  // rescales what earlier blocks accumulated
      s.sub_(mNew).exp_();
      l.mul_(alpha).add_(s.sum(-1, true));
      acc.mul_(alpha).add_(torch::matmul(s, v.slice(2, j0, j1)));
      m = mNew;
    }
    out.slice(3, i0, i1).copy_(acc.div_(l).view({g.B, g.Hkv, g.G, n, g.D}));
    lse.slice(3, i0, i1).copy_(m.add_(l.log()).view({g.B, g.Hkv, g.G, n, 1}));
  }
  return {out.view({g.B, g.Hq, g.T, g.D}), lse.view({g.B, g.Hq, g.T})};
}

std::vector<Tensor> backwardCpu(const Geometry& g, const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& out,
                                const Tensor& lse, const Tensor& dout) {
  auto q5 = q.reshape({g.B, g.Hkv, g.G, g.T, g.D});
  auto do5 = dout.reshape({g.B, g.Hkv, g.G, g.T, g.D});
  auto lse5 = lse.reshape({g.B, g.Hkv, g.G, g.T, 1});
  auto delta5 = (dout * out).sum(-1, true).reshape({g.B, g.Hkv, g.G, g.T, 1});  // rowsum(dO * O)
  auto dq = torch::empty({g.B, g.Hkv, g.G, g.T, g.D}, q.options());
  auto dk = torch::zeros_like(k), dv = torch::zeros_like(v);
  for (int64_t i0 = 0; i0 < g.T; i0 += g.bq) {
    const int64_t i1 = std::min(g.T, i0 + g.bq), n = i1 - i0;
    auto qb = rows(q5, i0, i1) * g.scale;  // a copy: never scale q in place
    auto dob = rows(do5, i0, i1), lb = rows(lse5, i0, i1), db = rows(delta5, i0, i1);
    auto dqb = torch::zeros({g.B, g.Hkv, g.G * n, g.D}, q.options());
    for (int64_t j0 = 0, jEnd = keyEnd(g, i1); j0 < jEnd; j0 += g.bk) {
      const int64_t j1 = std::min(jEnd, j0 + g.bk);
      auto kb = k.slice(2, j0, j1), vb = v.slice(2, j0, j1);
      auto p = torch::matmul(qb, kb.transpose(-1, -2));
      maskTile(g, p, i0, n, j0, j1 - j0);
      p.sub_(lb).exp_();                                                  // the forward's probabilities, recomputed
      dv.slice(2, j0, j1).add_(torch::matmul(p.transpose(-1, -2), dob));  // sums the G query heads
      auto ds = torch::matmul(dob, vb.transpose(-1, -2)).sub_(db).mul_(p);
      dqb.add_(torch::matmul(ds, kb));
      dk.slice(2, j0, j1).add_(torch::matmul(ds.transpose(-1, -2), qb));  // qb carries the scale
    }
    dq.slice(3, i0, i1).copy_(dqb.mul_(g.scale).view({g.B, g.Hkv, g.G, n, g.D}));
  }
  return {dq.view({g.B, g.Hq, g.T, g.D}), dk, dv};
}

std::pair<Tensor, Tensor> forwardAny(const Geometry& g, const Tensor& q, const Tensor& k, const Tensor& v) {
  if (CudaKernels::attentionUsable(q)) {
    auto r = CudaKernels::attentionForward(q.contiguous(), k.contiguous(), v.contiguous(), g.scale, g.causal, g.offset);
    return {r[0], r[1]};
  }
  return forwardCpu(g, q, k, v);
}

struct BlockAttentionFunction : public torch::autograd::Function<BlockAttentionFunction> {
  static variable_list forward(AutogradContext* ctx, Tensor q, Tensor k, Tensor v, double scale, bool causal,
                               int64_t blockQ, int64_t blockK, int64_t queryOffset) {
    BlockAttentionOptions o{causal, blockQ, blockK, scale, queryOffset};
    Geometry g = resolve(q, k, v, o);
    auto [out, lse] = forwardAny(g, q, k, v);
    ctx->save_for_backward({q, k, v, out});
    ctx->saved_data["lse"] = lse;
    ctx->saved_data["scale"] = g.scale;
    ctx->saved_data["causal"] = causal;
    ctx->saved_data["blockQ"] = blockQ;
    ctx->saved_data["blockK"] = blockK;
    ctx->saved_data["offset"] = g.offset;
    return {out};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    Tensor q = saved[0], k = saved[1], v = saved[2], out = saved[3];
    BlockAttentionOptions o{ctx->saved_data["causal"].toBool(), ctx->saved_data["blockQ"].toInt(),
                            ctx->saved_data["blockK"].toInt(), ctx->saved_data["scale"].toDouble(),
                            ctx->saved_data["offset"].toInt()};
    Geometry g = resolve(q, k, v, o);
    Tensor lse = ctx->saved_data["lse"].toTensor(), dout = grads[0];
    std::vector<Tensor> d;
    if (CudaKernels::attentionUsable(q))
      d = CudaKernels::attentionBackward(q.contiguous(), k.contiguous(), v.contiguous(), out.contiguous(), lse,
                                         dout.contiguous(), g.scale, g.causal, g.offset);
    else d = backwardCpu(g, q, k, v, out, lse, dout);
    return {d[0], d[1], d[2], Tensor(), Tensor(), Tensor(), Tensor(), Tensor()};
  }
};

}  // namespace

torch::Tensor BlockAttention::forward(const Tensor& q, const Tensor& k, const Tensor& v, const Options& options) {
  resolve(q, k, v, options);  // validate before any conversion
  const auto ct = computeType(q);
  auto qc = q.to(ct), kc = k.to(ct), vc = v.to(ct);
  const bool needGrad = torch::GradMode::is_enabled() && (q.requires_grad() || k.requires_grad() || v.requires_grad());
  Tensor out;
  if (needGrad) {
    out = BlockAttentionFunction::apply(qc, kc, vc, options.scale, options.causal, options.blockQ, options.blockK,
                                        options.queryOffset)[0];
  } else {
    torch::NoGradGuard noGrad;
    out = forwardAny(resolve(qc, kc, vc, options), qc, kc, vc).first;
  }
  return out.to(q.scalar_type());
}

std::pair<Tensor, Tensor> BlockAttention::forwardWithLse(const Tensor& q, const Tensor& k, const Tensor& v,
                                                         const Options& options) {
  torch::NoGradGuard noGrad;
  const auto ct = computeType(q);
  auto qc = q.to(ct), kc = k.to(ct), vc = v.to(ct);
  auto [out, lse] = forwardAny(resolve(qc, kc, vc, options), qc, kc, vc);
  return {out.to(q.scalar_type()), lse};
}

}  // namespace longrl::kernels
