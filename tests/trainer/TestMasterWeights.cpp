// MasterWeights in one process: float32 compute without sharding steps the model's own parameters
// exactly as plain AdamW + clip_grad_norm_ do; below float32 the optimizer steps float32 masters
// that keep updates bf16 cannot hold, with the same clipping; masters round-trip through save/load
// and a checkpoint of another layout is refused by name.
#include <QtTest/QtTest>

#include <filesystem>

#include "RandomQwenModel.h"
#include "support/TestPaths.h"
#include "trainer/train/MasterWeights.h"

using namespace longrl;

namespace {

model::QwenConfig smallConfig() {
  model::QwenConfig c;
  c.modelType = "qwen3";
  c.numHiddenLayers = 2;
  c.hiddenSize = 32;
  c.numAttentionHeads = 4;
  c.numKeyValueHeads = 2;
  c.headDim = 8;
  c.intermediateSize = 64;
  c.vocabSize = 64;
  c.maxPositionEmbeddings = 128;
  return c;
}

// A loss with real gradients everywhere: next-token cross-entropy on random ids.
void backwardLoss(model::QwenForCausalLM& m, uint64_t seed) {
  const auto ids = test::randomIds(2, 12, 64, seed);
  const auto hidden = m->forward(ids);
  const auto logits = torch::matmul(hidden, m->lmHeadWeight().t()).to(torch::kFloat32);
  torch::nn::functional::cross_entropy(logits.narrow(1, 0, 11).reshape({-1, 64}), ids.narrow(1, 1, 11).reshape({-1}))
      .backward();
}

torch::Tensor flat(model::QwenForCausalLM& m) {
  std::vector<torch::Tensor> parts;
  for (auto& p : m->parameters()) parts.push_back(p.detach().to(torch::kFloat32).reshape({-1}));
  return torch::cat(parts);
}

}  // namespace

