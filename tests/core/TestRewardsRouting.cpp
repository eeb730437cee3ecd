// Routing by data_source, the overlong penalty, the rule/judge combination and `longrl reward`.
#include <QtTest/QtTest>

#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/cli/RewardCommand.h"
#include "core/cli/UsageError.h"
#include "core/reward/OverlongPenalty.h"
#include "core/reward/RewardError.h"
#include "core/reward/RewardFunction.h"
#include "support/TestPaths.h"

using namespace longrl::reward;
using longrl::cli::ArgList;

namespace {
nlohmann::json runCli(std::vector<std::string> args) {
  ArgList list(std::move(args));
  std::ostringstream out, err;
  const int rc = longrl::cli::rewardCommand().run(list, out, err);
  if (rc != 0) throw std::runtime_error("exit " + std::to_string(rc) + ": " + err.str());
  const std::string text = out.str();
  if (text.empty() || text.back() != '\n' || text.find('\n') != text.size() - 1)
    throw std::runtime_error("expected exactly one line of output, got: " + text);
  return nlohmann::json::parse(text);
}
RewardRouter::Rule ruleWith(double score, bool withPred, RewardKind kind = RewardKind::DocQa) {
  RewardRouter::Rule r{kind, {}, std::string("the answer is x")};
  r.outcome.score = score;
  if (withPred) r.outcome.pred = "x";
  return r;
}
}  // namespace

