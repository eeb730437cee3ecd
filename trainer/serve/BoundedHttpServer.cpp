#include "trainer/serve/BoundedHttpServer.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "trainer/serve/ConnectionPool.h"
#include "trainer/serve/DeadlineSocketStream.h"

namespace longrl::serve {
namespace {

using Clock = std::chrono::steady_clock;

// The stream whose request this thread is reading, for requestTimedOut() and requestTooLarge():
// handlers see httplib's Request, which does not know why a read failed.
thread_local const DeadlineSocketStream* t_stream = nullptr;
// Whether the reply just written said "Connection: close" (httplib reads on otherwise, taking the
// unread rest of a refused body for the next request).
thread_local bool t_replyCloses = false;

struct CurrentStream {
  explicit CurrentStream(const DeadlineSocketStream* s) { t_stream = s; }
  ~CurrentStream() { t_stream = nullptr; }
  CurrentStream(const CurrentStream&) = delete;
  CurrentStream& operator=(const CurrentStream&) = delete;
};

// Closes after reading (and dropping) what the client still sends, for up to `linger`: closing
// with unread bytes sends a reset, which can make the client drop the reply it has not read yet.
void closeSocket(socket_t sock, std::chrono::milliseconds linger) {
  if (linger.count() <= 0) {
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return;
  }
  ::shutdown(sock, SHUT_WR);
  const auto until = Clock::now() + linger;
  char buf[4096];
  for (auto now = Clock::now(); now < until; now = Clock::now()) {
    pollfd p{sock, POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count() + 1;
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) break;
    const ssize_t n = ::recv(sock, buf, sizeof buf, 0);
    if (n == 0 || (n < 0 && errno != EINTR)) break;
  }
  ::close(sock);
}

bool sendAll(socket_t sock, const std::string& data, std::chrono::milliseconds timeout) {
  const auto until = Clock::now() + timeout;
  for (size_t sent = 0; sent < data.size();) {
    pollfd p{sock, POLLOUT, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
    const ssize_t n = ::send(sock, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

constexpr std::chrono::milliseconds kLinger{500};

}  // namespace

BoundedHttpServer::BoundedHttpServer(ConnectionLimits limits) : limits_(std::move(limits)) {
  const size_t threads = limits_.maxConnections;
  new_task_queue = [threads] { return new ConnectionPool(threads); };
  set_keep_alive_timeout(static_cast<time_t>(limits_.keepAlive.count()));
  httplib::Server::set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
    t_replyCloses = res.get_header_value("Connection") == "close";
  });
}

bool BoundedHttpServer::requestTimedOut() { return t_stream && t_stream->expired(); }

bool BoundedHttpServer::requestTooLarge() { return t_stream && t_stream->overBudget(); }

bool BoundedHttpServer::process_and_close_socket(socket_t sock) {
  switch (ConnectionPool::admission()) {
    case ConnectionPool::Admission::Serve:
      return serve(sock);
    case ConnectionPool::Admission::Refuse:
      refuse(sock);
      return false;
    case ConnectionPool::Admission::Drop:
      break;
  }
  closeSocket(sock, std::chrono::milliseconds(0));
  return false;
}

// httplib's keep-alive loop (process_server_socket), with one bounded stream for the connection.
bool BoundedHttpServer::serve(socket_t sock) {
  const std::chrono::milliseconds writeTimeout(write_timeout_sec_ * 1000 + write_timeout_usec_ / 1000);
  DeadlineSocketStream strm(sock, writeTimeout, [this] { return svr_sock_ == INVALID_SOCKET; });
  bool ret = false;
  bool cutShort = false;
  for (size_t left = keep_alive_max_count_; left > 0 && svr_sock_ != INVALID_SOCKET; --left) {
    const auto start = Clock::now();
    strm.begin(start + limits_.requestTimeout, limits_.maxRequestReadBytes);
    if (!strm.waitForRequest(start + limits_.keepAlive)) break;
    bool closed = false;
    t_replyCloses = false;
    {
      CurrentStream current(&strm);
      ret = process_request(strm, left == 1, closed, nullptr);
    }
    cutShort = strm.expired() || strm.overBudget() || t_replyCloses;
    if (!ret || closed || cutShort) break;
  }
  // The rest of a request cut short may still be coming: read it off so that the reply arrives.
  closeSocket(sock, cutShort ? kLinger : std::chrono::milliseconds(0));
  return ret;
}

void BoundedHttpServer::refuse(socket_t sock) {
  const std::string reply = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: " +
                            std::to_string(limits_.busyBody.size()) +
                            "\r\nRetry-After: 1\r\nConnection: close\r\n\r\n" + limits_.busyBody;
  sendAll(sock, reply, std::chrono::milliseconds(1000));
  closeSocket(sock, kLinger);
}

}  // namespace longrl::serve
