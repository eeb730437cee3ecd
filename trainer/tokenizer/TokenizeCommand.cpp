#include "trainer/tokenizer/TokenizeCommand.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/cli/UsageError.h"
#include "core/dataset/DatasetReader.h"
#include "trainer/tokenizer/SftTokens.h"
#include "trainer/tokenizer/Tokenizer.h"
#include "trainer/tokenizer/TokenizerError.h"
#include "trainer/tokenizer/Unicode.h"

namespace longrl::cli {
namespace {

constexpr long long kNoMaxLen = std::numeric_limits<long long>::max();

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw tokenizer::TokenizerError(path + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The tokenizer reads invalid UTF-8 as U+FFFD, so such input would be tokenized as other text than
// the user gave: refuse it, saying where.
void requireUtf8(const std::string& input, const std::string& what) {
  const size_t at = tokenizer::unicode::firstInvalidUtf8(input);
  if (at == std::string::npos) return;
  char byte[8];
  std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(input[at]));
  throw tokenizer::TokenizerError(what + ": invalid UTF-8 at byte offset " + std::to_string(at) + " (byte " + byte +
                                  "); the tokenizer would read it as U+FFFD");
}

// One JSON line per record that SFT would train on, {"prompt": ids, "target": ids}: exactly the token
// sequences `longrl train`'s warm-up builds (the chat template's prompt, response + eos), for
// inspecting them or training the same data elsewhere (resources/demo-warmstart/README.md).
int writeSftTokens(const tokenizer::Tokenizer& tok, const std::string& data, long long maxLen, std::ostream& out,
                   std::ostream& err) {
  size_t kept = 0, dropped = 0;
  for (const auto& r : dataset::DatasetReader::readFile(data).records) {
    const auto t = tokenizer::SftTokens::of(r, tok, maxLen);
    if (!t) {
      ++dropped;
      continue;
    }
    out << nlohmann::json{{"prompt", t->promptIds}, {"target", t->targetIds}}.dump() << "\n";
    ++kept;
  }
  err << "tokenize: " << kept << " SFT examples from " << data << ", " << dropped << " dropped (no answer"
      << (maxLen == kNoMaxLen ? "" : ", or longer than --max-len " + std::to_string(maxLen)) << ")\n";
  return 0;
}

int run(ArgList& args, std::ostream& out, std::ostream& err) {
  const std::string dir = args.require("tokenizer");
  const auto text = args.take("text");
  const auto file = args.take("file");
  const auto bench = args.take("bench");
  const auto sft = args.take("sft");
  const long long maxLen = args.takeInt("max-len", 1, kNoMaxLen, kNoMaxLen);
  const bool decode = args.takeFlag("decode");
  const bool noSpecial = args.takeFlag("no-special");
  args.finish();
  if (static_cast<int>(text.has_value()) + static_cast<int>(file.has_value()) + static_cast<int>(bench.has_value()) +
          static_cast<int>(sft.has_value()) !=
      1)
    throw UsageError("give exactly one of --text, --file, --bench or --sft");

  const auto tok = tokenizer::Tokenizer::load(dir);
  if (sft) return writeSftTokens(tok, *sft, maxLen, out, err);
  if (bench) {
    const std::string doc = readFile(*bench);
    const auto t0 = std::chrono::steady_clock::now();
    const auto ids = tok.encode(doc, !noSpecial);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out << nlohmann::json{{"bytes", doc.size()},
                          {"tokens", ids.size()},
                          {"seconds", s},
                          {"mb_per_s", s > 0 ? doc.size() / 1e6 / s : 0.0}}
               .dump()
        << "\n";
    return 0;
  }
  const std::string input = text ? *text : readFile(*file);
  requireUtf8(input, text ? std::string("--text") : *file);
  if (decode) {
    nlohmann::json ids;
    try {
      ids = nlohmann::json::parse(input);
    } catch (const nlohmann::json::exception& e) {
      throw UsageError(std::string("--decode expects a JSON array of token ids: ") + e.what());
    }
    if (!ids.is_array()) throw UsageError("--decode expects a JSON array of token ids");
    std::vector<int> v;
    for (size_t i = 0; i < ids.size(); ++i) {
      if (!ids[i].is_number_integer())
        throw UsageError("--decode: element " + std::to_string(i) + " is not an integer");
      v.push_back(ids[i].get<int>());
    }
    out << nlohmann::json(tok.decode(v)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  out << nlohmann::json(tok.encode(input, !noSpecial)).dump() << "\n";
  return 0;
}

}  // namespace

Command tokenizeCommand() {
  return Command{
      "tokenize",
      "--tokenizer DIR (--text T | --file F | --bench F | --sft DATA.jsonl [--max-len N]) [--decode] [--no-special]",
      "encode text to token ids (JSON array), decode ids with --decode, or write the token sequences SFT trains on "
      "(--sft)",
      run};
}

}  // namespace longrl::cli
