#include "trainer/serve/DeadlineSocketStream.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace longrl::serve {
namespace {

// The slice a wait sleeps in before it looks at cancellation again.
constexpr std::chrono::milliseconds kPollSlice{100};

ssize_t recvRetrying(socket_t sock, void* buf, size_t len, int flags) {
  for (;;) {
    const ssize_t n = ::recv(sock, buf, len, flags);
    if (n >= 0 || errno != EINTR) return n;
  }
}

void numericAddress(const sockaddr_storage& a, socklen_t len, std::string& ip, int& port) {
  char host[NI_MAXHOST];
  char service[NI_MAXSERV];
  if (::getnameinfo(reinterpret_cast<const sockaddr*>(&a), len, host, sizeof host, service, sizeof service,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
    return;
  ip = host;
  port = std::atoi(service);
}

}  // namespace

DeadlineSocketStream::DeadlineSocketStream(socket_t sock, std::chrono::milliseconds writeTimeout,
                                           std::function<bool()> cancelled)
    : sock_(sock), writeTimeout_(writeTimeout), cancelled_(std::move(cancelled)) {}

void DeadlineSocketStream::begin(Clock::time_point deadline, size_t maxBytes) {
  deadline_ = deadline;
  maxBytes_ = maxBytes;
  bytesRead_ = 0;
  expired_ = false;
  overBudget_ = false;
}

int DeadlineSocketStream::pollUntil(short events, Clock::time_point until) const {
  for (;;) {
    if (cancelled_ && cancelled_()) return 0;
    const auto now = Clock::now();
    if (now >= until) return 0;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - now) + std::chrono::milliseconds(1);
    pollfd p{sock_, events, 0};
    const int r = ::poll(&p, 1, static_cast<int>(std::min(left, kPollSlice).count()));
    if (r > 0) return r;
    if (r < 0 && errno != EINTR) return -1;
  }
}

bool DeadlineSocketStream::waitForRequest(Clock::time_point until) {
  if (buffered() > 0) return true;
  if (pollUntil(POLLIN, std::min(until, deadline_)) <= 0) return false;
  char c;
  return recvRetrying(sock_, &c, 1, MSG_PEEK) > 0;  // readable at EOF too: 0 bytes there
}

bool DeadlineSocketStream::is_readable() const {
  if (buffered() > 0) return true;
  if (expired_) return false;
  const int r = pollUntil(POLLIN, deadline_);
  if (r == 0 && Clock::now() >= deadline_) expired_ = true;
  return r > 0;
}

ssize_t DeadlineSocketStream::read(char* ptr, size_t size) {
  if (expired_ || overBudget_) return -1;
  if (bytesRead_ >= maxBytes_) {
    overBudget_ = true;
    return -1;
  }
  if (buffered() == 0) {
    if (!is_readable()) return -1;
    const ssize_t n = recvRetrying(sock_, buffer_.data(), buffer_.size(), 0);
    if (n <= 0) return n;
    begin_ = 0;
    end_ = static_cast<size_t>(n);
  }
  const size_t n = std::min({size, buffered(), maxBytes_ - bytesRead_});
  std::memcpy(ptr, buffer_.data() + begin_, n);
  begin_ += n;
  bytesRead_ += n;
  return static_cast<ssize_t>(n);
}

bool DeadlineSocketStream::is_writable() const {
  if (pollUntil(POLLOUT, Clock::now() + writeTimeout_) <= 0) return false;
  // Writable but closed by the peer: a zero-byte peek says so (a streamed reply stops there).
  pollfd p{sock_, POLLIN, 0};
  if (::poll(&p, 1, 0) <= 0) return true;
  char c;
  const ssize_t n = recvRetrying(sock_, &c, 1, MSG_PEEK | MSG_DONTWAIT);
  return n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
}

ssize_t DeadlineSocketStream::write(const char* ptr, size_t size) {
  if (!is_writable()) return -1;
  for (;;) {
    const ssize_t n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
    if (n >= 0 || errno != EINTR) return n;
  }
}

void DeadlineSocketStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage a{};
  socklen_t len = sizeof a;
  if (::getpeername(sock_, reinterpret_cast<sockaddr*>(&a), &len) == 0) numericAddress(a, len, ip, port);
}

void DeadlineSocketStream::get_local_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage a{};
  socklen_t len = sizeof a;
  if (::getsockname(sock_, reinterpret_cast<sockaddr*>(&a), &len) == 0) numericAddress(a, len, ip, port);
}

}  // namespace longrl::serve
