// grpo::StepMetrics: the per-step figures a GRPO step reports (critic/*, lengths, clip ratios,
// judge health, memory-agent health, entropy averages, throughput), on hand-built groups with
// results worked out by hand.
#include <QtTest/QtTest>

#include <cmath>

#include "core/grpo/StepMetrics.h"

using longrl::grpo::StepMetrics;

namespace {

bool near(double a, double b) { return std::fabs(a - b) < 1e-12; }

StepMetrics::Sample sample(double score, double penalty, double advantage, int64_t response, bool truncated = false) {
  StepMetrics::Sample s;
  s.score = score;
  s.overlongPenalty = penalty;
  s.advantage = advantage;
  s.responseTokens = response;
  s.truncated = truncated;
  return s;
}

StepMetrics::Group group(bool kept, int64_t prompt, std::vector<StepMetrics::Sample> samples) {
  StepMetrics::Group g;
  g.kept = kept;
  g.promptTokens = prompt;
  g.samples = std::move(samples);
  return g;
}

}  // namespace

class TestStepMetrics : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void statsOfValuesAndOfNone() {
    StepMetrics::Metrics m;
    StepMetrics::stats(m, "x", {2.0, -1.0, 5.0});
    QVERIFY(near(m["x/mean"], 2.0));
    QCOMPARE(m["x/max"], 5.0);
    QCOMPARE(m["x/min"], -1.0);
    StepMetrics::stats(m, "empty", {});
    QCOMPARE(m["empty/mean"], 0.0);
    QCOMPARE(m["empty/max"], 0.0);
    QCOMPARE(m["empty/min"], 0.0);
  }

  // The kept groups are the batch; critic/gen_score covers every generated sample.
  void batchCoversTheKeptGroups() {
    std::vector<StepMetrics::Group> groups = {
        group(true, 100, {sample(1.0, 0.0, 0.5, 20), sample(-0.25, -0.25, -0.5, 60, true)}),
        group(false, 300, {sample(0.0, 0.0, 0.0, 10), sample(0.0, 0.0, 0.0, 10)}),
        group(true, 128, {sample(0.5, 0.0, 0.0, 30), sample(0.5, 0.0, 0.0, 30)}),
    };
    StepMetrics::Metrics m;
    const double tokens = StepMetrics::batch(groups, 128, false, m);
    // Kept samples: scores without penalty 1, 0, 0.5, 0.5; rewards 1, -0.25, 0.5, 0.5.
    QVERIFY(near(m["critic/score/mean"], 0.5));
    QCOMPARE(m["critic/score/min"], 0.0);
    QVERIFY(near(m["critic/rewards/mean"], 1.75 / 4));
    QCOMPARE(m["critic/rewards/min"], -0.25);
    // Every sample: 1, 0, 0, 0, 0.5, 0.5.
    QVERIFY(near(m["critic/gen_score/mean"], 2.0 / 6));
    QVERIFY(near(m["critic/advantages/mean"], 0.0));
    QCOMPARE(m["critic/advantages/max"], 0.5);
    QVERIFY(near(m["response_length/mean"], 140.0 / 4));
    QCOMPARE(m["response_length/max"], 60.0);
    QVERIFY(near(m["prompt_length/mean"], (100.0 * 2 + 128 * 2) / 4));
    QVERIFY(near(m["response_length/clip_ratio"], 0.25));  // one truncated of four
    QVERIFY(near(m["prompt_length/clip_ratio"], 0.5));     // the two 128-token prompts reach the limit
    QVERIFY(near(tokens, 100 + 20 + 100 + 60 + 128 + 30 + 128 + 30));
    QVERIFY(m.find("memory/sections/mean") == m.end());
  }

  // With nothing kept (dynamic sampling gave up), the figures cover every generated sample.
  void batchWithoutKeptGroupsCoversEverything() {
    std::vector<StepMetrics::Group> groups = {group(false, 10, {sample(1.0, 0.0, 0.0, 4)}),
                                              group(false, 20, {sample(0.0, 0.0, 0.0, 6)})};
    StepMetrics::Metrics m;
    QVERIFY(near(StepMetrics::batch(groups, 1000, false, m), 10 + 4 + 20 + 6));
    QVERIFY(near(m["critic/score/mean"], 0.5));
    QVERIFY(near(m["prompt_length/mean"], 15.0));
    QCOMPARE(m["prompt_length/clip_ratio"], 0.0);
  }

  void emptyStepReportsZeros() {
    StepMetrics::Metrics m;
    QCOMPARE(StepMetrics::batch({}, 100, false, m), 0.0);
    QCOMPARE(m["critic/score/mean"], 0.0);
    QCOMPARE(m["response_length/clip_ratio"], 0.0);
  }

  // Memory agent: every call's tokens count, the prompt is never clipped, and memory/* describe
  // the section calls (all calls but the final answer).
  void memoryAgentTokensAndHealth() {
    auto a = sample(1.0, 0.0, 1.0, 5);
    a.calls = {{300, 40}, {310, 50}, {200, 5}};
    a.malformedReplies = 1;
    auto b = sample(0.0, 0.0, -1.0, 7);
    b.calls = {{300, 48}, {220, 7}};
    b.truncatedCalls = 1;
    StepMetrics::Metrics m;
    const double tokens = StepMetrics::batch({group(true, 5000, {a, b})}, 512, true, m);
    QVERIFY(near(tokens, 340 + 360 + 205 + 348 + 227));
    QCOMPARE(m["prompt_length/clip_ratio"], 0.0);
    QVERIFY(near(m["memory/sections/mean"], 1.5));
    QCOMPARE(m["memory/sections/max"], 2.0);
    QVERIFY(near(m["memory/section_response_tokens/mean"], (90.0 + 48.0) / 2));
    QVERIFY(near(m["memory/malformed_ratio"], 1.0 / 3));
    QVERIFY(near(m["memory/truncated_ratio"], 1.0 / 3));
  }

  void memoryWithoutSectionCallsHasZeroRatios() {
    StepMetrics::Metrics m;
    const auto g = group(true, 10, {sample(0.0, 0.0, 0.0, 3)});
    StepMetrics::memory({&g}, m);
    QCOMPARE(m["memory/sections/mean"], 0.0);
    QCOMPARE(m["memory/malformed_ratio"], 0.0);
    QCOMPARE(m["memory/truncated_ratio"], 0.0);
  }

  void judgeCountsCallsAndFailuresOfEverySample() {
    auto judged = sample(0.0, 0.0, 0.0, 1);
    judged.judged = true;
    auto failed = judged;
    failed.judgeFailed = true;
    StepMetrics::Metrics m;
    StepMetrics::judge({group(true, 1, {judged, sample(1.0, 0.0, 0.0, 1)}), group(false, 1, {failed, failed})}, m);
    QCOMPARE(m["judge/calls"], 3.0);
    QCOMPARE(m["judge/errors"], 2.0);
  }

  void tokenWeightedMeans() {
    // Means 1 over 10 tokens and 4 over 30: (10 + 120) / 40.
    QVERIFY(near(StepMetrics::tokenWeightedMean({1.0, 4.0}, {10.0, 30.0}), 130.0 / 40));
    QCOMPARE(StepMetrics::tokenWeightedMean({}, {}), 0.0);
    QCOMPARE(StepMetrics::tokenWeightedMean({3.0}, {0.0}), 0.0);
    // Sequences 0 and 2 belong to sample 1, sequence 1 to sample 0; sample 2 has none.
    const auto s = StepMetrics::perSample({2.0, 5.0, 4.0}, {1.0, 7.0, 3.0}, {1, 0, 1}, 3);
    QCOMPARE(s.size(), size_t(3));
    QVERIFY(near(s[0], 5.0));
    QVERIFY(near(s[1], (2.0 + 12.0) / 4));
    QCOMPARE(s[2], 0.0);
  }

  void throughputIsTokensPerSecond() {
    StepMetrics::Metrics m;
    StepMetrics::throughput(2.0, 500.0, m);
    QCOMPARE(m["timing_s/step"], 2.0);
    QCOMPARE(m["perf/time_per_step"], 2.0);
    QCOMPARE(m["perf/throughput"], 250.0);
    StepMetrics::throughput(0.0, 500.0, m);
    QCOMPARE(m["perf/throughput"], 0.0);
  }
};

QTEST_APPLESS_MAIN(TestStepMetrics)
#include "TestStepMetrics.moc"
