#pragma once
#include <QByteArray>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <string>

#include "core/cprs/Compression.h"

namespace longrl::ui {

// Runs `longrl compress --model DIR --query Q --granularity G --threshold X --json` as a child
// process (the compressor, and LibTorch, never load inside the GUI), the document on its stdin.
// Its JSON (CompressCommand: the kept spans' byte offsets with their max and mean scores, the
// joined text, the sizes) comes back as a cprs::Compression; a failure names the command and ends
// with the tail of its stderr. stop() kills it (compressing holds no state worth a clean exit).
class CompressorProcess : public QObject {
  Q_OBJECT
 public:
  struct Options {
    QString modelDir;
    QString granularity = QStringLiteral("sentence");  // keyword | sentence | paragraph
    double threshold = 0.5;
  };

  explicit CompressorProcess(QObject* parent = nullptr);
  ~CompressorProcess() override;

  void setProgram(const QString& program) { program_ = program; }
  QString program() const { return program_; }
  // Starts compressing `document` for `question`; a running one is killed first (without signals).
  // A missing model directory or a program that cannot start ends in failed() (from here).
  void start(const Options& options, const std::string& document, const std::string& question);
  void stop();  // emits stopped() when one was running
  bool isRunning() const { return process_ != nullptr; }
  // The command line as the status shows it.
  QString commandLine() const;

  // `longrl compress --json` output -> Compression; throws std::runtime_error naming the field
  // that is missing, of the wrong type, or a span outside the document's `documentBytes`.
  static cprs::Compression parse(const QByteArray& json, std::size_t documentBytes);
  static QStringList arguments(const Options& options, const std::string& question);

 Q_SIGNALS:
  void finished(const longrl::cprs::Compression& compression);
  void failed(const QString& message);
  void stopped();

 private:
  void onFinished(int code, QProcess::ExitStatus status);
  void fail(const QString& message);
  QString stderrTail() const;
  void discard();

  QString program_;
  QStringList arguments_;
  QProcess* process_ = nullptr;
  std::size_t documentBytes_ = 0;
};

}  // namespace longrl::ui
