// DistributedEnv: rank and rendezvous from torchrun-style or Slurm variables; torchrun's agent
// store (TORCHELASTIC_USE_AGENT_STORE); MASTER_ADDR/MASTER_PORT derived for srun tasks; every
// missing or bad value is an error that names the variable (and, for srun, says what to export).
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
  void torchrunAgentStore();
  void agentStoreErrorsNameTheVariable();
  void srunDerivesTheRendezvous();
  void srunRankZeroMustBeOnTheFirstHost();
  void withoutSrunSlurmSaysWhatToExport();
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

namespace {

// What torchrun 1.13 gives worker 1 of `torchrun --nproc_per_node 2 --master_port 29611` (its
// static rendezvous), as printed by `env` under Debian's torchrun.
std::map<std::string, std::string> torchrunWorker() {
  return {{"GROUP_RANK", "0"},
          {"GROUP_WORLD_SIZE", "1"},
          {"LOCAL_RANK", "1"},
          {"LOCAL_WORLD_SIZE", "2"},
          {"MASTER_ADDR", "127.0.0.1"},
          {"MASTER_PORT", "29611"},
          {"RANK", "1"},
          {"ROLE_NAME", "default"},
          {"ROLE_RANK", "1"},
          {"ROLE_WORLD_SIZE", "2"},
          {"TORCHELASTIC_MAX_RESTARTS", "0"},
          {"TORCHELASTIC_RESTART_COUNT", "0"},
          {"TORCHELASTIC_RUN_ID", "none"},
          {"TORCHELASTIC_USE_AGENT_STORE", "True"},
          {"WORLD_SIZE", "2"}};
}

// An srun task (task 3 of 16 over gpu03, gpu04, gpu07 and login1) with no MASTER_ADDR/MASTER_PORT.
std::map<std::string, std::string> srunTask() {
  return {{"SLURM_PROCID", "3"},       {"SLURM_NTASKS", "16"},
          {"SLURM_LOCALID", "3"},      {"SLURM_STEP_NODELIST", "gpu[03-04,07],login1"},
          {"SLURM_JOB_ID", "123456"},  {"SLURM_STEP_ID", "2"},
          {"SLURMD_NODENAME", "gpu03"}};
}

}  // namespace

void TestDistributedEnv::torchrunAgentStore() {
  auto vars = torchrunWorker();
  auto e = DistributedEnv::fromMap(vars);
  QCOMPARE(e.rank, 1);
  QCOMPARE(e.worldSize, 2);
  QCOMPARE(e.localRank, 1);
  QCOMPARE(e.source, std::string("torchrun"));
  QVERIFY(e.launchedByTorchrun);
  QVERIFY(e.useAgentStore);
  QCOMPARE(e.restartCount, 0);
  QCOMPARE(e.agentStorePrefix(), std::string("/worker/attempt_0"));
  QCOMPARE(e.describe(),
           std::string("2 ranks (torchrun), rendezvous in torchrun's store at 127.0.0.1:29611 (attempt 0)"));
  // A restarted attempt (torchrun --max_restarts) has keys of its own.
  vars["TORCHELASTIC_RESTART_COUNT"] = "3";
  QCOMPARE(DistributedEnv::fromMap(vars).agentStorePrefix(), std::string("/worker/attempt_3"));
  // torchrun --standalone (c10d rendezvous): its store is elsewhere, rank 0 serves MASTER_PORT.
  vars["TORCHELASTIC_USE_AGENT_STORE"] = "False";
  e = DistributedEnv::fromMap(vars);
  QVERIFY(e.launchedByTorchrun);
  QVERIFY(!e.useAgentStore);
  QCOMPARE(e.describe(), std::string("2 ranks (torchrun), rendezvous at 127.0.0.1:29611"));
  // `longrl train --nproc 2` sets no TORCHELASTIC_* variables: rank 0 serves the store.
  e = DistributedEnv::fromMap(
      {{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "127.0.0.1"}, {"MASTER_PORT", "40000"}});
  QVERIFY(!e.launchedByTorchrun);
  QVERIFY(!e.useAgentStore);
  QCOMPARE(e.describe(), std::string("2 ranks (RANK/WORLD_SIZE), rendezvous at 127.0.0.1:40000"));
  QCOMPARE(DistributedEnv::fromMap({}).describe(), std::string("1 process"));
}

void TestDistributedEnv::agentStoreErrorsNameTheVariable() {
  auto with = [](const std::string& k, const std::string& v) {
    auto m = torchrunWorker();
    m[k] = v;
    return errorOf(m);
  };
  QCOMPARE(errorOf(torchrunWorker()), std::string());
  for (const char* bad : {"true", "1", "", "yes"})
    QVERIFY2(mentions(with("TORCHELASTIC_USE_AGENT_STORE", bad), "TORCHELASTIC_USE_AGENT_STORE='" + std::string(bad)),
             bad);
  QVERIFY(mentions(with("TORCHELASTIC_RESTART_COUNT", "x"), "TORCHELASTIC_RESTART_COUNT"));
  QVERIFY(mentions(with("TORCHELASTIC_RESTART_COUNT", "-1"), "TORCHELASTIC_RESTART_COUNT"));
  auto noCount = torchrunWorker();
  noCount.erase("TORCHELASTIC_RESTART_COUNT");
  QVERIFY(mentions(errorOf(noCount), "TORCHELASTIC_RESTART_COUNT is not set"));
  // The agent store still needs its address.
  auto noPort = torchrunWorker();
  noPort.erase("MASTER_PORT");
  QVERIFY(mentions(errorOf(noPort), "MASTER_PORT"));
}

