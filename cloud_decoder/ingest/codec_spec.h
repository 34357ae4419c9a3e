// What the cloud's decoder accepts: the encoder it was trained with (by checksum) and that
// encoder's code layout. Derived from the encoder's model file, never hard-coded.
#ifndef NQE_CLOUD_DECODER_INGEST_CODEC_SPEC_H_
#define NQE_CLOUD_DECODER_INGEST_CODEC_SPEC_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "cloud_decoder/purenet/purenet_decoder.h"
#include "common/codes/entropy/entropy_prior.h"
#include "common/model/model_loader.h"

namespace nqe::ingest {

struct CodecSpec {
  std::string encoder_checksum;
  int patch_size = 0;
  int bits_per_patch = 0;
  CodeShape code_shape;  // channels x side x side: the encoder's output tensor
  // The prior entropy-coded streams may use (Hello.entropy_prior_checksum); null: raw only.
  std::shared_ptr<const EntropyPrior> entropy_prior;
  std::string entropy_prior_checksum;  // entropy_prior->Checksum()

  int bytes_per_patch() const { return (bits_per_patch + 7) / 8; }
};

// The spec of an encoder model (TASK_ENCODE); InvalidArgument for any other model.
absl::StatusOr<CodecSpec> CodecSpecFromEncoder(const LoadedModel& encoder);

// Lets entropy-coded streams use `prior` (raw streams stay welcome). InvalidArgument if the
// prior is for another number of code channels than the encoder's.
absl::Status AcceptEntropyPrior(EntropyPrior prior, CodecSpec& spec);

// Limits on what a camera may send, so that one client cannot exhaust the server.
struct IngestLimits {
  int max_frame_side = 8192;                    // pixels, height and width each
  int64_t max_frame_pixels = int64_t{1} << 26;  // 64 Mpixel
};

}  // namespace nqe::ingest

#endif  // NQE_CLOUD_DECODER_INGEST_CODEC_SPEC_H_
