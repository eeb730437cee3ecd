#pragma once
#include "core/cli/Command.h"

namespace longrl::cli {

// `longrl compress --model DIR --query Q [--instruction T] (--file F | stdin)
//  [--granularity sentence|keyword|paragraph] [--threshold X] [--window-tokens N] [--overlap N]
//  [--batch N] [--threads N] [--json]`: compresses a document with a CPRS compressor directory
// (config.json with a "cprs" block, weights, tokenizer.json) and prints the kept text and a
// "ratio: R (kept K of D bytes)" line; with --json one object (Compression::toJson).
Command compressCommand();

}  // namespace longrl::cli
