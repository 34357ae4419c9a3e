// Progress lines on stderr for long runs: "[label] done/total images, elapsed, ETA", at most
// every few seconds and once at the end, so a user sees a 10-minute evaluation move.
#ifndef NQE_TOOLS_EVAL_PROGRESS_H_
#define NQE_TOOLS_EVAL_PROGRESS_H_

#include <chrono>
#include <mutex>
#include <string>

namespace nqe::eval {

class Progress {
 public:
  Progress(std::string label, int total);

  // One more item finished. Thread-safe.
  void Tick();

 private:
  using Clock = std::chrono::steady_clock;
  std::string label_;
  int total_;
  int done_ = 0;
  Clock::time_point start_;
  Clock::time_point last_print_;
  std::mutex mutex_;
};

}  // namespace nqe::eval

#endif  // NQE_TOOLS_EVAL_PROGRESS_H_
