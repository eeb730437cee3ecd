// Activation checkpointing (model.gradient_checkpointing: QwenModel::setGradientCheckpointing,
// CheckpointedLayer). A training pass with it gives the same loss and the same gradient of every
// parameter as without, through eager attention with a padding mask, through the block attention
// kernel, and in an MoE model whose load-balancing loss reaches the routers; every layer then runs
// through a checkpoint node of the autograd graph. Frozen embeddings and frozen layers still work;
// grad mode off and forwards with a KvCache run the plain layers with the same outputs;
// torch::autograd::grad through checkpointed layers is refused with a clear error. Peak memory:
// benchcheckpointing, run once with and once without, shows the saving the shape guarantees.
#include <QtTest/QtTest>

#include <cmath>
#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "RandomQwenModel.h"
#include "support/TestPaths.h"
#include "trainer/model/BlockAttentionFunction.h"
#include "trainer/model/QwenForCausalLM.h"
#include "trainer/model/TorchThreads.h"

namespace fs = std::filesystem;
using namespace longrl;
using model::QwenConfig;
using model::QwenForCausalLM;
using test::randomIds;
using test::randomModel;

namespace {

// [3, T] true = real token: row 0 full, row 1 right-padded, row 2 left-padded.
torch::Tensor paddingMask(int64_t T) {
  auto mask = torch::ones({3, T}, torch::kBool);
  mask.index_put_({1, torch::indexing::Slice(T - 6, torch::indexing::None)}, false);
  mask.index_put_({2, torch::indexing::Slice(0, 5)}, false);
  return mask;
}

// The checkpoint nodes (CppNode<CheckpointedLayerFunction>) of the graph behind `t`.
int checkpointNodes(const torch::Tensor& t) {
  std::set<torch::autograd::Node*> seen;
  std::vector<torch::autograd::Node*> todo{t.grad_fn().get()};
  int n = 0;
  while (!todo.empty()) {
    auto* node = todo.back();
    todo.pop_back();
    if (!node || !seen.insert(node).second) continue;
    if (node->name().find("CheckpointedLayerFunction") != std::string::npos) ++n;
    for (const auto& edge : node->next_edges()) todo.push_back(edge.function.get());
  }
  return n;
}

struct Pass {
  torch::Tensor loss, auxLoss;
  std::vector<std::pair<std::string, torch::Tensor>> grads;  // undefined: the parameter got none
  int checkpointNodes = 0;
  int64_t routerRecords = 0;
};

// Mean next-token cross-entropy over the real tokens ([B, T] mask; undefined: all real), plus the
// router load-balancing loss for an MoE model that adds it. `attentionMask`: whether the model is
// told about the padding (eager attention) or, as a training batch with right padding, not (block
// attention runs). Then backward.
Pass trainingPass(QwenForCausalLM& m, const torch::Tensor& ids, const torch::Tensor& mask, bool attentionMask,
                  bool checkpointing) {
  m->setGradientCheckpointing(checkpointing);
  for (auto& p : m->parameters()) p.mutable_grad() = torch::Tensor();
  const bool moe = m->config().isMoe();
  if (moe) m->routerLogits().start();
  const int64_t T = ids.size(1), V = m->config().vocabSize;
  const auto hidden = m->forward(ids, {}, nullptr, attentionMask ? mask : torch::Tensor());
  const auto logits = m->lmHead(hidden).narrow(1, 0, T - 1).reshape({-1, V});
  const auto nll =
      torch::nn::functional::cross_entropy(logits, ids.narrow(1, 1, T - 1).reshape({-1}),
                                           torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone));
  const auto weight = mask.narrow(1, 1, T - 1).reshape({-1}).to(torch::kFloat32);
  Pass out;
  out.loss = (nll * weight).sum() / weight.sum();
  auto total = out.loss;
  if (moe) {
    out.routerRecords = m->routerLogits().layerRecords();
    out.auxLoss = m->routerAuxLoss();
    total = total + m->config().moe.routerAuxLossCoef * out.auxLoss;
  }
  out.checkpointNodes = checkpointNodes(total);
  total.backward();
  if (moe) m->routerLogits().stop();
  for (const auto& item : m->named_parameters())
    out.grads.emplace_back(item.key(), item.value().grad().defined() ? item.value().grad().clone() : torch::Tensor());
  return out;
}

