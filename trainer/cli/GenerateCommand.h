#pragma once
#include "core/cli/Command.h"

namespace longrl::cli {

// `longrl generate --model DIR (--prompt TEXT | --prompt-file FILE) [--chat] [--no-thinking]
//  [--max-new-tokens N] [--temperature T] [--top-p P] [--top-k K] [--n N] [--seed S]
//  [--stop STR] [--threads N] [--json]`
// Samples completions of one prompt with GenerationEngine. --chat wraps the prompt as a user
// turn in ChatML with the generation prompt. Sampling defaults come from the model's
// generation_config.json. Text output: each completion (special tokens kept), separated by a
// header line when n > 1. --json: one object {prompt_tokens, samples: [{index, text, token_ids,
// logprobs, finish_reason}], timing}.
Command generateCommand();

}  // namespace longrl::cli
