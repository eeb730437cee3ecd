// Models whose tokenizer carries a real chat template (DeepSeek-R1-Distill-Qwen, which opens <think>
// in its generation prompt, and Qwen3), end to end: rollout / eval prompt ids, an SFT warm-up and a
// GRPO step, `longrl eval`, and `longrl serve` (prompt, reasoning_content plain and streamed), each
// checked against python3 jinja2 rendering the same template.
#include <QtTest/QtTest>

#include <filesystem>
#include <sstream>

#include "TestTrainFixture.h"
#include "core/dataset/DatasetReader.h"
#include "support/ChatTemplates.h"
#include "support/TestPaths.h"
#include "trainer/cli/EvalCommand.h"
#include "trainer/engine/GenerationEngine.h"
#include "trainer/engine/LenientDecoder.h"
#include "trainer/engine/LoadedModel.h"
#include "trainer/model/TorchThreads.h"
#include "trainer/serve/ChatResponseBuilder.h"
#include "trainer/serve/ChatServer.h"
#include "trainer/serve/Httplib.h"
#include "trainer/tokenizer/ThinkSplit.h"
#include "trainer/train/ExampleLoader.h"
#include "trainer/train/TrainingRun.h"

namespace fs = std::filesystem;
using namespace longrl;
using longrl::test::ChatFamily;
using nlohmann::json;

namespace {

struct Streamed {
  std::string content, reasoning;
  bool sawReasoning = false;
};

// The content and reasoning_content deltas of an SSE body, concatenated.
Streamed parseStream(const std::string& body) {
  Streamed s;
  for (size_t pos = 0; pos < body.size();) {
    const size_t end = body.find("\n\n", pos);
    if (end == std::string::npos) throw std::runtime_error("unterminated event: " + body.substr(pos));
    const std::string data = body.substr(pos + 6, end - pos - 6);
    pos = end + 2;
    if (data == "[DONE]") break;
    const auto j = json::parse(data);
    if (j["choices"].empty()) continue;
    const auto& d = j["choices"][0]["delta"];
    if (d.contains("content")) s.content += d["content"].get<std::string>();
    if (d.contains("reasoning_content")) {
      s.sawReasoning = true;
      s.reasoning += d["reasoning_content"].get<std::string>();
    }
  }
  return s;
}

}  // namespace

class TestChatTemplateModels : public QObject {
  Q_OBJECT
  std::string root_, data_;
  std::map<ChatFamily, std::string> models_;

  std::string reference(const tokenizer::Tokenizer& tok, const std::string& user, const json& extra = json::object()) {
    std::string why;
    const auto r = test::referenceRender(tok.chatTemplateText(), json::array({{{"role", "user"}, {"content", user}}}),
                                         true, extra, tok.bosToken(), tok.eosToken(), &why);
    if (!r) throw std::runtime_error("no reference: " + why);
    return *r;
  }

 private Q_SLOTS:
  void initTestCase();
  void rolloutPromptIds_data();
  void rolloutPromptIds();
  void grpoStepWithR1Template();
  void evalWithR1Template();
  void serveReasoning_data();
  void serveReasoning();
  void serveEnableThinkingSwitch();
  void responseBuilderReadsOpenedThinking();
};

void TestChatTemplateModels::initTestCase() {
  std::string why;
  if (!test::referenceRender("x", json::array(), false, json::object(), "", "", &why))
    QSKIP(("no python3 jinja2 reference: " + why).c_str());
  model::applyTorchThreads(1);
  root_ = test::freshTempDir("chat-template-models");
  for (auto f : {ChatFamily::R1Distill, ChatFamily::Qwen3}) {
    const std::string dir = root_ + (f == ChatFamily::R1Distill ? "/r1" : "/qwen3");
    const std::string model = test::makeTinyModel(dir);
    test::retokenizeModel(model, dir + "/corpus.txt", f);
    models_[f] = model;
  }
  data_ = root_ + "/train.jsonl";
  test::writeDataset(data_, test::tinyDocs(3, 4));
}

void TestChatTemplateModels::rolloutPromptIds_data() {
  QTest::addColumn<int>("family");
  QTest::newRow("r1") << int(ChatFamily::R1Distill);
  QTest::newRow("qwen3") << int(ChatFamily::Qwen3);
}

