#pragma once
#include <string>
#include <utility>
#include <vector>

namespace longrl::config {

// The choice-valued settings of a run config. Each has a table of its JSON spellings (the names
// verl uses where verl has the knob), used by the reader, the writer and the GUI's combo boxes.

enum class PhaseMode { Full, Memory };  // whole document in the window, or L1.5 memory agent
enum class LossAggMode { TokenMean, SeqMeanTokenMean, SeqMeanTokenSum };
enum class KlLossType { K1, K2, K3, LowVarKl };
enum class AdvantageEstimator { Grpo, GrpoTaskStd };
enum class DifficultyMeasure { InverseMean, OneMinusMean };
enum class LaunchTarget { Local, Ssh, Template };
// Attention of the training forward: block (kernels::BlockAttention), eager, or block on the CPU
// and eager on CUDA.
enum class AttentionImpl { Auto, Eager, Block };
enum class ShardMode { None, Optimizer, Full };

template <class E> using EnumTable = std::vector<std::pair<E, const char*>>;

inline const EnumTable<PhaseMode>& enumTable(PhaseMode) {
  static const EnumTable<PhaseMode> t{{PhaseMode::Full, "full"}, {PhaseMode::Memory, "memory"}};
  return t;
}
inline const EnumTable<LossAggMode>& enumTable(LossAggMode) {
  static const EnumTable<LossAggMode> t{{LossAggMode::TokenMean, "token-mean"},
                                        {LossAggMode::SeqMeanTokenMean, "seq-mean-token-mean"},
                                        {LossAggMode::SeqMeanTokenSum, "seq-mean-token-sum"}};
  return t;
}
inline const EnumTable<KlLossType>& enumTable(KlLossType) {
  static const EnumTable<KlLossType> t{{KlLossType::K1, "k1"},
                                       {KlLossType::K2, "k2"},
                                       {KlLossType::K3, "k3"},
                                       {KlLossType::LowVarKl, "low_var_kl"}};
  return t;
}
inline const EnumTable<AdvantageEstimator>& enumTable(AdvantageEstimator) {
  static const EnumTable<AdvantageEstimator> t{{AdvantageEstimator::Grpo, "grpo"},
                                               {AdvantageEstimator::GrpoTaskStd, "grpo_task_std"}};
  return t;
}
inline const EnumTable<DifficultyMeasure>& enumTable(DifficultyMeasure) {
  static const EnumTable<DifficultyMeasure> t{{DifficultyMeasure::InverseMean, "inverse_mean"},
                                              {DifficultyMeasure::OneMinusMean, "one_minus_mean"}};
  return t;
}
inline const EnumTable<LaunchTarget>& enumTable(LaunchTarget) {
  static const EnumTable<LaunchTarget> t{{LaunchTarget::Local, "local"},
                                         {LaunchTarget::Ssh, "ssh"},
                                         {LaunchTarget::Template, "template"}};
  return t;
}

inline const EnumTable<AttentionImpl>& enumTable(AttentionImpl) {
  static const EnumTable<AttentionImpl> t{{AttentionImpl::Auto, "auto"},
                                          {AttentionImpl::Eager, "eager"},
                                          {AttentionImpl::Block, "block"}};
  return t;
}

inline const EnumTable<ShardMode>& enumTable(ShardMode) {
  static const EnumTable<ShardMode> t{{ShardMode::None, "none"},
                                      {ShardMode::Optimizer, "optimizer"},
                                      {ShardMode::Full, "full"}};
  return t;
}

template <class E> std::string enumName(E value) {
  for (const auto& [v, name] : enumTable(E{}))
    if (v == value) return name;
  return "?";
}

// "a, b or c": for error messages.
template <class E> std::string enumChoices() {
  std::string out;
  const auto& t = enumTable(E{});
  for (size_t i = 0; i < t.size(); ++i) {
    if (i > 0) out += (i + 1 == t.size()) ? " or " : ", ";
    out += std::string("'") + t[i].second + "'";
  }
  return out;
}

}  // namespace longrl::config
