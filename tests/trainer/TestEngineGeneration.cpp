// GenerationEngine: greedy decoding with the cache equals full recomputation (left-padded batch,
// chunked prefill, shared group prefill), sampling controls (top-k 1 / tiny top-p = greedy, stop
// tokens and strings, max new tokens, seeds), log-probs against a recomputed log_softmax.
#include <QtTest/QtTest>

#include <torch/torch.h>

#include "trainer/cli/InitModelCommand.h"
#include "trainer/engine/GenerationEngine.h"
#include "trainer/model/QwenForCausalLM.h"
#include "trainer/model/TorchThreads.h"

using namespace longrl;
using engine::GenerationEngine;
using engine::SamplingParams;

namespace {

// The tiny preset with larger weights than HF's init, so that next-token distributions are
// peaked enough for greedy choices not to hinge on rounding.
model::QwenForCausalLM tinyModel(uint64_t seed = 7) {
  auto c = cli::initModelPreset("tiny");
  c.initializerRange = 0.2;
  model::QwenForCausalLM m(c);
  m->initWeights(seed);
  m->eval();
  return m;
}

std::vector<int> randomPrompt(int64_t len, uint64_t seed, int64_t vocab = 512) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  auto t = at::randint(vocab, {len}, gen, torch::TensorOptions().dtype(torch::kInt64));
  std::vector<int> out;
  for (int64_t i = 0; i < len; ++i) out.push_back(static_cast<int>(t[i].item<int64_t>()));
  return out;
}

// Logits [T, V] of a full forward over `ids` (no cache, no padding).
torch::Tensor fullLogits(model::QwenForCausalLM& m, const std::vector<int>& ids) {
  torch::NoGradGuard g;
  auto t = torch::tensor(std::vector<int64_t>(ids.begin(), ids.end()), torch::kInt64).unsqueeze(0);
  return m->lmHead(m->forward(t))[0];
}

// Greedy decoding by recomputing the whole sequence every step: the reference.
std::vector<int> greedyRecompute(model::QwenForCausalLM& m, std::vector<int> ids, int steps) {
  std::vector<int> out;
  for (int s = 0; s < steps; ++s) {
    const int next = static_cast<int>(fullLogits(m, ids)[-1].argmax().item<int64_t>());
    out.push_back(next);
    ids.push_back(next);
  }
  return out;
}

SamplingParams greedy(int64_t maxNew) {
  SamplingParams p;
  p.temperature = 0.0;
  p.maxNewTokens = maxNew;
  return p;
}

}  // namespace

class TestEngineGeneration : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { model::applyTorchThreads(1); }
  void greedyCacheEqualsRecomputeLeftPadded();
  void groupSharesOnePrefill();
  void promptsPrefillAloneDecodeTogether();
  void topKOneAndTinyTopPAreGreedy();
  void stopTokensAndEos();
  void stopStrings();
  void maxNewTokens();
  void seedsReproducible();
  void promptSeedsBatchedEqualAlone();
  void logprobsMatchRecomputation();
  void callbackStreamsAndAborts();
  void rejectsBadInput();
};

void TestEngineGeneration::greedyCacheEqualsRecomputeLeftPadded() {
  auto m = tinyModel();
  const std::vector<std::vector<int>> prompts = {randomPrompt(5, 1), randomPrompt(11, 2), randomPrompt(8, 3)};
  std::vector<std::vector<int>> expected;
  for (const auto& p : prompts) expected.push_back(greedyRecompute(m, p, 20));
  QVERIFY(expected[0] != expected[1]);              // the prompts matter (else the test proves little)
  for (int64_t chunk : {int64_t(0), int64_t(3)}) {  // whole prefill, and slices through the cache
    engine::EngineOptions o;
    o.prefillChunkTokens = chunk;
    o.maxPromptsPerBatch = 2;  // two batches: [5, 11] left-padded, then [8]
    GenerationEngine eng(m, o);
    const auto out = eng.generate(prompts, greedy(20));
    QCOMPARE(out.size(), size_t(3));
    for (size_t i = 0; i < 3; ++i) {
      QCOMPARE(out[i].promptIndex, i);
      QCOMPARE(out[i].promptLength, static_cast<int64_t>(prompts[i].size()));
      QCOMPARE(out[i].finishReason, std::string("length"));
      QVERIFY2(out[i].tokenIds == expected[i],
               ("prompt " + std::to_string(i) + ", chunk " + std::to_string(chunk)).c_str());
    }
  }
}

