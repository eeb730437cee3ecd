#pragma once
#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/store/RolloutQuery.h"
#include "viewers/rollouts/RolloutChunk.h"

namespace longrl::store {
class RunStoreReader;
}

namespace longrl::viewers {

// Counters shared between the table model (UI thread) and its fetcher (worker thread).
struct RolloutFetchState {
  std::atomic<quint64> generation{0};   // current query; requests of older ones are skipped
  std::atomic<quint64> ticketFloor{0};  // requests below it belong to a superseded batch of wishes
  std::atomic<int> chunksRead{0};       // chunks actually read from SQLite (tests, benchmarks)
  std::atomic<int> requestsSkipped{0};
};

// Runs rollout queries for RolloutTableModel on a worker thread with its own RunStoreReader
// (sqlitebrowser's RowLoader, in spirit). A count reads the query's ordered id list (8 bytes a
// row); pages are then read by id. Every request carries the generation of the query it
// belongs to and is skipped when a newer query has been set meanwhile; chunk requests also carry a
// ticket, and are skipped when the view has since asked for a newer batch of rows (fast scrolling
// must not queue up hundreds of pages nobody looks at any more).
class RolloutFetcher : public QObject {
  Q_OBJECT
 public:
  RolloutFetcher(QString storePath, std::shared_ptr<RolloutFetchState> state);
  ~RolloutFetcher() override;

  // Called through queued invocations from the model.
  void count(quint64 generation, const store::RolloutQuery& query, bool refresh);
  // Rows [chunk * chunkSize, ...) of the id list of the last count (same generation only).
  void fetch(quint64 generation, quint64 ticket, int chunk, int chunkSize);

 Q_SIGNALS:
  void counted(quint64 generation, qint64 rows, bool refresh);
  void fetched(longrl::viewers::RolloutChunkPtr chunk);
  void skipped(quint64 generation, int chunk);
  void failed(quint64 generation, int chunk, QString message);  // chunk -1: the count failed
  // The behaviour classifiers the store has records of (RunStoreReader::behaviorClassifiers), after
  // each count that is not a live refresh.
  void behaviorClassifiers(QStringList classifiers);

 private:
  bool ensureReader(quint64 generation, int chunk);
  const std::string& sourceOf(const std::string& exampleId);

  QString path_;
  std::shared_ptr<RolloutFetchState> state_;
  std::unique_ptr<store::RunStoreReader> reader_;
  std::map<std::string, std::string> sources_;  // example id -> data_source, loaded lazily
  std::vector<std::int64_t> ids_;               // the current query's rows, in order
  std::string classifier_;                      // whose behaviour records the chunks carry
  quint64 idsGeneration_ = 0;
};

}  // namespace longrl::viewers
