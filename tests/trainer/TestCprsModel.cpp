// The CPRS compressor (trainer/cprs/CprsModel): its critic logits against an independent reference
// (tests/trainer/cprs_reference.py, plain torch, the top layers without the causal mask), the causal
// path unchanged, HF-layout loading (a plain Qwen initialises it) and saving.
#include <QtTest/QtTest>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "RandomQwenModel.h"
#include "support/PythonScript.h"
#include "support/TestPaths.h"
#include "trainer/cprs/CprsModel.h"
#include "trainer/cprs/CprsPretrained.h"
#include "trainer/model/BlockAttentionFunction.h"
#include "trainer/model/QwenPretrained.h"
#include "trainer/model/TorchThreads.h"
#include "trainer/safetensors/SafetensorsError.h"

using namespace longrl;
using namespace longrl::cprs;
using model::QwenConfig;

namespace {

QwenConfig qwen3Config(int64_t layers) {
  QwenConfig c;
  c.modelType = "qwen3";
  c.hiddenSize = 48;
  c.numAttentionHeads = 4;
  c.numKeyValueHeads = 2;
  c.headDim = 16;
  c.intermediateSize = 64;
  c.numHiddenLayers = layers;
  c.vocabSize = 61;
  return c;
}

CprsConfig cprsConfig(int64_t bidirectional, std::vector<std::string> labels = {"drop", "keep"}) {
  CprsConfig c;
  c.bidirectionalLayers = bidirectional;
  c.labels = std::move(labels);
  return c;
}

// Random weights large enough that every part moves the logits (as test::randomModel).
CprsModel randomCprs(const QwenConfig& q, const CprsConfig& c, uint64_t seed) {
  CprsModel m(q, c);
  torch::NoGradGuard g;
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  for (auto& [name, p] : m->hfParameters()) {
    auto r = at::normal(0.0, 0.3, p.sizes(), gen, torch::TensorOptions().dtype(torch::kFloat32));
    if (name.find("norm.weight") != std::string::npos) r = r + 1.0;
    p.copy_(r);
  }
  return m;
}

std::string join(const torch::Tensor& t, const char* rowSep) {
  std::string s;
  for (int64_t b = 0; b < t.size(0); ++b) {
    if (b) s += rowSep;
    if (t.dim() == 1) {
      s += std::to_string(t[b].item<int64_t>());
      continue;
    }
    for (int64_t i = 0; i < t.size(1); ++i) s += (i ? "," : "") + std::to_string(t[b][i].item<int64_t>());
  }
  return s;
}

// Reference logits [B, T, labels], or undefined with `why` set when python3-torch is missing.
torch::Tensor referenceLogits(const std::string& dir, const torch::Tensor& ids, const torch::Tensor& lengths,
                              int64_t labels, QString* why) {
  const std::string out = dir + "/reference.f32";
  const auto run =
      test::runPythonScript("tests/trainer/cprs_reference.py", {dir, join(ids, ";"), join(lengths, ","), out});
  if (run.skipped()) {
    *why = QString::fromStdString(run.output);
    return {};
  }
  if (run.rc != 0) {
    QTest::qFail(("reference script failed: " + run.output).c_str(), __FILE__, __LINE__);
    return {};
  }
  const auto values = test::readFloat32(out, static_cast<size_t>(ids.numel() * labels));
  return torch::tensor(values).view({ids.size(0), ids.size(1), labels});
}

torch::Tensor rightPaddedMask(const torch::Tensor& lengths, int64_t T) {
  return torch::arange(T).unsqueeze(0) < lengths.unsqueeze(1);
}

}  // namespace

