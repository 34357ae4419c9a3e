#include "cloud_decoder/ingest/codec_spec.h"

#include "absl/strings/str_cat.h"
#include "common/codes/entropy/frame_codes_coder.h"

namespace nqe::ingest {

absl::StatusOr<CodecSpec> CodecSpecFromEncoder(const LoadedModel& encoder) {
  if (encoder.proto.task() != model::TASK_ENCODE) {
    return absl::InvalidArgumentError(
        absl::StrCat(encoder.source_name, " is not an encoder model (TASK_ENCODE)"));
  }
  const TensorShape& out = encoder.output_shape();
  if (out.height != out.width) {
    return absl::InvalidArgumentError(
        absl::StrCat(encoder.source_name, ": code tensor ", out.ToString(), " is not square"));
  }
  CodecSpec spec;
  spec.encoder_checksum = encoder.checksum;
  spec.patch_size = static_cast<int>(encoder.proto.code_layout().patch_size());
  spec.bits_per_patch = static_cast<int>(encoder.proto.code_layout().bits_per_patch());
  spec.code_shape = {out.channels, out.height};
  if (spec.code_shape.bits() != spec.bits_per_patch || spec.patch_size <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(encoder.source_name, ": code layout (", spec.patch_size, " px, ",
                     spec.bits_per_patch, " bits) does not match its output ", out.ToString()));
  }
  return spec;
}

absl::Status AcceptEntropyPrior(EntropyPrior prior, CodecSpec& spec) {
  if (absl::Status s = FrameRowsCoderState::Check(spec.code_shape, prior); !s.ok()) return s;
  spec.entropy_prior_checksum = prior.Checksum();
  spec.entropy_prior = std::make_shared<const EntropyPrior>(std::move(prior));
  return absl::OkStatus();
}

}  // namespace nqe::ingest
