#pragma once
#include <chrono>
#include <cstddef>
#include <string>

#include "trainer/serve/Httplib.h"

namespace longrl::serve {

// What one server holds at once and for how long it waits on a client.
struct ConnectionLimits {
  size_t maxConnections = 64;  // served at once; the next ones are answered 503 at once
  // A request must arrive in full (headers and body) within this of its connection opening, or of
  // the previous reply on a kept-alive connection; else 408 and the connection closes.
  std::chrono::milliseconds requestTimeout{30000};
  std::chrono::seconds keepAlive{5};       // an idle kept-alive connection closes after this
  size_t maxRequestReadBytes = 64u << 20;  // bytes read for one request, headers and body
  std::string busyBody = "{}";             // the JSON body of the 503
};

// httplib's server with every connection bounded (ConnectionLimits): its reads go through a
// DeadlineSocketStream, and its connections through a ConnectionPool that never makes one wait
// behind another. httplib alone bounds each read, not a request, and queues connections behind
// busy threads, so a few clients sending a byte now and then could hold every worker. It keeps
// httplib's post-routing handler for itself (to close after a "Connection: close" reply): do not
// set another.
class BoundedHttpServer : public httplib::Server {
 public:
  explicit BoundedHttpServer(ConnectionLimits limits);
  const ConnectionLimits& limits() const { return limits_; }

  // For handlers, on the thread that reads the request: whether a read failed because the
  // request ran past its deadline, or past maxRequestReadBytes.
  static bool requestTimedOut();
  static bool requestTooLarge();

 private:
  bool process_and_close_socket(socket_t sock) override;
  bool serve(socket_t sock);
  void refuse(socket_t sock);

  ConnectionLimits limits_;
};

}  // namespace longrl::serve
