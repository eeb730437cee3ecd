// The Qwen2/Qwen3 decoder against an independent reference (tests/trainer/qwen_reference.py,
// plain torch from the HF math, run by Debian's /usr/bin/python3), and the KV cache against
// full forwards.
#include <QtTest/QtTest>

#include <filesystem>

#include "RandomQwenModel.h"
#include "support/PythonScript.h"
#include "support/TestPaths.h"
#include "trainer/engine/GenerationEngine.h"
#include "trainer/model/QwenConfig.h"
#include "trainer/model/QwenForCausalLM.h"
#include "trainer/model/QwenPretrained.h"
#include "trainer/model/TorchThreads.h"

using namespace longrl::model;
using longrl::test::randomIds;
using longrl::test::randomModel;

namespace {

QwenConfig qwen3Config() {
  QwenConfig c;
  c.modelType = "qwen3";
  c.hiddenSize = 48;
  c.numAttentionHeads = 4;
  c.numKeyValueHeads = 1;
  c.headDim = 16;  // != hidden / heads: exercises Qwen3's explicit head_dim
  c.intermediateSize = 64;
  c.numHiddenLayers = 3;
  c.vocabSize = 61;
  c.tieWordEmbeddings = true;
  c.attentionBias = false;
  c.ropeTheta = 1000000.0;
  c.rmsNormEps = 1e-6;
  return c;
}

// Small windows so that short prompts reach past them: YaRN with an original window of 16 (of 64),
// linear x2, dynamic NTK past 16.
QwenConfig withRope(QwenConfig c, const nlohmann::json& ropeScaling, int64_t maxPositions) {
  c.maxPositionEmbeddings = maxPositions;
  c.ropeScaling = RopeScaling::fromJson(ropeScaling, "test");
  return c;
}

QwenConfig configNamed(const QString& name) {
  if (name == "qwen2") return longrl::test::smallQwen2Config();
  if (name == "qwen3") return qwen3Config();
  if (name == "qwen3-yarn")
    return withRope(qwen3Config(), {{"rope_type", "yarn"}, {"factor", 4.0}, {"original_max_position_embeddings", 16}},
                    64);
  if (name == "qwen2-yarn")
    return withRope(longrl::test::smallQwen2Config(),
                    {{"type", "yarn"}, {"factor", 4.0}, {"original_max_position_embeddings", 16}}, 16);
  if (name == "qwen2-linear")
    return withRope(longrl::test::smallQwen2Config(), {{"rope_type", "linear"}, {"factor", 2.0}}, 16);
  if (name == "qwen3-dynamic") return withRope(qwen3Config(), {{"rope_type", "dynamic"}, {"factor", 2.0}}, 16);
  throw std::invalid_argument("no test config " + name.toStdString());
}

torch::Tensor logits(QwenForCausalLM& m, const torch::Tensor& ids) {
  torch::NoGradGuard g;
  return m->lmHead(m->forward(ids));
}

std::string idsText(const torch::Tensor& ids) {
  std::string text;
  for (int64_t b = 0; b < ids.size(0); ++b) {
    if (b) text += ";";
    for (int64_t t = 0; t < ids.size(1); ++t) text += (t ? "," : "") + std::to_string(ids[b][t].item<int64_t>());
  }
  return text;
}

// Runs the Python reference on the model saved in `dir` (extra: e.g. {"--generate", "N"}); returns
// the float32 logits [B, steps, vocab], undefined when it cannot run (`why` says; the caller skips).
torch::Tensor runReference(const std::string& dir, const torch::Tensor& ids, int64_t steps, int64_t vocab, QString* why,
                           const std::vector<std::string>& extra = {}) {
  const std::string out = dir + "/reference.f32";
  std::vector<std::string> args = {dir, idsText(ids), out};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto run = longrl::test::runPythonScript("tests/trainer/qwen_reference.py", args);
  if (run.skipped()) {
    *why = QString::fromStdString(run.output);
    return {};
  }
  if (run.rc != 0) {
    QTest::qFail(("reference script failed: " + run.output).c_str(), __FILE__, __LINE__);
    return {};
  }
  const auto values = longrl::test::readFloat32(out, static_cast<size_t>(ids.size(0) * steps * vocab));
  if (values.empty()) QTest::qFail("reference output too short", __FILE__, __LINE__);
  return torch::tensor(values).view({ids.size(0), steps, vocab});
}

torch::Tensor referenceLogits(const std::string& dir, const torch::Tensor& ids, int64_t vocab, QString* why) {
  return runReference(dir, ids, ids.size(1), vocab, why);
}

}  // namespace

