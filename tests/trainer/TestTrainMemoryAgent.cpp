// The memory agent (QwenLong-L1.5) in training, on a tiny model: every trajectory reads the
// document section by section, each call's prompt carries the memory and plan the call before it
// left, the final call answers from the memory; every call is trained with the trajectory's
// advantage; `longrl train` with a phase in mode "memory" trains documents longer than the
// window and stores each trajectory beside its rollout.
#include <QtTest/QtTest>

#include <filesystem>
#include <set>
#include <sstream>

#include "TestTrainFixture.h"
#include "core/dataset/DatasetReader.h"
#include "core/memory/DocumentChunker.h"
#include "core/memory/MemoryPrompt.h"
#include "core/memory/MemoryTrajectory.h"
#include "support/TestPaths.h"
#include "trainer/engine/LoadedModel.h"
#include "trainer/train/ActorBatch.h"
#include "trainer/train/ExampleLoader.h"
#include "trainer/train/MemoryAgentRollout.h"
#include "trainer/train/RewardSetup.h"
#include "trainer/train/RolloutGroupCodec.h"
#include "trainer/train/TrainingRun.h"

namespace fs = std::filesystem;
using namespace longrl;

namespace {
std::vector<int> chat(const tokenizer::Tokenizer& tok, const std::string& user) {
  return tok.encode(tok.applyChatTemplate({{"user", user, std::nullopt}}));
}
}  // namespace

class TestTrainMemoryAgent : public QObject {
  Q_OBJECT
  std::string root_, model_, data_;

 private Q_SLOTS:
  void initTestCase() {
    root_ = test::freshTempDir("train-memory");
    model_ = test::makeTinyModel(root_);
    data_ = root_ + "/long.jsonl";
    test::writeDataset(data_, test::tinyDocs(3, 30));  // ~300 document tokens each
  }

  void trajectoriesChainMemoryThroughTheSections() {
    auto loaded = engine::LoadedModel::load(model_);
    const auto& tok = loaded.tokenizer;
    auto records = dataset::DatasetReader::readFile(data_).records;
    const auto example = train::ExampleLoader::prepare(std::move(records.front()), tok);
    config::RunConfig cfg;
    const auto reward = train::RewardSetup::make(cfg);
    engine::GenerationEngine eng(loaded.model, loaded.engineOptions());
    train::RolloutGenerator samples(eng, tok, *reward, 1);
    config::MemoryConfig mc;
    mc.chunkTokens = 40;
    mc.memoryTokens = 10;
    train::MemoryAgentRollout agent(eng, tok, samples, mc);
    engine::SamplingParams p;
    p.temperature = 1.0;
    p.maxNewTokens = 8;
    p.n = 3;

    const auto& doc = example.record.document;
    const auto chunks =
        memory::DocumentChunker([&](std::string_view t) { return tok.encode(t).size(); }, 40).split(doc);
    QVERIFY2(chunks.size() >= 4, std::to_string(chunks.size()).c_str());
    const auto trajectories = agent.trajectories(example, p, 99);
    QCOMPARE(trajectories.size(), size_t(3));
    std::set<std::string> distinct;
    for (size_t j = 0; j < trajectories.size(); ++j) {
      const auto& s = trajectories[j];
      QCOMPARE(s.sampleIdx, int(j));
      QCOMPARE(s.calls.size(), chunks.size() + 1);
      const auto t = memory::MemoryTrajectory::fromJson(s.trajectory);
      QCOMPARE(t.steps.size(), chunks.size());
      QCOMPARE(t.chunkTokens, int64_t{40});
      std::string memory, plan;
      for (size_t c = 0; c < chunks.size(); ++c) {
        const auto& step = t.steps[c];
        QCOMPARE(step.begin, chunks[c].begin);
        QCOMPARE(step.end, chunks[c].end);
        // The prompt is built from the memory and plan of the step before, and this section.
        const auto section = doc.substr(chunks[c].begin, chunks[c].end - chunks[c].begin);
        QCOMPARE(s.calls[c].promptIds, chat(tok, memory::MemoryPrompt::section(example.record.question, memory, plan,
                                                                               section, int(c), int(chunks.size()))));
        QCOMPARE(step.promptTokens, int64_t(s.calls[c].promptIds.size()));
        QVERIFY(step.responseTokens <= 10);
        QCOMPARE(step.truncated, step.responseTokens == 10);
        QCOMPARE(step.reply, samples.decode(s.calls[c].responseIds));
        // A random model writes no tags: the memory is carried over and the step says so.
        if (step.problem.find("no <memory>") != std::string::npos) QCOMPARE(step.memory, memory);
        memory = step.memory;
        plan = step.plan;
      }
      // The final call answers from the last memory; its response is the sample's.
      QCOMPARE(s.calls.back().promptIds, chat(tok, memory::MemoryPrompt::final(example.record.question, memory)));
      QCOMPARE(s.calls.back().responseIds, s.responseIds);
      QCOMPARE(t.finalPromptTokens, int64_t(s.calls.back().promptIds.size()));
      QVERIFY(s.responseIds.size() <= 8);
      distinct.insert(s.trajectory);
    }
    QVERIFY(distinct.size() > 1);  // sampled, not one trajectory three times
    // Same seed, same trajectories.
    const auto again = agent.trajectories(example, p, 99);
    for (size_t j = 0; j < again.size(); ++j) QCOMPARE(again[j].trajectory, trajectories[j].trajectory);
  }

