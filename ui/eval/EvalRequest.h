#pragma once
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace longrl::ui {

// One `longrl eval --json` run as the studio asks for it.
struct EvalRequest {
  QString modelDir;  // a checkpoint directory
  QString dataFile;
  int k = 4;
  int maxNewTokens = 256;
  int limit = 0;     // 0: every example
  QString judgeUrl;  // empty: no judge
  QString judgeModel;
  QString judgeApiKey;     // passed through the child's environment, never on its command line
  QString judgeApiKeyEnv;  // or: the name of a variable the child inherits (a run config's api_key_env)
  // The checkpoint and the data file are paths on an ssh run's host: not checked here, and the
  // key (typed, or this studio's judgeApiKeyEnv) travels on the remote command's stdin
  // (`--judge-api-key-stdin`), since ssh passes no environment.
  bool remote = false;

  static constexpr const char* kKeyVariable = "LONGRL_EVAL_JUDGE_API_KEY";

  // What is wrong with it ("" when nothing): names the field.
  QString problem() const;
  QStringList arguments() const;
  // What a remote evaluation writes on its stdin: the key and a newline, or nothing.
  QByteArray stdinBytes() const;
  // The studio's environment, plus kKeyVariable when a key was typed in.
  QProcessEnvironment environment(const QProcessEnvironment& base = QProcessEnvironment::systemEnvironment()) const;
};

}  // namespace longrl::ui
