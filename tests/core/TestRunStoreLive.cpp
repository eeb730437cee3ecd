// A reader following a writer live: the writer appends in another thread (and in another
// process) while the reader polls "everything after rowid N"; every committed row must arrive
// exactly once and in order.
#include <QtTest/QtTest>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/RunStoreWriter.h"
#include "support/TestPaths.h"

using namespace longrl::store;

namespace {

constexpr int kSteps = 400;
constexpr int kPerStep = 5;

void writeRun(const std::string& path) {
  RunStoreWriter::Options o;
  o.maxBatch = 37;  // odd batch size: commits land mid-step
  o.maxBatchSeconds = 0.01;
  RunStoreWriter w(path, o);
  for (int step = 0; step < kSteps; ++step) {
    for (int k = 0; k < kPerStep; ++k) w.writeMetric({0, step, 0, "m" + std::to_string(k), step * 10.0 + k, 0.0});
    if (step % 10 == 0) {
      RolloutRecord r;
      r.step = step;
      r.example_id = "ex";
      r.response = std::string(2000, 'x');  // compressed: the reader must unpack while following
      w.writeRollout(r);
      w.writeEvent({0, "step", "{}", double(step)});
    }
    if (step % 50 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

// Polls until it has seen every row (or a deadline passes); checks order and values.
void follow(const std::string& path, const std::function<bool()>& writerDone) {
  // The writer creates the file; wait for it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::unique_ptr<RunStoreReader> reader;
  while (!reader) {
    try {
      reader = std::make_unique<RunStoreReader>(path);
    } catch (const std::exception&) {
      QVERIFY(std::chrono::steady_clock::now() < deadline);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  std::int64_t lastMetric = 0, lastRollout = 0, lastEvent = 0;
  int seen = 0, rollouts = 0, events = 0, polls = 0, livePolls = 0;
  while (true) {
    // Read before polling: a poll that starts after the writer ended and finds nothing means
    // everything was delivered.
    const bool done = writerDone();
    ++polls;
    std::size_t got = 0;
    for (const auto& m : reader->metricsAfter(lastMetric, 97)) {
      QVERIFY(m.rowid > lastMetric);
      lastMetric = m.rowid;
      // Rows arrive in the order written: step-major, then k.
      QCOMPARE(m.step, std::int64_t(seen / kPerStep));
      QCOMPARE(m.name, "m" + std::to_string(seen % kPerStep));
      QCOMPARE(m.value, double(m.step) * 10.0 + seen % kPerStep);
      ++seen;
      ++got;
    }
    for (const auto& r : reader->rolloutsAfter(lastRollout, 7)) {
      lastRollout = r.id;
      QCOMPARE(r.step, std::int64_t(rollouts * 10));
      QCOMPARE(r.response.size(), std::size_t(2000));
      ++rollouts;
      ++got;
    }
    for (const auto& e : reader->eventsAfter(lastEvent, 7)) {
      lastEvent = e.rowid;
      ++events;
      ++got;
    }
    if (!done && got > 0) ++livePolls;
    if (done && got == 0) break;
    QVERIFY2(std::chrono::steady_clock::now() < deadline, "reader did not catch up");
    if (got == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  QCOMPARE(seen, kSteps * kPerStep);
  QCOMPARE(rollouts, kSteps / 10);
  QCOMPARE(events, kSteps / 10);
  QVERIFY2(polls > 2, "the reader should have polled while the writer was writing");
  // Rows arrived while the writer was still running, not only after it finished.
  QVERIFY2(livePolls > 0, "no rows were seen while the writer was running");
}

}  // namespace

class TestRunStoreLive : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void readerFollowsWriterThread() {
    const auto path = RunStore::fileIn(longrl::test::freshTempDir("live-thread"));
    std::atomic<bool> done{false};
    std::thread writer([&] {
      writeRun(path);
      done = true;
    });
    follow(path, [&] { return done.load(); });
    writer.join();
  }

  void readerFollowsWriterProcess() {
    const auto path = RunStore::fileIn(longrl::test::freshTempDir("live-process"));
    const pid_t pid = ::fork();
    QVERIFY(pid >= 0);
    if (pid == 0) {
      int rc = 0;
      try {
        writeRun(path);
      } catch (...) {
        rc = 1;
      }
      ::_exit(rc);  // skip the parent's atexit cleanup (it would delete the temp dirs)
    }
    int status = 0;
    bool exited = false;
    follow(path, [&] {
      if (!exited && ::waitpid(pid, &status, WNOHANG) == pid) exited = true;
      return exited;
    });
    if (!exited) ::waitpid(pid, &status, 0);
    QVERIFY(WIFEXITED(status));
    QCOMPARE(WEXITSTATUS(status), 0);
  }
};

QTEST_APPLESS_MAIN(TestRunStoreLive)
#include "TestRunStoreLive.moc"
