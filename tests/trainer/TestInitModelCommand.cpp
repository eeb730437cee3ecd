// `longrl init-model`: HF-layout output, deterministic seeds, presets, usage errors; and the
// forward time of the small preset on a 512-token input (printed).
#include <QtTest/QtTest>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/cli/UsageError.h"
#include "support/TestPaths.h"
#include "trainer/cli/InitModelCommand.h"
#include "trainer/model/QwenPretrained.h"
#include "trainer/model/TorchThreads.h"
#include "trainer/tokenizer/Tokenizer.h"

using longrl::cli::ArgList;
namespace fs = std::filesystem;

namespace {

int runInit(const std::vector<std::string>& args, std::string* out = nullptr) {
  ArgList list(args);
  std::ostringstream o, e;
  const int rc = longrl::cli::initModelCommand().run(list, o, e);
  if (out) *out = o.str();
  return rc;
}

}  // namespace

class TestInitModelCommand : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void writesLoadableTinyModel();
  void tokenizerTrainedOnCorpusFitsVocab();
  void seedDecidesWeights();
  void usageErrors();
  void architecturePresets();
  void presetSizes();
  void moeTinyPreset();
  void smallPresetForwardTiming();
};

void TestInitModelCommand::writesLoadableTinyModel() {
  const std::string dir = longrl::test::freshTempDir("init-tiny") + "/model";
  std::string out;
  QCOMPARE(runInit({"--preset", "tiny", dir, "--seed", "3", "--vocab-size", "300"}, &out), 0);
  for (const char* f :
       {"config.json", "model.safetensors", "generation_config.json", "tokenizer.json", "tokenizer_config.json"})
    QVERIFY2(fs::exists(dir + "/" + f), f);
  auto summary = nlohmann::json::parse(out);
  auto cfg = nlohmann::json::parse(longrl::test::fileBytes(dir + "/config.json"));
  QCOMPARE(cfg["model_type"].get<std::string>(), std::string("qwen3"));
  QCOMPARE(cfg["architectures"][0].get<std::string>(), std::string("Qwen3ForCausalLM"));
  QCOMPARE(cfg["vocab_size"].get<int>(), 300);
  QCOMPARE(cfg["tie_word_embeddings"].get<bool>(), true);
  QCOMPARE(cfg["torch_dtype"].get<std::string>(), std::string("float32"));
  const auto tok = longrl::tokenizer::Tokenizer::load(dir);
  QCOMPARE(cfg["eos_token_id"].get<int>(), tok.tokenToId("<|im_end|>"));
  QCOMPARE(cfg["bos_token_id"].get<int>(), tok.tokenToId("<|endoftext|>"));
  auto gen = nlohmann::json::parse(longrl::test::fileBytes(dir + "/generation_config.json"));
  QCOMPARE(gen["eos_token_id"].get<int>(), tok.tokenToId("<|im_end|>"));
  auto m = longrl::model::QwenPretrained::load(dir);
  QCOMPARE(m->parameterCount(), summary["parameters"].get<int64_t>());
  // Independent count: embeddings + per layer (q,k,v,o, q/k norm, mlp, 2 norms) + final norm.
  const int64_t h = 64, d = 16, layer = h * 4 * d + 2 * h * 2 * d + 4 * d * h + 2 * d + 3 * h * 192 + 2 * h;
  QCOMPARE(m->parameterCount(), 300 * h + 2 * layer + h);
  // HF's init: std 0.02 weights, unit norms.
  const double sd = m->model->embed_tokens->weight.std().item<double>();
  QVERIFY2(sd > 0.018 && sd < 0.022, qPrintable(QString::number(sd)));
  QVERIFY(torch::equal(m->model->norm->weight, torch::ones({h})));
}

