// The run-store records' field lists (R::fields()): every struct member is listed, and every
// listed field survives the store (RunStoreWriter -> RunStoreReader) and the event stream
// (EventEncoder -> EventStreamDecoder -> store) with its value, whatever its type and flags.
#include <QtTest/QtTest>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>

#include "core/store/EventEncoder.h"
#include "core/store/EventStreamDecoder.h"
#include "core/store/RecordSql.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/RunStoreWriter.h"
#include "core/store/Sha256.h"
#include "support/TestPaths.h"

using namespace longrl::store;

namespace {

// Counts an aggregate's members by how many initializers it accepts: a member added to a record
// but not to its list makes the counts differ.
struct Anything {
  template <class T> operator T() const;
};
template <class R, class Seq, class = void> struct Takes : std::false_type {};
template <class R, std::size_t... I>
struct Takes<R, std::index_sequence<I...>, std::void_t<decltype(R{(void(I), Anything{})...})>> : std::true_type {};
template <class R, std::size_t N = 0> constexpr std::size_t memberCount() {
  if constexpr (Takes<R, std::make_index_sequence<N + 1>>::value) return memberCount<R, N + 1>();
  else return N;
}
template <class R> std::size_t listedCount() {
  std::size_t n = 0;
  forEachField<R>([&](const auto&) { ++n; });
  return n;
}

std::string longText(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += "line " + std::to_string(i) + " of a long text that compresses.\n";
  return s;
}

// A record whose every field differs from its default (and from the other fields); long text
// where a field is stored compressed, so that the compressed path is taken.
template <class R> R distinctRecord() {
  R r;
  int n = 0;
  forEachField<R>([&](const auto& f) {
    using T = typename std::decay_t<decltype(f)>::Type;
    auto& v = r.*f.member;
    ++n;
    if constexpr (std::is_same_v<T, bool>) {
      v = true;
    } else if constexpr (std::is_integral_v<T>) {
      v = T(100 + n);
    } else if constexpr (std::is_same_v<T, double>) {
      v = 0.25 + n;
    } else if constexpr (std::is_same_v<T, std::optional<std::string>>) {
      v = "[{\"n\":" + std::to_string(n) + "}]" + (f.zbit ? longText(30) : "");
    } else if (f.allowed) {
      v = f.allowed[0];
    } else if (f.is(f.kJsonText)) {
      v = "{\"n\":" + std::to_string(n) + "}";
    } else {
      v = std::string(f.name) + "-" + std::to_string(n) + (f.zbit ? longText(30) : "");
    }
  });
  if constexpr (std::is_same_v<R, DocumentRecord>) r.sha256 = Sha256::hex(r.text);
  return r;
}

template <class R> void write(RunStoreWriter& w, const R& r) {
  if constexpr (std::is_same_v<R, RunInfo>) w.writeRun(r);
  else if constexpr (std::is_same_v<R, PhaseInfo>) w.writePhase(r);
  else if constexpr (std::is_same_v<R, MetricPoint>) w.writeMetric(r);
  else if constexpr (std::is_same_v<R, DocumentRecord>) w.writeDocument(r);
  else if constexpr (std::is_same_v<R, ExampleRecord>) w.writeExample(r);
  else if constexpr (std::is_same_v<R, RolloutRecord>) w.writeRollout(r);
  else if constexpr (std::is_same_v<R, AnnotationRecord>) w.writeAnnotation(r);
  else if constexpr (std::is_same_v<R, DifficultyRecord>) w.writeDifficulty(r);
  else w.writeEvent(r);
}

template <class R> std::vector<R> readAll(RunStoreReader& rd) {
  if constexpr (std::is_same_v<R, RunInfo>) return rd.runs();
  else if constexpr (std::is_same_v<R, PhaseInfo>) return rd.phases();
  else if constexpr (std::is_same_v<R, MetricPoint>) return rd.metricsAfter(0);
  else if constexpr (std::is_same_v<R, DocumentRecord>) return {*rd.document(1)};
  else if constexpr (std::is_same_v<R, ExampleRecord>) return rd.examples();
  else if constexpr (std::is_same_v<R, RolloutRecord>) return rd.rolloutsAfter(0);
  else if constexpr (std::is_same_v<R, AnnotationRecord>) return rd.annotations();
  else if constexpr (std::is_same_v<R, DifficultyRecord>) return rd.difficulty();
  else return rd.eventsAfter(0);
}

// Every field but the ones SQLite assigns; names the first that differs.
template <class R> std::string firstDifference(const R& got, const R& want) {
  std::string diff;
  forEachField<R>([&](const auto& f) {
    if (diff.empty() && !f.is(f.kRowid) && !(got.*f.member == want.*f.member)) diff = f.name;
  });
  return diff;
}

template <class R> void checkRoundTrips(const char* name) {
  const R want = distinctRecord<R>();
  const std::string direct = RunStore::fileIn(longrl::test::freshTempDir((std::string("fields-") + name).c_str()));
  const std::string streamed =
      RunStore::fileIn(longrl::test::freshTempDir((std::string("fields-stream-") + name).c_str()));
  {
    RunStoreWriter w(direct);
    write(w, want);
  }
  {
    RunStoreWriter w(streamed);
    EventStreamDecoder decoder(w);
    decoder.feed(EventEncoder::encode(want));
    decoder.finish();
    QCOMPARE(decoder.stats().problems, std::size_t(0));
  }
  for (const auto& path : {direct, streamed}) {
    RunStoreReader rd(path);
    const auto got = readAll<R>(rd);
    QCOMPARE(got.size(), std::size_t(1));
    const std::string diff = firstDifference(got[0], want);
    QVERIFY2(diff.empty(), (std::string(name) + ": field '" + diff + "' changed in " + path).c_str());
  }
}

}  // namespace

