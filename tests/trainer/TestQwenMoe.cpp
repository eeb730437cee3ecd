// Qwen3-MoE (model_type qwen3_moe): logits, router load-balancing loss and gradients of the router
// and an expert against an independent reference (tests/trainer/qwen_moe_reference.py, plain
// torch from HF's formulas, every expert run densely); greedy generation with the KV cache equals
// full recomputation; HF layout save -> load -> save is bit-identical; config and tensor errors
// name the field or tensor; the aux loss leaves padding out; the actor adds it only with
// output_router_logits; a GRPO run trains a tiny MoE. Prints the forward time against a dense
// model of the same active size.
#include <QtTest/QtTest>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "RandomQwenModel.h"
#include "TestTrainFixture.h"
#include "support/PythonScript.h"
#include "support/TestPaths.h"
#include "trainer/cli/InitModelCommand.h"
#include "trainer/engine/GenerationEngine.h"
#include "trainer/model/QwenForCausalLM.h"
#include "trainer/model/QwenPretrained.h"
#include "trainer/model/TorchThreads.h"
#include "trainer/safetensors/SafetensorsError.h"
#include "trainer/safetensors/ShardedCheckpoint.h"
#include "trainer/train/ActorUpdater.h"
#include "trainer/train/ModelCopy.h"
#include "trainer/train/SequenceBatch.h"
#include "trainer/train/TokenLogProbs.h"
#include "trainer/train/TrainingRun.h"

namespace fs = std::filesystem;
using namespace longrl;
using model::QwenConfig;
using model::QwenForCausalLM;
using test::randomIds;
using test::randomModel;

