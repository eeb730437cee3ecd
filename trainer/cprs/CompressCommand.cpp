#include "trainer/cprs/CompressCommand.h"

#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>

#include "core/cli/UsageError.h"
#include "core/cprs/CprsPrompt.h"
#include "trainer/cprs/CprsCompressor.h"
#include "trainer/cprs/CprsPretrained.h"
#include "trainer/model/TorchThreads.h"

namespace longrl::cli {
namespace {

std::string readDocument(const std::optional<std::string>& file) {
  if (!file) return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  std::ifstream in(*file, std::ios::binary);
  if (!in) throw UsageError("cannot read --file " + *file);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

cprs::CprsCompressor::Options takeOptions(ArgList& args) {
  cprs::CprsCompressor::Options o;
  try {
    o.granularity = cprs::granularityFromName(args.takeOr("granularity", "sentence"), "--granularity");
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  o.threshold = args.takeDouble("threshold", ArgList::Range::within(0, 1), 0.5);
  o.windowTokens = args.takeInt("window-tokens", 2, 1 << 20, 512);
  o.overlap = args.takeInt("overlap", 0, 1 << 20, 0);
  o.batch = args.takeInt("batch", 1, 4096, 8);
  return o;
}

}  // namespace

Command compressCommand() {
  Command c;
  c.name = "compress";
  c.usage =
      "--model DIR --query Q [--instruction T] (--file F | stdin) [--granularity sentence|keyword|paragraph] "
      "[--threshold X] [--window-tokens N] [--overlap N] [--batch N] [--threads N] [--json]";
  c.summary = "keep what a question needs of a long document (QwenLong-CPRS compressor)";
  c.run = [](ArgList& args, std::ostream& out, std::ostream&) -> int {
    const std::string dir = args.require("model");
    const std::string query = args.require("query");
    const std::string instruction = args.takeOr("instruction", cprs::CprsPrompt::defaultInstruction());
    const auto file = args.take("file");
    const auto options = takeOptions(args);
    const int threads = static_cast<int>(args.takeThreads());
    const bool json = args.takeFlag("json");
    args.finish();
    if (options.overlap >= options.windowTokens) throw UsageError("--overlap must be below --window-tokens");

    model::applyTorchThreads(threads);
    const auto tok = tokenizer::Tokenizer::load(dir);
    cprs::CprsCompressor compressor(cprs::CprsPretrained::load(dir), tok);
    const std::string document = readDocument(file);
    const auto result = compressor.compress(document, instruction, query, options);
    if (json) {
      auto j = result.toJson(document);
      j["granularity"] = cprs::granularityName(options.granularity);
      j["threshold"] = options.threshold;
      // A document that is not valid UTF-8 (a Latin-1 file) still gives JSON: its bad bytes
      // become U+FFFD in the texts; the byte offsets index the document as read.
      out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else {
      out << result.text << "\n\nratio: " << result.ratio() << " (kept " << result.keptBytes << " of "
          << result.documentBytes << " bytes, " << result.spans.size() << " "
          << cprs::granularityName(options.granularity) << " spans)\n";
    }
    return 0;
  };
  return c;
}

}  // namespace longrl::cli
