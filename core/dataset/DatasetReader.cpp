#include "core/dataset/DatasetReader.h"

#include <cerrno>
#include <cstring>

#include "core/dataset/DatasetError.h"
#include "core/dataset/PromptTemplate.h"

namespace longrl::dataset {
namespace {

using nlohmann::json;

// Lines nesting arrays/objects deeper than this are malformed. nlohmann parses any depth, but
// copying the value (parseRecord keeps unread keys) recurses once per level: the line
// {"data_source":"x","question":"q","answer":"a","z":[[[...]]]} with 60,000 levels (120 KB),
// found by tests/fuzz/FuzzDatasetReader, overflowed the stack.
constexpr int kMaxJsonDepth = 1000;

std::string requireString(const json& obj, const char* key, const std::string& file, int64_t line) {
  auto it = obj.find(key);
  if (it == obj.end()) throw DatasetError(file, line, std::string("missing key '") + key + "'");
  if (!it->is_string())
    throw DatasetError(file, line, std::string("'") + key + "' must be a string, got " + it->type_name());
  return it->get<std::string>();
}

// A ground truth is a string, a number (docmath) or a non-empty list of those.
std::vector<std::string> groundTruths(const json& v, const char* key, const std::string& file, int64_t line) {
  auto one = [&](const json& x) -> std::string {
    if (x.is_string()) return x.get<std::string>();
    if (x.is_number()) return x.dump();
    throw DatasetError(file, line,
                       std::string("'") + key + "' must be a string, a number or a list of them, got " + x.type_name());
  };
  std::vector<std::string> out;
  if (v.is_array()) {
    for (const json& x : v) out.push_back(one(x));
  } else {
    out.push_back(one(v));
  }
  if (out.empty()) throw DatasetError(file, line, std::string("'") + key + "' is an empty list");
  return out;
}

// The user turn of a verl `prompt`: a chat list (the last user message) or a bare string.
std::string userContent(const json& prompt, bool& onlyUserTurn, const std::string& file, int64_t line) {
  onlyUserTurn = true;
  if (prompt.is_string()) return prompt.get<std::string>();
  if (!prompt.is_array())
    throw DatasetError(file, line, std::string("'prompt' must be a chat list, got ") + prompt.type_name());
  const json* user = nullptr;
  for (const json& m : prompt) {
    if (!m.is_object() || !m.contains("role") || !m.contains("content") || !m["role"].is_string() ||
        !m["content"].is_string())
      throw DatasetError(file, line, "'prompt' messages must be objects with string 'role' and 'content'");
    if (m["role"] == "user") user = &m;
  }
  if (!user) throw DatasetError(file, line, "'prompt' has no user message");
  onlyUserTurn = prompt.size() == 1;
  return (*user)["content"].get<std::string>();
}

bool isBlank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

}  // namespace

DatasetRecord DatasetReader::parseRecord(const json& j, const std::string& file, int64_t line, int64_t ordinal) {
  if (!j.is_object()) throw DatasetError(file, line, std::string("expected a JSON object, got ") + j.type_name());
  DatasetRecord r;
  r.sourceFile = file;
  r.line = line;
  r.index = ordinal;
  json rest = j;  // keys not consumed end up in r.other
  r.dataSource = requireString(j, "data_source", file, line);
  rest.erase("data_source");

  if (j.contains("prompt")) {
    bool onlyUserTurn = true;
    r.promptText = userContent(j["prompt"], onlyUserTurn, file, line);
    if (onlyUserTurn) rest.erase("prompt");  // else the full chat stays in `other`
    auto rm = j.find("reward_model");
    if (rm == j.end() || !rm->is_object() || !rm->contains("ground_truth"))
      throw DatasetError(file, line, "missing key 'reward_model.ground_truth'");
    r.groundTruth = groundTruths((*rm)["ground_truth"], "reward_model.ground_truth", file, line);
    rest["reward_model"].erase("ground_truth");
    if (rest["reward_model"].empty()) rest.erase("reward_model");
    if (auto parts = PromptTemplate::parse(r.promptText)) {
      if (isBlank(parts->document))
        throw DatasetError(file, line, "'prompt' has an empty document between <text> tags");
      if (isBlank(parts->question)) throw DatasetError(file, line, "'prompt' has no question after the document");
      r.document = std::move(parts->document);
      r.question = std::move(parts->question);
    } else {
      r.question = r.promptText;
    }
  } else if (j.contains("question")) {
    r.question = requireString(j, "question", file, line);
    if (isBlank(r.question)) throw DatasetError(file, line, "'question' is empty");
    // No "document" key is a closed-book question; an empty one is a broken record (nothing to read).
    if (j.contains("document")) {
      r.document = requireString(j, "document", file, line);
      if (isBlank(r.document)) throw DatasetError(file, line, "'document' is empty");
    }
    if (!j.contains("answer")) throw DatasetError(file, line, "missing key 'answer'");
    r.groundTruth = groundTruths(j["answer"], "answer", file, line);
    for (const char* k : {"question", "document", "answer"}) rest.erase(k);
    r.promptText = PromptTemplate::build(r.document, r.question);
  } else {
    throw DatasetError(
        file, line,
        "neither verl form (prompt, reward_model.ground_truth) nor plain form (document, question, answer)");
  }

  if (auto ei = j.find("extra_info"); ei != j.end()) {
    r.extraInfo = *ei;
    rest.erase("extra_info");
    if (ei->is_object()) {
      auto idx = ei->find("index");
      if (idx != ei->end() && idx->is_number_integer()) r.index = idx->get<int64_t>();
    }
  }
  if (!rest.empty()) r.other = std::move(rest);
  return r;
}

DatasetReader::DatasetReader(std::string path, DatasetReadOptions options)
    : path_(std::move(path)), options_(options), in_(path_, std::ios::binary) {
  if (!in_) throw DatasetError(path_, 0, std::string("cannot open: ") + std::strerror(errno));
}

std::optional<DatasetRecord> DatasetReader::next() {
  std::string text;
  while (std::getline(in_, text)) {
    ++line_;
    if (line_ == 1 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank line
    try {
      json j;
      bool tooDeep = false;
      try {
        // Past kMaxJsonDepth the callback discards everything, so no deep value is ever built.
        j = json::parse(text, [&](int depth, json::parse_event_t, json&) {
          tooDeep = tooDeep || depth > kMaxJsonDepth;
          return !tooDeep;
        });
      } catch (const json::exception& e) {
        // Not only parse_error: a number too large for a double (e.g. the line
        // {"data_source":"x","question":"q","answer":1e999}, found by tests/fuzz/FuzzDatasetReader)
        // throws out_of_range.406, which escaped as a non-DatasetError and was never skipped.
        throw DatasetError(path_, line_, std::string("invalid JSON: ") + e.what());
      }
      if (tooDeep)
        throw DatasetError(path_, line_, "JSON nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
      DatasetRecord r = parseRecord(j, path_, line_, ordinal_);
      ++ordinal_;
      return r;
    } catch (const DatasetError& e) {
      if (!options_.skipMalformed) throw;
      skippedErrors_.push_back(e.what());
    }
  }
  if (in_.bad()) throw DatasetError(path_, line_, "read error");
  return std::nullopt;
}

DatasetReadResult DatasetReader::readFile(const std::string& path, DatasetReadOptions options) {
  return readFiles({path}, options);
}

DatasetReadResult DatasetReader::readFiles(const std::vector<std::string>& paths, DatasetReadOptions options) {
  DatasetReadResult result;
  for (const std::string& path : paths) {
    DatasetReader reader(path, options);
    while (auto r = reader.next()) result.records.push_back(std::move(*r));
    result.skipped += reader.skipped();
    result.skippedErrors.insert(result.skippedErrors.end(), reader.skippedErrors().begin(),
                                reader.skippedErrors().end());
  }
  return result;
}

}  // namespace longrl::dataset