class TestMasterWeights : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void float32IsPlainAdamW() {
    auto a = test::randomModel(smallConfig(), 1), b = test::randomModel(smallConfig(), 1);
    train::Collective single;
    train::MasterWeights master(*a, torch::kFloat32, true, single);  // shard with 1 rank: nothing to shard
    QVERIFY(master.passThrough());
    torch::optim::AdamW optA(master.parameters(), torch::optim::AdamWOptions(1e-3));
    torch::optim::AdamW optB(b->parameters(), torch::optim::AdamWOptions(1e-3));
    for (uint64_t step = 0; step < 3; ++step) {
      backwardLoss(a, step);
      backwardLoss(b, step);
      const double normA = master.step(optA, 0.5);
      const double normB = torch::nn::utils::clip_grad_norm_(b->parameters(), 0.5);
      optB.step();
      optB.zero_grad();
      QCOMPARE(normA, normB);
    }
    QVERIFY(torch::equal(flat(a), flat(b)));
  }

  void bfloat16StepsFloat32Masters() {
    auto bf = test::randomModel(smallConfig(), 2), fp = test::randomModel(smallConfig(), 2);
    const auto init = flat(fp);
    train::Collective single;
    train::MasterWeights master(*bf, torch::kBFloat16, false, single);
    QVERIFY(!master.passThrough());
    QCOMPARE(bf->parameters().front().scalar_type(), torch::kBFloat16);
    QCOMPARE(master.parameters().size(), size_t(1));
    QCOMPARE(master.parameters().front().numel(), init.numel());
    QVERIFY(torch::equal(master.parameters().front(), init));  // taken before the model was rounded
    // An update far below bf16's resolution at these weights (~0.3): the masters keep it, and the
    // model is the masters rounded.
    torch::optim::AdamW opt(master.parameters(), torch::optim::AdamWOptions(1e-5).weight_decay(0));
    backwardLoss(bf, 3);
    const double norm = master.step(opt, 1e9);
    QVERIFY(norm > 0 && std::isfinite(norm));
    const auto moved = (master.parameters().front() - init).abs();
    QVERIFY(moved.gt(0).to(torch::kFloat32).mean().item<double>() > 0.8);  // all but unused embedding rows
    QVERIFY(moved.max().item<double>() < 2e-5);
    QVERIFY(torch::equal(flat(bf), master.parameters().front().to(torch::kBFloat16).to(torch::kFloat32)));
    for (auto& p : bf->parameters()) QVERIFY(!p.grad().defined());  // the step cleared them
    // The bf16 gradient against the float32 one: the same direction (cosine > 0.99).
    backwardLoss(fp, 3);
    std::vector<torch::Tensor> g;
    for (auto& p : fp->parameters()) g.push_back(p.grad().reshape({-1}));
    const auto gradFp = torch::cat(g);
    backwardLoss(bf, 3);
    std::vector<torch::Tensor> h;
    for (auto& p : bf->parameters()) h.push_back(p.grad().to(torch::kFloat32).reshape({-1}));
    const auto gradBf = torch::cat(h);
    const double cosine = (torch::dot(gradFp, gradBf) / (gradFp.norm() * gradBf.norm())).item<double>();
    qInfo("gradient cosine bf16 vs fp32: %.5f", cosine);
    QVERIFY2(cosine > 0.99, qPrintable(QString::number(cosine)));
  }

  void aLargeRangeStepsInBuckets() {
    // 20,000 x 256 tied embeddings: over the 4M-element bucket, so the optimizer steps two views
    // of the one master tensor, and both halves move.
    auto cfg = smallConfig();
    cfg.vocabSize = 20000;
    cfg.hiddenSize = 256;
    cfg.headDim = 64;
    cfg.numHiddenLayers = 1;
    auto bf = test::randomModel(cfg, 10);
    train::Collective single;
    train::MasterWeights master(*bf, torch::kBFloat16, false, single);
    QCOMPARE(master.parameters().size(), size_t(2));
    std::vector<torch::Tensor> before;
    for (const auto& c : master.parameters()) before.push_back(c.clone());
    torch::optim::AdamW opt(master.parameters(), torch::optim::AdamWOptions(1e-4).weight_decay(0.1));
    const auto ids = test::randomIds(1, 8, 20000, 11);
    const auto logits = torch::matmul(bf->forward(ids), bf->lmHeadWeight().t()).to(torch::kFloat32);
    torch::nn::functional::cross_entropy(logits[0].narrow(0, 0, 7), ids[0].narrow(0, 1, 7)).backward();
    master.step(opt, 1.0);
    for (size_t i = 0; i < before.size(); ++i)
      QVERIFY((master.parameters()[i] - before[i]).abs().gt(0).to(torch::kFloat32).mean().item<double>() > 0.9);
    std::vector<torch::Tensor> all;
    for (const auto& c : master.parameters()) all.push_back(c);
    QVERIFY(torch::equal(flat(bf), torch::cat(all).to(torch::kBFloat16).to(torch::kFloat32)));
  }

  void clippingUsesTheGlobalNorm() {
    auto bf = test::randomModel(smallConfig(), 4);
    train::Collective single;
    train::MasterWeights master(*bf, torch::kBFloat16, false, single);
    const auto before = master.parameters().front().clone();
    torch::optim::SGD opt(master.parameters(), torch::optim::SGDOptions(1.0));
    backwardLoss(bf, 5);
    const double norm = master.step(opt, 0.01);
    QVERIFY(norm > 0.01);
    // SGD with lr 1 moves the masters by exactly the clipped gradient: norm 0.01.
    const double stepNorm = (master.parameters().front() - before).norm().item<double>();
    QVERIFY2(std::abs(stepNorm - 0.01) < 1e-5, qPrintable(QString::number(stepNorm)));
  }

  void saveLoadRoundTripAndLayoutCheck() {
    const auto dir = std::filesystem::path(test::freshTempDir("master-weights"));
    auto a = test::randomModel(smallConfig(), 6);
    train::Collective single;
    train::MasterWeights master(*a, torch::kBFloat16, false, single);
    torch::optim::AdamW opt(master.parameters(), torch::optim::AdamWOptions(1e-3));
    backwardLoss(a, 7);
    master.step(opt, 1.0);
    master.save(dir);
    QVERIFY(std::filesystem::exists(dir / "rank-0.pt"));
    auto b = test::randomModel(smallConfig(), 8);
    train::MasterWeights other(*b, torch::kBFloat16, false, single);
    QVERIFY(other.load(dir));
    QVERIFY(torch::equal(other.parameters().front(), master.parameters().front()));
    QVERIFY(torch::equal(flat(b), flat(a)));  // written into the model too
    QVERIFY(!other.load(dir / "nothing-here"));
    auto cfg = smallConfig();
    cfg.intermediateSize = 48;
    auto c = test::randomModel(cfg, 9);
    train::MasterWeights wrong(*c, torch::kBFloat16, false, single);
    try {
      wrong.load(dir);
      QFAIL("a checkpoint of another layout was loaded");
    } catch (const std::runtime_error& e) {
      const std::string what = e.what();
      QVERIFY2(what.find("rank-0.pt") != std::string::npos && what.find("same --nproc") != std::string::npos, e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TestMasterWeights)
#include "TestMasterWeights.moc"
