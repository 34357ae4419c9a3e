#include "tools/eval/baselines/baseline_codec.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace nqe::eval {
namespace {

struct Entry {
  const char* name;
  std::unique_ptr<BaselineCodec> (*make)();
};

constexpr Entry kCodecs[] = {
    {"jpeg", MakeJpegCodec},
    {"webp", MakeWebpCodec},
    {"jp2", MakeJpeg2000Codec},
    {"avif", MakeAvifCodec},
};

}  // namespace

std::vector<std::string> BaselineCodecNames() {
  std::vector<std::string> names;
  for (const Entry& entry : kCodecs) names.emplace_back(entry.name);
  return names;
}

absl::StatusOr<std::unique_ptr<BaselineCodec>> MakeBaselineCodec(absl::string_view name) {
  for (const Entry& entry : kCodecs) {
    if (name == entry.name) return entry.make();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown baseline codec '", name, "'; known: ", absl::StrJoin(BaselineCodecNames(), ", ")));
}

}  // namespace nqe::eval
