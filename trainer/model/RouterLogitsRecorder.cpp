#include "trainer/model/RouterLogitsRecorder.h"

#include <stdexcept>
#include <utility>

namespace longrl::model {

void RouterLogitsRecorder::start() {
  records_.clear();
  masks_.clear();
  recording_ = true;
}

void RouterLogitsRecorder::stop() {
  recording_ = false;
  records_.clear();
  masks_.clear();
}

void RouterLogitsRecorder::beginForward(const torch::Tensor& tokenMask) {
  if (!recording_) return;
  masks_.push_back(tokenMask.defined() ? tokenMask.reshape({-1}).to(torch::kBool) : torch::Tensor());
}

void RouterLogitsRecorder::maskLastForward(const torch::Tensor& tokenMask) {
  if (!recording_ || masks_.empty()) return;
  masks_.back() = tokenMask.reshape({-1}).to(torch::kBool);
}

void RouterLogitsRecorder::add(const torch::Tensor& logits) {
  if (capturing_) {
    if (captured_.defined()) throw std::logic_error("RouterLogitsRecorder: two router logits in one capture");
    captured_ = logits;
    return;
  }
  if (!recording_) return;
  if (masks_.empty()) throw std::logic_error("RouterLogitsRecorder::add before beginForward");
  records_.push_back({logits, masks_.size() - 1});
}

void RouterLogitsRecorder::beginCapture() {
  if (capturing_) throw std::logic_error("RouterLogitsRecorder::beginCapture: a capture is already open");
  capturing_ = true;
  captured_ = torch::Tensor();
}

torch::Tensor RouterLogitsRecorder::endCapture() {
  capturing_ = false;
  return std::exchange(captured_, torch::Tensor());
}

torch::Tensor RouterLogitsRecorder::auxLoss(int64_t numExperts, int64_t topK) const {
  std::vector<torch::Tensor> real;
  for (const auto& r : records_) {
    const auto& mask = masks_[r.forward];
    if (!mask.defined()) {
      real.push_back(r.logits);
    } else {
      if (mask.size(0) != r.logits.size(0))
        throw std::invalid_argument("RouterLogitsRecorder: token mask and router logits differ in length");
      real.push_back(r.logits.index({mask.to(r.logits.device())}));
    }
  }
  if (real.empty()) return {};
  return loadBalancingLoss(torch::cat(real, 0), numExperts, topK);
}

torch::Tensor RouterLogitsRecorder::loadBalancingLoss(const torch::Tensor& logits, int64_t numExperts, int64_t topK) {
  const auto probs = torch::softmax(logits.to(torch::kFloat32), -1);  // [N, E]
  if (probs.size(0) == 0) return torch::zeros({}, probs.options());
  const auto selected = std::get<1>(probs.topk(topK, -1));  // [N, k]
  // f[k, e]: the share of tokens whose k-th pick is e (no gradient, as in HF's one_hot).
  const auto picks = torch::one_hot(selected, numExperts).to(torch::kFloat32).mean(0);  // [k, E]
  const auto meanProb = probs.mean(0);                                                  // [E]
  return (picks * meanProb.unsqueeze(0)).sum() * static_cast<double>(numExperts);
}

}  // namespace longrl::model
