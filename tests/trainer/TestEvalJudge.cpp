// `longrl eval` as the papers evaluate: greedy, mean@k and pass@k per data_source, with an LLM
// judge. The policy is the shipped demo warm start (it answers in the recipe's format, so wrong
// answers are extracted and judged; a random model never answers). Judges: a real `longrl serve`
// process (the warm start again: its replies carry no verdict, so every call is an error and the
// rule scores stand) and a fake judge that always says [[YES]] (it can only raise scores).
// Checked: pass@k >= mean@k, acc >= rule everywhere, the rule numbers do not depend on the judge,
// the JSON and the table give the same numbers, and mean@k/pass@k recomputed by hand.
#include <QtTest/QtTest>

#include <QProcess>
#include <QRegularExpression>

#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "core/dataset/DatasetReader.h"
#include "core/demo/DemoExampleGenerator.h"
#include "core/eval/EvalReport.h"
#include "core/eval/EvalTable.h"
#include "support/FakeOpenAIServer.h"
#include "support/LoopbackPort.h"
#include "support/TestPaths.h"
#include "trainer/cli/DemoWarmStart.h"
#include "trainer/engine/LenientDecoder.h"
#include "trainer/engine/LoadedModel.h"
#include "trainer/train/ExampleLoader.h"
#include "trainer/train/RewardSetup.h"
#include "trainer/train/Validator.h"

using namespace longrl;
using eval::EvalReport;
using eval::EvalRow;

namespace {

struct CliRun {
  int exitCode = -1;
  QByteArray out, err;
};

// `longrl ARGS` with `input` as its whole stdin.
CliRun runCli(const QStringList& args, const QByteArray& input = {}) {
  QProcess p;
  p.start(QString::fromStdString(test::cliPath()), args);
  CliRun r;
  const bool started = p.waitForStarted();
  if (started) {
    p.write(input);
    p.closeWriteChannel();
  }
  if (!started || !p.waitForFinished(300000)) {
    p.kill();
    p.waitForFinished();
    r.err = "did not finish: " + args.join(' ').toUtf8();
    return r;
  }
  r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
  r.out = p.readAllStandardOutput();
  r.err = p.readAllStandardError();
  return r;
}

// Every number of `a` is >= the same number of `b` (absent ones absent in both).
bool allAtLeast(const eval::EvalNumbers& a, const eval::EvalNumbers& b) {
  auto ge = [](const std::optional<double>& x, const std::optional<double>& y) {
    return x.has_value() == y.has_value() && (!x || *x >= *y - 1e-12);
  };
  return a.greedy >= b.greedy - 1e-12 && ge(a.meanAtK, b.meanAtK) && ge(a.passAtK, b.passAtK);
}
bool same(const eval::EvalNumbers& a, const eval::EvalNumbers& b) { return allAtLeast(a, b) && allAtLeast(b, a); }

}  // namespace

class TestEvalJudge : public QObject {
  Q_OBJECT
  std::string root_, model_, data_;
  QProcess serve_;
  QString serveUrl_;

  QStringList evalArgs(const QStringList& extra) const {
    return QStringList{"eval",
                       "--model",
                       QString::fromStdString(model_),
                       "--data",
                       QString::fromStdString(data_),
                       "--k",
                       "3",
                       "--max-new-tokens",
                       "48",
                       "--threads",
                       "1"} +
           extra;
  }
  EvalReport evalJson(const QStringList& extra) {
    const auto r = runCli(evalArgs(extra + QStringList{"--json"}));
    if (r.exitCode != 0) throw std::runtime_error("eval failed: " + r.err.toStdString());
    // stdout is exactly one JSON line; progress went to stderr.
    if (r.out.count('\n') != 1 || !r.out.endsWith('\n'))
      throw std::runtime_error("not one line: " + r.out.toStdString());
    if (!r.err.contains("eval progress: greedy") || !r.err.contains("eval progress: sampled"))
      throw std::runtime_error("no progress on stderr: " + r.err.toStdString());
    return EvalReport::fromJson(nlohmann::json::parse(r.out.toStdString()));
  }
  static void checkConsistent(const EvalReport& r) {
    QCOMPARE(r.k, 3);
    QVERIFY(!r.sources.empty());
    for (const auto* row : {&r.average}) QVERIFY(row->acc.meanAtK && row->acc.passAtK);
    std::vector<const EvalRow*> rows{&r.average};
    for (const auto& s : r.sources) rows.push_back(&s);
    for (const auto* row : rows) {
      QVERIFY2(*row->acc.passAtK >= *row->acc.meanAtK, row->name.c_str());
      QVERIFY2(*row->rule.passAtK >= *row->rule.meanAtK, row->name.c_str());
      QVERIFY2(allAtLeast(row->acc, row->rule), row->name.c_str());  // the judge can only raise
    }
  }

