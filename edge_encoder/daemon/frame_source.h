// Where the edge's frames come from, chosen by the --source flag:
//   image:<file>         one image (with --loop, repeated)
//   folder:<dir>         every PNG/JPEG/BMP in the folder, sorted by name
//   video:<file>         a video file (OpenCV VideoCapture)
//   v4l2:<device>        a V4L2 camera, e.g. v4l2:/dev/video0 (OpenCV VideoCapture)
//   pattern:<W>x<H>      a synthetic moving test pattern (never ends)
#ifndef NQE_EDGE_ENCODER_DAEMON_FRAME_SOURCE_H_
#define NQE_EDGE_ENCODER_DAEMON_FRAME_SOURCE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "edge_encoder/engine/image.h"

namespace nqe::edge {

struct CapturedFrame {
  ImageU8 image;
  int64_t capture_time_unix_nanos = 0;
  std::string origin;  // file name or frame number, for logs
};

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  // The next frame; nullopt at the end of a finite source.
  virtual absl::StatusOr<std::optional<CapturedFrame>> Next() = 0;
};

// Parses a --source spec (above). `loop` restarts finite sources at their end.
absl::StatusOr<std::unique_ptr<FrameSource>> OpenFrameSource(const std::string& spec, bool loop);

// Implementations (frame_sources/*.cc).
absl::StatusOr<std::unique_ptr<FrameSource>> OpenImageFile(const std::string& path, bool loop);
absl::StatusOr<std::unique_ptr<FrameSource>> OpenImageFolder(const std::string& dir, bool loop);
absl::StatusOr<std::unique_ptr<FrameSource>> OpenVideoCapture(const std::string& target, bool loop);
absl::StatusOr<std::unique_ptr<FrameSource>> OpenTestPattern(int width, int height);

// Now, as capture timestamps are taken.
int64_t NowUnixNanos();

}  // namespace nqe::edge

#endif  // NQE_EDGE_ENCODER_DAEMON_FRAME_SOURCE_H_
