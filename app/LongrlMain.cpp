// `longrl`: the command-line front end. Only dispatch lives here; commands live in their layers.
#include <iostream>
#include <string>
#include <vector>

#include "core/Version.h"
#include "core/cli/AnnotateCommand.h"
#include "core/cli/BehaviorsCommand.h"
#include "core/cli/CheckpointsCommand.h"
#include "core/cli/Command.h"
#include "core/cli/ConfigReferenceCommand.h"
#include "core/cli/ExportCommand.h"
#include "core/cli/FollowCommand.h"
#include "core/cli/PlanCommand.h"
#include "core/cli/RewardCommand.h"
#include "core/cli/RunsCommand.h"
#include "core/cli/UsageError.h"
#include "trainer/tokenizer/ChatTemplateCommand.h"
#include "trainer/tokenizer/TokenizeCommand.h"

#ifdef LONGRL_HAVE_TORCH
#include "trainer/cli/DemoCommand.h"
#include "trainer/cli/EvalCommand.h"
#include "trainer/cli/GenerateCommand.h"
#include "trainer/cli/InitModelCommand.h"
#include "trainer/cli/ServeCommand.h"
#include "trainer/cli/TrainCommand.h"
#include "trainer/cprs/CompressCommand.h"
#include "trainer/cprs/CompressEvalCommand.h"
#include "trainer/cprs/CompressTrainCommand.h"
#endif

namespace {

std::vector<longrl::cli::Command> allCommands() {
  std::vector<longrl::cli::Command> commands;
  commands.push_back(longrl::cli::rewardCommand());
  commands.push_back(longrl::cli::runsCommand());
  commands.push_back(longrl::cli::behaviorsCommand());
  commands.push_back(longrl::cli::exportCommand());
  commands.push_back(longrl::cli::annotateCommand());
  commands.push_back(longrl::cli::followCommand());
  commands.push_back(longrl::cli::checkpointsCommand());
  commands.push_back(longrl::cli::configReferenceCommand());
  commands.push_back(longrl::cli::planCommand());
  commands.push_back(longrl::cli::tokenizeCommand());
  commands.push_back(longrl::cli::chatTemplateCommand());
#ifdef LONGRL_HAVE_TORCH
  commands.push_back(longrl::cli::initModelCommand());
  commands.push_back(longrl::cli::generateCommand());
  commands.push_back(longrl::cli::evalCommand());
  commands.push_back(longrl::cli::serveCommand());
  commands.push_back(longrl::cli::trainCommand());
  commands.push_back(longrl::cli::demoCommand());
  commands.push_back(longrl::cli::compressCommand());
  commands.push_back(longrl::cli::compressTrainCommand());
  commands.push_back(longrl::cli::compressEvalCommand());
#endif
  return commands;
}

void printHelp(const std::vector<longrl::cli::Command>& commands, std::ostream& out) {
  out << "longrl " << longrl::kVersion << " - long-context reasoning RL workbench\n\n"
      << "usage: longrl <command> [options]\n\ncommands:\n";
  for (const auto& c : commands) {
    out << "  " << c.name;
    for (size_t i = c.name.size(); i < 12; ++i) out << ' ';
    if (c.name.size() >= 12) out << ' ';
    out << c.summary << "\n";
  }
  out << "\n`longrl <command> --help` shows a command's options.\n";
}

}  // namespace

int main(int argc, char** argv) {
  const auto commands = allCommands();
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    printHelp(commands, std::cout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::cout << "longrl " << longrl::kVersion << "\n";
    return 0;
  }
  for (const auto& c : commands) {
    if (c.name != args[0]) continue;
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (!rest.empty() && (rest[0] == "--help" || rest[0] == "-h")) {
      std::cout << "usage: longrl " << c.name << " " << c.usage << "\n\n" << c.summary << "\n";
      return 0;
    }
    try {
      longrl::cli::ArgList list(std::move(rest));
      return c.run(list, std::cout, std::cerr);
    } catch (const longrl::cli::UsageError& e) {
      std::cerr << "longrl " << c.name << ": " << e.what() << "\nusage: longrl " << c.name << " " << c.usage << "\n";
      return 2;
    } catch (const std::exception& e) {
      std::cerr << "longrl " << c.name << ": error: " << e.what() << "\n";
      return 1;
    }
  }
  std::cerr << "longrl: unknown command '" << args[0] << "' (see `longrl --help`)\n";
  return 2;
}
