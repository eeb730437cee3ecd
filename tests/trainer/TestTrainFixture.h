// Shared by the TestTrain* / TestSft* / TestGrpo* executables: a tiny model directory and tiny
// datasets built on the fly (no files checked in).
#pragma once
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config/RunConfig.h"
#include "core/dataset/PromptTemplate.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "trainer/cli/InitModelCommand.h"
#include "trainer/model/QwenPretrained.h"
#include "trainer/tokenizer/Tokenizer.h"

namespace longrl::test {

struct TinyDoc {
  std::string id;
  std::string document;
  std::string question;
  std::string answer;
  std::string dataSource = "multihoprag";
};

// Sentences about people and cities; `facts` of them.
inline std::string tinyDocument(int seed, int facts) {
  static const char* names[] = {"Alice", "Bruno", "Chen", "Dana", "Emil", "Farah", "Goran", "Hana"};
  static const char* cities[] = {"Oslo", "Lima", "Pune", "Kyiv", "Doha", "Riga", "Baku", "Nice"};
  std::ostringstream s;
  for (int i = 0; i < facts; ++i) s << names[(seed + i) % 8] << " lives in " << cities[(seed * 3 + i) % 8] << ". ";
  return s.str();
}

// A tiny Qwen3 model (preset tiny, or another init-model preset) whose BPE tokenizer was trained
// on such documents.
inline std::string makeTinyModel(const std::string& dir, double eosScale = 1.0, const std::string& preset = "tiny") {
  const std::string corpus = dir + "/corpus.txt";
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(corpus);
    for (int i = 0; i < 40; ++i) out << tinyDocument(i, 6) << "\n";
    out << "Please read the following text and answer the question below. Therefore, the answer is Where does "
           "live?\n";
  }
  const std::string model = dir + "/model";
  cli::ArgList args({"--preset", preset, model, "--seed", "7", "--tokenizer-corpus", corpus});
  std::ostringstream o, e;
  if (cli::initModelCommand().run(args, o, e) != 0) throw std::runtime_error("init-model failed: " + e.str());
  // eosScale != 1 scales the (tied) EOS embedding row, to make a random model end sooner or later.
  if (eosScale == 1.0) return model;
  auto m = model::QwenPretrained::load(model);
  {
    torch::NoGradGuard noGrad;
    const auto eos = m->config().eosTokenId;
    auto w = m->model->embed_tokens->weight;
    w[eos].mul_(eosScale);
  }
  model::QwenPretrained::save(m, model);
  return model;
}

inline void writeDataset(const std::string& path, const std::vector<TinyDoc>& docs) {
  std::ofstream out(path);
  for (const auto& d : docs)
    out << nlohmann::json{{"document", d.document},
                          {"question", d.question},
                          {"answer", d.answer},
                          {"data_source", d.dataSource},
                          {"extra_info", {{"index", std::stoll(d.id)}}}}
               .dump()
        << "\n";
}

// Prompt tokens as the trainer counts them (the chat template's user turn and generation prompt).
inline int64_t promptTokens(const tokenizer::Tokenizer& tok, const TinyDoc& d) {
  const auto user = dataset::PromptTemplate::build(d.document, d.question);
  return static_cast<int64_t>(tok.encode(tok.applyChatTemplate({{"user", user, std::nullopt}})).size());
}

inline std::vector<TinyDoc> tinyDocs(int count, int facts, int firstId = 0) {
  std::vector<TinyDoc> docs;
  for (int i = 0; i < count; ++i)
    docs.push_back({std::to_string(firstId + i), tinyDocument(i, facts), "Where does Alice live?", "Oslo"});
  return docs;
}

// A fast GRPO config: one phase, 2 prompts x 4 samples, short outputs, float32.
inline config::RunConfig tinyConfig(const std::string& modelDir, const std::string& dataPath) {
  config::RunConfig c;
  c.model.path = modelDir;
  c.model.dtype = "float32";
  c.dataset.train = {dataPath};
  config::PhaseConfig p;
  p.name = "short";
  p.maxInputTokens = 4000;
  p.maxOutputTokens = 12;
  p.steps = 2;
  c.phases = {p};
  c.grpo.rolloutN = 4;
  c.grpo.trainBatchSize = 2;
  c.grpo.ppoMiniBatchSize = 1;
  c.grpo.lr = 1e-3;
  c.grpo.temperature = 1.0;
  c.grpo.topP = 1.0;
  c.grpo.dynamicSampling.enabled = false;
  // Random models never answer: the length penalty is what makes rewards differ within a group.
  c.grpo.overlongPenalty.enabled = true;
  c.grpo.overlongPenalty.maxLen = 12;
  c.grpo.overlongPenalty.bufferLen = 8;
  c.checkpoint.everySteps = 2;
  c.checkpoint.keep = 0;
  return c;
}

// What a run's store holds of its rollouts: the rows read, their distinct keys (step, example,
// group, sample; fewer keys than rows is a duplicate) and the row count of each step.
struct StoredRollouts {
  size_t rows = 0;
  std::set<std::tuple<int64_t, std::string, int, int>> keys;
  std::map<int64_t, int> perStep;
};

inline StoredRollouts storedRollouts(const std::string& runDir) {
  store::RunStoreReader r(store::RunStore::fileIn(runDir));
  store::RolloutQuery q;
  q.limit = 100000;
  q.with_text = false;
  StoredRollouts out;
  for (const auto& x : r.rollouts(q)) {
    ++out.rows;
    out.keys.insert({x.step, x.example_id, x.group_idx, x.sample_idx});
    ++out.perStep[x.step];
  }
  return out;
}

}  // namespace longrl::test
