#pragma once
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "trainer/serve/Httplib.h"

namespace longrl::serve {

// httplib's task queue for a server's connections (each task serves one connection): a fixed set
// of threads that never lets a connection wait for one. httplib's own pool queues connections
// behind busy threads, so a few clients that are slow on purpose froze every other one. Here a
// connection that finds every thread busy goes to one refusing thread instead (admission()
// Refuse: the server answers 503 and closes), or, when even that one is behind, is closed at once
// on the accepting thread (Drop).
class ConnectionPool : public httplib::TaskQueue {
 public:
  enum class Admission { Serve, Refuse, Drop };

  explicit ConnectionPool(size_t threads, size_t maxRefusing = 32);
  ~ConnectionPool() override;
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  void enqueue(std::function<void()> fn) override;
  // Runs what is queued, then joins every thread.
  void shutdown() override;

  // How the connection this thread is running was admitted. httplib hands the queue opaque
  // tasks, so the server learns it here, from the thread it runs on.
  static Admission admission();

 private:
  void serveLoop();
  void refuseLoop();

  std::mutex mutex_;
  std::condition_variable serveCv_, refuseCv_;
  std::deque<std::function<void()>> serving_, refusing_;
  size_t idle_;  // serving threads not yet claimed by a connection
  size_t maxRefusing_;
  bool shutdown_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace longrl::serve
