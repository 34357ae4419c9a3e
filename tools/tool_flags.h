// Command-line set-up shared by the nqe-* tools.
#ifndef NQE_TOOLS_TOOL_FLAGS_H_
#define NQE_TOOLS_TOOL_FLAGS_H_

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

namespace nqe {

// Sets the usage text and parses the flags. --help lists the flags defined under tools/:
// absl's default only shows those of a file named like the binary, and our binaries are
// spelled nqe-x while their sources are nqe_x.cc.
inline void ParseToolFlags(int argc, char** argv, absl::string_view usage) {
  absl::FlagsUsageConfig config;
  config.contains_help_flags = [](absl::string_view path) {
    return absl::StrContains(path, "tools/");
  };
  absl::SetFlagsUsageConfig(config);
  absl::SetProgramUsageMessage(usage);
  absl::ParseCommandLine(argc, argv);
}

}  // namespace nqe

#endif  // NQE_TOOLS_TOOL_FLAGS_H_