void TestEngineGeneration::groupSharesOnePrefill() {
  auto m = tinyModel();
  const auto prompt = randomPrompt(9, 4);
  GenerationEngine eng(m, {});
  const auto single = eng.generate({prompt}, greedy(15));
  QCOMPARE(single[0].tokenIds, greedyRecompute(m, prompt, 15));

  // Record the attention calls: the prompt (T = 9) must go through each layer once, with one row.
  std::vector<std::pair<int64_t, int64_t>> calls;  // (batch, query length)
  m->setAttentionFunction([&](const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                              const model::AttentionMask& mask, double scale) {
    calls.emplace_back(q.size(0), q.size(2));
    return model::eagerAttention(q, k, v, mask, scale);
  });
  auto p = greedy(15);
  p.n = 4;
  const auto group = eng.generate({prompt}, p);
  m->setAttentionFunction(model::eagerAttention);
  QCOMPARE(group.size(), size_t(4));
  for (int j = 0; j < 4; ++j) {
    QCOMPARE(group[j].sampleIndex, j);
    QCOMPARE(group[j].tokenIds, single[0].tokenIds);
    for (size_t t = 0; t < group[j].logprobs.size(); ++t) QCOMPARE(group[j].logprobs[t], single[0].logprobs[t]);
  }
  const int64_t layers = m->config().numHiddenLayers;
  int64_t prefillCalls = 0, decodeCalls = 0;
  for (auto [b, t] : calls) {
    if (t == 9) {
      QCOMPARE(b, int64_t(1));
      ++prefillCalls;
    } else {
      QCOMPARE(t, int64_t(1));
      QCOMPARE(b, int64_t(4));  // the whole group decodes together
      ++decodeCalls;
    }
  }
  QCOMPARE(prefillCalls, layers);
  QCOMPARE(decodeCalls, layers * 14);  // the 15th token needs no forward
}

void TestEngineGeneration::promptsPrefillAloneDecodeTogether() {
  auto m = tinyModel();
  const std::vector<std::vector<int>> prompts = {randomPrompt(5, 31), randomPrompt(12, 32), randomPrompt(7, 33)};
  std::vector<std::pair<int64_t, int64_t>> calls;  // (batch, query length) of layer 0's attention
  int layerCall = 0;
  const int64_t layers = m->config().numHiddenLayers;
  m->setAttentionFunction([&](const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                              const model::AttentionMask& mask, double scale) {
    if (layerCall++ % layers == 0) calls.emplace_back(q.size(0), q.size(2));
    return model::eagerAttention(q, k, v, mask, scale);
  });
  auto p = greedy(4);
  p.n = 2;
  GenerationEngine eng(m, {});
  const auto out = eng.generate(prompts, p);
  m->setAttentionFunction(model::eagerAttention);
  QCOMPARE(out.size(), size_t(6));
  QVERIFY(calls.size() >= 4);
  // Each prompt once, unpadded; then every row of the three groups decodes together.
  for (size_t i = 0; i < 3; ++i) QCOMPARE(calls[i], std::make_pair(int64_t(1), int64_t(prompts[i].size())));
  QCOMPARE(calls[3], std::make_pair(int64_t(6), int64_t(1)));
  for (size_t i = 0; i < 3; ++i) QCOMPARE(out[2 * i].tokenIds, greedyRecompute(m, prompts[i], 4));
}

