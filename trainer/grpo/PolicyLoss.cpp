#include "trainer/grpo/PolicyLoss.h"

#include "kernels/ChunkedLogProbs.h"

namespace longrl::grpo {

torch::Tensor PolicyLoss::maskedMean(const torch::Tensor& x, const torch::Tensor& mask) {
  const auto m = mask.to(x.dtype());
  return (x * m).sum() / m.sum().clamp_min(1.0);
}

torch::Tensor PolicyLoss::aggregate(const torch::Tensor& loss, const torch::Tensor& mask, config::LossAggMode mode) {
  const auto m = mask.to(loss.dtype());
  switch (mode) {
    case config::LossAggMode::TokenMean:
      return maskedMean(loss, m);
    case config::LossAggMode::SeqMeanTokenMean: {
      const auto perSeq = (loss * m).sum(-1) / m.sum(-1).clamp_min(1.0);
      return perSeq.mean();
    }
    case config::LossAggMode::SeqMeanTokenSum:
      return (loss * m).sum(-1).mean();
  }
  return maskedMean(loss, m);
}

PolicyLossResult PolicyLoss::compute(const torch::Tensor& logProbs, const torch::Tensor& oldLogProbs,
                                     const torch::Tensor& advantages, const torch::Tensor& mask,
                                     const PolicyLossOptions& o) {
  // Clamp before exp as verl does: a stale old log-prob must not overflow the ratio.
  const auto negApproxKl = (logProbs - oldLogProbs).clamp(-20.0, 20.0);
  const auto ratio = negApproxKl.exp();
  const auto losses1 = -advantages * ratio;
  const auto losses2 = -advantages * ratio.clamp(1.0 - o.clipRatioLow, 1.0 + o.clipRatioHigh);
  const auto clipped = torch::maximum(losses1, losses2);

  PolicyLossResult r;
  r.ppoKl = maskedMean(-negApproxKl, mask).detach();
  r.clipFrac = maskedMean(losses2.gt(losses1).to(logProbs.dtype()), mask).detach();
  torch::Tensor losses = clipped;
  if (o.dualClip) {
    const auto losses3 = -advantages * o.clipRatioC;
    const auto negative = advantages.lt(0);
    losses = torch::where(negative, torch::minimum(losses3, clipped), clipped);
    r.clipFracLower = maskedMean((clipped.gt(losses3) & negative).to(logProbs.dtype()), mask).detach();
  } else {
    r.clipFracLower = torch::zeros({}, logProbs.options());
  }
  r.loss = aggregate(losses, mask, o.aggMode);
  return r;
}

torch::Tensor PolicyLoss::klPenalty(const torch::Tensor& logProbs, const torch::Tensor& refLogProbs,
                                    config::KlLossType type) {
  return kernels::ChunkedLogProbs::klEstimate(logProbs, refLogProbs, type);
}

}  // namespace longrl::grpo
