#pragma once
#include "core/cli/Command.h"

namespace longrl::cli {

// `longrl eval --model DIR --data FILE [--limit N] [--by KEY[,KEY]] [--max-new-tokens N]
//  [--temperature T] [--n N] [--seed S] [--threads N] [--json]`
// A validation pass (train::Validator) over a dataset file outside a run: accuracy per data_source
// (verl's val-core/{source}/acc/mean@n) and, with --by, per extra_info key (e.g. the demo's `band`
// and `kind`). Greedy by default. --json prints one object instead of the table.
Command evalCommand();

}  // namespace longrl::cli
