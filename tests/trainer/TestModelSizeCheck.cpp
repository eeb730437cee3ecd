// A model config of absurd size (vocab_size 10^12, an intermediate_size past any memory) is refused
// before anything is allocated, naming config.json and the field, instead of ending in LibTorch's
// allocation error and stack trace. ModelSize counts exactly what QwenForCausalLM allocates.
#include <QtTest/QtTest>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/cli/UsageError.h"
#include "support/TestPaths.h"
#include "trainer/cli/InitModelCommand.h"
#include "trainer/model/ModelSize.h"
#include "trainer/model/QwenForCausalLM.h"
#include "trainer/model/QwenPretrained.h"
#include "trainer/model/TorchThreads.h"

using namespace longrl;
using nlohmann::json;

namespace {

// A tiny model directory (real weights) whose config.json then gets `key` = `value`.
std::string modelWith(const std::string& name, const std::string& key, const json& value) {
  const std::string dir = test::freshTempDir(name) + "/model";
  cli::ArgList args({"--preset", "tiny", dir});
  std::ostringstream o, e;
  if (cli::initModelCommand().run(args, o, e) != 0) throw std::runtime_error("init-model failed: " + e.str());
  json config;
  std::ifstream(dir + "/config.json") >> config;
  config[key] = value;
  std::ofstream(dir + "/config.json") << config.dump(2);
  return dir;
}

// The message of the ModelConfigError `f` throws ("" when it throws none).
template <typename F> std::string configError(F f) {
  try {
    f();
  } catch (const model::ModelConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

class TestModelSizeCheck : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { model::applyTorchThreads(1); }
  void countsWhatTheModelAllocates();
  void refusesWhatDoesNotFit();
  void absurdVocabNamesTheField();
  void hugeIntermediateSizeIsRefusedBeforeAllocating();
  void cliSaysWhichFieldWithoutAStackTrace();
};

void TestModelSizeCheck::countsWhatTheModelAllocates() {
  for (const std::string preset : {"tiny", "qwen2-tiny", "qwen3-moe-tiny", "qwen3-yarn-tiny"}) {
    for (const bool tied : {true, false}) {
      auto c = cli::initModelPreset(preset);
      c.tieWordEmbeddings = tied;
      model::QwenForCausalLM m(c);
      QVERIFY2(model::ModelSize::parameters(c) == static_cast<double>(m->parameterCount()),
               qPrintable(QString("%1 (tied %2): counted %3, allocated %4")
                              .arg(QString::fromStdString(preset))
                              .arg(tied)
                              .arg(model::ModelSize::parameters(c))
                              .arg(m->parameterCount())));
    }
  }
}

// With the memory figure given: the tiny model (~100K float32 parameters) does not fit in 1 KiB,
// and the message names the source, the sizes and the largest part's fields.
void TestModelSizeCheck::refusesWhatDoesNotFit() {
  const auto c = cli::initModelPreset("tiny");
  model::ModelSize::requireFits(c, "x/config.json", uint64_t{1} << 40);
  model::ModelSize::requireFits(c, "x/config.json", 0);  // unknown: not checked
  const std::string why = configError([&] { model::ModelSize::requireFits(c, "x/config.json", 1024); });
  for (const std::string part : {"x/config.json", "parameters", "1.0 KiB of memory available", "hidden_size 64"})
    QVERIFY2(why.find(part) != std::string::npos, (part + " not in: " + why).c_str());
}

void TestModelSizeCheck::absurdVocabNamesTheField() {
  const std::string dir = modelWith("size-vocab", "vocab_size", int64_t{1000000000000});
  const std::string why = configError([&] { model::QwenPretrained::load(dir); });
  QVERIFY2(why.find(dir + "/config.json") != std::string::npos, why.c_str());
  QVERIFY2(why.find("vocab_size") != std::string::npos, why.c_str());
  QVERIFY2(why.find("1000000000000") != std::string::npos, why.c_str());
}

// 2 layers x 3 x 64 x 2^44: petabytes. Refused by the memory check, naming the MLPs' fields.
void TestModelSizeCheck::hugeIntermediateSizeIsRefusedBeforeAllocating() {
  if (model::ModelSize::availableMemoryBytes() == 0) QSKIP("no /proc/meminfo here");
  const std::string dir = modelWith("size-mlp", "intermediate_size", int64_t{1} << 44);
  const std::string why = configError([&] { model::QwenPretrained::load(dir); });
  for (const std::string& part :
       {dir + "/config.json", std::string("intermediate_size 17592186044416"), std::string("of memory available")})
    QVERIFY2(why.find(part) != std::string::npos, (part + " not in: " + why).c_str());
}

void TestModelSizeCheck::cliSaysWhichFieldWithoutAStackTrace() {
  const std::string dir = modelWith("size-cli", "vocab_size", int64_t{1000000000000});
  QProcess p;
  p.start(QString::fromStdString(test::cliPath()),
          {"generate", "--model", QString::fromStdString(dir), "--prompt", "hi", "--max-new-tokens", "2"});
  QVERIFY(p.waitForFinished(60000));
  const QByteArray err = p.readAllStandardError();
  QCOMPARE(p.exitCode(), 1);
  QVERIFY2(err.contains("config.json") && err.contains("vocab_size"), err.constData());
  QVERIFY2(!err.contains("Exception raised from") && !err.contains("frame #"), err.constData());

  // init-model refuses such a flag before writing anything (its range check names it).
  const std::string out = test::freshTempDir("size-init") + "/model";
  cli::ArgList args({"--preset", "tiny", out, "--vocab-size", "1000000000000"});
  std::ostringstream o, e;
  try {
    cli::initModelCommand().run(args, o, e);
    QFAIL("init-model accepted --vocab-size 10^12");
  } catch (const cli::UsageError& u) {
    const std::string what = u.what();
    QVERIFY2(what.find("--vocab-size") != std::string::npos && what.find("1000000000000") != std::string::npos,
             u.what());
  }
  QVERIFY(!QFileInfo::exists(QString::fromStdString(out)));
}

QTEST_GUILESS_MAIN(TestModelSizeCheck)
#include "TestModelSizeCheck.moc"
