#include "trainer/tokenizer/BpeModel.h"

#include <climits>
#include <cstdint>
#include <queue>

#include "trainer/tokenizer/ByteLevel.h"
#include "trainer/tokenizer/JsonField.h"
#include "trainer/tokenizer/TokenizerError.h"

namespace longrl::tokenizer {

BpeModel::BpeModel(const nlohmann::json& model, const std::string& where) {
  if (!model.is_object()) throw TokenizerError(where + ": \"model\" must be an object");
  const std::string path = where + ": model";
  const std::string type = jsonfield::stringOr(model, "type", "BPE", path);
  if (type != "BPE") throw TokenizerError(where + ": model.type '" + type + "' is not supported (only BPE)");
  if (jsonfield::boolOr(model, "byte_fallback", false, path))
    throw TokenizerError(where + ": model.byte_fallback is not supported");
  for (const char* k : {"continuing_subword_prefix", "end_of_word_suffix"}) {
    if (model.contains(k) && model[k].is_string() && !model[k].get<std::string>().empty())
      throw TokenizerError(where + ": model." + k + " is not supported");
  }
  ignoreMerges_ = jsonfield::boolOr(model, "ignore_merges", false, path);
  const auto vit = model.find("vocab");
  if (vit == model.end() || !vit->is_object()) throw TokenizerError(where + ": model.vocab must be an object");
  vocab_.reserve(vit->size());
  for (auto it = vit->begin(); it != vit->end(); ++it) {
    if (!it.value().is_number_integer() || it.value().get<long long>() < 0 || it.value().get<long long>() > kMaxTokenId)
      throw TokenizerError(where + ": model.vocab[\"" + it.key() + "\"] must be an integer id from 0 to " +
                           std::to_string(kMaxTokenId));
    const int id = it.value().get<int>();
    vocab_.emplace(it.key(), id);
    if (static_cast<size_t>(id) >= idToToken_.size()) idToToken_.resize(static_cast<size_t>(id) + 1);
    if (!idToToken_[static_cast<size_t>(id)].empty())  // ids decode back to one token each
      throw TokenizerError(where + ": model.vocab[\"" + it.key() + "\"] has id " + std::to_string(id) + ", as \"" +
                           idToToken_[static_cast<size_t>(id)] + "\" does");
    idToToken_[static_cast<size_t>(id)] = it.key();
  }
  idToBytes_.resize(idToToken_.size());
  for (size_t id = 0; id < idToToken_.size(); ++id) {
    if (!ByteLevel::decode(idToToken_[id], idToBytes_[id])) idToBytes_[id] = idToToken_[id];
  }
  for (int b = 0; b < 256; ++b) {
    byteIds_[static_cast<size_t>(b)] = tokenId(ByteLevel::encode(std::string(1, static_cast<char>(b))));
  }
  const auto mit = model.find("merges");
  if (mit == model.end() || !mit->is_array()) throw TokenizerError(where + ": model.merges must be an array");
  merges_.reserve(mit->size() * 2);
  int rank = 0;
  for (const auto& m : *mit) {
    const std::string path = where + ": model.merges[" + std::to_string(rank) + "]";
    std::string left, right;
    if (m.is_string()) {  // older format: "a b"
      const auto s = m.get<std::string>();
      const auto space = s.find(' ', 1);
      if (space == std::string::npos) throw TokenizerError(path + " must be \"left right\"");
      left = s.substr(0, space);
      right = s.substr(space + 1);
    } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
      left = m[0].get<std::string>();
      right = m[1].get<std::string>();
    } else {
      throw TokenizerError(path + " must be a string or a pair of strings");
    }
    const int a = tokenId(left), b = tokenId(right), c = tokenId(left + right);
    if (a < 0 || b < 0) throw TokenizerError(path + ": '" + (a < 0 ? left : right) + "' is not in model.vocab");
    if (c < 0) throw TokenizerError(path + ": merged token '" + left + right + "' is not in model.vocab");
    merges_.emplace(key(a, b), Merge{rank, c});  // the first (best) rank of a duplicate wins
    ++rank;
  }
  buildMergeTable();
}

void BpeModel::buildMergeTable() {
  size_t cap = 16;
  shift_ = 60;
  while (cap < merges_.size() * 2) cap <<= 1, --shift_;
  mask_ = cap - 1;
  slots_.assign(cap, MergeSlot{});
  for (const auto& [k, m] : merges_) {
    size_t i = (k * 0x9E3779B97F4A7C15ull) >> shift_;
    while (slots_[i].key != ~0ull) i = (i + 1) & mask_;
    slots_[i] = MergeSlot{k, m};
  }
}

