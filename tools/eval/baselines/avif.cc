// AVIF through libavif (Debian's 0.11, AV1 by libaom), set up like `avifenc --speed 6
// --yuv 444`: speed 6, 4:4:4 chroma, 8 bits, one thread per encode (the tool parallelises over
// images). libavif 0.11 has no "quality" setting: the knob is 63 - quantizer (min = max
// quantizer), so larger knobs give larger files as the rate search expects.
#include "avif/avif.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "tools/eval/baselines/baseline_codec.h"

namespace nqe::eval {
namespace {

constexpr int kSpeed = 6;

struct ImageDeleter {
  void operator()(avifImage* i) const { avifImageDestroy(i); }
};
struct EncoderDeleter {
  void operator()(avifEncoder* e) const { avifEncoderDestroy(e); }
};
struct DecoderDeleter {
  void operator()(avifDecoder* d) const { avifDecoderDestroy(d); }
};

absl::Status AvifError(absl::string_view step, avifResult result) {
  return absl::InternalError(absl::StrCat("avif: ", step, ": ", avifResultToString(result)));
}

// An avifRGBImage view of a CV_8UC3 R, G, B matrix (no copy).
avifRGBImage RgbView(const avifImage* image, const cv::Mat& rgb) {
  avifRGBImage view;
  avifRGBImageSetDefaults(&view, image);
  view.format = AVIF_RGB_FORMAT_RGB;
  view.depth = 8;
  view.pixels = const_cast<uint8_t*>(rgb.data);
  view.rowBytes = static_cast<uint32_t>(rgb.step[0]);
  return view;
}

class AvifCodec : public BaselineCodec {
 public:
  absl::string_view name() const override { return "avif"; }
  std::string DescribeKnob(int knob) const override {
    return absl::StrCat("quantizer=", AVIF_QUANTIZER_WORST_QUALITY - knob);
  }
  KnobRange SearchRange(double /*target_bpp*/) const override {
    return {0, AVIF_QUANTIZER_WORST_QUALITY - AVIF_QUANTIZER_BEST_QUALITY};
  }

  absl::StatusOr<std::vector<uint8_t>> Encode(const cv::Mat& rgb, int knob) const override {
    std::unique_ptr<avifImage, ImageDeleter> image(
        avifImageCreate(rgb.cols, rgb.rows, 8, AVIF_PIXEL_FORMAT_YUV444));
    const avifRGBImage view = RgbView(image.get(), rgb);
    if (avifResult r = avifImageRGBToYUV(image.get(), &view); r != AVIF_RESULT_OK) {
      return AvifError("RGB to YUV", r);
    }
    std::unique_ptr<avifEncoder, EncoderDeleter> encoder(avifEncoderCreate());
    encoder->speed = kSpeed;
    encoder->maxThreads = 1;
    encoder->minQuantizer = encoder->maxQuantizer = AVIF_QUANTIZER_WORST_QUALITY - knob;
    avifRWData output = AVIF_DATA_EMPTY;
    const avifResult result = avifEncoderWrite(encoder.get(), image.get(), &output);
    if (result != AVIF_RESULT_OK) {
      avifRWDataFree(&output);
      return AvifError("encoding", result);
    }
    std::vector<uint8_t> file(output.data, output.data + output.size);
    avifRWDataFree(&output);
    return file;
  }

  absl::StatusOr<cv::Mat> Decode(absl::Span<const uint8_t> file) const override {
    std::unique_ptr<avifDecoder, DecoderDeleter> decoder(avifDecoderCreate());
    decoder->maxThreads = 1;
    std::unique_ptr<avifImage, ImageDeleter> image(avifImageCreateEmpty());
    if (avifResult r = avifDecoderReadMemory(decoder.get(), image.get(), file.data(), file.size());
        r != AVIF_RESULT_OK) {
      return AvifError("decoding", r);
    }
    cv::Mat rgb(static_cast<int>(image->height), static_cast<int>(image->width), CV_8UC3);
    avifRGBImage view = RgbView(image.get(), rgb);
    if (avifResult r = avifImageYUVToRGB(image.get(), &view); r != AVIF_RESULT_OK) {
      return AvifError("YUV to RGB", r);
    }
    return rgb;
  }
};

}  // namespace

std::unique_ptr<BaselineCodec> MakeAvifCodec() { return std::make_unique<AvifCodec>(); }

}  // namespace nqe::eval
