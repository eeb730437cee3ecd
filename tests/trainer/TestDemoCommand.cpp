// `longrl demo`: making the warm-start model (SFT only) and starting a demo run from it; the
// shipped warm start (resources/demo-warmstart) answers the demo's questions in the recipe's format.
#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/cli/UsageError.h"
#include "core/config/RunConfig.h"
#include "core/dataset/DatasetReader.h"
#include "core/dataset/PromptTemplate.h"
#include "core/demo/DemoDataset.h"
#include "core/store/RolloutQuery.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "support/TestPaths.h"
#include "trainer/cli/DemoCommand.h"
#include "trainer/cli/DemoWarmStart.h"
#include "trainer/engine/GenerationEngine.h"
#include "trainer/engine/LoadedModel.h"

namespace fs = std::filesystem;
using longrl::cli::ArgList;
using longrl::cli::DemoWarmStart;

namespace {

int runDemo(const std::vector<std::string>& args, std::string* log) {
  ArgList list(args);
  std::ostringstream o, e;
  const int rc = longrl::cli::demoCommand().run(list, o, e);
  if (log) *log = o.str() + e.str();
  return rc;
}

}  // namespace

class TestDemoCommand : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void makesWarmStartThenTrainsFromIt();
  void badWarmStartDirectoryIsNamed();
  void shippedWarmStartAnswersInFormat();
  void dataOnlyWritesTheDatasetAndStops();
  void recipeFitsTheBandsAndScalesItsSteps();
};

void TestDemoCommand::makesWarmStartThenTrainsFromIt() {
  const std::string root = longrl::test::freshTempDir("demo-cmd");
  const std::string warm = root + "/warm", runA = root + "/make", runB = root + "/run";
  std::string log;
  // In process, one rank: --nproc starts ranks of the running binary, which here is this test.
  QCOMPARE(runDemo({"--run-dir", runA, "--make-warm-start", warm, "--warm-start-steps", "2", "--sft-per-band", "40",
                    "--nproc", "1"},
                   &log),
           0);
  QVERIFY2(DemoWarmStart::isModelDir(warm), log.c_str());
  QVERIFY2(log.find("demo: 120 SFT,") != std::string::npos, log.c_str());  // 40 a band, 3 bands
  QVERIFY2(log.find("training with 1 process\n") != std::string::npos, log.c_str());
  QVERIFY(!fs::exists(warm + "/trainer_state"));
  {
    longrl::store::RunStoreReader reader(longrl::store::RunStore::fileIn(runA));
    QCOMPARE(reader.runs().front().status, std::string("finished"));
    QCOMPARE(reader.rolloutCount({}), std::int64_t(0));  // SFT only
    QCOMPARE(reader.metricSeries("sft/loss").size(), size_t(2));
  }

  // As a user starts it: the longrl binary, as many ranks as the demo picks for this machine
  // (two where there are two cores).
  QProcess demo;
  auto env = QProcessEnvironment::systemEnvironment();
  env.insert("LONGRL_DEMO_WARMSTART", QString::fromStdString(warm));
  demo.setProcessEnvironment(env);
  demo.start(QString::fromStdString(longrl::test::cliPath()),
             {"demo", "--run-dir", QString::fromStdString(runB), "--minutes", "0.1"});
  QVERIFY(demo.waitForFinished(300000));
  log = demo.readAllStandardOutput().toStdString() + demo.readAllStandardError().toStdString();
  QVERIFY2(demo.exitStatus() == QProcess::NormalExit && demo.exitCode() == 0, log.c_str());
  QVERIFY2(log.find("starting from the shipped warm-start model " + warm) != std::string::npos, log.c_str());
  const unsigned ranks = std::clamp(std::thread::hardware_concurrency(), 1u, 2u);
  QVERIFY2(log.find(ranks == 1 ? std::string("training with 1 process\n") : "training with 2 processes (--nproc)") !=
               std::string::npos,
           log.c_str());
  QCOMPARE(longrl::test::fileBytes(runB + "/model-init/model.safetensors"),
           longrl::test::fileBytes(warm + "/model.safetensors"));
  // The demo trained with its recipe (demoRunConfig) for its data and model.
  {
    const fs::path dir = fs::absolute(runB).lexically_normal();
    longrl::demo::DemoDatasetFiles files;
    files.train = (dir / "data" / "train.jsonl").string();
    files.val = (dir / "data" / "val.jsonl").string();
    files.sft = (dir / "data" / "sft.jsonl").string();
    files.longTrain = (dir / "data" / "train-long.jsonl").string();
    const auto recipe = longrl::cli::demoRunConfig({(dir / "model-init").string(), files, 0.1, true, 0});
    const auto used = longrl::config::RunConfig::loadFile((dir / "demo-config.json").string());
    QCOMPARE(QString::fromStdString(used.toJson().dump(1)), QString::fromStdString(recipe.toJson().dump(1)));
  }
  longrl::store::RunStoreReader reader(longrl::store::RunStore::fileIn(runB));
  QCOMPARE(reader.runs().front().status, std::string("finished"));
  QCOMPARE(reader.phases().size(), size_t(3));
  QVERIFY(reader.rolloutCount({}) > 0);
  QVERIFY(!reader.metricSeries("critic/score/mean").empty());
  // The learning report agrees with the validation metrics it was made beside.
  std::ifstream reportFile(runB + "/demo-report.json");
  QVERIFY2(reportFile.good(), log.c_str());
  const auto report = nlohmann::json::parse(reportFile);
  QCOMPARE(report.at("val_metric").get<std::string>(), std::string("val-core/all/acc/mean@4"));
  const auto val4 = reader.metricSeries("val-core/all/acc/mean@4");
  QCOMPARE(val4.size(), report.at("passes").size());
  QVERIFY(std::abs(report.at("start").get<double>() - val4.front().value) < 1e-9);
  QVERIFY(std::abs(report.at("end").get<double>() - val4.back().value) < 1e-9);
  QVERIFY(report.at("examples").get<int64_t>() >= 200);
  QCOMPARE(report.at("bands").size(), size_t(3));
  QVERIFY(report.at("ci95")[0].get<double>() <= report.at("change").get<double>());
  QVERIFY2(log.find("demo: validation val-core/all/acc/mean@4, step 0 -> ") != std::string::npos, log.c_str());
  // Asked again, a finished demo says so and shows what it measured (phases of one step have no
  // movement to report, the whole run of three steps and the validations do).
  log.clear();
  QCOMPARE(runDemo({"--run-dir", runB, "--minutes", "0.1"}, &log), 0);
  QVERIFY2(log.find("has finished") != std::string::npos, log.c_str());
  QVERIFY2(log.find("\n  whole run ") != std::string::npos, log.c_str());
  QVERIFY2(log.find("demo: greedy validation accuracy (val-core/all/acc/mean@1): step 0 ") != std::string::npos,
           log.c_str());
}