namespace {

// Four layers, every second one sparse (decoder_sparse_step 2: layers 1 and 3), top-3 of 4 not
// renormalised, untied head.
QwenConfig moeConfigB() {
  QwenConfig c = test::smallMoeConfig();
  c.hiddenSize = 32;
  c.headDim = 8;
  c.numHiddenLayers = 4;
  c.tieWordEmbeddings = false;
  c.moe.numExperts = 4;
  c.moe.numExpertsPerTok = 3;
  c.moe.moeIntermediateSize = 20;
  c.moe.normTopkProb = false;
  c.moe.decoderSparseStep = 2;
  c.moe.mlpOnlyLayers = {};
  c.moe.routerAuxLossCoef = 0.02;
  return c;
}

torch::Tensor param(QwenForCausalLM& m, const std::string& name) {
  for (auto& [n, p] : m->hfParameters())
    if (n == name) return p;
  throw std::runtime_error("no parameter " + name);
}

struct Reference {
  torch::Tensor logits;
  double aux = 0, loss = 0;
  std::vector<torch::Tensor> grads;
};

// Runs qwen_moe_reference.py; false (with `why`) when it cannot run here (the caller skips).
bool runReference(const std::string& dir, const torch::Tensor& ids, int64_t vocab, std::vector<std::string> gradNames,
                  std::vector<c10::IntArrayRef> gradShapes, Reference* out, QString* why) {
  std::string idsText;
  for (int64_t b = 0; b < ids.size(0); ++b) {
    if (b) idsText += ";";
    for (int64_t t = 0; t < ids.size(1); ++t) idsText += (t ? "," : "") + std::to_string(ids[b][t].item<int64_t>());
  }
  const std::string file = dir + "/reference.f32";
  std::vector<std::string> args{dir, idsText, file};
  args.insert(args.end(), gradNames.begin(), gradNames.end());
  const auto run = test::runPythonScript("tests/trainer/qwen_moe_reference.py", args);
  if (run.skipped()) {
    *why = "no /usr/bin/python3 with torch here: " + QString::fromStdString(run.output);
    return false;
  }
  if (run.rc != 0) throw std::runtime_error("reference script failed: " + run.output);
  qInfo("reference: %s", run.output.c_str());
  std::ifstream in(file, std::ios::binary);
  auto read = [&](c10::IntArrayRef shape) {
    auto t = torch::empty(shape, torch::kFloat32);
    in.read(static_cast<char*>(t.data_ptr()), t.numel() * 4);
    if (!in) throw std::runtime_error("reference output too short");
    return t;
  };
  out->logits = read({ids.size(0), ids.size(1), vocab});
  out->aux = read({1}).item<double>();
  out->loss = read({1}).item<double>();
  for (auto s : gradShapes) out->grads.push_back(read(s));
  return true;
}

// HF's training loss with labels = ids and output_router_logits: mean next-token cross-entropy
// + router_aux_loss_coef * load-balancing loss. Leaves the gradients in the model.
std::pair<torch::Tensor, torch::Tensor> lossAndLogits(QwenForCausalLM& m, const torch::Tensor& ids, double* aux) {
  m->zero_grad();
  m->routerLogits().start();
  const auto logits = m->lmHead(m->forward(ids));
  const auto auxLoss = m->routerAuxLoss();
  m->routerLogits().stop();
  const int64_t V = logits.size(-1);
  const auto ce = torch::nn::functional::cross_entropy(logits.narrow(1, 0, ids.size(1) - 1).reshape({-1, V}),
                                                       ids.narrow(1, 1, ids.size(1) - 1).reshape({-1}));
  const auto loss = ce + m->config().moe.routerAuxLossCoef * auxLoss;
  loss.backward();
  *aux = auxLoss.item<double>();
  return {loss.detach(), logits.detach()};
}

std::vector<int> randomPrompt(int64_t len, uint64_t seed, int64_t vocab) {
  const auto t = randomIds(1, len, vocab, seed)[0];
  std::vector<int> out;
  for (int64_t i = 0; i < len; ++i) out.push_back(static_cast<int>(t[i].item<int64_t>()));
  return out;
}

std::vector<int> greedyRecompute(QwenForCausalLM& m, std::vector<int> ids, int steps) {
  torch::NoGradGuard g;
  std::vector<int> out;
  for (int s = 0; s < steps; ++s) {
    auto t = torch::tensor(std::vector<int64_t>(ids.begin(), ids.end()), torch::kInt64).unsqueeze(0);
    const int next = static_cast<int>(m->lmHead(m->forward(t))[0][-1].argmax().item<int64_t>());
    out.push_back(next);
    ids.push_back(next);
  }
  return out;
}

std::string readAll(const std::string& path) { return test::fileBytes(path); }

void expectError(const std::function<void()>& f, const std::string& needle) {
  try {
    f();
  } catch (const std::exception& e) {
    QVERIFY2(std::string(e.what()).find(needle) != std::string::npos, e.what());
    return;
  }
  QFAIL(("no error mentioning " + needle).c_str());
}

double msPerForward(QwenForCausalLM& m, const torch::Tensor& ids, int reps) {
  torch::NoGradGuard g;
  m->forward(ids);  // warm-up
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < reps; ++i) m->forward(ids);
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / reps;
}

}  // namespace

class TestQwenMoe : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { model::applyTorchThreads(1); }
  void matchesReference_data();
  void matchesReference();
  void greedyGenerationWithCacheEqualsFullForward();
  void saveLoadSaveIsBitIdentical();
  void configFieldsAndErrors();
  void tensorErrorsNameTheTensor();
  void auxLossLeavesPaddingOut();
  void actorAddsAuxLossOnlyWithOutputRouterLogits();
  void grpoRunTrainsTinyMoe();
  void forwardTimeAgainstDense();
};

void TestQwenMoe::matchesReference_data() {
  QTest::addColumn<QString>("variant");
  QTest::newRow("top2of6 norm mlp_only tied") << "A";
  QTest::newRow("top3of4 step2 untied") << "B";
}

