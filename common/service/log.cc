#include "common/service/log.h"

#include <unistd.h>

#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace nqe::log {

Line::~Line() {
  const char tag = level_ == Level::kInfo ? 'I' : level_ == Level::kWarning ? 'W' : 'E';
  std::string line = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ ", absl::Now(), absl::UTCTimeZone());
  line += tag;
  line += ' ';
  line += text_.str();
  line += '\n';
  // One write(2): lines from different threads never interleave.
  const ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace nqe::log
