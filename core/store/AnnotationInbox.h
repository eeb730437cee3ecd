#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/store/AnnotationOp.h"

namespace longrl::store {

// The run's side of labels sent from elsewhere (`longrl annotate --apply`): applies one sender's
// batch of changes to the run's store in a single transaction, skipping every change whose seq
// the store has applied before, so a batch that is sent again (its reply was lost) changes
// nothing. "continue" becomes an `annotations_continue` event, which a trainer waiting at a phase
// boundary looks for. The trainer may be writing the same store: SQLite lets one writer in at a
// time and this waits its turn.
class AnnotationInbox {
 public:
  struct Result {
    std::size_t applied = 0;
    std::size_t skipped = 0;   // applied by an earlier batch
    std::int64_t lastSeq = 0;  // the highest seq this store has applied from the sender
  };

  static constexpr const char* kContinueEvent = "annotations_continue";

  // `storePath` is an existing run.sqlite; `origin` the sender's identity. Throws StoreError
  // (nothing applied) when the store cannot be written.
  static Result apply(const std::string& storePath, const std::string& origin, const std::vector<AnnotationOp>& ops);
};

}  // namespace longrl::store
