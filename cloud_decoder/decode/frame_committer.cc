#include "cloud_decoder/decode/frame_committer.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cloud_decoder/decode/png.h"

namespace nqe::decode {

absl::StatusOr<service::FrameInfo> FrameCommitter::Commit(PurenetDecoder& decoder,
                                                          const std::string& camera_id,
                                                          const ingest::AssembledFrame& frame,
                                                          CommitTimings* timings) {
  absl::StatusOr<service::FrameInfo> info =
      registry_->IsNextToStore(camera_id, frame.sequence)
          ? DecodeAndStore(decoder, camera_id, frame, timings)
          : absl::FailedPreconditionError(
                absl::StrCat("camera ", camera_id, " frame ", frame.sequence,
                             " dropped: an earlier frame was not stored (the edge resends both)"));
  if (info.ok()) {
    registry_->Stored(camera_id, frame.sequence);
  } else {
    registry_->Failed(camera_id, frame.sequence);
  }
  return info;
}

absl::StatusOr<service::FrameInfo> FrameCommitter::DecodeAndStore(
    PurenetDecoder& decoder, const std::string& camera_id, const ingest::AssembledFrame& frame,
    CommitTimings* timings) {
  const absl::Time start = absl::Now();
  absl::StatusOr<cv::Mat> rgb = decoder.Decode(frame.codes);
  if (!rgb.ok()) return rgb.status();
  const absl::Time decoded = absl::Now();
  absl::StatusOr<std::string> png = EncodeRgbPng(*rgb);
  if (!png.ok()) return png.status();

  const FrameCodes& codes = frame.codes;
  service::FrameInfo info;
  info.set_camera_id(camera_id);
  info.set_sequence(frame.sequence);
  info.set_height(codes.frame_height);
  info.set_width(codes.frame_width);
  info.set_capture_time_unix_nanos(frame.capture_time_unix_nanos);
  info.set_stored_time_unix_nanos(absl::ToUnixNanos(absl::Now()));
  info.mutable_code_layout()->set_patch_size(codes.patch_size);
  info.mutable_code_layout()->set_bits_per_patch(codes.bits_per_patch);
  info.set_encoder_checksum(spec_.encoder_checksum);
  info.set_code_bytes(codes.bytes.size());
  info.set_bits_per_pixel(static_cast<double>(codes.grid.count()) * codes.bits_per_patch /
                          (static_cast<double>(codes.frame_height) * codes.frame_width));
  info.set_png_bytes(png->size());
  info.set_wire_bytes(frame.wire_bytes);
  info.set_wire_bits_per_pixel(static_cast<double>(frame.wire_bytes) * 8 /
                               (static_cast<double>(codes.frame_height) * codes.frame_width));
  const absl::string_view code_bytes(reinterpret_cast<const char*>(codes.bytes.data()),
                                     codes.bytes.size());
  if (absl::Status status = store_->Put(info, *png, code_bytes); !status.ok()) return status;
  if (timings != nullptr) {
    timings->decode = decoded - start;
    timings->store = absl::Now() - decoded;
  }
  return info;
}

}  // namespace nqe::decode
