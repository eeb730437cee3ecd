#include "trainer/cli/LocalLauncher.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace longrl::cli {
namespace {

bool isRankVariable(const std::string& entry) {
  for (const char* name : {"RANK=", "WORLD_SIZE=", "LOCAL_RANK=", "LOCAL_WORLD_SIZE=", "MASTER_ADDR=", "MASTER_PORT=",
                           "GROUP_RANK=", "ROLE_RANK="})
    if (entry.rfind(name, 0) == 0) return true;
  return false;
}

void writeAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the rank died before reading its config: its exit status tells why
    done += static_cast<size_t>(n);
  }
}

// SIGCHLD (and a stop signal, below) wakes the launcher's poll() through this pipe, so it reaps
// each rank the moment it exits: the first rank seen failing is the one that failed first, not the lowest-numbered of
// those that died within one polling interval (rank 0 dies a few ms after a peer it waits on).
int g_wakeLoop = -1;

void onChildExit(int) {
  const int saved = errno;
  const char c = 0;
  [[maybe_unused]] auto n = ::write(g_wakeLoop, &c, 1);
  errno = saved;
}

// SIGTERM or SIGINT to the launcher (the GUI stopping a run, Ctrl-C, kill) is a stop request for
// the job: the launcher passes it to the ranks and waits for them to finish their step and write
// their checkpoint, instead of dying and leaving them to PR_SET_PDEATHSIG.
volatile sig_atomic_t g_stopSignals = 0;

void onStopSignal(int) {
  const int saved = errno;
  g_stopSignals = g_stopSignals + 1;
  const char c = 1;
  [[maybe_unused]] auto n = ::write(g_wakeLoop, &c, 1);
  errno = saved;
}

int exitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace

int LocalLauncher::freeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error(std::string("--nproc: socket: ") + std::strerror(errno));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof(a);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
  ::close(fd);
  if (!ok) throw std::runtime_error("--nproc: no free TCP port on 127.0.0.1");
  return ntohs(a.sin_port);
}

