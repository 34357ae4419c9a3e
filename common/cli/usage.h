// Command-line set-up shared by every nqe-* program (tools and daemons).
#ifndef NQE_COMMON_CLI_USAGE_H_
#define NQE_COMMON_CLI_USAGE_H_

#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

namespace nqe {

// Sets the --help text and makes --help list every flag the program defines: Abseil's default
// lists only flags from a source file named like the binary, and ours are spelled nqe-x while
// their sources are main.cc or nqe_x.cc. Abseil's own flags stay under --helpfull.
inline void SetProgramUsage(absl::string_view usage) {
  absl::SetProgramUsageMessage(usage);
  absl::FlagsUsageConfig config;
  config.contains_help_flags = [](absl::string_view file) {
    return !absl::StrContains(file, "absl/");
  };
  config.contains_helpshort_flags = config.contains_help_flags;
  absl::SetFlagsUsageConfig(config);
}

}  // namespace nqe

#endif  // NQE_COMMON_CLI_USAGE_H_