void TestEngineGeneration::topKOneAndTinyTopPAreGreedy() {
  auto m = tinyModel();
  GenerationEngine eng(m, {});
  const std::vector<std::vector<int>> prompts = {randomPrompt(6, 5), randomPrompt(10, 6)};
  const auto g = eng.generate(prompts, greedy(12));
  SamplingParams k1 = greedy(12);
  k1.temperature = 1.3;
  k1.topK = 1;
  k1.seed = 11;
  SamplingParams p0 = k1;
  p0.topK = 0;
  p0.topP = 1e-6;
  const auto a = eng.generate(prompts, k1);
  const auto b = eng.generate(prompts, p0);
  for (size_t i = 0; i < g.size(); ++i) {
    QCOMPARE(a[i].tokenIds, g[i].tokenIds);
    QCOMPARE(b[i].tokenIds, g[i].tokenIds);
  }
  // A real temperature without truncation does not reproduce greedy (the control for the above).
  SamplingParams sampled = k1;
  sampled.topK = 0;
  const auto c = eng.generate(prompts, sampled);
  QVERIFY(c[0].tokenIds != g[0].tokenIds || c[1].tokenIds != g[1].tokenIds);
}

void TestEngineGeneration::stopTokensAndEos() {
  auto m = tinyModel();
  const auto prompt = randomPrompt(7, 8);
  const auto ref = greedyRecompute(m, prompt, 20);
  const int stopId = ref[6];
  const auto firstAt = static_cast<size_t>(std::find(ref.begin(), ref.end(), stopId) - ref.begin());
  const std::vector<int> upTo(ref.begin(), ref.begin() + static_cast<std::ptrdiff_t>(firstAt) + 1);

  GenerationEngine plain(m, {});
  auto p = greedy(20);
  p.stopTokenIds = {stopId};
  auto out = plain.generate({prompt}, p);
  QCOMPARE(out[0].tokenIds, upTo);  // the stop token is kept (verl trains on the EOS)
  QCOMPARE(out[0].finishReason, std::string("stop"));
  QCOMPARE(out[0].stopTokenId, stopId);
  QCOMPARE(out[0].logprobs.size(), upTo.size());

  engine::EngineOptions o;
  o.eosTokenIds = {stopId};
  GenerationEngine withEos(m, o);
  QCOMPARE(withEos.generate({prompt}, greedy(20))[0].tokenIds, upTo);
  auto ignore = greedy(20);
  ignore.ignoreEos = true;
  const auto all = withEos.generate({prompt}, ignore);
  QCOMPARE(all[0].tokenIds, ref);
  QCOMPARE(all[0].finishReason, std::string("length"));

  // In a batch, a row that stops early leaves the others running.
  const auto other = randomPrompt(4, 9);
  const auto refOther = greedyRecompute(m, other, 20);
  if (std::find(refOther.begin(), refOther.end(), stopId) == refOther.end()) {
    const auto both = plain.generate({prompt, other}, p);
    QCOMPARE(both[0].tokenIds, upTo);
    QCOMPARE(both[1].tokenIds, refOther);
  }
}

void TestEngineGeneration::stopStrings() {
  auto m = tinyModel();
  const auto prompt = randomPrompt(7, 8);
  const auto ref = greedyRecompute(m, prompt, 20);
  engine::EngineOptions o;
  o.detokenize = [](const std::vector<int>& ids) {
    std::string s;
    for (int id : ids) s += "<" + std::to_string(id) + ">";
    return s;
  };
  GenerationEngine eng(m, o);
  auto p = greedy(20);
  const std::string stop = "<" + std::to_string(ref[4]) + "><" + std::to_string(ref[5]) + ">";  // spans two tokens
  p.stopStrings = {"never-there", stop};
  const auto out = eng.generate({prompt}, p);
  QCOMPARE(out[0].finishReason, std::string("stop"));
  QCOMPARE(out[0].stopString, stop);
  QCOMPARE(out[0].stopTokenId, -1);
  QVERIFY(out[0].tokenIds.size() <= 6);
  QCOMPARE(out[0].tokenIds,
           std::vector<int>(ref.begin(), ref.begin() + static_cast<std::ptrdiff_t>(out[0].tokenIds.size())));
  QVERIFY(o.detokenize(out[0].tokenIds).find(stop) != std::string::npos);
  QCOMPARE(engine::StopStringMatcher::cut("abc<1><2>def", {"<2>", "c<"}), std::string("ab"));

  GenerationEngine noDecoder(m, {});
  QVERIFY_EXCEPTION_THROWN(noDecoder.generate({prompt}, p), std::invalid_argument);
}

