// The JSON-lines event stream: records survive encoder -> bytes in any chunking -> decoder ->
// run store; bad input (truncated, garbage, log lines, wrong fields, huge lines) is reported
// with its line number and skipped, and decoding goes on.
#include <QtTest/QtTest>

#include <cmath>
#include <random>

#include <nlohmann/json.hpp>

#include "core/store/EventEncoder.h"
#include "core/store/EventStreamDecoder.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/RunStoreWriter.h"
#include "support/TestPaths.h"

using namespace longrl::store;
using Problem = EventStreamDecoder::Problem;

namespace {

std::string storePath(const char* name) { return RunStore::fileIn(longrl::test::freshTempDir(name)); }

std::string docText() {
  std::string s;
  for (int i = 0; i < 300; ++i)
    s += "Paragraph " + std::to_string(i) + " says the river is " + std::to_string(i % 17) + " km long.\n";
  return s;
}

// A small but complete stream: one of each record type.
std::string sampleStream() {
  std::string s;
  s += EventEncoder::encode(RunInfo{"remote-run", "running", R"({"a":1})", "gpu-box", 1700000000.0, 1700000001.0});
  s += EventEncoder::encode(PhaseInfo{0, "p20k", 0, 20000, 10000, 0, -1, "running", 1.0, 0.0});
  s += EventEncoder::encode(DocumentRecord{5, "", "River report", docText()});
  s += EventEncoder::encode(ExampleRecord{"mh_1", "multihoprag", "How long?", "3 km", 5, 20000});
  RolloutRecord r;
  r.step = 2;
  r.example_id = "mh_1";
  r.group_idx = 1;
  r.sample_idx = 3;
  r.response = "<think>line one\nline \"two\"\t\\</think> Therefore, the answer is 3 km.";
  r.judge_verdict = "error";
  r.judge_error = "HTTP 503 from judge";
  r.reward = 0.0;
  r.advantage = -1.25;
  r.truncated = true;
  r.rule_score = std::nan("");
  r.trajectory = R"([{"memory":"m"}])";
  s += EventEncoder::encode(r);
  for (int step = 0; step < 3; ++step)
    s += EventEncoder::encode(
        MetricPoint{0, step, 0, "critic/score/mean", step == 1 ? std::nan("") : step * 0.5, 10.0 + step});
  s += EventEncoder::encode(AnnotationRecord{"mh_1", "hard", "tricky", "bob", 3.0});
  s += EventEncoder::encode(DifficultyRecord{"mh_1", 0, 0.25, 8});
  s += EventEncoder::encode(EventRecord{0, "log", R"({"msg":"saved","step":2})", 4.0});
  return s;
}

struct Decoded {
  EventStreamDecoder::Stats stats;
  std::vector<Problem> problems;
  std::vector<std::string> text;
};

Decoded decode(const std::string& path, const std::string& bytes, std::size_t chunk,
               std::size_t maxLine = EventStreamDecoder::kDefaultMaxLineBytes) {
  Decoded d;
  RunStoreWriter w(path);
  EventStreamDecoder dec(w, maxLine);
  dec.setProblemHandler([&](const Problem& p) { d.problems.push_back(p); });
  dec.setTextLineHandler([&](std::size_t, std::string_view t) { d.text.emplace_back(t); });
  for (std::size_t i = 0; i < bytes.size(); i += chunk) dec.feed(std::string_view(bytes).substr(i, chunk));
  dec.finish();
  d.stats = dec.stats();
  return d;
}

void checkSampleStored(const std::string& path) {
  RunStoreReader rd(path);
  QCOMPARE(rd.runs().at(0).host, std::string("gpu-box"));
  QCOMPARE(rd.phases().at(0).max_input_tokens, 20000LL);
  const auto ex = rd.example("mh_1");
  QVERIFY(ex.has_value());
  const auto doc = rd.document(ex->doc_id);
  QVERIFY(doc.has_value());
  QCOMPARE(doc->text, docText());
  const auto rollouts = rd.rolloutsAfter(0);
  QCOMPARE(rollouts.size(), std::size_t(1));
  QCOMPARE(rollouts[0].response,
           std::string("<think>line one\nline \"two\"\t\\</think> Therefore, the answer is 3 km."));
  QCOMPARE(rollouts[0].judge_verdict, std::string("error"));
  QCOMPARE(rollouts[0].judge_error, std::string("HTTP 503 from judge"));
  QCOMPARE(rollouts[0].advantage, -1.25);
  QVERIFY(std::isnan(rollouts[0].rule_score));
  QCOMPARE(rollouts[0].truncated, true);
  QCOMPARE(*rollouts[0].trajectory, std::string(R"([{"memory":"m"}])"));
  const auto m = rd.metricSeries("critic/score/mean");
  QCOMPARE(m.size(), std::size_t(3));
  QVERIFY(std::isnan(m[1].value));
  QCOMPARE(m[2].value, 1.0);
  QCOMPARE(m[2].wall_time, 12.0);
  QCOMPARE(rd.annotations().at(0).label, std::string("hard"));
  QCOMPARE(rd.difficulty().at(0).mean_reward, 0.25);
  const auto ev = rd.eventsAfter(0);
  QVERIFY(nlohmann::json::parse(ev.at(0).payload) == nlohmann::json::parse(R"({"msg":"saved","step":2})"));
}

}  // namespace

