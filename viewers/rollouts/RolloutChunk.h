#pragma once
#include <QMetaType>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/store/RolloutBehaviorRecord.h"
#include "core/store/RolloutRecord.h"

namespace longrl::viewers {

// One page of rollout rows (short columns only) as the fetcher delivers it to the table model.
struct RolloutChunk {
  quint64 generation = 0;  // of the query it answers: the model drops older ones
  int index = 0;           // chunk number: rows [index * size, index * size + rows.size())
  std::vector<store::RolloutRecord> rows;
  std::vector<std::string> sources;  // data_source of each row's example ("" when unknown)
  // Each row's latest behaviour record from the query's classifier (counts only, no JSON), nullopt
  // without one.
  std::vector<std::optional<store::RolloutBehaviorRecord>> behaviors;
};
using RolloutChunkPtr = std::shared_ptr<const RolloutChunk>;

}  // namespace longrl::viewers

Q_DECLARE_METATYPE(longrl::viewers::RolloutChunkPtr)
