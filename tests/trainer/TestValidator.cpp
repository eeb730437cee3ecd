// train::Validator (the validation pass behind val-core/* and `longrl eval`): its batched pass
// scores every sample exactly as generating and rewarding each example alone would, tallies by
// data_source and extra_info key, and names the metrics as verl does. Plus the eval command's
// table and usage errors.
#include <QtTest/QtTest>

#include <cmath>
#include <sstream>
#include <vector>

#include "TestTrainFixture.h"
#include "core/cli/UsageError.h"
#include "core/dataset/DatasetReader.h"
#include "support/TestPaths.h"
#include "trainer/cli/EvalCommand.h"
#include "trainer/engine/LenientDecoder.h"
#include "trainer/engine/LoadedModel.h"
#include "trainer/train/ExampleLoader.h"
#include "trainer/train/RewardSetup.h"
#include "trainer/train/Validator.h"

using namespace longrl;

class TestValidator : public QObject {
  Q_OBJECT

  std::string root_, model_, data_;

 private Q_SLOTS:
  void initTestCase();
  void batchedPassEqualsOneByOne();
  void metricsAreNamedAsVerl();
  void summarizeRebuildsTheAccuracy();
  void evalCommandPrintsTable();
  void evalCommandRefusesBadArguments();
  void evalCommandRefusesJudgeKeyStdinMisuse();
  void evalCommandRefusesPromptsPastTheContext();
};

void TestValidator::initTestCase() {
  root_ = test::freshTempDir("validator");
  model_ = test::makeTinyModel(root_);
  // Two data sources, extra_info "band" 0/1, prompts of different lengths (the engine batches them).
  auto docs = test::tinyDocs(5, 2, 0);
  auto more = test::tinyDocs(4, 5, 10);
  for (auto& d : more) d.dataSource = "docmath", d.answer = "42";
  docs.insert(docs.end(), more.begin(), more.end());
  data_ = root_ + "/val.jsonl";
  std::ofstream out(data_);
  for (const auto& d : docs)
    out << nlohmann::json{{"document", d.document},
                          {"question", d.question},
                          {"answer", d.answer},
                          {"data_source", d.dataSource},
                          {"extra_info", {{"index", std::stoll(d.id)}, {"band", std::stoll(d.id) < 10 ? 0 : 1}}}}
               .dump()
        << "\n";
}

void TestValidator::batchedPassEqualsOneByOne() {
  auto loaded = engine::LoadedModel::load(model_);
  std::vector<train::TrainExample> examples;
  for (auto& r : dataset::DatasetReader::readFile(data_).records)
    examples.push_back(train::ExampleLoader::prepare(std::move(r), loaded.tokenizer));
  config::RunConfig cfg;
  // A short overlong window, so the random model's scores differ from sample to sample.
  cfg.grpo.overlongPenalty.maxLen = 10;
  cfg.grpo.overlongPenalty.bufferLen = 6;
  const auto reward = train::RewardSetup::make(cfg);
  auto engineOptions = loaded.engineOptions();
  engineOptions.maxPromptsPerBatch = 3;  // several batches of left-padded prompts
  engine::GenerationEngine eng(loaded.model, engineOptions);
  train::Validator validator(eng, loaded.tokenizer, *reward);
  train::Validator::Options o;
  o.maxNewTokens = 10;
  o.n = 2;
  o.temperature = 0.0;
  const auto result = validator.run(examples, o, {"band", "missing_key"});

  // The same, one example at a time.
  engine::LenientDecoder decoder(loaded.tokenizer);
  std::map<std::string, train::Validator::Tally> bySource;
  std::map<std::string, train::Validator::Tally> byBand;
  engine::SamplingParams p;
  p.temperature = 0.0;
  p.maxNewTokens = 10;
  p.n = 2;
  for (const auto& ex : examples) {
    for (const auto& s : eng.generate({ex.promptIds}, p)) {
      reward::RewardInput in;
      in.data_source = ex.record.dataSource;
      in.response = decoder.decode(s.tokenIds, true);
      in.ground_truth = reward::GroundTruth(ex.record.groundTruth);
      in.response_tokens = static_cast<long>(s.tokenIds.size());
      const auto r = reward->compute(in);
      for (auto* t : {&bySource[ex.record.dataSource], &byBand[ex.record.extraInfo.at("band").dump()]}) {
        t->accSum += r.acc ? 1 : 0;
        t->scoreSum += r.score;
        ++t->samples;
      }
    }
  }
  QCOMPARE(result.overall.samples, int64_t(18));
  QCOMPARE(result.bySource.size(), size_t(2));
  for (const auto& [source, t] : bySource) {
    QCOMPARE(result.bySource.at(source).samples, t.samples);
    QCOMPARE(result.bySource.at(source).accSum, t.accSum);
    QVERIFY2(std::abs(result.bySource.at(source).scoreSum - t.scoreSum) < 1e-9, source.c_str());
  }
  QCOMPARE(result.byExtra.count("missing_key"), size_t(0));  // no example has it: no rows
  QCOMPARE(result.byExtra.at("band").size(), size_t(2));
  for (const auto& [band, t] : byBand) QCOMPARE(result.byExtra.at("band").at(band).samples, t.samples);
  double scores = 0;
  for (const auto& [band, t] : byBand) scores += t.scoreSum;
  QVERIFY(std::abs(result.overall.scoreSum - scores) < 1e-9);
  QVERIFY(scores < 0);  // the penalty did apply: the comparison above is not between zeros
}

