#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>

namespace longrl::serve {

// Server-sent events handed from the generation worker (producer) to the HTTP thread that
// writes the response (consumer). cancel() is the consumer's way to say the client went away,
// which the producer's token callback reads to abort the generation.
class StreamChannel {
 public:
  void push(std::string event) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      events_.push_back(std::move(event));
    }
    cv_.notify_all();
  }
  void close() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
    }
    cv_.notify_all();
  }
  // Waits up to `wait` for events; returns them concatenated; `closed` tells whether the
  // producer is done (and everything was taken).
  std::string take(std::chrono::milliseconds wait, bool& closed) {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait_for(lock, wait, [this] { return !events_.empty() || closed_; });
    std::string out;
    for (auto& e : events_) out += e;
    events_.clear();
    closed = closed_;
    return out;
  }
  void cancel() { cancelled_ = true; }
  bool cancelled() const { return cancelled_; }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::string> events_;
  bool closed_ = false;
  std::atomic<bool> cancelled_{false};
};

}  // namespace longrl::serve