LocalLauncher::Result LocalLauncher::run(const Spec& spec, std::ostream& out, std::ostream& err) {
  if (spec.nproc < 1) throw std::invalid_argument("LocalLauncher: nproc must be at least 1");
  const int port = freeLoopbackPort();
  // Everything the children need is built before fork(): only async-signal-safe calls after it.
  std::vector<std::string> baseEnv;
  for (char** e = environ; *e; ++e)
    if (!isRankVariable(*e)) baseEnv.emplace_back(*e);
  baseEnv.push_back("MASTER_ADDR=127.0.0.1");
  baseEnv.push_back("MASTER_PORT=" + std::to_string(port));
  baseEnv.push_back("WORLD_SIZE=" + std::to_string(spec.nproc));
  baseEnv.push_back("LOCAL_WORLD_SIZE=" + std::to_string(spec.nproc));

  struct Rank {
    pid_t pid = -1;
    bool running = false;
    int status = 0;
  };
  std::vector<Rank> ranks(static_cast<size_t>(spec.nproc));
  int stdoutRead = -1;
  const int devNull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  struct sigaction ignorePipe {}, oldPipe {};
  ignorePipe.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignorePipe, &oldPipe);  // a rank that dies early must not kill us mid-write
  int childPipe[2] = {-1, -1};
  if (::pipe2(childPipe, O_CLOEXEC | O_NONBLOCK) != 0) throw std::runtime_error("--nproc: pipe failed");
  g_wakeLoop = childPipe[1];
  struct sigaction onChild {}, oldChild {};
  onChild.sa_handler = onChildExit;
  onChild.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  ::sigaction(SIGCHLD, &onChild, &oldChild);
  g_stopSignals = 0;
  struct sigaction onStop {}, oldTerm {}, oldInt {};
  onStop.sa_handler = onStopSignal;
  onStop.sa_flags = SA_RESTART;
  ::sigaction(SIGTERM, &onStop, &oldTerm);
  ::sigaction(SIGINT, &onStop, &oldInt);
  const pid_t self = ::getpid();

  auto stopAll = [&](int sig) {
    for (auto& r : ranks)
      if (r.running) ::kill(r.pid, sig);
  };

  for (int i = 0; i < spec.nproc; ++i) {
    std::vector<std::string> env = baseEnv;
    env.push_back("RANK=" + std::to_string(i));
    env.push_back("LOCAL_RANK=" + std::to_string(i));
    std::vector<std::string> args{spec.executable};
    args.insert(args.end(), spec.args.begin(), spec.args.end());
    if (i == 0) args.insert(args.end(), spec.rank0Args.begin(), spec.rank0Args.end());
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    int outPipe[2] = {-1, -1}, inPipe[2] = {-1, -1};
    if (i == 0 && ::pipe2(outPipe, O_CLOEXEC) != 0) throw std::runtime_error("--nproc: pipe failed");
    if (spec.stdinText && ::pipe2(inPipe, O_CLOEXEC) != 0) throw std::runtime_error("--nproc: pipe failed");
    const pid_t pid = ::fork();
    if (pid < 0) {
      stopAll(SIGKILL);
      throw std::runtime_error(std::string("--nproc: fork failed: ") + std::strerror(errno));
    }
    if (pid == 0) {
      // The ranks must not outlive the launcher (killed, or its terminal closed). SIGHUP, which a
      // rank takes as a stop request that never escalates: a launcher killed while its stop
      // request was under way must not turn that graceful stop into a kill.
      ::prctl(PR_SET_PDEATHSIG, SIGHUP);
      if (::getppid() != self) ::_exit(127);
      ::dup2(spec.stdinText ? inPipe[0] : devNull, STDIN_FILENO);
      ::dup2(i == 0 ? outPipe[1] : devNull, STDOUT_FILENO);
      ::execve(spec.executable.c_str(), argv.data(), envp.data());
      const char msg[] = "train --nproc: cannot execute the longrl binary\n";
      [[maybe_unused]] auto n = ::write(STDERR_FILENO, msg, sizeof(msg) - 1);
      ::_exit(127);
    }
    ranks[static_cast<size_t>(i)].pid = pid;
    ranks[static_cast<size_t>(i)].running = true;
    if (i == 0) {
      ::close(outPipe[1]);
      stdoutRead = outPipe[0];
    }
    if (spec.stdinText) {
      ::close(inPipe[0]);
      writeAll(inPipe[1], *spec.stdinText);
      ::close(inPipe[1]);
    }
  }

  Result result;
  bool causeIsConsequence = false;
  bool stopping = false;
  std::optional<std::chrono::steady_clock::time_point> killAt;
  sig_atomic_t stopSignalsSeen = 0;
  std::chrono::steady_clock::time_point firstStopAt;
  size_t running = ranks.size();
  char buf[65536];
  while (running > 0 || stdoutRead >= 0) {
    pollfd fds[2] = {{childPipe[0], POLLIN, 0}, {stdoutRead, POLLIN, 0}};
    const int ready = ::poll(fds, stdoutRead >= 0 ? 2 : 1, 100);
    if (ready > 0 && (fds[0].revents & POLLIN)) {
      char drain[64];
      while (::read(childPipe[0], drain, sizeof(drain)) > 0) {
      }
    }
    if (ready > 0 && stdoutRead >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      const ssize_t n = ::read(stdoutRead, buf, sizeof(buf));
      if (n > 0) {
        out.write(buf, n);
        out.flush();
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        ::close(stdoutRead);
        stdoutRead = -1;
      }
    }
    if (const sig_atomic_t signals = g_stopSignals; signals != stopSignalsSeen) {
      const auto now = std::chrono::steady_clock::now();
      if (stopSignalsSeen == 0) {
        // The ranks finish their step, checkpoint and end "stopped" (they agree on the step).
        err << "train: stop requested: passing it to the " << running << " running ranks" << std::endl;
        stopAll(SIGTERM);
        stopping = true;
        firstStopAt = now;
      } else if (now - firstStopAt >= LocalLauncher::kRepeatedStop) {
        err << "train: stop requested again: killing the ranks" << std::endl;
        stopAll(SIGKILL);
      }  // else the same request arriving twice (Ctrl-C reaches the launcher and its ranks alike)
      stopSignalsSeen = signals;
    }
    for (size_t i = 0; i < ranks.size(); ++i) {
      auto& r = ranks[i];
      if (!r.running) continue;
      int status = 0;
      if (::waitpid(r.pid, &status, WNOHANG) != r.pid) continue;
      r.running = false;
      r.status = status;
      --running;
      const int code = exitCodeOf(status);
      if (code == 0) continue;
      // A rank that only lost its peers, or that the launcher's signal ended, is a consequence;
      // it stands as the cause only until a rank with a failure of its own appears (rank 0
      // often exits a few ms before the rank whose error cut its connection).
      const bool consequence = (spec.peerLostExitCode && code == *spec.peerLostExitCode) ||
                               (stopping && WIFSIGNALED(status));
      if (result.failedRank < 0 || (causeIsConsequence && !consequence)) {
        result.failedRank = static_cast<int>(i);
        result.exitCode = code;
        causeIsConsequence = consequence;
      }
      if (!killAt) {
        // A rank failed (also while a requested stop was under way): the others get a grace period.
        if (!stopping)
          err << "train: rank " << i << " of " << spec.nproc << " failed (exit code " << code
              << "); stopping the other ranks" << std::endl;
        stopAll(SIGTERM);
        stopping = true;
        killAt = std::chrono::steady_clock::now() + std::chrono::seconds(spec.graceSeconds);
      }
    }
    if (killAt && std::chrono::steady_clock::now() >= *killAt) {
      stopAll(SIGKILL);
      killAt.reset();
    }
  }
  if (result.failedRank >= 0)
    err << "train: the job failed in rank " << result.failedRank << " (exit code " << result.exitCode << ")"
        << (causeIsConsequence ? "; every failed rank only lost its peers or was stopped" : "") << std::endl;
  if (devNull >= 0) ::close(devNull);
  ::sigaction(SIGCHLD, &oldChild, nullptr);
  ::sigaction(SIGTERM, &oldTerm, nullptr);
  ::sigaction(SIGINT, &oldInt, nullptr);
  g_wakeLoop = -1;
  ::close(childPipe[0]);
  ::close(childPipe[1]);
  ::sigaction(SIGPIPE, &oldPipe, nullptr);
  return result;
}

}  // namespace longrl::cli
