// Warm-up SFT: the loss covers response tokens only (no gradient reaches the positions that
// predict prompt tokens), equals an independently computed masked cross-entropy, follows the
// warm-up + cosine schedule, and a few steps memorise a tiny set.
#include <QtTest/QtTest>

#include <cmath>

#include "TestTrainFixture.h"
#include "support/TestPaths.h"
#include "trainer/model/QwenPretrained.h"
#include "trainer/train/SequenceBatch.h"
#include "trainer/train/SftTrainer.h"

using namespace longrl;

class TestSftTrainer : public QObject {
  Q_OBJECT
  std::string root_, model_;

 private Q_SLOTS:
  void initTestCase();
  void lossMasksThePrompt();
  void learningRateSchedule();
  void buildDropsTooLong();
  void fewStepsMemorise();
};

void TestSftTrainer::initTestCase() {
  root_ = test::freshTempDir("sft");
  model_ = test::makeTinyModel(root_, 1.0);
}

void TestSftTrainer::lossMasksThePrompt() {
  torch::manual_seed(0);
  auto m = model::QwenPretrained::load(model_);
  const std::vector<int> p0{5, 6, 7, 8}, r0{9, 10, 11}, p1{12, 13}, r1{14};
  const auto batch = train::SequenceBatch::build({&p0, &p1}, {&r0, &r1}, 0);
  QVERIFY(batch.ids.size(0) == 2 && batch.ids.size(1) == 7);
  auto hidden = m->forward(batch.ids).detach().requires_grad_(true);
  const auto nll = train::SftTrainer::nllSumFromHidden(hidden, m->lmHeadWeight(), batch);
  nll.backward();
  // Independent: full logits, log-softmax, pick the response targets by hand.
  const auto logp = torch::log_softmax(m->lmHead(hidden.detach()), -1);
  double expected = 0;
  // Row 0: positions 3,4,5 predict 9,10,11. Row 1: position 1 predicts 14.
  expected -= logp[0][3][9].item<double>() + logp[0][4][10].item<double>() + logp[0][5][11].item<double>();
  expected -= logp[1][1][14].item<double>();
  QVERIFY2(std::abs(nll.item<double>() - expected) < 1e-4, qPrintable(QString::number(nll.item<double>())));
  const auto g = hidden.grad().abs().sum(-1);  // [2, 7]
  for (int t = 0; t < 7; ++t) {
    const bool predictsResponse0 = t >= 3 && t <= 5;
    QCOMPARE(g[0][t].item<double>() > 0, predictsResponse0);
    QCOMPARE(g[1][t].item<double>() > 0, t == 1);
  }
}

void TestSftTrainer::learningRateSchedule() {
  config::SftConfig c;
  c.lr = 1e-3;
  c.warmupRatio = 0.2;
  auto m = model::QwenPretrained::load(model_);
  train::SftTrainer t(m, c, 1);
  // 10 steps: 2 warm-up steps (0.5, 1.0 x lr), then cosine from lr down.
  QVERIFY(std::abs(t.lrAt(1, 10) - 0.5e-3) < 1e-12);
  QVERIFY(std::abs(t.lrAt(2, 10) - 1e-3) < 1e-12);
  QVERIFY(std::abs(t.lrAt(3, 10) - 1e-3) < 1e-12);
  QVERIFY(std::abs(t.lrAt(10, 10) - 1e-3 * 0.5 * (1 + std::cos(M_PI * 7.0 / 8.0))) < 1e-12);
  c.steps = 0;
  c.epochs = 3;
  c.batchSize = 4;
  QCOMPARE(train::SftTrainer(m, c, 1).totalSteps(10), int64_t(9));  // ceil(10 / 4) x 3
}

void TestSftTrainer::buildDropsTooLong() {
  const auto tok = tokenizer::Tokenizer::load(model_);
  dataset::DatasetRecord shortRec, longRec;
  shortRec.document = "Alice lives in Oslo.";
  shortRec.question = "Where does Alice live?";
  shortRec.groundTruth = {"<think>Alice: Oslo.</think> Therefore, the answer is Oslo."};
  longRec = shortRec;
  longRec.document = test::tinyDocument(0, 40);
  size_t dropped = 0;
  const auto ex = train::SftTrainer::build({shortRec, longRec}, tok, 200, &dropped);
  QCOMPARE(ex.size(), size_t(1));
  QCOMPARE(dropped, size_t(1));
  QCOMPARE(tok.decode(ex[0].targetIds), shortRec.groundTruth[0] + "<|im_end|>");
  QVERIFY(tok.decode(ex[0].promptIds).find("<|im_start|>user\nPlease read the following text") == 0);
  QVERIFY(tok.decode(ex[0].promptIds).find("<|im_start|>assistant\n") != std::string::npos);
}

void TestSftTrainer::fewStepsMemorise() {
  const auto tok = tokenizer::Tokenizer::load(model_);
  std::vector<dataset::DatasetRecord> recs(2);
  recs[0].document = "Alice lives in Oslo.";
  recs[0].question = "Where does Alice live?";
  recs[0].groundTruth = {"Therefore, the answer is Oslo."};
  recs[1].document = "Bruno lives in Lima.";
  recs[1].question = "Where does Bruno live?";
  recs[1].groundTruth = {"Therefore, the answer is Lima."};
  const auto ex = train::SftTrainer::build(recs, tok, 1000);
  config::SftConfig c;
  c.steps = 40;
  c.lr = 3e-3;
  c.batchSize = 2;
  c.gradAccumulation = 2;  // one sequence per micro-batch
  c.warmupRatio = 0.05;
  auto m = model::QwenPretrained::load(model_);
  std::vector<double> losses;
  double lastLr = -1;
  train::SftTrainer t(m, c, 3);
  bool metricsOk = true;
  const auto onStep = [&](int64_t, const std::map<std::string, double>& mm) {
    losses.push_back(mm.at("sft/loss"));
    lastLr = mm.at("sft/lr");
    metricsOk = metricsOk && mm.at("sft/grad_norm") > 0 && mm.count("sft/tokens_per_s") == 1;
  };
  const int64_t ran = t.run(ex, 0, onStep);
  QCOMPARE(ran, int64_t(40));
  QVERIFY(metricsOk);
  QCOMPARE(losses.size(), size_t(40));
  QVERIFY2(losses.back() < 0.3 * losses.front(),
           qPrintable(QString("loss %1 -> %2").arg(losses.front()).arg(losses.back())));
  QVERIFY(lastLr < c.lr * 0.01);  // cosine ends near zero
}

QTEST_APPLESS_MAIN(TestSftTrainer)
#include "TestSftTrainer.moc"