// Short words (most of them): repeatedly merge the best adjacent pair by a linear scan, which
// beats a heap for a handful of symbols.
void BpeModel::mergeSmall(std::vector<int>& sym) const {
  while (sym.size() > 1) {
    int bestRank = INT32_MAX, bestId = -1;
    size_t bestPos = 0;
    for (size_t i = 0; i + 1 < sym.size(); ++i) {
      const Merge* m = findMerge(sym[i], sym[i + 1]);
      if (m && m->rank < bestRank) bestRank = m->rank, bestId = m->id, bestPos = i;
    }
    if (bestId < 0) return;
    sym[bestPos] = bestId;
    sym.erase(sym.begin() + static_cast<long>(bestPos) + 1);
  }
}

int BpeModel::tokenId(const std::string& token) const {
  const auto it = vocab_.find(token);
  return it == vocab_.end() ? -1 : it->second;
}

size_t BpeModel::cacheSize() const {
  std::lock_guard<std::mutex> lock(cacheMutex_);
  return cache_.size();
}

void BpeModel::mergeSymbols(std::vector<int>& sym) const {
  const size_t n = sym.size();
  if (n < 2) return;
  if (n <= 24) {
    mergeSmall(sym);
    return;
  }
  std::vector<int> next(n), prev(n);
  for (size_t i = 0; i < n; ++i) {
    next[i] = static_cast<int>(i) + 1;
    prev[i] = static_cast<int>(i) - 1;
  }
  next[n - 1] = -1;
  struct Cand {
    int rank, pos, left, right;
    bool operator>(const Cand& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
  };
  std::priority_queue<Cand, std::vector<Cand>, std::greater<Cand>> heap;
  auto push = [&](int pos) {
    if (pos < 0 || next[static_cast<size_t>(pos)] < 0) return;
    const int r = sym[static_cast<size_t>(next[static_cast<size_t>(pos)])];
    if (const Merge* m = findMerge(sym[static_cast<size_t>(pos)], r))
      heap.push({m->rank, pos, sym[static_cast<size_t>(pos)], r});
  };
  for (size_t i = 0; i + 1 < n; ++i) push(static_cast<int>(i));
  std::vector<bool> dead(n, false);
  while (!heap.empty()) {
    const Cand c = heap.top();
    heap.pop();
    const auto p = static_cast<size_t>(c.pos);
    if (dead[p] || sym[p] != c.left || next[p] < 0) continue;
    const auto q = static_cast<size_t>(next[p]);
    if (sym[q] != c.right) continue;  // stale entry: a neighbour changed since it was queued
    sym[p] = findMerge(c.left, c.right)->id;
    dead[q] = true;
    next[p] = next[q];
    if (next[q] >= 0) prev[static_cast<size_t>(next[q])] = c.pos;
    push(prev[p]);
    push(c.pos);
  }
  size_t w = 0;
  for (int i = 0; i >= 0; i = next[static_cast<size_t>(i)]) sym[w++] = sym[static_cast<size_t>(i)];
  sym.resize(w);
}

void BpeModel::encodeWord(std::string_view bytes, std::vector<int>& ids) const {
  if (bytes.empty()) return;
  std::string key(bytes);
  {
    std::lock_guard<std::mutex> lock(cacheMutex_);
    const auto it = cache_.find(key);
    if (it != cache_.end()) {
      ids.insert(ids.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  std::vector<int> sym;
  const int whole = ignoreMerges_ ? tokenId(ByteLevel::encode(bytes)) : -1;
  if (whole >= 0) {
    sym.push_back(whole);
  } else {
    sym.reserve(bytes.size());
    // A byte missing from a (small) vocabulary is dropped, as HF BPE does without an unk token.
    for (unsigned char b : bytes)
      if (byteIds_[b] >= 0) sym.push_back(byteIds_[b]);
    mergeSymbols(sym);
  }
  ids.insert(ids.end(), sym.begin(), sym.end());
  std::lock_guard<std::mutex> lock(cacheMutex_);
  if (cache_.size() >= kCacheLimit) cache_.clear();  // crude bound; refills with the live words
  cache_.emplace(std::move(key), std::move(sym));
}

}  // namespace longrl::tokenizer
