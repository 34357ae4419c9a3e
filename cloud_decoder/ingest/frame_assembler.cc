#include "cloud_decoder/ingest/frame_assembler.h"

#include "absl/strings/str_cat.h"

namespace nqe::ingest {

absl::Status FrameAssembler::ExpectEntropyCoded() {
  if (spec_.entropy_prior == nullptr) {
    return absl::FailedPreconditionError("entropy-coded codes, but no entropy prior to read them");
  }
  entropy_coded_ = true;
  return absl::OkStatus();
}

absl::Status FrameAssembler::Start(const service::FrameChunk& chunk) {
  if (!chunk.has_header()) {
    return absl::InvalidArgumentError(
        absl::StrCat("frame ", chunk.sequence(), ": first chunk has no header"));
  }
  const service::FrameHeader& header = chunk.header();
  const int64_t height = header.height();
  const int64_t width = header.width();
  if (height < 1 || width < 1 || height > limits_.max_frame_side ||
      width > limits_.max_frame_side || height * width > limits_.max_frame_pixels) {
    return absl::InvalidArgumentError(absl::StrCat(
        "frame ", chunk.sequence(), ": size ", width, "x", height, " is outside 1..",
        limits_.max_frame_side, " per side and ", limits_.max_frame_pixels, " pixels"));
  }
  if (static_cast<int>(header.code_layout().patch_size()) != spec_.patch_size ||
      static_cast<int>(header.code_layout().bits_per_patch()) != spec_.bits_per_patch) {
    return absl::FailedPreconditionError(absl::StrCat(
        "frame ", chunk.sequence(), ": code layout ", header.code_layout().patch_size(), " px / ",
        header.code_layout().bits_per_patch(), " bits is not the decoder's ", spec_.patch_size,
        " px / ", spec_.bits_per_patch, " bits"));
  }
  AssembledFrame frame;
  frame.sequence = chunk.sequence();
  frame.capture_time_unix_nanos = header.capture_time_unix_nanos();
  frame.codes.frame_height = static_cast<int>(height);
  frame.codes.frame_width = static_cast<int>(width);
  frame.codes.patch_size = spec_.patch_size;
  frame.codes.bits_per_patch = spec_.bits_per_patch;
  frame.codes.grid =
      GridForFrame(frame.codes.frame_height, frame.codes.frame_width, spec_.patch_size);
  frame.codes.bytes.reserve(static_cast<size_t>(frame.codes.grid.count()) *
                            spec_.bytes_per_patch());
  if (entropy_coded_)
    rows_decoder_.emplace(frame.codes.grid, spec_.code_shape, *spec_.entropy_prior);
  frame_ = std::move(frame);
  rows_received_ = 0;
  return absl::OkStatus();
}

void FrameAssembler::Drop() {
  frame_.reset();
  rows_decoder_.reset();
}

absl::StatusOr<std::optional<AssembledFrame>> FrameAssembler::Add(
    const service::FrameChunk& chunk) {
  if (!frame_) {
    if (chunk.first_row() != 0) {
      return absl::InvalidArgumentError(absl::StrCat("frame ", chunk.sequence(),
                                                     ": first chunk starts at patch row ",
                                                     chunk.first_row(), ", not 0"));
    }
    if (absl::Status status = Start(chunk); !status.ok()) return status;
  }
  auto refuse = [&](std::string message) {
    Drop();
    return absl::InvalidArgumentError(std::move(message));
  };
  if (chunk.sequence() != frame_->sequence) {
    return refuse(absl::StrCat("chunk of frame ", chunk.sequence(), " while frame ",
                               frame_->sequence, " is incomplete"));
  }
  const PatchGrid& grid = frame_->codes.grid;
  if (static_cast<int>(chunk.first_row()) != rows_received_ || chunk.row_count() < 1 ||
      chunk.row_count() > static_cast<uint32_t>(grid.rows - rows_received_)) {
    return refuse(absl::StrCat("frame ", chunk.sequence(), ": chunk rows ", chunk.first_row(), "+",
                               chunk.row_count(), " do not continue rows 0..", rows_received_,
                               " of ", grid.rows));
  }
  const auto wire = absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(chunk.codes().data()),
                                        chunk.codes().size());
  if (rows_decoder_) {
    absl::StatusOr<std::vector<uint8_t>> rows =
        rows_decoder_->DecodeRows(static_cast<int>(chunk.row_count()), wire);
    if (!rows.ok()) {
      return refuse(absl::StrCat("frame ", chunk.sequence(), ": ", rows.status().message()));
    }
    frame_->codes.bytes.insert(frame_->codes.bytes.end(), rows->begin(), rows->end());
  } else {
    const size_t expected =
        static_cast<size_t>(chunk.row_count()) * grid.cols * spec_.bytes_per_patch();
    if (wire.size() != expected) {
      return refuse(absl::StrCat("frame ", chunk.sequence(), ": ", chunk.row_count(),
                                 " patch rows need ", expected, " code bytes, got ", wire.size()));
    }
    frame_->codes.bytes.insert(frame_->codes.bytes.end(), wire.begin(), wire.end());
  }
  frame_->wire_bytes += wire.size();
  rows_received_ += static_cast<int>(chunk.row_count());
  if (rows_received_ < grid.rows) return std::nullopt;
  // Move the frame out rather than the optional holding it: GCC 12 flags the
  // optional's move constructor with a false -Wmaybe-uninitialized.
  AssembledFrame done = std::move(*frame_);
  Drop();
  return std::optional<AssembledFrame>(std::move(done));
}

}  // namespace nqe::ingest
