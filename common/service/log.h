// One-line logs to stderr for the daemons: "2026-11-24T02:10:30.123Z I message". Debian 12's
// Abseil (20220623) has no absl/log, so this is the small stand-in (our choice: a line is
// assembled in memory and written with one call, so concurrent lines never interleave).
//
//   NQE_LOG(INFO) << "camera " << id << " connected";
#ifndef NQE_COMMON_SERVICE_LOG_H_
#define NQE_COMMON_SERVICE_LOG_H_

#include <sstream>

namespace nqe::log {

enum class Level { kInfo, kWarning, kError };

class Line {
 public:
  explicit Line(Level level) : level_(level) {}
  Line(const Line&) = delete;
  Line& operator=(const Line&) = delete;
  ~Line();  // writes the line

  template <typename T>
  Line& operator<<(const T& value) {
    text_ << value;
    return *this;
  }

 private:
  Level level_;
  std::ostringstream text_;
};

}  // namespace nqe::log

#define NQE_LOG_LEVEL_INFO ::nqe::log::Level::kInfo
#define NQE_LOG_LEVEL_WARNING ::nqe::log::Level::kWarning
#define NQE_LOG_LEVEL_ERROR ::nqe::log::Level::kError
#define NQE_LOG(level) ::nqe::log::Line(NQE_LOG_LEVEL_##level)

#endif  // NQE_COMMON_SERVICE_LOG_H_