class TestRewardsRouting : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void routesByDataSource() {
    RewardRouter r;
    QCOMPARE(*r.kindFor("docmath_compshort"), RewardKind::DocMath);
    QCOMPARE(*r.kindFor("multihoprag"), RewardKind::DocQa);
    QCOMPARE(*r.kindFor("musique_train"), RewardKind::DocQa);
    QCOMPARE(*r.kindFor("long_toc_choices_0_20000"), RewardKind::Choice);
    QCOMPARE(*r.kindFor("demo_docqa"), RewardKind::DocQa);
    // The demo generator's sources (core/demo) keep their scorers.
    QCOMPARE(*r.kindFor("demo_multihoprag"), RewardKind::DocQa);
    QCOMPARE(*r.kindFor("demo_docmath"), RewardKind::DocMath);
    // An override (exact data_source) wins over the table.
    QCOMPARE(*r.kindFor("hotpotqa"), RewardKind::DocQa);
    r.setOverride("hotpotqa", RewardKind::Choice);
    QCOMPARE(*r.kindFor("hotpotqa"), RewardKind::Choice);
    QCOMPARE(*r.kindFor("hotpotqa_e"), RewardKind::DocQa);
    r.setOverride("gsm8k", RewardKind::DocMath);
    QCOMPARE(*r.kindFor("gsm8k"), RewardKind::DocMath);
    try {
      RewardRouter().score("gsm8k", "</think>the answer is 1", "1");
      QFAIL("unknown data_source accepted");
    } catch (const RewardError& e) {
      QVERIFY(std::string(e.what()).find("gsm8k") != std::string::npos);
    }
  }
  // The papers' evaluation sets as verl-style files name them.
  void routesThePapersSources_data() {
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("kind");
    const std::vector<std::pair<const char*, const char*>> rows = {
        {"docmath_qa", "docmath"},
        {"docmath_complong_test", "docmath"},
        {"frames", "docqa"},
        {"frames_test", "docqa"},
        {"google/frames-benchmark", "docqa"},
        {"2wikimqa", "docqa"},
        {"2wikimqa_e", "docqa"},
        {"hotpotqa", "docqa"},
        {"HotpotQA", "docqa"},
        {"musique", "docqa"},
        {"narrativeqa", "docqa"},
        {"qasper", "docqa"},
        {"qasper.dev", "docqa"},
        {"multihoprag", "docqa"},
        {"longbench_v2", "choice"},
        {"LongBench-v2", "choice"},
        {"THUDM/LongBench-v2", "choice"},
        {"longbench_v2_short", "choice"},
        {"long_toc_choices_0_20000", "choice"},
        {"my_choice_set", "choice"},
    };
    for (const auto& [source, kind] : rows) QTest::newRow(source) << QString(source) << QString(kind);
  }
  void routesThePapersSources() {
    QFETCH(QString, source);
    QFETCH(QString, kind);
    const auto k = RewardRouter().kindFor(source.toStdString());
    QVERIFY2(k, qPrintable(source));
    QCOMPARE(QString(kindName(*k)), kind);
  }
  // Names match as whole words: a name inside another word, or a longer name, is unknown.
  void namesAreWholeWords() {
    for (const char* s : {"hotpotqa2", "my_frames", "framesets", "qasperx", "longbench_v1", "narrative", "gsm8k", ""})
      QVERIFY2(!RewardRouter().kindFor(s), s);
  }
  void unknownSourceListsTheTable() {
    try {
      RewardRouter().requireKind("my_new_set");
      QFAIL("unknown data_source accepted");
    } catch (const RewardError& e) {
      const std::string what = e.what();
      QVERIFY2(what.find("'my_new_set'") != std::string::npos, e.what());
      for (const auto& route : RewardRouter::routes()) {
        QVERIFY2(what.find(route.pattern) != std::string::npos, e.what());
        QVERIFY2(what.find(std::string(route.pattern) +
                           (route.match == RewardRouter::Match::Contains ? "* -> " : "[_...] -> ") +
                           kindName(route.kind)) != std::string::npos,
                 e.what());
      }
    }
    // The same error from score(), which training and `longrl reward` use.
    QVERIFY_THROWS_EXCEPTION(RewardError, RewardRouter().score("my_new_set", "</think>x", "x"));
  }
  // Scoring through the new names uses the kind's scorer (DocQA sub-EM, choice letter).
  void newNamesScoreWithTheirScorer() {
    const RewardRouter r;
    QCOMPARE(r.score("hotpotqa", "</think>Therefore, the answer is the city of Paris.", "Paris").outcome.score, 1.0);
    QCOMPARE(r.score("frames", "</think>Therefore, the answer is Lyon.", "Paris").outcome.score, 0.0);
    QCOMPARE(r.score("longbench_v2", "</think>The correct answer is (B).", "B").outcome.score, 1.0);
    QCOMPARE(r.score("longbench_v2", "</think>The correct answer is (C).", "B").outcome.score, 0.0);
    QCOMPARE(r.score("docmath_qa", "</think>Therefore, the answer is 12.5.", "12.5").outcome.score, 1.0);
  }
  void overlongPenaltyAsInDapo() {
    const OverlongPenalty p(10000, 1000);
    QCOMPARE(p.penalty(100), 0.0);
    QCOMPARE(p.penalty(9000), 0.0);
    QCOMPARE(p.penalty(9500), -0.5);
    QCOMPARE(p.penalty(9750), -0.75);
    QCOMPARE(p.penalty(10000), -1.0);
    QCOMPARE(OverlongPenalty(10000, 1000, 0.5).penalty(9500), -0.25);
    QVERIFY_THROWS_EXCEPTION(RewardError, OverlongPenalty(1000, 0));
    QVERIFY_THROWS_EXCEPTION(RewardError, OverlongPenalty(1000, 2000));
    QVERIFY_THROWS_EXCEPTION(RewardError, OverlongPenalty(1000, 100, -1));
  }
  void combineTakesTheMaximum() {
    JudgeResult yes, no, error;
    yes.verdict = JudgeVerdict::Yes;
    no.verdict = JudgeVerdict::No;
    error.error = "HTTP 500";
    QCOMPARE(RewardFunction::combine(ruleWith(1, true), std::nullopt).score, 1.0);
    QVERIFY(RewardFunction::combine(ruleWith(1, true), std::nullopt).acc);
    const auto y = RewardFunction::combine(ruleWith(0, true), yes);
    QCOMPARE(y.score, 1.0);
    QCOMPARE(y.rule_score, 0.0);
    QVERIFY(y.acc);
    QCOMPARE(RewardFunction::combine(ruleWith(0, true), no).score, 0.0);
    const auto e = RewardFunction::combine(ruleWith(0, true), error);
    QCOMPARE(e.score, 0.0);
    QVERIFY(!e.acc);
    QCOMPARE(e.judge->verdict, JudgeVerdict::Error);
    QCOMPARE(QString::fromStdString(e.toJson()["judge"]["verdict"].get<std::string>()), QString("error"));
  }
  void rewardFunctionWithPenalty() {
    RewardFunction fn(RewardRouter{}, nullptr, OverlongPenalty(10000, 1000));
    RewardInput in{"musique", "</think>Therefore, the answer is Paris.", "Paris", "", 9500};
    const auto r = fn.compute(in);
    QCOMPARE(r.score, 0.5);
    QCOMPARE(r.overlong_penalty, -0.5);
    QVERIFY(r.acc);  // acc reflects the answer, not the length
    in.response_tokens.reset();
    QVERIFY_THROWS_EXCEPTION(RewardError, fn.compute(in));
  }
  void cliPrintsOneJsonObject() {
    auto j = runCli({"--data-source", "docmath", "--response",
                     "<think>sum</think>Therefore, the answer is $1.2 million.", "--ground-truth", "1200000"});
    QCOMPARE(j["score"].get<double>(), 1.0);
    QCOMPARE(j["acc"].get<bool>(), true);
    QCOMPARE(QString::fromStdString(j["pred"].get<std::string>()), QString("1.2"));
    QVERIFY(!j.contains("judge"));

    j = runCli(
        {"--data-source", "musique", "--response", "no think tag, the answer is Paris", "--ground-truth", "Paris"});
    QCOMPARE(j["score"].get<double>(), 0.0);
    QVERIFY(j["pred"].is_null());

    j = runCli({"--data-source=multihoprag", "--response=</think>Therefore, the answer is NYC.", "--ground-truth-json",
                R"(["New York City", "NYC"])"});
    QCOMPARE(j["score"].get<double>(), 1.0);

    j = runCli({"--data-source", "musique", "--response", "</think>Therefore, the answer is Paris.", "--ground-truth",
                "Paris", "--max-response-tokens", "10000", "--response-tokens", "9750"});
    QCOMPARE(j["score"].get<double>(), 0.25);
    QCOMPARE(j["overlong_penalty"].get<double>(), -0.75);
  }
  void cliReadsAResponseFile() {
    const std::string path = longrl::test::freshTempDir("reward-cli") + "/response.txt";
    std::ofstream(path) << "<think>long\nreasoning</think>\nThe correct answer is (C).\n";
    const auto j = runCli({"--data-source", "long_toc_choices", "--response-file", path, "--ground-truth", "C"});
    QCOMPARE(j["score"].get<double>(), 1.0);
    QCOMPARE(QString::fromStdString(j["pred"].get<std::string>()), QString("C"));
    QVERIFY_THROWS_EXCEPTION(RewardError, runCli({"--data-source", "musique", "--response-file", path + ".missing",
                                                  "--ground-truth", "C"}));
  }
  void cliRejectsBadUsage() {
    using longrl::cli::UsageError;
    QVERIFY_THROWS_EXCEPTION(UsageError, runCli({"--data-source", "musique", "--response", "x"}));
    QVERIFY_THROWS_EXCEPTION(UsageError, runCli({"--data-source", "musique", "--response", "x", "--ground-truth", "y",
                                                 "--ground-thruth", "z"}));
    QVERIFY_THROWS_EXCEPTION(UsageError, runCli({"--data-source", "musique", "--response", "x", "--ground-truth", "y",
                                                 "--judge-url", "http://127.0.0.1:1/v1"}));
    QVERIFY_THROWS_EXCEPTION(UsageError, runCli({"--data-source", "musique", "--response", "x", "--ground-truth", "y",
                                                 "--max-response-tokens", "100"}));
    QVERIFY_THROWS_EXCEPTION(UsageError, runCli({"--data-source", "musique", "--response", "x", "--ground-truth-json",
                                                 "[unclosed"}));
    QVERIFY_THROWS_EXCEPTION(RewardError, runCli({"--data-source", "gsm8k", "--response", "x", "--ground-truth", "y"}));
  }
  // Out-of-range numbers were accepted (a negative budget made every response "overlong").
  void cliRefusesOutOfRangeNumbers() {
    const std::vector<std::string> base = {"--data-source",     "musique",
                                           "--response",        "</think>the answer is Paris",
                                           "--ground-truth",    "Paris",
                                           "--response-tokens", "10"};
    for (const auto& [flag, value] :
         std::vector<std::pair<std::string, std::string>>{{"--max-response-tokens", "-5"},
                                                          {"--max-response-tokens", "99999999999999999999"},
                                                          {"--overlong-factor", "nan"},
                                                          {"--overlong-buffer", "0"},
                                                          {"--judge-timeout-ms", "-5"},
                                                          {"--judge-retries", "-1"}}) {
      auto args = base;
      args.insert(args.end(), {flag, value});
      if (flag != "--max-response-tokens") args.insert(args.end(), {"--max-response-tokens", "100"});
      try {
        runCli(args);
        QFAIL(qPrintable(QString::fromStdString(flag + " " + value + " was accepted")));
      } catch (const longrl::cli::UsageError& e) {
        const std::string m = e.what();
        QVERIFY2(m.find("option " + flag) != std::string::npos && m.find("'" + value + "'") != std::string::npos,
                 e.what());
      }
    }
  }
};

QTEST_APPLESS_MAIN(TestRewardsRouting)
#include "TestRewardsRouting.moc"
