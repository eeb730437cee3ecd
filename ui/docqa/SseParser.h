#pragma once
#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace longrl::ui {

// Incremental parser of a text/event-stream (server-sent events, WHATWG HTML "event stream
// interpretation"): bytes go in as the network delivers them, split anywhere (inside a line, a
// CR LF pair or a UTF-8 sequence), and each complete event comes out once its blank line arrives.
// Lines end in LF, CR LF or CR; `data:` lines of one event are joined with LF; comment lines
// (`:` first) are skipped; one space after the colon is dropped; a leading BOM is ignored.
// Qt Core only: no network, no widgets.
class SseParser {
 public:
  struct Event {
    QByteArray type;  // the `event:` field; empty means "message"
    QByteArray data;  // the `data:` lines joined with '\n' (UTF-8 as sent)
    QByteArray id;    // the last `id:` seen (sticky across events, as the spec says)
  };

  // An event (or a line) longer than this is an error, so a broken server cannot grow memory unbounded.
  explicit SseParser(qsizetype maxEventBytes = 64 * 1024 * 1024) : maxEventBytes_(maxEventBytes) {}

  // The events completed by these bytes, in order. Once error() is set, nothing more is parsed.
  QList<Event> feed(QByteArrayView bytes);
  // End of the stream. An event whose data lines were not followed by a blank line is returned too
  // (lenient: the spec drops it, but servers that close right after their last line are common).
  QList<Event> finish();

  // Empty unless the stream broke a limit.
  const QString& error() const { return error_; }
  // Bytes or fields received but not yet part of a returned event.
  bool hasPending() const { return !line_.isEmpty() || hasData_ || !type_.isEmpty(); }

 private:
  void processLine(QList<Event>& out);
  void dispatch(QList<Event>& out);

  qsizetype maxEventBytes_;
  QByteArray line_;  // the current, unfinished line
  QByteArray data_, type_, id_;
  bool hasData_ = false;  // a data field arrived (an empty one counts)
  bool afterCr_ = false;  // the previous byte was CR: a following LF belongs to it
  bool bomChecked_ = false;
  QString error_;
};

}  // namespace longrl::ui
