// The GRPO actor update: splitting a mini-batch into micro-batches does not change the update
// (the loss is weighted against the whole mini-batch), for each loss aggregation mode; an update
// with positive advantages raises the log-probs of those responses; the actor's log-probs of sampled
// responses are the ones the engine sampled them with (else PPO's ratio would be off-policy); the
// on-policy update (old log-probs from the update's own pass) is the two-pass update.
#include <QtTest/QtTest>

#include "TestTrainFixture.h"
#include "support/TestPaths.h"
#include "trainer/engine/GenerationEngine.h"
#include "trainer/engine/LoadedModel.h"
#include "trainer/model/QwenPretrained.h"
#include "trainer/train/ActorUpdater.h"
#include "trainer/train/ModelCopy.h"
#include "trainer/train/TokenLogProbs.h"

using namespace longrl;

class TestGrpoActorUpdater : public QObject {
  Q_OBJECT
  std::string model_;
  std::vector<std::vector<int>> prompts_, responses_;
  std::vector<train::ActorSequence> seqs(const std::vector<double>& adv) {
    std::vector<train::ActorSequence> s;
    for (size_t i = 0; i < prompts_.size(); ++i) s.push_back({&prompts_[i], &responses_[i], adv[i]});
    return s;
  }

 private Q_SLOTS:
  void initTestCase();
  void microBatchingDoesNotChangeTheUpdate_data();
  void microBatchingDoesNotChangeTheUpdate();
  void positiveAdvantageRaisesLogProbs();
  void microBatchSplit();
  void actorLogProbsEqualSamplingLogProbs();
  void onPolicyUpdateIsTheTwoPassUpdate();
};

void TestGrpoActorUpdater::initTestCase() {
  model_ = test::makeTinyModel(test::freshTempDir("grpo-actor"), 1.0);
  prompts_ = {{1, 2, 3, 4, 5}, {6, 7}, {8, 9, 10}, {11, 12, 13, 14}};
  responses_ = {{20, 21, 22}, {23, 24, 25, 26, 27, 28}, {29}, {30, 31}};
}

void TestGrpoActorUpdater::microBatchingDoesNotChangeTheUpdate_data() {
  QTest::addColumn<int>("mode");
  QTest::newRow("token-mean") << int(config::LossAggMode::TokenMean);
  QTest::newRow("seq-mean-token-mean") << int(config::LossAggMode::SeqMeanTokenMean);
  QTest::newRow("seq-mean-token-sum") << int(config::LossAggMode::SeqMeanTokenSum);
}

void TestGrpoActorUpdater::microBatchingDoesNotChangeTheUpdate() {
  QFETCH(int, mode);
  auto base = model::QwenPretrained::load(model_);
  const std::vector<double> adv{1.0, -0.5, 0.8, -1.2};
  std::vector<torch::Tensor> finals;
  for (int64_t budget : {int64_t(1), int64_t(1 << 20)}) {
    auto m = train::ModelCopy::clone(base);
    torch::optim::SGD opt(m->parameters(), torch::optim::SGDOptions(0.1));
    train::ActorOptions o;
    o.loss.aggMode = static_cast<config::LossAggMode>(mode);
    o.entropyCoeff = 0.01;
    o.microBatchTokens = budget;
    o.gradClip = 1e9;
    train::ActorUpdater up(m, opt, o);
    const auto s = seqs(adv);
    // Old log-probs slightly off the policy so that clipping paths are exercised too.
    auto old = up.logProbs(m, s);
    for (auto& t : old) t = t + 0.1;
    const auto metrics = up.update(s, old, {}, {{0, 1, 2, 3}});
    QVERIFY(metrics.at("actor/grad_norm") > 0);
    QVERIFY(metrics.at("actor/entropy") > 0);
    finals.push_back(m->model->embed_tokens->weight.clone());
  }
  QVERIFY(!torch::allclose(finals[0], base->model->embed_tokens->weight));
  QVERIFY(torch::allclose(finals[0], finals[1], 1e-5, 1e-7));
}

