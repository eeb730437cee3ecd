#include "trainer/serve/ConnectionPool.h"

namespace longrl::serve {
namespace {

thread_local ConnectionPool::Admission t_admission = ConnectionPool::Admission::Serve;

// Runs one task with `a` as this thread's admission.
void runAs(ConnectionPool::Admission a, const std::function<void()>& fn) {
  t_admission = a;
  fn();
  t_admission = ConnectionPool::Admission::Serve;
}

}  // namespace

ConnectionPool::ConnectionPool(size_t threads, size_t maxRefusing) : idle_(threads), maxRefusing_(maxRefusing) {
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { serveLoop(); });
  threads_.emplace_back([this] { refuseLoop(); });
}

ConnectionPool::~ConnectionPool() { shutdown(); }

ConnectionPool::Admission ConnectionPool::admission() { return t_admission; }

void ConnectionPool::enqueue(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!shutdown_ && idle_ > 0) {
      --idle_;  // claimed now, so the next connection cannot count on the same thread
      serving_.push_back(std::move(fn));
      serveCv_.notify_one();
      return;
    }
    if (!shutdown_ && refusing_.size() < maxRefusing_) {
      refusing_.push_back(std::move(fn));
      refuseCv_.notify_one();
      return;
    }
  }
  runAs(Admission::Drop, fn);
}

void ConnectionPool::serveLoop() {
  for (;;) {
    std::function<void()> fn;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      serveCv_.wait(lock, [this] { return !serving_.empty() || shutdown_; });
      if (serving_.empty()) return;
      fn = std::move(serving_.front());
      serving_.pop_front();
    }
    runAs(Admission::Serve, fn);
    std::lock_guard<std::mutex> lock(mutex_);
    ++idle_;
  }
}

void ConnectionPool::refuseLoop() {
  for (;;) {
    std::function<void()> fn;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      refuseCv_.wait(lock, [this] { return !refusing_.empty() || shutdown_; });
      if (refusing_.empty()) return;
      fn = std::move(refusing_.front());
      refusing_.pop_front();
    }
    runAs(Admission::Refuse, fn);
  }
}

void ConnectionPool::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (shutdown_ && threads_.empty()) return;
    shutdown_ = true;
  }
  serveCv_.notify_all();
  refuseCv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

}  // namespace longrl::serve