  void everyCallGetsTheTrajectoryAdvantage() {
    std::vector<train::TrainExample> examples(2);
    examples[0].promptIds = {1, 2, 3};
    examples[1].promptIds = {4, 5};
    std::vector<train::RolloutGroup> groups(3);
    for (size_t g = 0; g < groups.size(); ++g) {
      groups[g].exampleIndex = g % 2;
      for (int j = 0; j < 2; ++j) {
        train::RolloutSample s;
        s.responseIds = {7, 8};
        s.advantage = (j == 0 ? 1.0 : -1.0) * static_cast<double>(g + 1);
        if (g != 1)  // groups 0 and 2 are memory-agent trajectories of 3 and 2 calls
          for (int c = 0; c < (g == 0 ? 3 : 2); ++c) s.calls.push_back({{10, c}, {11, c, j}});
        groups[g].samples.push_back(s);
      }
    }
    // Groups 0 and 2 kept (1 was dropped by dynamic sampling), one group per mini-batch.
    const auto b = train::ActorBatch::build(groups, {0, 2}, examples, 1);
    QCOMPARE(b.seqs.size(), size_t(2 * 3 + 2 * 2));
    QCOMPARE(b.sampleOf, (std::vector<size_t>{0, 0, 0, 1, 1, 1, 2, 2, 3, 3}));
    QCOMPARE(b.miniBatches, (std::vector<std::vector<size_t>>{{0, 1, 2, 3, 4, 5}, {6, 7, 8, 9}}));
    const double expected[] = {1, 1, 1, -1, -1, -1, 3, 3, -3, -3};
    for (size_t i = 0; i < b.seqs.size(); ++i) {
      QCOMPARE(b.seqs[i].advantage, expected[i]);
      const auto& s = groups[b.sampleOf[i] < 2 ? 0 : 2].samples[b.sampleOf[i] % 2];
      const auto& call = s.calls[i < 6 ? i % 3 : (i - 6) % 2];
      QCOMPARE(b.seqs[i].prompt, &call.promptIds);  // the call's own prompt, not the example's
      QCOMPARE(b.seqs[i].response, &call.responseIds);
    }
    // A full-context sample stays one sequence with the example's prompt.
    const auto full = train::ActorBatch::build(groups, {1}, examples, 4);
    QCOMPARE(full.seqs.size(), size_t(2));
    QCOMPARE(full.seqs[0].prompt, &examples[1].promptIds);
    QCOMPARE(full.seqs[1].advantage, -2.0);

    // Ranks exchange trajectories whole.
    const auto back = train::RolloutGroupCodec::decode(train::RolloutGroupCodec::encode(groups));
    QCOMPARE(back[0].samples[1].calls.size(), size_t(3));
    QCOMPARE(back[0].samples[1].calls[2].responseIds, (std::vector<int>{11, 2, 1}));
  }