void TestQwenMoe::matchesReference() {
  QFETCH(QString, variant);
  const QwenConfig c = variant == "A" ? test::smallMoeConfig() : moeConfigB();
  const std::string dir = test::freshTempDir("moe-ref-" + variant.toStdString());
  {
    auto m = randomModel(c, 7);
    model::QwenPretrained::save(m, dir);
  }
  auto m = model::QwenPretrained::load(dir);  // the loaded copy is what gets compared
  QVERIFY(m->config().isMoe());
  const int64_t sparse = variant == "A" ? 0 : 1;  // first sparse layer
  const std::string layer = "model.layers." + std::to_string(sparse) + ".mlp.";
  const std::vector<std::string> names = {layer + "gate.weight", layer + "experts.1.gate_proj.weight",
                                          layer + "experts.1.up_proj.weight", layer + "experts.1.down_proj.weight",
                                          "model.layers.0.self_attn.q_proj.weight"};
  std::vector<c10::IntArrayRef> shapes;
  for (const auto& n : names) shapes.push_back(param(m, n).sizes());
  const auto ids = randomIds(2, 9, c.vocabSize, 11);
  Reference ref;
  QString why;
  if (!runReference(dir, ids, c.vocabSize, names, shapes, &ref, &why)) QSKIP(qPrintable(why));

  double aux = 0;
  const auto [loss, logits] = lossAndLogits(m, ids, &aux);
  const double logitScale = ref.logits.abs().max().item<double>();
  const double logitDiff = (logits - ref.logits).abs().max().item<double>();
  qInfo("%s: max |logit diff| %.3g (scale %.3g), aux %.7f vs %.7f, loss %.7f vs %.7f", qPrintable(variant), logitDiff,
        logitScale, aux, ref.aux, loss.item<double>(), ref.loss);
  QVERIFY2(logitScale > 0.5, "logits too small for a meaningful comparison");
  QVERIFY2(logitDiff < 1e-4, qPrintable(QString("max logit diff %1").arg(logitDiff)));
  QVERIFY2(ref.aux > 0.5, "the aux loss is about top_k for an even routing");
  QVERIFY2(std::abs(aux - ref.aux) < 1e-5, qPrintable(QString("aux %1 vs %2").arg(aux).arg(ref.aux)));
  QVERIFY2(std::abs(loss.item<double>() - ref.loss) < 1e-5, "loss");
  for (size_t i = 0; i < names.size(); ++i) {
    const auto got = param(m, names[i]).grad();
    QVERIFY2(got.defined(), names[i].c_str());
    const double scale = ref.grads[i].abs().max().item<double>();
    const double diff = (got - ref.grads[i]).abs().max().item<double>();
    qInfo("  grad %s: max diff %.3g (scale %.3g)", names[i].c_str(), diff, scale);
    QVERIFY2(scale > 1e-4, ("gradient too small to compare: " + names[i]).c_str());
    QVERIFY2(diff < 1e-4 * std::max(1.0, scale), ("gradient of " + names[i]).c_str());
  }
  // The comparison can fail: another seed's weights give other logits.
  auto other = randomModel(c, 8);
  torch::NoGradGuard g;
  QVERIFY((other->lmHead(other->forward(ids)) - ref.logits).abs().max().item<double>() > 1e-2);
}

void TestQwenMoe::greedyGenerationWithCacheEqualsFullForward() {
  auto c = cli::initModelPreset("qwen3-moe-tiny");
  c.initializerRange = 0.2;  // peaked next-token distributions: greedy choices do not hinge on rounding
  QwenForCausalLM m(c);
  m->initWeights(5);
  m->eval();
  const std::vector<std::vector<int>> prompts = {randomPrompt(5, 1, c.vocabSize), randomPrompt(11, 2, c.vocabSize)};
  std::vector<std::vector<int>> expected;
  for (const auto& p : prompts) expected.push_back(greedyRecompute(m, p, 16));
  QVERIFY(expected[0] != expected[1]);
  for (int64_t chunk : {int64_t(0), int64_t(4)}) {
    engine::EngineOptions o;
    o.prefillChunkTokens = chunk;
    engine::GenerationEngine eng(m, o);
    engine::SamplingParams greedy;
    greedy.temperature = 0.0;
    greedy.maxNewTokens = 16;
    greedy.ignoreEos = true;
    const auto out = eng.generate(prompts, greedy);  // the two prompts left-padded into one batch
    for (size_t i = 0; i < prompts.size(); ++i)
      QVERIFY2(out[i].tokenIds == expected[i],
               ("prompt " + std::to_string(i) + ", chunk " + std::to_string(chunk)).c_str());
  }
  // Step logits through the cache against the full forward's.
  torch::NoGradGuard g;
  const auto ids = randomIds(2, 10, c.vocabSize, 3);
  const auto full = m->lmHead(m->forward(ids));
  auto cache = m->makeCache();
  m->forward(ids.narrow(1, 0, 4), {}, &cache);
  double worst = 0;
  for (int64_t t = 4; t < 10; ++t) {
    const auto step = m->lmHead(m->forward(ids.narrow(1, t, 1), {}, &cache)).select(1, 0);
    worst = std::max(worst, (step - full.select(1, t)).abs().max().item<double>());
  }
  qInfo("cache step vs full forward: max |logit diff| %.3g", worst);
  QVERIFY2(worst < 1e-4, qPrintable(QString::number(worst)));
}