void TestDistributedEnv::srunDerivesTheRendezvous() {
  auto vars = srunTask();
  auto e = DistributedEnv::fromMap(vars);
  QCOMPARE(e.source, std::string("slurm"));
  QCOMPARE(e.rank, 3);
  QCOMPARE(e.worldSize, 16);
  QCOMPARE(e.masterAddr, std::string("gpu03"));
  QCOMPARE(e.masterPort, DistributedEnv::kSlurmPortBase + (123456 + 2) % DistributedEnv::kSlurmPortSpan);
  QCOMPARE(e.masterPort, 23458);
  QVERIFY(mentions(e.derivedFrom, "MASTER_ADDR from SLURM_STEP_NODELIST"));
  QVERIFY(mentions(e.derivedFrom, "MASTER_PORT from SLURM_JOB_ID"));
  QVERIFY(mentions(e.describe(), "16 ranks (srun), rendezvous at gpu03:23458 (MASTER_ADDR from SLURM_STEP_NODELIST"));
  // Another step of the job: another port.
  vars["SLURM_STEP_ID"] = "3";
  QCOMPARE(DistributedEnv::fromMap(vars).masterPort, 23459);
  // Slurm's other spellings; no step id counts as step 0.
  vars.erase("SLURM_JOB_ID");
  vars.erase("SLURM_STEP_ID");
  vars["SLURM_JOBID"] = "29999";
  QCOMPARE(DistributedEnv::fromMap(vars).masterPort, 29999);
  vars["SLURM_STEPID"] = "1";
  QCOMPARE(DistributedEnv::fromMap(vars).masterPort, 20000);
  vars["SLURM_JOBID"] = "4294967295";  // the largest id stays in range
  const int big = DistributedEnv::fromMap(vars).masterPort;
  QVERIFY(big >= 20000 && big < 30000);
  // What the job exports wins, each on its own.
  vars = srunTask();
  vars["MASTER_ADDR"] = "10.1.2.3";
  e = DistributedEnv::fromMap(vars);
  QCOMPARE(e.masterAddr, std::string("10.1.2.3"));
  QCOMPARE(e.masterPort, 23458);
  QCOMPARE(e.derivedFrom, std::string("MASTER_PORT from SLURM_JOB_ID and SLURM_STEP_ID"));
  vars["MASTER_PORT"] = "6000";
  e = DistributedEnv::fromMap(vars);
  QCOMPARE(e.masterPort, 6000);
  QVERIFY(e.derivedFrom.empty());
  // torchrun-style variables never borrow Slurm's (a --nproc rank inside an srun step).
  auto tr = srunTask();
  tr.insert({{"RANK", "1"}, {"WORLD_SIZE", "2"}});
  QVERIFY(mentions(errorOf(tr), "MASTER_ADDR is not set"));
}

void TestDistributedEnv::srunRankZeroMustBeOnTheFirstHost() {
  auto vars = srunTask();
  vars["SLURM_PROCID"] = "0";
  QCOMPARE(DistributedEnv::fromMap(vars).masterAddr, std::string("gpu03"));
  vars["SLURMD_NODENAME"] = "gpu07";  // e.g. srun --distribution=arbitrary
  const auto message = errorOf(vars);
  QVERIFY2(mentions(message, "SLURMD_NODENAME=gpu07") && mentions(message, "export MASTER_ADDR"), message.c_str());
  vars["MASTER_ADDR"] = "gpu07";  // exported: no check, no error
  vars["MASTER_PORT"] = "6000";
  QCOMPARE(errorOf(vars), std::string());
  // Other ranks cannot tell where rank 0 runs.
  vars = srunTask();
  vars["SLURMD_NODENAME"] = "login1";
  QCOMPARE(errorOf(vars), std::string());
}

void TestDistributedEnv::withoutSrunSlurmSaysWhatToExport() {
  // In the batch script itself (no srun: no SLURM_STEP_NODELIST) nothing is derived.
  auto vars = srunTask();
  vars.erase("SLURM_STEP_NODELIST");
  auto message = errorOf(vars);
  QVERIFY2(mentions(message, "MASTER_ADDR is not set") && mentions(message, "SLURM_STEP_NODELIST") &&
               mentions(message, "export MASTER_ADDR=$(scontrol show hostnames"),
           message.c_str());
  vars["MASTER_ADDR"] = "gpu03";
  message = errorOf(vars);
  QVERIFY2(mentions(message, "MASTER_PORT is not set") && mentions(message, "export MASTER_PORT="), message.c_str());
  // Bad values under srun are named.
  auto with = [](const std::string& k, const std::string& v) {
    auto m = srunTask();
    m[k] = v;
    return errorOf(m);
  };
  QVERIFY(mentions(with("SLURM_STEP_NODELIST", "gpu[03-"), "SLURM_STEP_NODELIST='gpu[03-'"));
  QVERIFY(mentions(with("SLURM_STEP_NODELIST", "gpu[03-"), "not closed"));
  QVERIFY(mentions(with("SLURM_JOB_ID", "12x"), "SLURM_JOB_ID"));
  QVERIFY(mentions(with("SLURM_JOB_ID", "99999999999"), "SLURM_JOB_ID"));
  QVERIFY(mentions(with("SLURM_STEP_ID", "-2"), "SLURM_STEP_ID"));
  vars = srunTask();
  vars.erase("SLURM_JOB_ID");
  message = errorOf(vars);
  QVERIFY2(mentions(message, "MASTER_PORT is not set and SLURM_JOB_ID is absent"), message.c_str());
  // One task needs no rendezvous: nothing is derived or checked.
  const auto one =
      DistributedEnv::fromMap({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "1"}, {"SLURM_STEP_NODELIST", "x["}});
  QVERIFY(one.masterAddr.empty() && one.masterPort == 0);
}

QTEST_APPLESS_MAIN(TestDistributedEnv)
#include "TestDistributedEnv.moc"