class TestQwenModel : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { applyTorchThreads(1); }
  void matchesReference_data();
  void matchesReference();
  void greedyGenerationMatchesReference_data();
  void greedyGenerationMatchesReference();
  void kvCacheStepsEqualFullForward();
  void expandedCacheEqualsSeparateForwards();
  void leftPaddingDoesNotChangeLogits();
  void loadsAsBf16AndF16();
  void configErrors();
};

void TestQwenModel::matchesReference_data() {
  QTest::addColumn<QString>("type");
  QTest::addColumn<int>("length");
  QTest::newRow("qwen2 bias untied") << "qwen2" << 9;
  QTest::newRow("qwen3 qknorm tied") << "qwen3" << 9;
  QTest::newRow("qwen3 yarn past its window") << "qwen3-yarn" << 40;
  QTest::newRow("qwen2 yarn legacy type") << "qwen2-yarn" << 30;
  QTest::newRow("qwen2 linear") << "qwen2-linear" << 30;
  QTest::newRow("qwen3 dynamic within window") << "qwen3-dynamic" << 12;
  QTest::newRow("qwen3 dynamic past window") << "qwen3-dynamic" << 40;
}

void TestQwenModel::matchesReference() {
  QFETCH(QString, type);
  QFETCH(int, length);
  const QwenConfig c = configNamed(type);
  auto m = randomModel(c, 7);
  const std::string dir = longrl::test::freshTempDir("qwen-ref-" + type.toStdString());
  QwenPretrained::save(m, dir);
  auto loaded = QwenPretrained::load(dir);  // the loaded copy is what gets compared
  QCOMPARE(loaded->config().modelType, c.modelType);
  QCOMPARE(std::filesystem::exists(dir + "/model.safetensors"), true);
  QCOMPARE(loaded->config().ropeScaling.typeName(), c.ropeScaling.typeName());
  auto ids = randomIds(2, length, c.vocabSize, 11);
  QString why;
  auto expected = referenceLogits(dir, ids, c.vocabSize, &why);
  if (!why.isEmpty()) QSKIP(qPrintable(why));
  QVERIFY(expected.defined());
  auto got = logits(loaded, ids);
  const double maxDiff = (got - expected).abs().max().item<double>();
  qInfo("%s: max |logit diff| = %.3g (logit scale %.3g)", qPrintable(type), maxDiff,
        expected.abs().max().item<double>());
  QVERIFY2(expected.abs().max().item<double>() > 0.5, "logits too small for a meaningful comparison");
  QVERIFY2(maxDiff < 1e-4, qPrintable(QString("max diff %1").arg(maxDiff)));
  // A sanity check that the comparison can fail: another seed's weights differ, and so does the
  // same model without its rope scaling.
  auto other = randomModel(c, 8);
  QVERIFY((logits(other, ids) - expected).abs().max().item<double>() > 1e-2);
  if (!c.ropeScaling.enabled() ||
      (c.ropeScaling.type == RopeScaling::Type::Dynamic && length <= c.maxPositionEmbeddings))
    return;
  QwenConfig plainConfig = c;
  plainConfig.ropeScaling = RopeScaling();
  QwenForCausalLM plain(plainConfig);
  {
    torch::NoGradGuard g;
    auto src = loaded->hfParameters();
    auto dst = plain->hfParameters();
    for (size_t i = 0; i < src.size(); ++i) dst[i].second.copy_(src[i].second);
  }
  QVERIFY((logits(plain, ids) - expected).abs().max().item<double>() > 1e-2);
}