// Recomputation repeats the same float operations on the same inputs, so the activations and the
// loss are bitwise equal. Gradients may differ in the last bits where one tensor's gradient is a
// sum of several contributions (a layer input's: the residual and the attention branch) that the
// recomputation's backward adds in another order: hence a tolerance, orders of magnitude below any
// real difference (a lost contribution moves gradients by ~1e-2 here).
void compareGrads(const Pass& plain, const Pass& checkpointed) {
  QCOMPARE(checkpointed.grads.size(), plain.grads.size());
  for (size_t i = 0; i < plain.grads.size(); ++i) {
    const auto& [name, a] = plain.grads[i];
    const auto& b = checkpointed.grads[i].second;
    QVERIFY2(checkpointed.grads[i].first == name, name.c_str());
    QVERIFY2(a.defined() == b.defined(), name.c_str());
    if (!a.defined()) continue;
    const double diff = (a - b).abs().max().item<double>();
    QVERIFY2(torch::allclose(a, b, 1e-5, 1e-6),
             qPrintable(QString::fromStdString(name) + " differs by " + QString::number(diff)));
  }
}

// Every parameter got a gradient that is not all zero (so that equal gradients mean something).
void verifyAllGradsNonZero(const Pass& pass) {
  for (const auto& [name, g] : pass.grads) {
    QVERIFY2(g.defined(), name.c_str());
    QVERIFY2(g.abs().sum().item<double>() > 0, name.c_str());
  }
}

// The benches are built next to the `longrl` CLI (build/bin).
QString benchPath() {
  return QString::fromStdString((fs::path(test::cliPath()).parent_path() / "benchcheckpointing").string());
}

// Runs the bench and parses the JSON line it prints.
void runBench(const QStringList& args, nlohmann::json& out) {
  QProcess p;
  p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
  p.start(benchPath(), args);
  const bool ok = p.waitForFinished(120000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
  QVERIFY2(ok, qPrintable("benchcheckpointing " + args.join(' ') + " failed"));
  out = nlohmann::json::parse(p.readAllStandardOutput().toStdString());
}

}  // namespace