void TestQwenMoe::saveLoadSaveIsBitIdentical() {
  const QwenConfig c = test::smallMoeConfig();
  const std::string root = test::freshTempDir("moe-roundtrip");
  auto m = randomModel(c, 21);
  model::QwenPretrained::save(m, root + "/a", /*maxShardBytes=*/40000);  // sharded: index + several files
  QVERIFY(fs::exists(root + "/a/model.safetensors.index.json"));
  auto loaded = model::QwenPretrained::load(root + "/a");
  model::QwenPretrained::save(loaded, root + "/b", 40000);
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(root + "/a")) {
    const auto name = e.path().filename().string();
    QVERIFY2(readAll(e.path().string()) == readAll(root + "/b/" + name), name.c_str());
    ++files;
  }
  QVERIFY(files >= 4);
  for (auto& [name, p] : m->hfParameters()) QVERIFY2(torch::equal(p, param(loaded, name)), name.c_str());
  // HF's tensor names: the router and experts in sparse layers, a dense MLP in mlp_only layer 1.
  const auto ckpt = safetensors::ShardedCheckpoint::open(root + "/b");
  for (const char* n : {"model.layers.0.mlp.gate.weight", "model.layers.0.mlp.experts.5.down_proj.weight",
                        "model.layers.2.mlp.experts.0.gate_proj.weight", "model.layers.1.mlp.up_proj.weight"})
    QVERIFY2(ckpt.contains(n), n);
  QVERIFY(!ckpt.contains("model.layers.1.mlp.gate.weight"));
  QVERIFY(ckpt.entry("model.layers.0.mlp.gate.weight").shape == (std::vector<int64_t>{6, 48}));
  QVERIFY(ckpt.entry("model.layers.2.mlp.experts.3.up_proj.weight").shape == (std::vector<int64_t>{24, 48}));
  const auto cfg = nlohmann::json::parse(readAll(root + "/b/config.json"));
  QCOMPARE(cfg["architectures"][0].get<std::string>(), std::string("Qwen3MoeForCausalLM"));
  QVERIFY(cfg["mlp_only_layers"] == nlohmann::json::array({1}));
  QCOMPARE(cfg["norm_topk_prob"].get<bool>(), true);
}

