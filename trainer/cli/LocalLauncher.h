#pragma once
#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace longrl::cli {

// `longrl train --nproc N`: starts N copies of a command on this host as the ranks of one job,
// torchrun-style (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR=127.0.0.1,
// MASTER_PORT=a free loopback port; an outer torchrun's TORCHELASTIC_* are dropped). Rank 0's
// stdout is copied to `out`; the other ranks' stdout goes to /dev/null; every rank's stderr is
// inherited. When a rank fails, the others are stopped (SIGTERM, then SIGKILL after a grace
// period). SIGTERM or SIGINT to the launcher is passed on to the ranks as one stop request (they
// end after their step, checkpointed); one more, 2 s or later after the first, kills them. No
// torch here.
class LocalLauncher {
 public:
  // A stop signal this long after the first is a second request ("stop now"), not a copy of it
  // (Ctrl-C reaches the launcher and its ranks alike, and the launcher passes the stop on). The
  // launcher and the train command's own handler (each rank) go by the same window.
  static constexpr std::chrono::seconds kRepeatedStop{2};

  struct Spec {
    std::string executable;              // e.g. /proc/self/exe
    std::vector<std::string> args;       // every rank's arguments (after argv[0])
    std::vector<std::string> rank0Args;  // appended for rank 0 only (e.g. --events stdout)
    int nproc = 1;
    std::optional<std::string> stdinText;  // written to every rank's stdin (else /dev/null)
    int graceSeconds = 5;                  // SIGTERM -> SIGKILL
    // The exit code of a rank that failed only because a peer went away (a collective failed).
    // Such a rank is not named as the cause while another rank failed for a reason of its own.
    std::optional<int> peerLostExitCode;
  };

  struct Result {
    int exitCode = 0;     // 0, or the first failed rank's (128 + signal when a signal ended it)
    int failedRank = -1;  // the rank that caused the failure, -1 when none failed
  };

  // Waits for every rank; when one fails, stops the others first. The cause is the first rank
  // that failed on its own: not one that only lost its peers, nor one this launcher stopped.
  // `err` says which.
  static Result run(const Spec& spec, std::ostream& out, std::ostream& err);

  // A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0 and released).
  static int freeLoopbackPort();
};

}  // namespace longrl::cli
