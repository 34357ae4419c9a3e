// Lossless entropy coding of a frame's code bits (issue 6, item 7): the same reconstruction for
// fewer bits on the uplink. Every frame is coded on its own (the models start from the same
// prior, entropy_prior.h, or at p = 1/2), so a lost frame never breaks the next one. The coded
// bytes carry no header: the receiver knows the frame size and the encoder's code shape already
// (they travel with the session).
#ifndef NQE_TOOLS_EVAL_ENTROPY_FRAME_CODES_CODER_H_
#define NQE_TOOLS_EVAL_ENTROPY_FRAME_CODES_CODER_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "cloud_decoder/purenet/purenet_decoder.h"
#include "common/codes/frame_codes.h"
#include "tools/eval/entropy/entropy_prior.h"

namespace nqe::eval {

// InvalidArgument if `codes` does not hold shape.bits() bits per patch or the prior is for
// another number of channels.
absl::StatusOr<std::vector<uint8_t>> EntropyEncodeCodes(const FrameCodes& codes, CodeShape shape,
                                                        const EntropyPrior& prior);

// The inverse: `layout` gives the frame geometry (its `bytes` are ignored); the same prior.
absl::StatusOr<FrameCodes> EntropyDecodeCodes(absl::Span<const uint8_t> coded,
                                              const FrameCodes& layout, CodeShape shape,
                                              const EntropyPrior& prior);

// Adds how often each context of the coder sees a 0 and a 1 in `codes` (the counts a prior is
// learned from).
absl::Status CountCodeContexts(const FrameCodes& codes, CodeShape shape, ContextCounts& counts);

}  // namespace nqe::eval

#endif  // NQE_TOOLS_EVAL_ENTROPY_FRAME_CODES_CODER_H_
