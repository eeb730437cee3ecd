// Rows that share a prompt (a GRPO group) go through the model as one prompt plus their
// responses (SharedPromptLogProbs): log-probs, entropies and the gradient they give every
// parameter equal those of the padded batch that runs each row's prompt, with eager and with
// block attention, for groups of uneven response lengths (including one-token responses) whose
// rows are interleaved in the batch, and with activation checkpointing (SharedPromptCheckpoint),
// whose backward then runs the layers again.
#include <QtTest/QtTest>

#include "TestTrainFixture.h"
#include "support/TestPaths.h"
#include "trainer/model/BlockAttentionFunction.h"
#include "trainer/model/QwenPretrained.h"
#include "trainer/train/SequenceBatch.h"
#include "trainer/train/TokenLogProbs.h"

using namespace longrl;

class TestSharedPromptLogProbs : public QObject {
  Q_OBJECT
  std::string model_;
  std::vector<std::vector<int>> prompts_, responses_;
  train::SequenceBatch batch(const std::vector<int>& promptOfRow) {
    std::vector<const std::vector<int>*> p, r;
    for (size_t i = 0; i < promptOfRow.size(); ++i) {
      p.push_back(&prompts_[static_cast<size_t>(promptOfRow[i])]);
      r.push_back(&responses_[i]);
    }
    return train::SequenceBatch::build(p, r, 0);
  }
  // Log-probs, entropies and the parameters' gradients of a fixed weighting of both.
  std::vector<torch::Tensor> run(model::QwenForCausalLM& m, const train::SequenceBatch& b, bool shared) {
    train::TokenLogProbs::setSharedPrompts(shared);
    m->zero_grad();
    const auto r = train::TokenLogProbs::compute(m, b, 0.7, true);
    train::TokenLogProbs::setSharedPrompts(true);
    const auto w = torch::linspace(-1.0, 1.0, r.logProbs.numel()).view(r.logProbs.sizes());
    ((r.logProbs * w).sum() + 0.1 * r.entropy.sum()).backward();
    std::vector<torch::Tensor> out{r.logProbs.detach().clone(), r.entropy.detach().clone()};
    for (const auto& p : m->parameters()) out.push_back(p.grad().clone());
    return out;
  }

 private Q_SLOTS:
  void initTestCase();
  void groupsByPromptVector();
  void sameAsPaddedBatch_data();
  void sameAsPaddedBatch();
  void noGradPassMatches();
  void responsesNeedNoKeyMask();
  void checkpointingRecomputesInBackward();
};

void TestSharedPromptLogProbs::initTestCase() {
  model_ = test::makeTinyModel(test::freshTempDir("shared-prompt"), 1.0);
  prompts_ = {{1, 2, 3, 4, 5, 6, 7, 8, 9}, {10, 11}, {12, 13, 14, 15, 16}};
  responses_ = {{20, 21, 22}, {23, 24, 25, 26, 27, 28}, {29}, {30, 31}, {32, 33, 34, 35}, {36}, {37, 38, 39, 40, 41}};
}

void TestSharedPromptLogProbs::groupsByPromptVector() {
  const auto b = batch({0, 1, 0, 2, 1, 0, 2});
  QVERIFY(b.sharesPrompts());
  QCOMPARE(b.promptGroups.size(), size_t(3));
  QCOMPARE(b.promptGroups[0], (std::vector<int64_t>{0, 2, 5}));
  QCOMPARE(b.promptGroups[1], (std::vector<int64_t>{1, 4}));
  QCOMPARE(b.promptGroups[2], (std::vector<int64_t>{3, 6}));
  // Equal contents in distinct vectors are distinct prompts: grouping never compares tokens.
  const std::vector<int> copy = prompts_[0];
  const auto c = train::SequenceBatch::build({&prompts_[0], &copy}, {&responses_[0], &responses_[1]}, 0);
  QVERIFY(!c.sharesPrompts());
}

void TestSharedPromptLogProbs::sameAsPaddedBatch_data() {
  QTest::addColumn<bool>("block");
  QTest::addColumn<std::vector<int>>("rows");
  QTest::addColumn<bool>("oneTokenResponses");
  QTest::addColumn<bool>("checkpointing");
  const std::vector<int> interleaved{0, 1, 0, 2, 1, 0, 2}, one{2, 2, 2, 2, 2, 2, 2};
  QTest::newRow("eager, interleaved groups") << false << interleaved << false << false;
  QTest::newRow("block, interleaved groups") << true << interleaved << false << false;
  QTest::newRow("block, one group") << true << one << false << false;
  QTest::newRow("eager, one-token responses only") << false << std::vector<int>{1, 1} << true << false;
  QTest::newRow("eager, interleaved, checkpointed") << false << interleaved << false << true;
  QTest::newRow("block, one group, checkpointed") << true << one << false << true;
  QTest::newRow("eager, one-token responses, checkpointed") << false << std::vector<int>{1, 1} << true << true;
}

