#include "trainer/cli/ServeCommand.h"

#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "core/cli/OptionLimits.h"
#include "core/cli/UsageError.h"
#include "trainer/engine/LoadedModel.h"
#include "trainer/model/TorchThreads.h"
#include "trainer/serve/ChatServer.h"

namespace longrl::cli {
namespace {

std::atomic<int> g_signal{0};

void onStopSignal(int sig) { g_signal = sig; }

// Whether stdin has reached end of file (or can no longer be read), waiting up to `ms` for it.
// Whatever arrives on stdin is read and dropped.
bool stdinEnded(int ms) {
  pollfd p{STDIN_FILENO, POLLIN, 0};
  const int ready = ::poll(&p, 1, ms);
  if (ready <= 0) return false;  // timeout, or a signal interrupted the wait
  if (p.revents & POLLNVAL) return true;
  char buf[4096];
  const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
  return n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN);
}

// Until SIGINT or SIGTERM, or with `stopOnStdinEof` until stdin ends. Says on `err` why it stopped.
void waitForStop(bool stopOnStdinEof, std::ostream& err) {
  for (;;) {
    if (g_signal != 0) {
      err << "serve: signal " << g_signal.load() << ", stopping\n";
      return;
    }
    if (!stopOnStdinEof) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    } else if (stdinEnded(100)) {
      err << "serve: stdin closed, stopping\n";
      return;
    }
  }
}

}  // namespace

Command serveCommand() {
  Command c;
  c.name = "serve";
  c.usage =
      "--model DIR [--host 127.0.0.1] [--port 8000] [--api-key K] [--model-name NAME] "
      "[--max-request-bytes N] [--max-queue N] [--max-tokens N] [--threads N] [--exit-on-stdin-eof]\n"
      "  Stops cleanly on SIGINT or SIGTERM; with --exit-on-stdin-eof also when stdin reaches end of file (a\n"
      "  server started as `ssh HOST -- longrl serve ...` stops when the ssh client goes away).";
  c.summary = "serve a model over an OpenAI-compatible HTTP API (/v1/chat/completions)";
  c.run = [](ArgList& args, std::ostream& out, std::ostream& err) -> int {
    serve::ChatServerOptions o;
    const std::string dir = args.require("model");
    o.host = args.takeOr("host", "127.0.0.1");
    const long long port = args.takeInt("port", 0, 65535, 8000);
    const char* envKey = std::getenv("LONGRL_API_KEY");
    o.apiKey = args.takeOr("api-key", envKey ? envKey : "");
    o.modelName = args.takeOr("model-name", std::filesystem::path(dir).filename().string());
    const long long maxBytes =
        args.takeInt("max-request-bytes", 1024, 1LL << 30, static_cast<long long>(o.maxRequestBytes));
    const long long maxQueue = args.takeInt("max-queue", 1, 1LL << 20, static_cast<long long>(o.maxQueued));
    const long long maxTokens = args.takeInt("max-tokens", 1, limits::kMaxTokens, o.defaultMaxTokens);
    o.threads = static_cast<int>(args.takeThreads());
    const bool stopOnStdinEof = args.takeFlag("exit-on-stdin-eof");
    args.finish();
    if (o.modelName.empty()) o.modelName = "longrl";
    o.port = static_cast<int>(port);
    o.maxRequestBytes = static_cast<size_t>(maxBytes);
    o.maxQueued = static_cast<size_t>(maxQueue);
    o.defaultMaxTokens = maxTokens;
    if (o.host != "127.0.0.1" && o.host != "localhost" && o.host != "::1" && o.apiKey.empty())
      err << "serve: warning: listening on " << o.host << " without --api-key: anyone who can reach it may use it\n";

    model::applyTorchThreads(o.threads);
    serve::ChatServer server(engine::LoadedModel::load(dir), o);
    g_signal = 0;
    auto oldInt = std::signal(SIGINT, onStopSignal);
    auto oldTerm = std::signal(SIGTERM, onStopSignal);
    try {
      server.start();
    } catch (...) {
      std::signal(SIGINT, oldInt);
      std::signal(SIGTERM, oldTerm);
      throw;
    }
    out << "serving " << o.modelName << " at " << server.url() << std::endl;
    waitForStop(stopOnStdinEof, err);
    server.stop();
    std::signal(SIGINT, oldInt);
    std::signal(SIGTERM, oldTerm);
    return 0;
  };
  return c;
}

}  // namespace longrl::cli
