#include "tools/eval/entropy/frame_codes_coder.h"

#include "absl/strings/str_cat.h"
#include "tools/eval/entropy/binary_arithmetic_coder.h"
#include "tools/eval/entropy/code_context.h"

namespace nqe::eval {
namespace {

absl::Status CheckShape(const FrameCodes& codes, CodeShape shape) {
  if (shape.bits() != codes.bits_per_patch || shape.bits() <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "codes have ", codes.bits_per_patch, " bits per patch, the code shape ", shape.bits()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<uint8_t>> EntropyEncodeCodes(const FrameCodes& codes, CodeShape shape) {
  if (absl::Status s = CheckShape(codes, shape); !s.ok()) return s;
  if (codes.bytes.size() != static_cast<size_t>(codes.grid.count()) * codes.bytes_per_patch()) {
    return absl::InvalidArgumentError("code buffer does not match the grid");
  }
  CodeMap map(codes.grid, shape);
  std::vector<AdaptiveBitModel> models(map.num_contexts());
  BinaryArithmeticEncoder encoder;
  for (int patch = 0; patch < codes.grid.count(); ++patch) {
    for (int bit = 0; bit < codes.bits_per_patch; ++bit) {
      const CodeMap::Position at = map.At(patch, bit);
      const bool value = codes.Bit(patch, bit);
      encoder.Encode(value, models[map.Context(at)]);
      map.Set(at, value);
    }
  }
  return encoder.Finish();
}

absl::StatusOr<FrameCodes> EntropyDecodeCodes(absl::Span<const uint8_t> coded,
                                              const FrameCodes& layout, CodeShape shape) {
  if (absl::Status s = CheckShape(layout, shape); !s.ok()) return s;
  FrameCodes codes = layout;
  codes.bytes.assign(static_cast<size_t>(codes.grid.count()) * codes.bytes_per_patch(), 0);
  CodeMap map(codes.grid, shape);
  std::vector<AdaptiveBitModel> models(map.num_contexts());
  BinaryArithmeticDecoder decoder(coded);
  for (int patch = 0; patch < codes.grid.count(); ++patch) {
    uint8_t* code = codes.bytes.data() + static_cast<size_t>(patch) * codes.bytes_per_patch();
    for (int bit = 0; bit < codes.bits_per_patch; ++bit) {
      const CodeMap::Position at = map.At(patch, bit);
      const bool value = decoder.Decode(models[map.Context(at)]);
      map.Set(at, value);
      if (value) code[bit / 8] |= static_cast<uint8_t>(1u << (bit % 8));
    }
  }
  return codes;
}

}  // namespace nqe::eval
