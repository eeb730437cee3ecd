#include "kernels/ChunkedLogProbs.h"

#include "kernels/CudaKernels.h"
#include "kernels/KernelError.h"
#include "kernels/ShapeText.h"

namespace longrl::kernels {
namespace {

using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

void checkInputs(const Tensor& hidden, const Tensor& weight, const Tensor& targets, const ChunkedLogProbsOptions& o) {
  auto fail = [&](const std::string& what) {
    throw KernelError("ChunkedLogProbs::compute: " + what + " (hidden " + shapeText(hidden) + ", lmHeadWeight " +
                      shapeText(weight) + ", targets " + shapeText(targets) + ")");
  };
  if (!hidden.defined() || !weight.defined() || !targets.defined()) fail("undefined tensor");
  if (hidden.dim() != 2) fail("hidden must be [T,H]");
  if (weight.dim() != 2 || weight.size(1) != hidden.size(1)) fail("lmHeadWeight must be [V,H] with H of hidden");
  if (targets.dim() != 1 || targets.size(0) != hidden.size(0)) fail("targets must be [T]");
  if (targets.scalar_type() != torch::kLong) fail("targets must be int64");
  if (hidden.scalar_type() != weight.scalar_type()) fail("hidden and lmHeadWeight dtypes differ");
  if (hidden.device() != weight.device() || targets.device() != hidden.device()) fail("tensors on different devices");
  if (o.chunk <= 0) fail("options.chunk must be positive, got " + std::to_string(o.chunk));
  if (!(o.temperature > 0.0)) fail("options.temperature must be positive, got " + std::to_string(o.temperature));
  if (targets.numel() > 0) {
    auto lo = targets.min().item<int64_t>(), hi = targets.max().item<int64_t>();
    if (lo < 0 || hi >= weight.size(0))
      fail("target id out of [0," + std::to_string(weight.size(0)) + "): " + std::to_string(lo < 0 ? lo : hi));
  }
  if (o.refLogProbs && (o.refLogProbs->dim() != 1 || o.refLogProbs->size(0) != hidden.size(0)))
    fail("options.refLogProbs must be [T], got " + shapeText(*o.refLogProbs));
}

// Reduced-precision inputs are computed in fp32 chunk by chunk; fp32/fp64 stay as they are.
torch::ScalarType computeType(const Tensor& t) {
  auto s = t.scalar_type();
  return (s == torch::kHalf || s == torch::kBFloat16) ? torch::kFloat : s;
}

// Row statistics of one chunk of (temperature-scaled) logits z [c,V]; z is consumed (overwritten).
void chunkStats(Tensor z, const Tensor& tgt, Tensor lp, Tensor ent, Tensor lse, bool wantEntropy) {
  if (CudaKernels::usable(z) && z.scalar_type() == torch::kFloat) {
    CudaKernels::rowStats(z, tgt, lp, wantEntropy ? &ent : nullptr, lse);
    return;
  }
  auto m = std::get<0>(z.max(1, /*keepdim=*/true));
  auto zt = z.gather(1, tgt.unsqueeze(1)).squeeze(1);
  z.sub_(m);  // z - max <= 0
  if (!wantEntropy) {
    auto l = z.exp_().sum(1).log_().add_(m.squeeze(1));
    lse.copy_(l);
    lp.copy_(zt - l);
    return;
  }
  auto e = z.exp();
  auto s = e.sum(1);
  auto ez = e.mul_(z).sum(1);  // sum e (z - m)
  auto logS = s.log();
  auto l = logS + m.squeeze(1);
  lse.copy_(l);
  lp.copy_(zt - l);
  ent.copy_(logS - ez / s);  // H = lse - E_p[z] = log s - E_p[z - m]
}

struct ChunkedLogProbsFunction : public torch::autograd::Function<ChunkedLogProbsFunction> {
  static variable_list forward(AutogradContext* ctx, Tensor hidden, Tensor weight, Tensor targets, int64_t chunk,
                               double temperature, bool wantEntropy);
  static variable_list backward(AutogradContext* ctx, variable_list grads);
};

// Shared forward loop: fills logprobs, entropy and lse [T] (compute dtype).
void forwardLoop(const Tensor& hidden, const Tensor& weightC, const Tensor& targets, int64_t chunk, double invTemp,
                 bool wantEntropy, Tensor& lp, Tensor& ent, Tensor& lse) {
  const int64_t T = hidden.size(0);
  auto ct = weightC.scalar_type();
  auto opts = hidden.options().dtype(ct);
  lp = torch::empty({T}, opts);
  ent = wantEntropy ? torch::empty({T}, opts) : torch::zeros({T}, opts);
  lse = torch::empty({T}, opts);
  for (int64_t r0 = 0; r0 < T; r0 += chunk) {
    int64_t r1 = std::min(T, r0 + chunk);
    auto h = hidden.slice(0, r0, r1).to(ct);
    auto z = torch::matmul(h, weightC.t());
    if (invTemp != 1.0) z.mul_(invTemp);
    chunkStats(z, targets.slice(0, r0, r1), lp.slice(0, r0, r1), ent.slice(0, r0, r1), lse.slice(0, r0, r1),
               wantEntropy);
  }
}

variable_list ChunkedLogProbsFunction::forward(AutogradContext* ctx, Tensor hidden, Tensor weight, Tensor targets,
                                               int64_t chunk, double temperature, bool wantEntropy) {
  Tensor weightC = weight.to(computeType(weight));
  Tensor lp, ent, lse;
  forwardLoop(hidden, weightC, targets, chunk, 1.0 / temperature, wantEntropy, lp, ent, lse);
  ctx->save_for_backward({hidden, weight, targets});
  ctx->saved_data["lse"] = lse;
  ctx->saved_data["ent"] = ent;
  ctx->saved_data["chunk"] = chunk;
  ctx->saved_data["temperature"] = temperature;
  ctx->saved_data["entropy"] = wantEntropy;
  ctx->set_materialize_grads(false);  // an unused entropy output arrives undefined: skip its work
  auto outType = hidden.scalar_type();
  return {lp.to(outType), ent.to(outType)};
}

variable_list ChunkedLogProbsFunction::backward(AutogradContext* ctx, variable_list grads) {
  auto saved = ctx->get_saved_variables();
  Tensor hidden = saved[0], weight = saved[1], targets = saved[2];
  Tensor lse = ctx->saved_data["lse"].toTensor(), ent = ctx->saved_data["ent"].toTensor();
  const int64_t chunk = ctx->saved_data["chunk"].toInt();
  const double invTemp = 1.0 / ctx->saved_data["temperature"].toDouble();
  const bool wantEntropy = ctx->saved_data["entropy"].toBool();
  const bool needH = ctx->needs_input_grad(0), needW = ctx->needs_input_grad(1);
  const auto ct = computeType(weight);
  const int64_t T = hidden.size(0);
  Tensor gLp = grads[0].defined() ? grads[0].to(ct) : Tensor();
  Tensor gEnt = (wantEntropy && grads[1].defined()) ? grads[1].to(ct) : Tensor();
  if ((!gLp.defined() && !gEnt.defined()) || (!needH && !needW) || T == 0)
    return {Tensor(), Tensor(), Tensor(), Tensor(), Tensor(), Tensor()};
  if (!gLp.defined()) gLp = torch::zeros({T}, lse.options());

  Tensor weightC = weight.to(ct);
  Tensor gradH = needH ? torch::empty(hidden.sizes(), hidden.options().dtype(ct)) : Tensor();
  Tensor gradW = needW ? torch::zeros(weight.sizes(), weight.options().dtype(ct)) : Tensor();
  const bool onCuda = CudaKernels::usable(hidden) && ct == torch::kFloat;
  for (int64_t r0 = 0; r0 < T; r0 += chunk) {
    int64_t r1 = std::min(T, r0 + chunk);
    auto h = hidden.slice(0, r0, r1).to(ct);
    auto tgt = targets.slice(0, r0, r1);
    auto gl = gLp.slice(0, r0, r1).unsqueeze(1);
    auto z = torch::matmul(h, weightC.t());  // recomputed logits: the only [c,V] buffers live per chunk
    if (invTemp != 1.0) z.mul_(invTemp);
    if (onCuda) {
      CudaKernels::rowGrad(z, tgt, lse.slice(0, r0, r1), ent.slice(0, r0, r1), gLp.slice(0, r0, r1),
                           gEnt.defined() ? gEnt.slice(0, r0, r1) : Tensor(), invTemp);
    } else {
      z.sub_(lse.slice(0, r0, r1).unsqueeze(1));  // z := log p
      if (gEnt.defined()) {
        // dH/dz = -p (log p + H); dlogp_target/dz = onehot - p
        auto p = z.exp();
        z.add_(ent.slice(0, r0, r1).unsqueeze(1)).mul_(gEnt.slice(0, r0, r1).unsqueeze(1)).add_(gl);
        z.mul_(p).neg_();
      } else {
        z.exp_().mul_(gl).neg_();
      }
      z.scatter_add_(1, tgt.unsqueeze(1), gl);
      if (invTemp != 1.0) z.mul_(invTemp);
    }
    if (needH) gradH.slice(0, r0, r1).copy_(torch::matmul(z, weightC));
    if (needW) gradW.addmm_(z.t(), h);
  }
  return {needH ? gradH.to(hidden.scalar_type()) : Tensor(),
          needW ? gradW.to(weight.scalar_type()) : Tensor(),
          Tensor(),
          Tensor(),
          Tensor(),
          Tensor()};
}

}  // namespace

ChunkedLogProbsResult ChunkedLogProbs::compute(const Tensor& hidden, const Tensor& lmHeadWeight, const Tensor& targets,
                                               const Options& options) {
  checkInputs(hidden, lmHeadWeight, targets, options);
  ChunkedLogProbsResult result;
  const bool needGrad = torch::GradMode::is_enabled() && (hidden.requires_grad() || lmHeadWeight.requires_grad());
  if (needGrad) {
    auto outs = ChunkedLogProbsFunction::apply(hidden, lmHeadWeight, targets, options.chunk, options.temperature,
                                               options.computeEntropy);
    result.logprobs = outs[0];
    if (options.computeEntropy) result.entropy = outs[1];
  } else {
    // Old/ref log-probs: no graph, nothing saved; the weight is cast once, not per chunk.
    torch::NoGradGuard noGrad;
    Tensor weightC = lmHeadWeight.to(computeType(lmHeadWeight));
    Tensor lp, ent, lse;
    forwardLoop(hidden, weightC, targets, options.chunk, 1.0 / options.temperature, options.computeEntropy, lp, ent,
                lse);
    result.logprobs = lp.to(hidden.scalar_type());
    if (options.computeEntropy) result.entropy = ent.to(hidden.scalar_type());
  }
  if (options.refLogProbs)
    result.kl = klEstimate(result.logprobs, options.refLogProbs->to(result.logprobs.scalar_type()), options.klPenalty);
  return result;
}

Tensor ChunkedLogProbs::klEstimate(const Tensor& logprobs, const Tensor& refLogProbs, KlPenalty penalty) {
  if (logprobs.sizes() != refLogProbs.sizes())
    throw KernelError("ChunkedLogProbs::klEstimate: logprobs " + shapeText(logprobs) + " vs refLogProbs " +
                      shapeText(refLogProbs));
  switch (penalty) {
    case KlPenalty::K1:
      return logprobs - refLogProbs;
    case KlPenalty::K2:
      return 0.5 * (logprobs - refLogProbs).pow(2);
    case KlPenalty::K3:
    case KlPenalty::LowVarKl: {
      const auto d = (refLogProbs - logprobs).clamp(-20.0, 20.0);
      const auto k3 = d.exp() - d - 1.0;
      return penalty == KlPenalty::LowVarKl ? k3.clamp(-10.0, 10.0) : k3;
    }
  }
  return logprobs - refLogProbs;
}

}  // namespace longrl::kernels
