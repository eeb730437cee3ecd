// The kernels where the model uses them: block attention as a layer's attention function gives
// the eager values and gradients (training forward) and the same greedy generation (prefill after
// a cache: the query offset); a masked batch falls back to eager; the chunked log-prob path and the
// full-logits path (the switch benchgrpostep --compare-kernels uses) agree in values and gradients.
#include <QtTest/QtTest>

#include "trainer/cli/InitModelCommand.h"
#include "trainer/engine/GenerationEngine.h"
#include "trainer/model/BlockAttentionFunction.h"
#include "trainer/model/QwenForCausalLM.h"
#include "trainer/train/TokenLogProbs.h"

using namespace longrl;

namespace {
model::QwenForCausalLM tinyModel() {
  auto cfg = cli::initModelPreset("tiny");
  model::QwenForCausalLM m(cfg);
  m->initWeights(3);
  return m;
}
double maxDiff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }
}  // namespace

class TestKernelsInModel : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void blockAttentionMatchesEagerInTraining() {
    auto m = tinyModel();
    torch::manual_seed(5);
    const auto ids = torch::randint(m->config().vocabSize, {2, 300}, torch::kInt64);  // > one 256-key block
    const auto probe = torch::randn({2, 300, m->config().hiddenSize});
    auto run = [&](bool block) {
      m->setAttentionFunction(block ? model::blockAttentionFunction()
                                    : model::AttentionFunction(model::eagerAttention));
      m->zero_grad();
      const auto h = m->forward(ids);
      (h * probe).sum().backward();
      std::vector<torch::Tensor> grads;
      for (const auto& p : m->parameters()) grads.push_back(p.grad().clone());
      return std::make_pair(h.detach(), grads);
    };
    const auto [eager, eagerGrads] = run(false);
    const auto [block, blockGrads] = run(true);
    QVERIFY2(maxDiff(eager, block) < 1e-4, qPrintable(QString::number(maxDiff(eager, block))));
    for (size_t i = 0; i < eagerGrads.size(); ++i) {
      const double scale = std::max(1.0, eagerGrads[i].abs().max().item<double>());
      QVERIFY2(maxDiff(eagerGrads[i], blockGrads[i]) < 1e-3 * scale, qPrintable(QString::number(i)));
    }
  }

  void maskedBatchesFallBackToEager() {
    torch::manual_seed(1);
    const auto q = torch::randn({2, 4, 5, 8}), k = torch::randn({2, 2, 7, 8}), v = torch::randn({2, 2, 7, 8});
    model::AttentionMask mask;
    mask.pastLength = 2;
    mask.keyMask = torch::ones({2, 7}, torch::kBool);
    mask.keyMask.index_put_({0, 0}, false);  // left padding in row 0
    const auto fn = model::blockAttentionFunction();
    QVERIFY(maxDiff(fn(q, k, v, mask, 0.3), model::eagerAttention(q, k, v, mask, 0.3)) < 1e-6);
    mask.keyMask = torch::Tensor();  // no mask: the block kernel, with the query offset
    QVERIFY(maxDiff(fn(q, k, v, mask, 0.3), model::eagerAttention(q, k, v, mask, 0.3)) < 1e-5);
  }

  void generationIsTheSameWithBlockAttention() {
    auto m = tinyModel();
    torch::NoGradGuard noGrad;
    m->eval();
    engine::EngineOptions o;
    o.eosTokenIds = {};
    engine::GenerationEngine eng(m, o);
    engine::SamplingParams p;
    p.temperature = 0;
    p.maxNewTokens = 12;
    std::vector<int> prompt;
    for (int i = 0; i < 40; ++i) prompt.push_back((i * 37) % static_cast<int>(m->config().vocabSize));
    const auto eager = eng.generate({prompt}, p);
    m->setAttentionFunction(model::blockAttentionFunction());
    const auto block = eng.generate({prompt}, p);
    QCOMPARE(block[0].tokenIds, eager[0].tokenIds);
  }

  void fullLogitsPathEqualsChunked() {
    torch::manual_seed(2);
    const auto hidden = torch::randn({50, 16}, torch::requires_grad());
    const auto weight = torch::randn({300, 16}, torch::requires_grad());
    const auto targets = torch::randint(300, {50}, torch::kInt64);
    auto run = [&](bool chunked) {
      train::TokenLogProbs::setChunked(chunked);
      hidden.mutable_grad() = torch::Tensor();
      const auto r = train::TokenLogProbs::fromHidden(hidden, weight, targets, 0.7, true);
      (r.logProbs.sum() + 0.5 * r.entropy.sum()).backward();
      return std::make_tuple(r.logProbs.detach(), r.entropy.detach(), hidden.grad().clone());
    };
    const auto [lpFull, entFull, gFull] = run(false);
    const auto [lpChunk, entChunk, gChunk] = run(true);
    QVERIFY(train::TokenLogProbs::chunked());  // left on, as the trainer runs
    QVERIFY(maxDiff(lpFull, lpChunk) < 1e-4);
    QVERIFY(maxDiff(entFull, entChunk) < 1e-4);
    QVERIFY(maxDiff(gFull, gChunk) < 1e-4);
  }
};

QTEST_APPLESS_MAIN(TestKernelsInModel)
#include "TestKernelsInModel.moc"
