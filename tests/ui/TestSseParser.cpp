#include <QtTest/QtTest>

#include "ui/docqa/SseParser.h"

using longrl::ui::SseParser;

namespace {

// Parses `stream` fed in the given pieces, then finish(); "type|data" per event.
QStringList parse(const QList<QByteArray>& pieces, QString* error = nullptr) {
  SseParser p;
  QStringList out;
  auto take = [&](const QList<SseParser::Event>& events) {
    for (const auto& e : events) out << QString::fromUtf8(e.type + '|' + e.data);
  };
  for (const auto& piece : pieces) take(p.feed(piece));
  take(p.finish());
  if (error) *error = p.error();
  return out;
}

QStringList parseWhole(const QByteArray& s) { return parse({s}); }

// A stream as OpenAI-compatible servers send it, with every line-end style and an error event.
const QByteArray kStream =
    "\xEF\xBB\xBF: keep-alive comment\n"
    "data: {\"choices\":[{\"delta\":{\"content\":\"<think>caf\xC3\xA9 \xE6\x9D\xB1\"}}]}\n\n"
    "event: message\r\n"
    "data: {\"choices\":[{\"delta\":\r\n"
    "data: {\"content\":\"x\"}}]}\r\n\r\n"
    "id: 7\r"
    "data:no-space\r\r"
    "data: {\"error\":{\"message\":\"out of memory\",\"type\":\"server_error\"}}\n\n"
    "data: [DONE]\n\n";

}  // namespace

class TestSseParser : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void wholeStream() {
    const QStringList events = parseWhole(kStream);
    QCOMPARE(events.size(), 5);
    QCOMPARE(events[0],
             QString::fromUtf8("|{\"choices\":[{\"delta\":{\"content\":\"<think>caf\xC3\xA9 \xE6\x9D\xB1\"}}]}"));
    // Two data lines of one event are joined with LF; the event type is kept.
    QCOMPARE(events[1], QStringLiteral("message|{\"choices\":[{\"delta\":\n{\"content\":\"x\"}}]}"));
    QCOMPARE(events[2], QStringLiteral("|no-space"));
    QVERIFY(events[3].startsWith(QStringLiteral("|{\"error\":")));
    QCOMPARE(events[4], QStringLiteral("|[DONE]"));
  }

  void everySplitGivesTheSameEvents() {
    const QStringList whole = parseWhole(kStream);
    // Two pieces, cut at every byte: inside lines, inside CR LF, inside the BOM and UTF-8 sequences.
    for (qsizetype cut = 0; cut <= kStream.size(); ++cut) QCOMPARE(parse({kStream.left(cut), kStream.mid(cut)}), whole);
    // Three pieces at every pair of cuts (a sample: every 3rd first cut).
    for (qsizetype a = 0; a <= kStream.size(); a += 3)
      for (qsizetype b = a; b <= kStream.size(); ++b)
        QCOMPARE(parse({kStream.left(a), kStream.mid(a, b - a), kStream.mid(b)}), whole);
    // Byte by byte.
    QList<QByteArray> bytes;
    for (char c : kStream) bytes << QByteArray(1, c);
    QCOMPARE(parse(bytes), whole);
  }

  void eventsComeOutAsSoonAsTheirBlankLineArrives() {
    SseParser p;
    QVERIFY(p.feed("data: one\n").isEmpty());
    QVERIFY(p.hasPending());
    auto e = p.feed("\ndata: tw");
    QCOMPARE(e.size(), 1);
    QCOMPARE(e[0].data, QByteArray("one"));
    e = p.feed("o\n\n");
    QCOMPARE(e.size(), 1);
    QCOMPARE(e[0].data, QByteArray("two"));
    QVERIFY(!p.hasPending());
    QVERIFY(p.finish().isEmpty());
  }

  void fieldRules() {
    // Only one leading space is dropped; a bare "data" line is an empty data line; unknown fields,
    // retry and comments are ignored; a blank line with no data makes no event.
    QCOMPARE(parseWhole("data:  two spaces\n\n"), QStringList{QStringLiteral("| two spaces")});
    QCOMPARE(parseWhole("data\ndata: x\n\n"), QStringList{QStringLiteral("|\nx")});
    QCOMPARE(parseWhole("retry: 10\nfoo: bar\n: c\n\n\n"), QStringList());
    QCOMPARE(parseWhole("event: ping\n\ndata: after\n\n"), QStringList{QStringLiteral("|after")});
    QCOMPARE(parseWhole("data: \n\n"), QStringList{QStringLiteral("|")});
    // The id is sticky across events.
    SseParser p;
    const auto e = p.feed("id: 41\ndata: a\n\ndata: b\n\nid\ndata: c\n\n");
    QCOMPARE(e.size(), 3);
    QCOMPARE(e[0].id, QByteArray("41"));
    QCOMPARE(e[1].id, QByteArray("41"));
    QCOMPARE(e[2].id, QByteArray());
  }

  void endOfStreamDispatchesALastEventWithoutBlankLine() {
    QCOMPARE(parseWhole("data: [DONE]"), QStringList{QStringLiteral("|[DONE]")});
    QCOMPARE(parseWhole("data: [DONE]\n"), QStringList{QStringLiteral("|[DONE]")});
    QCOMPARE(parseWhole("event: x\n"), QStringList());
    QCOMPARE(parseWhole(""), QStringList());
    QCOMPARE(parseWhole("\xEF\xBB"), QStringList());  // a cut-off BOM is not an event
  }

  void oversizedEventIsAnError() {
    SseParser p(64);
    QVERIFY(p.feed("data: " + QByteArray(40, 'a') + "\n").isEmpty());
    QVERIFY(p.error().isEmpty());
    QVERIFY(p.feed("data: " + QByteArray(40, 'b')).isEmpty());
    QVERIFY(!p.error().isEmpty());
    // Nothing more is parsed once broken.
    QVERIFY(p.feed("\n\ndata: c\n\n").isEmpty());
    QVERIFY(p.finish().isEmpty());
    // A long stream of small events is fine.
    SseParser q(64);
    int n = 0;
    for (int i = 0; i < 1000; ++i) n += int(q.feed("data: " + QByteArray::number(i) + "\n\n").size());
    QCOMPARE(n, 1000);
    QVERIFY(q.error().isEmpty());
  }
};

QTEST_APPLESS_MAIN(TestSseParser)
#include "TestSseParser.moc"
