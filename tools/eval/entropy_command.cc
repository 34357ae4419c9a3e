#include "tools/eval/entropy_command.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/codes/entropy/frame_codes_coder.h"
#include "edge_encoder/patches.h"
#include "tools/eval/image_io.h"
#include "tools/eval/nqe_codec.h"
#include "tools/eval/parallel_for.h"
#include "tools/eval/progress.h"

namespace nqe::eval {
namespace {

struct EntropyRow {
  std::string name;
  int width = 0;
  int height = 0;
  int64_t raw_bits = 0;
  int64_t coded_bits = 0;
};

// Reads and encodes every image, one per worker thread, and hands its codes to `use`.
absl::Status ForEachImageCodes(
    const std::vector<std::string>& paths, const Engine& encoder, int threads, const char* label,
    const std::function<absl::Status(int image, int worker, const cv::Mat& rgb,
                                     const FrameCodes& codes)>& use) {
  Progress progress(label, static_cast<int>(paths.size()));
  return ParallelFor(static_cast<int>(paths.size()), threads,
                     [&](int i, int worker) -> absl::Status {
                       absl::StatusOr<cv::Mat> rgb = ReadRgb(paths[i]);
                       if (!rgb.ok()) return rgb.status();
                       absl::StatusOr<FrameCodes> codes = EncodeFrame(encoder, ToImageU8(*rgb), 1);
                       if (!codes.ok()) return codes.status();
                       if (absl::Status s = use(i, worker, *rgb, *codes); !s.ok()) return s;
                       progress.Tick();
                       return absl::OkStatus();
                     });
}

// Counts the coder's contexts over every image's codes and writes the prior they give.
absl::Status LearnPrior(const EntropyOptions& options, const Engine& encoder, CodeShape shape,
                        const std::vector<std::string>& paths, std::ostream& out) {
  // One tally per worker (ParallelFor runs at least one, at most `threads`).
  std::vector<ContextCounts> counts(std::max(1, options.threads), ContextCounts(shape.channels));
  absl::Status status =
      ForEachImageCodes(paths, encoder, options.threads, "learn prior",
                        [&](int, int worker, const cv::Mat&, const FrameCodes& codes) {
                          return CountCodeContexts(codes, shape, counts[worker]);
                        });
  if (!status.ok()) return status;
  ContextCounts total(shape.channels);
  for (const ContextCounts& c : counts) total.Add(c);
  const int64_t bits = total.bits;
  const std::string provenance = absl::StrCat(
      "learned by nqe-eval entropy --learn_prior from the codes of ", paths.size(), " images in ",
      std::filesystem::path(options.images).filename().string(), " (", bits, " bits)\nencoder ",
      std::filesystem::path(options.encoder).filename().string());
  if (absl::Status s = EntropyPrior::FromCounts(total).Save(options.learn_prior, provenance);
      !s.ok()) {
    return s;
  }
  out << absl::StrFormat("prior=%s contexts=%d bits=%d images=%d\n", options.learn_prior,
                         total.zeros.size(), bits, paths.size());
  return absl::OkStatus();
}

}  // namespace

absl::Status RunEntropy(const EntropyOptions& options, std::ostream& out) {
  if (options.encoder.empty() || options.images.empty()) {
    return absl::InvalidArgumentError("entropy needs --encoder and --images");
  }
  absl::StatusOr<Engine> encoder = LoadEncoder(options.encoder);
  if (!encoder.ok()) return encoder.status();
  absl::StatusOr<CodeShape> shape = EncoderCodeShape(*encoder);
  if (!shape.ok()) return shape.status();
  absl::StatusOr<std::vector<std::string>> paths = ListImages(options.images);
  if (!paths.ok()) return paths.status();
  if (options.limit > 0 && static_cast<int>(paths->size()) > options.limit) {
    paths->resize(options.limit);
  }
  if (!options.learn_prior.empty()) {
    if (!options.prior.empty()) {
      return absl::InvalidArgumentError("give --learn_prior or --entropy_prior, not both");
    }
    return LearnPrior(options, *encoder, *shape, *paths, out);
  }
  absl::StatusOr<EntropyPrior> prior = LoadEntropyPrior(options.prior, *shape);
  if (!prior.ok()) return prior.status();

  std::vector<EntropyRow> rows(paths->size());
  absl::Status status = ForEachImageCodes(
      *paths, *encoder, options.threads, "entropy",
      [&](int i, int, const cv::Mat& rgb, const FrameCodes& codes) -> absl::Status {
        const std::string& path = (*paths)[i];
        absl::StatusOr<std::vector<uint8_t>> coded = EntropyEncodeCodes(codes, *shape, *prior);
        if (!coded.ok()) return coded.status();
        absl::StatusOr<FrameCodes> decoded = EntropyDecodeCodes(*coded, codes, *shape, *prior);
        if (!decoded.ok()) return decoded.status();
        if (decoded->bytes != codes.bytes) {  // the coder must be lossless: prove it per frame
          return absl::DataLossError(absl::StrCat(path, ": entropy decoding differs"));
        }
        rows[i] = {std::filesystem::path(path).filename().string(), rgb.cols, rgb.rows,
                   int64_t{codes.grid.count()} * codes.bits_per_patch,
                   static_cast<int64_t>(coded->size()) * 8};
        return absl::OkStatus();
      });
  if (!status.ok()) return status;

  out << "name,width,height,raw_bits,coded_bits,raw_bpp,coded_bpp\n";
  double raw_bpp = 0, coded_bpp = 0;
  int64_t raw_bits = 0, coded_bits = 0;
  for (const EntropyRow& r : rows) {
    const double pixels = static_cast<double>(r.width) * r.height;
    out << absl::StrFormat("%s,%d,%d,%d,%d,%.5f,%.5f\n", r.name, r.width, r.height, r.raw_bits,
                           r.coded_bits, r.raw_bits / pixels, r.coded_bits / pixels);
    raw_bpp += r.raw_bits / pixels / rows.size();
    coded_bpp += r.coded_bits / pixels / rows.size();
    raw_bits += r.raw_bits;
    coded_bits += r.coded_bits;
  }
  out << absl::StrFormat("raw_bpp=%.4f coded_bpp=%.4f saving=%.4f images=%d\n", raw_bpp, coded_bpp,
                         1.0 - static_cast<double>(coded_bits) / raw_bits, rows.size());
  return absl::OkStatus();
}

}  // namespace nqe::eval
