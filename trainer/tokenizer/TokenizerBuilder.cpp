#include "trainer/tokenizer/TokenizerBuilder.h"

#include <filesystem>
#include <fstream>
#include <unordered_set>

#include "trainer/tokenizer/ByteLevel.h"
#include "trainer/tokenizer/Nfc.h"
#include "trainer/tokenizer/PreTokenizer.h"
#include "trainer/tokenizer/TokenizerError.h"

namespace longrl::tokenizer {
using nlohmann::ordered_json;
namespace {

uint64_t pairKey(int a, int b) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
}
int keyLeft(uint64_t k) { return static_cast<int>(k >> 32); }
int keyRight(uint64_t k) { return static_cast<int>(k & 0xFFFFFFFFu); }

// A small ChatML template with Qwen3's enable_thinking switch, for HF tools reading the files.
const char* const kChatTemplate =
    "{%- for message in messages %}{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}"
    "{%- endfor %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}"
    "{%- if enable_thinking is defined and enable_thinking is false %}{{- '<think>\\n\\n</think>\\n\\n' }}{%- endif %}"
    "{%- endif %}";

ordered_json addedTokenJson(int id, const std::string& content, bool special) {
  return ordered_json{{"id", id},        {"content", content},  {"single_word", false}, {"lstrip", false},
                      {"rstrip", false}, {"normalized", false}, {"special", special}};
}

}  // namespace

TokenizerBuilder::TokenizerBuilder(Options options) : options_(std::move(options)) {
  if (options_.vocabSize < 256)
    throw TokenizerError("TokenizerBuilder: vocabSize must be at least 256 (the byte tokens)");
}

void TokenizerBuilder::addText(std::string_view text) {
  const std::string normalized = Nfc::normalize(text);
  std::vector<std::pair<size_t, size_t>> pieces;
  PreTokenizer::split(normalized, pieces);
  for (auto [b, e] : pieces) ++wordCounts_[normalized.substr(b, e - b)];
  trained_ = false;
}

void TokenizerBuilder::train() {
  vocab_.clear();
  merges_.clear();
  std::unordered_map<std::string, int> ids;
  for (int b = 0; b < 256; ++b) {
    vocab_.push_back(ByteLevel::encode(std::string(1, static_cast<char>(b))));
    ids[vocab_.back()] = b;
  }
  // Distinct words as symbol sequences, in a fixed order so training is deterministic.
  std::vector<std::pair<std::string, long long>> sorted(wordCounts_.begin(), wordCounts_.end());
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::vector<int>> words;
  std::vector<long long> counts;
  for (const auto& [w, c] : sorted) {
    std::vector<int> sym;
    for (unsigned char ch : w) sym.push_back(ch);
    words.push_back(std::move(sym));
    counts.push_back(c);
  }
  std::unordered_map<uint64_t, long long> pairCounts;
  std::unordered_map<uint64_t, std::unordered_set<size_t>> pairWords;
  auto account = [&](size_t w, long long sign) {
    const auto& s = words[w];
    for (size_t i = 0; i + 1 < s.size(); ++i) {
      const uint64_t k = pairKey(s[i], s[i + 1]);
      pairCounts[k] += sign * counts[w];
      if (sign > 0) pairWords[k].insert(w);
    }
  };
  for (size_t w = 0; w < words.size(); ++w) account(w, +1);

  while (vocab_.size() < options_.vocabSize) {
    uint64_t best = 0;
    long long bestCount = 0;
    for (const auto& [k, c] : pairCounts) {
      if (c < bestCount || c <= 0) continue;
      if (c == bestCount) {  // deterministic tie-break on the pair's strings
        const auto& a = vocab_[static_cast<size_t>(keyLeft(k))];
        const auto& b = vocab_[static_cast<size_t>(keyLeft(best))];
        if (std::tie(a, vocab_[static_cast<size_t>(keyRight(k))]) >
            std::tie(b, vocab_[static_cast<size_t>(keyRight(best))]))
          continue;
      }
      best = k;
      bestCount = c;
    }
    if (bestCount < std::max<long long>(1, options_.minFrequency)) break;
    const int left = keyLeft(best), right = keyRight(best);
    const std::string merged = vocab_[static_cast<size_t>(left)] + vocab_[static_cast<size_t>(right)];
    int newId;
    if (auto it = ids.find(merged); it != ids.end()) {
      newId = it->second;
    } else {
      newId = static_cast<int>(vocab_.size());
      vocab_.push_back(merged);
      ids[merged] = newId;
    }
    merges_.emplace_back(vocab_[static_cast<size_t>(left)], vocab_[static_cast<size_t>(right)]);
    const std::unordered_set<size_t> affected = std::move(pairWords[best]);
    pairWords.erase(best);
    for (size_t w : affected) {
      account(w, -1);
      auto& s = words[w];
      std::vector<int> out;
      for (size_t i = 0; i < s.size(); ++i) {
        if (i + 1 < s.size() && s[i] == left && s[i + 1] == right) {
          out.push_back(newId);
          ++i;
        } else {
          out.push_back(s[i]);
        }
      }
      s = std::move(out);
      account(w, +1);
    }
    pairCounts.erase(best);
  }
  trained_ = true;
}

