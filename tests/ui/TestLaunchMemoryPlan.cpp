// The run launcher's memory plan line (MemoryPlanLine under RunLauncherDialog's form): for a
// model directory of Qwen2.5-0.5B's shape it shows what one rank needs against the memory given,
// warns (in words, Start still enabled) when that is too little, follows the phases, nproc and
// dtype, and plans a local cpu run against this machine without the device-memory box.
#include <QtTest/QtTest>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/config/RunConfig.h"
#include "support/Qwen05Config.h"
#include "support/Screenshot.h"
#include "support/TestPaths.h"
#include "ui/launch/LaunchSpec.h"
#include "ui/launch/MemoryPlanLine.h"
#include "ui/launch/PhasesModel.h"
#include "ui/launch/RunLauncherDialog.h"

using longrl::ui::MemoryPlanLine;
using longrl::ui::PhasesModel;
using longrl::ui::RunLauncherDialog;

class TestLaunchMemoryPlan : public QObject {
  Q_OBJECT
 private:
  std::string model_;

  // A cuda run of the 0.5B model (bfloat16, one short phase), its device memory left to the box.
  longrl::config::RunConfig cudaRun() const {
    longrl::config::RunConfig c;
    c.model.path = model_;
    c.model.device = "cuda";
    longrl::config::PhaseConfig phase;
    phase.name = "short";
    phase.maxInputTokens = 1000;
    phase.maxOutputTokens = 200;
    c.phases = {phase};
    c.grpo.rolloutN = 4;
    c.grpo.trainBatchSize = 8;
    c.grpo.ppoMiniBatchSize = 4;
    return c;
  }
  static double optimizerGiB(const QString& text) {
    const auto m = QRegularExpression(QStringLiteral("optimizer (\\d+\\.\\d)")).match(text);
    return m.hasMatch() ? m.captured(1).toDouble() : -1;
  }
  static QLabel* line(RunLauncherDialog& d) { return d.findChild<QLabel*>("memoryPlan"); }
  static QDoubleSpinBox* memoryBox(RunLauncherDialog& d) { return d.findChild<QDoubleSpinBox*>("deviceMemoryGiB"); }

 private Q_SLOTS:
  void initTestCase() {
    model_ = longrl::test::freshTempDir("launch-memory-plan") + "/model";
    std::filesystem::create_directories(model_);
    const nlohmann::json config = longrl::test::qwen05Config();
    std::ofstream(model_ + "/config.json") << config.dump(2);
  }

  void warnsWhenTheDeviceIsTooSmall() {
    RunLauncherDialog d;
    d.setConfig(cudaRun());
    QVERIFY(line(d) && memoryBox(d));
    QVERIFY(memoryBox(d)->isVisibleTo(&d));  // a cuda device's memory is not known here
    QVERIFY2(line(d)->text().contains("device memory unknown"), qPrintable(line(d)->text()));
    memoryBox(d)->setValue(4);  // the weights, gradients and optimizer state alone are ~9 GiB
    QVERIFY2(line(d)->text().contains("does not fit"), qPrintable(line(d)->text()));
    QVERIFY(line(d)->text().contains("4.0 GiB per device"));
    // Only remedies that lower this plan: its rows share prompts, which checkpointing does not cover.
    QVERIFY2(line(d)->text().contains("shard the optimizer, add ranks"), qPrintable(line(d)->text()));
    QVERIFY2(!line(d)->text().contains("checkpointing"), qPrintable(line(d)->text()));
    QVERIFY(d.memoryPlan()->warns());
    QVERIFY(line(d)->styleSheet().contains("color"));
    longrl::test::saveScreenshot(&d, "launcher-memory-plan-does-not-fit");
    const bool startBefore = d.findChild<QPushButton*>("start")->isEnabled();
    memoryBox(d)->setValue(141);
    QVERIFY2(!line(d)->text().contains("does not fit"), qPrintable(line(d)->text()));
    QVERIFY2(line(d)->text().contains("of 141.0 GiB per device: weights 0.9"), qPrintable(line(d)->text()));
    QVERIFY(!d.memoryPlan()->warns());
    QVERIFY(line(d)->styleSheet().isEmpty());
    QCOMPARE(d.findChild<QPushButton*>("start")->isEnabled(), startBefore);  // the plan never blocks Start
  }

