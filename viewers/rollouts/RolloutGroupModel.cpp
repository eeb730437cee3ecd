#include "viewers/rollouts/RolloutGroupModel.h"

#include <QColor>
#include <QFont>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "viewers/rollouts/RolloutBehaviorCells.h"
#include "viewers/rollouts/RolloutCells.h"
#include "viewers/rollouts/RolloutTableModel.h"

namespace longrl::viewers {
namespace {

// The flat table's column for each of ours (same look).
int tableColumn(int column) {
  using T = RolloutTableModel;
  static const int map[] = {-1, T::Reward, T::Advantage, T::Rule, T::Judge, T::Length, -1, T::Answer};
  return column >= 0 && column < RolloutGroupModel::ColumnCount ? map[column] : -1;
}

}  // namespace

RolloutGroupModel::RolloutGroupModel(QObject* parent) : QAbstractItemModel(parent) {}

void RolloutGroupModel::clear() { setRollouts({}, grouping_); }

void RolloutGroupModel::setRollouts(std::vector<store::RolloutRecord> rollouts, Grouping grouping,
                                    std::vector<Behavior> behaviors) {
  beginResetModel();
  grouping_ = grouping;
  rollouts_ = std::move(rollouts);
  behaviors_ = std::move(behaviors);
  behaviors_.resize(rollouts_.size());
  groups_.clear();
  using Key = std::tuple<std::int64_t, int, std::string>;
  std::map<Key, std::size_t> at;
  for (std::size_t i = 0; i < rollouts_.size(); ++i) {
    const auto& r = rollouts_[i];
    const Key key = grouping == Grouping::ByPrompt ? Key{r.step, r.group_idx, r.example_id} : Key{r.step, 0, ""};
    auto [it, fresh] = at.emplace(key, groups_.size());
    if (fresh)
      groups_.push_back({r.step,
                         r.group_idx,
                         grouping == Grouping::ByPrompt ? r.example_id : "",
                         {},
                         0,
                         0,
                         0,
                         0,
                         0,
                         0,
                         0,
                         {},
                         0,
                         0,
                         0,
                         0,
                         0});
    groups_[it->second].rows.push_back(i);
  }
  std::sort(groups_.begin(), groups_.end(), [](const Group& a, const Group& b) {
    return std::tie(a.step, a.group, a.example) < std::tie(b.step, b.group, b.example);
  });
  for (auto& g : groups_) {
    std::sort(g.rows.begin(), g.rows.end(), [this](std::size_t a, std::size_t b) {
      return std::tie(rollouts_[a].group_idx, rollouts_[a].sample_idx) <
             std::tie(rollouts_[b].group_idx, rollouts_[b].sample_idx);
    });
    std::map<std::string, int> answers;
    double n = 0;
    for (std::size_t k : g.rows) {
      const auto& r = rollouts_[k];
      if (!std::isnan(r.reward)) g.mean += r.reward, n += 1;
      g.rule += std::isnan(r.rule_score) ? 0.0 : r.rule_score;
      g.length += double(r.length);
      g.yes += r.judge_verdict == "yes";
      g.no += r.judge_verdict == "no";
      g.errors += r.judge_verdict == "error";
      ++answers[r.answer];
    }
    g.mean = n > 0 ? g.mean / n : std::nan("");
    double var = 0;
    for (std::size_t k : g.rows)
      if (!std::isnan(rollouts_[k].reward)) var += (rollouts_[k].reward - g.mean) * (rollouts_[k].reward - g.mean);
    g.sd = n > 0 ? std::sqrt(var / n) : std::nan("");
    g.rule /= double(g.rows.size());
    g.length /= double(g.rows.size());
    std::vector<std::pair<int, std::string>> top;
    for (const auto& [a, c] : answers) top.push_back({-c, a});
    std::sort(top.begin(), top.end());
    QStringList parts;
    for (std::size_t i = 0; i < top.size() && i < 3; ++i)
      parts << QStringLiteral("%1 ×%2").arg(RolloutCells::oneLine(top[i].second, 40)).arg(-top[i].first);
    if (top.size() > 3) parts << tr("+%1 more").arg(top.size() - 3);
    g.answers = parts.join(QStringLiteral(" · "));
    summarizeBehaviors(g);
  }
  endResetModel();
}

void RolloutGroupModel::summarizeBehaviors(Group& g) const {
  int grounded = 0;
  for (std::size_t k : g.rows) {
    const auto& b = behaviors_[k];
    if (!b) continue;
    ++g.withBehavior;
    g.subgoal += double(b->subgoal);
    g.backtracking += double(b->backtracking);
    g.verification += double(b->verification);
    if (!std::isnan(b->grounding_share)) g.grounding += b->grounding_share, ++grounded;
  }
  const double n = std::max(1, g.withBehavior);
  g.subgoal /= n;
  g.backtracking /= n;
  g.verification /= n;
  g.grounding = grounded > 0 ? g.grounding / grounded : std::nan("");
}

const store::RolloutRecord* RolloutGroupModel::record(const QModelIndex& index) const {
  if (!index.isValid() || index.internalId() == 0) return nullptr;
  const auto& g = groups_[std::size_t(index.internalId() - 1)];
  return &rollouts_[g.rows[std::size_t(index.row())]];
}

QModelIndex RolloutGroupModel::index(int row, int column, const QModelIndex& parent) const {
  if (!hasIndex(row, column, parent)) return {};
  if (!parent.isValid()) return createIndex(row, column, quintptr(0));
  return createIndex(row, column, quintptr(parent.row() + 1));
}

QModelIndex RolloutGroupModel::parent(const QModelIndex& child) const {
  if (!child.isValid() || child.internalId() == 0) return {};
  return createIndex(int(child.internalId() - 1), 0, quintptr(0));
}

int RolloutGroupModel::rowCount(const QModelIndex& parent) const {
  if (!parent.isValid()) return int(groups_.size());
  if (parent.internalId() != 0 || parent.column() != 0) return 0;
  return int(groups_[std::size_t(parent.row())].rows.size());
}

int RolloutGroupModel::columnCount(const QModelIndex&) const { return ColumnCount; }

QVariant RolloutGroupModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
  if (role == RolloutTableModel::RolloutIdRole) {
    const auto* r = record(index);
    return qint64(r ? r->id : -1);
  }
  if (index.internalId() == 0) return groupData(groups_[std::size_t(index.row())], index.column(), role);
  const auto& g = groups_[std::size_t(index.internalId() - 1)];
  const std::size_t k = g.rows[std::size_t(index.row())];
  return sampleData(rollouts_[k], behaviors_[k], index.column(), role);
}