void TestQwenMoe::configFieldsAndErrors() {
  const auto j = moeConfigB().toJson();
  const auto back = QwenConfig::fromJson(j);
  QVERIFY(back.toJson() == j);
  QVERIFY(back.isQwen3() && back.hasQkNorm() && back.isMoe());
  QCOMPARE(back.moe.routerAuxLossCoef, 0.02);
  // HF's sparse-layer rule.
  std::vector<int64_t> sparse;
  for (int64_t i = 0; i < back.numHiddenLayers; ++i)
    if (back.isSparseLayer(i)) sparse.push_back(i);
  QVERIFY(sparse == (std::vector<int64_t>{1, 3}));
  // transformers' defaults for missing fields.
  auto bare = j;
  for (const char* k : {"num_experts", "num_experts_per_tok", "moe_intermediate_size", "norm_topk_prob",
                        "decoder_sparse_step", "mlp_only_layers", "router_aux_loss_coef", "output_router_logits"})
    bare.erase(k);
  bare["num_hidden_layers"] = 4;
  const auto d = QwenConfig::fromJson(bare);
  QCOMPARE(d.moe.numExperts, int64_t(128));
  QCOMPARE(d.moe.numExpertsPerTok, int64_t(8));
  QCOMPARE(d.moe.moeIntermediateSize, int64_t(768));
  QCOMPARE(d.moe.normTopkProb, false);
  QCOMPARE(d.moe.decoderSparseStep, int64_t(1));
  QVERIFY(d.moe.mlpOnlyLayers.empty());
  QCOMPARE(d.moe.routerAuxLossCoef, 0.001);
  QCOMPARE(d.moe.outputRouterLogits, false);
  // A dense qwen3 config never has sparse layers, whatever its moe defaults.
  auto dense = j;
  dense["model_type"] = "qwen3";
  QVERIFY(!QwenConfig::fromJson(dense).isSparseLayer(1));
  QVERIFY(!QwenConfig::fromJson(dense).toJson().contains("num_experts"));
  const std::vector<std::pair<std::string, nlohmann::json>> bad = {
      {"num_experts_per_tok", 5},
      {"num_experts_per_tok", 0},
      {"num_experts", -1},
      {"moe_intermediate_size", 0},
      {"moe_intermediate_size", "big"},
      {"decoder_sparse_step", 0},
      {"mlp_only_layers", nlohmann::json::array({4})},
      {"mlp_only_layers", "1"},
      {"router_aux_loss_coef", -0.1},
      {"norm_topk_prob", 3},
      {"output_router_logits", "yes"},
  };
  for (const auto& [key, value] : bad) {
    auto k = j;
    k[key] = value;
    expectError([&] { QwenConfig::fromJson(k, "m/config.json"); }, "m/config.json: field '" + key + "'");
  }
}

void TestQwenMoe::tensorErrorsNameTheTensor() {
  const QwenConfig c = test::smallMoeConfig();
  const std::string root = test::freshTempDir("moe-errors");
  auto m = randomModel(c, 2);
  auto write = [&](const std::string& dir, const std::string& drop, const std::string& reshape) {
    fs::create_directories(dir);
    safetensors::NamedTensors t;
    for (auto& [n, p] : m->hfParameters()) {
      if (n == drop) continue;
      t.emplace_back(n, n == reshape ? p.narrow(0, 0, p.size(0) - 1).contiguous() : p.detach());
    }
    safetensors::ShardedCheckpoint::save(dir, t);
    std::ofstream(dir + "/config.json") << c.toJson().dump();
  };
  write(root + "/missing", "model.layers.2.mlp.experts.4.up_proj.weight", "");
  expectError([&] { model::QwenPretrained::load(root + "/missing"); }, "model.layers.2.mlp.experts.4.up_proj.weight");
  write(root + "/shape", "", "model.layers.0.mlp.gate.weight");
  expectError([&] { model::QwenPretrained::load(root + "/shape"); },
              "'model.layers.0.mlp.gate.weight' has shape [5,48]");
  // A dense checkpoint read with an MoE config misses the router.
  auto dense = c;
  dense.modelType = "qwen3";
  QwenForCausalLM d(dense);
  model::QwenPretrained::save(d, root + "/dense");
  std::ofstream(root + "/dense/config.json") << c.toJson().dump();
  expectError([&] { model::QwenPretrained::load(root + "/dense"); }, "model.layers.0.mlp.gate.weight");
}

