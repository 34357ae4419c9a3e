// The protocol state of one Ingest stream (proto/nqe_service.proto, CloudDecoder.Ingest),
// without the network: Hello validation, sequence rules (through the shared CameraRegistry)
// and frame reassembly. The service feeds it messages and acts on the outcomes; any error it
// returns ends the stream with that status.
#ifndef NQE_CLOUD_DECODER_INGEST_INGEST_SESSION_H_
#define NQE_CLOUD_DECODER_INGEST_INGEST_SESSION_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cloud_decoder/ingest/camera_registry.h"
#include "cloud_decoder/ingest/codec_spec.h"
#include "cloud_decoder/ingest/frame_assembler.h"
#include "proto/nqe_service.pb.h"

namespace nqe::ingest {

struct ChunkOutcome {
  enum class Kind {
    kMoreRowsDue,  // nothing to do yet
    kDuplicate,    // a whole frame that is already stored or queued: ack it, drop it
    kNewFrame,     // a whole new frame, accepted in the registry: decode and store it
  };
  Kind kind = Kind::kMoreRowsDue;
  AssembledFrame frame;  // kDuplicate and kNewFrame
};

class IngestSession {
 public:
  IngestSession(const CodecSpec& spec, const IngestLimits& limits, CameraRegistry* registry,
                absl::Duration drain_timeout)
      : spec_(spec), registry_(registry), drain_timeout_(drain_timeout), assembler_(spec, limits) {}

  // Validates the Hello and takes ownership of the camera: the last stored sequence.
  absl::StatusOr<uint64_t> OnHello(const service::Hello& hello);

  absl::StatusOr<ChunkOutcome> OnChunk(const service::FrameChunk& chunk);

  // Empty before a successful Hello.
  const std::string& camera_id() const;

 private:
  const CodecSpec& spec_;
  CameraRegistry* registry_;
  const absl::Duration drain_timeout_;
  FrameAssembler assembler_;
  std::optional<Lease> lease_;
  SequenceKind current_kind_ = SequenceKind::kNew;  // of the frame being assembled
};

}  // namespace nqe::ingest

#endif  // NQE_CLOUD_DECODER_INGEST_INGEST_SESSION_H_
