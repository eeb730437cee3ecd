#pragma once
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace longrl::serve {

// One thread that runs jobs in order: the model is not thread-safe, so all generation goes
// through it. The queue is bounded; a full queue refuses new jobs (the server answers 503)
// rather than piling up requests that would time out anyway.
class GenerationWorker {
 public:
  // `onStart` runs first on the worker thread (torch's thread settings are per thread).
  explicit GenerationWorker(size_t maxQueued, std::function<void()> onStart = {});
  ~GenerationWorker();
  GenerationWorker(const GenerationWorker&) = delete;
  GenerationWorker& operator=(const GenerationWorker&) = delete;

  // False when the queue is full or the worker has stopped. An exception from a job is the
  // job's business: the worker catches and drops it, so wrap the work in its own try.
  bool trySubmit(std::function<void()> job);
  // Finishes the running job, drops the queued ones (they are destroyed unrun), joins.
  void stop();
  size_t queued() const;

 private:
  void loop();
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  size_t maxQueued_;
  bool stopping_ = false;
  std::function<void()> onStart_;
  std::thread thread_;
};

}  // namespace longrl::serve
