#pragma once
#include <array>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "trainer/serve/Httplib.h"

namespace longrl::serve {

// An httplib::Stream over one accepted connection whose reads end at a deadline: a request
// (headers and body) must arrive in full by then, however its bytes trickle in, and within a byte
// budget. httplib's own stream bounds each read only, so a client sending a byte a second held a
// worker for as long as it liked. One stream serves every request of a keep-alive connection (its
// read-ahead buffer may hold the start of the next one); begin() opens each request's bounds.
class DeadlineSocketStream : public httplib::Stream {
 public:
  using Clock = std::chrono::steady_clock;

  // `cancelled` is polled while waiting (the server is stopping): reads then fail at once.
  DeadlineSocketStream(socket_t sock, std::chrono::milliseconds writeTimeout, std::function<bool()> cancelled);

  // Bounds the next request: its reads fail once `deadline` passes or `maxBytes` have been read.
  void begin(Clock::time_point deadline, size_t maxBytes);
  bool expired() const { return expired_; }        // a read ran into the deadline
  bool overBudget() const { return overBudget_; }  // a read ran past maxBytes
  // Waits until the next request's first byte is here (true), or `until`, the deadline, EOF
  // or cancellation come first (false). Does not mark the stream expired.
  bool waitForRequest(Clock::time_point until);

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return sock_; }

 private:
  // poll() for `events` until `until` in slices, so that cancellation is noticed; > 0 ready,
  // 0 timed out or cancelled, < 0 error.
  int pollUntil(short events, Clock::time_point until) const;
  size_t buffered() const { return end_ - begin_; }

  socket_t sock_;
  std::chrono::milliseconds writeTimeout_;
  std::function<bool()> cancelled_;
  Clock::time_point deadline_ = Clock::time_point::max();
  size_t maxBytes_ = static_cast<size_t>(-1);
  size_t bytesRead_ = 0;  // in the current request
  mutable bool expired_ = false;
  bool overBudget_ = false;
  std::array<char, 4096> buffer_{};  // httplib reads request lines one byte at a time
  size_t begin_ = 0, end_ = 0;
};

}  // namespace longrl::serve
