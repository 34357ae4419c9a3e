// Frames -> P x P patches -> codes (DESIGN.md contract 4). Each patch is encoded independently,
// so the bitrate is patch-constant: bits_per_patch / P^2 bits per pixel.
//
// Frames whose size is not a multiple of P are padded at the right and bottom edges by
// replicating the last column and row (our choice: unlike zero padding it adds no artificial
// edge for the decoder to reconstruct, and the decoder crops the padding away). Patches are
// numbered row-major: patch (r, c) covers rows r*P .. r*P+P-1 and columns c*P .. c*P+P-1.
#ifndef NQE_EDGE_ENCODER_PATCHES_H_
#define NQE_EDGE_ENCODER_PATCHES_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "common/codes/frame_codes.h"
#include "edge_encoder/engine/engine.h"
#include "edge_encoder/engine/image.h"

namespace nqe {

// Patch (row, col) of `frame`, edge-replicated where it passes the frame's border.
ImageU8 ExtractPatch(const ImageU8& frame, int patch_size, int row, int col);

// How an encoder's code bits are laid out: its output tensor, C x q x q (InvalidArgument if it
// is not square).
absl::StatusOr<CodeShape> EncoderCodeShape(const Engine& encoder);

// Encodes every patch of `frame` with an encoder engine (TASK_ENCODE), on `num_threads`
// threads (1 = the calling thread only). The result does not depend on the thread count.
absl::StatusOr<FrameCodes> EncodeFrame(const Engine& encoder, const ImageU8& frame,
                                       int num_threads = 1);

}  // namespace nqe

#endif  // NQE_EDGE_ENCODER_PATCHES_H_
