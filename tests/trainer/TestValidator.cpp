// train::Validator (the validation pass behind val-core/* and `longrl eval`): its batched pass
// scores every sample exactly as generating and rewarding each example alone would, tallies by
// data_source and extra_info key, and names the metrics as verl does. Plus the eval command's
// table and usage errors.
#include <QtTest/QtTest>

#include <sstream>

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
  void evalCommandPrintsTable();
  void evalCommandRefusesBadArguments();
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
    out << nlohmann::json{{"document", d.document}, {"question", d.question}, {"answer", d.answer},
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
}

void TestValidator::evalCommandPrintsTable() {
  cli::ArgList args({"--model", model_, "--data", data_, "--by", "band", "--max-new-tokens", "6", "--limit", "7"});
  std::ostringstream out, err;
  QCOMPARE(cli::evalCommand().run(args, out, err), 0);
  const std::string text = out.str();
  QVERIFY2(text.find("7 examples x 1 samples (greedy)") != std::string::npos, text.c_str());
  QVERIFY2(text.find("multihoprag") != std::string::npos && text.find("docmath") != std::string::npos, text.c_str());
  QVERIFY2(text.find("by band:") != std::string::npos, text.c_str());

  cli::ArgList json({"--model", model_, "--data", data_, "--max-new-tokens", "4", "--json"});
  std::ostringstream jout;
  QCOMPARE(cli::evalCommand().run(json, jout, err), 0);
  const auto j = nlohmann::json::parse(jout.str());
  QCOMPARE(j.at("examples").get<int>(), 9);
  QVERIFY(j.at("metrics").contains("val-core/all/acc/mean@1"));
  QCOMPARE(j.at("by_source").at("docmath").at("samples").get<int>(), 4);
}

void TestValidator::evalCommandRefusesBadArguments() {
  auto run = [&](std::vector<std::string> a) {
    cli::ArgList args(std::move(a));
    std::ostringstream out, err;
    return cli::evalCommand().run(args, out, err);
  };
  QVERIFY_THROWS_EXCEPTION(cli::UsageError, run({"--model", model_}));
  QVERIFY_THROWS_EXCEPTION(cli::UsageError, run({"--model", model_, "--data", data_, "--n", "0"}));
  QVERIFY_THROWS_EXCEPTION(cli::UsageError, run({"--model", model_, "--data", data_, "--temperature", "-1"}));
  const std::string empty = root_ + "/empty.jsonl";
  std::ofstream(empty).close();
  try {
    run({"--model", model_, "--data", empty});
    QFAIL("an empty dataset was accepted");
  } catch (const cli::UsageError& e) {
    QVERIFY2(std::string(e.what()).find(empty) != std::string::npos, e.what());
  }
}

QTEST_GUILESS_MAIN(TestValidator)
#include "TestValidator.moc"
