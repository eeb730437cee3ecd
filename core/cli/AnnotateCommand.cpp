#include "core/cli/AnnotateCommand.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/cli/UsageError.h"
#include "core/io/WallClock.h"
#include "core/store/AnnotationInbox.h"
#include "core/store/AnnotationOp.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreWriter.h"
#include "core/store/StoreError.h"

namespace longrl::cli {
namespace {

std::string defaultAuthor() {
  const char* user = std::getenv("USER");
  return user && *user ? user : "cli";
}

// Every line is checked before anything is applied: a bad line names itself and changes nothing.
std::vector<store::AnnotationOp> readBatch(std::istream& in, const std::string& source) {
  std::vector<store::AnnotationOp> ops;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      ops.push_back(store::annotationOpFromJson(nlohmann::json::parse(line)));
    } catch (const std::exception& e) {
      throw store::StoreError(source + " line " + std::to_string(number) + ": " + e.what());
    }
    if (ops.size() > 1 && ops.back().seq <= ops[ops.size() - 2].seq)
      throw store::StoreError(source + " line " + std::to_string(number) + ": seq " + std::to_string(ops.back().seq) +
                              " is not after the line before's");
  }
  if (in.bad()) throw store::StoreError(source + ": read error");
  return ops;
}

int applyBatch(const std::string& storePath, const std::string& file, const std::string& origin, std::istream& in,
               std::ostream& out) {
  std::vector<store::AnnotationOp> ops;
  if (file == "-") {
    ops = readBatch(in, "stdin");
  } else {
    std::ifstream f(file, std::ios::binary);
    if (!f) throw store::StoreError(file + ": cannot open");
    ops = readBatch(f, file);
  }
  const auto r = store::AnnotationInbox::apply(storePath, origin, ops);
  out << nlohmann::json{{"applied", r.applied}, {"skipped", r.skipped}, {"last_seq", r.lastSeq}}.dump() << "\n";
  return 0;
}

int writeLabel(const std::string& storePath, const std::string& spec, const std::string& note,
               const std::string& author, std::ostream& out) {
  const auto eq = spec.rfind('=');
  if (eq == std::string::npos || eq == 0) throw UsageError("--label takes EXAMPLE_ID=LABEL, got '" + spec + "'");
  nlohmann::json j{
      {"seq", 1},     {"op", "set"},      {"example_id", spec.substr(0, eq)}, {"label", spec.substr(eq + 1)},
      {"note", note}, {"author", author}, {"time", io::wallSeconds()}};
  const auto op = store::annotationOpFromJson(j);  // checks the label
  store::RunStoreWriter w(storePath);
  w.writeAnnotation(op.annotation);
  w.flush();
  out << "labelled " << op.annotation.example_id << " " << op.annotation.label << " (" << author << ")\n";
  return 0;
}

int writeContinue(const std::string& storePath, long long phase, const std::string& author, std::ostream& out) {
  store::RunStoreWriter w(storePath);
  const nlohmann::json payload{{"phase", phase}, {"author", author}, {"origin", "cli"}};
  w.writeEvent({0, store::AnnotationInbox::kContinueEvent, payload.dump(), io::wallSeconds()});
  w.flush();
  out << "a trainer waiting at the end of phase " << phase << " goes on\n";
  return 0;
}

}  // namespace

Command annotateCommand(std::istream& in) {
  Command c;
  c.name = "annotate";
  c.usage =
      "RUN_DIR (--apply FILE|- --origin ID | --label EXAMPLE_ID=hard|not_hard|unsure [--note TEXT] | "
      "--continue PHASE) [--author NAME]";
  c.summary = "label a run's examples in its own store, or let a trainer waiting for labels go on";
  c.run = [&in](ArgList& args, std::ostream& out, std::ostream& /*err*/) {
    const auto apply = args.take("apply");
    const auto origin = args.take("origin");
    const auto label = args.take("label");
    const std::string note = args.takeOr("note", "");
    const std::string author = args.takeOr("author", defaultAuthor());
    const auto phase = args.takeInt("continue", 0, 1000000);
    const auto positionals = args.takePositionals();
    args.finish();
    if (positionals.size() != 1) throw UsageError("expected exactly one RUN_DIR");
    if (int(apply.has_value()) + int(label.has_value()) + int(phase.has_value()) != 1)
      throw UsageError("give exactly one of --apply, --label, --continue");
    if (apply && !origin) throw UsageError("--apply needs --origin (the sender's id)");
    const std::string& runDir = positionals[0];
    if (!store::RunStore::isRunDir(runDir))
      throw store::StoreError(runDir + ": not a run directory (no " + store::RunStore::kFileName + " in it)");
    const std::string storePath = store::RunStore::fileIn(runDir);
    if (apply) return applyBatch(storePath, *apply, *origin, in, out);
    if (label) return writeLabel(storePath, *label, note, author, out);
    return writeContinue(storePath, *phase, author, out);
  };
  return c;
}

Command annotateCommand() { return annotateCommand(std::cin); }

}  // namespace longrl::cli