 private Q_SLOTS:
  void initTestCase();
  void cleanupTestCase();
  void realServeJudge();
  void yesJudgeRaisesScores();
  void tableMatchesJson();
  void meanAndPassByHand();
  void judgeKeyFromStdinReachesTheJudge();
};

void TestEvalJudge::initTestCase() {
  const auto warm = cli::DemoWarmStart::locate();
  if (!warm) QFAIL("the shipped demo warm start (resources/demo-warmstart) was not found");
  model_ = *warm;
  root_ = test::freshTempDir("eval-judge");
  data_ = root_ + "/val.jsonl";
  // Band-1 demo questions under the papers' source names (the router must know them).
  demo::DemoExampleGenerator gen(5);
  std::ofstream out(data_);
  for (int i = 0; i < 10; ++i) {
    const auto ex = gen.generate(0);
    const bool math = ex.dataSource.find("docmath") != std::string::npos;
    const std::string source = math ? "docmath_qa" : (i % 2 ? "hotpotqa" : "frames");
    out << nlohmann::json{{"document", ex.document},
                          {"question", ex.question},
                          {"answer", ex.answer},
                          {"data_source", source},
                          {"extra_info", {{"index", i}, {"half", i < 5 ? "a" : "b"}}}}
               .dump()
        << "\n";
  }
  out.close();

  const int port = test::unusedLoopbackPort();
  QVERIFY(port > 0);
  serve_.start(QString::fromStdString(test::cliPath()),
               {"serve", "--model", QString::fromStdString(model_), "--port", QString::number(port), "--threads", "1",
                "--max-tokens", "24"});
  QVERIFY(serve_.waitForStarted());
  QByteArray line;
  while (!line.contains('\n') && serve_.state() == QProcess::Running) {
    serve_.waitForReadyRead(500);
    line += serve_.readAllStandardOutput();
  }
  QVERIFY2(line.startsWith("serving "), (line + serve_.readAllStandardError()).constData());
  serveUrl_ = QStringLiteral("http://127.0.0.1:%1/v1").arg(port);
}

void TestEvalJudge::cleanupTestCase() {
  serve_.terminate();
  serve_.waitForFinished(30000);
}

void TestEvalJudge::realServeJudge() {
  const auto plain = evalJson({});
  const auto judged = evalJson({"--judge-url", serveUrl_, "--judge-model", "warmstart", "--judge-retries", "0"});
  checkConsistent(plain);
  checkConsistent(judged);
  QVERIFY(!plain.judge);
  QVERIFY(judged.judge);
  qInfo("judge calls %lld: %lld yes, %lld no, %lld errors", static_cast<long long>(judged.judge->calls),
        static_cast<long long>(judged.judge->yes), static_cast<long long>(judged.judge->no),
        static_cast<long long>(judged.judge->errors));
  QVERIFY(judged.judge->calls > 0);  // wrong answers were extracted and sent to the served model
  QCOMPARE(judged.judge->calls, judged.judge->yes + judged.judge->no + judged.judge->errors);
  QCOMPARE(judged.sources.size(), plain.sources.size());
  for (size_t i = 0; i < plain.sources.size(); ++i) {
    const auto& p = plain.sources[i];
    const auto& j = judged.sources[i];
    QCOMPARE(j.name, p.name);
    QVERIFY2(same(j.rule, p.rule), p.name.c_str());  // same answers, the judge aside
    QVERIFY2(same(p.acc, p.rule), p.name.c_str());   // no judge: acc is the rule
    QVERIFY2(allAtLeast(j.acc, p.acc), p.name.c_str());
  }
  std::set<std::string> names;
  for (const auto& s : plain.sources) names.insert(s.name + "=" + s.scorer);
  QVERIFY2(names.count("docmath_qa=docmath") && names.count("hotpotqa=docqa") && names.count("frames=docqa"),
           eval::EvalTable::render(plain).c_str());
}