// A pass validated in parts (one per rank) is put back together from per-example shares: the same
// accuracy figures as one pass, by source and by band.
void TestValidator::summarizeRebuildsTheAccuracy() {
  auto loaded = engine::LoadedModel::load(model_);
  std::vector<train::TrainExample> examples;
  for (auto& r : dataset::DatasetReader::readFile(data_).records)
    examples.push_back(train::ExampleLoader::prepare(std::move(r), loaded.tokenizer));
  QVERIFY(examples.size() >= 4);
  std::vector<double> shares;
  for (size_t i = 0; i < examples.size(); ++i) shares.push_back(static_cast<double>(i % 3) / 2.0);  // 0, 0.5, 1
  const auto r = train::Validator::summarize(examples, shares, 2, {"band"});
  double sum = 0, sq = 0;
  for (double a : shares) sum += a, sq += a * a;
  const double e = static_cast<double>(shares.size()), mean = sum / e;
  QCOMPARE(r.overall.samples, static_cast<int64_t>(2 * shares.size()));
  QVERIFY(std::abs(r.overall.acc() - mean) < 1e-12);
  QVERIFY(std::abs(r.overall.accSem() - std::sqrt((sq - e * mean * mean) / (e - 1) / e)) < 1e-12);
  int64_t bySource = 0, byBand = 0;
  for (const auto& [s, t] : r.bySource) bySource += t.examples;
  for (const auto& [b, t] : r.byExtra.at("band")) byBand += t.examples;
  QCOMPARE(bySource, static_cast<int64_t>(shares.size()));
  QCOMPARE(byBand, static_cast<int64_t>(shares.size()));
  QCOMPARE(r.metrics(2).at("val-core/all/acc/mean@2"), r.overall.acc());
}

void TestValidator::metricsAreNamedAsVerl() {
  train::Validator::Result r;
  r.bySource["docmath"] = {3, 3.5, 4};
  r.bySource["multihoprag"] = {1, 1, 4};
  r.overall = {4, 4.5, 8};
  const auto m = r.metrics(4);
  QCOMPARE(m.size(), size_t(3));
  QCOMPARE(m.at("val-core/docmath/acc/mean@4"), 0.75);
  QCOMPARE(m.at("val-core/multihoprag/acc/mean@4"), 0.25);
  QCOMPARE(m.at("val-core/all/acc/mean@4"), 0.5);
  QVERIFY(train::Validator::Result{}.metrics(1).empty());

  // The standard error over examples: per-example accuracies 1, 1/2, 1/2, 0 (two samples each).
  const std::vector<double> perExample{1.0, 0.5, 0.5, 0.0};
  train::Validator::Result s;
  auto& t = s.overall;
  for (double a : perExample) {
    t.accSum += 2 * a;
    t.samples += 2;
    ++t.examples;
    t.exampleAccSqSum += a * a;
  }
  s.bySource["docmath"] = t;
  s.bySource["one"] = {1, 1, 2};
  s.bySource["one"].examples = 1;  // one example: no spread to estimate
  double sq = 0;
  for (double a : perExample) sq += (a - 0.5) * (a - 0.5);
  const double sem = std::sqrt(sq / 3.0) / std::sqrt(4.0);
  const auto ms = s.metrics(2);
  QCOMPARE(ms.size(), size_t(5));
  QVERIFY(std::abs(ms.at("val-core/all/acc/sem@2") - sem) < 1e-12);
  QVERIFY(std::abs(ms.at("val-core/docmath/acc/sem@2") - sem) < 1e-12);
  QCOMPARE(ms.count("val-core/one/acc/sem@2"), size_t(0));
  QCOMPARE(ms.at("val-core/one/acc/mean@2"), 0.5);
}

