#include "trainer/tokenizer/ChatTemplateCommand.h"

#include <fstream>
#include <sstream>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "core/cli/UsageError.h"
#include "trainer/tokenizer/ChatFormat.h"
#include "trainer/tokenizer/Tokenizer.h"
#include "trainer/tokenizer/TokenizerError.h"

namespace longrl::cli {
namespace {

std::vector<tokenizer::ChatMessage> readMessages(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw tokenizer::TokenizerError(path + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(ss.str());
  } catch (const nlohmann::json::exception& e) {
    throw tokenizer::TokenizerError(path + ": invalid JSON: " + e.what());
  }
  if (j.is_object() && j.contains("messages"))
    return tokenizer::ChatFormat::fromJson(j["messages"], path + ": messages");
  return tokenizer::ChatFormat::fromJson(j, path);
}

std::optional<bool> parseSwitch(const std::optional<std::string>& value) {
  if (!value) return std::nullopt;
  if (*value == "true") return true;
  if (*value == "false") return false;
  throw UsageError("--enable-thinking takes true or false, not '" + *value + "'");
}

int run(ArgList& args, std::ostream& out, std::ostream&) {
  const std::string dir = args.require("tokenizer");
  const std::string messagesPath = args.require("messages");
  tokenizer::ChatTemplateOptions options;
  options.addGenerationPrompt = args.takeFlag("add-generation-prompt");
  options.enableThinking = parseSwitch(args.take("enable-thinking"));
  args.finish();
  // stdout carries only the rendered text; warnings (a tokenizer without a template) go to stderr.
  auto logger = spdlog::get("longrl-stderr");
  if (!logger) logger = spdlog::stderr_color_mt("longrl-stderr");
  spdlog::set_default_logger(logger);
  const auto messages = readMessages(messagesPath);
  const auto tok = tokenizer::Tokenizer::load(dir);
  out << tok.applyChatTemplate(messages, options);
  out.flush();
  return 0;
}

}  // namespace

Command chatTemplateCommand() {
  return Command{"chat-template",
                 "--tokenizer DIR --messages FILE.json [--add-generation-prompt] [--enable-thinking true|false]",
                 "print the prompt text the model's chat template renders for a conversation (as transformers does)",
                 run};
}

}  // namespace longrl::cli
