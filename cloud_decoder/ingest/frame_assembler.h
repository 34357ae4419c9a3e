// Reassembles one camera's frames from chunks of patch rows and validates every chunk against
// the decoder's code layout and the ingest limits. Knows nothing about sequences' history
// (that is CameraRegistry's) or the network.
#ifndef NQE_CLOUD_DECODER_INGEST_FRAME_ASSEMBLER_H_
#define NQE_CLOUD_DECODER_INGEST_FRAME_ASSEMBLER_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "cloud_decoder/ingest/codec_spec.h"
#include "common/codes/entropy/frame_codes_coder.h"
#include "common/codes/frame_codes.h"
#include "proto/nqe_service.pb.h"

namespace nqe::ingest {

struct AssembledFrame {
  uint64_t sequence = 0;
  int64_t capture_time_unix_nanos = 0;
  FrameCodes codes;
  uint64_t wire_bytes = 0;  // what the chunks' codes took on the wire (entropy-coded or raw)
};

class FrameAssembler {
 public:
  FrameAssembler(CodecSpec spec, IngestLimits limits) : spec_(std::move(spec)), limits_(limits) {}

  // Adds a chunk: the whole frame once its last row is in, nullopt while rows are due.
  // InvalidArgument (FailedPrecondition for a layout that is not the decoder's) for a chunk
  // that breaks the rules of proto/nqe_service.proto's FrameChunk; the frame in progress is
  // then abandoned.
  absl::StatusOr<std::optional<AssembledFrame>> Add(const service::FrameChunk& chunk);

  // From the next frame on, chunks carry entropy-coded rows (FrameRowsEncoder) with the spec's
  // prior. FailedPrecondition if the spec has none.
  absl::Status ExpectEntropyCoded();

  // The sequence of the frame whose rows are arriving, if any.
  std::optional<uint64_t> in_progress() const {
    return frame_ ? std::optional<uint64_t>(frame_->sequence) : std::nullopt;
  }

 private:
  absl::Status Start(const service::FrameChunk& chunk);
  // Forgets the frame in progress (refused, or handed out whole).
  void Drop();

  const CodecSpec spec_;
  const IngestLimits limits_;
  bool entropy_coded_ = false;
  std::optional<AssembledFrame> frame_;
  std::optional<FrameRowsDecoder> rows_decoder_;  // the frame's, when entropy-coded
  int rows_received_ = 0;
};

}  // namespace nqe::ingest

#endif  // NQE_CLOUD_DECODER_INGEST_FRAME_ASSEMBLER_H_
