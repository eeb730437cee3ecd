#include "trainer/cli/InitModelCommand.h"

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/cli/OptionLimits.h"
#include "core/cli/UsageError.h"
#include "trainer/model/ModelSize.h"
#include "trainer/model/QwenForCausalLM.h"
#include "trainer/model/QwenPretrained.h"
#include "trainer/model/TorchThreads.h"
#include "trainer/tokenizer/Tokenizer.h"
#include "trainer/tokenizer/TokenizerBuilder.h"

namespace longrl::cli {
namespace {

const char* kPresets = "tiny|demo|small|qwen2-tiny|qwen3-yarn-tiny|qwen3-moe-tiny|qwen2.5-0.5b";

// A real model's tokenizer (tokenizer.json + tokenizer_config.json from `from`) instead of a
// generated one: e.g. the Qwen3 tokenizer beside a random model of a real shape.
std::vector<std::string> copyTokenizer(const std::string& outDir, const std::string& from, model::QwenConfig& config) {
  std::vector<std::string> files;
  for (const char* f : {"tokenizer.json", "tokenizer_config.json"}) {
    const auto src = std::filesystem::path(from) / f;
    if (!std::filesystem::exists(src)) throw UsageError("--tokenizer-from " + from + ": no " + f + " there");
    std::filesystem::copy_file(src, std::filesystem::path(outDir) / f,
                               std::filesystem::copy_options::overwrite_existing);
    files.emplace_back(f);
  }
  const auto tok = tokenizer::Tokenizer::load(outDir);
  if (static_cast<int64_t>(tok.vocabSize()) > config.vocabSize)
    throw UsageError("--tokenizer-from " + from + ": its " + std::to_string(tok.vocabSize()) +
                     " ids do not fit vocab_size " + std::to_string(config.vocabSize));
  config.bosTokenId = tok.padId();
  config.eosTokenId = tok.eosId();
  return files;
}

// The place where a tokenizer joins the model directory: a small byte-level BPE tokenizer
// (TokenizerBuilder) trained on `corpusPath` (no merges without one), sized so that its ids fit
// the model's vocabulary. Sets the special token ids in `config`. Returns the files written.
std::vector<std::string> writeTokenizer(const std::string& outDir, const std::string& corpusPath,
                                        model::QwenConfig& config) {
  tokenizer::TokenizerBuilder::Options options;
  const auto extra = static_cast<int64_t>(options.specialTokens.size() + options.addedTokens.size());
  if (config.vocabSize < 256 + extra)
    throw UsageError("--vocab-size must be at least " + std::to_string(256 + extra) +
                     " (256 byte tokens + special and added tokens)");
  options.vocabSize = static_cast<size_t>(config.vocabSize - extra);
  options.modelMaxLength = config.maxPositionEmbeddings;
  tokenizer::TokenizerBuilder builder(options);
  if (!corpusPath.empty()) {
    std::ifstream in(corpusPath, std::ios::binary);
    if (!in) throw UsageError("cannot read --tokenizer-corpus " + corpusPath);
    std::string line;
    while (std::getline(in, line)) builder.addText(line + "\n");
  }
  builder.write(outDir);
  const auto tok = tokenizer::Tokenizer::load(outDir);
  if (static_cast<int64_t>(tok.vocabSize()) > config.vocabSize)
    throw std::runtime_error("tokenizer has " + std::to_string(tok.vocabSize()) + " ids, more than vocab_size " +
                             std::to_string(config.vocabSize));
  // As Qwen3's config: bos = <|endoftext|> (also the pad token), eos = <|im_end|>.
  config.bosTokenId = tok.padId();
  config.eosTokenId = tok.eosId();
  return {"tokenizer.json", "tokenizer_config.json"};
}

}  // namespace

model::QwenConfig initModelPreset(const std::string& preset) {
  model::QwenConfig c;
  c.modelType = "qwen3";
  c.tieWordEmbeddings = true;
  c.attentionBias = false;
  c.rmsNormEps = 1e-6;
  c.ropeTheta = 1000000.0;
  if (preset == "tiny") {
    c.numHiddenLayers = 2;
    c.hiddenSize = 64;
    c.numAttentionHeads = 4;
    c.numKeyValueHeads = 2;
    c.headDim = 16;
    c.intermediateSize = 192;
    c.vocabSize = 512;
    c.maxPositionEmbeddings = 4096;
  } else if (preset == "demo") {
    // About 1M parameters: fast enough on 2 CPU cores for the demo's SFT and GRPO to take minutes,
    // with enough heads to learn to copy facts from a few-hundred-token document.
    c.numHiddenLayers = 4;
    c.hiddenSize = 128;
    c.numAttentionHeads = 4;
    c.numKeyValueHeads = 2;
    c.headDim = 32;
    c.intermediateSize = 384;
    c.vocabSize = 2048;
    c.maxPositionEmbeddings = 4096;
  } else if (preset == "small") {
    c.numHiddenLayers = 4;
    c.hiddenSize = 256;
    c.numAttentionHeads = 8;
    c.numKeyValueHeads = 4;
    c.headDim = 32;
    c.intermediateSize = 768;
    c.vocabSize = 8192;
    c.maxPositionEmbeddings = 32768;
  } else if (preset == "qwen2-tiny") {
    // tiny's sizes as Qwen2: q/k/v biases, no q/k norm, head_dim = hidden / heads.
    c = initModelPreset("tiny");
    c.modelType = "qwen2";
    c.attentionBias = true;
  } else if (preset == "qwen3-yarn-tiny") {
    // tiny with YaRN on (as Qwen3 configs for long inputs): trained window 256, 4x to 1024.
    c = initModelPreset("tiny");
    c.maxPositionEmbeddings = 1024;
    c.ropeScaling.type = model::RopeScaling::Type::Yarn;
    c.ropeScaling.factor = 4.0;
    c.ropeScaling.originalMaxPositionEmbeddings = 256;
  } else if (preset == "qwen3-moe-tiny") {
    // Qwen3-30B-A3B's architecture in miniature: 8 experts, top-2 (renormalised), every layer
    // sparse but layer 1 (dense, to exercise mlp_only_layers). Two experts of 96 make the same
    // active MLP width as tiny's 192.
    c = initModelPreset("tiny");
    c.modelType = "qwen3_moe";
    c.numHiddenLayers = 3;
    c.moe.numExperts = 8;
    c.moe.numExpertsPerTok = 2;
    c.moe.moeIntermediateSize = 96;
    c.moe.normTopkProb = true;
    c.moe.decoderSparseStep = 1;
    c.moe.mlpOnlyLayers = {1};
    c.moe.routerAuxLossCoef = 0.001;
    c.moe.outputRouterLogits = false;  // as Qwen3-30B-A3B: the aux loss is reported, not trained on
  } else if (preset == "qwen2.5-0.5b") {
    // Qwen2.5-0.5B's shape (494M parameters; random weights): for memory and speed at real size.
    c.modelType = "qwen2";
    c.attentionBias = true;
    c.numHiddenLayers = 24;
    c.hiddenSize = 896;
    c.numAttentionHeads = 14;
    c.numKeyValueHeads = 2;
    c.headDim = 64;
    c.intermediateSize = 4864;
    c.vocabSize = 151936;
    c.maxPositionEmbeddings = 32768;
  } else {
    throw UsageError("unknown --preset '" + preset + "' (one of " + kPresets + ")");
  }
  return c;
}

Command initModelCommand() {
  Command c;
  c.name = "init-model";
  c.usage = std::string("--preset ") + kPresets +
            " OUT_DIR [--seed N] [--vocab-size N] [--dtype float32|bfloat16|float16] [--threads N] [--tokenizer-corpus "
            "TEXT_FILE | --tokenizer-from DIR]";
  c.summary =
      "write a randomly initialised Qwen3, Qwen2 or Qwen3-MoE model (HF layout); qwen3-yarn-tiny has YaRN rope_scaling";
  c.run = [](ArgList& args, std::ostream& out, std::ostream& err) -> int {
    const std::string preset = args.require("preset");
    const long long seed = args.takeInt("seed", 0, limits::kMaxSeed, 0);
    // A tokenizer needs at least two ids; 16M is far beyond any real vocabulary.
    const auto vocab = args.takeInt("vocab-size", 2, 1LL << 24);
    const std::string dtypeName = args.takeOr("dtype", "float32");
    const int threads = static_cast<int>(args.takeThreads());
    const std::string corpus = args.takeOr("tokenizer-corpus", "");
    const std::string tokenizerFrom = args.takeOr("tokenizer-from", "");
    auto positionals = args.takePositionals();
    args.finish();
    if (positionals.size() != 1) throw UsageError("expected exactly one OUT_DIR");
    const std::string dir = positionals[0];
    torch::Dtype dtype;
    try {
      dtype = model::QwenPretrained::dtypeFromName(dtypeName);
    } catch (const std::exception& e) {
      throw UsageError(e.what());
    }
    model::QwenConfig config = initModelPreset(preset);
    if (vocab) config.vocabSize = *vocab;
    // Before anything is written: a size past memory fails here, naming the flag, not in LibTorch.
    const std::string source = "--preset " + preset + (vocab ? " --vocab-size " + std::to_string(*vocab) : "");
    try {
      config.validate(source);
      model::ModelSize::requireFits(config, source);
    } catch (const model::ModelConfigError& e) {
      throw UsageError(e.what());
    }
    model::applyTorchThreads(threads);
    std::filesystem::create_directories(dir);
    if (!corpus.empty() && !tokenizerFrom.empty())
      throw UsageError("--tokenizer-corpus and --tokenizer-from exclude each other");
    const auto tokenizerFiles =
        tokenizerFrom.empty() ? writeTokenizer(dir, corpus, config) : copyTokenizer(dir, tokenizerFrom, config);
    if (corpus.empty() && tokenizerFrom.empty())
      err << "init-model: no --tokenizer-corpus: the tokenizer has byte tokens only (no merges)\n";
    model::QwenForCausalLM m(config);
    m->initWeights(static_cast<uint64_t>(seed));
    m->to(dtype);
    model::QwenPretrained::save(m, dir);
    nlohmann::json summary = {{"dir", dir},
                              {"preset", preset},
                              {"parameters", m->parameterCount()},
                              {"active_parameters", m->activeParameterCount()},
                              {"vocab_size", config.vocabSize},
                              {"seed", seed},
                              {"torch_dtype", model::QwenPretrained::dtypeName(dtype)},
                              {"tokenizer_files", tokenizerFiles}};
    out << summary.dump() << "\n";
    return 0;
  };
  return c;
}

}  // namespace longrl::cli
