#pragma once
#include <iostream>

#include "core/cli/Command.h"

namespace longrl::cli {

// `longrl eval --model DIR --data FILE [--k K [--temperature T] [--top-p P] [--seed S]] [--limit N]
//  [--by KEY[,KEY]] [--max-new-tokens N] [--threads N] [--json]
//  [--judge-url URL --judge-model M [--judge-api-key-env VAR | --judge-api-key-stdin] [--judge-timeout-ms N]
//   [--judge-retries N]
//   [--judge-concurrency N] | --config RUN.json]`
// The papers' evaluation of a model (or a run's checkpoint) on a dataset (cli::EvalRun): per
// data_source, n, greedy accuracy and, with --k K > 1, mean@K and pass@K over K samples at the
// recipe's sampling (temperature 0.7, top-p 0.95), plus the unweighted average row; with --by, the
// same per extra_info key. Correct = rule score 1, or the judge says yes where one is configured
// (flags, or the reward.judge section of a run config). --json prints eval::EvalReport::toJson.
// Progress goes to stderr as "eval progress: greedy|sampled DONE/TOTAL".
// --judge-api-key-stdin reads the judge's key as the first line of `keyInput` (stdin), so a run
// over ssh keeps it out of every argv and environment.
Command evalCommand(std::istream& keyInput = std::cin);

}  // namespace longrl::cli