// The prompt a rollout, validation and `longrl eval` generate from (ExampleLoader::prepare).
void TestChatTemplateModels::rolloutPromptIds() {
  QFETCH(int, family);
  const auto tok = tokenizer::Tokenizer::load(models_.at(ChatFamily(family)));
  for (auto& r : dataset::DatasetReader::readFile(data_).records) {
    const std::string user = dataset::PromptTemplate::build(r.document, r.question);
    const auto e = train::ExampleLoader::prepare(std::move(r), tok);
    const std::string ref = reference(tok, user);
    QCOMPARE(e.promptIds, tok.encode(ref));
    QCOMPARE(ref.size() >= 8 && ref.substr(ref.size() - 8) == "<think>\n", family == int(ChatFamily::R1Distill));
  }
}

// SFT warm-up, then a GRPO step on the R1-templated model: it runs, and the stored rollouts' prompts
// are the template's.
void TestChatTemplateModels::grpoStepWithR1Template() {
  const std::string model = models_.at(ChatFamily::R1Distill);
  const std::string sft = root_ + "/sft.jsonl";
  {
    std::ofstream out(sft);
    for (const auto& d : test::tinyDocs(2, 3))
      out << json{{"document", d.document},
                  {"question", d.question},
                  {"data_source", d.dataSource},
                  {"answer", "<think>\nThe text says so.\n</think>\n\nTherefore, the answer is " + d.answer + "."}}
                 .dump()
          << "\n";
  }
  auto cfg = test::tinyConfig(model, data_);
  cfg.phases[0].steps = 1;
  cfg.checkpoint.everySteps = 1;
  cfg.sft.enabled = true;
  cfg.sft.train = {sft};
  cfg.sft.steps = 1;
  cfg.sft.batchSize = 2;
  const std::string runDir = root_ + "/run-r1";
  std::ostringstream log;
  train::TrainOptions o;
  o.runDir = runDir;
  o.log = &log;
  QCOMPARE(train::TrainingRun(cfg, o).run(), std::string("finished"));
  const auto tok = tokenizer::Tokenizer::load(model);
  std::map<std::string, int64_t> promptTokens;
  for (const auto& d : test::tinyDocs(3, 4))
    promptTokens[d.id] =
        static_cast<int64_t>(tok.encode(reference(tok, dataset::PromptTemplate::build(d.document, d.question))).size());
  store::RunStoreReader r(store::RunStore::fileIn(runDir));
  store::RolloutQuery q;
  q.limit = 1000;
  const auto rows = r.rollouts(q);
  QCOMPARE(rows.size(), size_t(8));  // 2 prompts x 4 samples
  for (const auto& x : rows) QCOMPARE(x.prompt_tokens, promptTokens.at(x.example_id));
}

void TestChatTemplateModels::evalWithR1Template() {
  cli::ArgList args({"--model", models_.at(ChatFamily::R1Distill), "--data", data_, "--max-new-tokens", "6", "--json"});
  std::ostringstream out, err;
  QCOMPARE(cli::evalCommand().run(args, out, err), 0);
  const auto j = json::parse(out.str());
  QCOMPARE(j.at("examples").get<int>(), 3);
}

void TestChatTemplateModels::serveReasoning_data() {
  QTest::addColumn<int>("family");
  QTest::newRow("r1") << int(ChatFamily::R1Distill);
  QTest::newRow("qwen3") << int(ChatFamily::Qwen3);
}

