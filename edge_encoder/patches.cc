#include "edge_encoder/patches.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "edge_encoder/engine/task_output.h"

namespace nqe {

ImageU8 ExtractPatch(const ImageU8& frame, int patch_size, int row, int col) {
  ImageU8 patch(patch_size, patch_size);
  for (int y = 0; y < patch_size; ++y) {
    const int src_y = std::min(row * patch_size + y, frame.height - 1);
    for (int x = 0; x < patch_size; ++x) {
      const int src_x = std::min(col * patch_size + x, frame.width - 1);
      std::copy_n(frame.pixel(src_y, src_x), ImageU8::kChannels, patch.pixel(y, x));
    }
  }
  return patch;
}

absl::StatusOr<CodeShape> EncoderCodeShape(const Engine& encoder) {
  const TensorShape code = encoder.model().output_shape();
  if (code.height != code.width) {
    return absl::InvalidArgumentError(absl::StrCat(encoder.model().source_name,
                                                   ": the code tensor is ", code.ToString(),
                                                   ", PURENET reads C x q x q"));
  }
  return CodeShape{static_cast<int>(code.channels), static_cast<int>(code.height)};
}

absl::StatusOr<FrameCodes> EncodeFrame(const Engine& encoder, const ImageU8& frame,
                                       int num_threads) {
  const model::Model& model = encoder.model().proto;
  if (model.task() != model::TASK_ENCODE) {
    return absl::InvalidArgumentError(absl::StrFormat("%s is not an encoder (task %s)",
                                                      encoder.model().source_name,
                                                      model::Task_Name(model.task())));
  }
  if (frame.height <= 0 || frame.width <= 0 ||
      frame.rgb.size() != static_cast<size_t>(frame.height) * frame.width * ImageU8::kChannels) {
    return absl::InvalidArgumentError(absl::StrFormat("not a valid RGB frame: %dx%d with %d bytes",
                                                      frame.height, frame.width, frame.rgb.size()));
  }
  FrameCodes codes;
  codes.frame_height = frame.height;
  codes.frame_width = frame.width;
  codes.patch_size = static_cast<int>(model.code_layout().patch_size());
  codes.bits_per_patch = static_cast<int>(model.code_layout().bits_per_patch());
  codes.grid = GridForFrame(frame.height, frame.width, codes.patch_size);
  codes.bytes.resize(static_cast<size_t>(codes.grid.count()) * codes.bytes_per_patch());

  // Workers take patches from a shared counter; each writes only its patches' bytes.
  std::atomic<int> next_patch{0};
  std::mutex error_mutex;
  absl::Status first_error;
  auto worker = [&] {
    for (int index = next_patch++; index < codes.grid.count(); index = next_patch++) {
      const int row = index / codes.grid.cols;
      const int col = index % codes.grid.cols;
      absl::StatusOr<Tensor> code = encoder.Run(ExtractPatch(frame, codes.patch_size, row, col));
      if (!code.ok()) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (first_error.ok()) first_error = code.status();
        return;
      }
      const std::vector<uint8_t> bits = EncodeBits(*code);
      std::copy(bits.begin(), bits.end(),
                codes.bytes.begin() + static_cast<size_t>(index) * codes.bytes_per_patch());
    }
  };
  const int threads = std::clamp(num_threads, 1, std::max(1, codes.grid.count()));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& thread : pool) thread.join();
  if (!first_error.ok()) return first_error;
  return codes;
}

}  // namespace nqe
