#include "core/cli/FollowCommand.h"

#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "core/cli/UsageError.h"
#include "core/store/RunStore.h"
#include "core/store/StoreError.h"
#include "core/store/StoreStreamer.h"

namespace longrl::cli {
namespace {

// A closed pipe or socket shows as an error on the writing end; nothing is written while the
// run is idle, so this is how a follower learns that ssh went away.
bool stdoutClosed() {
  pollfd p{STDOUT_FILENO, 0, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP | POLLNVAL));
}

}  // namespace

Command followCommand(std::function<bool()> readerGone) {
  if (!readerGone) readerGone = stdoutClosed;
  Command c;
  c.name = "follow";
  c.usage = "RUN_DIR [--poll-ms N] [--once]";
  c.summary = "a run's store as an event stream (so far, then as it grows) until the run ends";
  c.run = [readerGone](ArgList& args, std::ostream& out, std::ostream& /*err*/) {
    const long long pollMs = args.takeInt("poll-ms", 50, 60000, 500);
    const bool once = args.takeFlag("once");
    const auto positionals = args.takePositionals();
    args.finish();
    if (positionals.size() != 1) throw UsageError("expected exactly one RUN_DIR");
    if (!store::RunStore::isRunDir(positionals[0]))
      throw store::StoreError(positionals[0] + ": not a run directory (no " + store::RunStore::kFileName + " in it)");
    store::StoreStreamer streamer(store::RunStore::fileIn(positionals[0]));
    for (;;) {
      const std::size_t n = streamer.poll(out);
      out.flush();
      if (!out) return 0;  // the reader went away mid-write
      if (once || (n == 0 && streamer.runEnded())) return 0;
      if (readerGone()) return 0;
      std::this_thread::sleep_for(std::chrono::milliseconds(pollMs));
    }
  };
  return c;
}

}  // namespace longrl::cli
