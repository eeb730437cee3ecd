// Curriculum phases: each phase trains only its length band, examples longer than every phase are
// reported and skipped, and retrospective sampling re-inserts hard examples -- including the ones
// a person marked "hard" through RunStoreWriter::writeAnnotation -- into the next phase.
#include <QtTest/QtTest>

#include <filesystem>
#include <map>
#include <set>

#include "TestTrainFixture.h"
#include "core/eval/ValidationPass.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/RunStoreWriter.h"
#include "support/StoredExamples.h"
#include "support/TestPaths.h"
#include "trainer/train/TrainingRun.h"

using namespace longrl;

class TestTrainCurriculum : public QObject {
  Q_OBJECT
  std::string root_, model_;
  std::unique_ptr<tokenizer::Tokenizer> tok_;

 private Q_SLOTS:
  void initTestCase();
  void phasesTrainTheirBandOnly();
  void retrospectiveFeedsNextPhase();
  void validatesEveryNStepsWithSamples();
};

void TestTrainCurriculum::initTestCase() {
  root_ = test::freshTempDir("train-curriculum");
  model_ = test::makeTinyModel(root_);
  tok_ = std::make_unique<tokenizer::Tokenizer>(tokenizer::Tokenizer::load(model_));
}

void TestTrainCurriculum::phasesTrainTheirBandOnly() {
  auto shortDocs = test::tinyDocs(2, 2, 0);
  auto midDocs = test::tinyDocs(2, 6, 10);
  auto longDocs = test::tinyDocs(1, 30, 20);
  int64_t s = 0, m = 1 << 30;
  for (const auto& d : shortDocs) s = std::max(s, test::promptTokens(*tok_, d));
  for (const auto& d : midDocs) m = std::min(m, test::promptTokens(*tok_, d));
  const int64_t l = test::promptTokens(*tok_, longDocs[0]);
  QVERIFY(s < m && m < l);
  std::vector<test::TinyDoc> all = shortDocs;
  all.insert(all.end(), midDocs.begin(), midDocs.end());
  all.insert(all.end(), longDocs.begin(), longDocs.end());
  const std::string data = root_ + "/bands.jsonl";
  test::writeDataset(data, all);
  auto cfg = test::tinyConfig(model_, data);
  cfg.phases.push_back(cfg.phases[0]);
  cfg.phases[0].name = "p0";
  cfg.phases[0].maxInputTokens = (s + m) / 2;
  cfg.phases[1].name = "p1";
  cfg.phases[1].maxInputTokens = (m + l) / 2;
  cfg.retrospective.enabled = false;
  cfg.dataset.val = {data};  // validated before GRPO and after each phase (the too-long one left out)
  const std::string runDir = root_ + "/run-bands";
  train::TrainOptions o;
  o.runDir = runDir;
  QCOMPARE(train::TrainingRun(cfg, o).run(), std::string("finished"));
  const auto byPhase = test::exampleIdsByPhase(runDir);
  QCOMPARE(byPhase.at(0), (std::set<std::string>{"0", "1"}));
  QCOMPARE(byPhase.at(1), (std::set<std::string>{"10", "11"}));
  store::RunStoreReader r(store::RunStore::fileIn(runDir));
  const auto phases = r.phases();
  QCOMPARE(phases.size(), size_t(2));
  QCOMPARE(phases[0].start_step, int64_t(1));
  QCOMPARE(phases[0].end_step, int64_t(2));
  QCOMPARE(phases[1].start_step, int64_t(3));
  QCOMPARE(phases[1].end_step, int64_t(4));
  QCOMPARE(phases[1].min_input_tokens, cfg.phases[0].maxInputTokens);
  QCOMPARE(phases[1].status, std::string("done"));
  bool reported = false;
  for (const auto& e : r.eventsAfter(0))
    if (e.kind == "log" && e.payload.find("longer than every phase") != std::string::npos &&
        e.payload.find("\"20\"") != std::string::npos)
      reported = true;
  QVERIFY2(reported, "the too-long example should be reported");
  // val-core metrics: before the first step, then at the last step of each phase.
  std::vector<int64_t> valSteps;
  for (const auto& pt : r.metricSeries("val-core/multihoprag/acc/mean@1")) valSteps.push_back(pt.step);
  QCOMPARE(valSteps, (std::vector<int64_t>{0, 2, 4}));
  QCOMPARE(r.metricSeries("val-core/all/acc/mean@1").size(), size_t(3));
  QCOMPARE(r.metricSeries("timing_s/testing").size(), size_t(3));
  // Difficulty is kept per phase.
  QCOMPARE(r.difficulty(0).size(), size_t(2));
  QCOMPARE(r.difficulty(1).size(), size_t(2));
  // Each phase ends with a checkpoint the next one starts from.
  QVERIFY(std::filesystem::exists(runDir + "/checkpoints/step-2/trainer_state/state.json"));
  QCOMPARE(train::CheckpointStore::readState(runDir + "/checkpoints/step-2").at("phase").get<int>(), 1);
}