class TestEventStream : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void oneRecordPerLine() {
    const std::string s = sampleStream();
    QCOMPARE(std::count(s.begin(), s.end(), '\n'), 11L);  // embedded newlines are escaped
    const auto j = nlohmann::json::parse(EventEncoder::encode(MetricPoint{0, 7, 1, "actor/lr", 2e-6, 5.0}));
    QCOMPARE(j.at("type").get<std::string>(), std::string("metric"));
    QCOMPARE(j.at("step").get<int>(), 7);
    QCOMPARE(j.at("value").get<double>(), 2e-6);
  }

  void roundTripInAnyChunking() {
    for (std::size_t chunk : {std::size_t(1), std::size_t(7), std::size_t(4096), std::size_t(1) << 20}) {
      const auto path = storePath("chunks");
      const auto d = decode(path, sampleStream(), chunk);
      QCOMPARE(d.stats.records, std::size_t(11));
      QCOMPARE(d.stats.problems, std::size_t(0));
      checkSampleStored(path);
    }
  }

  void truncatedFinalLineIsReportedAndSkipped() {
    const std::string full = sampleStream();
    const std::string cut = full + EventEncoder::encode(MetricPoint{0, 9, 0, "x", 1.0, 0.0}).substr(0, 25);
    const auto path = storePath("truncated");
    const auto d = decode(path, cut, 64);
    QCOMPARE(d.stats.records, std::size_t(11));
    QCOMPARE(d.problems.size(), std::size_t(1));
    QCOMPARE(d.problems[0].line, std::size_t(12));
    QVERIFY2(d.problems[0].reason.find("without newline") != std::string::npos, d.problems[0].reason.c_str());
    checkSampleStored(path);
    // A complete last record without its newline is still taken.
    std::string noNewline = full;
    noNewline.pop_back();
    const auto d2 = decode(storePath("nonewline"), noNewline, 5);
    QCOMPARE(d2.stats.records, std::size_t(11));
    QCOMPARE(d2.stats.problems, std::size_t(0));
  }

  void logLinesAndCrlfAreSkipped() {
    const std::string s = sampleStream();
    std::string mixed = "Warning: Permanently added 'gpu-box' (ED25519) to the list of known hosts.\r\n";
    std::size_t pos = 0, n = 0;
    while (pos < s.size()) {
      const std::size_t nl = s.find('\n', pos);
      mixed += s.substr(pos, nl - pos) + "\r\n";  // a pty turns \n into \r\n
      if (++n % 3 == 0) mixed += "[rank0] step done in 1.2s\n\n";
      pos = nl + 1;
    }
    const auto path = storePath("logs");
    const auto d = decode(path, mixed, 13);
    QCOMPARE(d.stats.records, std::size_t(11));
    QCOMPARE(d.stats.problems, std::size_t(0));
    QCOMPARE(d.stats.nonJsonLines, std::size_t(4));
    QCOMPARE(d.text.at(1), std::string("[rank0] step done in 1.2s"));
    checkSampleStored(path);
  }

  void badRecordsNameLineAndField() {
    std::string s;
    s += R"({"type":"metric","step":1,"name":"a","value":1.0})"
         "\n";  // 1 ok
    s += R"({"type":"metric","step":"2","name":"a","value":1.0})"
         "\n";  // 2 mistyped step
    s += R"({"type":"metric","step":3,"value":1.0})"
         "\n";  // 3 missing name
    s += R"({"type":"telemetry","x":1})"
         "\n";  // 4 unknown type
    s += R"({"step":1})"
         "\n";  // 5 no type
    s += R"({"type":"rollout","step":1,"example_id":"e","group_idx":0,"sample_idx":0,"truncated":"yes"})"
         "\n";  // 6
    s += R"({"type":"metric","step":4,"name":"a","value":2.0)"
         "\n";  // 7 invalid JSON
    s += R"({"type":"annotation","example_id":"e","label":"maybe"})"
         "\n";  // 8 bad label
    s += R"({"type":"metric","step":5,"name":"a","value":null})"
         "\n";  // 9 ok (NaN)
    const auto path = storePath("bad");
    const auto d = decode(path, s, 3);
    QCOMPARE(d.stats.records, std::size_t(2));
    QCOMPARE(d.stats.lines, std::size_t(9));
    QCOMPARE(d.problems.size(), std::size_t(7));
    const std::vector<std::pair<std::size_t, std::string>> expected = {{2, "field 'step' must be an integer"},
                                                                       {3, "missing field 'name'"},
                                                                       {4, "unknown record type 'telemetry'"},
                                                                       {5, "missing field 'type'"},
                                                                       {6, "field 'truncated'"},
                                                                       {7, "invalid JSON"},
                                                                       {8, "field 'label'"}};
    for (std::size_t i = 0; i < expected.size(); ++i) {
      QCOMPARE(d.problems[i].line, expected[i].first);
      QVERIFY2(d.problems[i].reason.find(expected[i].second) != std::string::npos, d.problems[i].reason.c_str());
    }
    RunStoreReader rd(path);
    QCOMPARE(rd.metricsAfter(0).size(), std::size_t(2));
  }

  // Found by tests/fuzz/FuzzEventStream: a number beyond double (nlohmann's out_of_range, not a
  // parse_error) escaped feed() instead of being reported as a problem.
  void numberOverflowIsAProblem() {
    const auto d = decode(storePath("overflow"),
                          R"({"type":"metric","step":1,"name":"a","value":1e999})"
                          "\n",
                          7);
    QCOMPARE(d.stats.records, std::size_t(0));
    QCOMPARE(d.problems.size(), std::size_t(1));
    QVERIFY2(d.problems[0].reason.find("invalid JSON") != std::string::npos, d.problems[0].reason.c_str());
  }

  // Found by tests/fuzz/FuzzEventStream: a payload of 60,000 nested arrays overflowed the stack (dump).
  void deepNestingIsAProblem() {
    const std::string line =
        R"({"type":"event","kind":"k","payload":)" + std::string(100000, '[') + std::string(100000, ']') + "}\n";
    const auto d = decode(storePath("deep"), line, 4096);
    QCOMPARE(d.stats.records, std::size_t(0));
    QCOMPARE(d.problems.size(), std::size_t(1));
    QVERIFY2(d.problems[0].reason.find("JSON nests deeper than") != std::string::npos, d.problems[0].reason.c_str());
  }

  void garbageBytesNeverCrash() {
    std::mt19937 rng(1234);
    std::string garbage;
    for (int i = 0; i < 200000; ++i) {
      const unsigned char c = static_cast<unsigned char>(rng());
      garbage += (c % 41 == 0) ? '\n' : (c % 53 == 0) ? '{' : char(c);
    }
    const std::string s = garbage + "\n" + sampleStream() + garbage;
    const auto path = storePath("garbage");
    const auto d = decode(path, s, 1000);
    QCOMPARE(d.stats.records, std::size_t(11));
    QVERIFY(d.stats.problems > 0);      // lines starting with '{' that are not JSON
    QVERIFY(d.stats.nonJsonLines > 0);  // everything else
    QCOMPARE(d.stats.problems + d.stats.nonJsonLines + d.stats.records <= d.stats.lines, true);
    checkSampleStored(path);
  }

  void hugeLines() {
    // A legitimate 8 MB document line is decoded whole, fed in 64 KiB pieces.
    std::string big;
    while (big.size() < (8u << 20)) big += docText();
    std::string s = EventEncoder::encode(DocumentRecord{1, "", "big", big});
    s += EventEncoder::encode(ExampleRecord{"e", "docmath", "q", "1", 1, 2000000});
    const auto path = storePath("huge");
    const auto d = decode(path, s, 64 << 10);
    QCOMPARE(d.stats.records, std::size_t(2));
    RunStoreReader rd(path);
    QCOMPARE(rd.document(rd.example("e")->doc_id)->text.size(), big.size());
    // Beyond the line limit the line is dropped (not buffered) and the next lines still decode.
    const std::string limited = std::string("{\"type\":\"event\",\"kind\":\"x\",\"payload\":\"") +
                                std::string(3u << 20, 'a') + "\"}\n" +
                                EventEncoder::encode(MetricPoint{0, 1, 0, "after", 1.0, 0.0}) + "{\"type\":\"metric\"" +
                                std::string(2u << 20, ' ');
    const auto path2 = storePath("limited");
    const auto d2 = decode(path2, limited, 4096, 1u << 20);
    QCOMPARE(d2.stats.records, std::size_t(1));
    QCOMPARE(d2.problems.size(), std::size_t(2));
    QCOMPARE(d2.problems[0].line, std::size_t(1));
    QVERIFY(d2.problems[0].reason.find("longer than") != std::string::npos);
    QCOMPARE(d2.problems[1].line, std::size_t(3));
    RunStoreReader rd2(path2);
    QCOMPARE(rd2.metricsAfter(0).at(0).name, std::string("after"));
  }

  void documentIdsAreRemapped() {
    const auto path = storePath("remap");
    {
      RunStoreWriter w(path);
      w.writeDocument({0, "", "local", "a document the mirror had already"});
    }
    std::string s = EventEncoder::encode(DocumentRecord{1, "", "remote", "the remote's first document"});
    s += EventEncoder::encode(ExampleRecord{"e1", "musique", "q", "a", 1, 10});
    decode(path, s, 8);
    RunStoreReader rd(path);
    QCOMPARE(rd.document(rd.example("e1")->doc_id)->text, std::string("the remote's first document"));
  }

  void feedCommitsForLiveViews() {
    const auto path = storePath("livefeed");
    RunStoreWriter w(path);
    EventStreamDecoder dec(w);
    RunStoreReader rd(path);
    const std::string line = EventEncoder::encode(MetricPoint{0, 1, 0, "m", 1.0, 0.0});
    dec.feed(line.substr(0, 10));
    QCOMPARE(rd.metricsAfter(0).size(), std::size_t(0));
    dec.feed(line.substr(10));  // the line is complete: visible without finish()
    QCOMPARE(rd.metricsAfter(0).size(), std::size_t(1));
  }

  void invalidUtf8IsReplacedNotFatal() {
    RolloutRecord r;
    r.example_id = "e";
    r.response = std::string("split token \xE6\x97", 14) + " end";
    const std::string line = EventEncoder::encode(r);
    QVERIFY(!nlohmann::json::parse(line).at("response").get<std::string>().empty());
    const auto d = decode(storePath("utf8"), line, 100);
    QCOMPARE(d.stats.records, std::size_t(1));
  }
};

QTEST_APPLESS_MAIN(TestEventStream)
#include "TestEventStream.moc"