void TestGrpoActorUpdater::positiveAdvantageRaisesLogProbs() {
  auto m = model::QwenPretrained::load(model_);
  torch::optim::AdamW opt(m->parameters(), torch::optim::AdamWOptions(1e-2));
  train::ActorOptions o;
  o.entropyCoeff = 0.0;
  train::ActorUpdater up(m, opt, o);
  const auto s = seqs({1.0, -1.0, 1.0, -1.0});
  const auto before = up.logProbs(m, s);
  for (int i = 0; i < 3; ++i) up.update(s, up.logProbs(m, s), {}, {{0, 1, 2, 3}});
  const auto after = up.logProbs(m, s);
  QVERIFY(after[0].sum().item<double>() > before[0].sum().item<double>());
  QVERIFY(after[2].sum().item<double>() > before[2].sum().item<double>());
  QVERIFY(after[1].sum().item<double>() < before[1].sum().item<double>());
  QVERIFY(after[3].sum().item<double>() < before[3].sum().item<double>());
}

void TestGrpoActorUpdater::microBatchSplit() {
  const auto s = seqs({0, 0, 0, 0});
  // Lengths 8, 8, 4, 6: a budget of 16 padded tokens takes two rows of up to 8.
  const auto mb = train::ActorUpdater::microBatches(s, {0, 1, 2, 3}, 16);
  QCOMPARE(mb.size(), size_t(2));
  QCOMPARE(mb[0], (std::vector<size_t>{0, 1}));
  QCOMPARE(mb[1], (std::vector<size_t>{2, 3}));
  QCOMPARE(train::ActorUpdater::microBatches(s, {0, 1, 2, 3}, 1).size(), size_t(4));

  // Rows that share a prompt: it counts once. Prompt 5 with responses 3, 6, 1, then another
  // prompt (4) with response 2: the first group costs 5 + 3 x 6 = 23 tokens, within 24; the next
  // row would add its own prompt and response (23 + 4 + 2 = 29).
  std::vector<int> p0(5, 1), p1(4, 2), r0(3, 3), r1(6, 4), r2(1, 5), r3(2, 6);
  const std::vector<train::ActorSequence> g{{&p0, &r0, 0}, {&p0, &r1, 0}, {&p0, &r2, 0}, {&p1, &r3, 0}};
  QCOMPARE(train::ActorUpdater::microBatches(g, {0, 1, 2, 3}, 24), (std::vector<std::vector<size_t>>{{0, 1, 2}, {3}}));
  train::TokenLogProbs::setSharedPrompts(false);
  // Padded: lengths 8, 11, 6, 6: 11 x 2 = 22 fits, 11 x 3 = 33 does not.
  QCOMPARE(train::ActorUpdater::microBatches(g, {0, 1, 2, 3}, 24), (std::vector<std::vector<size_t>>{{0, 1}, {2, 3}}));
  train::TokenLogProbs::setSharedPrompts(true);
}

