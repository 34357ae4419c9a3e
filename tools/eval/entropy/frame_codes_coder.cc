#include "tools/eval/entropy/frame_codes_coder.h"

#include "absl/strings/str_cat.h"
#include "tools/eval/entropy/binary_arithmetic_coder.h"
#include "tools/eval/entropy/code_context.h"

namespace nqe::eval {
namespace {

absl::Status CheckShape(const FrameCodes& codes, CodeShape shape, int prior_channels) {
  if (shape.bits() != codes.bits_per_patch || shape.bits() <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "codes have ", codes.bits_per_patch, " bits per patch, the code shape ", shape.bits()));
  }
  if (prior_channels != shape.channels) {
    return absl::InvalidArgumentError(absl::StrCat("the entropy prior is for ", prior_channels,
                                                   " code channels, the codes have ",
                                                   shape.channels));
  }
  return absl::OkStatus();
}

absl::Status CheckBuffer(const FrameCodes& codes) {
  if (codes.bytes.size() != static_cast<size_t>(codes.grid.count()) * codes.bytes_per_patch()) {
    return absl::InvalidArgumentError("code buffer does not match the grid");
  }
  return absl::OkStatus();
}

// Visits every bit in coding order (patches in raster order, each patch's bits in CHW order)
// with its context, then records it in the map so later bits see it.
template <typename Visit>
void ForEachBitInContext(const FrameCodes& codes, CodeShape shape, Visit visit) {
  CodeMap map(codes.grid, shape);
  for (int patch = 0; patch < codes.grid.count(); ++patch) {
    for (int bit = 0; bit < codes.bits_per_patch; ++bit) {
      const CodeMap::Position at = map.At(patch, bit);
      const bool value = codes.Bit(patch, bit);
      visit(map.Context(at), value);
      map.Set(at, value);
    }
  }
}

}  // namespace

absl::StatusOr<std::vector<uint8_t>> EntropyEncodeCodes(const FrameCodes& codes, CodeShape shape,
                                                        const EntropyPrior& prior) {
  if (absl::Status s = CheckShape(codes, shape, prior.channels()); !s.ok()) return s;
  if (absl::Status s = CheckBuffer(codes); !s.ok()) return s;
  std::vector<AdaptiveBitModel> models = prior.StartingModels();
  BinaryArithmeticEncoder encoder;
  ForEachBitInContext(codes, shape,
                      [&](int context, bool value) { encoder.Encode(value, models[context]); });
  return encoder.Finish();
}

absl::Status CountCodeContexts(const FrameCodes& codes, CodeShape shape, ContextCounts& counts) {
  if (absl::Status s = CheckShape(codes, shape, counts.channels); !s.ok()) return s;
  if (absl::Status s = CheckBuffer(codes); !s.ok()) return s;
  ForEachBitInContext(codes, shape, [&](int context, bool value) {
    ++(value ? counts.ones : counts.zeros)[context];
  });
  return absl::OkStatus();
}

absl::StatusOr<FrameCodes> EntropyDecodeCodes(absl::Span<const uint8_t> coded,
                                              const FrameCodes& layout, CodeShape shape,
                                              const EntropyPrior& prior) {
  if (absl::Status s = CheckShape(layout, shape, prior.channels()); !s.ok()) return s;
  FrameCodes codes = layout;
  codes.bytes.assign(static_cast<size_t>(codes.grid.count()) * codes.bytes_per_patch(), 0);
  CodeMap map(codes.grid, shape);
  std::vector<AdaptiveBitModel> models = prior.StartingModels();
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