void TestEngineGeneration::maxNewTokens() {
  auto m = tinyModel();
  GenerationEngine eng(m, {});
  auto p = greedy(7);
  p.temperature = 0.9;
  p.n = 3;
  const auto out = eng.generate({randomPrompt(5, 10), randomPrompt(3, 11)}, p);
  QCOMPARE(out.size(), size_t(6));
  for (const auto& s : out) {
    QCOMPARE(s.tokenIds.size(), size_t(7));
    QCOMPARE(s.logprobs.size(), size_t(7));
    QCOMPARE(s.finishReason, std::string("length"));
  }
  p.maxNewTokens = 0;
  const auto none = eng.generate({randomPrompt(5, 10)}, p);
  QCOMPARE(none.size(), size_t(3));
  QVERIFY(none[0].tokenIds.empty());
}

void TestEngineGeneration::seedsReproducible() {
  auto m = tinyModel();
  GenerationEngine eng(m, {});
  SamplingParams p;
  p.temperature = 1.0;
  p.topP = 0.95;
  p.maxNewTokens = 10;
  p.n = 3;
  p.seed = 42;
  const std::vector<std::vector<int>> prompts = {randomPrompt(6, 12), randomPrompt(9, 13)};
  const auto a = eng.generate(prompts, p);
  const auto b = eng.generate(prompts, p);
  p.seed = 43;
  const auto c = eng.generate(prompts, p);
  bool differs = false;
  for (size_t i = 0; i < a.size(); ++i) {
    QCOMPARE(a[i].tokenIds, b[i].tokenIds);
    differs = differs || a[i].tokenIds != c[i].tokenIds;
  }
  QVERIFY(differs);
  // The samples of one group are not copies of each other.
  QVERIFY(a[0].tokenIds != a[1].tokenIds || a[1].tokenIds != a[2].tokenIds);
}

void TestEngineGeneration::promptSeedsBatchedEqualAlone() {
  auto m = tinyModel();
  SamplingParams p;
  p.temperature = 1.0;
  p.maxNewTokens = 12;
  p.n = 3;
  p.stopTokenIds = {5, 6, 7, 8};  // rows finish at different steps, so the batch shrinks unevenly
  const std::vector<std::vector<int>> prompts = {randomPrompt(6, 21), randomPrompt(13, 22), randomPrompt(9, 23)};
  p.promptSeeds = {101, 202, 303};
  engine::EngineOptions o;
  o.maxPromptsPerBatch = 3;  // one left-padded batch of 9 rows
  GenerationEngine batched(m, o);
  const auto together = batched.generate(prompts, p);
  QCOMPARE(together.size(), size_t(9));
  bool differ = false, early = false;
  for (size_t i = 0; i < prompts.size(); ++i) {
    SamplingParams one = p;
    one.promptSeeds = {};
    one.seed = p.promptSeeds[i];  // alone, the call's seed is the prompt's
    const auto alone = batched.generate({prompts[i]}, one);
    for (size_t j = 0; j < 3; ++j) {
      const auto& t = together[i * 3 + j];
      QCOMPARE(t.promptIndex, i);
      QVERIFY2(t.tokenIds == alone[j].tokenIds,
               ("prompt " + std::to_string(i) + " sample " + std::to_string(j)).c_str());
      QCOMPARE(t.finishReason, alone[j].finishReason);
      for (size_t k = 0; k < t.logprobs.size(); ++k) QVERIFY(std::abs(t.logprobs[k] - alone[j].logprobs[k]) < 1e-4);
      early = early || t.finishReason == "stop";
    }
    differ = differ || together[i * 3].tokenIds != together[i * 3 + 1].tokenIds;
  }
  QVERIFY(differ);  // real sampling, not copies
  QVERIFY(early);   // rows were dropped mid-batch
  // One seed for the whole call draws differently: the per-prompt generators are what make it equal.
  SamplingParams shared = p;
  shared.promptSeeds = {};
  shared.seed = 101;
  const auto mixed = batched.generate(prompts, shared);
  bool anyDiff = false;
  for (size_t i = 3; i < 9; ++i) anyDiff = anyDiff || mixed[i].tokenIds != together[i].tokenIds;
  QVERIFY(anyDiff);
  p.promptSeeds = {1, 2};
  QVERIFY_EXCEPTION_THROWN(batched.generate(prompts, p), std::invalid_argument);
}

