#pragma once
#include <QAbstractItemModel>

#include <optional>
#include <vector>

#include "core/store/RolloutBehaviorRecord.h"
#include "core/store/RolloutRecord.h"

namespace longrl::viewers {

// Rollouts as a two-level tree. ByPrompt: one node per GRPO group (step, group, example) with its
// G samples below, the group's mean reward, reward spread, judge tally and most frequent answers
// (as verl's and prime-rl's rollout viewers show them). ByStep: one node per training step, for
// following one example across training (how its answers changed). Rows hold short columns only.
// The behaviour column shows each sample's rule-classifier counts and grounding share (group rows:
// their means over the samples with a record), so a group's rewarded samples can be compared by
// how they reasoned.
class RolloutGroupModel : public QAbstractItemModel {
  Q_OBJECT
 public:
  enum class Grouping { ByPrompt, ByStep };
  enum Column { Name, Reward, Advantage, Rule, Judge, Length, Behaviors, Answer, ColumnCount };
  using Behavior = std::optional<store::RolloutBehaviorRecord>;

  explicit RolloutGroupModel(QObject* parent = nullptr);

  // `behaviors`: each rollout's behaviour record, in the order of `rollouts` (or empty: none).
  void setRollouts(std::vector<store::RolloutRecord> rollouts, Grouping grouping, std::vector<Behavior> behaviors = {});
  void clear();
  Grouping grouping() const { return grouping_; }
  int groupCount() const { return int(groups_.size()); }
  // The rollout of a sample row; nullptr for group rows.
  const store::RolloutRecord* record(const QModelIndex& index) const;
  // Mean reward of group `g`.
  double groupMean(int g) const { return groups_.at(std::size_t(g)).mean; }

  QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
  QModelIndex parent(const QModelIndex& child) const override;
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  struct Group {
    std::int64_t step = 0;
    int group = 0;
    std::string example;
    std::vector<std::size_t> rows;  // into rollouts_
    double mean = 0, sd = 0, rule = 0, length = 0;
    int yes = 0, no = 0, errors = 0;
    QString answers;  // most frequent answers with counts
    // Behaviour means over the samples with a record (grounding over those with a share: NaN for none).
    int withBehavior = 0;
    double subgoal = 0, backtracking = 0, verification = 0, grounding = 0;
  };
  QVariant groupData(const Group& g, int column, int role) const;
  QVariant sampleData(const store::RolloutRecord& r, const Behavior& b, int column, int role) const;
  void summarizeBehaviors(Group& g) const;

  Grouping grouping_ = Grouping::ByPrompt;
  std::vector<store::RolloutRecord> rollouts_;
  std::vector<Behavior> behaviors_;  // aligned with rollouts_
  std::vector<Group> groups_;
};

}  // namespace longrl::viewers
