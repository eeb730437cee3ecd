#include "trainer/serve/GenerationWorker.h"

namespace longrl::serve {

GenerationWorker::GenerationWorker(size_t maxQueued, std::function<void()> onStart)
    : maxQueued_(maxQueued), onStart_(std::move(onStart)), thread_([this] { loop(); }) {}

GenerationWorker::~GenerationWorker() { stop(); }

bool GenerationWorker::trySubmit(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ || jobs_.size() >= maxQueued_) return false;
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

void GenerationWorker::stop() {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    dropped.swap(jobs_);
  }
  cv_.notify_all();
  dropped.clear();  // outside the lock: a job's destructor may wake its waiting request
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

size_t GenerationWorker::queued() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return jobs_.size();
}

void GenerationWorker::loop() {
  if (onStart_) onStart_();
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    try {
      job();
    } catch (...) {  // a job reports its own errors; this only keeps the worker alive
    }
  }
}

}  // namespace longrl::serve