void TestGrpoActorUpdater::actorLogProbsEqualSamplingLogProbs() {
  auto loaded = engine::LoadedModel::load(model_);
  engine::GenerationEngine eng(loaded.model, loaded.engineOptions());
  engine::SamplingParams p;
  p.temperature = 0.7;
  p.maxNewTokens = 12;
  p.n = 3;
  p.seed = 5;
  // Two prompts of different lengths in one call: the engine left-pads them and uses its KV cache;
  // the actor right-pads prompt + response and runs the whole sequence at once.
  const std::vector<std::vector<int>> prompts{{1, 2, 3, 4, 5, 6, 7}, {8, 9, 10}};
  const auto samples = eng.generate(prompts, p);
  QCOMPARE(samples.size(), size_t(6));
  std::vector<std::vector<int>> responses;
  for (const auto& s : samples) responses.push_back(s.tokenIds);
  std::vector<train::ActorSequence> seqs;
  for (size_t i = 0; i < samples.size(); ++i) {
    QVERIFY(!responses[i].empty());
    seqs.push_back({&prompts[i / 3], &responses[i], 0.0});
  }
  torch::optim::SGD opt(loaded.model->parameters(), torch::optim::SGDOptions(0.0));
  train::ActorOptions o;
  o.temperature = 0.7;
  train::ActorUpdater up(loaded.model, opt, o);
  const auto lp = up.logProbs(loaded.model, seqs);
  double worst = 0;
  for (size_t i = 0; i < samples.size(); ++i) {
    const auto sampled = torch::tensor(samples[i].logprobs);
    QCOMPARE(lp[i].size(0), sampled.size(0));
    worst = std::max(worst, (lp[i] - sampled).abs().max().item<double>());
  }
  QVERIFY2(worst < 1e-4, qPrintable(QString("max |actor - sampler| log-prob difference %1").arg(worst)));
}

void TestGrpoActorUpdater::onPolicyUpdateIsTheTwoPassUpdate() {
  auto base = model::QwenPretrained::load(model_);
  const auto s = seqs({1.0, -0.5, 0.8, -1.2});
  train::ActorOptions o;
  o.entropyCoeff = 0.01;
  o.microBatchTokens = 12;  // several micro-batches: each fills its own rows' entropies

  auto twoPass = train::ModelCopy::clone(base);
  torch::optim::AdamW optA(twoPass->parameters(), torch::optim::AdamWOptions(1e-2));
  train::ActorUpdater upA(twoPass, optA, o);
  std::vector<double> entA;
  const auto old = upA.logProbs(twoPass, s, &entA);
  const auto mA = upA.update(s, old, {}, {{0, 1, 2, 3}});

  auto fused = train::ModelCopy::clone(base);
  torch::optim::AdamW optB(fused->parameters(), torch::optim::AdamWOptions(1e-2));
  train::ActorUpdater upB(fused, optB, o);
  std::vector<double> entB{42.0};  // stale content is replaced
  const auto mB = upB.updateOnPolicy(s, {}, {0, 1, 2, 3}, entB);

  QCOMPARE(entB.size(), entA.size());
  for (size_t i = 0; i < entA.size(); ++i) {
    QVERIFY(entA[i] > 0);
    QVERIFY(std::abs(entA[i] - entB[i]) < 1e-6);
  }
  for (const char* k : {"actor/pg_loss", "actor/entropy", "actor/grad_norm", "actor/ppo_kl", "actor/pg_clipfrac"})
    QVERIFY2(std::abs(mA.at(k) - mB.at(k)) < 1e-6, k);
  QCOMPARE(mB.at("actor/ppo_kl"), 0.0);
  const auto pa = twoPass->parameters(), pb = fused->parameters();
  QVERIFY(!torch::allclose(pa.front(), base->parameters().front()));
  for (size_t i = 0; i < pa.size(); ++i) QVERIFY(torch::allclose(pa[i], pb[i], 1e-6, 1e-7));

  // Rows this rank does not hold keep entropy 0 (the trainer sums the ranks' vectors).
  auto part = train::ModelCopy::clone(base);
  torch::optim::AdamW optC(part->parameters(), torch::optim::AdamWOptions(1e-2));
  train::ActorUpdater upC(part, optC, o);
  std::vector<double> entC;
  upC.updateOnPolicy(s, {}, {1, 3}, entC);
  QCOMPARE(entC[0], 0.0);
  QCOMPARE(entC[2], 0.0);
  QVERIFY(std::abs(entC[1] - entA[1]) < 1e-6);
  QVERIFY(std::abs(entC[3] - entA[3]) < 1e-6);
}

QTEST_APPLESS_MAIN(TestGrpoActorUpdater)
#include "TestGrpoActorUpdater.moc"