QVariant RolloutGroupModel::groupData(const Group& g, int column, int role) const {
  if (role == Qt::FontRole) {
    QFont f;
    f.setBold(column == Name || column == Reward);
    return f;
  }
  if (role == Qt::TextAlignmentRole)
    return QVariant::fromValue(Qt::Alignment(
        (column == Name || column == Answer || column == Judge ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter));
  if (role == Qt::ForegroundRole && column == Judge && g.errors > 0) return QColor(0xc6, 0x28, 0x28);
  if (role == Qt::ToolTipRole && column == Advantage)
    return tr("standard deviation of the group's rewards (0: no learning signal)");
  if (role == Qt::ToolTipRole && column == Behaviors)
    return RolloutBehaviorCells::summaryTooltip(QStringLiteral("rule"), tr("Mean"));
  if (role != Qt::DisplayRole) return {};
  const int n = int(g.rows.size());
  switch (column) {
    case Name:
      return grouping_ == Grouping::ByPrompt ? tr("step %1 · group %2 · %3 (%4)")
                                                   .arg(g.step)
                                                   .arg(g.group)
                                                   .arg(QString::fromStdString(g.example))
                                                   .arg(n)
                                             : tr("step %1 (%2 samples)").arg(g.step).arg(n);
    case Reward:
      return tr("mean %1").arg(RolloutCells::number(g.mean));
    case Advantage:
      return tr("σ %1").arg(RolloutCells::number(g.sd, 2));
    case Rule:
      return RolloutCells::number(g.rule, 2);
    case Judge: {
      QStringList t;
      if (g.yes) t << tr("%1 yes").arg(g.yes);
      if (g.no) t << tr("%1 no").arg(g.no);
      if (g.errors) t << tr("%1 error").arg(g.errors);
      return t.isEmpty() ? QStringLiteral("–") : t.join(QStringLiteral(" · "));
    }
    case Length:
      return QString::number(g.length, 'f', 0);
    case Behaviors:
      return g.withBehavior == 0
                 ? QStringLiteral("–")
                 : RolloutBehaviorCells::summary(g.subgoal, g.backtracking, g.verification, g.grounding, 1);
    case Answer:
      return g.answers;
    default:
      return {};
  }
}

QVariant RolloutGroupModel::sampleData(const store::RolloutRecord& r, const Behavior& b, int column, int role) const {
  if (column == Behaviors) {
    if (role == Qt::TextAlignmentRole) return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
    if (role == Qt::ToolTipRole)
      return b ? RolloutBehaviorCells::value(b, RolloutTableModel::Subgoal, role) : QVariant();
    if (role != Qt::DisplayRole) return {};
    return b ? RolloutBehaviorCells::summary(double(b->subgoal), double(b->backtracking), double(b->verification),
                                             b->grounding_share, 0)
             : QStringLiteral("–");
  }
  if (column == Name) {
    if (role != Qt::DisplayRole) return {};
    return grouping_ == Grouping::ByPrompt ? tr("sample %1").arg(r.sample_idx)
                                           : tr("group %1 · sample %2").arg(r.group_idx).arg(r.sample_idx);
  }
  return RolloutCells::value(r, std::string(), tableColumn(column), role);
}

QVariant RolloutGroupModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  static const char* kTitles[] = {
      "group / sample", "reward", "advantage", "rule", "judge", "length", "sub · back · verif · ground", "answers"};
  return section >= 0 && section < ColumnCount ? tr(kTitles[section]) : QVariant();
}

}  // namespace longrl::viewers
