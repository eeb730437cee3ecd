#include "ui/docqa/CompressorProcess.h"

#include <QFileInfo>

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace longrl::ui {
namespace {

constexpr int kTailLines = 12;

template <typename T> T field(const nlohmann::json& j, const char* name, const std::string& where) {
  if (!j.is_object() || !j.contains(name)) throw std::runtime_error(where + ": no field \"" + name + "\"");
  try {
    return j.at(name).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw std::runtime_error(where + ": field \"" + name + "\" has the wrong type (" + j.at(name).dump() + ")");
  }
}

cprs::KeptSpan parseSpan(const nlohmann::json& s, std::size_t index, std::size_t documentBytes, std::size_t after) {
  const std::string where = "spans[" + std::to_string(index) + "]";
  cprs::KeptSpan k;
  k.span.begin = field<std::size_t>(s, "begin", where);
  k.span.end = field<std::size_t>(s, "end", where);
  k.score = field<double>(s, "score", where);
  k.mean = field<double>(s, "mean", where);
  if (k.span.begin >= k.span.end || k.span.end > documentBytes || k.span.begin < after)
    throw std::runtime_error(where + ": bytes [" + std::to_string(k.span.begin) + ", " + std::to_string(k.span.end) +
                             ") are not a span after the previous one inside the document's " +
                             std::to_string(documentBytes) + " bytes");
  return k;
}

}  // namespace

CompressorProcess::CompressorProcess(QObject* parent) : QObject(parent) {}

CompressorProcess::~CompressorProcess() { discard(); }

QStringList CompressorProcess::arguments(const Options& options, const std::string& question) {
  return {QStringLiteral("compress"), QStringLiteral("--model"),        options.modelDir,
          QStringLiteral("--query"),  QString::fromStdString(question), QStringLiteral("--granularity"),
          options.granularity,        QStringLiteral("--threshold"),    QString::number(options.threshold, 'g', 6),
          QStringLiteral("--json")};
}

QString CompressorProcess::commandLine() const {
  // The question is the status's subject already; the options say how.
  QStringList shown = arguments_;
  if (shown.size() > 4) shown[4] = QStringLiteral("…");
  return QStringLiteral("longrl ") + shown.join(QLatin1Char(' '));
}

void CompressorProcess::start(const Options& options, const std::string& document, const std::string& question) {
  discard();
  Options o = options;
  o.modelDir = QFileInfo(options.modelDir).absoluteFilePath();
  arguments_ = arguments(o, question);
  documentBytes_ = document.size();
  if (!QFileInfo(o.modelDir).isDir()) return fail(tr("compressor model directory %1 does not exist").arg(o.modelDir));
  process_ = new QProcess(this);
  connect(process_, &QProcess::finished, this, &CompressorProcess::onFinished);
  connect(process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
    if (e == QProcess::FailedToStart) fail(tr("cannot start %1: %2").arg(program_, process_->errorString()));
  });
  process_->start(program_, arguments_);
  process_->write(document.data(), qint64(document.size()));
  process_->closeWriteChannel();  // the document ends: compress reads stdin to its end
}

void CompressorProcess::stop() {
  if (!process_) return;
  discard();
  Q_EMIT stopped();
}

void CompressorProcess::discard() {
  if (!process_) return;
  QProcess* p = process_;
  process_ = nullptr;
  p->disconnect(this);
  if (p->state() != QProcess::NotRunning) {
    p->kill();
    p->waitForFinished(2000);
  }
  p->deleteLater();  // may be inside one of its signals
}

QString CompressorProcess::stderrTail() const {
  QStringList lines = QString::fromUtf8(process_->readAllStandardError()).split(QLatin1Char('\n'));
  for (QString& l : lines) l = l.trimmed();
  lines.removeAll(QString());
  while (lines.size() > kTailLines) lines.removeFirst();
  return lines.join(QLatin1Char('\n'));
}

void CompressorProcess::onFinished(int code, QProcess::ExitStatus status) {
  const QString tail = stderrTail();
  if (status == QProcess::CrashExit || code != 0) {
    const QString how = status == QProcess::CrashExit ? tr("crashed") : tr("exited with code %1").arg(code);
    return fail(tr("`%1` %2%3").arg(commandLine(), how, tail.isEmpty() ? QString() : QStringLiteral(":\n") + tail));
  }
  const QByteArray out = process_->readAllStandardOutput();
  cprs::Compression c;
  try {
    c = parse(out, documentBytes_);
  } catch (const std::exception& e) {
    return fail(tr("`%1` printed no usable JSON: %2").arg(commandLine(), QString::fromUtf8(e.what())));
  }
  discard();
  Q_EMIT finished(c);
}

void CompressorProcess::fail(const QString& message) {
  discard();
  Q_EMIT failed(message);
}

cprs::Compression CompressorProcess::parse(const QByteArray& json, std::size_t documentBytes) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json.constData(), json.constData() + json.size());
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(std::string("not JSON (") + e.what() + ")");
  }
  cprs::Compression c;
  c.text = field<std::string>(j, "text", "the output");
  c.documentBytes = field<std::size_t>(j, "document_bytes", "the output");
  c.keptBytes = field<std::size_t>(j, "kept_bytes", "the output");
  c.documentTokens = j.value("document_tokens", std::size_t(0));
  c.keptTokens = j.value("kept_tokens", std::size_t(0));
  if (c.documentBytes != documentBytes)
    throw std::runtime_error("document_bytes is " + std::to_string(c.documentBytes) + ", the document has " +
                             std::to_string(documentBytes));
  const auto spans = field<nlohmann::json>(j, "spans", "the output");
  if (!spans.is_array()) throw std::runtime_error("field \"spans\" is not a list");
  std::size_t after = 0;
  for (std::size_t i = 0; i < spans.size(); ++i) {
    c.spans.push_back(parseSpan(spans[i], i, documentBytes, after));
    after = c.spans.back().span.end;
  }
  return c;
}

}  // namespace longrl::ui
