// benchthroughput's FLOP count (bench/trainer/FlopModel.h) against counts written out by hand from
// the config's fields: the decoder's matrices only (no embeddings, lm_head, biases or norms), a
// MoE's top-k experts and router only, the causal attention pairs against a brute-force sum, and
// the lm_head rows a forward asks for.
#include <QtTest/QtTest>

#include "bench/trainer/FlopModel.h"
#include "trainer/cli/InitModelCommand.h"
#include "trainer/model/QwenForCausalLM.h"
#include "trainer/model/TorchThreads.h"

using namespace longrl;

namespace {

// Per decoder layer: q, k, v, o projections by hand.
double attentionMatrices(const model::QwenConfig& c) {
  const double h = static_cast<double>(c.hiddenSize), q = static_cast<double>(c.numAttentionHeads * c.headDim),
               kv = static_cast<double>(c.numKeyValueHeads * c.headDim);
  return h * q + 2 * h * kv + q * h;
}

}  // namespace

class TestFlopModel : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() { model::applyTorchThreads(1); }

  void pairsAreTheCausalSum() {
    for (const int64_t first : {0, 1, 7, 100})
      for (const int64_t count : {1, 2, 5, 64}) {
        double brute = 0;
        for (int64_t t = first; t < first + count; ++t) brute += static_cast<double>(t + 1);
        QCOMPARE(bench::FlopModel::pairs(first, count), brute);
      }
  }

  // Qwen2 (q/k/v biases), tied and untied: the same matrices either way, biases and norms left out.
  void denseCountsDecoderMatricesOnly() {
    for (const bool tied : {true, false}) {
      auto c = cli::initModelPreset("qwen2-tiny");
      c.tieWordEmbeddings = tied;
      model::QwenForCausalLM m(c);
      const double perLayer = attentionMatrices(c) + 3.0 * static_cast<double>(c.hiddenSize * c.intermediateSize);
      const bench::FlopModel f(m);
      QCOMPARE(f.matmulParams, static_cast<double>(c.numHiddenLayers) * perLayer);
      QCOMPARE(f.lmHeadPerRow, 2.0 * static_cast<double>(c.vocabSize * c.hiddenSize));
      QCOMPARE(f.attentionPerPair, 4.0 * static_cast<double>(c.numHiddenLayers * c.numAttentionHeads * c.headDim));
    }
  }

  // A sparse layer: the router and numExpertsPerTok experts; the dense layer (mlp_only_layers): its MLP.
  void moeCountsTheExpertsATokenVisits() {
    const auto c = cli::initModelPreset("qwen3-moe-tiny");
    model::QwenForCausalLM m(c);
    const double h = static_cast<double>(c.hiddenSize);
    double expected = 0;
    for (int64_t l = 0; l < c.numHiddenLayers; ++l) {
      expected += attentionMatrices(c);
      if (c.isSparseLayer(l))
        expected += static_cast<double>(c.moe.numExperts) * h + static_cast<double>(c.moe.numExpertsPerTok) * 3.0 * h *
                                                                    static_cast<double>(c.moe.moeIntermediateSize);
      else expected += 3.0 * h * static_cast<double>(c.intermediateSize);
    }
    QVERIFY(c.isSparseLayer(0) && !c.isSparseLayer(1));
    QCOMPARE(bench::FlopModel(m).matmulParams, expected);
  }

  // Prefill (one lm_head row), decode steps after a prompt (one row each), an update's forward.
  void forwardAddsMatricesAttentionAndLmHeadRows() {
    const auto c = cli::initModelPreset("tiny");
    model::QwenForCausalLM m(c);
    const bench::FlopModel f(m);
    const double perPair = 4.0 * static_cast<double>(c.numHiddenLayers * c.numAttentionHeads * c.headDim);
    const double lmRow = 2.0 * static_cast<double>(c.vocabSize * c.hiddenSize);
    QCOMPARE(f.forward(0, 10, 1), 2 * f.matmulParams * 10 + perPair * 55 + lmRow);
    // Decode of 3 tokens after a 10-token prompt: they see 11, 12 and 13 keys.
    QCOMPARE(f.forward(10, 3, 3), 2 * f.matmulParams * 3 + perPair * 36 + 3 * lmRow);
    QCOMPARE(f.forward(0, 13, 0) + f.lmHeadPerRow * 3, f.forward(0, 13, 3));
  }
};

QTEST_GUILESS_MAIN(TestFlopModel)
#include "TestFlopModel.moc"
