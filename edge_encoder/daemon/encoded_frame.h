// A frame's codes on their way from the encoder to the cloud.
#ifndef NQE_EDGE_ENCODER_DAEMON_ENCODED_FRAME_H_
#define NQE_EDGE_ENCODER_DAEMON_ENCODED_FRAME_H_

#include <cstdint>
#include <string>

#include "common/codes/frame_codes.h"

namespace nqe::edge {

struct EncodedFrame {
  FrameCodes codes;
  int64_t capture_time_unix_nanos = 0;
  std::string origin;  // for logs
};

}  // namespace nqe::edge

#endif  // NQE_EDGE_ENCODER_DAEMON_ENCODED_FRAME_H_