  void memoryPhaseTrainsDocumentsLongerThanTheWindow() {
    const std::string runDir = root_ + "/run";
    auto cfg = test::tinyConfig(model_, data_);
    cfg.phases[0].mode = config::PhaseMode::Memory;
    cfg.phases[0].maxInputTokens = 120;  // the documents' prompts are ~330 tokens: too long for full mode
    cfg.phases[0].maxOutputTokens = 8;
    cfg.phases[0].steps = 1;
    cfg.memory.chunkTokens = 80;
    cfg.memory.memoryTokens = 12;
    cfg.grpo.overlongPenalty.maxLen = 8;
    cfg.grpo.overlongPenalty.bufferLen = 6;
    std::ostringstream log;
    train::TrainOptions o;
    o.runDir = runDir;
    o.log = &log;
    QCOMPARE(train::TrainingRun(cfg, o).run(), std::string("finished"));

    store::RunStoreReader r(store::RunStore::fileIn(runDir));
    auto loaded = engine::LoadedModel::load(model_);
    const memory::DocumentChunker chunker([&](std::string_view t) { return loaded.tokenizer.encode(t).size(); }, 80);
    store::RolloutQuery q;
    q.limit = 1000;
    const auto rollouts = r.rollouts(q);
    QCOMPARE(rollouts.size(), size_t(2 * 4));
    double sections = 0;
    for (const auto& x : rollouts) {
      QVERIFY(x.prompt_tokens > cfg.phases[0].maxInputTokens);  // trained although longer than the window
      QVERIFY2(x.trajectory.has_value(), x.example_id.c_str());
      const auto t = memory::MemoryTrajectory::fromJson(*x.trajectory);
      const auto ex = r.example(x.example_id);
      QVERIFY(ex.has_value());
      const auto doc = r.document(ex->doc_id);
      QVERIFY(doc.has_value());
      QCOMPARE(t.steps.size(), chunker.split(doc->text).size());
      QCOMPARE(t.steps.back().end, doc->text.size());
      sections += static_cast<double>(t.steps.size());
      QVERIFY(x.length >= 1 && x.length <= 8);
    }
    QCOMPARE(r.metricSeries("memory/sections/mean").back().value, sections / 8.0);
    QVERIFY(r.metricSeries("train/num_skipped_prompts").empty());
    QVERIFY(r.metricSeries("memory/malformed_ratio").back().value > 0.0);  // a random model writes no tags
    QCOMPARE(r.metricSeries("actor/grad_norm").size(), size_t(1));
    QVERIFY(r.metricSeries("actor/grad_norm").back().value > 0.0);
  }

  void fullModeStillSkipsTooLongPrompts() {
    // The same data in a full-context phase with the same window: nothing fits, nothing trains.
    const std::string runDir = root_ + "/run-full";
    auto cfg = test::tinyConfig(model_, data_);
    cfg.phases[0].maxInputTokens = 120;
    cfg.phases[0].steps = 1;
    std::ostringstream log;
    train::TrainOptions o;
    o.runDir = runDir;
    o.log = &log;
    train::TrainingRun(cfg, o).run();
    QVERIFY2(log.str().find("longer than every phase allows") != std::string::npos, log.str().c_str());
    QCOMPARE(test::storedRollouts(runDir).rows, size_t(0));
  }
};

QTEST_GUILESS_MAIN(TestTrainMemoryAgent)
#include "TestTrainMemoryAgent.moc"