void TestEvalJudge::yesJudgeRaisesScores() {
  test::FakeOpenAIServer yes;
  yes.setDefault(test::FakeOpenAIServer::Behaviour::reply("They mean the same. [[YES]]"));
  const auto r = evalJson({"--judge-url", QString::fromStdString(yes.baseUrl()), "--judge-model", "fake"});
  checkConsistent(r);
  QVERIFY(r.judge->calls > 0);
  QCOMPARE(r.judge->yes, r.judge->calls);
  QCOMPARE(static_cast<int64_t>(yes.requestCount()), r.judge->calls);
  // Every judged answer became correct: somewhere the judge raised the rule's number.
  bool raised = false;
  for (const auto& s : r.sources) raised = raised || s.acc.meanAtK > s.rule.meanAtK || s.acc.greedy > s.rule.greedy;
  QVERIFY(raised);
  QVERIFY(r.average.acc.meanAtK > r.average.rule.meanAtK);
}

void TestEvalJudge::tableMatchesJson() {
  const auto json = evalJson({"--by", "half"});
  const auto table = runCli(evalArgs({"--by", "half"}));
  QCOMPARE(table.exitCode, 0);
  const QString text = QString::fromUtf8(table.out);
  qInfo("%s", qPrintable(text));
  QVERIFY(text.contains("mean@3") && text.contains("pass@3") && text.contains("by half:"));
  auto check = [&](const EvalRow& row, const QString& section) {
    const QString cells = QStringLiteral("%1 %2 %3 %4")
                              .arg(row.examples)
                              .arg(QString::fromStdString(eval::EvalTable::percent(row.acc.greedy)),
                                   QString::fromStdString(eval::EvalTable::percent(row.acc.meanAtK)),
                                   QString::fromStdString(eval::EvalTable::percent(row.acc.passAtK)));
    const QRegularExpression re(
        QStringLiteral("^%1\\s+%2\\s+%3$")
            .arg(QRegularExpression::escape(QString::fromStdString(row.name)),
                 QRegularExpression::escape(QString::fromStdString(row.scorer)),
                 cells.split(' ').join(QStringLiteral("\\s+")).replace('.', QStringLiteral("\\."))),
        QRegularExpression::MultilineOption);
    QVERIFY2(re.match(text.section(section, 1)).hasMatch(),
             qPrintable(QString::fromStdString(row.name) + " in\n" + text));
  };
  for (const auto& row : json.sources) check(row, QStringLiteral("data source"));
  check(json.average, QStringLiteral("data source"));
  QCOMPARE(json.by.size(), size_t(1));
  for (const auto& row : json.by[0].second) check(row, QStringLiteral("by half:"));
  // The average row is the unweighted mean of the source rows.
  double greedy = 0;
  for (const auto& s : json.sources) greedy += s.acc.greedy;
  QVERIFY(std::abs(json.average.acc.greedy - greedy / json.sources.size()) < 1e-12);
  QCOMPARE(json.average.examples, int64_t(10));
}

