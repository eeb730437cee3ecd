// A run's validation passes (validation/step-N.jsonl) and the learning report made from them: the
// first pass against the last on the same examples, overall and per band, and an ablation's last
// pass against its baseline's.
#include <QtTest/QtTest>

#include <cmath>
#include <fstream>
#include <stdexcept>

#include "core/eval/LearningReport.h"
#include "core/eval/ValidationPass.h"
#include "support/TestPaths.h"

using namespace longrl::eval;

namespace {

// A pass over ids 0..count-1 (band = id % 2); `correct(id)` is the share of the n samples right.
ValidationPass pass(int64_t step, int count, int n, double (*correct)(int)) {
  ValidationPass p;
  p.step = step;
  p.n = n;
  for (int i = 0; i < count; ++i)
    p.examples.push_back({std::to_string(i), "src", std::to_string(i % 2), correct(i) >= 0.5 ? 1.0 : 0.0, correct(i)});
  return p;
}

double before(int) { return 0.25; }
// Band "0" (even ids) gains 0.5, band "1" stays.
double after(int id) { return id % 2 == 0 ? 0.75 : 0.25; }

LearningReport::Options options() { return {PairedBootstrap(1000, 0), {{"0", "band 1"}, {"1", "band 2"}}}; }

}  // namespace

class TestLearningReport : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void passRoundTrips();
  void badLinesAreNamed();
  void reportPairsFirstAndLastPass();
  void tooFewPassesIsAnError();
  void ablationComparesLastPasses();
};

void TestLearningReport::passRoundTrips() {
  const std::string dir = longrl::test::freshTempDir("learning-pass");
  const auto p = pass(25, 6, 4, after);
  p.write(ValidationPass::fileFor(dir, 25));
  const auto back = ValidationPass::read(ValidationPass::fileFor(dir, 25));
  QCOMPARE(back.step, int64_t(25));
  QCOMPARE(back.n, 4);
  QCOMPARE(back.examples.size(), size_t(6));
  QCOMPARE(back.examples[2].id, std::string("2"));
  QCOMPARE(back.examples[2].band, std::string("0"));
  QCOMPARE(*back.examples[2].sampled, 0.75);
  QCOMPARE(back.examples[3].greedy, 0.0);
  // Steps sort as numbers.
  pass(100, 2, 4, after).write(ValidationPass::fileFor(dir, 100));
  pass(0, 2, 4, after).write(ValidationPass::fileFor(dir, 0));
  const auto files = ValidationPass::filesIn(dir);
  QCOMPARE(files.size(), size_t(3));
  QVERIFY(files[0] < files[1] && files[1] < files[2]);
  QCOMPARE(ValidationPass::read(files[2]).step, int64_t(100));
}

void TestLearningReport::badLinesAreNamed() {
  const std::string dir = longrl::test::freshTempDir("learning-bad");
  const std::string path = dir + "/step.jsonl";
  auto expectError = [&](const std::string& content, const std::string& needle) {
    std::ofstream(path) << content;
    try {
      ValidationPass::read(path);
      QFAIL(("accepted: " + content).c_str());
    } catch (const std::runtime_error& e) {
      QVERIFY2(std::string(e.what()).find(needle) != std::string::npos, e.what());
    }
  };
  const std::string good = R"({"step":1,"n":4,"id":"a","greedy":1,"sampled":0.5})"
                           "\n";
  expectError(good + "{not json\n", path + ":2:");
  expectError(good + R"({"step":1,"n":4,"id":"b","greedy":2})"
                     "\n",
              path + ":2: 'greedy' is outside [0, 1]");
  expectError(good + R"({"step":2,"n":4,"id":"b","greedy":1})"
                     "\n",
              "differs from line 1");
  expectError(R"({"step":1,"n":4,"greedy":1})"
              "\n",
              path + ":1:");
}