class TestRecordFields : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void everyMemberIsListed() {
    QCOMPARE(listedCount<RunInfo>(), memberCount<RunInfo>());
    QCOMPARE(listedCount<PhaseInfo>(), memberCount<PhaseInfo>());
    QCOMPARE(listedCount<MetricPoint>(), memberCount<MetricPoint>());
    QCOMPARE(listedCount<DocumentRecord>(), memberCount<DocumentRecord>());
    QCOMPARE(listedCount<ExampleRecord>(), memberCount<ExampleRecord>());
    QCOMPARE(listedCount<RolloutRecord>(), memberCount<RolloutRecord>());
    QCOMPARE(listedCount<AnnotationRecord>(), memberCount<AnnotationRecord>());
    QCOMPARE(listedCount<DifficultyRecord>(), memberCount<DifficultyRecord>());
    QCOMPARE(listedCount<EventRecord>(), memberCount<EventRecord>());
    QCOMPARE(memberCount<RolloutRecord>(), std::size_t(22));  // the counting itself works
  }

  void everyFieldRoundTrips() {
    checkRoundTrips<RunInfo>("run");
    checkRoundTrips<PhaseInfo>("phase");
    checkRoundTrips<MetricPoint>("metric");
    checkRoundTrips<DocumentRecord>("document");
    checkRoundTrips<ExampleRecord>("example");
    checkRoundTrips<RolloutRecord>("rollout");
    checkRoundTrips<AnnotationRecord>("annotation");
    checkRoundTrips<DifficultyRecord>("difficulty");
    checkRoundTrips<EventRecord>("event");
  }

  void compressedFieldsAreCompressed() {
    const std::string path = RunStore::fileIn(longrl::test::freshTempDir("fields-zflags"));
    {
      RunStoreWriter w(path);
      w.writeRollout(distinctRecord<RolloutRecord>());
    }
    RunStoreReader rd(path);
    int all = 0;
    forEachField<RolloutRecord>([&](const auto& f) { all |= f.zbit; });
    QCOMPARE(rd.db().scalar("SELECT zflags FROM rollouts"), std::int64_t(all));
    QCOMPARE(all, 1 | 2 | 4 | 8);
  }

  void generatedSql() {
    // The statements the lists produce, spelt out once so that a change to the generator shows.
    QCOMPARE(RecordSql<RunInfo>::upsert(),
             std::string("INSERT INTO runs(name, status, config_json, host, created_time, updated_time) "
                         "VALUES (?1,?2,?3,?4,?5,?6) ON CONFLICT(name) DO UPDATE SET status=excluded.status, "
                         "config_json=CASE WHEN excluded.config_json='' THEN runs.config_json ELSE "
                         "excluded.config_json END, host=excluded.host, created_time=CASE WHEN "
                         "excluded.created_time=0 THEN runs.created_time ELSE excluded.created_time END, "
                         "updated_time=excluded.updated_time"));
    QCOMPARE(RecordSql<EventRecord>::upsert(),
             std::string("INSERT INTO events(kind, payload, time) VALUES (?1,?2,?3)"));
    QCOMPARE(RecordSql<DocumentRecord>::select(), std::string("SELECT id, sha256, title, text, zflags FROM documents"));
    QCOMPARE(RecordSql<DocumentRecord>::selectShort(), std::string("SELECT id, sha256, title, X'', 0 FROM documents"));
    QVERIFY(RecordSql<RolloutRecord>::isSortable("mean_entropy"));
    QVERIFY(!RecordSql<RolloutRecord>::isSortable("response"));
    QVERIFY(!RecordSql<RolloutRecord>::isSortable("reward; DROP TABLE rollouts"));
  }
};

QTEST_APPLESS_MAIN(TestRecordFields)
#include "TestRecordFields.moc"
