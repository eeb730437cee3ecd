#include "ui/launch/MirrorWriter.h"

#include <QTimer>

#include <exception>

#include "core/store/EventStreamDecoder.h"
#include "core/store/RunStoreWriter.h"

namespace longrl::ui {

namespace {
constexpr int kMaxReportedProblems = 20;  // a stream of garbage must not flood the Messages dock
}

MirrorWriter::MirrorWriter(QString storePath) : path_(std::move(storePath)) {}

MirrorWriter::~MirrorWriter() = default;

void MirrorWriter::open() {
  try {
    writer_ = std::make_unique<store::RunStoreWriter>(path_.toStdString());
    decoder_ = std::make_unique<store::EventStreamDecoder>(*writer_);
    decoder_->setProblemHandler([this](const store::EventStreamDecoder::Problem& p) {
      if (++reportedProblems_ <= kMaxReportedProblems)
        Q_EMIT problem(QStringLiteral("event line %1: %2").arg(p.line).arg(QString::fromStdString(p.reason)));
    });
    decoder_->setTextLineHandler([this](std::size_t, std::string_view text) {
      Q_EMIT textLine(QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size())).trimmed());
    });
  } catch (const std::exception& e) {
    decoder_.reset();
    writer_.reset();
    Q_EMIT failed(QStringLiteral("cannot open the mirror store %1: %2").arg(path_, QString::fromUtf8(e.what())));
    return;
  }
  // Writes may pause between training steps; commit what is pending so viewers see it.
  flushTimer_ = new QTimer(this);
  flushTimer_->setInterval(250);
  connect(flushTimer_, &QTimer::timeout, this, [this] { guarded("flush", nullptr); });
  flushTimer_->start();
  Q_EMIT opened();
}

void MirrorWriter::feed(const QByteArray& bytes) {
  if (!decoder_) return;
  chunk_ = bytes;
  guarded("write", &MirrorWriter::doFeed);
  chunk_.clear();
}

void MirrorWriter::finish() {
  if (flushTimer_) flushTimer_->stop();
  if (decoder_) {
    guarded("finish", &MirrorWriter::doFinish);
    if (decoder_) {
      records_ = qint64(decoder_->stats().records);
      problems_ = qint64(decoder_->stats().problems);
    }
  }
  decoder_.reset();
  writer_.reset();  // closes the store: everything is committed
  Q_EMIT finished(records_, problems_);
}

void MirrorWriter::doFeed() {
  decoder_->feed(std::string_view(chunk_.constData(), static_cast<std::size_t>(chunk_.size())));
  writer_->flushIfDue();
  records_ = qint64(decoder_->stats().records);
  problems_ = qint64(decoder_->stats().problems);
}

void MirrorWriter::doFinish() { decoder_->finish(); }

// A store that becomes unwritable (disk full, deleted directory) stops the mirror, reported once;
// the trainer keeps running remotely.
void MirrorWriter::guarded(const char* what, void (MirrorWriter::*step)()) {
  if (!writer_) return;
  try {
    if (step) (this->*step)();
    else writer_->flushIfDue();
  } catch (const std::exception& e) {
    if (flushTimer_) flushTimer_->stop();
    decoder_.reset();
    writer_.reset();
    Q_EMIT failed(QStringLiteral("mirror store %1: %2 failed: %3")
                      .arg(path_, QString::fromLatin1(what), QString::fromUtf8(e.what())));
  }
}

}  // namespace longrl::ui
