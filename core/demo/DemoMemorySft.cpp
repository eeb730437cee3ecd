#include "core/demo/DemoMemorySft.h"

#include <algorithm>
#include <fstream>
#include <random>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/demo/DemoExampleGenerator.h"
#include "core/memory/MemoryPrompt.h"
#include "core/memory/MemoryReplyParser.h"

namespace longrl::demo {

namespace {

bool isSpace(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

// Where `sentence` ends in `doc`, as a whole sentence (not the tail of a longer name).
std::size_t sentenceEnd(const std::string& doc, const std::string& sentence) {
  for (auto p = doc.find(sentence); p != std::string::npos; p = doc.find(sentence, p + 1)) {
    const std::size_t end = p + sentence.size();
    if ((p == 0 || isSpace(doc[p - 1])) && (end == doc.size() || isSpace(doc[end]))) return end;
  }
  throw std::invalid_argument("memory SFT: evidence '" + sentence + "' is not a sentence of the document");
}

std::string firstWord(const std::string& s) { return s.substr(0, s.find(' ')); }

// What to look for next, given how many of the chain's facts the memory holds.
std::string plan(const DemoExample& ex, std::size_t found) {
  if (found >= ex.evidence.size()) return "Answer the question.";
  const bool country = ex.kind == "lives_in_country";
  if (found == 0)
    return country ? "Find where " + firstWord(ex.evidence[0]) + " lives."
                   : "Find whom " + firstWord(ex.evidence[0]) + " works for.";
  return country ? "Find the country of " + firstWord(ex.evidence[1]) + "."
                 : "Find the city of " + firstWord(ex.evidence[1]) + ".";
}

nlohmann::json record(const DemoExample& ex, const MemorySftCall& c, int64_t index, int document, int sections) {
  return {{"data_source", ex.dataSource},
          {"prompt", nlohmann::json::array({{{"role", "user"}, {"content", c.prompt}}})},
          {"reward_model", {{"ground_truth", c.reply}}},
          {"extra_info",
           {{"index", index},
            {"kind", c.section < 0 ? "memory_final" : "memory_section"},
            {"band", ex.band},
            {"document", document},
            {"section", c.section},
            {"sections", sections},
            {"adds_fact", c.addsFact}}}};
}

}  // namespace

DemoMemorySft::DemoMemorySft(memory::DocumentChunker::TokenCounter count, std::size_t chunkTokens)
    : chunker_(std::move(count), chunkTokens) {}

std::string DemoMemorySft::reply(const std::string& memory, const std::string& plan) {
  // An empty memory is written as the prompt shows it, so a reply with nothing new copies the memory.
  return "<memory>" + (memory.empty() ? std::string(memory::MemoryPrompt::kEmpty) : memory) + "</memory> <plan>" +
         plan + "</plan>";
}

std::vector<MemorySftCall> DemoMemorySft::calls(const DemoExample& ex) const {
  if (ex.evidence.empty()) throw std::invalid_argument("memory SFT: the example has no evidence sentences");
  std::vector<std::size_t> factEnds;
  for (const auto& e : ex.evidence) factEnds.push_back(sentenceEnd(ex.document, e));
  const auto chunks = chunker_.split(ex.document);
  const int count = static_cast<int>(chunks.size());
  std::vector<MemorySftCall> out;
  std::string mem, pl;  // as the agent holds them: what the parser read from the replies before
  for (int c = 0; c < count; ++c) {
    const auto& ch = chunks[static_cast<std::size_t>(c)];
    MemorySftCall call;
    call.section = c;
    call.begin = ch.begin;
    call.end = ch.end;
    call.prompt =
        memory::MemoryPrompt::section(ex.question, mem, pl, ex.document.substr(ch.begin, ch.end - ch.begin), c, count);
    std::string kept;
    std::size_t found = 0;
    for (std::size_t k = 0; k < factEnds.size(); ++k) {
      if (factEnds[k] > ch.end) continue;
      kept += (kept.empty() ? "" : " ") + ex.evidence[k];
      ++found;
      call.addsFact = call.addsFact || factEnds[k] > ch.begin;
    }
    call.reply = reply(kept, plan(ex, found));
    const auto update = memory::MemoryReplyParser::parse(call.reply, mem, pl);
    mem = update.memory;
    pl = update.plan;
    out.push_back(std::move(call));
  }
  MemorySftCall final;
  final.prompt = memory::MemoryPrompt::final(ex.question, mem);
  final.reply = ex.targetResponse;
  out.push_back(std::move(final));
  return out;
}

int DemoMemorySft::write(const std::string& path, const DemoMemorySftOptions& o,
                         memory::DocumentChunker::TokenCounter count) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path);
  const DemoMemorySft sft(std::move(count), o.chunkTokens);
  DemoExampleGenerator gen(o.seed * 3 + 1003);  // own seed: the demo's other splits stay as they are
  std::mt19937_64 pick(o.seed * 3 + 1004);
  int64_t index = 0;
  for (int d = 0; d < o.documents; ++d) {
    const DemoExample ex = gen.generateBeyondWindow(o.longFillers);
    const auto calls = sft.calls(ex);
    const int sections = static_cast<int>(calls.size()) - 1;
    // Always the first section (empty memory), those adding a fact, and the final call.
    std::vector<int> plain;
    for (int c = 1; c < sections; ++c)
      if (!calls[static_cast<std::size_t>(c)].addsFact) plain.push_back(c);
    std::shuffle(plain.begin(), plain.end(), pick);
    if (o.plainSections >= 0 && plain.size() > static_cast<std::size_t>(o.plainSections))
      plain.resize(static_cast<std::size_t>(o.plainSections));
    for (int c = 0; c <= sections; ++c) {
      const auto& call = calls[static_cast<std::size_t>(c)];
      const bool keep =
          c == 0 || c == sections || call.addsFact || std::find(plain.begin(), plain.end(), c) != plain.end();
      if (keep) out << record(ex, call, index++, d, sections).dump() << '\n';
    }
  }
  out.close();
  if (!out) throw std::runtime_error("error writing " + path);
  return static_cast<int>(index);
}

}  // namespace longrl::demo
