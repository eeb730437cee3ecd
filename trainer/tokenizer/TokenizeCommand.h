#pragma once
#include "core/cli/Command.h"

namespace longrl::cli {

// `longrl tokenize --tokenizer DIR (--text T | --file F) [--decode] [--no-special]`
//   prints the token ids as a JSON array (special tokens written in the text are recognised,
//   as HF tokenizers do by default; --no-special encodes them as plain text). With --decode the
//   input is a JSON array of ids and the output is the text as a JSON string.
// `longrl tokenize --tokenizer DIR --bench FILE` prints one JSON object with the encoding speed.
Command tokenizeCommand();

}  // namespace longrl::cli
