#pragma once
#include <utility>
#include <vector>

#include <torch/torch.h>

namespace longrl::model {

// Keys and values of every layer for the tokens seen so far, for incremental decoding.
// Per layer: K and V of shape [B, kvHeads, capacity, headDim]; the first length() slots are
// filled. Alongside: keyMask [B, length] (false = padding, never attended to) and the next
// rotary position of each row, so that left-padded prompts decode with the right positions.
//
// Usage by the model: for each layer, update(layer, k, v) writes the new slots and returns
// views over [0, length + T); after the last layer, commit(mask) advances length.
// Usage by a sampler: prefill a batch-1 prompt, expand(G) to G rows sharing that prefix, then
// decode; selectRows(idx) keeps the rows still running.
class KvCache {
 public:
  explicit KvCache(int64_t numLayers, int64_t reserveTokens = 0);

  int64_t numLayers() const { return static_cast<int64_t>(keys_.size()); }
  int64_t length() const { return length_; }
  int64_t batchSize() const { return nextPositions_.defined() ? nextPositions_.size(0) : 0; }
  bool empty() const { return length_ == 0; }
  // [B, length] bool (undefined while empty).
  const torch::Tensor& keyMask() const { return keyMask_; }
  // [B] int64: the position the next real token of each row gets (undefined while empty).
  const torch::Tensor& nextPositions() const { return nextPositions_; }

  // Positions for T new tokens: each row continues from nextPositions(); padding (mask false)
  // does not advance the count. `mask` [B, T] may be undefined (all real).
  torch::Tensor positionsFor(const torch::Tensor& mask, int64_t batch, int64_t steps, torch::Device device) const;

  // Writes k, v ([B, kvHeads, T, headDim]) after the current length of `layer`; returns the
  // keys and values of all length + T slots. Grows capacity (doubling) when needed.
  std::pair<torch::Tensor, torch::Tensor> update(int64_t layer, const torch::Tensor& k, const torch::Tensor& v);
  // Marks T = mask.size(1) new slots filled (mask [B, T], true = real token) and advances
  // the rows' positions by their number of real tokens. allReal: the caller knows the mask
  // has no padding (it made it all true), which keeps hasPadding() false without a reduction.
  void commit(const torch::Tensor& mask, const torch::Tensor& positions, bool allReal = false);
  // Whether any filled slot may be padding. When not, attention needs no key mask: causality
  // and the past length say everything (and the block kernel can run).
  bool hasPadding() const { return padded_; }

  // A batch-1 cache becomes `rows` rows holding copies of the same prefix.
  void expand(int64_t rows);
  // One cache of the batch-1 caches `parts`, each repeated rowsEach times, left-padded to the
  // longest (zeros under a false key mask): prompts prefilled one by one decode as one batch.
  // The result reserves room for reserveTokens slots in all.
  static KvCache stack(const std::vector<KvCache>& parts, int64_t rowsEach, int64_t reserveTokens);
  // Keep only rows `index` (int64 [R], may repeat rows) in that order.
  void selectRows(const torch::Tensor& index);
  void clear();

 private:
  void ensureCapacity(int64_t needed);
  static torch::Tensor stackLayer(const std::vector<torch::Tensor>& parts, const std::vector<int64_t>& lengths,
                                  int64_t rowsEach, int64_t capacity);
  std::vector<torch::Tensor> keys_, values_;
  torch::Tensor keyMask_, nextPositions_;
  int64_t length_ = 0;
  int64_t capacity_ = 0;
  bool padded_ = false;
  int64_t reserve_ = 0;
};

}  // namespace longrl::model