void TestDemoCommand::badWarmStartDirectoryIsNamed() {
  const std::string root = longrl::test::freshTempDir("demo-bad-warm");
  qputenv("LONGRL_DEMO_WARMSTART", QByteArray::fromStdString(root + "/missing"));
  try {
    runDemo({"--run-dir", root + "/run"}, nullptr);
    qunsetenv("LONGRL_DEMO_WARMSTART");
    QFAIL("a missing warm-start directory was accepted");
  } catch (const std::exception& e) {
    qunsetenv("LONGRL_DEMO_WARMSTART");
    QVERIFY2(std::string(e.what()).find("LONGRL_DEMO_WARMSTART=" + root + "/missing") != std::string::npos, e.what());
  }
  QVERIFY_THROWS_EXCEPTION(longrl::cli::UsageError,
                           runDemo({"--run-dir", root + "/r2", "--warm-start-steps", "0"}, nullptr));
  QVERIFY_THROWS_EXCEPTION(longrl::cli::UsageError,
                           runDemo({"--run-dir", root + "/r3", "--ablate", "curriculum"}, nullptr));
  try {
    runDemo({"--run-dir", root + "/r4", "--baseline", root + "/no-run"}, nullptr);
    QFAIL("a --baseline that is no run was accepted");
  } catch (const longrl::cli::UsageError& e) {
    QVERIFY2(std::string(e.what()).find(root + "/no-run is not a run directory") != std::string::npos, e.what());
  }
}

void TestDemoCommand::shippedWarmStartAnswersInFormat() {
  const std::string shipped = longrl::test::sourcePath("resources/demo-warmstart");
  if (!DemoWarmStart::isModelDir(shipped)) QSKIP("resources/demo-warmstart is not in this checkout");
  const std::string data = longrl::test::freshTempDir("demo-shipped");
  const auto files = longrl::demo::writeDemoDataset(data, longrl::demo::DemoDatasetOptions{});
  auto loaded = longrl::engine::LoadedModel::load(shipped, torch::kCPU);
  longrl::engine::GenerationEngine engine(loaded.model, loaded.engineOptions());
  longrl::engine::SamplingParams params;
  params.temperature = 0.0;
  params.maxNewTokens = 64;
  int formatted = 0, correct = 0, total = 0;
  for (const auto& r : longrl::dataset::DatasetReader::readFile(files.val).records) {
    if (r.extraInfo.value("band", 0) != 0) continue;
    if (total == 40) break;  // the first 40 of band 1, as the thresholds below were measured on
    const auto prompt = loaded.tokenizer.applyChatTemplate(
        {{"user", longrl::dataset::PromptTemplate::build(r.document, r.question), std::nullopt}});
    const auto out = engine.generate({loaded.tokenizer.encode(prompt)}, params);
    const std::string text = loaded.tokenizer.decode(out.front().tokenIds, true);
    ++total;
    if (text.find("</think>") != std::string::npos && text.find("Therefore, the answer is") != std::string::npos)
      ++formatted;
    if (text.find("Therefore, the answer is " + r.groundTruth.front() + ".") != std::string::npos) ++correct;
  }
  QCOMPARE(total, 40);
  qInfo("shipped warm start, band-1 validation, greedy: %d of %d right, %d in format", correct, total, formatted);
  // The shipped model answers some band-1 questions right (RL needs groups with right and wrong
  // answers): 19 of these 40 for the warm start that also learned the memory agent's format, 22 for
  // the one before it, 14 for the one before that.
  QVERIFY2(correct >= 18, qPrintable(QString("%1 of %2 greedy band-1 answers right").arg(correct).arg(total)));
  QVERIFY2(formatted >= 34,
           qPrintable(QString("%1 of %2 greedy answers in the recipe's format").arg(formatted).arg(total)));
}

