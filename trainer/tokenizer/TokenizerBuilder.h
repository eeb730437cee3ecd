#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

namespace longrl::tokenizer {

// Trains a small byte-level BPE tokenizer from text and writes it in the Hugging Face format the
// Qwen models use (tokenizer.json + tokenizer_config.json), so the demo model's tokenizer loads
// through exactly the same code path as a real Qwen3 one. Training is classic BPE on word
// counts: words are the Qwen pre-tokenizer's pieces of the NFC text; the most frequent adjacent
// pair is merged until the vocabulary is full (ties broken by the pair's strings, so results are
// deterministic).
class TokenizerBuilder {
 public:
  struct Options {
    size_t vocabSize = 512;  // 256 byte tokens + merges (added tokens come on top)
    long long minFrequency = 2;
    std::vector<std::string> specialTokens = {"<|endoftext|>", "<|im_start|>", "<|im_end|>"};
    std::vector<std::string> addedTokens = {"<think>", "</think>"};  // not special: kept by decode(skipSpecial)
    std::string eosToken = "<|im_end|>";
    std::string padToken = "<|endoftext|>";
    std::string bosToken;      // empty: none (null), as Qwen's config
    std::string chatTemplate;  // empty: a small ChatML template with Qwen3's enable_thinking switch
    long long modelMaxLength = 32768;
  };

  explicit TokenizerBuilder(Options options);
  TokenizerBuilder() : TokenizerBuilder(Options{}) {}

  void addText(std::string_view text);
  size_t distinctWords() const { return wordCounts_.size(); }

  // Runs the training (once; later calls reuse it) and returns the files' contents.
  nlohmann::ordered_json tokenizerJson();
  nlohmann::ordered_json tokenizerConfigJson();
  // Writes DIR/tokenizer.json and DIR/tokenizer_config.json (DIR is created).
  void write(const std::string& dir);

 private:
  void train();

  Options options_;
  std::unordered_map<std::string, long long> wordCounts_;
  bool trained_ = false;
  std::vector<std::string> vocab_;                           // id -> byte-level token text
  std::vector<std::pair<std::string, std::string>> merges_;  // in rank order
};

}  // namespace longrl::tokenizer
