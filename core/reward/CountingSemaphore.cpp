#include "core/reward/CountingSemaphore.h"

namespace longrl::reward {

CountingSemaphore::CountingSemaphore(int count) : count_(count < 1 ? 1 : count) {}

void CountingSemaphore::acquire() {
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait(lock, [this] { return count_ > 0; });
  --count_;
}

void CountingSemaphore::release() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++count_;
  }
  cv_.notify_one();
}

int CountingSemaphore::available() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return count_;
}

}  // namespace longrl::reward
