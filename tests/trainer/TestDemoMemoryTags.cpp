// The memory agent's tags as added tokens of a model's tokenizer (DemoMemoryTags): one token per
// tag in encode, kept by decode, new embedding rows at the mean of the rows that spelled them.
#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "TestTrainFixture.h"
#include "support/TestPaths.h"
#include "trainer/cli/DemoMemoryTags.h"
#include "trainer/safetensors/SafetensorsReader.h"
#include "trainer/safetensors/SafetensorsWriter.h"
#include "trainer/tokenizer/Tokenizer.h"

using namespace longrl;
using cli::DemoMemoryTags;

namespace {

torch::Tensor embedding(const std::string& modelDir) {
  return safetensors::SafetensorsReader(modelDir + "/model.safetensors").load("model.embed_tokens.weight");
}

}  // namespace

class TestDemoMemoryTags : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void tagsBecomeOneTokenEach() {
    // The demo preset: an embedding of 2,048 rows, more than a small corpus's tokenizer uses.
    const std::string model = test::makeTinyModel(test::freshTempDir("memory-tags"), 1.0, "demo");
    const auto before = tokenizer::Tokenizer::load(model);
    const auto rowsBefore = embedding(model);
    const std::string reply = "<memory>Ada lives in Vardun.</memory> <plan>Find the country of Vardun.</plan>";
    QVERIFY(before.encode(reply).size() > 20);

    const auto ids = DemoMemoryTags::add(model);
    QCOMPARE(ids.size(), DemoMemoryTags::tags().size());
    const auto after = tokenizer::Tokenizer::load(model);
    QCOMPARE(static_cast<std::size_t>(ids.front()), before.vocabSize());
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const auto& tag = DemoMemoryTags::tags()[i];
      QCOMPARE(after.encode(tag), std::vector<int>{ids[i]});
      QVERIFY(!after.isSpecial(ids[i]));
      // The row is the mean of the rows of the tokens that spelled the tag.
      const auto spelled = torch::tensor(before.encode(tag), torch::kLong);
      QVERIFY(torch::allclose(embedding(model)[ids[i]], rowsBefore.index_select(0, spelled).mean(0)));
    }
    // Text around the tags encodes as before; decoding (even without special tokens) keeps the tags.
    QCOMPARE(after.encode(" Ada lives in Vardun."), before.encode(" Ada lives in Vardun."));
    const auto replyIds = after.encode(reply);
    QCOMPARE(std::count_if(replyIds.begin(), replyIds.end(), [&](int id) { return id >= ids.front(); }), 4);
    QCOMPARE(after.decode(replyIds, /*skipSpecial=*/true), reply);
    // Rows other than the new ones are untouched.
    const auto rowsAfter = embedding(model);
    QVERIFY(torch::equal(rowsAfter.slice(0, 0, ids.front()), rowsBefore.slice(0, 0, ids.front())));
    QVERIFY(torch::equal(rowsAfter.slice(0, ids.back() + 1), rowsBefore.slice(0, ids.back() + 1)));
    // tokenizer_config.json lists them for HF tools.
    std::ifstream config(model + "/tokenizer_config.json");
    const auto decoder = nlohmann::json::parse(config).at("added_tokens_decoder");
    QCOMPARE(decoder.at(std::to_string(ids[1])).at("content").get<std::string>(), std::string("</memory>"));
    QCOMPARE(decoder.at(std::to_string(ids[1])).at("special").get<bool>(), false);
    // A second call finds every tag and changes nothing.
    QVERIFY(DemoMemoryTags::add(model).empty());
    QCOMPARE(tokenizer::Tokenizer::load(model).vocabSize(), after.vocabSize());
  }

  void keepLeavesTheRows() {
    const std::string model = test::makeTinyModel(test::freshTempDir("memory-tags-keep"), 1.0, "demo");
    const auto rowsBefore = embedding(model);
    const auto ids = DemoMemoryTags::add(model, /*meanInit=*/false);
    QCOMPARE(ids.size(), std::size_t(4));
    QVERIFY(torch::equal(embedding(model), rowsBefore));
    QCOMPARE(tokenizer::Tokenizer::load(model).encode("</plan>"), std::vector<int>{ids[3]});
  }

  void noFreeRowIsAnError() {
    // An embedding with exactly one row per token of the tokenizer: no row is free.
    const std::string model = test::makeTinyModel(test::freshTempDir("memory-tags-full"));
    const auto vocab = static_cast<int64_t>(tokenizer::Tokenizer::load(model).vocabSize());
    auto tensors = safetensors::SafetensorsReader(model + "/model.safetensors").loadAll();
    for (auto& [name, t] : tensors)
      if (name == "model.embed_tokens.weight" || name == "lm_head.weight") t = t.narrow(0, 0, vocab).contiguous();
    safetensors::SafetensorsWriter::write(model + "/model.safetensors", tensors);
    const auto tokenizerBefore = test::fileBytes(model + "/tokenizer.json");
    for (const bool meanInit : {true, false}) {
      try {
        DemoMemoryTags::add(model, meanInit);
        QFAIL("no error for a full embedding");
      } catch (const std::runtime_error& e) {
        QVERIFY2(std::string(e.what()).find("model.safetensors") != std::string::npos, e.what());
        QVERIFY2(std::string(e.what()).find("no free row") != std::string::npos, e.what());
      }
    }
    QCOMPARE(test::fileBytes(model + "/tokenizer.json"), tokenizerBefore);
  }
};

QTEST_GUILESS_MAIN(TestDemoMemoryTags)
#include "TestDemoMemoryTags.moc"
