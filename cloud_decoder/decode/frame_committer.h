// The end of the ingest pipeline for one frame: decode with PURENET, encode PNG, commit to
// the store, and record the outcome in the camera registry. Runs on a decode worker.
#ifndef NQE_CLOUD_DECODER_DECODE_FRAME_COMMITTER_H_
#define NQE_CLOUD_DECODER_DECODE_FRAME_COMMITTER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cloud_decoder/ingest/camera_registry.h"
#include "cloud_decoder/ingest/codec_spec.h"
#include "cloud_decoder/ingest/frame_assembler.h"
#include "cloud_decoder/purenet/purenet_decoder.h"
#include "cloud_decoder/store/frame_store.h"

namespace nqe::decode {

struct CommitTimings {
  absl::Duration decode;  // PURENET forward pass and crop
  absl::Duration store;   // PNG encoding and the atomic writes
};

class FrameCommitter {
 public:
  FrameCommitter(const ingest::CodecSpec& spec, store::FrameStore* store,
                 ingest::CameraRegistry* registry)
      : spec_(spec), store_(store), registry_(registry) {}

  // Decodes and stores frame.sequence of `camera_id`, then tells the registry (Stored or
  // Failed). FailedPrecondition, without decoding, if the frame is no longer the camera's
  // next (a frame before it failed). The stored FrameInfo on success.
  absl::StatusOr<service::FrameInfo> Commit(PurenetDecoder& decoder, const std::string& camera_id,
                                            const ingest::AssembledFrame& frame,
                                            CommitTimings* timings = nullptr);

 private:
  absl::StatusOr<service::FrameInfo> DecodeAndStore(PurenetDecoder& decoder,
                                                    const std::string& camera_id,
                                                    const ingest::AssembledFrame& frame,
                                                    CommitTimings* timings);

  const ingest::CodecSpec& spec_;
  store::FrameStore* store_;
  ingest::CameraRegistry* registry_;
};

}  // namespace nqe::decode

#endif  // NQE_CLOUD_DECODER_DECODE_FRAME_COMMITTER_H_
