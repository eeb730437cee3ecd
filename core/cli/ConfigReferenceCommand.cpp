#include "core/cli/ConfigReferenceCommand.h"

#include "core/config/ConfigReference.h"

namespace longrl::cli {

Command configReferenceCommand() {
  Command c;
  c.name = "config-reference";
  c.usage = "";
  c.summary = "every run-config key with its type, default and meaning (Markdown)";
  c.run = [](ArgList& args, std::ostream& out, std::ostream&) -> int {
    args.finish();
    out << config::ConfigReference::markdown();
    return 0;
  };
  return c;
}

}  // namespace longrl::cli