void TestQwenMoe::auxLossLeavesPaddingOut() {
  auto m = randomModel(test::smallMoeConfig(), 4);
  const std::vector<int> p0{1, 2, 3, 4, 5, 6, 7}, p1{8, 9}, r0{10, 11}, r1{12, 13, 14, 15, 16};
  auto row = [](const std::vector<int>& a, const std::vector<int>& b, size_t dropLast) {
    std::vector<int64_t> ids(a.begin(), a.end());
    ids.insert(ids.end(), b.begin(), b.end() - static_cast<long>(dropLast));
    return torch::tensor(ids, torch::kInt64).unsqueeze(0);
  };
  torch::NoGradGuard g;
  // Padded batch (two prompts): every real token of both rows, none of the padding.
  const auto padded = train::SequenceBatch::build({&p0, &p1}, {&r0, &r1}, 0);
  QVERIFY(!padded.sharesPrompts());
  const auto got = train::TokenLogProbs::compute(m, padded, 1.0, false, true).routerAuxLoss;
  QVERIFY(got.defined());
  QVERIFY(!m->routerLogits().recording());  // compute() stops recording
  m->routerLogits().start();
  m->forward(row(p0, r0, 0));
  m->forward(row(p1, r1, 0));
  const double expected = m->routerAuxLoss().item<double>();
  m->routerLogits().start();
  m->forward(padded.ids);  // with the padding, for contrast
  const double withPadding = m->routerAuxLoss().item<double>();
  m->routerLogits().stop();
  qInfo("aux loss: padded batch %.7f, rows alone %.7f, counting the padding %.7f", got.item<double>(), expected,
        withPadding);
  QVERIFY(std::abs(got.item<double>() - expected) < 1e-6);
  QVERIFY(std::abs(withPadding - expected) > 1e-4);
  // Shared prompt (a group): the prompt once, then each response but its last token on top.
  const auto shared = train::SequenceBatch::build({&p0, &p0}, {&r0, &r1}, 0);
  QVERIFY(shared.sharesPrompts());
  const auto gotShared = train::TokenLogProbs::compute(m, shared, 1.0, false, true).routerAuxLoss;
  m->routerLogits().start();
  m->forward(row(p0, {}, 0));
  for (const auto* r : {&r0, &r1}) {
    m->forward(row(p0, *r, 1));
    auto mask = torch::zeros({1, static_cast<int64_t>(p0.size() + r->size() - 1)}, torch::kBool);
    mask.narrow(1, static_cast<int64_t>(p0.size()), static_cast<int64_t>(r->size() - 1)).fill_(true);
    m->routerLogits().maskLastForward(mask);
  }
  const double expectedShared = m->routerAuxLoss().item<double>();
  m->routerLogits().stop();
  QVERIFY2(std::abs(gotShared.item<double>() - expectedShared) < 1e-5,
           qPrintable(QString("%1 vs %2").arg(gotShared.item<double>()).arg(expectedShared)));
  // Dense models and callers that do not ask get none.
  QVERIFY(!train::TokenLogProbs::compute(m, padded, 1.0, false).routerAuxLoss.defined());
}

void TestQwenMoe::actorAddsAuxLossOnlyWithOutputRouterLogits() {
  // Zero advantages and no entropy bonus: the policy loss has no gradient, so whatever the update
  // moves comes from the load-balancing loss.
  std::vector<std::vector<int>> prompts = {{1, 2, 3, 4}, {5, 6, 7}}, responses = {{8, 9, 10}, {11, 12}};
  std::vector<train::ActorSequence> seqs;
  for (size_t i = 0; i < prompts.size(); ++i) seqs.push_back({&prompts[i], &responses[i], 0.0});
  std::map<std::string, double> metrics[2];
  for (int withAux = 0; withAux < 2; ++withAux) {
    auto c = test::smallMoeConfig();
    c.moe.outputRouterLogits = withAux == 1;
    c.moe.routerAuxLossCoef = 0.5;
    auto m = randomModel(c, 9);
    const auto gateBefore = param(m, "model.layers.0.mlp.gate.weight").clone();
    // The last sparse layer's experts feed no router.
    const auto expertBefore = param(m, "model.layers.2.mlp.experts.0.down_proj.weight").clone();
    torch::optim::SGD opt(m->parameters(), torch::optim::SGDOptions(0.1));
    train::ActorOptions o;
    o.entropyCoeff = 0.0;
    o.gradClip = 1e9;
    train::ActorUpdater up(m, opt, o);
    const auto old = up.logProbs(m, seqs);
    metrics[withAux] = up.update(seqs, old, {}, {{0, 1}});
    const bool gateMoved = !torch::equal(param(m, "model.layers.0.mlp.gate.weight"), gateBefore);
    QCOMPARE(gateMoved, withAux == 1);
    // The aux loss depends on the routing probabilities, not on what the experts compute.
    QVERIFY(torch::equal(param(m, "model.layers.2.mlp.experts.0.down_proj.weight"), expertBefore));
  }
  QVERIFY(metrics[0].count("actor/router_aux_loss") && metrics[1].count("actor/router_aux_loss"));
  QCOMPARE(metrics[0].at("actor/grad_norm"), 0.0);
  QVERIFY(metrics[1].at("actor/grad_norm") > 0.0);
  QVERIFY(metrics[0].at("actor/router_aux_loss") > 1.0);
  QVERIFY(std::abs(metrics[0].at("actor/router_aux_loss") - metrics[1].at("actor/router_aux_loss")) < 1e-9);
}

