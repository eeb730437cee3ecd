#include "viewers/rollouts/RolloutCells.h"

#include <QColor>

#include <cmath>

#include "viewers/rollouts/RolloutTableModel.h"

namespace longrl::viewers {

using C = RolloutTableModel::Column;

QString RolloutCells::number(double v, int decimals) {
  return std::isnan(v) ? QStringLiteral("—") : QString::number(v, 'f', decimals);
}

QString RolloutCells::verdictText(const std::string& verdict) {
  return verdict.empty() ? QStringLiteral("–") : QString::fromStdString(verdict);
}

QVariant RolloutCells::verdictColor(const std::string& verdict) {
  if (verdict == "error") return QColor(0xc6, 0x28, 0x28);
  if (verdict == "yes") return QColor(0x2e, 0x7d, 0x32);
  if (verdict == "no") return QColor(0x8d, 0x6e, 0x63);
  return {};
}

QString RolloutCells::oneLine(const std::string& text, int max) {
  QString s = QString::fromStdString(text.size() > size_t(max) * 4 ? text.substr(0, size_t(max) * 4) : text);
  s = s.simplified();
  if (s.size() > max) s = s.left(max - 1) + QChar(0x2026);
  return s;
}

QVariant RolloutCells::value(const store::RolloutRecord& r, const std::string& source, int column, int role) {
  if (role == Qt::TextAlignmentRole) {
    const bool text = column == C::Example || column == C::Source || column == C::Answer || column == C::Judge;
    return QVariant::fromValue(Qt::Alignment((text ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter));
  }
  if (role == Qt::ForegroundRole) {
    if (column == C::Judge) return verdictColor(r.judge_verdict);
    if (column == C::Truncated && r.truncated) return QColor(0xc6, 0x28, 0x28);
    return {};
  }
  if (role == Qt::BackgroundRole && column == C::Reward && !std::isnan(r.reward)) {
    // A faint green for rewarded samples, faint red for zero: the eye finds the outliers.
    const double t = std::clamp(r.reward, 0.0, 1.0);
    return QColor::fromRgbF(float(1.0 - 0.18 * t), float(0.82 + 0.18 * t), float(0.82 + 0.05 * t), 0.55f);
  }
  if (role == Qt::ToolTipRole) {
    if (column == C::Answer) return QString::fromStdString(r.answer);
    if (column == C::Judge && !r.judge_error.empty()) return QString::fromStdString(r.judge_error);
    return {};
  }
  if (role != Qt::DisplayRole) return {};
  switch (column) {
    case C::Id:
      return qint64(r.id);
    case C::Step:
      return qint64(r.step);
    case C::Phase:
      return r.phase;
    case C::Example:
      return QString::fromStdString(r.example_id);
    case C::Source:
      return QString::fromStdString(source);
    case C::Group:
      return r.group_idx;
    case C::Sample:
      return r.sample_idx;
    case C::Reward:
      return number(r.reward);
    case C::Rule:
      return number(r.rule_score);
    case C::Judge:
      return verdictText(r.judge_verdict);
    case C::Advantage:
      return number(r.advantage);
    case C::Length:
      return qint64(r.length);
    case C::Think:
      return qint64(r.think_len);
    case C::Truncated:
      return r.truncated ? QStringLiteral("yes") : QString();
    case C::Entropy:
      return number(r.mean_entropy);
    case C::Answer:
      return oneLine(r.answer);
    default:
      return {};
  }
}

QString RolloutCells::title(int column) {
  static const char* kTitles[] = {"id",      "step",    "phase",     "example", "source", "group", "sample",
                                  "reward",  "rule",    "judge",     "adv",     "length", "think", "trunc",
                                  "entropy", "subgoal", "backtrack", "verify",  "ground", "answer"};
  return column >= 0 && column < C::ColumnCount ? QString::fromLatin1(kTitles[column]) : QString();
}

QString RolloutCells::tooltip(int column) {
  switch (column) {
    case C::Group:
      return QStringLiteral("prompt group within the step's batch");
    case C::Reward:
      return QStringLiteral("final reward: max(rule, judge) plus any overlong penalty");
    case C::Rule:
      return QStringLiteral("rule score (exact / sub-EM / numeric / letter)");
    case C::Judge:
      return QStringLiteral("LLM judge verdict; – when the judge was not asked");
    case C::Advantage:
      return QStringLiteral("GRPO advantage (reward − group mean) / group std");
    case C::Length:
      return QStringLiteral("response tokens");
    case C::Think:
      return QStringLiteral("tokens before </think>");
    case C::Truncated:
      return QStringLiteral("hit the output length limit");
    default:
      return title(column);
  }
}

}  // namespace longrl::viewers
