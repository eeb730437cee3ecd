// eval::EvalReport (what `longrl eval --json` prints and the studio reads back) and eval::EvalTable
// (the papers' table as text): the average row, the JSON round trip, errors naming the field, and
// the table's cells and columns.
#include <QtTest/QtTest>

#include <stdexcept>

#include "core/eval/EvalReport.h"
#include "core/eval/EvalTable.h"

using namespace longrl::eval;

namespace {
EvalRow row(const std::string& name, int64_t n, double greedy, std::optional<double> mean, std::optional<double> pass) {
  EvalRow r;
  r.name = name;
  r.scorer = "docqa";
  r.examples = n;
  r.acc = {greedy, mean, pass};
  r.rule = {greedy / 2, mean ? std::optional<double>(*mean / 2) : std::nullopt, pass};
  return r;
}

EvalReport sample() {
  EvalReport r;
  r.model = "/runs/a/checkpoints/step-20";
  r.data = "/data/val.jsonl";
  r.k = 4;
  r.seed = 9;
  r.maxNewTokens = 64;
  r.seconds = 1.5;
  r.sources = {row("frames", 3, 1.0 / 3, 0.25, 2.0 / 3), row("hotpotqa", 5, 0.6, 0.55, 0.8)};
  r.sources[0].scorer = "docqa";
  r.examples = 8;
  r.average = EvalReport::averageOf(r.sources);
  r.judge = EvalJudgeSummary{"http://127.0.0.1:9/v1", "judge-m", 7, 3, 2, 2};
  r.by.emplace_back("band", std::vector<EvalRow>{row("0", 4, 0.5, 0.5, 0.75)});
  r.by.back().second[0].scorer.clear();
  return r;
}
}  // namespace

class TestEvalReport : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void averageIsTheUnweightedMeanOfRows() {
    const auto avg = EvalReport::averageOf({row("a", 10, 0.2, 0.1, 0.5), row("b", 30, 0.6, 0.4, 0.7)});
    QCOMPARE(avg.name, std::string("average"));
    QCOMPARE(avg.examples, int64_t(40));
    QCOMPARE(avg.acc.greedy, 0.4);  // not the pooled 0.5
    QCOMPARE(*avg.acc.meanAtK, 0.25);
    QCOMPARE(*avg.acc.passAtK, 0.6);
    QCOMPARE(avg.rule.greedy, 0.2);
    // A row without K-sample numbers leaves them absent in the average.
    const auto greedyOnly = EvalReport::averageOf({row("a", 1, 1, std::nullopt, std::nullopt), row("b", 1, 0, 0.5, 1)});
    QCOMPARE(greedyOnly.acc.greedy, 0.5);
    QVERIFY(!greedyOnly.acc.meanAtK && !greedyOnly.acc.passAtK);
    QCOMPARE(EvalReport::averageOf({}).examples, int64_t(0));
  }
  void jsonRoundTrip() {
    const auto r = sample();
    const auto j = r.toJson();
    QCOMPARE(j.at("sources")[1].at("data_source").get<std::string>(), std::string("hotpotqa"));
    QCOMPARE(j.at("sources")[1].at("mean_at_k").get<double>(), 0.55);
    QCOMPARE(j.at("sources")[1].at("rule").at("mean_at_k").get<double>(), 0.275);
    QCOMPARE(j.at("sampling").at("top_p").get<double>(), 0.95);
    QCOMPARE(j.at("judge").at("calls").get<int>(), 7);
    QVERIFY(j.at("definitions").at("pass_at_k").get<std::string>().find("at least one") != std::string::npos);
    const auto back = EvalReport::fromJson(nlohmann::json::parse(j.dump()));
    QCOMPARE(back.toJson(), j);
    QCOMPARE(back.sources.size(), size_t(2));
    QCOMPARE(back.by.at(0).first, std::string("band"));
    QCOMPARE(back.judge->no, int64_t(2));
    QCOMPARE(back.seed, uint64_t(9));
  }
  void kOneHasNoSampling() {
    auto r = sample();
    r.k = 1;
    r.judge.reset();
    for (auto& s : r.sources) s.acc.meanAtK = s.acc.passAtK = s.rule.meanAtK = s.rule.passAtK = std::nullopt;
    r.average = EvalReport::averageOf(r.sources);
    const auto j = r.toJson();
    QVERIFY(j.at("sampling").is_null());
    QVERIFY(j.at("judge").is_null());
    QVERIFY(j.at("average").at("mean_at_k").is_null());
    const auto back = EvalReport::fromJson(j);
    QVERIFY(!back.judge);
    QVERIFY(!back.average.acc.passAtK);
  }
  void fromJsonNamesTheField() {
    auto expectError = [](nlohmann::json j, const std::string& mentions) {
      try {
        EvalReport::fromJson(j);
      } catch (const std::runtime_error& e) {
        return std::string(e.what()).find(mentions) != std::string::npos ? std::string() : std::string(e.what());
      }
      return std::string("accepted");
    };
    auto j = sample().toJson();
    j["sources"][1].erase("greedy");
    QCOMPARE(expectError(j, "eval report.sources[1]: missing field 'greedy'"), std::string());
    j = sample().toJson();
    j["sources"][0]["rule"]["pass_at_k"] = "high";
    QCOMPARE(expectError(j, "eval report.sources[0].rule.pass_at_k: not a number"), std::string());
    j = sample().toJson();
    j.erase("average");
    QCOMPARE(expectError(j, "missing field 'average'"), std::string());
    QCOMPARE(expectError(nlohmann::json::array(), "missing field 'model'"), std::string());
  }
  void tableCells() {
    QCOMPARE(EvalTable::percent(2.0 / 3), std::string("66.7"));
    QCOMPARE(EvalTable::percent(1.0), std::string("100.0"));
    QCOMPARE(EvalTable::percent(std::nullopt), std::string("-"));
    const auto r = sample();
    const std::string t = EvalTable::render(r);
    QVERIFY2(t.find("mean@4") != std::string::npos && t.find("pass@4") != std::string::npos, t.c_str());
    QVERIFY2(t.find("4 samples per example at temperature 0.7, top-p 0.95 (seed 9)") != std::string::npos, t.c_str());
    QVERIFY2(t.find("judge: judge-m at http://127.0.0.1:9/v1, asked 7 times (3 yes, 2 no, 2 errors)") !=
                 std::string::npos,
             t.c_str());
    QVERIFY2(t.find("frames            docqa        3     33.3     25.0     66.7\n") != std::string::npos, t.c_str());
    QVERIFY2(t.find("hotpotqa          docqa        5     60.0     55.0     80.0\n") != std::string::npos, t.c_str());
    QVERIFY2(t.find("average                        8     46.7     40.0     73.3\n") != std::string::npos, t.c_str());
    QVERIFY2(t.find("by band:\n") != std::string::npos, t.c_str());
    // Rows come in order: header, sources, average.
    QVERIFY(t.find("data source") < t.find("frames") && t.find("hotpotqa") < t.find("average   "));
  }
  void tableWithoutSamples() {
    auto r = sample();
    r.k = 1;
    r.judge.reset();
    const std::string t = EvalTable::render(r);
    QVERIFY2(t.find("mean@") == std::string::npos && t.find("pass@") == std::string::npos, t.c_str());
    QVERIFY2(t.find("judge: none; correct = rule score 1") != std::string::npos, t.c_str());
    QVERIFY2(t.find("frames            docqa        3     33.3\n") != std::string::npos, t.c_str());
  }
};

QTEST_APPLESS_MAIN(TestEvalReport)
#include "TestEvalReport.moc"