void TestSharedPromptLogProbs::sameAsPaddedBatch() {
  QFETCH(bool, block);
  QFETCH(std::vector<int>, rows);
  QFETCH(bool, oneTokenResponses);
  QFETCH(bool, checkpointing);
  const auto saved = responses_;
  if (oneTokenResponses) responses_ = {{29}, {36}};
  const auto b = batch(rows);
  responses_ = saved;
  QVERIFY(b.sharesPrompts());
  auto m = model::QwenPretrained::load(model_);
  if (block) m->setAttentionFunction(model::blockAttentionFunction());
  const auto padded = run(m, b, false);
  m->setGradientCheckpointing(checkpointing);
  const auto shared = run(m, b, true);
  QCOMPARE(shared.size(), padded.size());
  QVERIFY(padded[0].abs().sum().item<double>() > 0);
  QVERIFY(torch::allclose(shared[0], padded[0], 1e-5, 1e-5));
  QVERIFY(torch::allclose(shared[1], padded[1], 1e-5, 1e-5));
  // Zero outside each row's response, as the padded batch has it.
  QVERIFY(torch::equal(shared[0] == 0, padded[0] == 0));
  double gradNorm = 0;
  for (size_t i = 2; i < padded.size(); ++i) {
    gradNorm += padded[i].norm().item<double>();
    // Rounding differs (another summation order), so the bound is relative to the tensor's scale.
    const double diff = (shared[i] - padded[i]).abs().max().item<double>();
    QVERIFY2(diff <= 1e-5 * padded[i].abs().max().item<double>() + 1e-8,
             ("parameter " + std::to_string(i - 2) + ": largest difference " + std::to_string(diff) + " of " +
              std::to_string(padded[i].abs().max().item<double>()))
                 .c_str());
  }
  QVERIFY(gradNorm > 0);
}

void TestSharedPromptLogProbs::noGradPassMatches() {
  // The old-policy and reference passes run under NoGradGuard through the same path.
  const auto b = batch({0, 1, 0, 2, 1, 0, 2});
  auto m = model::QwenPretrained::load(model_);
  torch::NoGradGuard noGrad;
  train::TokenLogProbs::setSharedPrompts(false);
  const auto padded = train::TokenLogProbs::compute(m, b, 1.0, false);
  train::TokenLogProbs::setSharedPrompts(true);
  const auto shared = train::TokenLogProbs::compute(m, b, 1.0, false);
  QVERIFY(!shared.entropy.defined());
  QVERIFY(torch::allclose(shared.logProbs, padded.logProbs, 1e-5, 1e-5));
}

void TestSharedPromptLogProbs::checkpointingRecomputesInBackward() {
  // Attention calls during backward: none without checkpointing; with it, every layer runs again
  // for each group's prompt and responses.
  const auto b = batch({0, 1, 0, 2, 1, 0, 2});
  auto m = model::QwenPretrained::load(model_);
  int calls = 0;
  m->setAttentionFunction([&](const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                              const model::AttentionMask& mask, double scale) {
    ++calls;
    return model::eagerAttention(q, k, v, mask, scale);
  });
  auto backwardCalls = [&](bool on) {
    m->setGradientCheckpointing(on);
    const auto r = train::TokenLogProbs::compute(m, b, 1.0, false);
    const int before = calls;
    r.logProbs.sum().backward();
    return calls - before;
  };
  QCOMPARE(backwardCalls(false), 0);
  const int layers = static_cast<int>(m->config().numHiddenLayers);
  QCOMPARE(backwardCalls(true), layers * 3 * 2);  // 3 groups, a prompt and a responses call each
}

void TestSharedPromptLogProbs::responsesNeedNoKeyMask() {
  // Without padding in the shared prompt's cache the responses attend with causality and the
  // prompt's length alone, so the block kernel (memory O(T), not the [T, S] scores) can take them.
  const auto b = batch({0, 1, 0, 2, 1, 0, 2});
  auto m = model::QwenPretrained::load(model_);
  int calls = 0, withOffset = 0, masked = 0;
  m->setAttentionFunction([&](const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                              const model::AttentionMask& mask, double scale) {
    ++calls;
    if (mask.pastLength > 0) ++withOffset;
    if (mask.keyMask.defined()) ++masked;
    return model::eagerAttention(q, k, v, mask, scale);
  });
  train::TokenLogProbs::compute(m, b, 1.0, false);
  QVERIFY(calls > 0);
  QVERIFY(withOffset > 0);
  QCOMPARE(masked, 0);
}

QTEST_APPLESS_MAIN(TestSharedPromptLogProbs)
#include "TestSharedPromptLogProbs.moc"
