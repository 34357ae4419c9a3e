#include "tools/eval/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace nqe::eval {

absl::Status ParallelFor(int count, int threads,
                         const std::function<absl::Status(int index, int worker)>& body) {
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  absl::Status first_error;
  auto work = [&](int worker) {
    for (int index = next++; index < count && !failed; index = next++) {
      absl::Status status = body(index, worker);
      if (!status.ok()) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (first_error.ok()) first_error = std::move(status);
        failed = true;
      }
    }
  };
  const int workers = std::clamp(threads, 1, std::max(1, count));
  std::vector<std::thread> pool;
  for (int w = 1; w < workers; ++w) pool.emplace_back(work, w);
  work(0);
  for (std::thread& t : pool) t.join();
  return first_error;
}

}  // namespace nqe::eval