void TestEngineGeneration::logprobsMatchRecomputation() {
  auto m = tinyModel();
  GenerationEngine eng(m, {});
  SamplingParams p;
  p.temperature = 0.7;
  p.topK = 50;
  p.topP = 0.9;
  p.maxNewTokens = 12;
  p.n = 2;
  p.seed = 5;
  const std::vector<std::vector<int>> prompts = {randomPrompt(4, 14), randomPrompt(10, 15)};
  const auto out = eng.generate(prompts, p);
  for (const auto& s : out) {
    std::vector<int> seq = prompts[s.promptIndex];
    seq.insert(seq.end(), s.tokenIds.begin(), s.tokenIds.end());
    // log_softmax(logits / T) over the full vocabulary, at the positions that predicted each token.
    auto logp = torch::log_softmax(fullLogits(m, seq) / 0.7, -1);
    const auto L = static_cast<int64_t>(prompts[s.promptIndex].size());
    for (size_t t = 0; t < s.tokenIds.size(); ++t) {
      const float expected = logp[L - 1 + static_cast<int64_t>(t)][s.tokenIds[t]].item<float>();
      QVERIFY2(std::abs(expected - s.logprobs[t]) < 1e-4,
               ("token " + std::to_string(t) + ": " + std::to_string(s.logprobs[t]) + " vs " + std::to_string(expected))
                   .c_str());
    }
  }
  // Greedy log-probs are those of temperature 1.
  const auto g = eng.generate({prompts[0]}, greedy(3));
  std::vector<int> seq = prompts[0];
  seq.insert(seq.end(), g[0].tokenIds.begin(), g[0].tokenIds.end());
  auto logp = torch::log_softmax(fullLogits(m, seq), -1);
  for (size_t t = 0; t < 3; ++t)
    QVERIFY(std::abs(logp[3 + static_cast<int64_t>(t)][g[0].tokenIds[t]].item<float>() - g[0].logprobs[t]) < 1e-4);
}

void TestEngineGeneration::callbackStreamsAndAborts() {
  auto m = tinyModel();
  GenerationEngine eng(m, {});
  auto p = greedy(6);
  p.n = 2;
  std::vector<std::vector<int>> seen(2);
  const auto out = eng.generate({randomPrompt(5, 16)}, p, [&](size_t sample, int token, float) {
    seen.at(sample).push_back(token);
    return true;
  });
  QCOMPARE(seen[0], out[0].tokenIds);
  QCOMPARE(seen[1], out[1].tokenIds);

  int calls = 0;
  const auto aborted = eng.generate({randomPrompt(5, 16)}, p, [&](size_t, int, float) { return ++calls < 3; });
  QCOMPARE(calls, 3);
  QCOMPARE(aborted[0].finishReason, std::string("abort"));
  QCOMPARE(aborted[1].finishReason, std::string("abort"));
}

void TestEngineGeneration::rejectsBadInput() {
  auto m = tinyModel();
  GenerationEngine eng(m, {});
  QVERIFY_EXCEPTION_THROWN(eng.generate({{}}, greedy(3)), std::invalid_argument);
  QVERIFY_EXCEPTION_THROWN(eng.generate({{1, 512}}, greedy(3)), std::invalid_argument);
  QVERIFY_EXCEPTION_THROWN(eng.generate({{1, -1}}, greedy(3)), std::invalid_argument);
  auto p = greedy(3);
  p.n = 0;
  QVERIFY_EXCEPTION_THROWN(eng.generate({{1}}, p), std::invalid_argument);
  p = greedy(3);
  p.topP = 0;
  QVERIFY_EXCEPTION_THROWN(eng.generate({{1}}, p), std::invalid_argument);
  QVERIFY(eng.generate({}, greedy(3)).empty());
}

QTEST_APPLESS_MAIN(TestEngineGeneration)
#include "TestEngineGeneration.moc"
