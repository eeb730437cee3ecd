#pragma once
#include <istream>

#include "core/cli/Command.h"

namespace longrl::cli {

// `longrl annotate RUN_DIR ...`: changes a run's labels where the run's store is (the studio runs
// it over ssh for a remote run, a person may run it by hand):
//   --apply FILE|- --origin ID   a batch of changes as JSON lines (store::AnnotationOp), applied in
//                                one transaction, each sender's seq at most once; prints
//                                {"applied":N,"skipped":N,"last_seq":N}
//   --label EXAMPLE_ID=LABEL [--note TEXT] [--author NAME]   one label (hard, not_hard, unsure)
//   --continue PHASE [--author NAME]   a trainer waiting at the end of PHASE goes on
// `in` is the batch's source for `--apply -`.
Command annotateCommand(std::istream& in);
Command annotateCommand();  // stdin

}  // namespace longrl::cli