void TestInitModelCommand::tokenizerTrainedOnCorpusFitsVocab() {
  const std::string root = longrl::test::freshTempDir("init-tok");
  {
    std::ofstream corpus(root + "/corpus.txt");
    for (int i = 0; i < 50; ++i) corpus << "the answer is " << i << ". Please read the following text.\n";
  }
  QCOMPARE(runInit({"--preset", "tiny", root + "/m", "--tokenizer-corpus", root + "/corpus.txt"}), 0);
  const auto tok = longrl::tokenizer::Tokenizer::load(root + "/m");
  QVERIFY(tok.vocabSize() <= 512);
  const auto ids = tok.encode("the answer is 7<|im_end|>");
  QVERIFY2(ids.size() < 10, "merges learned from the corpus shorten the text");
  for (int id : ids) QVERIFY(id >= 0 && id < 512);
  QVERIFY_THROWS_EXCEPTION(longrl::cli::UsageError,
                           runInit({"--preset", "tiny", root + "/n", "--tokenizer-corpus", root + "/missing.txt"}));
  QVERIFY_THROWS_EXCEPTION(longrl::cli::UsageError, runInit({"--preset", "tiny", root + "/o", "--vocab-size", "100"}));
}

void TestInitModelCommand::seedDecidesWeights() {
  const std::string root = longrl::test::freshTempDir("init-seed");
  QCOMPARE(runInit({"--preset=tiny", root + "/a", "--seed", "1"}), 0);
  QCOMPARE(runInit({"--preset=tiny", root + "/b", "--seed", "1"}), 0);
  QCOMPARE(runInit({"--preset=tiny", root + "/c", "--seed", "2"}), 0);
  QVERIFY(longrl::test::fileBytes(root + "/a/model.safetensors") ==
          longrl::test::fileBytes(root + "/b/model.safetensors"));
  QVERIFY(longrl::test::fileBytes(root + "/a/model.safetensors") !=
          longrl::test::fileBytes(root + "/c/model.safetensors"));
}

void TestInitModelCommand::usageErrors() {
  const std::string root = longrl::test::freshTempDir("init-usage");
  QVERIFY_THROWS_EXCEPTION(longrl::cli::UsageError, runInit({"--preset", "huge", root + "/x"}));
  QVERIFY_THROWS_EXCEPTION(longrl::cli::UsageError, runInit({"--preset", "tiny"}));
  QVERIFY_THROWS_EXCEPTION(longrl::cli::UsageError, runInit({"--preset", "tiny", root + "/x", "--sede", "1"}));
  QVERIFY_THROWS_EXCEPTION(longrl::cli::UsageError, runInit({"--preset", "tiny", root + "/x", "--dtype", "int8"}));
  QVERIFY_THROWS_EXCEPTION(longrl::cli::UsageError, runInit({root + "/x"}));
}

// qwen2-tiny is Qwen2 (q/k/v biases, no q/k norm); qwen3-yarn-tiny writes YaRN rope_scaling.
void TestInitModelCommand::architecturePresets() {
  const std::string root = longrl::test::freshTempDir("init-arch");
  QCOMPARE(runInit({"--preset", "qwen2-tiny", root + "/q2"}), 0);
  auto q2 = nlohmann::json::parse(longrl::test::fileBytes(root + "/q2/config.json"));
  QCOMPARE(q2["model_type"].get<std::string>(), std::string("qwen2"));
  QCOMPARE(q2["architectures"][0].get<std::string>(), std::string("Qwen2ForCausalLM"));
  std::set<std::string> names;
  for (const auto& [name, p] : longrl::model::QwenPretrained::load(root + "/q2")->hfParameters()) names.insert(name);
  QVERIFY(names.count("model.layers.0.self_attn.q_proj.bias") && names.count("model.layers.1.self_attn.v_proj.bias"));
  QVERIFY(!names.count("model.layers.0.self_attn.q_norm.weight"));

  QCOMPARE(runInit({"--preset", "qwen3-yarn-tiny", root + "/yarn"}), 0);
  auto y = nlohmann::json::parse(longrl::test::fileBytes(root + "/yarn/config.json"));
  QCOMPARE(y["model_type"].get<std::string>(), std::string("qwen3"));
  QCOMPARE(y["max_position_embeddings"].get<int>(), 1024);
  const auto& rs = y["rope_scaling"];
  QCOMPARE(rs["rope_type"].get<std::string>(), std::string("yarn"));
  QCOMPARE(rs["factor"].get<double>(), 4.0);
  QCOMPARE(rs["original_max_position_embeddings"].get<int>(), 256);
  auto tokCfg = nlohmann::json::parse(longrl::test::fileBytes(root + "/yarn/tokenizer_config.json"));
  QCOMPARE(tokCfg["model_max_length"].get<int>(), 1024);
  const auto loaded = longrl::model::QwenPretrained::load(root + "/yarn");
  QCOMPARE(loaded->config().ropeScaling.typeName(), std::string("yarn"));
  // Usage names every preset.
  QVERIFY(QString::fromStdString(longrl::cli::initModelCommand().usage).contains("qwen3-yarn-tiny"));
}

