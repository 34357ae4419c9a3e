// Flag parsing shared by the nqe-* tools.
#ifndef NQE_TOOLS_TOOL_FLAGS_H_
#define NQE_TOOLS_TOOL_FLAGS_H_

#include <vector>

#include "absl/flags/parse.h"
#include "absl/strings/string_view.h"
#include "common/cli/usage.h"

namespace nqe {

// Sets the usage text and parses the flags; returns the positional arguments (argv[0] first).
inline std::vector<char*> ParseToolFlags(int argc, char** argv, absl::string_view usage) {
  SetProgramUsage(usage);
  return absl::ParseCommandLine(argc, argv);
}

}  // namespace nqe

#endif  // NQE_TOOLS_TOOL_FLAGS_H_
