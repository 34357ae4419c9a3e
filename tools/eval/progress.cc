#include "tools/eval/progress.h"

#include <cstdio>
#include <utility>

namespace nqe::eval {

constexpr std::chrono::seconds kPrintInterval(3);

Progress::Progress(std::string label, int total)
    : label_(std::move(label)), total_(total), start_(Clock::now()), last_print_(start_) {}

void Progress::Tick() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++done_;
  const Clock::time_point now = Clock::now();
  if (done_ != total_ && now - last_print_ < kPrintInterval) return;
  last_print_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double eta = done_ > 0 ? elapsed / done_ * (total_ - done_) : 0;
  std::fprintf(stderr, "[%s] %d/%d images, %.1f s elapsed, ETA %.0f s\n", label_.c_str(), done_,
               total_, elapsed, eta);
}

}  // namespace nqe::eval
