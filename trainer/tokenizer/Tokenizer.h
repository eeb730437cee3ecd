#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "trainer/tokenizer/BpeModel.h"
#include "trainer/tokenizer/ChatTemplate.h"

namespace longrl::tokenizer {

struct AddedToken {
  int id = -1;
  std::string content;
  bool special = false;
  bool lstrip = false;  // swallow whitespace before the token
  bool rstrip = false;  // swallow whitespace after it
};

// A Hugging Face tokenizer.json of the byte-level BPE family (Qwen2/Qwen3, and the small ones
// TokenizerBuilder writes): NFC normaliser, the Qwen Split pre-tokenizer + ByteLevel, BPE model,
// added/special tokens, ByteLevel decoder. Token ids equal those of HF tokenizers and
// transformers.js for the same file. Encoding is thread-safe.
class Tokenizer {
 public:
  // Reads DIR/tokenizer.json and, when present, DIR/tokenizer_config.json (eos/pad/bos tokens,
  // chat template) and DIR/chat_template.jinja (the chat template; it wins over the config's).
  // `path` may also name a tokenizer.json file directly. A chat template that does not parse
  // throws longrl::jinja::TemplateError naming the file, line and column.
  static Tokenizer load(const std::string& path);
  // `where` names the source in error messages.
  static Tokenizer fromJson(const nlohmann::json& tokenizerJson, const nlohmann::json& config = nlohmann::json(),
                            const std::string& where = "tokenizer.json");

  // With parseSpecial, added tokens written in the text (e.g. "<|im_end|>") become their ids, as
  // HF tokenizers do by default; without it they are encoded as plain text.
  std::vector<int> encode(std::string_view text, bool parseSpecial = true) const;
  // Invalid UTF-8 left by cut-off byte tokens becomes U+FFFD (like TextDecoder / errors="replace").
  std::string decode(const std::vector<int>& ids, bool skipSpecial = false) const;

  int tokenToId(const std::string& token) const;  // vocabulary or added token; -1 if unknown
  std::string idToToken(int id) const;            // throws TokenizerError for an unknown id
  size_t vocabSize() const;                       // one past the largest id
  bool isSpecial(int id) const;
  const std::vector<AddedToken>& addedTokens() const { return added_; }
  const BpeModel& model() const { return *model_; }

  // From tokenizer_config.json (empty / -1 when absent).
  const std::string& eosToken() const { return eosToken_; }
  const std::string& padToken() const { return padToken_; }
  const std::string& bosToken() const { return bosToken_; }
  int eosId() const { return tokenToId(eosToken_); }
  int padId() const { return tokenToId(padToken_); }
  const std::string& chatTemplateText() const { return chatTemplate_; }
  // The model's chat template (ChatML when tokenizer_config.json has none); never null.
  const ChatTemplate& chatTemplate() const { return *template_; }
  std::string applyChatTemplate(const std::vector<ChatMessage>& messages,
                                const ChatTemplateOptions& options = ChatTemplateOptions()) const {
    return template_->render(messages, options);
  }
  // Qwen3-style template: the generation prompt has an `enable_thinking=false` variant.
  bool supportsThinkingSwitch() const { return chatTemplate_.find("enable_thinking") != std::string::npos; }

 private:
  Tokenizer() = default;
  static Tokenizer build(const nlohmann::json& tokenizerJson, const nlohmann::json& config, const std::string& where,
                         std::string chatTemplate, const std::string& templateSource);
  void encodePlain(std::string_view text, std::vector<int>& ids) const;
  const AddedToken* matchAdded(std::string_view text, size_t pos) const;

  std::shared_ptr<const BpeModel> model_;
  bool nfc_ = false;
  std::vector<AddedToken> added_;
  std::unordered_map<std::string, size_t> addedByContent_;
  std::unordered_map<int, size_t> addedById_;
  std::vector<std::vector<size_t>> addedByFirstByte_ = std::vector<std::vector<size_t>>(256);  // longest first
  std::string eosToken_, padToken_, bosToken_, chatTemplate_;
  std::shared_ptr<const ChatTemplate> template_;
};

}  // namespace longrl::tokenizer
