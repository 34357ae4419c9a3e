// Lossless entropy coding of a frame's code bits (issue 6, item 7): the same reconstruction for
// fewer bits on the uplink. Every frame is coded on its own (the models start from the same
// prior, entropy_prior.h, or at p = 1/2), so a lost frame never breaks the next one. The coded
// bytes carry no header: the receiver knows the frame size and the encoder's code shape already
// (they travel with the session).
//
// The uplink sends a frame as chunks of patch rows, so a frame can also be coded piece by piece
// (FrameRowsEncoder / FrameRowsDecoder): the context models and the code map carry over from
// one piece to the next, and each piece is flushed into bytes of its own (4 or 5 bytes more
// per piece than one piece for the whole frame). The pieces must be decoded with the same row
// counts they were coded with, in order.
#ifndef NQE_COMMON_CODES_ENTROPY_FRAME_CODES_CODER_H_
#define NQE_COMMON_CODES_ENTROPY_FRAME_CODES_CODER_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/codes/entropy/binary_arithmetic_coder.h"
#include "common/codes/entropy/code_context.h"
#include "common/codes/entropy/entropy_prior.h"
#include "common/codes/entropy/logistic_mixer.h"
#include "common/codes/frame_codes.h"

namespace nqe {

// What the encoder and the decoder of one frame share: the bits known so far, the context
// models and their mixer, the next patch row.
class FrameRowsCoderState {
 public:
  // InvalidArgument if the prior is for another number of channels than `shape`.
  static absl::Status Check(CodeShape shape, const EntropyPrior& prior);

  int next_row() const { return next_row_; }

 protected:
  FrameRowsCoderState(PatchGrid grid, CodeShape shape, const EntropyPrior& prior);
  // InvalidArgument unless 1 <= row_count <= the rows left.
  absl::Status CheckRows(int row_count) const;
  int bytes_per_patch() const { return (shape_.bits() + 7) / 8; }
  // P(bit = 0) of the bit at `at`, in 1/4096: its two models' predictions mixed.
  uint32_t Predict(const CodeMap::Position& at);
  // The bit Predict was last asked about is `value`: the map, both models and the mixer learn.
  void Learn(const CodeMap::Position& at, bool value);

  PatchGrid grid_;
  CodeShape shape_;
  CodeMap map_;
  std::vector<AdaptiveBitModel> models_;
  LogisticMixer mixer_;
  CodeMap::Contexts contexts_{};  // of the last Predict
  int next_row_ = 0;
};

class FrameRowsEncoder : public FrameRowsCoderState {
 public:
  // Call FrameRowsCoderState::Check(shape, prior) first.
  FrameRowsEncoder(PatchGrid grid, CodeShape shape, const EntropyPrior& prior)
      : FrameRowsCoderState(grid, shape, prior) {}

  // Codes the next `row_count` patch rows: `codes` holds their row_count * cols packed codes
  // (frame_codes.h layout). InvalidArgument for a wrong row count or byte count.
  absl::StatusOr<std::vector<uint8_t>> EncodeRows(int row_count, absl::Span<const uint8_t> codes);
};

class FrameRowsDecoder : public FrameRowsCoderState {
 public:
  // Call FrameRowsCoderState::Check(shape, prior) first.
  FrameRowsDecoder(PatchGrid grid, CodeShape shape, const EntropyPrior& prior)
      : FrameRowsCoderState(grid, shape, prior) {}

  // The next `row_count` patch rows' packed codes from the bytes EncodeRows made of them.
  // InvalidArgument for a wrong row count, or when `coded` is not exactly one piece's bytes
  // (truncated, or with bytes left over): the decoder must read every byte and no more.
  absl::StatusOr<std::vector<uint8_t>> DecodeRows(int row_count, absl::Span<const uint8_t> coded);
};

// The whole frame as one piece. InvalidArgument if `codes` does not hold shape.bits() bits per
// patch or the prior is for another number of channels.
absl::StatusOr<std::vector<uint8_t>> EntropyEncodeCodes(const FrameCodes& codes, CodeShape shape,
                                                        const EntropyPrior& prior);

// The inverse: `layout` gives the frame geometry (its `bytes` are ignored); the same prior.
absl::StatusOr<FrameCodes> EntropyDecodeCodes(absl::Span<const uint8_t> coded,
                                              const FrameCodes& layout, CodeShape shape,
                                              const EntropyPrior& prior);

// Adds how often each context of the coder (both models') sees a 0 and a 1 in `codes` (the
// counts a prior is learned from).
absl::Status CountCodeContexts(const FrameCodes& codes, CodeShape shape, ContextCounts& counts);

}  // namespace nqe

#endif  // NQE_COMMON_CODES_ENTROPY_FRAME_CODES_CODER_H_