void TestValidator::evalCommandPrintsTable() {
  cli::ArgList args({"--model", model_, "--data", data_, "--by", "band", "--max-new-tokens", "6", "--limit", "7"});
  std::ostringstream out, err;
  QCOMPARE(cli::evalCommand().run(args, out, err), 0);
  const std::string text = out.str();
  QVERIFY2(text.find("7 examples") != std::string::npos, text.c_str());
  QVERIFY2(text.find("greedy: one answer per example at temperature 0") != std::string::npos, text.c_str());
  QVERIFY2(text.find("multihoprag") != std::string::npos && text.find("docmath") != std::string::npos, text.c_str());
  QVERIFY2(text.find("mean@") == std::string::npos, text.c_str());  // --k 1: no sampled columns
  QVERIFY2(text.find("by band:") != std::string::npos, text.c_str());
  QVERIFY2(err.str().find("eval progress: greedy 7/7") != std::string::npos, err.str().c_str());

  cli::ArgList json({"--model", model_, "--data", data_, "--max-new-tokens", "4", "--k", "2", "--json"});
  std::ostringstream jout;
  QCOMPARE(cli::evalCommand().run(json, jout, err), 0);
  const auto j = nlohmann::json::parse(jout.str());
  QCOMPARE(j.at("examples").get<int>(), 9);
  QCOMPARE(j.at("k").get<int>(), 2);
  QCOMPARE(j.at("sampling").at("temperature").get<double>(), 0.7);
  QCOMPARE(j.at("sampling").at("top_p").get<double>(), 0.95);
  QVERIFY(j.at("judge").is_null());
  QCOMPARE(j.at("sources").size(), size_t(2));
  QCOMPARE(j.at("sources")[0].at("data_source").get<std::string>(), std::string("docmath"));
  QCOMPARE(j.at("sources")[0].at("scorer").get<std::string>(), std::string("docmath"));
  QCOMPARE(j.at("sources")[0].at("n").get<int>(), 4);
  QCOMPARE(j.at("sources")[1].at("scorer").get<std::string>(), std::string("docqa"));
  QCOMPARE(j.at("average").at("n").get<int>(), 9);
  QVERIFY(j.at("average").at("pass_at_k").is_number());
}

void TestValidator::evalCommandRefusesBadArguments() {
  auto run = [&](std::vector<std::string> a) {
    cli::ArgList args(std::move(a));
    std::ostringstream out, err;
    return cli::evalCommand().run(args, out, err);
  };
  auto refuses = [&](std::vector<std::string> a, const std::string& mentions) {
    try {
      run(std::move(a));
    } catch (const cli::UsageError& e) {
      return std::string(e.what()).find(mentions) != std::string::npos ? std::string() : std::string(e.what());
    }
    return std::string("accepted");
  };
  QVERIFY_THROWS_EXCEPTION(cli::UsageError, run({"--model", model_}));
  const std::vector<std::string> base = {"--model", model_, "--data", data_};
  auto with = [&](std::vector<std::string> extra) {
    auto a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  for (const auto& [extra, mentions] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--n", "4"}, "--k K"},  // the old flag says what replaced it
           {{"--k", "0"}, "--k"},
           {{"--temperature", "0.5"}, "with --k 1"},
           {{"--k", "3", "--temperature", "0"}, "option --temperature expects a number > 0, got '0'"},
           {{"--k", "3", "--top-p", "1.5"}, "--top-p"},
           {{"--judge-url", "http://127.0.0.1:1/v1"}, "--judge-model"},
           {{"--judge-retries", "2"}, "--judge-url"},
           {{"--judge-url", "http://127.0.0.1:1/v1", "--judge-model", "m", "--judge-api-key-env",
             "LONGRL_NO_SUCH_VAR_X"},
            "LONGRL_NO_SUCH_VAR_X"},
           {{"--config", "x.json", "--judge-url", "http://127.0.0.1:1/v1"}, "not both"},
       }) {
    const std::string problem = refuses(with(extra), mentions);
    QVERIFY2(problem.empty(), (extra[0] + ": " + problem).c_str());
  }
  const std::string empty = root_ + "/empty.jsonl";
  std::ofstream(empty).close();
  QVERIFY(refuses({"--model", model_, "--data", empty}, empty).empty());
  // An unknown data_source fails before generating, naming file:line and the routing table.
  const std::string unknown = root_ + "/unknown.jsonl";
  std::ofstream(unknown)
      << nlohmann::json{{"document", "d"}, {"question", "q"}, {"answer", "a"}, {"data_source", "musique"}}.dump()
      << "\n"
      << nlohmann::json{{"document", "d"}, {"question", "q"}, {"answer", "a"}, {"data_source", "gsm8k"}}.dump() << "\n";
  const std::string problem = refuses({"--model", model_, "--data", unknown}, unknown + ":2: data_source 'gsm8k'");
  QVERIFY2(problem.empty(), problem.c_str());
  QVERIFY(refuses({"--model", model_, "--data", unknown}, "hotpotqa[_...] -> docqa").empty());
}