void TestQwenMoe::grpoRunTrainsTinyMoe() {
  const std::string root = test::freshTempDir("moe-grpo");
  const std::string modelDir = test::makeTinyModel(root, 1.0, "qwen3-moe-tiny");
  const std::string data = root + "/train.jsonl";
  test::writeDataset(data, test::tinyDocs(2, 3));
  auto cfg = test::tinyConfig(modelDir, data);
  cfg.phases.front().steps = 1;
  cfg.checkpoint.everySteps = 1;
  std::ostringstream log;
  train::TrainOptions o;
  o.runDir = root + "/run";
  o.log = &log;
  QCOMPARE(train::TrainingRun(cfg, o).run(), std::string("finished"));
  store::RunStoreReader r(store::RunStore::fileIn(o.runDir));
  const auto aux = r.metricSeries("actor/router_aux_loss");
  QCOMPARE(aux.size(), size_t(1));
  qInfo("tiny MoE GRPO step: actor/router_aux_loss %.5f, grad_norm %.5f", aux.back().value,
        r.metricSeries("actor/grad_norm").back().value);
  QVERIFY(aux.back().value > 1.0 && aux.back().value < 16.0);  // even routing gives ~top_k = 2, at most E x k
  QVERIFY(r.metricSeries("actor/grad_norm").back().value > 0.0);
  auto before = model::QwenPretrained::load(modelDir);
  auto after = model::QwenPretrained::load(o.runDir + "/checkpoints/step-1");
  QVERIFY(after->config().isMoe());
  const std::string gate = "model.layers.0.mlp.gate.weight";
  QVERIFY(!torch::equal(param(before, gate), param(after, gate)));
}

void TestQwenMoe::forwardTimeAgainstDense() {
  // qwen3-moe-tiny against tiny with its layers made 3: the same attention and the same active
  // MLP width (2 experts x 96 = 192), so the difference is the routing and dispatch.
  auto moeConfig = cli::initModelPreset("qwen3-moe-tiny");
  auto denseConfig = cli::initModelPreset("tiny");
  denseConfig.numHiddenLayers = moeConfig.numHiddenLayers;
  QwenForCausalLM moe(moeConfig), dense(denseConfig);
  moe->initWeights(1);
  dense->initWeights(1);
  QVERIFY(moe->activeParameterCount() == dense->parameterCount() + 2 * 8 * 64);  // + the two routers
  for (int64_t tokens : {int64_t(1), int64_t(512)}) {
    const auto ids = randomIds(1, tokens, moeConfig.vocabSize, 2);
    const int reps = tokens == 1 ? 50 : 5;
    const double tm = msPerForward(moe, ids, reps), td = msPerForward(dense, ids, reps);
    qInfo("forward of %lld tokens, 1 thread: MoE %.2f ms, dense of equal active size %.2f ms (x%.2f)",
          static_cast<long long>(tokens), tm, td, tm / td);
  }
}

QTEST_APPLESS_MAIN(TestQwenMoe)
#include "TestQwenMoe.moc"