// The prompt is the template's; content is the completion as generated; the thinking goes apart in
// reasoning_content: for R1, whose prompt opened the block, all text before </think> (all of an
// unclosed response when streamed), for Qwen3 only a response that opens the block itself.
void TestChatTemplateModels::serveReasoning() {
  QFETCH(int, family);
  const auto f = ChatFamily(family);
  serve::ChatServerOptions so;
  so.modelName = "m";
  serve::ChatServer server(engine::LoadedModel::load(models_.at(f)), so);
  httplib::Client client("127.0.0.1", server.start());
  client.set_read_timeout(60, 0);
  auto reference = engine::LoadedModel::load(models_.at(f));
  const std::string user = "Where does Alice live?";
  const auto promptIds = reference.tokenizer.encode(this->reference(reference.tokenizer, user));
  for (int maxTokens : {6, 24}) {
    json body = {{"messages", {{{"role", "user"}, {"content", user}}}}, {"max_tokens", maxTokens}, {"temperature", 0}};
    const auto plainRes = client.Post("/v1/chat/completions", body.dump(), "application/json");
    QVERIFY(plainRes);
    QCOMPARE(plainRes->status, 200);
    const auto plain = json::parse(plainRes->body);
    QCOMPARE(plain["usage"]["prompt_tokens"].get<size_t>(), promptIds.size());
    // The engine on the reference prompt gives the same text.
    engine::GenerationEngine eng(reference.model, reference.engineOptions());
    engine::SamplingParams p;
    p.temperature = 0;
    p.maxNewTokens = maxTokens;
    auto s = eng.generate({promptIds}, p)[0];
    if (s.stopTokenId >= 0) s.tokenIds.pop_back();
    const std::string text = engine::LenientDecoder(reference.tokenizer).decode(s.tokenIds);
    const auto& message = plain["choices"][0]["message"];
    QCOMPARE(message["content"].get<std::string>(), text);
    const auto split = tokenizer::ThinkSplit::split(text);
    QCOMPARE(message.contains("reasoning_content"), split.closed);
    if (split.closed) QCOMPARE(message["reasoning_content"].get<std::string>(), split.thinking);

    body["stream"] = true;
    const auto streamRes = client.Post("/v1/chat/completions", body.dump(), "application/json");
    QVERIFY(streamRes);
    const auto st = parseStream(streamRes->body);
    QCOMPARE(st.content, text);
    const bool thinking = f == ChatFamily::R1Distill || text.find_first_not_of(" \n") == text.find("<think>");
    QCOMPARE(st.reasoning, thinking ? split.thinking : std::string());
    if (f == ChatFamily::R1Distill) QCOMPARE(st.sawReasoning, !split.thinking.empty());
  }
  server.stop();
}

// chat_template_kwargs reach the template: Qwen3's enable_thinking=false closes an empty block.
void TestChatTemplateModels::serveEnableThinkingSwitch() {
  serve::ChatServerOptions so;
  serve::ChatServer server(engine::LoadedModel::load(models_.at(ChatFamily::Qwen3)), so);
  httplib::Client client("127.0.0.1", server.start());
  client.set_read_timeout(60, 0);
  const auto tok = tokenizer::Tokenizer::load(models_.at(ChatFamily::Qwen3));
  for (bool enable : {false, true}) {
    const json body = {{"messages", {{{"role", "user"}, {"content", "hi"}}}},
                       {"max_tokens", 2},
                       {"chat_template_kwargs", {{"enable_thinking", enable}}}};
    const auto res = client.Post("/v1/chat/completions", body.dump(), "application/json");
    QVERIFY(res);
    const std::string ref = reference(tok, "hi", {{"enable_thinking", enable}});
    QCOMPARE(json::parse(res->body)["usage"]["prompt_tokens"].get<size_t>(), tok.encode(ref).size());
    QCOMPARE(ref.find("</think>") != std::string::npos, !enable);
  }
  server.stop();
}

// An R1 completion (no opening tag) gives the reasoning_content a tagged one gives.
void TestChatTemplateModels::responseBuilderReadsOpenedThinking() {
  serve::ChatResponseBuilder b("id", 0, "m");
  const std::string body = "Alice lives in Oslo.\n</think>\n\nTherefore, the answer is Oslo.";
  const auto opened = b.completion({{body, "stop", 3}}, 5), tagged = b.completion({{"<think>\n" + body, "stop", 3}}, 5);
  QCOMPARE(opened["choices"][0]["message"]["reasoning_content"].get<std::string>(),
           std::string("Alice lives in Oslo."));
  QCOMPARE(opened["choices"][0]["message"]["reasoning_content"], tagged["choices"][0]["message"]["reasoning_content"]);
  QCOMPARE(opened["choices"][0]["message"]["content"].get<std::string>(), body);
}

QTEST_GUILESS_MAIN(TestChatTemplateModels)
#include "TestChatTemplateModels.moc"