void TestQwenModel::greedyGenerationMatchesReference_data() {
  QTest::addColumn<QString>("type");
  QTest::addColumn<int>("promptLength");
  QTest::addColumn<int>("steps");
  QTest::addColumn<int>("prefillChunk");
  QTest::newRow("yarn, prompt past the window") << "qwen3-yarn" << 30 << 12 << 0;
  QTest::newRow("yarn, chunked prefill") << "qwen3-yarn" << 30 << 12 << 7;
  QTest::newRow("dynamic, crossing the window while decoding") << "qwen3-dynamic" << 10 << 16 << 0;
  QTest::newRow("dynamic, prompt past the window, chunked") << "qwen3-dynamic" << 24 << 10 << 5;
}

// GenerationEngine (KV cache, chunked prefill) against the reference's greedy decoding with a cache,
// as transformers' generate() runs it; for dynamic NTK every step rotates its token for the length
// reached, the cached keys keeping the rotation of their own step.
void TestQwenModel::greedyGenerationMatchesReference() {
  QFETCH(QString, type);
  QFETCH(int, promptLength);
  QFETCH(int, steps);
  QFETCH(int, prefillChunk);
  const QwenConfig c = configNamed(type);
  auto m = randomModel(c, 21);
  const std::string dir = longrl::test::freshTempDir("qwen-gen-" + type.toStdString());
  QwenPretrained::save(m, dir);
  auto ids = randomIds(2, promptLength, c.vocabSize, 23);
  QString why;
  auto refLogits = runReference(dir, ids, steps, c.vocabSize, &why, {"--generate", std::to_string(steps)});
  if (!why.isEmpty()) QSKIP(qPrintable(why));
  QVERIFY(refLogits.defined());
  const auto refTokens =
      torch::from_file(dir + "/reference.f32.tokens", false, 2 * steps, torch::kInt64).view({2, steps});

  longrl::engine::EngineOptions o;
  o.prefillChunkTokens = prefillChunk;
  longrl::engine::GenerationEngine eng(QwenPretrained::load(dir), o);
  std::vector<std::vector<int>> prompts(2);
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t t = 0; t < promptLength; ++t) prompts[b].push_back(static_cast<int>(ids[b][t].item<int64_t>()));
  longrl::engine::SamplingParams greedy;
  greedy.temperature = 0.0;
  greedy.maxNewTokens = steps;
  const auto out = eng.generate(prompts, greedy);
  QCOMPARE(out.size(), size_t(2));
  double maxLogprobDiff = 0;
  for (int64_t b = 0; b < 2; ++b) {
    const auto& got = out[static_cast<size_t>(b)];
    QCOMPARE(static_cast<int64_t>(got.tokenIds.size()), int64_t(steps));
    auto refLogprobs = torch::log_softmax(refLogits[b], -1);
    for (int64_t t = 0; t < steps; ++t) {
      QCOMPARE(int64_t(got.tokenIds[static_cast<size_t>(t)]), refTokens[b][t].item<int64_t>());
      const double d = std::abs(got.logprobs[static_cast<size_t>(t)] - refLogprobs[t][refTokens[b][t]].item<double>());
      maxLogprobDiff = std::max(maxLogprobDiff, d);
    }
  }
  qInfo("%s: %d greedy tokens x 2 equal, max |logprob diff| %.3g", QTest::currentDataTag(), steps, maxLogprobDiff);
  QVERIFY2(maxLogprobDiff < 1e-4, qPrintable(QString("logprob diff %1").arg(maxLogprobDiff)));
  if (c.ropeScaling.type != RopeScaling::Type::Dynamic) return;
  // The cache matters: one forward over the prompt and the tokens rotates all of them for the
  // final length, which changes the logits the steps saw.
  auto full = logits(m, torch::cat({ids, refTokens}, 1)).narrow(1, promptLength - 1, steps);
  QVERIFY((full - refLogits).abs().max().item<double>() > 1e-3);
}