void TestInitModelCommand::presetSizes() {
  for (const char* preset : {"tiny", "small", "qwen2-tiny", "qwen3-yarn-tiny"}) {
    longrl::model::QwenForCausalLM m(longrl::cli::initModelPreset(preset));
    qInfo("preset %s: %lld parameters", preset, static_cast<long long>(m->parameterCount()));
  }
  longrl::model::QwenForCausalLM small(longrl::cli::initModelPreset("small"));
  QVERIFY(small->parameterCount() > 2'000'000 && small->parameterCount() < 10'000'000);
}

void TestInitModelCommand::moeTinyPreset() {
  const std::string dir = longrl::test::freshTempDir("init-moe") + "/model";
  std::string out;
  QCOMPARE(runInit({"--preset", "qwen3-moe-tiny", dir, "--seed", "4"}, &out), 0);
  const auto summary = nlohmann::json::parse(out);
  const auto cfg = nlohmann::json::parse(longrl::test::fileBytes(dir + "/config.json"));
  QCOMPARE(cfg["model_type"].get<std::string>(), std::string("qwen3_moe"));
  QCOMPARE(cfg["architectures"][0].get<std::string>(), std::string("Qwen3MoeForCausalLM"));
  QCOMPARE(cfg["num_experts"].get<int>(), 8);
  QCOMPARE(cfg["num_experts_per_tok"].get<int>(), 2);
  QCOMPARE(cfg["norm_topk_prob"].get<bool>(), true);
  QCOMPARE(cfg["decoder_sparse_step"].get<int>(), 1);
  QVERIFY(cfg["mlp_only_layers"] == nlohmann::json::array({1}));
  auto m = longrl::model::QwenPretrained::load(dir);
  // Independent count: embeddings + 3 x (attention + 2 norms) + dense MLP (layer 1) + 2 x (router
  // + 8 experts) + final norm; active: 2 experts instead of 8.
  const int64_t h = 64, d = 16, v = 512;
  const int64_t attention = h * 4 * d + 2 * h * 2 * d + 4 * d * h + 2 * d + 2 * h;
  const int64_t expert = 3 * h * 96, router = 8 * h;
  QCOMPARE(m->parameterCount(), v * h + 3 * attention + 3 * h * 192 + 2 * (router + 8 * expert) + h);
  QCOMPARE(summary["parameters"].get<int64_t>(), m->parameterCount());
  QCOMPARE(summary["active_parameters"].get<int64_t>(), m->parameterCount() - 2 * 6 * expert);
  QCOMPARE(m->activeParameterCount(), summary["active_parameters"].get<int64_t>());
  QVERIFY(QString::fromStdString(longrl::cli::initModelCommand().usage).contains("qwen3-moe-tiny"));
}

void TestInitModelCommand::smallPresetForwardTiming() {
  longrl::model::QwenForCausalLM m(longrl::cli::initModelPreset("small"));
  m->initWeights(0);
  torch::NoGradGuard g;
  auto ids = torch::randint(m->config().vocabSize, {1, 512}, torch::kInt64);
  for (int threads : {1, 2}) {
    longrl::model::applyTorchThreads(threads);
    m->forward(ids);  // warm-up
    const int reps = 3;
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < reps; ++i) m->lmHead(m->forward(ids));
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / reps;
    qInfo("small preset, 512 tokens, forward + lm head, %d thread(s): %.1f ms", threads, ms);
  }
  longrl::model::applyTorchThreads(1);
}

QTEST_APPLESS_MAIN(TestInitModelCommand)
#include "TestInitModelCommand.moc"
