// Labels on their way to a remote run's store: the studio side's outbox (queue, pending,
// delivered) and the run side (`longrl annotate`, AnnotationInbox): a batch is checked line by
// line before anything is applied, applied in one transaction, and each sender's seq at most once.
#include <QtTest/QtTest>

#include <sstream>

#include <nlohmann/json.hpp>

#include "core/cli/AnnotateCommand.h"
#include "core/cli/UsageError.h"
#include "core/store/AnnotationInbox.h"
#include "core/store/AnnotationOutbox.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/RunStoreWriter.h"
#include "core/store/StoreError.h"
#include "support/TestPaths.h"

using namespace longrl;
using store::AnnotationOp;

namespace {

AnnotationOp setOp(std::int64_t seq, const std::string& id, const std::string& label,
                   const std::string& author = "ana") {
  return {seq, AnnotationOp::Kind::Set, {id, label, "note " + id, author, 10.0 + double(seq)}, -1, 10.0 + double(seq)};
}

std::string lines(const std::vector<AnnotationOp>& ops) {
  std::string s;
  for (const auto& op : ops) s += store::toJson(op).dump() + "\n";
  return s;
}

int annotate(const std::string& input, std::vector<std::string> args, std::string& out) {
  std::istringstream in(input);
  cli::ArgList list(std::move(args));
  std::ostringstream o, e;
  const int rc = cli::annotateCommand(in).run(list, o, e);
  out = o.str();
  return rc;
}

std::map<std::string, std::string> labels(const std::string& runDir) {
  std::map<std::string, std::string> out;
  store::RunStoreReader r(store::RunStore::fileIn(runDir));
  for (const auto& a : r.annotations()) out[a.example_id + "/" + a.author] = a.label;
  return out;
}

int continueEvents(const std::string& runDir) {
  store::RunStoreReader r(store::RunStore::fileIn(runDir));
  int n = 0;
  for (const auto& e : r.eventsAfter(0))
    if (e.kind == store::AnnotationInbox::kContinueEvent) ++n;
  return n;
}

std::string newRun(const std::string& name) {
  const auto dir = test::freshTempDir(name);
  store::RunStoreWriter w(store::RunStore::fileIn(dir));
  w.writeRun({"r", "running", "{}", "", 1.0, 1.0});
  return dir;
}

}  // namespace

