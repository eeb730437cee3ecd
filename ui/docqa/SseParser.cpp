#include "ui/docqa/SseParser.h"

namespace longrl::ui {

QList<SseParser::Event> SseParser::feed(QByteArrayView bytes) {
  QList<Event> out;
  if (!error_.isEmpty()) return out;
  qsizetype i = 0;
  if (!bomChecked_) {
    // The BOM may itself arrive split: wait until three bytes are there (or the stream ends).
    line_.append(bytes.data(), bytes.size());
    if (line_.size() < 3 && QByteArrayView("\xEF\xBB\xBF").startsWith(line_)) return out;
    bomChecked_ = true;
    QByteArray pending = std::move(line_);
    line_.clear();
    if (pending.startsWith("\xEF\xBB\xBF")) pending.remove(0, 3);
    return feed(pending);
  }
  const char* p = bytes.data();
  const qsizetype n = bytes.size();
  while (i < n) {
    if (afterCr_) {
      afterCr_ = false;
      if (p[i] == '\n') {
        ++i;
        continue;
      }
    }
    // Copy the run up to the next line end in one go (chunks are mostly long runs of text).
    qsizetype j = i;
    while (j < n && p[j] != '\n' && p[j] != '\r') ++j;
    line_.append(p + i, j - i);
    if (line_.size() + data_.size() > maxEventBytes_) {
      error_ = QStringLiteral("an event is longer than %1 bytes").arg(maxEventBytes_);
      line_.clear();
      data_.clear();
      return out;
    }
    if (j == n) break;
    afterCr_ = p[j] == '\r';
    i = j + 1;
    processLine(out);
  }
  return out;
}

QList<SseParser::Event> SseParser::finish() {
  QList<Event> out;
  if (!error_.isEmpty()) return out;
  if (!bomChecked_) {
    bomChecked_ = true;
    QByteArray pending = std::move(line_);
    line_.clear();
    out = feed(pending);
  }
  if (!line_.isEmpty()) processLine(out);
  if (hasData_) dispatch(out);
  type_.clear();
  afterCr_ = false;
  return out;
}

void SseParser::processLine(QList<Event>& out) {
  const QByteArray line = std::move(line_);
  line_.clear();
  if (line.isEmpty()) {
    dispatch(out);
    return;
  }
  if (line.startsWith(':')) return;  // comment (keep-alive pings)
  const qsizetype colon = line.indexOf(':');
  QByteArrayView field = colon < 0 ? QByteArrayView(line) : QByteArrayView(line).first(colon);
  QByteArrayView value = colon < 0 ? QByteArrayView() : QByteArrayView(line).sliced(colon + 1);
  if (value.startsWith(' ')) value = value.sliced(1);
  if (field == "data") {
    if (hasData_) data_.append('\n');
    data_.append(value.data(), value.size());
    hasData_ = true;
  } else if (field == "event") {
    type_ = value.toByteArray();
  } else if (field == "id") {
    if (!value.contains('\0')) id_ = value.toByteArray();
  }
  // `retry` and unknown fields are ignored, as the spec says.
}

void SseParser::dispatch(QList<Event>& out) {
  // A blank line with no data field only resets the event type.
  if (hasData_) out.append(Event{type_, data_, id_});
  data_.clear();
  type_.clear();
  hasData_ = false;
}

}  // namespace longrl::ui
