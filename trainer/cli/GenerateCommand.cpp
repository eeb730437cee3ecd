#include "trainer/cli/GenerateCommand.h"

#include <chrono>
#include <cstdint>
#include <fstream>
#include <limits>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/cli/OptionLimits.h"
#include "core/cli/UsageError.h"
#include "trainer/engine/GenerationEngine.h"
#include "trainer/engine/LenientDecoder.h"
#include "trainer/engine/LoadedModel.h"
#include "trainer/model/TorchThreads.h"

namespace longrl::cli {
namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("cannot read --prompt-file " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Refuses a prompt that, with the tokens to generate, does not fit in the model's context: past
// it the model runs on, slower and slower, into positions it never learned.
void requireFitsContext(int64_t promptTokens, long long maxNew, int64_t context, const std::string& dir) {
  if (maxNew <= context - promptTokens) return;
  const std::string fix = promptTokens < context
                              ? "give at most --max-new-tokens " + std::to_string(context - promptTokens) +
                                    " for this prompt, or shorten it"
                              : "shorten the prompt";
  throw UsageError("the prompt is " + std::to_string(promptTokens) + " tokens and --max-new-tokens " +
                   std::to_string(maxNew) + ": together more than the model's context of " + std::to_string(context) +
                   " tokens (" + dir + "/config.json); " + fix);
}

}  // namespace

Command generateCommand() {
  Command c;
  c.name = "generate";
  c.usage =
      "--model DIR (--prompt TEXT | --prompt-file FILE) [--chat] [--no-thinking] [--max-new-tokens N] "
      "[--temperature T] [--top-p P] [--top-k K] [--n N] [--seed S] [--stop STR] [--threads N] [--json]";
  c.summary = "sample completions of a prompt from a model directory";
  c.run = [](ArgList& args, std::ostream& out, std::ostream& err) -> int {
    const std::string dir = args.require("model");
    const auto promptArg = args.take("prompt");
    const auto promptFile = args.take("prompt-file");
    const bool chat = args.takeFlag("chat");
    const bool noThinking = args.takeFlag("no-thinking");
    const long long maxNew = args.takeInt("max-new-tokens", 1, limits::kMaxTokens, 128);
    const auto temperature = args.takeDouble("temperature", ArgList::Range::atLeast(0));
    const auto topP = args.takeDouble("top-p", ArgList::Range::aboveUpTo(0, 1));
    const auto topK = args.takeInt("top-k", 0, std::numeric_limits<int32_t>::max());
    const long long n = args.takeInt("n", 1, limits::kMaxSamples, 1);
    const long long seed = args.takeInt("seed", 0, limits::kMaxSeed, 0);
    const auto stop = args.take("stop");
    const int threads = static_cast<int>(args.takeThreads());
    const bool json = args.takeFlag("json");
    args.finish();
    if (promptArg.has_value() == promptFile.has_value())
      throw UsageError("give exactly one of --prompt and --prompt-file");

    model::applyTorchThreads(threads);
    auto loaded = engine::LoadedModel::load(dir);
    engine::SamplingParams params;
    params.temperature = temperature.value_or(loaded.defaultTemperature);
    params.topP = topP.value_or(loaded.defaultTopP);
    params.topK = topK.value_or(loaded.defaultTopK);
    // The flags were checked when taken; the model's generation_config.json defaults are checked here.
    if (!(params.temperature >= 0) || !(params.topP > 0 && params.topP <= 1) || params.topK < 0)
      throw UsageError(dir + "/generation_config.json: temperature " + std::to_string(params.temperature) + ", top_p " +
                       std::to_string(params.topP) + " or top_k " + std::to_string(params.topK) +
                       " is out of range; give --temperature, --top-p and --top-k");
    params.maxNewTokens = maxNew;
    params.n = static_cast<int>(n);
    params.seed = static_cast<uint64_t>(seed);
    if (stop) params.stopStrings = {*stop};

    std::string prompt = promptArg ? *promptArg : readFile(*promptFile);
    if (chat) {
      tokenizer::ChatTemplateOptions o;
      if (noThinking) o.enableThinking = false;
      prompt = loaded.tokenizer.applyChatTemplate({{"user", prompt, std::nullopt}}, o);
    }
    const auto ids = loaded.tokenizer.encode(prompt);
    if (ids.empty()) throw UsageError("the prompt encodes to no tokens");
    requireFitsContext(static_cast<int64_t>(ids.size()), maxNew, loaded.contextLength(), dir);
    engine::GenerationEngine eng(loaded.model, loaded.engineOptions());
    engine::LenientDecoder decoder(loaded.tokenizer);

    const auto t0 = std::chrono::steady_clock::now();
    const auto samples = eng.generate({ids}, params);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    size_t generated = 0;
    for (const auto& s : samples) generated += s.tokenIds.size();

    auto textOf = [&](const engine::GeneratedSample& s) {
      std::vector<int> body = s.tokenIds;
      if (s.stopTokenId >= 0 && !body.empty()) body.pop_back();  // the EOS is not part of the text
      std::string text = decoder.decode(body);
      return s.stopString.empty() ? text : engine::StopStringMatcher::cut(text, {s.stopString});
    };
    if (json) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& s : samples)
        arr.push_back({{"index", s.sampleIndex},
                       {"text", textOf(s)},
                       {"token_ids", s.tokenIds},
                       {"logprobs", s.logprobs},
                       {"finish_reason", s.finishReason}});
      nlohmann::json j = {{"prompt_tokens", ids.size()},
                          {"samples", arr},
                          {"timing",
                           {{"seconds", seconds},
                            {"generated_tokens", generated},
                            {"tokens_per_s", seconds > 0 ? generated / seconds : 0.0}}}};
      out << j.dump() << "\n";
    } else {
      for (const auto& s : samples) {
        if (samples.size() > 1)
          out << "--- sample " << s.sampleIndex << " (" << s.finishReason << ", " << s.tokenIds.size()
              << " tokens) ---\n";
        out << textOf(s) << "\n";
      }
      err << "generate: " << ids.size() << " prompt tokens, " << generated << " generated in " << seconds << " s\n";
    }
    return 0;
  };
  return c;
}

}  // namespace longrl::cli