void TestLearningReport::reportPairsFirstAndLastPass() {
  const std::string dir = longrl::test::freshTempDir("learning-report");
  pass(0, 40, 4, before).write(ValidationPass::fileFor(dir, 0));
  pass(25, 40, 4, before).write(ValidationPass::fileFor(dir, 25));
  // The last pass lacks id 0 and has an id the first never saw: only the 39 shared ones count.
  auto last = pass(50, 40, 4, after);
  last.examples.erase(last.examples.begin());
  last.examples.push_back({"new", "src", "0", 1.0, 1.0});
  last.write(ValidationPass::fileFor(dir, 50));

  const auto r = LearningReport::of(dir, options());
  QCOMPARE(r.at("val_metric").get<std::string>(), std::string("val-core/all/acc/mean@4"));
  QCOMPARE(r.at("start_step").get<int64_t>(), int64_t(0));
  QCOMPARE(r.at("end_step").get<int64_t>(), int64_t(50));
  QCOMPARE(r.at("examples").get<int64_t>(), int64_t(39));
  QVERIFY(std::abs(r.at("start").get<double>() - 0.25) < 1e-12);
  const double gained = 19.0 * 0.5 / 39.0;  // ids 2, 4, ..., 38 gain 0.5
  QVERIFY(std::abs(r.at("change").get<double>() - gained) < 1e-12);
  const auto& b1 = r.at("bands").at("band 1");
  QCOMPARE(b1.at("examples").get<int64_t>(), int64_t(19));
  QVERIFY(std::abs(b1.at("change").get<double>() - 0.5) < 1e-12);
  QCOMPARE(b1.at("ci95")[0].get<double>(), 0.5);  // every band-1 example gained the same
  QVERIFY(std::abs(r.at("bands").at("band 2").at("change").get<double>()) < 1e-12);
  // Greedy beside the sampled figure: 0 -> 1 on band 1.
  QCOMPARE(r.at("greedy").at("val_metric").get<std::string>(), std::string("val-core/all/acc/mean@1"));
  QVERIFY(std::abs(r.at("greedy").at("change").get<double>() - 19.0 / 39.0) < 1e-12);
  QVERIFY(r.at("ci95")[0].get<double>() > 0);
  QCOMPARE(r.at("passes").size(), size_t(3));
  QCOMPARE(r.at("passes")[2].at("step").get<int64_t>(), int64_t(50));
  std::ostringstream text;
  LearningReport::print(r, text);
  QVERIFY2(text.str().find("band 1") != std::string::npos && text.str().find("+0.500") != std::string::npos,
           text.str().c_str());
}

void TestLearningReport::tooFewPassesIsAnError() {
  const std::string dir = longrl::test::freshTempDir("learning-one");
  pass(0, 4, 1, before).write(ValidationPass::fileFor(dir, 0));
  try {
    LearningReport::of(dir, options());
    QFAIL("one pass made a report");
  } catch (const std::runtime_error& e) {
    QVERIFY2(std::string(e.what()).find(dir) != std::string::npos, e.what());
  }
}

void TestLearningReport::ablationComparesLastPasses() {
  const std::string base = longrl::test::freshTempDir("learning-base"),
                    abl = longrl::test::freshTempDir("learning-abl");
  pass(0, 20, 4, before).write(ValidationPass::fileFor(base, 0));
  pass(50, 20, 4, after).write(ValidationPass::fileFor(base, 50));
  pass(0, 20, 4, before).write(ValidationPass::fileFor(abl, 0));
  pass(50, 20, 4, before).write(ValidationPass::fileFor(abl, 50));
  const auto a = LearningReport::compareEnds(base, abl, options());
  QCOMPARE(a.at("baseline").get<std::string>(), base);
  QVERIFY(std::abs(a.at("bands").at("band 1").at("change").get<double>() + 0.5) < 1e-12);  // the ablation lost it
  QVERIFY(std::abs(a.at("bands").at("band 2").at("change").get<double>()) < 1e-12);
}

QTEST_GUILESS_MAIN(TestLearningReport)
#include "TestLearningReport.moc"
