#include "trainer/tokenizer/ChatFormat.h"

#include "trainer/tokenizer/TokenizerError.h"

namespace longrl::tokenizer {
namespace {

bool startsWith(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }
bool endsWith(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}
std::string lstripNewlines(const std::string& s) { return s.substr(std::min(s.find_first_not_of('\n'), s.size())); }
std::string rstripNewlines(const std::string& s) {
  const auto e = s.find_last_not_of('\n');
  return e == std::string::npos ? std::string() : s.substr(0, e + 1);
}
std::string stripNewlines(const std::string& s) { return lstripNewlines(rstripNewlines(s)); }

}  // namespace

std::string ChatFormat::render(const std::vector<ChatMessage>& messages, const Options& options) {
  std::string out;
  const size_t n = messages.size();
  if (n > 0 && messages[0].role == "system") out += "<|im_start|>system\n" + messages[0].content + "<|im_end|>\n";
  // The last real user query (tool responses travel as user turns and do not count).
  size_t lastQuery = n == 0 ? 0 : n - 1;
  for (size_t k = n; k-- > 0;) {
    const auto& m = messages[k];
    if (m.role == "user" && !(startsWith(m.content, "<tool_response>") && endsWith(m.content, "</tool_response>"))) {
      lastQuery = k;
      break;
    }
  }
  for (size_t i = 0; i < n; ++i) {
    const auto& m = messages[i];
    if (m.role == "user" || (m.role == "system" && i > 0)) {
      out += "<|im_start|>" + m.role + "\n" + m.content + "<|im_end|>\n";
    } else if (m.role == "system") {
      continue;  // rendered above
    } else if (m.role == "assistant") {
      std::string content = m.content, reasoning;
      if (m.reasoning) {
        reasoning = *m.reasoning;
      } else if (const auto close = m.content.find("</think>"); close != std::string::npos) {
        content = lstripNewlines(m.content.substr(m.content.rfind("</think>") + 8));
        std::string before = rstripNewlines(m.content.substr(0, close));
        const auto open = before.rfind("<think>");
        if (open != std::string::npos) before = before.substr(open + 7);
        reasoning = lstripNewlines(before);
      }
      out += "<|im_start|>assistant\n";
      if (i > lastQuery && (i + 1 == n || !reasoning.empty()))
        out += "<think>\n" + stripNewlines(reasoning) + "\n</think>\n\n" + lstripNewlines(content);
      else out += content;
      out += "<|im_end|>\n";
    } else if (m.role == "tool") {
      if (i == 0 || messages[i - 1].role != "tool") out += "<|im_start|>user";
      out += "\n<tool_response>\n" + m.content + "\n</tool_response>";
      if (i + 1 == n || messages[i + 1].role != "tool") out += "<|im_end|>\n";
    } else {
      throw TokenizerError("chat message " + std::to_string(i) + ": unknown role '" + m.role + "'");
    }
  }
  if (options.addGenerationPrompt) {
    out += "<|im_start|>assistant\n";
    if (!options.enableThinking) out += "<think>\n\n</think>\n\n";
  }
  return out;
}

std::vector<ChatMessage> ChatFormat::fromJson(const nlohmann::json& list, const std::string& where) {
  if (!list.is_array()) throw TokenizerError(where + ": must be an array of {role, content} objects");
  std::vector<ChatMessage> out;
  for (size_t i = 0; i < list.size(); ++i) {
    const auto& m = list[i];
    const std::string path = where + "[" + std::to_string(i) + "]";
    if (!m.is_object() || !m.contains("role") || !m["role"].is_string())
      throw TokenizerError(path + ".role: missing or not a string");
    if (!m.contains("content") || !m["content"].is_string())
      throw TokenizerError(path + ".content: missing or not a string");
    ChatMessage msg{m["role"].get<std::string>(), m["content"].get<std::string>(), std::nullopt};
    if (m.contains("reasoning_content") && m["reasoning_content"].is_string())
      msg.reasoning = m["reasoning_content"].get<std::string>();
    out.push_back(std::move(msg));
  }
  return out;
}

}  // namespace longrl::tokenizer
