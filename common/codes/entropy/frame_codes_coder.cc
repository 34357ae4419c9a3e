#include "common/codes/entropy/frame_codes_coder.h"

#include "absl/strings/str_cat.h"

namespace nqe {
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

bool BitOf(absl::Span<const uint8_t> code, int bit) { return (code[bit / 8] >> (bit % 8)) & 1; }

}  // namespace

absl::Status FrameRowsCoderState::Check(CodeShape shape, const EntropyPrior& prior) {
  if (shape.bits() <= 0) return absl::InvalidArgumentError("empty code shape");
  if (prior.channels() != shape.channels) {
    return absl::InvalidArgumentError(absl::StrCat("the entropy prior is for ", prior.channels(),
                                                   " code channels, the codes have ",
                                                   shape.channels));
  }
  return absl::OkStatus();
}

FrameRowsCoderState::FrameRowsCoderState(PatchGrid grid, CodeShape shape, const EntropyPrior& prior)
    : grid_(grid),
      shape_(shape),
      map_(grid, shape),
      models_(prior.StartingModels()),
      mixer_(shape.channels) {}

uint32_t FrameRowsCoderState::Predict(const CodeMap::Position& at) {
  contexts_ = map_.ContextsOf(at);
  return mixer_.Mix(at.channel, models_[contexts_.local].p0(), models_[contexts_.aligned].p0());
}

void FrameRowsCoderState::Learn(const CodeMap::Position& at, bool value) {
  map_.Set(at, value);
  models_[contexts_.local].Update(value);
  models_[contexts_.aligned].Update(value);
  mixer_.Update(value);
}

absl::Status FrameRowsCoderState::CheckRows(int row_count) const {
  if (row_count < 1 || row_count > grid_.rows - next_row_) {
    return absl::InvalidArgumentError(absl::StrCat("patch rows ", next_row_, "+", row_count,
                                                   " are outside the frame's ", grid_.rows));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<uint8_t>> FrameRowsEncoder::EncodeRows(int row_count,
                                                                  absl::Span<const uint8_t> codes) {
  if (absl::Status s = CheckRows(row_count); !s.ok()) return s;
  const size_t patch_bytes = static_cast<size_t>(bytes_per_patch());
  if (codes.size() != static_cast<size_t>(row_count) * grid_.cols * patch_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(row_count, " patch rows need ",
                                                   row_count * grid_.cols * patch_bytes,
                                                   " code bytes, got ", codes.size()));
  }
  // Patches in raster order, each patch's bits in CHW order (code_context.h).
  BinaryArithmeticEncoder encoder;
  const int first_patch = next_row_ * grid_.cols;
  for (int i = 0; i < row_count * grid_.cols; ++i) {
    const absl::Span<const uint8_t> code = codes.subspan(i * patch_bytes, patch_bytes);
    for (int bit = 0; bit < shape_.bits(); ++bit) {
      const CodeMap::Position at = map_.At(first_patch + i, bit);
      const bool value = BitOf(code, bit);
      encoder.Encode(value, Predict(at));
      Learn(at, value);
    }
  }
  next_row_ += row_count;
  return encoder.Finish();
}

absl::StatusOr<std::vector<uint8_t>> FrameRowsDecoder::DecodeRows(int row_count,
                                                                  absl::Span<const uint8_t> coded) {
  if (absl::Status s = CheckRows(row_count); !s.ok()) return s;
  const size_t patch_bytes = static_cast<size_t>(bytes_per_patch());
  std::vector<uint8_t> codes(static_cast<size_t>(row_count) * grid_.cols * patch_bytes, 0);
  BinaryArithmeticDecoder decoder(coded);
  const int first_patch = next_row_ * grid_.cols;
  for (int i = 0; i < row_count * grid_.cols; ++i) {
    // Well-formed input never asks for a byte past its end: stop a short forgery (a few
    // bytes claiming a huge frame) at once instead of decoding all of it.
    if (decoder.bytes_read() > coded.size()) break;
    uint8_t* code = codes.data() + i * patch_bytes;
    for (int bit = 0; bit < shape_.bits(); ++bit) {
      const CodeMap::Position at = map_.At(first_patch + i, bit);
      const bool value = decoder.Decode(Predict(at));
      Learn(at, value);
      if (value) code[bit / 8] |= static_cast<uint8_t>(1u << (bit % 8));
    }
  }
  // The encoder's flush leaves the decoder exactly at the end of its bytes.
  if (decoder.bytes_read() != coded.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("entropy-coded patch rows ", next_row_, "+", row_count, ": ", coded.size(),
                     " bytes where the decoder read ", decoder.bytes_read(),
                     " (truncated, padded or coded otherwise)"));
  }
  next_row_ += row_count;
  return codes;
}

absl::StatusOr<std::vector<uint8_t>> EntropyEncodeCodes(const FrameCodes& codes, CodeShape shape,
                                                        const EntropyPrior& prior) {
  if (absl::Status s = CheckShape(codes, shape, prior.channels()); !s.ok()) return s;
  if (absl::Status s = CheckBuffer(codes); !s.ok()) return s;
  if (codes.grid.rows == 0) return std::vector<uint8_t>();
  return FrameRowsEncoder(codes.grid, shape, prior).EncodeRows(codes.grid.rows, codes.bytes);
}

absl::StatusOr<FrameCodes> EntropyDecodeCodes(absl::Span<const uint8_t> coded,
                                              const FrameCodes& layout, CodeShape shape,
                                              const EntropyPrior& prior) {
  if (absl::Status s = CheckShape(layout, shape, prior.channels()); !s.ok()) return s;
  FrameCodes codes = layout;
  codes.bytes.clear();
  if (codes.grid.rows == 0) {
    if (!coded.empty()) return absl::InvalidArgumentError("coded bytes for an empty frame");
    return codes;
  }
  absl::StatusOr<std::vector<uint8_t>> bytes =
      FrameRowsDecoder(codes.grid, shape, prior).DecodeRows(codes.grid.rows, coded);
  if (!bytes.ok()) return bytes.status();
  codes.bytes = *std::move(bytes);
  return codes;
}

absl::Status CountCodeContexts(const FrameCodes& codes, CodeShape shape, ContextCounts& counts) {
  if (absl::Status s = CheckShape(codes, shape, counts.channels); !s.ok()) return s;
  if (absl::Status s = CheckBuffer(codes); !s.ok()) return s;
  CodeMap map(codes.grid, shape);
  for (int patch = 0; patch < codes.grid.count(); ++patch) {
    for (int bit = 0; bit < codes.bits_per_patch; ++bit) {
      const CodeMap::Position at = map.At(patch, bit);
      const bool value = codes.Bit(patch, bit);
      const CodeMap::Contexts contexts = map.ContextsOf(at);
      std::vector<int64_t>& seen = value ? counts.ones : counts.zeros;
      ++seen[contexts.local];
      ++seen[contexts.aligned];
      ++counts.bits;
      map.Set(at, value);
    }
  }
  return absl::OkStatus();
}

}  // namespace nqe
