// The codes of one frame (DESIGN.md contract 4): what the edge produces, the uplink carries
// and the cloud decodes. Shared by edge_encoder/ and cloud_decoder/, so it lives here.
//
// A frame of H x W pixels is cut into a rows x cols grid of P x P patches (rows = ceil(H/P),
// cols = ceil(W/P)), numbered row-major. Each patch's code is bits_per_patch bits: the
// encoder's SIGN tensor flattened in CHW order, packed LSB-first (bit b of a code is bit b % 8
// of its byte b / 8), each code starting on a byte boundary.
#ifndef NQE_COMMON_CODES_FRAME_CODES_H_
#define NQE_COMMON_CODES_FRAME_CODES_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/types/span.h"

namespace nqe {

struct PatchGrid {
  int rows = 0;  // ceil(height / P)
  int cols = 0;  // ceil(width / P)
  int count() const { return rows * cols; }
};

inline PatchGrid GridForFrame(int height, int width, int patch_size) {
  return {(height + patch_size - 1) / patch_size, (width + patch_size - 1) / patch_size};
}

// How a patch's bits are laid out: channels x side x side, CHW (the encoder's output tensor).
struct CodeShape {
  int channels = 0;
  int side = 0;
  int bits() const { return channels * side * side; }
};

struct FrameCodes {
  int frame_height = 0;
  int frame_width = 0;
  int patch_size = 0;
  PatchGrid grid;
  int bits_per_patch = 0;
  std::vector<uint8_t> bytes;  // grid.count() codes of bytes_per_patch() bytes, row-major

  int bytes_per_patch() const { return (bits_per_patch + 7) / 8; }
  absl::Span<const uint8_t> PatchCode(int row, int col) const {
    return absl::MakeConstSpan(bytes).subspan(
        static_cast<size_t>(row * grid.cols + col) * bytes_per_patch(), bytes_per_patch());
  }
  bool Bit(int patch_index, int bit) const {
    return (bytes[static_cast<size_t>(patch_index) * bytes_per_patch() + bit / 8] >> (bit % 8)) & 1;
  }
};

}  // namespace nqe

#endif  // NQE_COMMON_CODES_FRAME_CODES_H_
