#pragma once
#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

namespace longrl::tokenizer {

// Byte-level BPE (tokenizer.json "model": {"type": "BPE"}): a pre-token's bytes start as one
// symbol per byte and the pair with the lowest merge rank is merged first (leftmost on ties)
// until no pair has a rank, as HF tokenizers and transformers.js do. Results are cached per
// pre-token, so repeated words cost one hash look-up.
class BpeModel {
 public:
  // `model` is the "model" object of tokenizer.json; errors name `where` plus the key path.
  BpeModel(const nlohmann::json& model, const std::string& where);
  // The largest token id a tokenizer file may use. Ids index dense tables, so a corrupt id of a
  // billion would allocate gigabytes; the largest real vocabularies hold about 262K tokens.
  static constexpr int kMaxTokenId = (1 << 22) - 1;

  void encodeWord(std::string_view bytes, std::vector<int>& ids) const;
  // Token id of a vocabulary string (byte-level form), or -1.
  int tokenId(const std::string& token) const;
  const std::string& tokenText(int id) const { return idToToken_[static_cast<size_t>(id)]; }
  // The raw bytes a token stands for ("Ġhi" -> " hi").
  const std::string& tokenBytes(int id) const { return idToBytes_[static_cast<size_t>(id)]; }
  size_t idLimit() const { return idToToken_.size(); }  // one past the largest id
  size_t mergeCount() const { return merges_.size(); }
  size_t cacheSize() const;

 private:
  struct Merge {
    int rank;
    int id;
  };
  // Open-addressing table of merges keyed by the pair of ids: the hot look-up of encoding.
  struct MergeSlot {
    uint64_t key = ~0ull;
    Merge merge{};
  };
  const Merge* findMerge(int a, int b) const {
    const uint64_t k = key(a, b);
    for (size_t i = (k * 0x9E3779B97F4A7C15ull) >> shift_;; i = (i + 1) & mask_) {
      const MergeSlot& s = slots_[i];
      if (s.key == k) return &s.merge;
      if (s.key == ~0ull) return nullptr;
    }
  }
  void buildMergeTable();
  static uint64_t key(int a, int b) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
  }
  void mergeSymbols(std::vector<int>& symbols) const;
  void mergeSmall(std::vector<int>& symbols) const;

  std::unordered_map<std::string, int> vocab_;
  std::vector<std::string> idToToken_;
  std::vector<std::string> idToBytes_;
  std::array<int, 256> byteIds_{};
  std::unordered_map<uint64_t, Merge> merges_;
  std::vector<MergeSlot> slots_;
  size_t mask_ = 0;
  int shift_ = 63;
  bool ignoreMerges_ = false;

  static constexpr size_t kCacheLimit = 200000;
  mutable std::mutex cacheMutex_;
  mutable std::unordered_map<std::string, std::vector<int>> cache_;
};

}  // namespace longrl::tokenizer
