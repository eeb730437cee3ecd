// The memory agent's headless parts (QwenLong-L1.5): chunking, prompts, reply parsing, the
// trajectory as stored.
#include <QtTest/QtTest>

#include <string>

#include "core/memory/DocumentChunker.h"
#include "core/memory/MemoryPrompt.h"
#include "core/memory/MemoryReplyParser.h"
#include "core/memory/MemoryTrajectory.h"

using namespace longrl::memory;

namespace {

std::size_t words(std::string_view s) {
  std::size_t n = 0;
  bool in = false;
  for (char c : s) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!space && !in) ++n;
    in = !space;
  }
  return n;
}

// The chunks tile the document, each within the limit, with the count the counter gives.
void checkTiling(const std::string& doc, const std::vector<DocumentChunk>& chunks,
                 const DocumentChunker::TokenCounter& count, std::size_t maxTokens) {
  std::size_t at = 0;
  for (const auto& c : chunks) {
    QCOMPARE(c.begin, at);
    QVERIFY(c.end > c.begin);
    const std::string_view text(doc.data() + c.begin, c.end - c.begin);
    QCOMPARE(c.tokens, count(text));
    QVERIFY2(c.tokens <= maxTokens, std::string(text).c_str());
    at = c.end;
  }
  QCOMPARE(at, doc.size());
}

bool validUtf8Start(const std::string& doc, std::size_t at) {
  return at == doc.size() || (static_cast<unsigned char>(doc[at]) & 0xC0) != 0x80;
}

}  // namespace

