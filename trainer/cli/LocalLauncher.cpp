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

// A launcher's variable, which the ranks get afresh. TORCHELASTIC_* are an outer torchrun's: its
// agent store is not this job's.
bool isRankVariable(const std::string& entry) {
  for (const char* name : {"RANK=", "WORLD_SIZE=", "LOCAL_RANK=", "LOCAL_WORLD_SIZE=", "MASTER_ADDR=", "MASTER_PORT=",
                           "GROUP_RANK=", "ROLE_RANK=", "TORCHELASTIC_"})
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

// Every variable of this process's environment but the ranks' own, then the job's rendezvous.
std::vector<std::string> jobEnvironment(int port, int nproc) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e)
    if (!isRankVariable(*e)) env.emplace_back(*e);
  env.push_back("MASTER_ADDR=127.0.0.1");
  env.push_back("MASTER_PORT=" + std::to_string(port));
  env.push_back("WORLD_SIZE=" + std::to_string(nproc));
  env.push_back("LOCAL_WORLD_SIZE=" + std::to_string(nproc));
  return env;
}

// The launcher's signal handling while a job runs: SIGPIPE ignored (a rank that dies early must
// not kill us mid-write), SIGCHLD and the stop signals waking the loop through a pipe. The
// previous handlers come back when it goes.
class LoopSignals {
 public:
  LoopSignals() {
    struct sigaction ignorePipe {};
    ignorePipe.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignorePipe, &oldPipe_);
    if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) {
      ::sigaction(SIGPIPE, &oldPipe_, nullptr);
      throw std::runtime_error("--nproc: pipe failed");
    }
    g_wakeLoop = wake_[1];
    struct sigaction onChild {};
    onChild.sa_handler = onChildExit;
    onChild.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    ::sigaction(SIGCHLD, &onChild, &oldChild_);
    g_stopSignals = 0;
    struct sigaction onStop {};
    onStop.sa_handler = onStopSignal;
    onStop.sa_flags = SA_RESTART;
    ::sigaction(SIGTERM, &onStop, &oldTerm_);
    ::sigaction(SIGINT, &onStop, &oldInt_);
  }
  ~LoopSignals() {
    ::sigaction(SIGCHLD, &oldChild_, nullptr);
    ::sigaction(SIGTERM, &oldTerm_, nullptr);
    ::sigaction(SIGINT, &oldInt_, nullptr);
    g_wakeLoop = -1;
    ::close(wake_[0]);
    ::close(wake_[1]);
    ::sigaction(SIGPIPE, &oldPipe_, nullptr);
  }
  LoopSignals(const LoopSignals&) = delete;
  LoopSignals& operator=(const LoopSignals&) = delete;

  int wakeFd() const { return wake_[0]; }
  void drain() const {
    char drain[64];
    while (::read(wake_[0], drain, sizeof(drain)) > 0) {
    }
  }

 private:
  struct sigaction oldPipe_ {
  }, oldChild_{}, oldTerm_{}, oldInt_{};
  int wake_[2] = {-1, -1};
};

// One job: its ranks, started and then watched until every one has exited.
class Job {
 public:
  Job(const LocalLauncher::Spec& spec, std::ostream& out, std::ostream& err)
      : spec_(spec), out_(out), err_(err), ranks_(static_cast<size_t>(spec.nproc)),
        devNull_(::open("/dev/null", O_RDWR | O_CLOEXEC)) {}
  ~Job() {
    if (stdoutRead_ >= 0) ::close(stdoutRead_);
    if (devNull_ >= 0) ::close(devNull_);
  }
  Job(const Job&) = delete;
  Job& operator=(const Job&) = delete;

  void start(const std::vector<std::string>& baseEnv) {
    for (int i = 0; i < spec_.nproc; ++i) startRank(i, baseEnv);
    running_ = ranks_.size();
  }

  // Copies rank 0's stdout, passes stop requests on and reaps the ranks until all have exited.
  LocalLauncher::Result watch(const LoopSignals& signals) {
    while (running_ > 0 || stdoutRead_ >= 0) {
      pollOnce(signals);
      passStopRequests();
      reapExited();
      if (killAt_ && std::chrono::steady_clock::now() >= *killAt_) {
        stopAll(SIGKILL);
        killAt_.reset();
      }
    }
    if (result_.failedRank >= 0)
      err_ << "train: the job failed in rank " << result_.failedRank << " (exit code " << result_.exitCode << ")"
           << (causeIsConsequence_ ? "; every failed rank only lost its peers or was stopped" : "") << std::endl;
    return result_;
  }

 private:
  struct Rank {
    pid_t pid = -1;
    bool running = false;
    int status = 0;
  };

