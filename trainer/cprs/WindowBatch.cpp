#include "trainer/cprs/WindowBatch.h"

#include <algorithm>
#include <stdexcept>

namespace longrl::cprs {

WindowBatch WindowBatch::make(const std::vector<int>& prefix, const std::vector<int>& document,
                              const std::vector<WindowPlan::Window>& windows, const std::vector<int>& labels) {
  if (!labels.empty() && labels.size() != document.size())
    throw std::invalid_argument("WindowBatch: " + std::to_string(labels.size()) + " labels for " +
                                std::to_string(document.size()) + " tokens");
  WindowBatch b;
  b.prefixLength = static_cast<int64_t>(prefix.size());
  std::size_t longest = 0;
  for (const auto& w : windows) longest = std::max(longest, w.end - w.begin);
  const auto W = static_cast<int64_t>(windows.size()), T = b.prefixLength + static_cast<int64_t>(longest);
  b.ids = torch::zeros({W, T}, torch::kInt64);
  b.mask = torch::zeros({W, T}, torch::kBool);
  if (!labels.empty()) b.labels = torch::full({W, T}, kIgnore, torch::kInt64);
  auto ids = b.ids.accessor<int64_t, 2>();
  auto mask = b.mask.accessor<bool, 2>();
  for (int64_t r = 0; r < W; ++r) {
    const auto& w = windows[static_cast<std::size_t>(r)];
    for (int64_t t = 0; t < b.prefixLength; ++t) ids[r][t] = prefix[static_cast<std::size_t>(t)];
    for (std::size_t i = w.begin; i < w.end; ++i)
      ids[r][b.prefixLength + static_cast<int64_t>(i - w.begin)] = document[i];
    const int64_t length = b.prefixLength + static_cast<int64_t>(w.end - w.begin);
    for (int64_t t = 0; t < length; ++t) mask[r][t] = true;
    if (labels.empty()) continue;
    auto lab = b.labels.accessor<int64_t, 2>();
    for (std::size_t i = w.begin; i < w.end; ++i)
      lab[r][b.prefixLength + static_cast<int64_t>(i - w.begin)] = labels[i];
  }
  return b;
}

std::vector<std::vector<double>> WindowBatch::windowScores(const torch::Tensor& keep,
                                                           const std::vector<WindowPlan::Window>& windows) const {
  const auto k = keep.to(torch::kCPU).to(torch::kFloat64).contiguous();
  auto a = k.accessor<double, 2>();
  std::vector<std::vector<double>> out;
  for (std::size_t r = 0; r < windows.size(); ++r) {
    std::vector<double> s;
    for (std::size_t i = 0; i < windows[r].end - windows[r].begin; ++i)
      s.push_back(a[static_cast<int64_t>(r)][prefixLength + static_cast<int64_t>(i)]);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace longrl::cprs
