#include "ui/checkpoints/EvalResult.h"

#include <QFileInfo>
#include <QRegularExpression>

#include <stdexcept>

namespace longrl::ui {

using nlohmann::json;

namespace {
constexpr int kFormat = 1;

const json& field(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) throw std::runtime_error(std::string("missing field '") + key + "'");
  return j.at(key);
}
QString text(const json& j, const char* key) {
  const json& v = field(j, key);
  if (!v.is_string()) throw std::runtime_error(std::string(key) + ": not a string");
  return QString::fromStdString(v.get<std::string>());
}
qint64 integer(const json& j, const char* key) {
  const json& v = field(j, key);
  if (!v.is_number_integer()) throw std::runtime_error(std::string(key) + ": not an integer");
  return v.get<qint64>();
}
}  // namespace

QString EvalResult::label() const {
  static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]+"));
  return QFileInfo(dataFile).completeBaseName().replace(unsafe, QStringLiteral("_"));
}

QString EvalResult::fileName() const {
  const QString l = label();
  return QStringLiteral("step-%1%2.json").arg(step).arg(l.isEmpty() ? QString() : QLatin1Char('-') + l);
}

json EvalResult::toJson() const {
  json j = {{"format", kFormat},
            {"step", step},
            {"checkpoint", checkpointDir.toStdString()},
            {"data", dataFile.toStdString()},
            {"k", k},
            {"max_new_tokens", maxNewTokens},
            {"limit", limit},
            {"judge", nullptr},
            {"evaluated_at", evaluatedAt.toUTC().toString(Qt::ISODate).toStdString()},
            {"report", report.toJson()}};
  if (!judgeModel.isEmpty()) j["judge"] = {{"url", judgeUrl.toStdString()}, {"model", judgeModel.toStdString()}};
  return j;
}

EvalResult EvalResult::fromJson(const json& j) {
  EvalResult r;
  if (integer(j, "format") != kFormat)
    throw std::runtime_error("format: " + field(j, "format").dump() + " is not " + std::to_string(kFormat));
  r.step = integer(j, "step");
  r.checkpointDir = text(j, "checkpoint");
  r.dataFile = text(j, "data");
  r.k = static_cast<int>(integer(j, "k"));
  r.maxNewTokens = static_cast<int>(integer(j, "max_new_tokens"));
  r.limit = static_cast<int>(integer(j, "limit"));
  if (const json& judge = field(j, "judge"); !judge.is_null()) {
    try {
      r.judgeUrl = text(judge, "url");
      r.judgeModel = text(judge, "model");
    } catch (const std::exception& e) {
      throw std::runtime_error(std::string("judge: ") + e.what());
    }
  }
  const QString when = text(j, "evaluated_at");
  r.evaluatedAt = QDateTime::fromString(when, Qt::ISODate);
  if (!r.evaluatedAt.isValid()) throw std::runtime_error("evaluated_at: '" + when.toStdString() + "' is not a time");
  try {
    r.report = eval::EvalReport::fromJson(field(j, "report"));
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("report: ") + e.what());
  }
  return r;
}

}  // namespace longrl::ui
