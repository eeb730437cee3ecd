// `longrl follow RUN_DIR`: a run's store as the trainer's event stream, read back by the same
// decoder the studio's mirror uses; the mirror then holds what the run's store holds. Also: a run
// that grows while it is followed, and a follower whose reader went away.
#include <QtTest/QtTest>

#include <atomic>
#include <sstream>
#include <thread>

#include "core/cli/BehaviorsCommand.h"
#include "core/cli/FollowCommand.h"
#include "core/store/EventStreamDecoder.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/RunStoreWriter.h"
#include "support/SyntheticRollouts.h"
#include "support/TestPaths.h"

using namespace longrl;

namespace {

std::string follow(
    const std::string& runDir, std::function<bool()> readerGone = [] { return false; }) {
  std::ostringstream out, err;
  cli::ArgList args({runDir, "--poll-ms", "50"});
  if (cli::followCommand(std::move(readerGone)).run(args, out, err) != 0) throw std::runtime_error(err.str());
  return out.str();
}

std::string mirrorOf(const std::string& stream, const std::string& name) {
  const auto dir = test::freshTempDir(name);
  store::RunStoreWriter w(store::RunStore::fileIn(dir));
  store::EventStreamDecoder d(w);
  d.feed(stream);
  d.finish();
  if (d.stats().problems != 0) throw std::runtime_error("the stream had problems");
  return dir;
}

// Everything a view reads, as text: equal for two stores that hold the same run.
std::string contents(const std::string& runDir) {
  store::RunStoreReader r(store::RunStore::fileIn(runDir));
  std::ostringstream s;
  for (const auto& run : r.runs()) s << "run " << run.name << " " << run.status << "\n";
  for (const auto& p : r.phases()) s << "phase " << p.index << " " << p.name << " " << p.status << "\n";
  for (const auto& e : r.examples()) {
    const auto doc = r.document(e.doc_id);
    s << "example " << e.id << " " << e.question << " doc " << (doc ? doc->sha256 : "none") << "\n";
  }
  for (const auto& d : r.difficulty())
    s << "difficulty " << d.example_id << " " << d.phase << " " << d.attempts << "\n";
  for (const auto& a : r.annotations()) s << "label " << a.example_id << " " << a.label << " " << a.author << "\n";
  for (const auto& m : r.metricsAfter(0, 1000000)) s << "metric " << m.name << " " << m.step << " " << m.value << "\n";
  store::RolloutQuery q;
  q.limit = 1000000;
  for (const auto& x : r.rollouts(q)) {
    s << "rollout " << x.step << " " << x.example_id << " " << x.group_idx << " " << x.sample_idx << " "
      << x.response.size() << " " << x.reward << "\n";
    for (const auto& b : r.rolloutBehaviors(x))
      s << "behavior " << b.classifier << " " << b.revision << " " << b.subgoal << " " << b.verification << " "
        << b.grounding_share << " " << b.record << "\n";
  }
  for (const auto& e : r.eventsAfter(0, 100000)) s << "event " << e.kind << " " << e.payload << "\n";
  return s.str();
}

}  // namespace

class TestFollowCommand : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void mirrorOfTheStreamHoldsTheRun() {
    const auto dir = test::freshTempDir("follow-run");
    test::SyntheticRolloutsOptions o;
    o.steps = 4;
    o.examples = 10;
    o.documentWords = 300;
    test::writeSyntheticRollouts(dir, o);
    {
      std::ostringstream out, err;
      cli::ArgList args({dir});
      QCOMPARE(cli::behaviorsCommand().run(args, out, err), 0);
    }
    {
      store::RunStoreWriter w(store::RunStore::fileIn(dir));
      w.writeAnnotation({"ex-3", "hard", "why", "ana", 5.0});
      w.writeEvent({0, "log", R"({"message":"hello"})", 6.0});
      w.writeRun({"synthetic", "finished", "", "", 0, 9.0});
    }
    const std::string original = contents(dir);
    QVERIFY(original.find("rollout ") != std::string::npos && original.find("label ex-3 hard") != std::string::npos);
    QVERIFY(original.find("behavior rule 0 ") != std::string::npos);
    const std::string stream = follow(dir);  // the run has ended: the backlog, then it returns
    QCOMPARE(QString::fromStdString(contents(mirrorOf(stream, "follow-mirror"))), QString::fromStdString(original));
  }

  void followsARunAsItGrowsUntilItEnds() {
    const auto dir = test::freshTempDir("follow-live");
    const auto store = store::RunStore::fileIn(dir);
    {
      store::RunStoreWriter w(store);
      w.writeRun({"live", "running", "{}", "", 1.0, 1.0});
    }
    std::thread trainer([&] {
      store::RunStoreWriter w(store);
      for (int step = 1; step <= 30; ++step) {
        w.writeMetric({0, step, 0, "critic/score/mean", step * 0.01, 1.0 + step});
        w.flush();
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      w.writeRun({"live", "finished", "", "", 0, 2.0});
    });
    const std::string stream = follow(dir);
    trainer.join();
    std::size_t metricLines = 0;
    for (std::size_t at = stream.find("\"type\":\"metric\""); at != std::string::npos;
         at = stream.find("\"type\":\"metric\"", at + 1))
      ++metricLines;
    QCOMPARE(metricLines, std::size_t(30));  // each point once
    store::RunStoreReader m(store::RunStore::fileIn(mirrorOf(stream, "follow-live-mirror")));
    QCOMPARE(m.metricSeries("critic/score/mean").size(), std::size_t(30));
    QCOMPARE(m.runs().at(0).status, std::string("finished"));
  }

  void stopsWhenTheReaderGoesAway() {
    const auto dir = test::freshTempDir("follow-gone");
    {
      store::RunStoreWriter w(store::RunStore::fileIn(dir));
      w.writeRun({"hung", "running", "{}", "", 1.0, 1.0});  // never ends
    }
    std::atomic<int> asked{0};
    const std::string stream = follow(dir, [&] { return ++asked >= 3; });
    QCOMPARE(asked.load(), 3);
    QVERIFY(stream.find("\"status\":\"running\"") != std::string::npos);
  }
};

QTEST_APPLESS_MAIN(TestFollowCommand)
#include "TestFollowCommand.moc"