class TestGradientCheckpointing : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() { model::applyTorchThreads(1); }

  // (a) eager attention, padding mask (right and left), GQA, several layers.
  void sameLossAndGradientsWithPaddingMask() {
    auto m = randomModel(test::smallQwen2Config(4), 1);
    const auto ids = randomIds(3, 20, test::smallQwen2Config(4).vocabSize, 2);
    const auto mask = paddingMask(20);
    const auto plain = trainingPass(m, ids, mask, true, false);
    const auto checkpointed = trainingPass(m, ids, mask, true, true);
    verifyAllGradsNonZero(plain);
    QCOMPARE(plain.checkpointNodes, 0);
    QCOMPARE(checkpointed.checkpointNodes, static_cast<int>(test::smallQwen2Config(4).numHiddenLayers));
    QVERIFY(torch::equal(plain.loss, checkpointed.loss));
    compareGrads(plain, checkpointed);
  }

  // (b) the block attention kernel (no attention mask: right padding, left out of the loss), over
  // more than one 256-key block.
  void sameLossAndGradientsThroughBlockAttention() {
    auto m = randomModel(test::smallQwen2Config(4), 3);
    m->setAttentionFunction(model::blockAttentionFunction());
    const auto ids = randomIds(3, 300, test::smallQwen2Config(4).vocabSize, 4);
    auto mask = torch::ones({3, 300}, torch::kBool);
    mask.index_put_({1, torch::indexing::Slice(250, torch::indexing::None)}, false);
    const auto plain = trainingPass(m, ids, mask, false, false);
    const auto checkpointed = trainingPass(m, ids, mask, false, true);
    verifyAllGradsNonZero(plain);
    QCOMPARE(checkpointed.checkpointNodes, static_cast<int>(test::smallQwen2Config(4).numHiddenLayers));
    QVERIFY(torch::equal(plain.loss, checkpointed.loss));
    compareGrads(plain, checkpointed);
  }

  // (c) MoE: the router logits are recorded from the checkpoint nodes, so the load-balancing loss
  // (added to the loss here) has the same value and sends the same gradient to the routers and the
  // layers below. Without that, the routers' gradients would lack the aux loss's part.
  void moeRouterAuxLossKeepsItsGradient() {
    const auto c = test::smallMoeConfig();
    auto m = randomModel(c, 5);
    const auto ids = randomIds(3, 16, c.vocabSize, 6);
    const auto mask = paddingMask(16);
    const auto plain = trainingPass(m, ids, mask, true, false);
    const auto checkpointed = trainingPass(m, ids, mask, true, true);
    QCOMPARE(checkpointed.checkpointNodes, static_cast<int>(c.numHiddenLayers));
    QCOMPARE(plain.routerRecords, int64_t{2});  // layers 0 and 2 are sparse
    QCOMPARE(checkpointed.routerRecords, int64_t{2});
    QVERIFY(plain.auxLoss.defined() && plain.auxLoss.requires_grad());
    QVERIFY(checkpointed.auxLoss.requires_grad());
    QVERIFY(torch::equal(plain.auxLoss, checkpointed.auxLoss));
    QVERIFY(torch::equal(plain.loss, checkpointed.loss));
    compareGrads(plain, checkpointed);
    // The aux loss alone gives the router the same non-zero gradient: the part that grad-less
    // recorded logits would lose (layer 2's hidden output is unused here: a checkpoint node whose
    // only gradient is its logits').
    auto aux = [&](bool on) {
      m->setGradientCheckpointing(on);
      for (auto& p : m->parameters()) p.mutable_grad() = torch::Tensor();
      m->routerLogits().start();
      m->forward(ids, {}, nullptr, mask);
      m->routerAuxLoss().backward();
      m->routerLogits().stop();
      return m->model->layerList[0]->moe->gate->weight.grad().clone();
    };
    const auto plainGate = aux(false), checkpointedGate = aux(true);
    QVERIFY(plainGate.abs().sum().item<double>() > 1e-6);
    QVERIFY(torch::allclose(plainGate, checkpointedGate, 1e-5, 1e-6));
  }

  // A metric-only aux loss (output_router_logits false): recorded and reported the same.
  void moeMetricOnlyAuxLossIsReported() {
    auto c = test::smallMoeConfig();
    c.moe.outputRouterLogits = false;
    QVERIFY(!c.moe.addsAuxLoss());
    auto m = randomModel(c, 7);
    const auto ids = randomIds(2, 12, c.vocabSize, 8);
    auto value = [&](bool on) {
      m->setGradientCheckpointing(on);
      m->routerLogits().start();
      m->forward(ids);
      const auto v = m->routerAuxLoss().item<double>();
      m->routerLogits().stop();
      return v;
    };
    QCOMPARE(value(true), value(false));
  }

  // Frozen embeddings: layer 0's input needs no gradient, so it runs plain (its parameters would
  // get none through a checkpoint node); the others are checkpointed. A frozen layer keeps no grad.
  void frozenEmbeddingsAndLayers() {
    auto m = randomModel(test::smallQwen2Config(4), 9);
    m->model->embed_tokens->weight.requires_grad_(false);
    for (auto& p : m->model->layerList[2]->parameters()) p.requires_grad_(false);
    const auto ids = randomIds(3, 20, test::smallQwen2Config(4).vocabSize, 10);
    const auto mask = paddingMask(20);
    const auto plain = trainingPass(m, ids, mask, true, false);
    const auto checkpointed = trainingPass(m, ids, mask, true, true);
    QCOMPARE(checkpointed.checkpointNodes, static_cast<int>(test::smallQwen2Config(4).numHiddenLayers) - 1);
    QVERIFY(torch::equal(plain.loss, checkpointed.loss));
    compareGrads(plain, checkpointed);
    QVERIFY(!m->model->layerList[2]->mlp->down_proj->weight.grad().defined());
    QVERIFY(m->model->layerList[0]->mlp->down_proj->weight.grad().defined());
  }

  // (d) grad mode off, generation with a KvCache, and a training forward over a KvCache
  // (SharedPromptLogProbs) run the plain layers: same outputs (and gradients), no checkpoint node.
  void noGradAndCachedForwardsRunPlain() {
    auto m = randomModel(test::smallQwen2Config(4), 11);
    const auto ids = randomIds(2, 18, test::smallQwen2Config(4).vocabSize, 12);
    auto noGrad = [&](bool on) {
      m->setGradientCheckpointing(on);
      torch::NoGradGuard guard;
      return m->forward(ids, {}, nullptr, paddingMask(18).narrow(0, 0, 2));
    };
    const auto a = noGrad(false), b = noGrad(true);
    QVERIFY(!b.requires_grad());
    QVERIFY(torch::equal(a, b));

    auto generate = [&](bool on) {  // greedy: prefill 10 tokens, then 5 decode steps
      m->setGradientCheckpointing(on);
      torch::NoGradGuard guard;
      auto cache = m->makeCache();
      auto h = m->forward(ids.narrow(1, 0, 10), {}, &cache);
      std::vector<torch::Tensor> states{h};
      for (int step = 0; step < 5; ++step) {
        const auto next = m->lmHead(h.narrow(1, h.size(1) - 1, 1)).argmax(-1);
        h = m->forward(next, {}, &cache);
        states.push_back(h);
      }
      return torch::cat(states, 1);
    };
    QVERIFY(torch::equal(generate(false), generate(true)));

    auto cachedTraining = [&](bool on) {  // a prompt into the cache with grad, two responses on top
      m->setGradientCheckpointing(on);
      for (auto& p : m->parameters()) p.mutable_grad() = torch::Tensor();
      auto cache = m->makeCache();
      const auto prompt = m->forward(ids.narrow(0, 0, 1).narrow(1, 0, 12), {}, &cache);
      cache.expand(2);
      const auto responses = m->forward(ids.narrow(1, 12, 6), {}, &cache);
      const auto loss = prompt.pow(2).mean() + responses.pow(2).mean();
      const int nodes = checkpointNodes(loss);
      loss.backward();
      std::vector<torch::Tensor> grads;  // undefined: lm_head, which this loss does not use
      for (const auto& p : m->parameters()) grads.push_back(p.grad().defined() ? p.grad().clone() : torch::Tensor());
      return std::make_tuple(responses.detach(), grads, nodes);
    };
    const auto [plainOut, plainGrads, plainNodes] = cachedTraining(false);
    const auto [cachedOut, cachedGrads, cachedNodes] = cachedTraining(true);
    QCOMPARE(plainNodes, 0);
    QCOMPARE(cachedNodes, 0);
    QVERIFY(torch::equal(plainOut, cachedOut));
    for (size_t i = 0; i < plainGrads.size(); ++i) {
      QCOMPARE(cachedGrads[i].defined(), plainGrads[i].defined());
      if (plainGrads[i].defined()) QVERIFY(torch::equal(plainGrads[i], cachedGrads[i]));
    }
  }

  // torch::autograd::grad would return the input's gradient while the recomputed layers' parameter
  // gradients went to .grad: refused, as PyTorch's reentrant checkpoint refuses it.
  void autogradGradIsRefused() {
    auto m = randomModel(test::smallQwen2Config(4), 13);
    m->setGradientCheckpointing(true);
    const auto loss = m->forward(randomIds(1, 8, test::smallQwen2Config(4).vocabSize, 14)).pow(2).mean();
    try {
      torch::autograd::grad({loss}, {m->model->embed_tokens->weight});
      QFAIL("torch::autograd::grad through checkpointed layers did not throw");
    } catch (const std::exception& e) {
      QVERIFY2(QString(e.what()).contains("gradient checkpointing"), e.what());
    }
  }

  // (e) Peak RSS of one forward + backward, each in a fresh process (VmHWM is a process's
  // high-water mark): 8 layers, hidden 128, intermediate 512, 4 x 1024 = 4096 tokens, vocab 256,
  // block attention, fp32. Without checkpointing the graph keeps, per layer, at least the SwiGLU
  // MLP's four [tokens, intermediate] tensors (gate_proj's output, saved by silu; silu's output and
  // up_proj's output, saved by their product; the product, saved by down_proj):
  // 4 x 4096 x 512 x 4 B = 32 MiB; attention and the norms keep ~12 [tokens, hidden] tensors more
  // (~24 MiB), not counted here. With it, a layer keeps only its input [tokens, hidden] (which the
  // plain graph keeps too: the input norm saves it), and backward holds one layer's activations at
  // a time. So the plain peak exceeds the checkpointed one by >= (8 - 1) x 32 MiB = 224 MiB
  // (~390 MiB expected); half of that bound is asserted, leaving room for the allocator's slack.
  void checkpointingLowersPeakMemory() {
    QVERIFY2(QFileInfo(benchPath()).isExecutable(), qPrintable(benchPath() + " is not built"));
    const int64_t layers = 8, intermediate = 512, batch = 4, tokens = 1024;
    const QStringList shape{"--layers",       QString::number(layers),
                            "--hidden",       "128",
                            "--intermediate", QString::number(intermediate),
                            "--batch",        QString::number(batch),
                            "--tokens",       QString::number(tokens),
                            "--vocab",        "256",
                            "--attention",    "block",
                            "--threads",      "1"};
    nlohmann::json off, on;
    runBench(QStringList{"--checkpointing", "off"} + shape, off);
    if (QTest::currentTestFailed()) return;
    runBench(QStringList{"--checkpointing", "on"} + shape, on);
    if (QTest::currentTestFailed()) return;
    QCOMPARE(off["checkpointing"].get<bool>(), false);
    QCOMPARE(on["checkpointing"].get<bool>(), true);
    QCOMPARE(on["loss"].get<double>(), off["loss"].get<double>());
    QVERIFY(std::abs(on["grad_norm"].get<double>() / off["grad_norm"].get<double>() - 1) < 1e-5);
    const double gib = 1024.0 * 1024.0 * 1024.0;
    const double bound = (layers - 1) * 4.0 * batch * tokens * intermediate * 4.0 / gib;  // 224 MiB
    const double saved = off["peak_rss_gb"].get<double>() - on["peak_rss_gb"].get<double>();
    qInfo("peak RSS %.3f GiB without, %.3f GiB with checkpointing (saved %.0f MiB, bound %.0f MiB); %.2f s / %.2f s",
          off["peak_rss_gb"].get<double>(), on["peak_rss_gb"].get<double>(), saved * 1024, bound * 1024,
          off["seconds"].get<double>(), on["seconds"].get<double>());
    QVERIFY2(saved >= 0.5 * bound, qPrintable(QString("saved %1 MiB, expected >= %2 MiB")
                                                  .arg(saved * 1024, 0, 'f', 0)
                                                  .arg(0.5 * bound * 1024, 0, 'f', 0)));
  }
};

QTEST_APPLESS_MAIN(TestGradientCheckpointing)
#include "TestGradientCheckpointing.moc"
