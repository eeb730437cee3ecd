// Runs side by side: a run's config and two runs' config diff (ConfigDiff, the dialog), and the
// tags and note a person keeps on a run (saved beside it, shown in the runs list).
#include <QtTest/QtTest>

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include "core/store/RunStore.h"
#include "core/store/RunStoreWriter.h"
#include "support/Screenshot.h"
#include "support/TestPaths.h"
#include "ui/MainWindow.h"
#include "ui/RunsModel.h"
#include "ui/compare/CompareRunsDialog.h"
#include "ui/compare/ConfigDiff.h"
#include "ui/compare/ConfigDiffModel.h"
#include "ui/compare/RunNotes.h"
#include "viewers/data/RunSession.h"

using namespace longrl;
using ui::ConfigDiff;

namespace {

QJsonObject json(const char* text) { return QJsonDocument::fromJson(text).object(); }

const char* kConfigA =
    R"({"grpo":{"lr":2e-6,"rollout_n":8},"dataset":{"train":["a.jsonl","b.jsonl"]},
        "phases":[{"name":"p20k","max_input_tokens":20000},{"name":"p60k","max_input_tokens":60000}]})";
const char* kConfigB =
    R"({"grpo":{"lr":1e-6,"rollout_n":8},"dataset":{"train":["a.jsonl","b.jsonl"]},
        "phases":[{"name":"p20k","max_input_tokens":20000}],"sft":{"enabled":true}})";

QString makeRun(const QString& root, const QString& name, const char* config) {
  const QString dir = root + '/' + name;
  {
    store::RunStoreWriter w(store::RunStore::fileIn(dir.toStdString()));
    w.writeRun({name.toStdString(), "finished", config, "", 1, 1});
  }
  QFile f(dir + "/config.json");
  if (f.open(QIODevice::WriteOnly)) f.write(config);
  return dir;
}

}  // namespace

class TestCompareRuns : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("longrl-tests");
  }

  void diffNamesEveryLeafAndWhatDiffers() {
    const auto rows = ConfigDiff::compare(json(kConfigA), json(kConfigB));
    QStringList keys, differing;
    for (const auto& r : rows) {
      keys << r.key;
      if (r.differs()) differing << r.key;
    }
    QCOMPARE(keys, (QStringList{"dataset.train", "grpo.lr", "grpo.rollout_n", "phases[00].max_input_tokens",
                                "phases[00].name", "phases[01].max_input_tokens", "phases[01].name", "sft.enabled"}));
    QCOMPARE(differing, (QStringList{"grpo.lr", "phases[01].max_input_tokens", "phases[01].name", "sft.enabled"}));
    const auto& lr = rows[1];
    QCOMPARE(lr.a, QStringLiteral("2e-06"));  // the shortest text that reads back to the same double
    QCOMPARE(rows[0].a, QStringLiteral(R"(["a.jsonl","b.jsonl"])"));
    QCOMPARE(rows[4].a, QStringLiteral("\"p20k\""));
    QVERIFY(rows[6].inA && !rows[6].inB);
    QVERIFY(!rows[7].inA && rows[7].inB);
    QString error;
    ConfigDiff::readConfig(QString::fromStdString(test::freshTempDir("no-config")), &error);
    QVERIFY2(error.contains("config.json"), qPrintable(error));
    // An attached run's mirror has no config.json: its run record carries the config.
    const QString mirror = makeRun(QString::fromStdString(test::freshTempDir("attached")), "mirror", kConfigB);
    QVERIFY(QFile::remove(mirror + "/config.json"));
    error.clear();
    const auto fromStore = ConfigDiff::readConfig(mirror, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(fromStore.toObject().value("sft").toObject().value("enabled").toBool(), true);
  }

  void notesParseSaveAndLoad() {
    QCOMPARE(ui::RunNotes::parseTags(" #baseline, lr-sweep  baseline,,#"), (QStringList{"baseline", "lr-sweep"}));
    const QString dir = QString::fromStdString(test::freshTempDir("notes"));
    ui::RunNotes n{{"baseline", "diverged"}, "KL blew up at step 140"};
    QCOMPARE(n.save(dir), QString());
    const auto back = ui::RunNotes::load(dir);
    QCOMPARE(back.tags, n.tags);
    QCOMPARE(back.note, n.note);
    QFile f(dir + "/studio-notes.json");
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{not json");
    f.close();
    QString error;
    QVERIFY(ui::RunNotes::load(dir, &error).isEmpty());
    QVERIFY2(error.contains("studio-notes.json"), qPrintable(error));
  }

  void studioShowsTagsAndComparesConfigs() {
    const QString root = QString::fromStdString(test::freshTempDir("compare"));
    const QString a = makeRun(root, "run-a", kConfigA), b = makeRun(root, "run-b", kConfigB);
    {
      ui::MainWindow w;
      viewers::RunSession* ra = w.openRun(a);
      viewers::RunSession* rb = w.openRun(b);
      QAbstractItemModelTester runsTester(w.runsModel());
      w.setRunNotes(ra, {{"baseline"}, "the reference run"});
      QCOMPARE(w.runsModel()->index(0, ui::RunsModel::Name).data().toString(), QStringLiteral("run-a  #baseline"));
      QVERIFY(
          w.runsModel()->index(0, ui::RunsModel::Name).data(Qt::ToolTipRole).toString().contains("the reference run"));

      ui::CompareRunsDialog* d = w.compareConfigs(ra, rb);
      QAbstractItemModelTester tester(d->model());
      QCOMPARE(d->model()->rowCount(), 4);  // only the differences at first
      QVERIFY2(d->summary().contains("4 keys differ"), qPrintable(d->summary()));
      test::saveScreenshot(d, "compare-configs");
      d->onlyDifferences()->setChecked(false);
      QCOMPARE(d->model()->rowCount(), 8);
      QCOMPARE(d->model()->headerData(ui::ConfigDiffModel::B, Qt::Horizontal).toString(), QStringLiteral("run-b"));
      d->close();
      ui::CompareRunsDialog* one = w.compareConfigs(rb);
      QCOMPARE(one->model()->rowCount(), 6);  // every key of run-b's config
      QVERIFY(!one->onlyDifferences()->isEnabled());
      one->close();
    }
    ui::MainWindow again;  // tags live beside the run, not in this window
    again.openRun(a);
    QCOMPARE(again.runsModel()->index(0, ui::RunsModel::Name).data().toString(), QStringLiteral("run-a  #baseline"));
  }
};

QTEST_MAIN(TestCompareRuns)
#include "TestCompareRuns.moc"
