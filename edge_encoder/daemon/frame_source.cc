#include "edge_encoder/daemon/frame_source.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace nqe::edge {

int64_t NowUnixNanos() { return absl::ToUnixNanos(absl::Now()); }

absl::StatusOr<std::unique_ptr<FrameSource>> OpenFrameSource(const std::string& spec, bool loop) {
  const std::pair<std::string, std::string> kind_arg =
      absl::StrSplit(spec, absl::MaxSplits(':', 1));
  const auto& [kind, arg] = kind_arg;
  if (kind == "image") return OpenImageFile(arg, loop);
  if (kind == "folder") return OpenImageFolder(arg, loop);
  if (kind == "video" || kind == "v4l2") return OpenVideoCapture(arg, loop && kind == "video");
  if (kind == "pattern") {
    const std::pair<std::string, std::string> size = absl::StrSplit(arg, 'x');
    int width = 0;
    int height = 0;
    if (!absl::SimpleAtoi(size.first, &width) || !absl::SimpleAtoi(size.second, &height)) {
      return absl::InvalidArgumentError(
          absl::StrCat("pattern source needs <W>x<H>, got '", arg, "'"));
    }
    return OpenTestPattern(width, height);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown source '", spec, "': use image:, folder:, video:, v4l2: or pattern:"));
}

}  // namespace nqe::edge