// mean@k and pass@k from the samples themselves: the same generate() call the validator makes
// (same prompts, params and seed give the same samples), then counted here.
void TestEvalJudge::meanAndPassByHand() {
  auto loaded = engine::LoadedModel::load(model_);
  std::vector<train::TrainExample> examples;
  for (auto& r : dataset::DatasetReader::readFile(data_).records)
    examples.push_back(train::ExampleLoader::prepare(std::move(r), loaded.tokenizer));
  const auto reward = train::RewardSetup::make(config::RunConfig{});
  engine::GenerationEngine eng(loaded.model, loaded.engineOptions());
  train::Validator::Options o;
  o.maxNewTokens = 48;
  o.temperature = 0.7;
  o.topP = 0.95;
  o.n = 4;
  o.seed = 3;
  size_t lastDone = 0, calls = 0;
  o.onProgress = [&](size_t done, size_t total) {
    QVERIFY(done >= lastDone && done <= total && total == examples.size());
    lastDone = done;
    ++calls;
  };
  const auto result = train::Validator(eng, loaded.tokenizer, *reward).run(examples, o);
  QCOMPARE(lastDone, examples.size());
  QVERIFY(calls >= 1);

  engine::SamplingParams p;
  p.temperature = 0.7;
  p.topP = 0.95;
  p.maxNewTokens = 48;
  p.n = 4;
  std::vector<std::vector<int>> prompts;
  for (const auto& ex : examples) {
    prompts.push_back(ex.promptIds);
    p.promptSeeds.push_back(train::Validator::exampleSeed(3, ex.id));
  }
  const auto samples = eng.generate(prompts, p);
  engine::LenientDecoder decoder(loaded.tokenizer);
  std::map<std::string, std::pair<double, double>> correctAndAny;  // source -> (correct samples, examples with any)
  std::map<std::string, int> count;
  for (size_t e = 0; e < examples.size(); ++e) {
    int correct = 0;
    for (int j = 0; j < 4; ++j) {
      reward::RewardInput in;
      in.data_source = examples[e].record.dataSource;
      in.response = decoder.decode(samples[e * 4 + j].tokenIds, true);
      in.ground_truth = reward::GroundTruth(examples[e].record.groundTruth);
      in.response_tokens = static_cast<long>(samples[e * 4 + j].tokenIds.size());
      correct += reward->compute(in).acc ? 1 : 0;
    }
    auto& c = correctAndAny[examples[e].record.dataSource];
    c.first += correct;
    c.second += correct > 0 ? 1 : 0;
    ++count[examples[e].record.dataSource];
  }
  double anyTotal = 0;
  for (const auto& [source, c] : correctAndAny) {
    const auto& t = result.bySource.at(source);
    QCOMPARE(t.examples, int64_t(count[source]));
    QCOMPARE(t.acc(), c.first / (4.0 * count[source]));
    QCOMPARE(t.passAtN(), c.second / count[source]);
    anyTotal += c.second;
  }
  QVERIFY(anyTotal > 0);  // the comparison is not between zeros
  QVERIFY(result.overall.passAtN() >= result.overall.acc());
}

// --judge-api-key-stdin: the first line of stdin (its CR LF dropped) is the key the judge server
// receives as "Authorization: Bearer KEY"; it is on no command line. The answers are set wrong,
// so every extracted docqa answer goes to the judge.
void TestEvalJudge::judgeKeyFromStdinReachesTheJudge() {
  const std::string wrong = root_ + "/wrong.jsonl";
  {
    std::ifstream in(data_);
    std::ofstream out(wrong);
    for (std::string line; std::getline(in, line);) {
      auto j = nlohmann::json::parse(line);
      if (j["data_source"] == "docmath_qa") continue;  // the judge sees docqa answers
      j["answer"] = "Zyxwv Qutsr";
      out << j.dump() << "\n";
    }
  }
  test::FakeOpenAIServer yes;
  yes.setDefault(test::FakeOpenAIServer::Behaviour::reply("[[YES]]"));
  const QString key = QStringLiteral("sk-stdin-7f3a");
  const QStringList args = {"eval",
                            "--model",
                            QString::fromStdString(model_),
                            "--data",
                            QString::fromStdString(wrong),
                            "--max-new-tokens",
                            "48",
                            "--threads",
                            "1",
                            "--json",
                            "--judge-url",
                            QString::fromStdString(yes.baseUrl()),
                            "--judge-model",
                            "fake",
                            "--judge-api-key-stdin"};
  const auto r = runCli(args, key.toUtf8() + "\r\nthe second line is not read\n");
  QVERIFY2(r.exitCode == 0, r.err.constData());
  const auto report = EvalReport::fromJson(nlohmann::json::parse(r.out.toStdString()));
  QVERIFY(report.judge);
  QVERIFY(report.judge->calls > 0);
  QCOMPARE(report.judge->yes, report.judge->calls);
  const auto requests = yes.requests();
  QCOMPARE(static_cast<int64_t>(requests.size()), report.judge->calls);
  for (const auto& req : requests) QCOMPARE(QString::fromStdString(req.authorization), "Bearer " + key);

  // An empty first line is refused before the model is loaded (exit 2, the usage follows).
  const auto none = runCli(args, "\r\n");
  QCOMPARE(none.exitCode, 2);
  QVERIFY2(none.err.contains("longrl eval: --judge-api-key-stdin: stdin held no key"), none.err.constData());
  QVERIFY2(!none.err.contains("eval progress"), none.err.constData());
}

QTEST_GUILESS_MAIN(TestEvalJudge)
#include "TestEvalJudge.moc"
