#include "trainer/tokenizer/TokenizeCommand.h"

#include <chrono>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/cli/UsageError.h"
#include "trainer/tokenizer/Tokenizer.h"
#include "trainer/tokenizer/TokenizerError.h"

namespace longrl::cli {
namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw tokenizer::TokenizerError(path + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int run(ArgList& args, std::ostream& out, std::ostream&) {
  const std::string dir = args.require("tokenizer");
  const auto text = args.take("text");
  const auto file = args.take("file");
  const auto bench = args.take("bench");
  const bool decode = args.takeFlag("decode");
  const bool noSpecial = args.takeFlag("no-special");
  args.finish();
  if (static_cast<int>(text.has_value()) + static_cast<int>(file.has_value()) + static_cast<int>(bench.has_value()) != 1)
    throw UsageError("give exactly one of --text, --file or --bench");

  const auto tok = tokenizer::Tokenizer::load(dir);
  if (bench) {
    const std::string doc = readFile(*bench);
    const auto t0 = std::chrono::steady_clock::now();
    const auto ids = tok.encode(doc, !noSpecial);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out << nlohmann::json{{"bytes", doc.size()}, {"tokens", ids.size()}, {"seconds", s},
                          {"mb_per_s", s > 0 ? doc.size() / 1e6 / s : 0.0}}.dump()
        << "\n";
    return 0;
  }
  const std::string input = text ? *text : readFile(*file);
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
      if (!ids[i].is_number_integer()) throw UsageError("--decode: element " + std::to_string(i) + " is not an integer");
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
  return Command{"tokenize", "--tokenizer DIR (--text T | --file F | --bench F) [--decode] [--no-special]",
                 "encode text to token ids (JSON array), or decode ids with --decode", run};
}

}  // namespace longrl::cli