void TestQwenModel::kvCacheStepsEqualFullForward() {
  // Dynamic NTK is left out: a step rotates for the length reached, a full forward for the whole.
  for (const QwenConfig& c :
       {longrl::test::smallQwen2Config(), qwen3Config(), configNamed("qwen3-yarn"), configNamed("qwen2-linear")}) {
    auto m = randomModel(c, 3);
    torch::NoGradGuard g;
    auto ids = randomIds(2, 12, c.vocabSize, 5);
    auto full = m->lmHead(m->forward(ids));  // [2, 12, V]
    auto cache = m->makeCache();
    // Prefill 5 tokens, then one at a time.
    auto h = m->forward(ids.narrow(1, 0, 5), {}, &cache);
    QCOMPARE(cache.length(), int64_t(5));
    QVERIFY(torch::allclose(m->lmHead(h), full.narrow(1, 0, 5), 1e-5, 1e-5));
    for (int64_t t = 5; t < 12; ++t) {
      auto step = m->lmHead(m->forward(ids.narrow(1, t, 1), {}, &cache));
      const double d = (step.select(1, 0) - full.select(1, t)).abs().max().item<double>();
      QVERIFY2(d < 1e-4,
               qPrintable(QString("%1 step %2: diff %3").arg(QString::fromStdString(c.modelType)).arg(t).arg(d)));
    }
    QCOMPARE(cache.length(), int64_t(12));
    QCOMPARE(cache.nextPositions()[0].item<int64_t>(), int64_t(12));
  }
}

void TestQwenModel::expandedCacheEqualsSeparateForwards() {
  const QwenConfig c = qwen3Config();
  auto m = randomModel(c, 4);
  torch::NoGradGuard g;
  auto prompt = randomIds(1, 6, c.vocabSize, 9);
  auto cache = m->makeCache(8);  // small reservation: the steps below force growth
  m->forward(prompt, {}, &cache);
  cache.expand(3);
  QCOMPARE(cache.batchSize(), int64_t(3));
  auto next = torch::tensor({{4}, {17}, {30}}, torch::kInt64);
  auto more = torch::tensor({{1, 2}, {3, 4}, {5, 6}}, torch::kInt64);
  m->forward(next, {}, &cache);
  m->forward(more, {}, &cache);
  // Keep rows 2 and 0 (in that order), then step once more.
  cache.selectRows(torch::tensor({2, 0}, torch::kInt64));
  auto last = torch::tensor({{9}, {10}}, torch::kInt64);
  auto stepped = m->lmHead(m->forward(last, {}, &cache)).select(1, 0);
  const int64_t rows[2] = {2, 0};
  for (int i = 0; i < 2; ++i) {
    const int64_t r = rows[i];
    auto seq = torch::cat({prompt, next.narrow(0, r, 1), more.narrow(0, r, 1), last.narrow(0, i, 1)}, 1);
    auto ref = m->lmHead(m->forward(seq)).select(1, seq.size(1) - 1).squeeze(0);
    QVERIFY2((stepped[i] - ref).abs().max().item<double>() < 1e-4, qPrintable(QString("row %1").arg(r)));
  }
}