void TestDemoCommand::dataOnlyWritesTheDatasetAndStops() {
  const std::string dir = longrl::test::freshTempDir("demo-data-only") + "/d";
  std::string log;
  QCOMPARE(runDemo({"--run-dir", dir, "--data-only", "--sft-per-band", "5"}, &log), 0);
  std::ifstream sft(dir + "/data/sft.jsonl");
  QCOMPARE(std::count(std::istreambuf_iterator<char>(sft), std::istreambuf_iterator<char>(), '\n'), 15L);
  QVERIFY(fs::exists(dir + "/data/val.jsonl"));
  QVERIFY2(!fs::exists(dir + "/model-init") && !fs::exists(dir + "/run.sqlite"), log.c_str());
}

void TestDemoCommand::recipeFitsTheBandsAndScalesItsSteps() {
  const auto warm = DemoWarmStart::locate();
  if (!warm) QFAIL("the shipped demo warm start (resources/demo-warmstart) was not found");
  const std::string data = longrl::test::freshTempDir("demo-recipe");
  const auto files = longrl::demo::writeDemoDataset(data, longrl::demo::DemoDatasetOptions{});
  const auto full = longrl::cli::demoRunConfig({*warm, files, longrl::cli::kDemoMinutes, true, 0});
  QVERIFY(full.validateForTraining().empty());
  QCOMPARE(full.model.path, *warm);
  QVERIFY(full.dataset.train == std::vector<std::string>{files.train});
  QCOMPARE(full.sft.steps, int64_t(30));
  QCOMPARE(full.sft.lr, 5e-5);  // a gentle warm-up of the converged warm start
  QCOMPARE(full.phases.size(), size_t(3));
  const int64_t steps[] = {40, 60, 100};
  for (size_t p = 0; p < 3; ++p) {
    QCOMPARE(full.phases[p].name, "band " + std::to_string(p + 1));
    QVERIFY(full.phases[p].mode == longrl::config::PhaseMode::Full);
    QCOMPARE(full.phases[p].steps, steps[p]);
    QCOMPARE(full.phases[p].maxOutputTokens, int64_t(96));
    QCOMPARE(full.phases[p].maxInputTokens % 64, int64_t(0));
    if (p > 0) QVERIFY(full.phases[p].maxInputTokens > full.phases[p - 1].maxInputTokens);
  }
  // The SFT fits the longest prompt and an answer: more than band 2's limit, within band 3's.
  QVERIFY(full.sft.maxLen > full.phases[1].maxInputTokens + 96);
  QVERIFY(full.sft.maxLen <= full.phases[2].maxInputTokens + 96);
  QCOMPARE(full.grpo.overlongPenalty.maxLen, int64_t(96));

  // A tenth of the minutes: a tenth of the steps, rounded, at least one.
  const auto short_ = longrl::cli::demoRunConfig({*warm, files, longrl::cli::kDemoMinutes / 10, false, 7});
  QCOMPARE(short_.sft.steps, int64_t(3));
  QCOMPARE(short_.sft.lr, 5e-4);  // a fresh model
  QCOMPARE(short_.phases[0].steps, int64_t(4));
  QCOMPARE(short_.phases[2].steps, int64_t(10));
  QCOMPARE(longrl::cli::demoRunConfig({*warm, files, 0.01, true, 0}).phases[0].steps, int64_t(1));
  // --memory-steps: a last phase in mode "memory" past band 3, on the long documents.
  QCOMPARE(short_.phases.size(), size_t(4));
  QVERIFY(short_.phases[3].mode == longrl::config::PhaseMode::Memory);
  QCOMPARE(short_.phases[3].steps, int64_t(7));
  QVERIFY(short_.phases[3].maxInputTokens > short_.phases[2].maxInputTokens);
  QVERIFY(short_.dataset.train == (std::vector<std::string>{files.train, files.longTrain}));
  QVERIFY(short_.validateForTraining().empty());
}

QTEST_GUILESS_MAIN(TestDemoCommand)
#include "TestDemoCommand.moc"
