// nqe-encode --model <encoder.nqe> --image <png/jpg> [--out codes.bin]: encodes every patch of
// an image with the integer engine and reports the code grid, the bitrate and the time.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/model/model_loader.h"
#include "edge_encoder/engine/engine.h"
#include "edge_encoder/patches.h"
#include "tools/tool_flags.h"

ABSL_FLAG(std::string, model, "", "Encoder model (.nqe, task ENCODE) (required).");
ABSL_FLAG(std::string, image, "",
          "Image to encode: any format OpenCV reads (PNG, JPEG...) "
          "(required).");
ABSL_FLAG(std::string, out, "",
          "Write the codes here: the patches' codes row-major, each bits_per_patch bits packed "
          "LSB-first into ceil(bits_per_patch / 8) bytes, no header.");
ABSL_FLAG(int, threads, 0, "Worker threads for the patches; 0 = all hardware threads.");
ABSL_FLAG(bool, reference_kernels, false,
          "Use the reference kernels instead of the optimised ones (slower; for checking).");

namespace nqe {
namespace {

int Fail(const std::string& message) {
  std::cerr << "nqe-encode: " << message << "\n";
  return 1;
}

absl::StatusOr<ImageU8> ReadRgbImage(const std::string& path) {
  const cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR);
  if (bgr.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": cannot read it as an image"));
  }
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);  // OpenCV decodes to BGR; the model wants RGB
  ImageU8 image(rgb.rows, rgb.cols);
  for (int y = 0; y < rgb.rows; ++y) {
    const uint8_t* row = rgb.ptr<uint8_t>(y);
    std::copy(row, row + static_cast<size_t>(rgb.cols) * ImageU8::kChannels, image.pixel(y, 0));
  }
  return image;
}

int Run() {
  const std::string model_path = absl::GetFlag(FLAGS_model);
  const std::string image_path = absl::GetFlag(FLAGS_image);
  if (model_path.empty() || image_path.empty()) {
    return Fail("--model and --image are required (see --help)");
  }
  absl::StatusOr<LoadedModel> loaded = LoadModelFile(model_path);
  if (!loaded.ok()) return Fail(std::string(loaded.status().message()));
  if (loaded->proto.task() != model::TASK_ENCODE) {
    return Fail(absl::StrCat(model_path, " is not an encoder (task ",
                             model::Task_Name(loaded->proto.task()), ")"));
  }
  absl::StatusOr<Engine> engine =
      Engine::Create(std::make_shared<const LoadedModel>(*std::move(loaded)),
                     {absl::GetFlag(FLAGS_reference_kernels)});
  if (!engine.ok()) return Fail(std::string(engine.status().message()));
  absl::StatusOr<ImageU8> image = ReadRgbImage(image_path);
  if (!image.ok()) return Fail(std::string(image.status().message()));

  int threads = absl::GetFlag(FLAGS_threads);
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<FrameCodes> codes = EncodeFrame(*engine, *image, threads);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!codes.ok()) return Fail(std::string(codes.status().message()));

  const double bpp = static_cast<double>(codes->grid.count()) * codes->bits_per_patch /
                     (static_cast<double>(image->height) * image->width);
  std::cout << absl::StrFormat("model      %s (checksum %s)\n", engine->model().proto.name(),
                               engine->model().checksum);
  std::cout << absl::StrFormat("frame      %dx%d (HxW)\n", image->height, image->width);
  std::cout << absl::StrFormat("patches    %dx%d grid of %dx%d (%d patches)\n", codes->grid.rows,
                               codes->grid.cols, codes->patch_size, codes->patch_size,
                               codes->grid.count());
  std::cout << absl::StrFormat(
      "code       %d bits per patch, %.4f bpp over the frame, edge padding included (%d bytes)\n",
      codes->bits_per_patch, bpp, codes->bytes.size());
  std::cout << absl::StrFormat("time       %.3f s, %.1f patches/s on %d thread(s)\n", seconds,
                               codes->grid.count() / std::max(seconds, 1e-9), threads);
  std::string preview;
  const absl::Span<const uint8_t> first = codes->PatchCode(0, 0);
  for (size_t i = 0; i < std::min<size_t>(first.size(), 16); ++i) {
    absl::StrAppendFormat(&preview, "%02x", first[i]);
  }
  std::cout << absl::StrFormat("patch 0,0  %s%s\n", preview, first.size() > 16 ? "..." : "");

  const std::string out_path = absl::GetFlag(FLAGS_out);
  if (!out_path.empty()) {
    std::ofstream out(out_path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(codes->bytes.data()),
              static_cast<std::streamsize>(codes->bytes.size()));
    if (!out) return Fail(absl::StrCat(out_path, ": cannot write"));
    std::cout << absl::StrFormat("wrote      %s\n", out_path);
  }
  return 0;
}

}  // namespace
}  // namespace nqe

int main(int argc, char** argv) {
  nqe::ParseToolFlags(
      argc, argv,
      "Encodes an image patch by patch with an NQE encoder model.\n"
      "Usage: nqe-encode --model <encoder.nqe> --image <png/jpg> [--out codes.bin]");
  return nqe::Run();
}
