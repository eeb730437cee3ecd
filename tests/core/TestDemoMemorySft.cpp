// Memory-agent SFT records from the demo's long documents: the prompts the agent would send, replies
// its parser reads without a problem that keep the question's facts, deterministic per seed.
#include <QtTest/QtTest>

#include <fstream>
#include <sstream>

#include "core/dataset/DatasetReader.h"
#include "core/demo/DemoExampleGenerator.h"
#include "core/demo/DemoMemorySft.h"
#include "core/memory/MemoryPrompt.h"
#include "core/memory/MemoryReplyParser.h"
#include "support/TestPaths.h"

using namespace longrl;
using namespace longrl::demo;

namespace {
// Words stand in for tokens: the generator must chunk with whatever counter it is given.
std::size_t words(std::string_view s) {
  std::size_t n = 0;
  bool in = false;
  for (char c : s) {
    const bool space = c == ' ' || c == '\n';
    if (!space && !in) ++n;
    in = !space;
  }
  return n;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}
}  // namespace

class TestDemoMemorySft : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void callsAreTheAgentsPromptsWithWellFormedReplies() {
    DemoExampleGenerator gen(4);
    const DemoMemorySft sft(words, 60);
    const memory::DocumentChunker chunker(words, 60);
    for (int i = 0; i < 12; ++i) {
      const auto ex = gen.generateBeyondWindow(120);
      QCOMPARE(ex.evidence.size(), std::size_t(2));
      const auto calls = sft.calls(ex);
      const auto chunks = chunker.split(ex.document);
      QVERIFY(chunks.size() >= 4);
      QCOMPARE(calls.size(), chunks.size() + 1);
      std::string mem, plan;
      int facts = 0;
      for (std::size_t c = 0; c < chunks.size(); ++c) {
        const auto& call = calls[c];
        QCOMPARE(call.section, int(c));
        QCOMPARE(call.begin, chunks[c].begin);
        QCOMPARE(call.end, chunks[c].end);
        const auto section = ex.document.substr(chunks[c].begin, chunks[c].end - chunks[c].begin);
        QCOMPARE(call.prompt,
                 memory::MemoryPrompt::section(ex.question, mem, plan, section, int(c), int(chunks.size())));
        const auto u = memory::MemoryReplyParser::parse(call.reply, mem, plan);
        QVERIFY2(u.problem.empty() && u.memoryFromReply && u.planFromReply, (call.reply + ": " + u.problem).c_str());
        // A section adds a fact exactly when it holds one, and the memory keeps what came before.
        bool holds = false;
        for (const auto& e : ex.evidence) holds = holds || section.find(e) != std::string::npos;
        QCOMPARE(call.addsFact, holds);
        facts += holds ? 1 : 0;
        if (!holds) QCOMPARE(u.memory, mem.empty() ? std::string(memory::MemoryPrompt::kEmpty) : mem);
        mem = u.memory;
        plan = u.plan;
      }
      QCOMPARE(facts, 2);  // the two hops lie far apart: never in one section
      QCOMPARE(mem, joined(ex.evidence));
      QCOMPARE(calls.back().section, -1);
      QCOMPARE(calls.back().prompt, memory::MemoryPrompt::final(ex.question, mem));
      QCOMPARE(calls.back().reply, ex.targetResponse);
    }
  }

  void evidenceMustBeInTheDocument() {
    auto ex = DemoExampleGenerator(2).generateBeyondWindow(40);
    ex.evidence.back() = "Nobody lives in Nowhere.";
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, DemoMemorySft(words, 60).calls(ex));
    ex.evidence.clear();
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, DemoMemorySft(words, 60).calls(ex));
  }

  void writesReadableRecordsDeterministicPerSeed() {
    const std::string dir = test::freshTempDir("demo-memory-sft");
    DemoMemorySftOptions o;
    o.documents = 5;
    o.longFillers = 120;
    o.chunkTokens = 60;
    const int n = DemoMemorySft::write(dir + "/a.jsonl", o, words);
    QCOMPARE(DemoMemorySft::write(dir + "/b.jsonl", o, words), n);
    QCOMPARE(slurp(dir + "/a.jsonl"), slurp(dir + "/b.jsonl"));
    o.seed = 2;
    DemoMemorySft::write(dir + "/c.jsonl", o, words);
    QVERIFY(slurp(dir + "/a.jsonl") != slurp(dir + "/c.jsonl"));

    const auto records = dataset::DatasetReader::readFile(dir + "/a.jsonl").records;
    QCOMPARE(int(records.size()), n);
    // Per document: the first section, the two that add a fact, 4 others, the final call.
    QCOMPARE(n, 5 * (1 + 2 + 4 + 1));
    int finals = 0;
    for (const auto& r : records) {
      QVERIFY(!r.promptText.empty());
      QCOMPARE(r.groundTruth.size(), std::size_t(1));
      const bool final = r.extraInfo.at("kind") == "memory_final";
      finals += final ? 1 : 0;
      if (final) {
        QVERIFY(r.groundTruth.front().find("Therefore, the answer is") != std::string::npos);
        continue;
      }
      const auto u = memory::MemoryReplyParser::parse(r.groundTruth.front(), "", "");
      QVERIFY2(u.problem.empty(), r.groundTruth.front().c_str());
      QVERIFY(r.promptText.find("<section " + std::to_string(r.extraInfo.at("section").get<int>() + 1) + " of ") !=
              std::string::npos);
    }
    QCOMPARE(finals, 5);
  }
};

QTEST_APPLESS_MAIN(TestDemoMemorySft)
#include "TestDemoMemorySft.moc"