  // Everything the child needs is built before fork(): only async-signal-safe calls after it.
  void startRank(int i, const std::vector<std::string>& baseEnv) {
    std::vector<std::string> env = baseEnv;
    env.push_back("RANK=" + std::to_string(i));
    env.push_back("LOCAL_RANK=" + std::to_string(i));
    std::vector<std::string> args{spec_.executable};
    args.insert(args.end(), spec_.args.begin(), spec_.args.end());
    if (i == 0) args.insert(args.end(), spec_.rank0Args.begin(), spec_.rank0Args.end());
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    int outPipe[2] = {-1, -1}, inPipe[2] = {-1, -1};
    if (i == 0 && ::pipe2(outPipe, O_CLOEXEC) != 0) throw std::runtime_error("--nproc: pipe failed");
    if (spec_.stdinText && ::pipe2(inPipe, O_CLOEXEC) != 0) throw std::runtime_error("--nproc: pipe failed");
    const pid_t self = ::getpid();
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
      ::dup2(spec_.stdinText ? inPipe[0] : devNull_, STDIN_FILENO);
      ::dup2(i == 0 ? outPipe[1] : devNull_, STDOUT_FILENO);
      ::execve(spec_.executable.c_str(), argv.data(), envp.data());
      const char msg[] = "train --nproc: cannot execute the longrl binary\n";
      [[maybe_unused]] auto n = ::write(STDERR_FILENO, msg, sizeof(msg) - 1);
      ::_exit(127);
    }
    ranks_[static_cast<size_t>(i)].pid = pid;
    ranks_[static_cast<size_t>(i)].running = true;
    if (i == 0) {
      ::close(outPipe[1]);
      stdoutRead_ = outPipe[0];
    }
    if (spec_.stdinText) {
      ::close(inPipe[0]);
      writeAll(inPipe[1], *spec_.stdinText);
      ::close(inPipe[1]);
    }
  }

  void stopAll(int sig) {
    for (auto& r : ranks_)
      if (r.running) ::kill(r.pid, sig);
  }

  // Waits up to 100 ms for a child's exit, a signal or rank 0's output, and copies that output.
  void pollOnce(const LoopSignals& signals) {
    pollfd fds[2] = {{signals.wakeFd(), POLLIN, 0}, {stdoutRead_, POLLIN, 0}};
    const int ready = ::poll(fds, stdoutRead_ >= 0 ? 2 : 1, 100);
    if (ready > 0 && (fds[0].revents & POLLIN)) signals.drain();
    if (ready > 0 && stdoutRead_ >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      const ssize_t n = ::read(stdoutRead_, buf_, sizeof(buf_));
      if (n > 0) {
        out_.write(buf_, n);
        out_.flush();
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        ::close(stdoutRead_);
        stdoutRead_ = -1;
      }
    }
  }

  void passStopRequests() {
    const sig_atomic_t signals = g_stopSignals;
    if (signals == stopSignalsSeen_) return;
    const auto now = std::chrono::steady_clock::now();
    if (stopSignalsSeen_ == 0) {
      // The ranks finish their step, checkpoint and end "stopped" (they agree on the step).
      err_ << "train: stop requested: passing it to the " << running_ << " running ranks" << std::endl;
      stopAll(SIGTERM);
      stopping_ = true;
      firstStopAt_ = now;
    } else if (now - firstStopAt_ >= LocalLauncher::kRepeatedStop) {
      err_ << "train: stop requested again: killing the ranks" << std::endl;
      stopAll(SIGKILL);
    }  // else the same request arriving twice (Ctrl-C reaches the launcher and its ranks alike)
    stopSignalsSeen_ = signals;
  }

  void reapExited() {
    for (size_t i = 0; i < ranks_.size(); ++i) {
      auto& r = ranks_[i];
      if (!r.running) continue;
      int status = 0;
      if (::waitpid(r.pid, &status, WNOHANG) != r.pid) continue;
      r.running = false;
      r.status = status;
      --running_;
      if (exitCodeOf(status) != 0) rankFailed(i, status);
    }
  }

  void rankFailed(size_t i, int status) {
    const int code = exitCodeOf(status);
    // A rank that only lost its peers, or that the launcher's signal ended, is a consequence; it
    // stands as the cause only until a rank with a failure of its own appears (rank 0 often exits
    // a few ms before the rank whose error cut its connection).
    const bool consequence =
        (spec_.peerLostExitCode && code == *spec_.peerLostExitCode) || (stopping_ && WIFSIGNALED(status));
    if (result_.failedRank < 0 || (causeIsConsequence_ && !consequence)) {
      result_.failedRank = static_cast<int>(i);
      result_.exitCode = code;
      causeIsConsequence_ = consequence;
    }
    if (killAt_) return;
    // A rank failed (also while a requested stop was under way): the others get a grace period.
    if (!stopping_)
      err_ << "train: rank " << i << " of " << spec_.nproc << " failed (exit code " << code
           << "); stopping the other ranks" << std::endl;
    stopAll(SIGTERM);
    stopping_ = true;
    killAt_ = std::chrono::steady_clock::now() + std::chrono::seconds(spec_.graceSeconds);
  }

  const LocalLauncher::Spec& spec_;
  std::ostream& out_;
  std::ostream& err_;
  std::vector<Rank> ranks_;
  int devNull_;
  int stdoutRead_ = -1;
  size_t running_ = 0;
  LocalLauncher::Result result_;
  bool causeIsConsequence_ = false;
  bool stopping_ = false;
  std::optional<std::chrono::steady_clock::time_point> killAt_;
  sig_atomic_t stopSignalsSeen_ = 0;
  std::chrono::steady_clock::time_point firstStopAt_;
  char buf_[65536];
};

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
  const auto env = jobEnvironment(freeLoopbackPort(), spec.nproc);
  Job job(spec, out, err);
  const LoopSignals signals;
  job.start(env);
  return job.watch(signals);
}

}  // namespace longrl::cli