class TestMemoryAgent : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void chunksTileTheDocumentWithinTheLimit() {
    std::string doc;
    for (int i = 0; i < 200; ++i) {
      doc += "Fact " + std::to_string(i) + " says that item " + std::to_string(i * 7) + " is blue.";
      doc += i % 9 == 8 ? "\n\n" : " ";
    }
    for (std::size_t limit : {7u, 12u, 40u, 100u, 5000u}) {
      DocumentChunker chunker(words, limit);
      const auto chunks = chunker.split(doc);
      checkTiling(doc, chunks, words, limit);
      if (limit == 5000u) QCOMPARE(chunks.size(), std::size_t(1));
    }
    QVERIFY(DocumentChunker(words, 10).split("").empty());
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, DocumentChunker(words, 0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, DocumentChunker({}, 10));
  }

  void cutsPreferParagraphsThenSentences() {
    // Paragraph 1: 12 words, paragraph 2: 12 words; a 20-word limit ends chunk 1 at the paragraph
    // (12 >= 20 / 2) rather than filling it with 8 words of paragraph 2.
    const std::string p1 = "One two three four five six. Seven eight nine ten eleven twelve.";
    const std::string p2 = "Alpha beta gamma delta epsilon zeta. Eta theta iota kappa lambda mu.";
    const std::string doc = p1 + "\n\n" + p2;
    DocumentChunker chunker(words, 20);
    auto chunks = chunker.split(doc);
    QCOMPARE(chunks.size(), std::size_t(2));
    QCOMPARE(doc.substr(chunks[0].begin, chunks[0].end - chunks[0].begin), p1 + "\n\n");
    // Without a paragraph, the cut falls after a sentence, never inside one.
    const std::string flat = p1 + " " + p2;
    chunks = DocumentChunker(words, 20).split(flat);
    QCOMPARE(chunks.size(), std::size_t(2));
    QCOMPARE(flat.substr(0, chunks[0].end), p1 + " Alpha beta gamma delta epsilon zeta. ");
  }

  void longSentencesAndWordsAreCutSafely() {
    // A sentence of 30 words with a 8-word limit: cut between words.
    std::string sentence;
    for (int i = 0; i < 30; ++i) sentence += "w" + std::to_string(i) + " ";
    auto chunks = DocumentChunker(words, 8).split(sentence);
    checkTiling(sentence, chunks, words, 8);
    QCOMPARE(chunks.size(), std::size_t(4));
    // A "word" of 60 two-byte characters with a counter of one token per 3 bytes and a limit of 10:
    // cut inside the word, never inside a character.
    std::string word;
    for (int i = 0; i < 60; ++i) word += "\xC3\xA9";  // é
    const std::string doc = "Start. " + word + " end.";
    auto bytes3 = [](std::string_view s) { return (s.size() + 2) / 3; };
    chunks = DocumentChunker(bytes3, 10).split(doc);
    checkTiling(doc, chunks, bytes3, 10);
    for (const auto& c : chunks) QVERIFY2(validUtf8Start(doc, c.begin), std::to_string(c.begin).c_str());
  }

  void aMergeAcrossTheCutIsCaught() {
    // A counter under which a whole is longer than the sum of its parts (as a BPE can make it):
    // every "a. b" joint costs 5 extra tokens. The chunker checks each chunk's exact count.
    auto merging = [](std::string_view s) {
      std::size_t n = words(s);
      for (std::size_t p = s.find(". "); p != std::string_view::npos; p = s.find(". ", p + 1))
        if (p + 2 < s.size()) n += 5;
      return n;
    };
    std::string doc;
    for (int i = 0; i < 20; ++i) doc += "x y z. ";
    const auto chunks = DocumentChunker(merging, 12).split(doc);
    checkTiling(doc, chunks, merging, 12);
  }

  void chunkingIsLinearInTheDocument() {
    // 1 MB of text: the counter reads each byte a small number of times (pieces, then the chunk).
    std::string doc;
    while (doc.size() < 1'000'000) doc += "Vanttek reported revenue of 44 million in 2020. ";
    std::size_t bytesCounted = 0;
    auto counting = [&](std::string_view s) {
      bytesCounted += s.size();
      return words(s);
    };
    const auto chunks = DocumentChunker(counting, 500).split(doc);
    checkTiling(doc, chunks, words, 500);
    QVERIFY2(bytesCounted <= 3 * doc.size(), std::to_string(bytesCounted).c_str());
  }

  void promptsCarryWhatEachCallNeeds() {
    const auto first = MemoryPrompt::section("Who founded Vanttek?", "", "", "Vanttek was founded by Rhoen.", 0, 3);
    QVERIFY(first.find("<question>\nWho founded Vanttek?\n</question>") != std::string::npos);
    QVERIFY(first.find("<memory>\n(empty)\n</memory>") != std::string::npos);
    QVERIFY(first.find("<plan>\n(empty)\n</plan>") != std::string::npos);
    QVERIFY(first.find("<section 1 of 3>\nVanttek was founded by Rhoen.\n</section>") != std::string::npos);
    const auto later = MemoryPrompt::section("Q?", "Rhoen founded Vanttek.", "Find Rhoen's city.", "More text.", 2, 3);
    QVERIFY(later.find("<memory>\nRhoen founded Vanttek.\n</memory>") != std::string::npos);
    QVERIFY(later.find("<plan>\nFind Rhoen's city.\n</plan>") != std::string::npos);
    QVERIFY(later.find("<section 3 of 3>") != std::string::npos);
    const auto last = MemoryPrompt::final("Who founded Vanttek?", "Rhoen founded Vanttek.");
    QVERIFY(last.find("Rhoen founded Vanttek.") != std::string::npos);
    QVERIFY(last.find("Who founded Vanttek?") != std::string::npos);
    // The recipe's answer format, so the rule rewards extract the answer as in full-context mode.
    QVERIFY(last.find("Format your response as follows: \"Therefore, the answer is (insert answer here)\".") !=
            std::string::npos);
    QVERIFY(last.find("<section") == std::string::npos);
  }

  void wellFormedRepliesAreRead() {
    const auto u =
        MemoryReplyParser::parse("<memory>\n Torena works for Vanttek. \n</memory>\n<plan>Find Vanttek's city.</plan>",
                                 "old", "old plan");
    QCOMPARE(u.memory, std::string("Torena works for Vanttek."));
    QCOMPARE(u.plan, std::string("Find Vanttek's city."));
    QVERIFY(u.memoryFromReply && u.planFromReply);
    QCOMPARE(u.problem, std::string());
    // Tags in any case; an empty memory is a valid choice to forget.
    const auto v = MemoryReplyParser::parse("<MEMORY></Memory><Plan>none</PLAN>", "old", "p");
    QCOMPARE(v.memory, std::string());
    QCOMPARE(v.plan, std::string("none"));
    QVERIFY(v.memoryFromReply);
  }

  void malformedRepliesKeepTheTrajectoryGoing() {
    // Nothing usable: the previous memory and plan stay, and the step says why.
    auto u = MemoryReplyParser::parse("I think the answer is Brinora.", "kept memory", "kept plan");
    QCOMPARE(u.memory, std::string("kept memory"));
    QCOMPARE(u.plan, std::string("kept plan"));
    QVERIFY(!u.memoryFromReply && !u.planFromReply);
    QVERIFY2(u.problem.find("no <memory>") != std::string::npos, u.problem.c_str());
    QVERIFY(u.problem.find("no <plan>") != std::string::npos);
    // Cut by the token limit inside <memory>: its text up to the end.
    u = MemoryReplyParser::parse("<memory>Torena works for Vant", "old", "p");
    QCOMPARE(u.memory, std::string("Torena works for Vant"));
    QCOMPARE(u.plan, std::string("p"));
    QVERIFY(u.problem.find("<memory> not closed") != std::string::npos);
    // An unclosed memory ends where the plan starts.
    u = MemoryReplyParser::parse("<memory>A lives in B. <plan>look for B</plan>", "old", "p");
    QCOMPARE(u.memory, std::string("A lives in B."));
    QCOMPARE(u.plan, std::string("look for B"));
    // Several blocks: the last complete one; a later unclosed opening does not override it.
    u = MemoryReplyParser::parse("<memory>first</memory><memory>second</memory><plan>x</plan><memory>cut", "", "");
    QCOMPARE(u.memory, std::string("second"));
    // A nested re-opening is not a closed block: the inner, closed one wins.
    u = MemoryReplyParser::parse("<memory>outer <memory>inner</memory>", "", "");
    QCOMPARE(u.memory, std::string("inner"));
    // Reasoning first: tags inside <think> are drafts.
    u = MemoryReplyParser::parse("<think><memory>draft</memory></think><memory>final</memory><plan>go</plan>", "", "");
    QCOMPARE(u.memory, std::string("final"));
    QCOMPARE(u.problem, std::string());
    // After a prompt that opened <think> (DeepSeek-R1-Distill) the reply has only the closing tag.
    u = MemoryReplyParser::parse("<memory>draft</memory>\n</think>\n\n<memory>final</memory><plan>go</plan>", "", "");
    QCOMPARE(u.memory, std::string("final"));
    QCOMPARE(u.plan, std::string("go"));
    u = MemoryReplyParser::parse("", "m", "p");
    QCOMPARE(u.memory, std::string("m"));
  }

  void trajectoryRoundTripsAndNamesBadFields() {
    MemoryTrajectory t;
    t.chunkTokens = 128;
    t.finalPromptTokens = 90;
    for (int i = 0; i < 3; ++i) {
      MemoryStep s;
      s.section = i;
      s.begin = static_cast<std::size_t>(i) * 100;
      s.end = s.begin + 100;
      s.promptTokens = 150 + i;
      s.responseTokens = 20;
      s.truncated = i == 2;
      s.reply = "<memory>m" + std::to_string(i) + "</memory>";
      s.memory = "m" + std::to_string(i);
      s.plan = i == 0 ? "" : "p";
      s.problem = i == 0 ? "no <plan> in the reply: the previous plan is kept" : "";
      t.steps.push_back(s);
    }
    const auto back = MemoryTrajectory::fromJson(t.toJson());
    QCOMPARE(back.toJson(), t.toJson());
    QCOMPARE(back.steps.size(), std::size_t(3));
    QCOMPARE(back.steps[2].end, std::size_t(300));
    QVERIFY(back.steps[2].truncated);
    QCOMPARE(back.finalPromptTokens, std::int64_t{90});

    // Model output is not always UTF-8: stored with replacement characters, not an exception.
    MemoryTrajectory bad = t;
    bad.steps[0].reply = "bad \xFF byte";
    QVERIFY(MemoryTrajectory::fromJson(bad.toJson()).steps[0].reply.find("bad ") == 0);

    auto expectError = [](const std::string& text, const std::string& fragment) {
      try {
        MemoryTrajectory::fromJson(text);
        QFAIL(("no error for " + text).c_str());
      } catch (const std::runtime_error& e) {
        QVERIFY2(std::string(e.what()).find(fragment) != std::string::npos, e.what());
      }
    };
    expectError("{", "not JSON");
    expectError("[]", "not a JSON object");
    expectError(R"({"steps": []})", "'chunk_tokens' is missing");
    expectError(R"({"chunk_tokens": 1, "steps": [{"section": 0, "begin": 0, "end": 4, "reply": "r"}]})",
                "step 0: 'memory' is missing");
    expectError(R"({"chunk_tokens": 1, "steps": [{"section": 0, "begin": 9, "end": 4, "reply": "r", "memory": ""}]})",
                "step 0: 'end' is before 'begin'");
    expectError(R"({"chunk_tokens": 1, "steps": [{"section": "x", "begin": 0, "end": 4, "reply": "r", "memory": ""}]})",
                "step 0: 'section' has the wrong type");
  }
};

QTEST_APPLESS_MAIN(TestMemoryAgent)
#include "TestMemoryAgent.moc"
