#include "ui/eval/EvalRequest.h"

#include <QFileInfo>
#include <QObject>

namespace longrl::ui {

QString EvalRequest::problem() const {
  if (!QFileInfo(modelDir).isDir()) return QObject::tr("checkpoint: %1 is not a directory").arg(modelDir);
  if (dataFile.isEmpty()) return QObject::tr("data file: choose a JSONL dataset");
  if (!QFileInfo(dataFile).isFile()) return QObject::tr("data file: %1 does not exist").arg(dataFile);
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
    if (!judgeApiKey.isEmpty()) a << QStringLiteral("--judge-api-key-env") << QString::fromLatin1(kKeyVariable);
    else if (!judgeApiKeyEnv.isEmpty()) a << QStringLiteral("--judge-api-key-env") << judgeApiKeyEnv;
  }
  return a;
}

QProcessEnvironment EvalRequest::environment(const QProcessEnvironment& base) const {
  QProcessEnvironment env = base;
  if (!judgeUrl.isEmpty() && !judgeApiKey.isEmpty()) env.insert(QString::fromLatin1(kKeyVariable), judgeApiKey);
  return env;
}

}  // namespace longrl::ui
