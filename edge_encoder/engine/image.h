// An 8-bit RGB image, HWC: the engine's input and the unit the patcher cuts frames into.
#ifndef NQE_EDGE_ENCODER_ENGINE_IMAGE_H_
#define NQE_EDGE_ENCODER_ENGINE_IMAGE_H_

#include <cstdint>
#include <vector>

namespace nqe {

struct ImageU8 {
  static constexpr int kChannels = 3;  // R, G, B in that order

  int height = 0;
  int width = 0;
  std::vector<uint8_t> rgb;  // rgb[(y * width + x) * 3 + c]

  ImageU8() = default;
  ImageU8(int h, int w) : height(h), width(w), rgb(static_cast<size_t>(h) * w * kChannels) {}

  uint8_t* pixel(int y, int x) {
    return rgb.data() + (static_cast<size_t>(y) * width + x) * kChannels;
  }
  const uint8_t* pixel(int y, int x) const {
    return rgb.data() + (static_cast<size_t>(y) * width + x) * kChannels;
  }
};

}  // namespace nqe

#endif  // NQE_EDGE_ENCODER_ENGINE_IMAGE_H_