class TestCprsModel : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { model::applyTorchThreads(1); }

  void matchesReference_data() {
    QTest::addColumn<QString>("type");
    QTest::addColumn<int>("bidirectional");
    QTest::newRow("qwen3, all causal") << "qwen3" << 0;
    QTest::newRow("qwen3, top layer bidirectional") << "qwen3" << 1;
    QTest::newRow("qwen3, top two bidirectional") << "qwen3" << 2;
    QTest::newRow("qwen3, all bidirectional") << "qwen3" << 3;
    QTest::newRow("qwen2, top layer bidirectional, 3 labels") << "qwen2" << 1;
  }

  void matchesReference() {
    QFETCH(QString, type);
    QFETCH(int, bidirectional);
    const QwenConfig q = type == "qwen2" ? test::smallQwen2Config(3) : qwen3Config(3);
    const auto c = type == "qwen2" ? cprsConfig(bidirectional, {"drop", "keep", "maybe"}) : cprsConfig(bidirectional);
    auto m = randomCprs(q, c, 5 + bidirectional);
    const std::string dir = test::freshTempDir("cprs-ref-" + type.toStdString() + std::to_string(bidirectional));
    CprsPretrained::save(m, dir);
    auto loaded = CprsPretrained::load(dir);  // what is compared is what was saved
    QCOMPARE(loaded->cprsConfig().bidirectionalLayers, int64_t(bidirectional));
    const auto ids = test::randomIds(2, 11, q.vocabSize, 3);
    const auto lengths = torch::tensor({11, 7}, torch::kInt64);
    QString why;
    const auto expected = referenceLogits(dir, ids, lengths, static_cast<int64_t>(c.labels.size()), &why);
    if (!why.isEmpty()) QSKIP(qPrintable(why));
    QVERIFY(expected.defined());
    torch::NoGradGuard g;
    const auto got = loaded(ids, rightPaddedMask(lengths, 11));
    const auto real = rightPaddedMask(lengths, 11).unsqueeze(-1).expand_as(got);
    const double maxDiff = (got - expected).abs().masked_select(real).max().item<double>();
    qInfo("max |critic logit diff| = %.3g (scale %.3g)", maxDiff, expected.abs().max().item<double>());
    QVERIFY2(maxDiff < 1e-3, qPrintable(QString::number(maxDiff)));
    // The keep probabilities are the softmax's "keep" column.
    const auto keep = loaded->keepProbabilities(ids, rightPaddedMask(lengths, 11));
    QVERIFY(torch::allclose(keep, torch::softmax(got, -1).select(-1, 1)));
  }

  void bidirectionalLayersSeeTheFuture() {
    auto ids = test::randomIds(1, 10, 61, 9);
    auto changed = ids.clone();
    changed[0][9] = (ids[0][9].item<int64_t>() + 1) % 61;
    for (int64_t b : {0, 1}) {
      auto m = randomCprs(qwen3Config(3), cprsConfig(b), 4);
      torch::NoGradGuard g;
      const auto diff = (m(ids) - m(changed)).abs().slice(1, 0, 9).max().item<double>();
      if (b == 0) QVERIFY2(diff < 1e-6, qPrintable(QString::number(diff)));  // causal: no earlier token moves
      else QVERIFY2(diff > 1e-4, qPrintable(QString::number(diff)));
    }
  }

  void causalPathIsTheQwenModels() {
    const auto q = test::smallQwen2Config(3);
    auto lm = test::randomModel(q, 21);
    const std::string dir = test::freshTempDir("cprs-causal");
    model::QwenPretrained::save(lm, dir);
    auto m = CprsPretrained::load(dir, cprsConfig(0));
    const auto ids = test::randomIds(2, 9, q.vocabSize, 1);
    const auto mask = rightPaddedMask(torch::tensor({9, 5}, torch::kInt64), 9);
    torch::NoGradGuard g;
    QVERIFY(torch::equal(m->hidden(ids, mask), lm->forward(ids, torch::Tensor(), nullptr, mask)));
  }

  void plainQwenInitialisesTheCompressor() {
    const auto q = test::smallQwen2Config(3);  // untied: its lm_head is left out
    auto lm = test::randomModel(q, 22);
    const std::string dir = test::freshTempDir("cprs-init");
    model::QwenPretrained::save(lm, dir);
    QVERIFY(!CprsPretrained::isCompressor(dir));
    auto a = CprsPretrained::load(dir, cprsConfig(2), 7);
    auto b = CprsPretrained::load(dir, cprsConfig(2), 7);
    const auto lmParams = lm->hfParameters();
    for (const auto& [name, p] : a->hfParameters()) {
      if (name.rfind("score.", 0) == 0) continue;
      const auto it = std::find_if(lmParams.begin(), lmParams.end(), [&](const auto& x) { return x.first == name; });
      QVERIFY2(it != lmParams.end(), name.c_str());
      QVERIFY2(torch::equal(it->second, p), name.c_str());
    }
    QVERIFY(a->score->weight.abs().sum().item<double>() > 0);
    QCOMPARE(a->score->bias.abs().sum().item<double>(), 0.0);
    QVERIFY(torch::equal(a->score->weight, b->score->weight));  // seeded

    const std::string saved = test::freshTempDir("cprs-saved");
    CprsPretrained::save(a, saved);
    QVERIFY(CprsPretrained::isCompressor(saved));
    std::ifstream in(saved + "/config.json");
    const auto j = nlohmann::json::parse(in);
    QCOMPARE(j["architectures"][0].get<std::string>(), std::string("Qwen2ForTokenClassification"));
    QCOMPARE(j["cprs"]["bidirectional_layers"].get<int>(), 2);
    QCOMPARE(j["id2label"]["1"].get<std::string>(), std::string("keep"));
    QCOMPARE(j["num_labels"].get<int>(), 2);
    auto c = CprsPretrained::load(saved);
    QCOMPARE(c->cprsConfig().bidirectionalLayers, int64_t(2));
    const auto ids = test::randomIds(1, 8, q.vocabSize, 2);
    torch::NoGradGuard g;
    QVERIFY(torch::equal(a(ids), c(ids)));
  }

  void badCheckpointsNameTheProblem() {
    auto m = randomCprs(qwen3Config(2), cprsConfig(1), 3);
    const std::string dir = test::freshTempDir("cprs-bad");
    CprsPretrained::save(m, dir);
    auto j = CprsPretrained::configJson(m);
    j["cprs"]["bidirectional_layers"] = 5;
    writeConfig(dir, j);
    try {
      CprsPretrained::load(dir);
      QFAIL("loaded a config with 5 bidirectional layers of 2");
    } catch (const model::ModelConfigError& e) {
      QVERIFY2(std::string(e.what()).find("config.json: cprs.bidirectional_layers") != std::string::npos, e.what());
    }
    j["cprs"]["bidirectional_layers"] = 1;
    j["cprs"]["labels"] = {"drop", "keep", "maybe"};  // the saved score has 2 rows
    writeConfig(dir, j);
    try {
      CprsPretrained::load(dir);
      QFAIL("loaded a 2-label critic as 3 labels");
    } catch (const safetensors::SafetensorsError& e) {
      QVERIFY2(std::string(e.what()).find("'score.weight' has shape [2,48]") != std::string::npos, e.what());
    }
  }

  void blockAttentionRunsBidirectionalLayers() {
    auto m = randomCprs(qwen3Config(3), cprsConfig(2), 6);
    const auto ids = test::randomIds(2, 12, 61, 4);
    torch::NoGradGuard g;
    const auto eager = m(ids);
    for (auto& layer : m->model->layerList) layer->self_attn->attention = model::blockAttentionFunction();
    QVERIFY(torch::allclose(eager, m(ids), 1e-4, 1e-5));
  }

  void bidirectionalLayerRefusesACache() {
    auto m = randomCprs(qwen3Config(2), cprsConfig(1), 3);
    model::KvCache cache(2);
    torch::NoGradGuard g;
    QVERIFY_THROWS_EXCEPTION(std::logic_error,
                             m->model->forward(test::randomIds(1, 4, 61, 1), torch::Tensor(), &cache));
  }

 private:
  static void writeConfig(const std::string& dir, const nlohmann::json& j) {
    std::ofstream(dir + "/config.json") << j.dump(2);
  }
};

QTEST_GUILESS_MAIN(TestCprsModel)
#include "TestCprsModel.moc"
