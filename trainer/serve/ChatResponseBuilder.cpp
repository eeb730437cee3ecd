#include "trainer/serve/ChatResponseBuilder.h"

#include "trainer/tokenizer/ThinkSplit.h"

namespace longrl::serve {

ChatResponseBuilder::ChatResponseBuilder(std::string id, int64_t created, std::string model)
    : id_(std::move(id)), created_(created), model_(std::move(model)) {}

nlohmann::json ChatResponseBuilder::base(const char* object) const {
  return {{"id", id_}, {"object", object}, {"created", created_}, {"model", model_}};
}

nlohmann::json ChatResponseBuilder::completion(const std::vector<ChatChoice>& choices, int64_t promptTokens) const {
  auto j = base("chat.completion");
  nlohmann::json list = nlohmann::json::array();
  int64_t completionTokens = 0;
  for (size_t i = 0; i < choices.size(); ++i) {
    const auto& c = choices[i];
    nlohmann::json message = {{"role", "assistant"}, {"content", c.text}};
    const auto split = tokenizer::ThinkSplit::split(c.text);
    if (split.closed) message["reasoning_content"] = split.thinking;
    list.push_back({{"index", i}, {"message", message}, {"logprobs", nullptr}, {"finish_reason", c.finishReason}});
    completionTokens += c.completionTokens;
  }
  j["choices"] = list;
  j["usage"] = {{"prompt_tokens", promptTokens},
                {"completion_tokens", completionTokens},
                {"total_tokens", promptTokens + completionTokens}};
  return j;
}

nlohmann::json ChatResponseBuilder::chunk(int index, const nlohmann::json& delta,
                                          const std::string& finishReason) const {
  auto j = base("chat.completion.chunk");
  j["choices"] = nlohmann::json::array(
      {{{"index", index},
        {"delta", delta},
        {"logprobs", nullptr},
        {"finish_reason", finishReason.empty() ? nlohmann::json() : nlohmann::json(finishReason)}}});
  return j;
}

nlohmann::json ChatResponseBuilder::usageChunk(int64_t promptTokens, int64_t completionTokens) const {
  auto j = base("chat.completion.chunk");
  j["choices"] = nlohmann::json::array();
  j["usage"] = {{"prompt_tokens", promptTokens},
                {"completion_tokens", completionTokens},
                {"total_tokens", promptTokens + completionTokens}};
  return j;
}

}  // namespace longrl::serve
