// JPEG 2000 through OpenJPEG's own rate control (libopenjp2's C API), as `opj_compress -r`
// does: the knob is the requested rate, turned into the compression ratio tcp_rates[0], and
// OpenJPEG's PCRD optimisation truncates the code-blocks to meet it. OpenCV's JPEG 2000 writer
// only offers a quantisation-style quality knob, which costs about 2.4 dB at 0.25 bpp.
//
// Settings (our choice; opj_compress's defaults otherwise): a raw J2K codestream (no JP2 box,
// so no container bytes count against the budget), the irreversible 9/7 wavelet with the
// colour transform (the usual lossy configuration; opj_compress defaults to the reversible
// 5/3), one quality layer, 64 x 64 code-blocks, up to 6 resolutions (fewer for tiny images).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "openjpeg.h"
#include "tools/eval/baselines/baseline_codec.h"

namespace nqe::eval {
namespace {

constexpr double kRawBitsPerPixel = 24.0;  // 3 components of 8 bits
constexpr int kMaxResolutions = 6;

// An in-memory OpenJPEG stream: reads from `input` or writes (with seeks) into `output`.
struct MemoryStream {
  const uint8_t* input = nullptr;
  size_t input_size = 0;
  std::vector<uint8_t>* output = nullptr;
  size_t position = 0;

  size_t size() const { return output != nullptr ? output->size() : input_size; }

  static OPJ_SIZE_T Read(void* buffer, OPJ_SIZE_T bytes, void* user) {
    auto* s = static_cast<MemoryStream*>(user);
    if (s->position >= s->input_size) return static_cast<OPJ_SIZE_T>(-1);
    const size_t n = std::min<size_t>(bytes, s->input_size - s->position);
    std::memcpy(buffer, s->input + s->position, n);
    s->position += n;
    return n;
  }
  static OPJ_SIZE_T Write(void* buffer, OPJ_SIZE_T bytes, void* user) {
    auto* s = static_cast<MemoryStream*>(user);
    if (s->output->size() < s->position + bytes) s->output->resize(s->position + bytes);
    std::memcpy(s->output->data() + s->position, buffer, bytes);
    s->position += bytes;
    return bytes;
  }
  static OPJ_OFF_T Skip(OPJ_OFF_T bytes, void* user) {
    auto* s = static_cast<MemoryStream*>(user);
    s->position += bytes;
    return bytes;
  }
  static OPJ_BOOL Seek(OPJ_OFF_T to, void* user) {
    auto* s = static_cast<MemoryStream*>(user);
    if (to < 0 || (s->output == nullptr && static_cast<size_t>(to) > s->input_size)) {
      return OPJ_FALSE;
    }
    s->position = static_cast<size_t>(to);
    return OPJ_TRUE;
  }
};

struct CodecDeleter {
  void operator()(opj_codec_t* c) const { opj_destroy_codec(c); }
};
struct StreamDeleter {
  void operator()(opj_stream_t* s) const { opj_stream_destroy(s); }
};
struct ImageDeleter {
  void operator()(opj_image_t* i) const { opj_image_destroy(i); }
};
using CodecPtr = std::unique_ptr<opj_codec_t, CodecDeleter>;
using StreamPtr = std::unique_ptr<opj_stream_t, StreamDeleter>;
using ImagePtr = std::unique_ptr<opj_image_t, ImageDeleter>;

StreamPtr MakeStream(MemoryStream* memory, bool is_input) {
  StreamPtr stream(opj_stream_create(OPJ_J2K_STREAM_CHUNK_SIZE, is_input ? OPJ_TRUE : OPJ_FALSE));
  opj_stream_set_user_data(stream.get(), memory, nullptr);
  opj_stream_set_user_data_length(stream.get(), memory->size());
  opj_stream_set_read_function(stream.get(), MemoryStream::Read);
  opj_stream_set_write_function(stream.get(), MemoryStream::Write);
  opj_stream_set_skip_function(stream.get(), MemoryStream::Skip);
  opj_stream_set_seek_function(stream.get(), MemoryStream::Seek);
  return stream;
}

// Keeps OpenJPEG's last error message for the returned status (it prints nothing itself).
void CaptureError(const char* message, void* user) { *static_cast<std::string*>(user) = message; }
void Ignore(const char*, void*) {}

void InstallHandlers(opj_codec_t* codec, std::string* error) {
  opj_set_error_handler(codec, CaptureError, error);
  opj_set_warning_handler(codec, Ignore, nullptr);
  opj_set_info_handler(codec, Ignore, nullptr);
}

absl::Status OpjError(absl::string_view step, const std::string& message) {
  return absl::InternalError(absl::StrCat("jp2: ", step, " failed: ", message));
}

ImagePtr ToOpjImage(const cv::Mat& rgb) {
  opj_image_cmptparm_t params[3];
  std::memset(params, 0, sizeof(params));
  for (opj_image_cmptparm_t& p : params) {
    p.dx = p.dy = 1;
    p.w = static_cast<OPJ_UINT32>(rgb.cols);
    p.h = static_cast<OPJ_UINT32>(rgb.rows);
    p.prec = 8;
    p.sgnd = 0;
  }
  ImagePtr image(opj_image_create(3, params, OPJ_CLRSPC_SRGB));
  image->x0 = image->y0 = 0;
  image->x1 = static_cast<OPJ_UINT32>(rgb.cols);
  image->y1 = static_cast<OPJ_UINT32>(rgb.rows);
  for (int y = 0; y < rgb.rows; ++y) {
    const uint8_t* row = rgb.ptr<uint8_t>(y);
    for (int x = 0; x < rgb.cols; ++x) {
      for (int c = 0; c < 3; ++c) image->comps[c].data[y * rgb.cols + x] = row[3 * x + c];
    }
  }
  return image;
}

class Jpeg2000Codec : public BaselineCodec {
 public:
  absl::string_view name() const override { return "jp2"; }

