// `longrl checkpoints RUN_DIR`: a run directory built by hand (complete checkpoints, one without
// its state.json, a .tmp-step being written, a store with a done and a running phase, saved
// evaluations, one of them damaged) listed as the trainer and the studio see it; a store that
// cannot be read; and directories that are not runs.
#include <QtTest/QtTest>

#include <fcntl.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/cli/CheckpointsCommand.h"
#include "core/cli/UsageError.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreWriter.h"
#include "core/store/StoreError.h"
#include "support/TestPaths.h"

using namespace longrl;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

void writeFile(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

// A checkpoint of `modelBytes + state bytes` whose state.json was last written at `mtime`.
std::uintmax_t addCheckpoint(const fs::path& dir, std::size_t modelBytes, std::time_t mtime) {
  writeFile(dir / "model.safetensors", std::string(modelBytes, 'w'));
  writeFile(dir / ".hidden", "xyz");
  const std::string state = R"({"step":1})";
  writeFile(dir / "trainer_state" / "state.json", state);
  const timespec times[2] = {{mtime, 0}, {mtime, 0}};
  ::utimensat(AT_FDCWD, (dir / "trainer_state" / "state.json").c_str(), times, 0);
  return modelBytes + 3 + state.size();
}

std::string run(std::vector<std::string> a) {
  cli::ArgList args(std::move(a));
  std::ostringstream out, err;
  if (cli::checkpointsCommand().run(args, out, err) != 0) throw std::runtime_error("failed: " + err.str());
  return out.str();
}

json runJson(const std::string& runDir) {
  const std::string out = run({runDir, "--json"});
  if (out.empty() || out.back() != '\n' || out.find('\n') != out.size() - 1)
    throw std::runtime_error("not one line: " + out);
  return json::parse(out);
}

// The message of the error `longrl checkpoints ARGS` stops with ("" when it succeeded).
std::string failure(std::vector<std::string> a) {
  try {
    run(std::move(a));
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

class TestCheckpointsCommand : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void listsCompleteCheckpointsWithPhasesSizesAndEvals() {
    const fs::path runDir = test::freshTempDir("ckpt-run");
    {
      store::RunStoreWriter w(store::RunStore::fileIn(runDir.string()));
      w.writePhase({0, "short", 0, 1000, 256, 0, 10, "done", 1.0, 2.0});
      w.writePhase({1, "", 1000, 4000, 256, 11, -1, "running", 2.0, 0.0});
    }
    const fs::path ck = runDir / "checkpoints";
    // Made out of order: the listing sorts by number (step-12 before step-5 as text).
    const auto bytes12 = addCheckpoint(ck / "step-12", 5000, 1700000000);
    const auto bytes5 = addCheckpoint(ck / "step-5", 1234, 1600000000);
    const auto bytes10 = addCheckpoint(ck / "step-10", 7, 1600000100);  // the done phase's last step
    addCheckpoint(ck / ".tmp-step-30", 10, 1700000000);                 // being written
    writeFile(ck / "step-20" / "model.safetensors", "partial");         // no state.json yet
    addCheckpoint(ck / "step-x1", 10, 1700000000);                      // not a step
    writeFile(ck / "step-40", "a file, not a directory");

    const json result = {{"format", 1}, {"step", 5}, {"report", {{"examples", 3}}}};
    writeFile(runDir / "evals" / "step-5-val.json", result.dump());
    writeFile(runDir / "evals" / "step-12.json", R"({"format": 1, "step": 12})");
    writeFile(runDir / "evals" / "broken.json", R"({"format": 1, "step": )");
    writeFile(runDir / "evals" / "list.json", "[1, 2]");
    writeFile(runDir / "evals" / "notes.txt", "not an eval");

    const json j = runJson(runDir.string());
    QCOMPARE(j.at("run_dir").get<std::string>(), fs::absolute(runDir).lexically_normal().string());
    QVERIFY2(!j.contains("store_error"), j.dump().c_str());
    const auto& list = j.at("checkpoints");
    QCOMPARE(list.size(), std::size_t(3));
    const std::vector<std::int64_t> steps = {5, 10, 12};
    const std::vector<std::string> phases = {"short", "short", "phase 1"};  // an unnamed phase by its index
    const std::vector<std::uintmax_t> bytes = {bytes5, bytes10, bytes12};
    const std::vector<std::string> saved = {"2020-09-13T12:26:40Z", "2020-09-13T12:28:20Z", "2023-11-14T22:13:20Z"};
    for (std::size_t i = 0; i < 3; ++i) {
      const auto& c = list[i];
      QCOMPARE(c.at("step").get<std::int64_t>(), steps[i]);
      QCOMPARE(c.at("dir").get<std::string>(),
               fs::absolute(ck / ("step-" + std::to_string(steps[i]))).lexically_normal().string());
      QCOMPARE(c.at("phase").get<std::string>(), phases[i]);
      QCOMPARE(c.at("bytes").get<std::uintmax_t>(), bytes[i]);
      QCOMPARE(c.at("saved_at").get<std::string>(), saved[i]);
    }
    // The evals by file name, verbatim; the damaged ones named in problems.
    const auto& evals = j.at("evals");
    QCOMPARE(evals.size(), std::size_t(2));
    QCOMPARE(evals[0].at("file").get<std::string>(), std::string("step-12.json"));
    QCOMPARE(evals[1].at("file").get<std::string>(), std::string("step-5-val.json"));
    QCOMPARE(evals[1].at("result"), result);
    const auto& problems = j.at("problems");
    QCOMPARE(problems.size(), std::size_t(2));
    QVERIFY2(problems[0].get<std::string>().rfind("evals/broken.json: ", 0) == 0, problems.dump().c_str());
    QVERIFY2(problems[1].get<std::string>() == "evals/list.json: not a JSON object", problems.dump().c_str());

    const std::string table = run({runDir.string()});
    for (const std::string& part : {std::string("STEP"), std::string("phase 1"), std::string("2023-11-14T22:13:20Z"),
                                    std::string("step-5-val.json"), std::string("evals/broken.json")})
      QVERIFY2(table.find(part) != std::string::npos, (part + " not in:\n" + table).c_str());
    QVERIFY2(table.find(".tmp-step-30") == std::string::npos, table.c_str());
  }

  void unreadableStoreLeavesPhasesUnknown() {
    const fs::path runDir = test::freshTempDir("ckpt-bad-store");
    writeFile(store::RunStore::fileIn(runDir.string()), std::string(4096, 'x'));
    addCheckpoint(runDir / "checkpoints" / "step-3", 10, 1600000000);
    const json j = runJson(runDir.string());
    QCOMPARE(j.at("checkpoints").size(), std::size_t(1));
    QCOMPARE(j.at("checkpoints")[0].at("phase").get<std::string>(), std::string());
    QVERIFY2(j.contains("store_error") && !j.at("store_error").get<std::string>().empty(), j.dump().c_str());
  }

  void checkpointsWithoutAStoreAndAStoreWithoutCheckpoints() {
    const fs::path onlyCheckpoints = test::freshTempDir("ckpt-no-store");
    addCheckpoint(onlyCheckpoints / "checkpoints" / "step-7", 10, 1600000000);
    json j = runJson(onlyCheckpoints.string());
    QCOMPARE(j.at("checkpoints").size(), std::size_t(1));
    QCOMPARE(j.at("checkpoints")[0].at("phase").get<std::string>(), std::string());
    QVERIFY(!j.contains("store_error"));

    const fs::path onlyStore = test::freshTempDir("ckpt-no-checkpoints");
    { store::RunStoreWriter w(store::RunStore::fileIn(onlyStore.string())); }
    j = runJson(onlyStore.string());
    QVERIFY(j.at("checkpoints").empty() && j.at("evals").empty() && j.at("problems").empty());
    QVERIFY(run({onlyStore.string()}).find("no complete checkpoints") != std::string::npos);
  }

  void refusesWhatIsNotARunDirectory() {
    const fs::path root = test::freshTempDir("ckpt-errors");
    const std::string missing = (root / "nowhere").string();
    QVERIFY2(failure({missing}) == missing + ": not a directory", failure({missing}).c_str());
    const std::string file = (root / "file").string();
    writeFile(file, "x");
    QVERIFY2(failure({file, "--json"}) == file + ": not a directory", failure({file}).c_str());
    const std::string plain = (root / "plain").string();
    fs::create_directories(plain);
    const std::string why = failure({plain});
    QVERIFY2(why.rfind(plain + ": not a run directory", 0) == 0, why.c_str());
    QVERIFY_THROWS_EXCEPTION(store::StoreError, run({plain}));
    QVERIFY_THROWS_EXCEPTION(cli::UsageError, run({}));
    QVERIFY_THROWS_EXCEPTION(cli::UsageError, run({plain, plain}));
    QVERIFY_THROWS_EXCEPTION(cli::UsageError, run({plain, "--jsn"}));
  }
};

QTEST_GUILESS_MAIN(TestCheckpointsCommand)
#include "TestCheckpointsCommand.moc"
