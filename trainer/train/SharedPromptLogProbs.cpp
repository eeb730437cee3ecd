#include "trainer/train/SharedPromptLogProbs.h"

#include <algorithm>

namespace longrl::train {
namespace {

// The responses' right padding went through the routers too; the load-balancing loss leaves it out.
void maskResponsePadding(model::RouterLogitsRecorder& recorder, const SequenceBatch& batch,
                         const std::vector<int64_t>& group, int64_t inputs) {
  std::vector<int64_t> fed;  // a response's tokens but its last go through the model
  for (int64_t row : group) fed.push_back(batch.responseLen[row] - 1);
  const auto i64 = torch::TensorOptions().dtype(torch::kInt64).device(batch.ids.device());
  recorder.maskLastForward(torch::arange(inputs, i64).unsqueeze(0) < torch::tensor(fed, i64).unsqueeze(1));
}

}  // namespace

TokenLogProbsResult SharedPromptLogProbs::compute(model::QwenForCausalLM& model, const SequenceBatch& batch,
                                                  double temperature, bool withEntropy) {
  const int64_t rows = batch.rows();
  // Row i's response targets start at targetStart[i] in batch.targets (row-major, as build() lays them).
  std::vector<int64_t> targetStart(static_cast<size_t>(rows), 0);
  for (int64_t i = 1; i < rows; ++i) targetStart[i] = targetStart[i - 1] + batch.responseLen[i - 1];
  std::vector<int64_t> source(static_cast<size_t>(batch.responseTokens()), 0);
  std::vector<torch::Tensor> pool;  // hidden-state rows; source[] indexes their concatenation
  int64_t poolRows = 0;
  const auto i64 = torch::TensorOptions().dtype(torch::kInt64).device(batch.ids.device());
  const int64_t width = batch.ids.size(1);
  for (const auto& group : batch.promptGroups) {
    const int64_t first = group.front();
    const int64_t promptLen = batch.promptLen[first];
    int64_t longest = 0;
    for (int64_t i : group) longest = std::max(longest, batch.responseLen[i]);
    const auto prompt = batch.ids[first].narrow(0, 0, promptLen).unsqueeze(0);
    const int64_t inputs = longest - 1;  // a response's last token predicts nothing
    const auto n = static_cast<int64_t>(group.size());
    // Right padding: a row's real tokens never attend to the padding after them. Dynamic rope
    // scaling sees the padded batch's length, as in the forward of every row.
    const auto responses = batch.ids.index_select(0, torch::tensor(group, i64)).narrow(1, promptLen, inputs);
    const auto [promptHidden, hidden] =
        model->forwardSharedPrompt(prompt, responses, width);  // [1, P, H], [n, inputs, H]
    // The prompt's last state predicts every row's first response token.
    const int64_t lastRow = poolRows;
    pool.push_back(promptHidden[0].narrow(0, promptLen - 1, 1));
    poolRows += 1;
    const int64_t base = poolRows;
    if (inputs > 0) {
      if (model->routerLogits().recording()) maskResponsePadding(model->routerLogits(), batch, group, inputs);
      pool.push_back(hidden.reshape({n * inputs, hidden.size(-1)}));
      poolRows += n * inputs;
    }
    for (size_t k = 0; k < group.size(); ++k) {
      const int64_t row = group[k];
      source[static_cast<size_t>(targetStart[row])] = lastRow;
      for (int64_t j = 1; j < batch.responseLen[row]; ++j)
        source[static_cast<size_t>(targetStart[row] + j)] = base + static_cast<int64_t>(k) * inputs + (j - 1);
    }
  }
  const auto hidden = torch::cat(pool, 0).index_select(0, torch::tensor(source, i64));
  return TokenLogProbs::forTargets(hidden, model->lmHeadWeight(), batch, temperature, withEntropy);
}

}  // namespace longrl::train
