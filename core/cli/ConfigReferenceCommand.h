#pragma once
#include "core/cli/Command.h"

namespace longrl::cli {

// `longrl config-reference`: every run-config key with its type, default and meaning, in Markdown
// (the text of docs/CONFIG.md).
Command configReferenceCommand();

}  // namespace longrl::cli
