// Every command's numeric options are range-checked when taken: a negative thread count, nan,
// infinity or a number that overflows 64 bits is refused, naming the option and the value,
// before anything is loaded or written.
#include <QtTest/QtTest>

#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/cli/Command.h"
#include "core/cli/UsageError.h"
#include "support/TestPaths.h"
#include "trainer/cli/DemoCommand.h"
#include "trainer/cli/EvalCommand.h"
#include "trainer/cli/GenerateCommand.h"
#include "trainer/cli/InitModelCommand.h"
#include "trainer/cli/ServeCommand.h"
#include "trainer/cli/TrainCommand.h"
#include "trainer/tokenizer/TokenizeCommand.h"

using namespace longrl;

namespace {

using Case = std::pair<std::string, std::string>;  // option, value

// "" when `command base... option value` is refused with a message naming both; else what happened.
// A trailing unknown argument makes a command that accepted the number stop at its finish() check
// (with a message that names neither) instead of loading models or training.
std::string problem(const cli::Command& command, std::vector<std::string> args, const Case& c) {
  args.insert(args.end(), {c.first, c.second, "--unknown-guard"});
  cli::ArgList list(args);
  std::ostringstream out, err;
  try {
    command.run(list, out, err);
  } catch (const cli::UsageError& e) {
    const std::string m = e.what();
    if (m.find("option " + c.first) != std::string::npos && m.find("'" + c.second + "'") != std::string::npos)
      return {};
    return command.name + " " + c.first + " " + c.second + ": " + m;
  } catch (const std::exception& e) {
    return command.name + " " + c.first + " " + c.second + ": not a usage error: " + e.what();
  }
  return command.name + " " + c.first + " " + c.second + ": accepted";
}

void expectRefused(const cli::Command& command, const std::vector<std::string>& base, const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    const std::string p = problem(command, base, c);
    QVERIFY2(p.empty(), p.c_str());
  }
}

const std::string kTooBig = "99999999999999999999";  // > 2^63: strtoll clamps it, it must not pass

}  // namespace

class TestCommandNumbers : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void generate() {
    expectRefused(cli::generateCommand(), {"--model", "/nonexistent-model", "--prompt", "a"},
                  {{"--threads", "-5"},
                   {"--threads", "100000"},
                   {"--temperature", "nan"},
                   {"--temperature", "-0.5"},
                   {"--top-p", "inf"},
                   {"--top-k", "-1"},
                   {"--max-new-tokens", kTooBig},
                   {"--max-new-tokens", "0"},
                   {"--n", "0"},
                   {"--seed", kTooBig}});
  }
  void eval() {
    expectRefused(cli::evalCommand(), {"--model", "/nonexistent-model", "--data", "/nonexistent.jsonl", "--k", "3"},
                  {{"--threads", "100000"},
                   {"--max-new-tokens", kTooBig},
                   {"--temperature", "nan"},
                   {"--top-p", "1.5"},
                   {"--limit", kTooBig},
                   {"--seed", "-1"},
                   {"--judge-timeout-ms", "-5"},
                   {"--judge-concurrency", "0"}});
  }
  void serve() {
    expectRefused(cli::serveCommand(), {"--model", "/nonexistent-model"},
                  {{"--threads", "-5"}, {"--max-tokens", kTooBig}, {"--max-queue", "0"}, {"--port", "-1"}});
  }
  void train() {
    expectRefused(cli::trainCommand(), {"--config", "/nonexistent.json", "--run-dir", "/nonexistent-run"},
                  {{"--threads", "100000"}, {"--micro-batch-tokens", kTooBig}, {"--nproc", "0"}});
  }
  void initModel() {
    const std::string out = test::freshTempDir("numbers-init") + "/model";
    expectRefused(cli::initModelCommand(), {"--preset", "tiny", out},
                  {{"--threads", "-5"}, {"--seed", kTooBig}, {"--vocab-size", "1"}, {"--vocab-size", kTooBig}});
  }
  void demo() {
    const std::string runDir = test::freshTempDir("numbers-demo") + "/run";
    expectRefused(cli::demoCommand(), {"--run-dir", runDir},
                  {{"--threads", "100000"},
                   {"--minutes", "nan"},
                   {"--minutes", "inf"},
                   {"--warm-start-lr", "nan"},
                   {"--warm-start-steps", kTooBig},
                   {"--nproc", "0"}});
  }
  void tokenize() {
    expectRefused(cli::tokenizeCommand(), {"--tokenizer", "/nonexistent-tokenizer", "--text", "a"},
                  {{"--max-len", kTooBig}, {"--max-len", "0"}});
  }
};

QTEST_GUILESS_MAIN(TestCommandNumbers)
#include "TestCommandNumbers.moc"
