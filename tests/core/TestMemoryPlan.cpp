// plan::MemoryPlan: the parameter count of a model's config.json (Qwen2.5-0.5B's known 494,032,768
// and a Qwen3-MoE shape counted by hand), the per-rank weights, gradients and optimizer state of
// each distributed.shard mode and dtype, the micro-batch the update runs, activations with and
// without checkpointing, the KV cache, the phase chosen, and "fits".
#include <QtTest/QtTest>

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/config/RunConfig.h"
#include "core/plan/HostMemory.h"
#include "core/plan/MemoryPlan.h"
#include "core/plan/ModelShape.h"
#include "core/plan/PlanError.h"
#include "support/Qwen05Config.h"
#include "support/TestPaths.h"

using namespace longrl;
using nlohmann::json;
using plan::MemoryPlan;
using plan::ModelShape;
using plan::PlanOptions;

namespace {

json qwen05() { return test::qwen05Config(); }

// A small Qwen3-MoE: layers 1 and 3 are sparse by decoder_sparse_step 2, 3 stays dense by mlp_only_layers.
json smallMoe() {
  return {{"model_type", "qwen3_moe"},
          {"hidden_size", 64},
          {"intermediate_size", 192},
          {"num_hidden_layers", 4},
          {"num_attention_heads", 4},
          {"num_key_value_heads", 2},
          {"head_dim", 16},
          {"vocab_size", 512},
          {"tie_word_embeddings", false},
          {"num_experts", 8},
          {"num_experts_per_tok", 2},
          {"moe_intermediate_size", 32},
          {"decoder_sparse_step", 2},
          {"mlp_only_layers", {3}}};
}

constexpr double kP05 = 494032768;  // Qwen2.5-0.5B's parameters

// One short phase (1000-token prompts, 200-token answers), groups of 4, on the CPU in bfloat16.
config::RunConfig shortRun() {
  config::RunConfig run;
  run.model.path = "unused";
  config::PhaseConfig phase;
  phase.name = "short";
  phase.maxInputTokens = 1000;
  phase.maxOutputTokens = 200;
  run.phases = {phase};
  run.grpo.rolloutN = 4;
  run.grpo.trainBatchSize = 8;
  run.grpo.ppoMiniBatchSize = 4;
  return run;
}

MemoryPlan planOf(const config::RunConfig& run, int64_t nproc = 1, int64_t microBatchTokens = 16384) {
  PlanOptions o;
  o.nproc = nproc;
  o.microBatchTokens = microBatchTokens;
  o.deviceMemoryBytes = 1e15;  // the machine's own memory stays out of these figures
  return MemoryPlan::compute(ModelShape::fromJson(qwen05(), "config.json"), run, o);
}

std::string planError(const json& model) {
  try {
    ModelShape::fromJson(model, "m/config.json");
  } catch (const plan::PlanError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

class TestMemoryPlan : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void countsQwen25HalfBillion() {
    const ModelShape m = ModelShape::fromJson(qwen05(), "config.json");
    QCOMPARE(m.parameters(), kP05);
    QCOMPARE(m.headDim, int64_t(64));                        // hidden / heads when the file has no head_dim
    QCOMPARE(m.nonLayerParameters(), 151936.0 * 896 + 896);  // tied: one embedding, and the final norm
    QCOMPARE(m.largestLayerParameters(), 14912384.0);
    QCOMPARE(m.layersParameters(), 24 * 14912384.0);
  }

  void countsMoeLayers() {
    const ModelShape m = ModelShape::fromJson(smallMoe(), "config.json");
    QCOMPARE(m.sparseLayers(), int64_t(1));
    QVERIFY(m.isSparseLayer(1) && !m.isSparseLayer(3) && !m.isSparseLayer(0));
    // Attention 64x64 q, 2 x 64x32 k/v, 64x64 o, q/k norms 2 x 16: 12320 a layer; norms 128 a layer.
    const double dense = 12320 + 128 + 3 * 64 * 192, sparse = 12320 + 128 + 64 * 8 + 8 * 3 * 64 * 32;
    QCOMPARE(m.largestLayerParameters(), sparse);
    QCOMPARE(m.parameters(), 2 * 512 * 64 + 64 + 3 * dense + sparse);
    QCOMPARE(m.parameters(), 275648.0);
  }

  void badFieldsNameTheFileAndField() {
    json wrongType = qwen05();
    wrongType["hidden_size"] = "896";
    QCOMPARE(QString::fromStdString(planError(wrongType)),
             QString("m/config.json: field 'hidden_size' has the wrong type (\"896\")"));
    json missing = qwen05();
    missing.erase("vocab_size");
    QCOMPARE(QString::fromStdString(planError(missing)), QString("m/config.json: missing field 'vocab_size'"));
    json zero = qwen05();
    zero["num_hidden_layers"] = 0;
    QVERIFY(planError(zero).find("'num_hidden_layers' must be positive") != std::string::npos);
    json llama = qwen05();
    llama["model_type"] = "llama";
    QVERIFY(planError(llama).find("field 'model_type'") != std::string::npos);
    json moe = smallMoe();
    moe["mlp_only_layers"] = {7};
    QVERIFY(planError(moe).find("field 'mlp_only_layers' lists layer 7") != std::string::npos);
  }

  void bfloat16KeepsFloat32MasterAndMoments() {
    const MemoryPlan p = planOf(shortRun());
    QCOMPARE(p.parameters, kP05);
    QCOMPARE(p.bytes.weights, kP05 * 2);
    QCOMPARE(p.bytes.gradients, kP05 * 2 + kP05 * 4);  // model gradients + the master's float32 gradient
    QCOMPARE(p.bytes.optimizer, kP05 * 12);            // two moments and the master weights
  }

  void float32WithoutShardingHasNoSeparateMaster() {
    config::RunConfig run = shortRun();
    run.model.dtype = "float32";
    const MemoryPlan p = planOf(run);
    QCOMPARE(p.bytes.weights, kP05 * 4);
    QCOMPARE(p.bytes.gradients, kP05 * 4);
    QCOMPARE(p.bytes.optimizer, kP05 * 8);
    run.distributed.shard = config::ShardMode::Optimizer;  // sharded: the rank's master slice is separate
    QCOMPARE(planOf(run, 2).bytes.optimizer, kP05 / 2 * 12);
  }

  void optimizerShardHalvesOptimizerAtTwoRanks() {
    config::RunConfig run = shortRun();
    run.distributed.shard = config::ShardMode::Optimizer;
    const MemoryPlan one = planOf(run, 1), two = planOf(run, 2);
    QCOMPARE(two.bytes.optimizer * 2, one.bytes.optimizer);
    QCOMPARE(two.bytes.weights, one.bytes.weights);  // every rank still holds the whole model
    QCOMPARE(two.bytes.gradients, kP05 * 2 + kP05 / 2 * 4);
    QVERIFY(two.bytes.total() < one.bytes.total());
    run.distributed.shard = config::ShardMode::None;
    QCOMPARE(planOf(run, 2).bytes.optimizer, one.bytes.optimizer);  // replicas: nothing shared
  }

  void fullShardHoldsAShareOfEachLayer() {
    config::RunConfig run = shortRun();
    run.model.gradientCheckpointing = true;
    run.distributed.shard = config::ShardMode::Optimizer;
    const MemoryPlan opt = planOf(run, 2);
    run.distributed.shard = config::ShardMode::Full;
    const MemoryPlan full = planOf(run, 2);
    const ModelShape m = ModelShape::fromJson(qwen05(), "qwen05");
    const double layers = m.layersParameters(), root = m.nonLayerParameters();
    // At rest: the embeddings whole, half of each layer; at the peak generation gathers the rest.
    const double gathered = std::max(2 * m.largestLayerParameters(), layers / 2);
    QCOMPARE(full.bytes.weights, std::ceil((root + layers / 2 + gathered) * 2));
    QCOMPARE(full.bytes.gradients, std::ceil(root * 2 + kP05 / 2 * 4));  // a layer's gradient is reduced away
    QCOMPARE(full.bytes.optimizer, opt.bytes.optimizer);                 // as "optimizer": 1/N
    QVERIFY(full.bytes.gradients < opt.bytes.gradients);
    QVERIFY(!full.shape.sharedPrompt);  // every row runs its own prompt
    QCOMPARE(full.toJson()["shard"].get<std::string>(), std::string("full"));
    QCOMPARE(planOf(run, 1).bytes.weights, planOf(shortRun(), 1).bytes.weights);  // one rank: nothing to shard over
  }

  void klLossKeepsTheReferenceModel() {
    config::RunConfig run = shortRun();
    const double without = planOf(run).bytes.weights;
    run.grpo.useKlLoss = true;
    run.grpo.klCoef = 0.001;
    QCOMPARE(planOf(run).bytes.weights, without + kP05 * 2);
  }

  void microBatchSharesPromptsAcrossARanksRows() {
    const config::RunConfig run = shortRun();
    // 4 prompts x 4 samples a mini-batch over 2 ranks: 2 rows of each group per rank, 4 groups fit.
    auto s = plan::UpdateShape::of(run, run.phases[0], 2, 16384);
    QVERIFY(s.sharedPrompt);
    QCOMPARE(s.rowsPerGroup, int64_t(2));
    QCOMPARE(s.groups, int64_t(4));
    QCOMPARE(s.modelTokens(), 4 * (1000.0 + 2 * 200));
    // 4 ranks: one row per group on a rank, padded rows (16384 / 1200 = 13, but it holds only 4).
    s = plan::UpdateShape::of(run, run.phases[0], 4, 16384);
    QVERIFY(!s.sharedPrompt);
    QCOMPARE(s.rows(), 4.0);
    QCOMPARE(s.modelTokens(), 4 * 1200.0);
    // A prompt past the budget still goes through whole, alone.
    config::PhaseConfig longPhase = run.phases[0];
    longPhase.maxInputTokens = 20000;
    s = plan::UpdateShape::of(run, longPhase, 1, 16384);
    QVERIFY(!s.sharedPrompt);
    QCOMPARE(s.modelTokens(), 20200.0);
  }

  void checkpointingLowersActivations() {
    // One row per micro-batch (1200 tokens: a second row of 200 does not fit): padded forwards
    // without a cache, which CheckpointedLayer covers.
    config::RunConfig run = shortRun();
    const MemoryPlan kept = planOf(run, 1, 1200);
    QVERIFY(!kept.shape.sharedPrompt);
    run.model.gradientCheckpointing = true;
    const MemoryPlan recomputed = planOf(run, 1, 1200);
    const double tokens = recomputed.shape.modelTokens();
    QVERIFY(recomputed.bytes.phase.activations >= 24 * tokens * 896 * 2);  // the layer inputs at least
    QVERIFY2(recomputed.bytes.phase.activations * 4 < kept.bytes.phase.activations,
             qPrintable(QString("%1 vs %2").arg(recomputed.bytes.phase.activations).arg(kept.bytes.phase.activations)));
    QCOMPARE(recomputed.bytes.phase.logits, kept.bytes.phase.logits);
    // Rows sharing a prompt are checkpointed too (SharedPromptCheckpoint): the prompt's and the
    // responses' layer inputs, and one layer's activations.
    const MemoryPlan shared = planOf(run);
    QVERIFY(shared.shape.sharedPrompt);
    QVERIFY(shared.bytes.phase.activations >= 24 * shared.shape.modelTokens() * 896 * 2);
    run.model.gradientCheckpointing = false;
    const double sharedKept = planOf(run).bytes.phase.activations;
    QVERIFY2(shared.bytes.phase.activations * 4 < sharedKept,
             qPrintable(QString("%1 vs %2").arg(shared.bytes.phase.activations).arg(sharedKept)));
  }

  void eagerAttentionKeepsScoreMatrices() {
    config::RunConfig run = shortRun();
    const MemoryPlan block = planOf(run);
    QVERIFY(!block.settings.eagerAttention);  // auto on the CPU
    QCOMPARE(block.bytes.phase.generationPrefill, 0.0);
    run.model.device = "cuda";  // auto: eager on CUDA
    const MemoryPlan eager = planOf(run);
    QVERIFY(eager.settings.eagerAttention);
    QVERIFY(eager.bytes.phase.activations > block.bytes.phase.activations);
    // Prefill: 14 heads x a 1000-row slice x 1000 keys, float32 scores and softmax and a bfloat16 copy.
    QCOMPARE(eager.bytes.phase.generationPrefill, 14.0 * 1000 * 1000 * 10);
    run.model.attention = config::AttentionImpl::Block;
    QVERIFY(!planOf(run).settings.eagerAttention);
  }

  void kvCacheHoldsThePromptInEverySample() {
    const double perPosition = 24 * 2 * 128 * 2;  // 24 layers x K and V x 2 kv heads x 64 x bfloat16
    // One rank, 8 prompts a step: all 8 decode together, 4 samples x (1000 + 200) positions each,
    // beside the 8 prompts' own prefill caches of 1000.
    QCOMPARE(planOf(shortRun()).bytes.phase.generationKvCache, (8.0 * 4 * 1200 + 8 * 1000) * perPosition);
    // Two ranks: 4 prompts each.
    QCOMPARE(planOf(shortRun(), 2).bytes.phase.generationKvCache, (4.0 * 4 * 1200 + 4 * 1000) * perPosition);
    // 100K-token documents: one prompt a batch (GenerationBatches' cache budget).
    config::RunConfig run = shortRun();
    run.phases[0].maxInputTokens = 100000;
    QCOMPARE(planOf(run).bytes.phase.generationKvCache, (4.0 * 100200 + 100000) * perPosition);
  }

  void totalIsStatePlusTheLargerTurn() {
    // Groups of 4 and a 16K budget: the update is the larger turn. Groups of 512 and one sequence
    // a micro-batch: the rollouts' cache is.
    for (const bool generationLarger : {false, true}) {
      config::RunConfig run = shortRun();
      run.grpo.rolloutN = generationLarger ? 512 : 4;
      const MemoryPlan p = planOf(run, 1, generationLarger ? 1300 : 16384);
      const auto& ph = p.bytes.phase;
      const double update = ph.activations + ph.logits, generation = ph.generationKvCache + ph.generationPrefill;
      QCOMPARE(generation > update, generationLarger);
      QCOMPARE(p.bytes.total(), p.bytes.weights + p.bytes.gradients + p.bytes.optimizer + std::max(update, generation));
    }
  }

  void plansForThePhaseThatNeedsTheMost() {
    config::RunConfig run = shortRun();
    config::PhaseConfig longer = run.phases[0];
    longer.name = "longer";
    longer.maxInputTokens = 8000;
    run.phases.push_back(longer);
    run.phases.push_back(run.phases[0]);
    const MemoryPlan p = planOf(run);
    QCOMPARE(p.phaseIndex, size_t(1));
    QCOMPARE(QString::fromStdString(p.phaseName), QString("longer"));
    QCOMPARE(p.shape.prompt, int64_t(8000));
    QVERIFY(p.bytes.total() > planOf(shortRun()).bytes.total());
  }

  void memoryPhasePlansASectionCall() {
    config::RunConfig run = shortRun();
    run.phases[0].mode = config::PhaseMode::Memory;
    run.phases[0].maxInputTokens = 100000;
    run.memory.chunkTokens = 3000;
    run.memory.memoryTokens = 500;
    const MemoryPlan p = planOf(run);
    QCOMPARE(p.shape.prompt, int64_t(3500));
    QCOMPARE(p.shape.response, int64_t(500));  // the section reply is longer than max_output_tokens 200
    // Each trajectory's section prompt is prefilled alone and unpadded: the block kernel runs it.
    QCOMPARE(p.bytes.phase.generationPrefill, 0.0);
    // The n = 4 trajectories decode together beside their own prefill caches.
    QCOMPARE(p.bytes.phase.generationKvCache, (4.0 * 4000 + 4 * 3500) * 24 * 2 * 128 * 2);
  }

  void fitsComparesTheRanksSharingADevice() {
    config::RunConfig run = shortRun();
    PlanOptions o;
    const ModelShape m = ModelShape::fromJson(qwen05(), "config.json");
    const double total = planOf(run).bytes.total();
    o.deviceMemoryBytes = total * 1.5;
    MemoryPlan p = MemoryPlan::compute(m, run, o);
    QVERIFY(p.fits && *p.fits);
    o.deviceMemoryBytes = total / 2;
    p = MemoryPlan::compute(m, run, o);
    QVERIFY(p.fits && !*p.fits);
    // Two cpu ranks share this machine: each would fit alone, both do not.
    o.deviceMemoryBytes = total * 1.5;
    o.nproc = 2;
    p = MemoryPlan::compute(m, run, o);
    QCOMPARE(p.ranksPerDevice, int64_t(2));
    QVERIFY(p.bytes.total() <= total * 1.5);
    QVERIFY(p.fits && !*p.fits);
    // A cuda device's memory is not known here; its ranks do not share it.
    run.model.device = "cuda:0";
    o.deviceMemoryBytes.reset();
    p = MemoryPlan::compute(m, run, o);
    QVERIFY(!p.fits);
    QCOMPARE(p.ranksPerDevice, int64_t(1));
    QVERIFY(p.note.find("cuda:0") != std::string::npos);
    QVERIFY(p.toJson()["fits"].is_null());
    o.deviceMemoryBytes = 1e15;  // --device-memory
    QVERIFY(MemoryPlan::compute(m, run, o).fits.value_or(false));
  }

  void jsonTotalIsTheSumOfItsParts() {
    const json j = planOf(shortRun(), 2).toJson();
    const json& b = j["per_rank_bytes"];
    for (const char* key : {"weights", "gradients", "optimizer", "activations", "logits", "generation_kv_cache",
                            "generation_prefill", "total"})
      QVERIFY2(b.contains(key) && b[key].is_number_integer(), key);
    const int64_t update = b["activations"].get<int64_t>() + b["logits"].get<int64_t>();
    const int64_t generation = b["generation_kv_cache"].get<int64_t>() + b["generation_prefill"].get<int64_t>();
    QCOMPARE(b["total"].get<int64_t>(), b["weights"].get<int64_t>() + b["gradients"].get<int64_t>() +
                                            b["optimizer"].get<int64_t>() + std::max(update, generation));
    QCOMPARE(j["parameters"].get<int64_t>(), int64_t(494032768));
    QCOMPARE(j["nproc"].get<int64_t>(), int64_t(2));
    QVERIFY(j["fits"].is_boolean());
  }

  void hostMemoryReadsMemAvailable() {
    const std::string dir = test::freshTempDir("host-memory");
    std::ofstream(dir + "/meminfo") << "MemTotal:       16000000 kB\nMemFree:  100 kB\nMemAvailable:    8000000 kB\n";
    QCOMPARE(plan::HostMemory::availableBytes(dir + "/meminfo"), uint64_t(8000000) * 1024);
    QCOMPARE(plan::HostMemory::availableBytes(dir + "/missing"), uint64_t(0));
  }
};

QTEST_MAIN(TestMemoryPlan)
#include "TestMemoryPlan.moc"