// --judge-api-key-stdin: refused beside --judge-api-key-env, --config or without a judge, and
// stdin is not read then (nor when another option is wrong); an empty first line is no key. (The
// key reaching the judge: TestEvalJudge.)
void TestValidator::evalCommandRefusesJudgeKeyStdinMisuse() {
  const std::vector<std::string> judge = {"--model",       model_,        "--data",
                                          data_,           "--judge-url", "http://127.0.0.1:1/v1",
                                          "--judge-model", "m",           "--judge-api-key-stdin"};
  auto refusal = [&](std::vector<std::string> a, const std::string& stdinText, bool expectRead) {
    std::istringstream in(stdinText);
    cli::ArgList args(std::move(a));
    std::ostringstream out, err;
    std::string why = "accepted";
    try {
      cli::evalCommand(in).run(args, out, err);
    } catch (const cli::UsageError& e) {
      why = e.what();
    }
    const bool read = in.tellg() != std::streampos(0);
    if (read != expectRead) why += read ? " (stdin was read)" : " (stdin was not read)";
    return why;
  };
  auto with = [&](std::vector<std::string> extra) {
    auto a = judge;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  QCOMPARE(refusal(with({"--judge-api-key-env", "OPENAI_API_KEY"}), "k\n", false),
           std::string("--judge-api-key-env and --judge-api-key-stdin both give the judge's API key: give one"));
  QCOMPARE(refusal({"--model", model_, "--data", data_, "--judge-api-key-stdin"}, "k\n", false),
           std::string("--judge-* options need --judge-url and --judge-model"));
  QCOMPARE(refusal({"--model", model_, "--data", data_, "--config", "x.json", "--judge-api-key-stdin"}, "k\n", false),
           std::string("give the judge by --config or by --judge-* options, not both"));
  QCOMPARE(refusal(with({"--jsn"}), "k\n", false), std::string("unknown argument '--jsn'"));
  for (const std::string& empty : {std::string(), std::string("\n"), std::string("\r\nkey on the second line\n")})
    QCOMPARE(refusal(judge, empty, true), std::string("--judge-api-key-stdin: stdin held no key"));
}

// The tiny model reads 4,096 tokens: prompts that do not fit with --max-new-tokens are refused
// before anything is generated, naming file:line, the example and the lengths, and how many more
// do not fit; the model would otherwise run on past its context.
void TestValidator::evalCommandRefusesPromptsPastTheContext() {
  auto refusal = [&](std::vector<std::string> a) {
    cli::ArgList args(std::move(a));
    std::ostringstream out, err;
    try {
      cli::evalCommand().run(args, out, err);
    } catch (const cli::UsageError& e) {
      if (err.str().find("eval progress") != std::string::npos) return "refused after generating: " + err.str();
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  // Short prompts, but 5,000 new tokens: every example is past the context.
  std::string why = refusal({"--model", model_, "--data", data_, "--max-new-tokens", "5000"});
  for (const std::string& part :
       std::vector<std::string>{data_ + ":1", "--max-new-tokens 5000", "context of 4096 tokens", "9 of the 9"})
    QVERIFY2(why.find(part) != std::string::npos, (part + " not in: " + why).c_str());

  // One long document among short ones: that one is named, with its prompt's length.
  const std::string longData = root_ + "/long.jsonl";
  {
    std::string document;
    for (int i = 0; document.size() < 30000; ++i) document += "Sentence " + std::to_string(i) + " of a long text. ";
    std::ofstream out(longData);
    out << nlohmann::json{{"document", "short"}, {"question", "q"}, {"answer", "a"}, {"data_source", "hotpotqa"}}.dump()
        << "\n"
        << nlohmann::json{{"document", document},
                          {"question", "q"},
                          {"answer", "a"},
                          {"data_source", "hotpotqa"},
                          {"extra_info", {{"index", 77}}}}
               .dump()
        << "\n";
  }
  auto loaded = engine::LoadedModel::load(model_);
  const auto records = dataset::DatasetReader::readFile(longData).records;
  const auto promptTokens = train::ExampleLoader::prepare(records[1], loaded.tokenizer).inputTokens();
  QVERIFY2(promptTokens > 4096, qPrintable(QString("the long prompt is only %1 tokens").arg(promptTokens)));
  why = refusal({"--model", model_, "--data", longData, "--max-new-tokens", "4"});
  for (const std::string& part :
       std::vector<std::string>{longData + ":2", "example 77", "prompt is " + std::to_string(promptTokens) + " tokens",
                                "context of 4096 tokens"})
    QVERIFY2(why.find(part) != std::string::npos, (part + " not in: " + why).c_str());
  QVERIFY2(why.find(" of the 2 examples") == std::string::npos, why.c_str());  // only one does not fit
}

QTEST_GUILESS_MAIN(TestValidator)
#include "TestValidator.moc"
