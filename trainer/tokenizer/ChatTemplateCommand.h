#pragma once
#include "core/cli/Command.h"

namespace longrl::cli {

// `longrl chat-template --tokenizer DIR --messages FILE.json [--add-generation-prompt]
//  [--enable-thinking true|false]` prints exactly the text the model's chat template renders
// (nothing added, no trailing newline). FILE.json holds [{"role", "content",
// "reasoning_content"?}, ...] or {"messages": [...]}.
Command chatTemplateCommand();

}  // namespace longrl::cli