void TestTrainCurriculum::retrospectiveFeedsNextPhase() {
  // Phase 0: three short examples, one step of two prompts (one of the three is never tried).
  // Phase 1: one medium example plus what retrospective sampling adds.
  auto shortDocs = test::tinyDocs(3, 2, 0);
  auto midDocs = test::tinyDocs(1, 6, 10);
  int64_t s = 0;
  for (const auto& d : shortDocs) s = std::max(s, test::promptTokens(*tok_, d));
  const int64_t m = test::promptTokens(*tok_, midDocs[0]);
  std::vector<test::TinyDoc> all = shortDocs;
  all.push_back(midDocs[0]);
  const std::string data = root_ + "/retro.jsonl";
  test::writeDataset(data, all);
  auto cfg = test::tinyConfig(model_, data);
  cfg.phases.push_back(cfg.phases[0]);
  cfg.phases[0].name = "p0";
  cfg.phases[1].name = "p1";
  cfg.phases[0].maxInputTokens = (s + m) / 2;
  cfg.phases[0].steps = 1;
  cfg.phases[1].maxInputTokens = m + 100;
  cfg.phases[1].steps = 2;
  cfg.checkpoint.everySteps = 100;
  cfg.retrospective.enabled = true;
  cfg.retrospective.difficulty = config::DifficultyMeasure::InverseMean;
  cfg.retrospective.threshold = 2.0;  // nothing is answered: every tried example is hard
  cfg.retrospective.includeAnnotatedHard = true;
  const std::string runDir = root_ + "/run-retro";
  std::filesystem::create_directories(runDir);
  {
    // A person marks every short example hard before the run reaches the end of phase 0.
    store::RunStoreWriter w(store::RunStore::fileIn(runDir));
    for (const char* id : {"0", "1", "2"}) w.writeAnnotation({id, "hard", "", "tester", 1.0});
  }
  train::TrainOptions o;
  o.runDir = runDir;
  QCOMPARE(train::TrainingRun(cfg, o).run(), std::string("finished"));
  const auto byPhase = test::exampleIdsByPhase(runDir);
  QCOMPARE(byPhase.at(0).size(), size_t(2));
  // Two hard by their rewards, the untried one by its annotation; 4 examples over 2 x 2 prompts.
  QCOMPARE(byPhase.at(1), (std::set<std::string>{"0", "1", "2", "10"}));
  store::RunStoreReader r(store::RunStore::fileIn(runDir));
  bool sawEvent = false;
  for (const auto& e : r.eventsAfter(0)) {
    if (e.kind != "retrospective") continue;
    const auto j = nlohmann::json::parse(e.payload);
    QCOMPARE(j.at("count").get<int>(), 3);
    QCOMPARE(j.at("by_difficulty").get<int>(), 2);
    QCOMPARE(j.at("by_annotation").get<int>(), 1);
    sawEvent = true;
  }
  QVERIFY(sawEvent);
}

// val_every_steps adds passes inside a phase (one at a phase end that falls on a multiple, not two);
// val_n adds sampled mean@n beside greedy mean@1; each pass leaves its per-example outcomes.
void TestTrainCurriculum::validatesEveryNStepsWithSamples() {
  const std::string data = root_ + "/val-every.jsonl";
  test::writeDataset(data, test::tinyDocs(3, 2, 0));
  auto cfg = test::tinyConfig(model_, data);
  cfg.phases[0].steps = 4;
  cfg.dataset.val = {data};
  cfg.dataset.valEverySteps = 2;
  cfg.dataset.valN = 3;
  const std::string runDir = root_ + "/run-val-every";
  train::TrainOptions o;
  o.runDir = runDir;
  QCOMPARE(train::TrainingRun(cfg, o).run(), std::string("finished"));
  store::RunStoreReader r(store::RunStore::fileIn(runDir));
  for (const char* name : {"val-core/all/acc/mean@1", "val-core/all/acc/mean@3", "timing_s/testing"}) {
    std::vector<int64_t> steps;
    for (const auto& pt : r.metricSeries(name)) steps.push_back(pt.step);
    QVERIFY2(steps == (std::vector<int64_t>{0, 2, 4}), name);
  }
  const auto files = eval::ValidationPass::filesIn(runDir);
  QCOMPARE(files.size(), size_t(3));
  const auto last = eval::ValidationPass::read(files.back());
  QCOMPARE(last.step, int64_t(4));
  QCOMPARE(last.n, 3);
  QCOMPARE(last.examples.size(), size_t(3));
  double sampled = 0;
  for (const auto& e : last.examples) {
    QVERIFY(e.sampled.has_value());
    sampled += *e.sampled;
  }
  // The file and the metric are the same measurement.
  QCOMPARE(sampled / 3, r.metricSeries("val-core/all/acc/mean@3").back().value);
}

QTEST_APPLESS_MAIN(TestTrainCurriculum)
#include "TestTrainCurriculum.moc"
