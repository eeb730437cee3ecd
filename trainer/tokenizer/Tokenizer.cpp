#include "trainer/tokenizer/Tokenizer.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "trainer/tokenizer/JsonField.h"
#include "trainer/tokenizer/Nfc.h"
#include "trainer/tokenizer/PreTokenizer.h"
#include "trainer/tokenizer/TokenizerError.h"
#include "trainer/tokenizer/Unicode.h"

namespace longrl::tokenizer {
namespace fs = std::filesystem;
using nlohmann::json;
namespace {

json readJson(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TokenizerError(path.string() + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return json::parse(ss.str());
  } catch (const json::exception& e) {
    throw TokenizerError(path.string() + ": invalid JSON: " + e.what());
  }
}

// tokenizer_config.json writes tokens either as "text" or as {"content": "text", ...}.
std::string tokenField(const json& config, const char* key) {
  const auto it = config.find(key);
  if (it == config.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object() && it->contains("content") && (*it)["content"].is_string())
    return (*it)["content"].get<std::string>();
  return {};
}

bool isNfcNormalizer(const json& n, const std::string& where, int depth = 0) {
  if (n.is_null()) return false;
  // Sequences recurse; a hostile file could nest them deep enough to overflow the stack.
  if (depth > 8) throw TokenizerError(where + ": normalizer nests Sequences deeper than 8 levels");
  const std::string type = jsonfield::stringOr(n, "type", "", where + ": normalizer");
  if (type == "NFC") return true;
  if (type == "Sequence" && n.contains("normalizers") && n["normalizers"].is_array()) {
    bool nfc = false;
    for (const auto& s : n["normalizers"]) nfc = isNfcNormalizer(s, where, depth + 1) || nfc;
    return nfc;
  }
  throw TokenizerError(where + ": normalizer.type '" + type + "' is not supported (only NFC)");
}

void checkByteLevel(const json& p, const std::string& path) {
  if (jsonfield::boolOr(p, "add_prefix_space", false, path))
    throw TokenizerError(path + ".add_prefix_space=true is not supported");
  if (jsonfield::boolOr(p, "use_regex", true, path))
    throw TokenizerError(path + ".use_regex=true (GPT-2 pattern) is not supported");
}

void checkPreTokenizer(const json& p, const std::string& where) {
  const std::string base = where + ": pre_tokenizer";
  if (!p.is_object() || jsonfield::stringOr(p, "type", "", base) != "Sequence" || !p.contains("pretokenizers"))
    throw TokenizerError(base + " must be a Sequence of Split (Qwen pattern) and ByteLevel");
  const auto& list = p["pretokenizers"];
  if (!list.is_array() || list.size() != 2) throw TokenizerError(base + ".pretokenizers must hold [Split, ByteLevel]");
  const auto& split = list[0];
  const std::string splitPath = base + ".pretokenizers[0]";
  if (jsonfield::stringOr(split, "type", "", splitPath) != "Split")
    throw TokenizerError(splitPath + ".type must be Split");
  const json* patternObject = jsonfield::find(split, "pattern", splitPath);
  const std::string pattern =
      patternObject ? jsonfield::stringOr(*patternObject, "Regex", "", splitPath + ".pattern") : "";
  if (pattern != PreTokenizer::qwenPattern())
    throw TokenizerError(splitPath + ".pattern.Regex is not the Qwen2 pattern (the only one implemented)");
  if (jsonfield::stringOr(split, "behavior", "Isolated", splitPath) != "Isolated" ||
      jsonfield::boolOr(split, "invert", false, splitPath))
    throw TokenizerError(splitPath + ": only behavior Isolated without invert is supported");
  if (jsonfield::stringOr(list[1], "type", "", base + ".pretokenizers[1]") != "ByteLevel")
    throw TokenizerError(base + ".pretokenizers[1].type must be ByteLevel");
  checkByteLevel(list[1], base + ".pretokenizers[1]");
}

bool isSpace(unsigned char c) { return c == ' ' || (c >= 0x09 && c <= 0x0D); }

std::string readText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TokenizerError(path.string() + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// tokenizer_config.json's chat_template: a string, or (several templates) a list of
// {"name", "template"} of which transformers uses "default".
std::string configChatTemplate(const json& config, const std::string& where) {
  if (!config.is_object() || !config.contains("chat_template") || config["chat_template"].is_null()) return {};
  const json& t = config["chat_template"];
  if (t.is_string()) return t.get<std::string>();
  if (!t.is_array()) throw TokenizerError(where + ": chat_template must be a string or a list of {name, template}");
  for (size_t i = 0; i < t.size(); ++i) {
    const std::string path = where + ": chat_template[" + std::to_string(i) + "]";
    if (!t[i].is_object() || !t[i].contains("name") || !t[i]["name"].is_string() || !t[i].contains("template") ||
        !t[i]["template"].is_string())
      throw TokenizerError(path + " needs a string \"name\" and a string \"template\"");
    if (t[i]["name"] == "default") return t[i]["template"].get<std::string>();
  }
  throw TokenizerError(where + ": chat_template lists several templates but none named \"default\"");
}

}  // namespace

Tokenizer Tokenizer::load(const std::string& path) {
  fs::path file(path);
  fs::path dir = file;
  if (fs::is_directory(file)) {
    file /= "tokenizer.json";
  } else {
    dir = file.parent_path();
  }
  if (!fs::exists(file)) throw TokenizerError(file.string() + ": no such file");
  const json tok = readJson(file);
  json config;
  const fs::path configPath = dir / "tokenizer_config.json";
  if (fs::exists(configPath)) config = readJson(configPath);
  // Newer transformers save the template beside the config; the file wins over the config's.
  const fs::path jinjaPath = dir / "chat_template.jinja";
  if (fs::exists(jinjaPath)) return build(tok, config, file.string(), readText(jinjaPath), jinjaPath.string());
  return build(tok, config, file.string(), configChatTemplate(config, configPath.string()),
               configPath.string() + " chat_template");
}

Tokenizer Tokenizer::fromJson(const json& tok, const json& config, const std::string& where) {
  return build(tok, config, where, configChatTemplate(config, where + " (config)"), where + " (config) chat_template");
}

Tokenizer Tokenizer::build(const json& tok, const json& config, const std::string& where, std::string chatTemplate,
                           const std::string& templateSource) {
  if (!tok.is_object()) throw TokenizerError(where + ": must be a JSON object");
  Tokenizer t;
  if (!tok.contains("model")) throw TokenizerError(where + ": missing \"model\"");
  t.model_ = std::make_shared<const BpeModel>(tok["model"], where);
  t.nfc_ = tok.contains("normalizer") && isNfcNormalizer(tok["normalizer"], where);
  static const json kNone;  // a reference to it, or to the field: value() would copy the field
  const auto pre = tok.find("pre_tokenizer");
  checkPreTokenizer(pre == tok.end() ? kNone : *pre, where);
  if (const json* decoder = jsonfield::find(tok, "decoder", where);
      decoder && jsonfield::stringOr(*decoder, "type", "", where + ": decoder") != "ByteLevel")
    throw TokenizerError(where + ": decoder.type must be ByteLevel");
  if (tok.contains("added_tokens")) {
    const auto& list = tok["added_tokens"];
    if (!list.is_array()) throw TokenizerError(where + ": added_tokens must be an array");
    for (size_t i = 0; i < list.size(); ++i) {
      const auto& a = list[i];
      const std::string path = where + ": added_tokens[" + std::to_string(i) + "]";
      if (!a.is_object() || !a.contains("id") || !a["id"].is_number_integer() || !a.contains("content") ||
          !a["content"].is_string() || a["content"].get<std::string>().empty())
        throw TokenizerError(path + " needs an integer \"id\" and a non-empty \"content\"");
      if (a["id"].get<long long>() < 0 || a["id"].get<long long>() > BpeModel::kMaxTokenId)
        throw TokenizerError(path + ".id must be from 0 to " + std::to_string(BpeModel::kMaxTokenId));
      AddedToken at{a["id"].get<int>(), a["content"].get<std::string>(), jsonfield::boolOr(a, "special", false, path),
                    jsonfield::boolOr(a, "lstrip", false, path), jsonfield::boolOr(a, "rstrip", false, path)};
      t.addedByContent_[at.content] = t.added_.size();
      t.addedById_[at.id] = t.added_.size();
      t.added_.push_back(at);
    }
    for (size_t i = 0; i < t.added_.size(); ++i)
      t.addedByFirstByte_[static_cast<unsigned char>(t.added_[i].content[0])].push_back(i);
    for (auto& bucket : t.addedByFirstByte_)
      std::stable_sort(bucket.begin(), bucket.end(),
                       [&](size_t a, size_t b) { return t.added_[a].content.size() > t.added_[b].content.size(); });
  }
  if (config.is_object()) {
    t.eosToken_ = tokenField(config, "eos_token");
    t.padToken_ = tokenField(config, "pad_token");
    t.bosToken_ = tokenField(config, "bos_token");
  }
  t.chatTemplate_ = std::move(chatTemplate);
  t.template_ = std::make_shared<const ChatTemplate>(t.chatTemplate_, t.bosToken_, t.eosToken_, templateSource);
  return t;
}

const AddedToken* Tokenizer::matchAdded(std::string_view text, size_t pos) const {
  for (size_t idx : addedByFirstByte_[static_cast<unsigned char>(text[pos])]) {
    const auto& c = added_[idx].content;
    if (text.compare(pos, c.size(), c) == 0) return &added_[idx];
  }
  return nullptr;
}

void Tokenizer::encodePlain(std::string_view text, std::vector<int>& ids) const {
  if (text.empty()) return;
  std::string normalized = nfc_ ? Nfc::normalize(text) : unicode::sanitizeUtf8(text);
  thread_local std::vector<std::pair<size_t, size_t>> pieces;
  PreTokenizer::split(normalized, pieces);
  const std::string_view view(normalized);
  for (auto [b, e] : pieces) model_->encodeWord(view.substr(b, e - b), ids);
}

std::vector<int> Tokenizer::encode(std::string_view input, bool parseSpecial) const {
  std::string sanitized;
  std::string_view text = input;
  if (!unicode::isValidUtf8(input)) {
    sanitized = unicode::sanitizeUtf8(input);
    text = sanitized;
  }
  std::vector<int> ids;
  ids.reserve(text.size() / 3 + 4);
  if (!parseSpecial || added_.empty()) {
    encodePlain(text, ids);
    return ids;
  }
  // Split on added tokens (longest match, scanning left to right), then encode the gaps.
  size_t segStart = 0, pos = 0;
  bool stripLeading = false;  // the previous added token has rstrip
  while (pos < text.size()) {
    const AddedToken* tok =
        addedByFirstByte_[static_cast<unsigned char>(text[pos])].empty() ? nullptr : matchAdded(text, pos);
    if (!tok) {
      ++pos;
      continue;
    }
    size_t b = segStart, e = pos;
    if (stripLeading)
      while (b < e && isSpace(static_cast<unsigned char>(text[b]))) ++b;
    if (tok->lstrip)
      while (e > b && isSpace(static_cast<unsigned char>(text[e - 1]))) --e;
    encodePlain(text.substr(b, e - b), ids);
    ids.push_back(tok->id);
    stripLeading = tok->rstrip;
    pos += tok->content.size();
    segStart = pos;
  }
  size_t b = segStart;
  if (stripLeading)
    while (b < text.size() && isSpace(static_cast<unsigned char>(text[b]))) ++b;
  encodePlain(text.substr(b), ids);
  return ids;
}

std::string Tokenizer::decode(const std::vector<int>& ids, bool skipSpecial) const {
  std::string out, bytes;
  for (int id : ids) {
    const auto it = addedById_.find(id);
    if (it != addedById_.end()) {
      out += unicode::sanitizeUtf8(bytes);
      bytes.clear();
      if (!(skipSpecial && added_[it->second].special)) out += added_[it->second].content;
      continue;
    }
    if (id < 0 || static_cast<size_t>(id) >= model_->idLimit() || model_->tokenText(id).empty())
      throw TokenizerError("decode: token id " + std::to_string(id) + " is not in the vocabulary");
    bytes += model_->tokenBytes(id);
  }
  out += unicode::sanitizeUtf8(bytes);
  return out;
}

int Tokenizer::tokenToId(const std::string& token) const {
  if (token.empty()) return -1;
  const auto it = addedByContent_.find(token);
  if (it != addedByContent_.end()) return added_[it->second].id;
  return model_->tokenId(token);
}

std::string Tokenizer::idToToken(int id) const {
  const auto it = addedById_.find(id);
  if (it != addedById_.end()) return added_[it->second].content;
  if (id < 0 || static_cast<size_t>(id) >= model_->idLimit() || model_->tokenText(id).empty())
    throw TokenizerError("token id " + std::to_string(id) + " is not in the vocabulary");
  return model_->tokenText(id);
}

size_t Tokenizer::vocabSize() const {
  size_t n = model_->idLimit();
  for (const auto& a : added_) n = std::max(n, static_cast<size_t>(a.id) + 1);
  return n;
}

bool Tokenizer::isSpecial(int id) const {
  const auto it = addedById_.find(id);
  return it != addedById_.end() && added_[it->second].special;
}

}  // namespace longrl::tokenizer