void TestQwenModel::leftPaddingDoesNotChangeLogits() {
  const QwenConfig c = longrl::test::smallQwen2Config();
  auto m = randomModel(c, 6);
  torch::NoGradGuard g;
  auto a = randomIds(1, 4, c.vocabSize, 1);
  auto b = randomIds(1, 7, c.vocabSize, 2);
  auto batch = torch::cat({torch::cat({torch::zeros({1, 3}, torch::kInt64), a}, 1), b}, 0);  // row 0 left-padded
  auto mask = torch::ones({2, 7}, torch::kBool);
  mask.index_put_({0, torch::indexing::Slice(0, 3)}, false);
  auto cache = m->makeCache();
  auto got = m->lmHead(m->forward(batch, {}, &cache, mask));
  QVERIFY(!torch::isnan(got).any().item<bool>());
  QVERIFY(torch::allclose(got[0].narrow(0, 3, 4), logits(m, a)[0], 1e-4, 1e-4));
  QVERIFY(torch::allclose(got[1], logits(m, b)[0], 1e-4, 1e-4));
  QCOMPARE(cache.nextPositions()[0].item<int64_t>(), int64_t(4));
  QCOMPARE(cache.nextPositions()[1].item<int64_t>(), int64_t(7));
  // One decode step continues each row at its own position.
  auto tok = torch::tensor({{5}, {6}}, torch::kInt64);
  auto step = m->lmHead(m->forward(tok, {}, &cache)).select(1, 0);
  auto refA = logits(m, torch::cat({a, tok.narrow(0, 0, 1)}, 1)).select(1, 4)[0];
  auto refB = logits(m, torch::cat({b, tok.narrow(0, 1, 1)}, 1)).select(1, 7)[0];
  QVERIFY(torch::allclose(step[0], refA, 1e-4, 1e-4));
  QVERIFY(torch::allclose(step[1], refB, 1e-4, 1e-4));
}

void TestQwenModel::loadsAsBf16AndF16() {
  const QwenConfig c = qwen3Config();
  auto m = randomModel(c, 12);
  const std::string dir = longrl::test::freshTempDir("qwen-dtypes");
  QwenPretrained::save(m, dir);
  auto ids = randomIds(1, 8, c.vocabSize, 13);
  auto ref = logits(m, ids);
  for (auto dtype : {torch::kBFloat16, torch::kFloat16}) {
    auto low = QwenPretrained::load(dir, dtype);
    QCOMPARE(low->lmHeadWeight().scalar_type(), dtype);
    QVERIFY(torch::equal(low->lmHeadWeight(), m->lmHeadWeight().to(dtype)));
    if (dtype == torch::kFloat16) continue;  // LibTorch 1.13 has no f16 matmul on CPU
    auto got = logits(low, ids).to(torch::kFloat32);
    const double rel = ((got - ref).abs().max() / ref.abs().max()).item<double>();
    QVERIFY2(rel < 0.08, qPrintable(QString("relative diff %1").arg(rel)));
  }
}

void TestQwenModel::configErrors() {
  auto j = qwen3Config().toJson();
  QCOMPARE(QwenConfig::fromJson(j).headDim, int64_t(16));
  j["model_type"] = "llama";
  try {
    QwenConfig::fromJson(j, "x/config.json");
    QFAIL("no error for llama");
  } catch (const ModelConfigError& e) {
    QVERIFY2(QString(e.what()).contains("x/config.json") && QString(e.what()).contains("llama"), e.what());
  }
  auto k = longrl::test::smallQwen2Config().toJson();
  k.erase("hidden_size");
  QVERIFY_THROWS_EXCEPTION(ModelConfigError, QwenConfig::fromJson(k));
  auto h = longrl::test::smallQwen2Config().toJson();
  h["num_key_value_heads"] = 3;
  QVERIFY_THROWS_EXCEPTION(ModelConfigError, QwenConfig::fromJson(h));
  // Qwen2 always has q/k/v biases and derives head_dim.
  auto q2 = QwenConfig::fromJson(longrl::test::smallQwen2Config().toJson());
  QCOMPARE(q2.attentionBias, true);
  QCOMPARE(q2.headDim, int64_t(8));
}

QTEST_APPLESS_MAIN(TestQwenModel)
#include "TestQwenModel.moc"
