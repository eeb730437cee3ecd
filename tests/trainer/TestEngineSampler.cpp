// TokenSampler: temperature, top-k and top-p truncation against hand-computed sets, draws
// only from the kept set with the right frequencies, log-probs of the untruncated distribution.
#include <QtTest/QtTest>

#include <cmath>

#include <torch/torch.h>

#include "trainer/engine/TokenSampler.h"

using longrl::engine::SamplingParams;
using longrl::engine::TokenSampler;

namespace {

// Logits whose softmax is exactly `probs` (log of them).
torch::Tensor logitsOf(std::vector<float> probs) { return torch::tensor(probs).log().unsqueeze(0); }

std::vector<bool> kept(const torch::Tensor& filtered) {
  std::vector<bool> out;
  for (int64_t i = 0; i < filtered.size(-1); ++i) out.push_back(std::isfinite(filtered[0][i].item<float>()));
  return out;
}

}  // namespace

class TestEngineSampler : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void topKKeepsLargest();
  void topPKeepsSmallestNucleus();
  void temperatureScalesBeforeTopP();
  void drawsFollowDistribution();
  void logprobIgnoresTruncation();
  void greedyPicksArgmax();
};

void TestEngineSampler::topKKeepsLargest() {
  SamplingParams p;
  p.topK = 2;
  TokenSampler s(p);
  QCOMPARE(kept(s.filteredLogits(logitsOf({0.1f, 0.4f, 0.2f, 0.3f}))), (std::vector<bool>{false, true, false, true}));
  p.topK = 10;  // more than the vocabulary: no-op
  QCOMPARE(kept(TokenSampler(p).filteredLogits(logitsOf({0.5f, 0.5f}))), (std::vector<bool>{true, true}));
}

void TestEngineSampler::topPKeepsSmallestNucleus() {
  SamplingParams p;
  p.topP = 0.7;  // sorted 0.5, 0.3, 0.2: mass before each is 0, 0.5, 0.8 -> keep the first two
  QCOMPARE(kept(TokenSampler(p).filteredLogits(logitsOf({0.2f, 0.5f, 0.3f}))), (std::vector<bool>{false, true, true}));
  p.topP = 0.55;  // sorted 0.6, 0.25, 0.15: the first already reaches 0.55
  QCOMPARE(kept(TokenSampler(p).filteredLogits(logitsOf({0.15f, 0.6f, 0.25f}))),
           (std::vector<bool>{false, true, false}));
  p.topP = 1e-9;  // always at least the most likely token
  QCOMPARE(kept(TokenSampler(p).filteredLogits(logitsOf({0.2f, 0.5f, 0.3f}))), (std::vector<bool>{false, true, false}));
  p.topP = 0;
  QVERIFY_EXCEPTION_THROWN(TokenSampler{p}, std::invalid_argument);
}

void TestEngineSampler::temperatureScalesBeforeTopP() {
  // At T = 2 the probabilities 0.5/0.3/0.2 flatten to ~0.41/0.32/0.26: top_p 0.7 then keeps two,
  // but top_p 0.75 keeps three (0.41 + 0.32 < 0.75), which it would not at T = 1.
  SamplingParams p;
  p.temperature = 2.0;
  p.topP = 0.75;
  QCOMPARE(kept(TokenSampler(p).filteredLogits(logitsOf({0.5f, 0.3f, 0.2f}))), (std::vector<bool>{true, true, true}));
  p.temperature = 1.0;
  QCOMPARE(kept(TokenSampler(p).filteredLogits(logitsOf({0.5f, 0.3f, 0.2f}))), (std::vector<bool>{true, true, false}));
}

void TestEngineSampler::drawsFollowDistribution() {
  SamplingParams p;
  p.topK = 2;
  p.seed = 3;
  TokenSampler s(p);
  // Rows: probabilities 0.1 / 0.6 / 0.3 -> top-2 renormalised: 2/3 and 1/3.
  auto logits = logitsOf({0.1f, 0.6f, 0.3f}).repeat({4000, 1});
  auto [tokens, lp] = s.sample(logits);
  const auto counts = torch::bincount(tokens, {}, 3);
  QCOMPARE(counts[0].item<int64_t>(), int64_t(0));
  const double share = counts[1].item<double>() / 4000.0;
  QVERIFY2(std::abs(share - 2.0 / 3.0) < 0.03, std::to_string(share).c_str());
  // Same seed, same draws.
  TokenSampler again(p);
  QVERIFY(torch::equal(again.sample(logits).first, tokens));
}

void TestEngineSampler::logprobIgnoresTruncation() {
  SamplingParams p;
  p.temperature = 0.5;
  p.topK = 1;
  auto logits = logitsOf({0.1f, 0.6f, 0.3f});
  auto [tokens, lp] = TokenSampler(p).sample(logits);
  QCOMPARE(tokens[0].item<int64_t>(), int64_t(1));
  // p ~ 0.6^2 / (0.1^2 + 0.6^2 + 0.3^2): the temperature-scaled full distribution, not 1.0.
  const double expected = std::log(0.36 / (0.01 + 0.36 + 0.09));
  QVERIFY2(std::abs(lp[0].item<float>() - expected) < 1e-5, std::to_string(lp[0].item<float>()).c_str());
}

void TestEngineSampler::greedyPicksArgmax() {
  SamplingParams p;
  p.temperature = 0;
  auto logits = torch::tensor({{0.0f, 3.0f, 1.0f}, {5.0f, 0.0f, 4.0f}});
  auto [tokens, lp] = TokenSampler(p).sample(logits);
  QCOMPARE(tokens[0].item<int64_t>(), int64_t(1));
  QCOMPARE(tokens[1].item<int64_t>(), int64_t(0));
  QVERIFY(std::abs(lp[1].item<float>() - torch::log_softmax(logits[1], 0)[0].item<float>()) < 1e-6);
}

QTEST_APPLESS_MAIN(TestEngineSampler)
#include "TestEngineSampler.moc"