class TestAnnotationDelivery : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void opsRoundTripAndBadFieldsAreNamed() {
    for (const AnnotationOp& op :
         {setOp(3, "ex1", "hard"), AnnotationOp{4, AnnotationOp::Kind::Remove, {"ex2", "", "", "bo", 0}, -1, 5.0},
          AnnotationOp{5, AnnotationOp::Kind::Continue, {"", "", "", "bo", 0}, 2, 6.0}}) {
      const auto back = store::annotationOpFromJson(store::toJson(op));
      QCOMPARE(back.seq, op.seq);
      QCOMPARE(int(back.kind), int(op.kind));
      QCOMPARE(back.annotation.example_id, op.annotation.example_id);
      QCOMPARE(back.annotation.label, op.annotation.label);
      QCOMPARE(back.annotation.author, op.annotation.author);
      QCOMPARE(back.phase, op.phase);
    }
    auto bad = [](const nlohmann::json& j, const char* expected) {
      try {
        store::annotationOpFromJson(j);
      } catch (const store::StoreError& e) {
        return std::string(e.what()).find(expected) != std::string::npos;
      }
      return false;
    };
    QVERIFY(bad({{"op", "set"}}, "missing field 'seq'"));
    QVERIFY(bad({{"seq", 1}, {"op", "sett"}, {"author", "a"}}, "field 'op' must be set, remove or continue"));
    QVERIFY(bad({{"seq", 1}, {"op", "set"}, {"author", "a"}, {"example_id", "x"}, {"label", "easy"}},
                "field 'label' must be hard, not_hard or unsure"));
    QVERIFY(bad({{"seq", "1"}, {"op", "set"}}, "field 'seq' has the wrong type"));
    QVERIFY(bad({{"seq", 1}, {"op", "continue"}, {"author", "a"}}, "missing field 'phase'"));
  }

  void outboxQueuesUntilDelivered() {
    const auto dir = newRun("outbox");
    store::RunStoreWriter w(store::RunStore::fileIn(dir));
    store::AnnotationOutbox box(w.db());
    QVERIFY(box.exists());
    const std::string origin = box.origin();
    QCOMPARE(origin.size(), size_t(32));
    QVERIFY(box.enqueue(setOp(0, "ex1", "hard")) < box.enqueue(setOp(0, "ex2", "not_hard")));
    const auto s3 = box.enqueue({0, AnnotationOp::Kind::Remove, {"ex1", "", "", "ana", 0}, -1, 20.0});
    QCOMPARE(box.counts().pending, std::int64_t(3));
    auto pending = box.pending();
    QCOMPARE(pending.size(), size_t(3));
    QCOMPARE(int(pending[2].kind), int(AnnotationOp::Kind::Remove));
    QCOMPARE(pending[0].annotation.note, std::string("note ex1"));
    QCOMPARE(box.deliveredByExample("ana"), (std::map<std::string, bool>{{"ex1", false}, {"ex2", false}}));
    box.markDelivered(pending[1].seq, 30.0);
    QCOMPARE(box.counts().pending, std::int64_t(1));
    QCOMPARE(box.counts().delivered, std::int64_t(2));
    // ex1's last change (the removal) is still queued; ex2's label is there.
    QCOMPARE(box.deliveredByExample("ana"), (std::map<std::string, bool>{{"ex1", false}, {"ex2", true}}));
    QCOMPARE(box.pending().at(0).seq, s3);
    QCOMPARE(box.origin(), origin);  // stable
    QVERIFY(store::AnnotationOutbox(store::RunStoreWriter(store::RunStore::fileIn(newRun("other"))).db()).origin() !=
            origin);
  }

  void batchAppliedOnceEvenWhenSentAgain() {
    const auto dir = newRun("inbox");
    const std::vector<AnnotationOp> batch{
        setOp(1, "ex1", "hard"), setOp(2, "ex2", "hard"),
        AnnotationOp{3, AnnotationOp::Kind::Remove, {"ex2", "", "", "ana", 0}, -1, 13.0},
        AnnotationOp{4, AnnotationOp::Kind::Continue, {"", "", "", "ana", 0}, 0, 14.0}};
    std::string out;
    QCOMPARE(annotate(lines(batch), {dir, "--apply", "-", "--origin", "studio-a"}, out), 0);
    QCOMPARE(nlohmann::json::parse(out), (nlohmann::json{{"applied", 4}, {"skipped", 0}, {"last_seq", 4}}));
    QCOMPARE(labels(dir), (std::map<std::string, std::string>{{"ex1/ana", "hard"}}));
    QCOMPARE(continueEvents(dir), 1);
    // The reply was lost: the studio sends the batch again, with a newer change behind it.
    auto again = batch;
    again.push_back(setOp(5, "ex3", "not_hard"));
    QCOMPARE(annotate(lines(again), {dir, "--apply", "-", "--origin", "studio-a"}, out), 0);
    QCOMPARE(nlohmann::json::parse(out), (nlohmann::json{{"applied", 1}, {"skipped", 4}, {"last_seq", 5}}));
    QCOMPARE(labels(dir), (std::map<std::string, std::string>{{"ex1/ana", "hard"}, {"ex3/ana", "not_hard"}}));
    QCOMPARE(continueEvents(dir), 1);  // not twice
    // Another sender's seq numbers are its own.
    QCOMPARE(annotate(lines({setOp(1, "ex4", "unsure", "bo")}), {dir, "--apply", "-", "--origin", "studio-b"}, out), 0);
    QCOMPARE(nlohmann::json::parse(out).at("applied").get<int>(), 1);
    QCOMPARE(labels(dir).at("ex4/bo"), std::string("unsure"));
  }

  void badLineAppliesNothing() {
    const auto dir = newRun("inbox-bad");
    std::string input = lines({setOp(1, "ex1", "hard")});
    input += R"({"seq":2,"op":"set","example_id":"ex2","label":"very hard","author":"ana"})"
             "\n";
    std::string out;
    try {
      annotate(input, {dir, "--apply", "-", "--origin", "s"}, out);
      QFAIL("a bad line was accepted");
    } catch (const store::StoreError& e) {
      QVERIFY2(std::string(e.what()).find("stdin line 2: annotation op: field 'label'") != std::string::npos, e.what());
    }
    QVERIFY(labels(dir).empty());
    try {
      annotate(lines({setOp(2, "ex1", "hard"), setOp(1, "ex2", "hard")}), {dir, "--apply", "-", "--origin", "s"}, out);
      QFAIL("seq out of order was accepted");
    } catch (const store::StoreError& e) {
      QVERIFY2(std::string(e.what()).find("line 2: seq 1 is not after") != std::string::npos, e.what());
    }
    QVERIFY(labels(dir).empty());
  }

  void labelContinueAndUsage() {
    const auto dir = newRun("annotate-cli");
    std::string out;
    QCOMPARE(annotate("", {dir, "--label", "ex=7=hard", "--note", "tricky", "--author", "cy"}, out), 0);
    QCOMPARE(labels(dir).at("ex=7/cy"), std::string("hard"));  // the last '=' splits
    QCOMPARE(annotate("", {dir, "--continue", "1"}, out), 0);
    QCOMPARE(continueEvents(dir), 1);
    QVERIFY_THROWS_EXCEPTION(cli::UsageError, annotate("", {dir, "--continue", "1", "--label", "a=hard"}, out));
    QVERIFY_THROWS_EXCEPTION(cli::UsageError, annotate("", {dir, "--apply", "-"}, out));
    QVERIFY_THROWS_EXCEPTION(store::StoreError, annotate("", {dir, "--label", "a=easy"}, out));
    try {
      annotate("", {test::freshTempDir("empty"), "--continue", "0"}, out);
      QFAIL("not a run directory was accepted");
    } catch (const store::StoreError& e) {
      QVERIFY2(std::string(e.what()).find("not a run directory") != std::string::npos, e.what());
    }
  }
};

QTEST_APPLESS_MAIN(TestAnnotationDelivery)
#include "TestAnnotationDelivery.moc"
