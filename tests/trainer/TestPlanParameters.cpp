// The memory plan (core/plan, no torch) counts a config.json's parameters as the trainer does:
// plan::ModelShape against model::ModelSize and against what QwenForCausalLM allocates, in total,
// per decoder layer (the largest one is what shard "full" gathers) and outside the layers.
#include <QtTest/QtTest>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/plan/ModelShape.h"
#include "support/Qwen05Config.h"
#include "trainer/cli/InitModelCommand.h"
#include "trainer/model/ModelSize.h"
#include "trainer/model/QwenForCausalLM.h"
#include "trainer/model/TorchThreads.h"

using namespace longrl;
using nlohmann::json;

namespace {

double numel(const torch::nn::Module& m) {
  double n = 0;
  for (const auto& p : m.parameters()) n += static_cast<double>(p.numel());
  return n;
}

// Configs of the kinds the trainer reads: the presets, tied and untied, with and without
// attention biases, and a MoE whose sparse layers are picked by decoder_sparse_step and mlp_only_layers.
std::vector<model::QwenConfig> configs() {
  std::vector<model::QwenConfig> out;
  for (const std::string preset : {"tiny", "qwen2-tiny", "qwen3-moe-tiny", "qwen3-yarn-tiny"})
    for (const bool tied : {true, false}) {
      auto c = cli::initModelPreset(preset);
      c.tieWordEmbeddings = tied;
      out.push_back(c);
    }
  auto biased = cli::initModelPreset("tiny");
  biased.attentionBias = true;
  out.push_back(biased);
  auto moe = cli::initModelPreset("qwen3-moe-tiny");
  moe.numHiddenLayers = 4;
  moe.moe.decoderSparseStep = 2;
  moe.moe.mlpOnlyLayers = {3};
  out.push_back(moe);
  return out;
}

}  // namespace

class TestPlanParameters : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() { model::applyTorchThreads(1); }

  void countsWhatTheTrainerAllocates() {
    for (const auto& c : configs()) {
      const json j = c.toJson();
      const auto shape = plan::ModelShape::fromJson(j, "config.json");
      model::QwenForCausalLM m(c);
      const QString what = QString::fromStdString(j.dump());
      QVERIFY2(shape.parameters() == model::ModelSize::parameters(c), qPrintable(what));
      QVERIFY2(shape.parameters() == static_cast<double>(m->parameterCount()), qPrintable(what));
      double layers = 0, largest = 0;
      for (size_t l = 0; l < m->model->layerList.size(); ++l) {
        const double n = numel(*m->model->layerList[l]);
        QVERIFY2(shape.layerParameters(static_cast<int64_t>(l)) == n, qPrintable(what));
        layers += n;
        largest = std::max(largest, n);
      }
      QVERIFY2(shape.layersParameters() == layers, qPrintable(what));
      QVERIFY2(shape.largestLayerParameters() == largest, qPrintable(what));
      QVERIFY2(shape.nonLayerParameters() == numel(*m) - layers, qPrintable(what));
    }
  }

  // Qwen2.5-0.5B's shape, too large to build in a test: the two counts agree on the known figure.
  void countsQwen25HalfBillion() {
    const json j = test::qwen05Config();
    QCOMPARE(plan::ModelShape::fromJson(j, "config.json").parameters(), 494032768.0);
    QCOMPARE(model::ModelSize::parameters(model::QwenConfig::fromJson(j)), 494032768.0);
  }
};

QTEST_MAIN(TestPlanParameters)
#include "TestPlanParameters.moc"
