// `longrl plan`: its JSON (parameters, nproc from launch.nproc or --nproc, per-rank bytes that add
// up, fits), the cuda note asking for --device-memory, the errors of bad input (a model directory
// without config.json, a field of the wrong type, --nproc 0 and other bad flags), and `longrl
// --help` listing it.
#include <QtTest/QtTest>

#include <QProcess>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/cli/PlanCommand.h"
#include "core/cli/UsageError.h"
#include "support/Qwen05Config.h"
#include "support/TestPaths.h"

using namespace longrl;
using nlohmann::json;

namespace {

json qwen05() { return longrl::test::qwen05Config(); }

// A model directory with `model` as its config.json (none when null), and a run config using it
// with `extra` merged in; returns the run config's path.
std::string runConfig(const std::string& name, const json& model, json extra = json::object()) {
  const std::string dir = test::freshTempDir(name);
  std::filesystem::create_directories(dir + "/model");
  if (!model.is_null()) std::ofstream(dir + "/model/config.json") << model.dump(2);
  json run = {{"model", {{"path", dir + "/model"}}},
              {"phases", {{{"name", "only"}, {"max_input_tokens", 2000}, {"max_output_tokens", 500}}}}};
  run.merge_patch(extra);
  std::ofstream(dir + "/run.json") << run.dump(2);
  return dir + "/run.json";
}

json plan(std::vector<std::string> args) {
  cli::ArgList list(std::move(args));
  std::ostringstream out, err;
  if (cli::planCommand().run(list, out, err) != 0) throw std::runtime_error("plan failed: " + err.str());
  return json::parse(out.str());
}

// The message of what `plan` throws ("" when it throws nothing); usage: whether it was a UsageError.
std::string failure(std::vector<std::string> args, bool* usage = nullptr) {
  try {
    plan(std::move(args));
  } catch (const cli::UsageError& e) {
    if (usage) *usage = true;
    return e.what();
  } catch (const std::exception& e) {
    if (usage) *usage = false;
    return e.what();
  }
  return "";
}

}  // namespace

class TestPlanCommand : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void printsThePlanAsJson() {
    const std::string config = runConfig("plan-json", qwen05(), {{"launch", {{"nproc", 2}}}});
    json j = plan({"--config", config, "--device-memory", "1000"});
    QCOMPARE(j["parameters"].get<int64_t>(), int64_t(494032768));
    QCOMPARE(j["nproc"].get<int64_t>(), int64_t(2));  // launch.nproc
    QCOMPARE(QString::fromStdString(j["phase"].get<std::string>()), QString("only"));
    QCOMPARE(j["device_memory_bytes"].get<double>(), 1000.0 * 1024 * 1024 * 1024);
    QVERIFY(j["fits"].get<bool>());
    const json& b = j["per_rank_bytes"];
    const int64_t turn = std::max(b["activations"].get<int64_t>() + b["logits"].get<int64_t>(),
                                  b["generation_kv_cache"].get<int64_t>() + b["generation_prefill"].get<int64_t>());
    QCOMPARE(b["total"].get<int64_t>(),
             b["weights"].get<int64_t>() + b["gradients"].get<int64_t>() + b["optimizer"].get<int64_t>() + turn);
    QCOMPARE(b["weights"].get<int64_t>(), int64_t(494032768) * 2);  // bfloat16 by default
    j = plan({"--config", config, "--nproc", "3", "--device-memory", "0.5"});
    QCOMPARE(j["nproc"].get<int64_t>(), int64_t(3));
    QVERIFY(!j["fits"].get<bool>());
  }

  void microBatchTokensChangeTheActivations() {
    const std::string config = runConfig("plan-micro", qwen05());
    const json small = plan({"--config", config, "--micro-batch-tokens", "2500", "--device-memory", "1000"});
    const json large = plan({"--config", config, "--micro-batch-tokens", "65536", "--device-memory", "1000"});
    QCOMPARE(small["micro_batch"]["token_budget"].get<int64_t>(), int64_t(2500));
    QVERIFY(small["per_rank_bytes"]["activations"].get<int64_t>() <
            large["per_rank_bytes"]["activations"].get<int64_t>());
  }

  void cudaWithoutDeviceMemoryLeavesFitsOpen() {
    const std::string config = runConfig("plan-cuda", qwen05(), {{"model", {{"device", "cuda"}}}});
    const json j = plan({"--config", config});
    QVERIFY(j["fits"].is_null());
    QVERIFY(j["device_memory_bytes"].is_null());
    QVERIFY2(j["note"].get<std::string>().find("--device-memory") != std::string::npos, j.dump().c_str());
  }

  void badInputIsNamed() {
    const std::string noModel = runConfig("plan-no-config-json", nullptr);
    bool usage = true;
    std::string e = failure({"--config", noModel}, &usage);
    QVERIFY(!usage);
    QVERIFY2(e.find("/model/config.json: cannot open") != std::string::npos, e.c_str());
    json wrong = qwen05();
    wrong["num_attention_heads"] = "14";
    e = failure({"--config", runConfig("plan-wrong-type", wrong)});
    QVERIFY2(e.find("/model/config.json: field 'num_attention_heads' has the wrong type") != std::string::npos,
             e.c_str());
    const std::string good = runConfig("plan-flags", qwen05());
    e = failure({"--config", good, "--nproc", "0"}, &usage);
    QVERIFY2(usage && e.find("--nproc") != std::string::npos, e.c_str());
    e = failure({"--config", good, "--device-memory", "-1"}, &usage);
    QVERIFY2(usage && e.find("--device-memory") != std::string::npos, e.c_str());
    e = failure({"--config", good, "--micro-batch-tokens", "0"}, &usage);
    QVERIFY2(usage && e.find("--micro-batch-tokens") != std::string::npos, e.c_str());
    e = failure({"--config", good, "--nprocs", "2"}, &usage);
    QVERIFY2(usage && e.find("--nprocs") != std::string::npos, e.c_str());
    e = failure({}, &usage);
    QVERIFY2(usage && e.find("--config") != std::string::npos, e.c_str());
    e = failure({"--config", good + ".missing"}, &usage);
    QVERIFY2(!usage && e.find("run.json.missing") != std::string::npos, e.c_str());
  }

  void helpListsPlan() {
    QProcess p;
    p.start(QString::fromStdString(test::cliPath()), {"--help"});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 0);
    QVERIFY(p.readAllStandardOutput().contains("\n  plan "));
  }
};

QTEST_MAIN(TestPlanCommand)
#include "TestPlanCommand.moc"
