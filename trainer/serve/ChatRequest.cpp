#include "trainer/serve/ChatRequest.h"

#include <cmath>

#include "trainer/serve/ApiError.h"

namespace longrl::serve {
namespace {

[[noreturn]] void bad(const std::string& field, const std::string& what) {
  throw ApiError(400, "'" + field + "' " + what, "invalid_request_error", field);
}

bool present(const nlohmann::json& body, const char* key) { return body.contains(key) && !body[key].is_null(); }

double number(const nlohmann::json& body, const char* key) {
  const auto& v = body[key];
  if (!v.is_number()) bad(key, "must be a number");
  const double d = v.get<double>();
  if (!std::isfinite(d)) bad(key, "must be finite");
  return d;
}

int64_t integer(const nlohmann::json& body, const char* key) {
  const auto& v = body[key];
  if (!v.is_number_integer()) bad(key, "must be an integer");
  return v.get<int64_t>();
}

bool boolean(const nlohmann::json& body, const char* key) {
  if (!body[key].is_boolean()) bad(key, "must be a boolean");
  return body[key].get<bool>();
}

// OpenAI content: a string, or an array of parts of which the "text" ones are read.
std::string content(const nlohmann::json& v, const std::string& field) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (!v.is_array()) bad(field, "must be a string or an array of content parts");
  std::string text;
  for (size_t i = 0; i < v.size(); ++i) {
    const auto& part = v[i];
    const std::string where = field + "[" + std::to_string(i) + "]";
    if (!part.is_object() || !part.contains("type") || !part["type"].is_string())
      bad(where, "must be an object with a string 'type'");
    if (part["type"] != "text")
      bad(where + ".type", "'" + part["type"].get<std::string>() + "' is not supported (only text)");
    if (!part.contains("text") || !part["text"].is_string()) bad(where + ".text", "must be a string");
    text += part["text"].get<std::string>();
  }
  return text;
}

struct TooDeep {};

}  // namespace

nlohmann::json ChatRequest::parseBody(const std::string& text, int maxDepth) {
  // nlohmann parses nesting of any depth, but copying or printing such a value recurses once per
  // level: "[[[[...]]]]" in an 8 MiB body would overflow the stack. Real requests nest a few levels.
  nlohmann::json::parser_callback_t limit = [maxDepth](int depth, nlohmann::json::parse_event_t event,
                                                       nlohmann::json&) {
    if ((event == nlohmann::json::parse_event_t::object_start || event == nlohmann::json::parse_event_t::array_start) &&
        depth >= maxDepth)
      throw TooDeep{};
    return true;
  };
  try {
    return nlohmann::json::parse(text, limit);
  } catch (const TooDeep&) {
    throw ApiError(400,
                   "the request body nests arrays and objects deeper than " + std::to_string(maxDepth) + " levels");
  } catch (const nlohmann::json::exception& e) {
    throw ApiError(400, std::string("the request body is not valid JSON: ") + e.what());
  }
}

ChatRequest ChatRequest::fromJson(const nlohmann::json& body, int maxN) {
  if (!body.is_object()) throw ApiError(400, "the request body must be a JSON object");
  ChatRequest r;
  if (!body.contains("messages")) bad("messages", "is required");
  const auto& msgs = body["messages"];
  if (!msgs.is_array() || msgs.empty()) bad("messages", "must be a non-empty array");
  for (size_t i = 0; i < msgs.size(); ++i) {
    const std::string where = "messages[" + std::to_string(i) + "]";
    const auto& m = msgs[i];
    if (!m.is_object()) bad(where, "must be an object");
    if (!m.contains("role") || !m["role"].is_string()) bad(where + ".role", "must be a string");
    const std::string role = m["role"].get<std::string>();
    if (role != "system" && role != "developer" && role != "user" && role != "assistant" && role != "tool")
      bad(where + ".role", "must be one of system, developer, user, assistant, tool (got '" + role + "')");
    tokenizer::ChatMessage cm;
    cm.role = role == "developer" ? "system" : role;  // OpenAI's newer name for the system turn
    // Both branches are lvalues, so the ternary binds a reference instead of copying the value
    // (a copy of a deeply nested value recurses once per level).
    static const nlohmann::json kNone;
    cm.content = content(m.contains("content") ? m["content"] : kNone, where + ".content");
    if (m.contains("reasoning_content") && !m["reasoning_content"].is_null()) {
      if (!m["reasoning_content"].is_string()) bad(where + ".reasoning_content", "must be a string");
      cm.reasoning = m["reasoning_content"].get<std::string>();
    }
    r.messages.push_back(std::move(cm));
  }
  if (present(body, "temperature")) {
    r.temperature = number(body, "temperature");
    if (*r.temperature < 0 || *r.temperature > 2) bad("temperature", "must be between 0 and 2");
  }
  if (present(body, "top_p")) {
    r.topP = number(body, "top_p");
    if (!(*r.topP > 0 && *r.topP <= 1)) bad("top_p", "must be in (0, 1]");
  }
  if (present(body, "top_k")) {
    r.topK = integer(body, "top_k");
    if (*r.topK < -1) bad("top_k", "must be -1, 0 (off) or positive");
    if (*r.topK < 0) r.topK = 0;
  }
  for (const char* key : {"max_tokens", "max_completion_tokens"}) {  // the newer name wins
    if (!present(body, key)) continue;
    const int64_t v = integer(body, key);
    if (v < 1) bad(key, "must be >= 1");
    r.maxTokens = v;
    r.maxTokensField = key;
  }
  if (present(body, "n")) {
    const int64_t n = integer(body, "n");
    if (n < 1 || n > maxN) bad("n", "must be between 1 and " + std::to_string(maxN));
    r.n = static_cast<int>(n);
  }
  if (present(body, "stop")) {
    const auto& s = body["stop"];
    if (s.is_string()) {
      r.stop.push_back(s.get<std::string>());
    } else if (s.is_array()) {
      if (s.size() > 16) bad("stop", "may hold at most 16 strings");
      for (size_t i = 0; i < s.size(); ++i) {
        if (!s[i].is_string()) bad("stop[" + std::to_string(i) + "]", "must be a string");
        r.stop.push_back(s[i].get<std::string>());
      }
    } else {
      bad("stop", "must be a string or an array of strings");
    }
  }
  if (present(body, "stream")) r.stream = boolean(body, "stream");
  if (present(body, "stream_options")) {
    const auto& so = body["stream_options"];
    if (!so.is_object()) bad("stream_options", "must be an object");
    if (present(so, "include_usage")) {
      if (!so["include_usage"].is_boolean()) bad("stream_options.include_usage", "must be a boolean");
      r.includeUsage = so["include_usage"].get<bool>();
    }
  }
  if (present(body, "seed")) {
    const auto& s = body["seed"];
    if (!s.is_number_integer()) bad("seed", "must be an integer");
    r.seed = s.is_number_unsigned() ? s.get<uint64_t>() : static_cast<uint64_t>(s.get<int64_t>());
  }
  if (present(body, "chat_template_kwargs")) {
    const auto& k = body["chat_template_kwargs"];
    if (!k.is_object()) bad("chat_template_kwargs", "must be an object");
    r.templateKwargs = k;
    if (present(k, "enable_thinking")) {
      if (!k["enable_thinking"].is_boolean()) bad("chat_template_kwargs.enable_thinking", "must be a boolean");
      r.enableThinking = k["enable_thinking"].get<bool>();
    }
  }
  return r;
}

}  // namespace longrl::serve
