#include "cloud_decoder/ingest/ingest_session.h"

#include "absl/strings/str_cat.h"
#include "cloud_decoder/store/camera_id.h"

namespace nqe::ingest {

const std::string& IngestSession::camera_id() const {
  static const std::string* const kNone = new std::string;
  return lease_ ? lease_->camera_id : *kNone;
}

absl::StatusOr<uint64_t> IngestSession::OnHello(const service::Hello& hello) {
  if (lease_) return absl::InvalidArgumentError("second Hello on one stream");
  if (absl::Status status = store::ValidateCameraId(hello.camera_id()); !status.ok()) {
    return status;
  }
  if (hello.encoder_checksum() != spec_.encoder_checksum) {
    return absl::FailedPreconditionError(
        absl::StrCat("unknown encoder checksum '", hello.encoder_checksum(),
                     "': this decoder pairs with ", spec_.encoder_checksum));
  }
  if (!hello.entropy_prior_checksum().empty()) {
    if (hello.entropy_prior_checksum() != spec_.entropy_prior_checksum) {
      return absl::FailedPreconditionError(absl::StrCat(
          "unknown entropy prior '", hello.entropy_prior_checksum(), "': this cloud ",
          spec_.entropy_prior ? absl::StrCat("holds ", spec_.entropy_prior_checksum)
                              : std::string("takes raw codes only (no --entropy_prior)")));
    }
    if (absl::Status status = assembler_.ExpectEntropyCoded(); !status.ok()) return status;
  }
  absl::StatusOr<Lease> lease = registry_->Attach(hello.camera_id(), drain_timeout_);
  if (!lease.ok()) return lease.status();
  lease_ = *std::move(lease);
  return lease_->last_stored;
}

absl::StatusOr<ChunkOutcome> IngestSession::OnChunk(const service::FrameChunk& chunk) {
  if (!lease_) return absl::FailedPreconditionError("a chunk before the Hello");
  if (!assembler_.in_progress()) {
    absl::StatusOr<SequenceKind> kind = registry_->Classify(*lease_, chunk.sequence());
    if (!kind.ok()) return kind.status();
    current_kind_ = *kind;
  }
  absl::StatusOr<std::optional<AssembledFrame>> frame = assembler_.Add(chunk);
  if (!frame.ok()) return frame.status();
  ChunkOutcome outcome;
  if (!frame->has_value()) return outcome;
  outcome.frame = std::move(**frame);
  if (current_kind_ == SequenceKind::kDuplicate) {
    outcome.kind = ChunkOutcome::Kind::kDuplicate;
    return outcome;
  }
  if (absl::Status status = registry_->Accept(*lease_, outcome.frame.sequence); !status.ok()) {
    return status;
  }
  outcome.kind = ChunkOutcome::Kind::kNewFrame;
  return outcome;
}

}  // namespace nqe::ingest