  void followsPhasesRanksAndDtype() {
    RunLauncherDialog d;
    longrl::config::RunConfig block = cudaRun();
    block.model.attention = longrl::config::AttentionImpl::Block;
    d.setConfig(block);
    memoryBox(d)->setValue(64);  // ~23 GiB needed
    QVERIFY2(!d.memoryPlan()->warns(), qPrintable(line(d)->text()));
    // A 60K-token phase: the update's activations (~90 GiB) no longer fit.
    d.phasesModel()->setData(d.phasesModel()->index(0, PhasesModel::MaxInputTokens), "60000");
    QVERIFY2(d.memoryPlan()->warns(), qPrintable(line(d)->text()));
    d.phasesModel()->setData(d.phasesModel()->index(0, PhasesModel::MaxInputTokens), "1000");
    QVERIFY(!d.memoryPlan()->warns());
    const QString one = line(d)->text();
    d.findChild<QSpinBox*>("launch.nproc")->setValue(2);  // fewer rows of a group per rank
    QVERIFY(line(d)->text() != one);
    longrl::config::RunConfig fp32 = block;
    fp32.model.dtype = "float32";
    d.setConfig(fp32);
    QVERIFY2(line(d)->text().contains("weights 1.8"), qPrintable(line(d)->text()));  // 494M x 4 bytes
  }

  // The remedies the line names can be chosen in the form: dtype, sharded optimizer state,
  // checkpointing; the config and the plan follow them.
  void formChoosesPrecisionAndSharding() {
    RunLauncherDialog d;
    d.setConfig(cudaRun());
    memoryBox(d)->setValue(141);
    auto* dtype = d.findChild<QComboBox*>("model.dtype");
    auto* shard = d.findChild<QComboBox*>("distributed.shard");
    auto* ckpt = d.findChild<QCheckBox*>("model.gradient_checkpointing");
    QVERIFY(dtype && shard && ckpt);
    QCOMPARE(dtype->currentData().toString(), QString("bfloat16"));
    QVERIFY2(line(d)->text().contains("weights 0.9"), qPrintable(line(d)->text()));
    dtype->setCurrentIndex(dtype->findData("float32"));
    QCOMPARE(d.config().model.dtype, std::string("float32"));
    QVERIFY2(line(d)->text().contains("weights 1.8"), qPrintable(line(d)->text()));
    dtype->setCurrentIndex(dtype->findData("bfloat16"));  // fp32 master weights and moments: 12 bytes a parameter
    d.findChild<QSpinBox*>("launch.nproc")->setValue(2);
    const double whole = optimizerGiB(line(d)->text());
    QVERIFY2(std::abs(whole - 5.5) <= 0.1, qPrintable(line(d)->text()));  // 494M x 12 bytes
    shard->setCurrentIndex(shard->findData(static_cast<int>(longrl::config::ShardMode::Optimizer)));
    QVERIFY(d.config().distributed.shard == longrl::config::ShardMode::Optimizer);
    const double sharded = optimizerGiB(line(d)->text());  // half on each of 2 ranks
    QVERIFY2(std::abs(sharded - whole / 2) <= 0.1, qPrintable(line(d)->text()));
    QVERIFY(!line(d)->text().contains("shard the optimizer"));
    ckpt->setChecked(true);
    QVERIFY(d.config().model.gradientCheckpointing);
    // "full" shards the layers too: it needs checkpointing, so the box is on and locked.
    ckpt->setChecked(false);
    shard->setCurrentIndex(shard->findData(static_cast<int>(longrl::config::ShardMode::Full)));
    QVERIFY(d.config().distributed.shard == longrl::config::ShardMode::Full);
    QVERIFY(ckpt->isChecked() && !ckpt->isEnabled());
    QVERIFY(d.config().model.gradientCheckpointing);
    QVERIFY2(std::abs(optimizerGiB(line(d)->text()) - whole / 2) <= 0.1, qPrintable(line(d)->text()));
    shard->setCurrentIndex(shard->findData(static_cast<int>(longrl::config::ShardMode::Optimizer)));
    QVERIFY(ckpt->isEnabled());
    // A loaded config sets the form.
    longrl::config::RunConfig back = d.config();
    back.model.dtype = "float16";
    back.model.gradientCheckpointing = false;
    d.setConfig(back);
    QCOMPARE(dtype->currentData().toString(), QString("float16"));
    QVERIFY(!ckpt->isChecked());
  }

  void localCpuRunUsesThisMachine() {
    RunLauncherDialog d;
    longrl::config::RunConfig c = cudaRun();
    c.model.device = "cpu";
    d.setConfig(c);
    QVERIFY(!memoryBox(d)->isVisibleTo(&d));
    if (!QFile::exists("/proc/meminfo")) QSKIP("no /proc/meminfo here");
    QVERIFY2(line(d)->text().contains("GiB available on this machine"), qPrintable(line(d)->text()));
  }

  void noModelConfigSaysWhy() {
    RunLauncherDialog d;
    longrl::config::RunConfig c = cudaRun();
    c.model.path = model_ + "/missing";
    d.setConfig(c);
    QVERIFY2(line(d)->text().contains("Memory plan unavailable") && line(d)->text().contains("config.json"),
             qPrintable(line(d)->text()));
    QVERIFY(!d.memoryPlan()->warns());
    d.setConfig(longrl::config::RunConfig{});
    QCOMPARE(line(d)->text(), QString("Memory plan: choose a model directory."));
  }
};

QTEST_MAIN(TestLaunchMemoryPlan)
#include "TestLaunchMemoryPlan.moc"
