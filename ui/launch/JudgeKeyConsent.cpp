#include "ui/launch/JudgeKeyConsent.h"

#include <QObject>

#include <fstream>

#include "core/config/KeyEnvName.h"

namespace longrl::ui {

using config::KeyEnvName;

QString JudgeKeyConsent::summary(const config::JudgeConfig& judge) {
  if (!judge.enabled) return {};
  const QString url = judge.baseUrl.empty() ? QObject::tr("the endpoint") : QString::fromStdString(judge.baseUrl);
  if (judge.apiKeyEnv.empty()) return QObject::tr("Judge calls go to %1 without an API key.").arg(url);
  const QString var = QString::fromStdString(judge.apiKeyEnv);
  QString text = QObject::tr("Every judge call sends the value of $%1 (read where the run runs) as the API key to %2.")
                     .arg(var, url);
  if (needed(judge))
    text += ' ' + QObject::tr("%1 is not named like an API key (%2): Start asks before sending it.")
                      .arg(var, QString::fromLatin1(KeyEnvName::rule()));
  return text;
}

bool JudgeKeyConsent::needed(const config::JudgeConfig& judge) {
  return judge.enabled && !judge.apiKeyEnv.empty() && KeyEnvName::isName(judge.apiKeyEnv) &&
         !KeyEnvName::looksLikeKey(judge.apiKeyEnv);
}

QString JudgeKeyConsent::question(const config::JudgeConfig& judge) {
  return QObject::tr(
             "The run will send the value of the environment variable $%1 to %2 with every judge call.\n\n"
             "%1 is not named like an API key (%3). Send it only if it holds the judge's key: a config from "
             "someone else could name a variable that holds something else.\n\nSend $%1 to %2?")
      .arg(QString::fromStdString(judge.apiKeyEnv), QString::fromStdString(judge.baseUrl),
           QString::fromLatin1(KeyEnvName::rule()));
}

config::RunConfig JudgeKeyConsent::loadFile(const QString& path) {
  const std::string file = path.toStdString();
  try {
    return config::RunConfig::loadFile(file);
  } catch (const config::ConfigError& e) {
    bool aboutTheKey = false;
    for (const auto& issue : e.issues()) aboutTheKey = aboutTheKey || issue.path == "reward.judge.api_key_env";
    if (!aboutTheKey) throw;
  }
  // Read again with the consent given for the reading only; every other check still applies.
  nlohmann::json j = nlohmann::json::parse(std::ifstream(file, std::ios::binary), nullptr, true, true);
  j["reward"]["judge"]["allow_any_key_env"] = true;
  auto c = config::RunConfig::fromJson(j, file);
  c.reward.judge.allowAnyKeyEnv = false;
  return c;
}

}  // namespace longrl::ui