ordered_json TokenizerBuilder::tokenizerJson() {
  if (!trained_) train();
  ordered_json vocab = ordered_json::object();
  for (size_t i = 0; i < vocab_.size(); ++i) vocab[vocab_[i]] = i;
  ordered_json merges = ordered_json::array();
  for (const auto& [a, b] : merges_) merges.push_back({a, b});
  ordered_json added = ordered_json::array();
  int next = static_cast<int>(vocab_.size());
  for (const auto& s : options_.specialTokens) added.push_back(addedTokenJson(next++, s, true));
  for (const auto& s : options_.addedTokens) added.push_back(addedTokenJson(next++, s, false));
  const ordered_json byteLevel{{"type", "ByteLevel"},
                               {"add_prefix_space", false},
                               {"trim_offsets", false},
                               {"use_regex", false}};
  ordered_json j;
  j["version"] = "1.0";
  j["truncation"] = nullptr;
  j["padding"] = nullptr;
  j["added_tokens"] = added;
  j["normalizer"] = {{"type", "NFC"}};
  j["pre_tokenizer"] = {{"type", "Sequence"},
                        {"pretokenizers",
                         {{{"type", "Split"},
                           {"pattern", {{"Regex", PreTokenizer::qwenPattern()}}},
                           {"behavior", "Isolated"},
                           {"invert", false}},
                          byteLevel}}};
  j["post_processor"] = byteLevel;
  j["decoder"] = byteLevel;
  j["model"] = {{"type", "BPE"},
                {"dropout", nullptr},
                {"unk_token", nullptr},
                {"continuing_subword_prefix", ""},
                {"end_of_word_suffix", ""},
                {"fuse_unk", false},
                {"byte_fallback", false},
                {"ignore_merges", false},
                {"vocab", vocab},
                {"merges", merges}};
  return j;
}

ordered_json TokenizerBuilder::tokenizerConfigJson() {
  if (!trained_) train();
  ordered_json decoderMap = ordered_json::object();
  int next = static_cast<int>(vocab_.size());
  auto add = [&](const std::string& s, bool special) {
    auto entry = addedTokenJson(next, s, special);
    entry.erase("id");
    decoderMap[std::to_string(next++)] = entry;
  };
  for (const auto& s : options_.specialTokens) add(s, true);
  for (const auto& s : options_.addedTokens) add(s, false);
  const ordered_json bos = options_.bosToken.empty() ? ordered_json() : ordered_json(options_.bosToken);
  const std::string chatTemplate = options_.chatTemplate.empty() ? std::string(kChatTemplate) : options_.chatTemplate;
  return ordered_json{{"tokenizer_class", "Qwen2Tokenizer"},
                      {"bos_token", bos},
                      {"eos_token", options_.eosToken},
                      {"pad_token", options_.padToken},
                      {"unk_token", nullptr},
                      {"add_bos_token", false},
                      {"clean_up_tokenization_spaces", false},
                      {"model_max_length", options_.modelMaxLength},
                      {"added_tokens_decoder", decoderMap},
                      {"chat_template", chatTemplate}};
}

void TokenizerBuilder::write(const std::string& dir) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  const auto tok = tokenizerJson();
  for (const auto& [name, content] : {std::make_pair("tokenizer.json", tok.dump(1)),
                                      std::make_pair("tokenizer_config.json", tokenizerConfigJson().dump(2))}) {
    const fs::path path = fs::path(dir) / name;
    std::ofstream out(path, std::ios::binary);
    out << content << "\n";
    if (!out) throw TokenizerError(path.string() + ": cannot write");
  }
}

}  // namespace longrl::tokenizer
