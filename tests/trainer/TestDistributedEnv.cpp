// DistributedEnv: rank and rendezvous from torchrun-style or Slurm variables; every missing or
// bad value is an error that names the variable.
#include <QtTest/QtTest>

#include <map>
#include <string>

#include "trainer/train/DistributedEnv.h"

using longrl::train::DistributedEnv;

namespace {

// The error message of parsing `vars` ("" when it parses).
std::string errorOf(const std::map<std::string, std::string>& vars) {
  try {
    DistributedEnv::fromMap(vars);
  } catch (const DistributedEnv::Error& e) {
    return e.what();
  }
  return "";
}

bool mentions(const std::string& message, const std::string& word) { return message.find(word) != std::string::npos; }

}  // namespace

class TestDistributedEnv : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void emptyEnvironmentIsOneProcess();
  void torchrunStyle();
  void slurmStyle();
  void torchrunVariablesWinOverSlurm();
  void worldSizeOneNeedsNoMaster();
  void errorsNameTheVariable();
};

void TestDistributedEnv::emptyEnvironmentIsOneProcess() {
  const auto e = DistributedEnv::fromMap({});
  QCOMPARE(e.rank, 0);
  QCOMPARE(e.worldSize, 1);
  QCOMPARE(e.localRank, 0);
  QVERIFY(!e.distributed());
  QCOMPARE(e.source, std::string("single"));
  QVERIFY(e.masterAddr.empty());
}

void TestDistributedEnv::torchrunStyle() {
  const auto e = DistributedEnv::fromMap(
      {{"RANK", "3"}, {"WORLD_SIZE", "4"}, {"LOCAL_RANK", "1"}, {"MASTER_ADDR", "node7"}, {"MASTER_PORT", "29500"}});
  QCOMPARE(e.rank, 3);
  QCOMPARE(e.worldSize, 4);
  QCOMPARE(e.localRank, 1);
  QCOMPARE(e.masterAddr, std::string("node7"));
  QCOMPARE(e.masterPort, 29500);
  QCOMPARE(e.source, std::string("torchrun"));
  QVERIFY(e.distributed());
  // Without LOCAL_RANK a rank is taken to be on a single host.
  const auto f =
      DistributedEnv::fromMap({{"RANK", "2"}, {"WORLD_SIZE", "3"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "1"}});
  QCOMPARE(f.localRank, 2);
}

void TestDistributedEnv::slurmStyle() {
  const auto e = DistributedEnv::fromMap({{"SLURM_PROCID", "5"},
                                          {"SLURM_NTASKS", "8"},
                                          {"SLURM_LOCALID", "1"},
                                          {"MASTER_ADDR", "10.0.0.2"},
                                          {"MASTER_PORT", "6000"}});
  QCOMPARE(e.rank, 5);
  QCOMPARE(e.worldSize, 8);
  QCOMPARE(e.localRank, 1);
  QCOMPARE(e.source, std::string("slurm"));
  QCOMPARE(e.masterAddr, std::string("10.0.0.2"));
  QCOMPARE(e.masterPort, 6000);
  // One Slurm task: a single process, no rendezvous needed.
  const auto one = DistributedEnv::fromMap({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "1"}});
  QVERIFY(!one.distributed());
}

void TestDistributedEnv::torchrunVariablesWinOverSlurm() {
  // `longrl train --nproc 2` inside a Slurm allocation: the launcher's variables decide.
  const auto e = DistributedEnv::fromMap({{"SLURM_PROCID", "0"},
                                          {"SLURM_NTASKS", "16"},
                                          {"RANK", "1"},
                                          {"WORLD_SIZE", "2"},
                                          {"LOCAL_RANK", "1"},
                                          {"MASTER_ADDR", "127.0.0.1"},
                                          {"MASTER_PORT", "40000"}});
  QCOMPARE(e.rank, 1);
  QCOMPARE(e.worldSize, 2);
  QCOMPARE(e.source, std::string("torchrun"));
}

void TestDistributedEnv::worldSizeOneNeedsNoMaster() {
  const auto e = DistributedEnv::fromMap({{"RANK", "0"}, {"WORLD_SIZE", "1"}});
  QVERIFY(!e.distributed());
  QVERIFY(DistributedEnv::fromMap({{"WORLD_SIZE", "1"}}).rank == 0);
}

void TestDistributedEnv::errorsNameTheVariable() {
  const std::map<std::string, std::string> ok{
      {"RANK", "0"}, {"WORLD_SIZE", "2"}, {"LOCAL_RANK", "0"}, {"MASTER_ADDR", "127.0.0.1"}, {"MASTER_PORT", "29500"}};
  QCOMPARE(errorOf(ok), std::string());
  auto with = [&](const std::string& k, const std::string& v) {
    auto m = ok;
    m[k] = v;
    return errorOf(m);
  };
  auto without = [&](const std::string& k) {
    auto m = ok;
    m.erase(k);
    return errorOf(m);
  };
  QVERIFY(mentions(without("MASTER_ADDR"), "MASTER_ADDR"));
  QVERIFY(mentions(with("MASTER_ADDR", ""), "MASTER_ADDR"));
  QVERIFY(mentions(without("MASTER_PORT"), "MASTER_PORT"));
  QVERIFY(mentions(with("MASTER_PORT", "http"), "MASTER_PORT"));
  QVERIFY(mentions(with("MASTER_PORT", "70000"), "MASTER_PORT"));
  QVERIFY(mentions(with("MASTER_PORT", "0"), "MASTER_PORT"));
  QVERIFY(mentions(without("RANK"), "RANK"));
  QVERIFY(mentions(with("RANK", "2"), "RANK=2"));  // rank must be < world size
  QVERIFY(mentions(with("RANK", "-1"), "RANK"));
  QVERIFY(mentions(with("RANK", "1x"), "RANK"));
  QVERIFY(mentions(with("WORLD_SIZE", "0"), "WORLD_SIZE"));
  QVERIFY(mentions(with("WORLD_SIZE", "two"), "WORLD_SIZE"));
  QVERIFY(mentions(with("WORLD_SIZE", ""), "WORLD_SIZE"));
  QVERIFY(mentions(with("LOCAL_RANK", "x"), "LOCAL_RANK"));
  QVERIFY(mentions(with("WORLD_SIZE", "99999999999999999999"), "WORLD_SIZE"));
  QVERIFY(mentions(errorOf({{"RANK", "0"}}), "WORLD_SIZE"));  // RANK alone
  QVERIFY(mentions(errorOf({{"SLURM_PROCID", "9"}, {"SLURM_NTASKS", "4"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "1"}}),
                   "SLURM_PROCID"));
  QVERIFY(mentions(errorOf({{"SLURM_PROCID", "1"}, {"SLURM_NTASKS", "4"}, {"MASTER_PORT", "1"}}), "MASTER_ADDR"));
  QVERIFY(mentions(errorOf({{"SLURM_PROCID", "1"},
                            {"SLURM_NTASKS", "4"},
                            {"SLURM_LOCALID", "?"},
                            {"MASTER_ADDR", "h"},
                            {"MASTER_PORT", "1"}}),
                   "SLURM_LOCALID"));
}

QTEST_APPLESS_MAIN(TestDistributedEnv)
#include "TestDistributedEnv.moc"
