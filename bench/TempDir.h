#pragma once
// A bench's temporary directory, removed however the bench ends.
//
// The destructor removes it on a normal exit and when an exception unwinds main. That misses
// SIGINT, SIGTERM, SIGKILL, std::exit and an uncaught exception (std::terminate need not unwind),
// and a signal handler is no fix: removing a tree allocates (not async-signal-safe), other threads
// may still be writing into it while the handler runs, and nothing runs on SIGKILL. So the
// constructor also starts a watcher, `sh` blocked reading a pipe whose only write end this process
// holds (close-on-exec, so programs it runs do not inherit it). The kernel closes that end when
// the process is gone, however it ended; the watcher then reads end-of-file and runs
// `rm -rf DIR`, after every thread that could write there is dead. The watcher ignores
// INT/TERM/HUP/QUIT and has its own process group, so Ctrl-C or a signal to the bench's group
// does not stop it before its work (it starts with those signals blocked, too). posix_spawn starts
// it without forking this process's state, so it is safe at any point, threads or not. Removal
// after a signal therefore happens just after the bench's exit, not before it. Left behind only
// when the watcher itself is SIGKILLed, or when the bench is SIGKILLed in the microseconds between
// mkdtemp and the watcher's start; a child forked without exec that still holds the pipe delays
// the removal until it ends.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace longrl::bench {

class TempDir {
 public:
  // Creates PARENT/PREFIX-XXXXXX (mkdtemp); PARENT empty means $TMPDIR, else /tmp.
  explicit TempDir(const std::string& prefix, const std::filesystem::path& parent = {}) {
    // Absolute, so the watcher removes the same directory whatever the bench's working directory.
    const auto base = std::filesystem::absolute(parent.empty() ? std::filesystem::temp_directory_path() : parent);
    std::string name = (base / (prefix + "-XXXXXX")).string();
    // INT/TERM/HUP/QUIT wait until the watcher runs, so none lands between mkdtemp and its start.
    sigset_t block, old;
    sigemptyset(&block);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&block, sig);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    const bool made = ::mkdtemp(name.data()) != nullptr;
    const int error = errno;
    if (made) {
      path_ = name;
      startWatcher();
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    if (!made)
      throw std::runtime_error("cannot create a temporary directory in " + base.string() + ": " + std::strerror(error));
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
    if (ec) std::fprintf(stderr, "warning: could not remove %s: %s\n", path_.c_str(), ec.message().c_str());
    // The watcher reads end-of-file, finds nothing to remove and ends; reap it.
    if (writeEnd_ >= 0) ::close(writeEnd_);
    if (watcher_ > 0) ::waitpid(watcher_, nullptr, 0);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  void startWatcher() {
    int fds[2];
    if (::pipe(fds) != 0) return warnUnwatched(std::strerror(errno));
    ::fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[0], 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);  // never holds the bench's stdout
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    const std::string script =
        "trap '' INT TERM HUP QUIT; while read -r _; do :; done; exec rm -rf -- \"$1\" </dev/null";
    const char* argv[] = {"sh", "-c", script.c_str(), "longrl-bench-cleanup", path_.c_str(), nullptr};
    const int rc = posix_spawn(&watcher_, "/bin/sh", &actions, &attr, const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(fds[0]);
    if (rc != 0) {
      ::close(fds[1]);
      watcher_ = -1;
      return warnUnwatched(std::strerror(rc));
    }
    writeEnd_ = fds[1];
  }
  void warnUnwatched(const char* why) const {
    std::fprintf(stderr, "warning: no cleanup watcher for %s (%s): it stays if the bench is killed\n", path_.c_str(),
                 why);
  }

  std::filesystem::path path_;
  pid_t watcher_ = -1;
  int writeEnd_ = -1;
};

}  // namespace longrl::bench
