// `longrl runs DIR` and `longrl export RUN_DIR --csv OUT`, called in-process.
#include <QtTest/QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/cli/ExportCommand.h"
#include "core/cli/RunsCommand.h"
#include "core/cli/UsageError.h"
#include "core/export/ExportError.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreWriter.h"
#include "core/store/StoreError.h"
#include "support/TestPaths.h"

using namespace longrl;

namespace {

int runCommand(const cli::Command& c, std::vector<std::string> args, std::string& out, std::string& err) {
  cli::ArgList list(std::move(args));
  std::ostringstream o, e;
  const int rc = c.run(list, o, e);
  out = o.str();
  err = e.str();
  return rc;
}

// Two runs: "alpha" (phase 1 running, 3 steps) and "beta" (finished, no score metric).
std::string makeRuns() {
  const auto root = test::freshTempDir("runs");
  {
    store::RunStoreWriter w(store::RunStore::fileIn(root + "/alpha"));
    w.writeRun({"alpha", "running", "{}", "", 1700000000.0, 1700000500.0});
    w.writePhase({0, "p20k", 0, 20000, 10000, 0, 1, "done", 0, 0});
    w.writePhase({1, "p60k", 20000, 60000, 10000, 2, -1, "running", 0, 0});
    for (int step = 0; step < 3; ++step) {
      w.writeMetric({0, step, step < 2 ? 0 : 1, "critic/score/mean", 0.125 * step, 1700000000.0 + step});
      w.writeMetric(
          {0, step, step < 2 ? 0 : 1, "actor/pg_loss, clipped", -0.5, 1700000000.0 + step});  // comma: CSV quoting
    }
  }
  {
    store::RunStoreWriter w(store::RunStore::fileIn(root + "/beta"));
    w.writeRun({"beta", "finished", "{}", "", 1690000000.0, 0});
    w.writeMetric({0, 7, 0, "actor/lr", 2e-6, 1.0});
  }
  std::filesystem::create_directories(root + "/not-a-run");
  return root;
}

}  // namespace

class TestRunStoreCommands : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void runsListsRunDirectories() {
    const auto root = makeRuns();
    std::string out, err;
    QCOMPARE(runCommand(cli::runsCommand(), {root, "--json"}, out, err), 0);
    const auto j = nlohmann::json::parse(out);
    QCOMPARE(j.size(), std::size_t(2));
    QCOMPARE(j[0]["name"].get<std::string>(), std::string("alpha"));
    QCOMPARE(j[0]["status"].get<std::string>(), std::string("running"));
    QCOMPARE(j[0]["phase"].get<int>(), 1);
    QCOMPARE(j[0]["step"].get<int>(), 2);
    QCOMPARE(j[0]["score_mean"].get<double>(), 0.25);
    QCOMPARE(j[0]["created_time"].get<double>(), 1700000000.0);
    QCOMPARE(j[1]["name"].get<std::string>(), std::string("beta"));
    QCOMPARE(j[1]["step"].get<int>(), 7);
    QVERIFY(j[1]["score_mean"].is_null());
    // The table has a header and one line per run.
    QCOMPARE(runCommand(cli::runsCommand(), {root}, out, err), 0);
    QVERIFY(out.rfind("NAME", 0) == 0);
    QCOMPARE(std::count(out.begin(), out.end(), '\n'), 3L);
    QVERIFY(out.find("0.2500") != std::string::npos);
    QVERIFY(out.find("finished") != std::string::npos);
    // A run directory itself lists just that run.
    QCOMPARE(runCommand(cli::runsCommand(), {root + "/beta", "--json"}, out, err), 0);
    QCOMPARE(nlohmann::json::parse(out).size(), std::size_t(1));
  }

  void runsReportsBadStoresAndBadArgs() {
    const auto root = makeRuns();
    std::filesystem::create_directories(root + "/broken");
    {
      std::ofstream f(root + "/broken/run.sqlite", std::ios::binary);
      f << std::string(4096, 'Z');
    }
    std::string out, err;
    QCOMPARE(runCommand(cli::runsCommand(), {root, "--json"}, out, err), 0);
    const auto j = nlohmann::json::parse(out);
    QCOMPARE(j.size(), std::size_t(3));
    QCOMPARE(j[2]["status"].get<std::string>(), std::string("unreadable"));
    QVERIFY(j[2]["error"].get<std::string>().find("broken/run.sqlite") != std::string::npos);
    QVERIFY_THROWS_EXCEPTION(store::StoreError, runCommand(cli::runsCommand(), {root + "/nope"}, out, err));
    QVERIFY_THROWS_EXCEPTION(cli::UsageError, runCommand(cli::runsCommand(), {root, "--jsn"}, out, err));
    QVERIFY_THROWS_EXCEPTION(cli::UsageError, runCommand(cli::runsCommand(), {}, out, err));
    const auto empty = test::freshTempDir("empty");
    QCOMPARE(runCommand(cli::runsCommand(), {empty}, out, err), 0);
    QVERIFY(err.find("no run directories") != std::string::npos);
  }

  void exportWritesCsv() {
    const auto root = makeRuns();
    const auto csv = root + "/alpha.csv";
    std::string out, err;
    QCOMPARE(runCommand(cli::exportCommand(), {root + "/alpha", "--csv", csv}, out, err), 0);
    QVERIFY(out.find("wrote 6 metric rows") != std::string::npos);
    std::ifstream f(csv);
    std::vector<std::string> lines;
    for (std::string l; std::getline(f, l);) lines.push_back(l);
    QCOMPARE(lines.size(), std::size_t(7));
    QCOMPARE(lines[0], std::string("step,phase,name,value,wall_time"));
    QCOMPARE(lines[1], std::string("0,0,\"actor/pg_loss, clipped\",-0.5,1700000000.000000"));
    QCOMPARE(lines[2], std::string("0,0,critic/score/mean,0,1700000000.000000"));
    QCOMPARE(lines[6], std::string("2,1,critic/score/mean,0.25,1700000002.000000"));
    // "-" writes to stdout.
    QCOMPARE(runCommand(cli::exportCommand(), {root + "/beta", "--csv", "-"}, out, err), 0);
    QCOMPARE(out, std::string("step,phase,name,value,wall_time\n7,0,actor/lr,2e-06,1.000000\n"));
  }

  void exportErrors() {
    const auto root = makeRuns();
    std::string out, err;
    try {
      runCommand(cli::exportCommand(), {root + "/not-a-run", "--csv", root + "/x.csv"}, out, err);
      QFAIL("a directory without run.sqlite must be an error");
    } catch (const store::StoreError& e) {
      const std::string what = e.what();
      QVERIFY2(what.find("not-a-run") != std::string::npos && what.find("run.sqlite") != std::string::npos, e.what());
    }
    QVERIFY(!std::filesystem::exists(root + "/x.csv"));
    QVERIFY_THROWS_EXCEPTION(cli::UsageError, runCommand(cli::exportCommand(), {root + "/alpha"}, out, err));
    QVERIFY_THROWS_EXCEPTION(exports::ExportError,
                             runCommand(cli::exportCommand(), {root + "/alpha", "--csv", root + "/no/such/dir/x.csv"},
                                        out, err));
  }
};

QTEST_APPLESS_MAIN(TestRunStoreCommands)
#include "TestRunStoreCommands.moc"
