// `longrl train --tensorboard DIR`: rank 0 writes each metric it records to a TensorBoard event file
// as it goes, the same points the store holds (read back by the independent tests/core/tfevents_reader.py);
// a resumed run starts a new file beside the first; a directory that cannot be written fails the
// run before the store is created.
#include <QtTest/QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "TestTrainFixture.h"
#include "core/cli/UsageError.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "support/TensorBoardEvents.h"
#include "support/TestPaths.h"
#include "trainer/cli/TrainCommand.h"

namespace fs = std::filesystem;
using namespace longrl;

namespace {

int train(std::vector<std::string> args, std::string& err) {
  cli::ArgList list(std::move(args));
  std::ostringstream o, e;
  const int rc = cli::trainCommand().run(list, o, e);
  err = e.str();
  return rc;
}

int64_t maxStep(const test::EventFile& f) {
  int64_t m = -1;
  for (const auto& s : f.scalars) m = std::max(m, s.step);
  return m;
}

}  // namespace

class TestTrainTensorBoard : public QObject {
  Q_OBJECT
  std::string root_, config_;

 private Q_SLOTS:
  void initTestCase();
  void eventFilesHoldTheStoresMetrics();
  void unwritableDirectoryFailsBeforeTheStore();
};

void TestTrainTensorBoard::initTestCase() {
  root_ = test::freshTempDir("train-tb");
  const std::string model = test::makeTinyModel(root_);
  const std::string data = root_ + "/train.jsonl";
  test::writeDataset(data, test::tinyDocs(3, 4));
  auto cfg = test::tinyConfig(model, data);
  cfg.phases[0].steps = 2;
  cfg.checkpoint.everySteps = 1;
  config_ = root_ + "/run.json";
  cfg.saveFile(config_);
}

void TestTrainTensorBoard::eventFilesHoldTheStoresMetrics() {
  const std::string runDir = root_ + "/run", tb = root_ + "/tb";
  std::string err;
  qputenv("LONGRL_TRAIN_STOP_AFTER", "1");  // step 1 and its checkpoint, then stop
  const int first = train({"--config", config_, "--run-dir", runDir, "--tensorboard", tb}, err);
  qunsetenv("LONGRL_TRAIN_STOP_AFTER");
  QVERIFY2(first == 0, err.c_str());
  QVERIFY2(err.find("tensorboard: metrics also go to " + tb + "/events.out.tfevents.") != std::string::npos,
           err.c_str());
  const auto before = test::eventFilesIn(tb);
  QCOMPARE(before.size(), std::size_t(1));
  const std::string firstBytes = test::fileBytes(before[0]);

  QVERIFY2(train({"--run-dir", runDir, "--resume", "--tensorboard", tb}, err) == 0, err.c_str());
  const auto files = test::eventFilesIn(tb);
  QCOMPARE(files.size(), std::size_t(2));  // a new file beside the first, which is untouched
  QCOMPARE(files[0], before[0]);
  QCOMPARE(test::fileBytes(files[0]), firstBytes);

  const auto read = test::readEventFiles(files);
  QVERIFY2(read.run.rc == 0, read.run.output.c_str());
  QVERIFY(!read.files[0].scalars.empty() && !read.files[1].scalars.empty());
  QVERIFY(maxStep(read.files[1]) > maxStep(read.files[0]));  // the resumed steps went to the new file
  // The store keeps the last point of each (step, name); so does TensorBoard's view of the files in order.
  std::map<std::pair<int64_t, std::string>, test::EventScalar> events;
  size_t scalars = 0;
  for (const auto& f : read.files)
    for (const auto& s : f.scalars) {
      events[{s.step, s.tag}] = s;
      ++scalars;
    }
  store::RunStoreReader reader(store::RunStore::fileIn(runDir));
  size_t points = 0;
  reader.forEachMetric([&](const store::MetricPoint& p) {
    ++points;
    const auto it = events.find({p.step, p.name});
    const QByteArray where = QByteArray::fromStdString(p.name + " step " + std::to_string(p.step));
    QVERIFY2(it != events.end(), where);
    const float want = static_cast<float>(p.value);
    QVERIFY2(std::isnan(want) ? std::isnan(it->second.value) : it->second.value == double(want), where);
    QVERIFY2(it->second.wallTime == p.wall_time, where);
  });
  QVERIFY(points > 10);
  QCOMPARE(events.size(), points);
  QVERIFY(scalars >= points);
}

void TestTrainTensorBoard::unwritableDirectoryFailsBeforeTheStore() {
  const std::string runDir = root_ + "/blocked";
  std::ofstream(root_ + "/plain") << "a file, not a directory";
  std::string err;
  QCOMPARE(train({"--config", config_, "--run-dir", runDir, "--tensorboard", root_ + "/plain/tb"}, err), 1);
  QVERIFY2(err.find(root_ + "/plain/tb") != std::string::npos, err.c_str());
  QVERIFY(!fs::exists(store::RunStore::fileIn(runDir)));
  QVERIFY_THROWS_EXCEPTION(cli::UsageError,
                           train({"--config", config_, "--run-dir", runDir, "--tensorboard", "-"}, err));
}

QTEST_APPLESS_MAIN(TestTrainTensorBoard)
#include "TestTrainTensorBoard.moc"
