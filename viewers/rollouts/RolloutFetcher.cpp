#include "viewers/rollouts/RolloutFetcher.h"

#include "core/store/RunStoreReader.h"

namespace longrl::viewers {

RolloutFetcher::RolloutFetcher(QString storePath, std::shared_ptr<RolloutFetchState> state)
    : path_(std::move(storePath)), state_(std::move(state)) {}

RolloutFetcher::~RolloutFetcher() = default;

bool RolloutFetcher::ensureReader(quint64 generation, int chunk) {
  if (reader_) return true;
  try {
    reader_ = std::make_unique<store::RunStoreReader>(path_.toStdString());
    return true;
  } catch (const std::exception& e) {
    Q_EMIT failed(generation, chunk, QString::fromStdString(e.what()));
    return false;
  }
}

const std::string& RolloutFetcher::sourceOf(const std::string& exampleId) {
  auto it = sources_.find(exampleId);
  if (it != sources_.end()) return it->second;
  // Examples are few next to rollouts: (re)load them all when an unknown id shows up (a live
  // run adds examples as it goes).
  for (const auto& e : reader_->examples()) sources_[e.id] = e.data_source;
  return sources_[exampleId];  // "" when the run never recorded that example
}

void RolloutFetcher::count(quint64 generation, const store::RolloutQuery& query, bool refresh) {
  if (generation < state_->generation.load()) return;
  if (!ensureReader(generation, -1)) return;
  try {
    // The whole ordered id list, once per query: pages are then read by id, so a sort or filter
    // without an index is paid here and not again for every page (OFFSET would redo it).
    // A live refresh whose count did not move keeps the list (re-sorting every few seconds would
    // keep a worker busy on a big run).
    if (refresh && generation == idsGeneration_ && reader_->rolloutCount(query) == std::int64_t(ids_.size())) {
      Q_EMIT counted(generation, qint64(ids_.size()), refresh);
      return;
    }
    ids_ = reader_->rolloutIds(query);
    idsGeneration_ = generation;
    classifier_ = query.behavior_classifier;
    Q_EMIT counted(generation, qint64(ids_.size()), refresh);
    if (!refresh) {
      QStringList names;
      for (const auto& c : reader_->behaviorClassifiers()) names << QString::fromStdString(c);
      Q_EMIT behaviorClassifiers(names);
    }
  } catch (const std::exception& e) {
    reader_.reset();  // reopened by the next request (the file may have been replaced)
    ids_.clear();
    Q_EMIT failed(generation, -1, QString::fromStdString(e.what()));
  }
}

void RolloutFetcher::fetch(quint64 generation, quint64 ticket, int chunk, int chunkSize) {
  if (generation < state_->generation.load() || ticket < state_->ticketFloor.load() || generation != idsGeneration_) {
    ++state_->requestsSkipped;
    Q_EMIT skipped(generation, chunk);
    return;
  }
  if (!ensureReader(generation, chunk)) return;
  try {
    const std::size_t first = std::min(ids_.size(), std::size_t(chunk) * std::size_t(chunkSize));
    const std::size_t last = std::min(ids_.size(), first + std::size_t(chunkSize));
    auto out = std::make_shared<RolloutChunk>();
    out->generation = generation;
    out->index = chunk;
    const std::vector<std::int64_t> ids(ids_.begin() + std::ptrdiff_t(first), ids_.begin() + std::ptrdiff_t(last));
    out->rows = reader_->rolloutsByIds(ids, false);
    std::vector<std::int64_t> found;
    found.reserve(out->rows.size());
    for (const auto& r : out->rows) found.push_back(r.id);
    out->behaviors = reader_->latestBehaviors(found, classifier_);
    out->sources.reserve(out->rows.size());
    for (const auto& r : out->rows) out->sources.push_back(sourceOf(r.example_id));
    ++state_->chunksRead;
    Q_EMIT fetched(out);
  } catch (const std::exception& e) {
    reader_.reset();
    Q_EMIT failed(generation, chunk, QString::fromStdString(e.what()));
  }
}

}  // namespace longrl::viewers
