#include "ui/eval/EvalRequest.h"

#include <QFileInfo>
#include <QObject>

namespace longrl::ui {

namespace {
QString keyOf(const EvalRequest& r) {
  if (!r.judgeApiKey.isEmpty()) return r.judgeApiKey;
  return r.judgeApiKeyEnv.isEmpty() ? QString() : qEnvironmentVariable(r.judgeApiKeyEnv.toLocal8Bit().constData());
}

// The local paths (a remote request's are on the host and cannot be checked from here).
QString pathProblem(const EvalRequest& r) {
  if (r.remote) {
    if (r.modelDir.isEmpty()) return QObject::tr("checkpoint: choose one");
    if (r.dataFile.isEmpty()) return QObject::tr("data file: give a JSONL dataset's path on the host");
    return {};
  }
  if (!QFileInfo(r.modelDir).isDir()) return QObject::tr("checkpoint: %1 is not a directory").arg(r.modelDir);
  if (r.dataFile.isEmpty()) return QObject::tr("data file: choose a JSONL dataset");
  if (!QFileInfo(r.dataFile).isFile()) return QObject::tr("data file: %1 does not exist").arg(r.dataFile);
  return {};
}

// The key's option: on stdin over ssh; else the variable the child's environment holds it in.
QStringList keyOption(const EvalRequest& r) {
  if (r.remote) return keyOf(r).isEmpty() ? QStringList() : QStringList{QStringLiteral("--judge-api-key-stdin")};
  const QString var = !r.judgeApiKey.isEmpty() ? QString::fromLatin1(EvalRequest::kKeyVariable) : r.judgeApiKeyEnv;
  return var.isEmpty() ? QStringList() : QStringList{QStringLiteral("--judge-api-key-env"), var};
}
}  // namespace

QString EvalRequest::problem() const {
  if (const QString p = pathProblem(*this); !p.isEmpty()) return p;
  if (k < 1) return QObject::tr("k: must be at least 1");
  if (maxNewTokens < 1) return QObject::tr("max new tokens: must be at least 1");
  if (judgeUrl.isEmpty() != judgeModel.isEmpty())
    return judgeUrl.isEmpty() ? QObject::tr("judge URL: needed with a judge model")
                              : QObject::tr("judge model: needed with a judge URL");
  return {};
}

QStringList EvalRequest::arguments() const {
  QStringList a{QStringLiteral("eval"),
                QStringLiteral("--model"),
                modelDir,
                QStringLiteral("--data"),
                dataFile,
                QStringLiteral("--k"),
                QString::number(k),
                QStringLiteral("--max-new-tokens"),
                QString::number(maxNewTokens),
                QStringLiteral("--json")};
  if (limit > 0) a << QStringLiteral("--limit") << QString::number(limit);
  if (!judgeUrl.isEmpty()) {
    a << QStringLiteral("--judge-url") << judgeUrl << QStringLiteral("--judge-model") << judgeModel;
    a << keyOption(*this);
  }
  return a;
}

QByteArray EvalRequest::stdinBytes() const {
  const QString key = remote && !judgeUrl.isEmpty() ? keyOf(*this) : QString();
  return key.isEmpty() ? QByteArray() : key.toUtf8() + '\n';
}

QProcessEnvironment EvalRequest::environment(const QProcessEnvironment& base) const {
  QProcessEnvironment env = base;
  if (!judgeUrl.isEmpty() && !judgeApiKey.isEmpty()) env.insert(QString::fromLatin1(kKeyVariable), judgeApiKey);
  return env;
}

}  // namespace longrl::ui