  // The knob is the requested rate in thousandths of a bit per pixel.
  std::string DescribeKnob(int knob) const override {
    return absl::StrFormat("rate=%.3fbpp", knob / 1000.0);
  }

  // OpenJPEG's rate control lands at or a little under the request, so searching requests up
  // to 25 % above the target finds the largest file that still fits.
  KnobRange SearchRange(double target_bpp) const override {
    return {1, static_cast<int>(std::ceil(target_bpp * 1250))};
  }

  absl::StatusOr<std::vector<uint8_t>> Encode(const cv::Mat& rgb, int knob) const override {
    if (knob < 1) return absl::InvalidArgumentError("jp2: the requested rate must be >= 1");
    opj_cparameters_t params;
    opj_set_default_encoder_parameters(&params);
    params.tcp_numlayers = 1;
    params.tcp_rates[0] = static_cast<float>(kRawBitsPerPixel * 1000.0 / knob);
    params.cp_disto_alloc = 1;
    params.irreversible = 1;
    params.tcp_mct = 1;
    int resolutions = kMaxResolutions;
    while (resolutions > 1 && (std::min(rgb.rows, rgb.cols) >> (resolutions - 1)) == 0) {
      --resolutions;
    }
    params.numresolution = resolutions;

    ImagePtr image = ToOpjImage(rgb);
    CodecPtr codec(opj_create_compress(OPJ_CODEC_J2K));
    std::string error;
    InstallHandlers(codec.get(), &error);
    if (!opj_setup_encoder(codec.get(), &params, image.get())) {
      return OpjError("opj_setup_encoder", error);
    }
    std::vector<uint8_t> file;
    MemoryStream memory;
    memory.output = &file;
    StreamPtr stream = MakeStream(&memory, /*is_input=*/false);
    if (!opj_start_compress(codec.get(), image.get(), stream.get()) ||
        !opj_encode(codec.get(), stream.get()) || !opj_end_compress(codec.get(), stream.get())) {
      return OpjError("encoding", error);
    }
    stream.reset();  // flushes
    return file;
  }

  absl::StatusOr<cv::Mat> Decode(absl::Span<const uint8_t> file) const override {
    CodecPtr codec(opj_create_decompress(OPJ_CODEC_J2K));
    std::string error;
    InstallHandlers(codec.get(), &error);
    opj_dparameters_t params;
    opj_set_default_decoder_parameters(&params);
    if (!opj_setup_decoder(codec.get(), &params)) return OpjError("opj_setup_decoder", error);
    MemoryStream memory;
    memory.input = file.data();
    memory.input_size = file.size();
    StreamPtr stream = MakeStream(&memory, /*is_input=*/true);
    opj_image_t* raw_image = nullptr;
    if (!opj_read_header(stream.get(), codec.get(), &raw_image)) {
      return OpjError("opj_read_header", error);
    }
    ImagePtr image(raw_image);
    if (!opj_decode(codec.get(), stream.get(), image.get()) ||
        !opj_end_decompress(codec.get(), stream.get())) {
      return OpjError("decoding", error);
    }
    if (image->numcomps != 3) {
      return absl::DataLossError(absl::StrCat("jp2: ", image->numcomps, " components, want 3"));
    }
    const int width = static_cast<int>(image->comps[0].w);
    const int height = static_cast<int>(image->comps[0].h);
    cv::Mat rgb(height, width, CV_8UC3);
    for (int c = 0; c < 3; ++c) {
      if (static_cast<int>(image->comps[c].w) != width ||
          static_cast<int>(image->comps[c].h) != height) {
        return absl::DataLossError("jp2: subsampled components are not supported");
      }
      const OPJ_INT32* data = image->comps[c].data;
      for (int y = 0; y < height; ++y) {
        uint8_t* row = rgb.ptr<uint8_t>(y);
        for (int x = 0; x < width; ++x) {
          row[3 * x + c] = cv::saturate_cast<uint8_t>(data[y * width + x]);
        }
      }
    }
    return rgb;
  }
};

}  // namespace

std::unique_ptr<BaselineCodec> MakeJpeg2000Codec() { return std::make_unique<Jpeg2000Codec>(); }

}  // namespace nqe::eval
