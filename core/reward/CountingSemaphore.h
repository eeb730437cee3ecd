#pragma once
#include <condition_variable>
#include <mutex>

namespace longrl::reward {

// C++17 has no std::counting_semaphore: a mutex + condition variable one. Used to cap the number
// of judge requests in flight across all threads that share one JudgeClient.
class CountingSemaphore {
 public:
  explicit CountingSemaphore(int count);
  void acquire();
  void release();
  int available() const;

  // Holds one unit for a scope.
  class Guard {
   public:
    explicit Guard(CountingSemaphore& s) : s_(s) { s_.acquire(); }
    ~Guard() { s_.release(); }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

   private:
    CountingSemaphore& s_;
  };

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  int count_;
};

}  // namespace longrl::reward
