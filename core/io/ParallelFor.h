#pragma once
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace longrl::io {

// Calls body(i) for every i in [0, n) on up to `workers` threads (the calling thread is one of
// them), each taking the next index as it finishes one: for blocking calls such as HTTP requests,
// where the slow ones must not hold up a fixed share. The first exception a call throws is rethrown
// here once every thread has stopped.
template <class Body> void parallelFor(size_t n, size_t workers, Body&& body) {
  std::atomic<size_t> next{0};
  std::mutex errorMutex;
  std::exception_ptr error;
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < n;) {
      try {
        body(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(errorMutex);
        if (!error) error = std::current_exception();
      }
    }
  };
  std::vector<std::thread> threads;
  for (size_t t = 1; t < std::min(workers, n); ++t) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace longrl::io
