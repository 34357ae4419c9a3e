#include "tools/eval/rd_command.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "opencv2/core.hpp"
#include "tools/eval/baselines/baseline_codec.h"
#include "tools/eval/baselines/rate_search.h"
#include "tools/eval/image_io.h"
#include "tools/eval/nqe_codec.h"
#include "tools/eval/parallel_for.h"
#include "tools/eval/progress.h"
#include "tools/eval/rd_scores.h"

namespace nqe::eval {
namespace {

// What a codec gives back for one image; the scoring is common to all codecs.
struct Reconstruction {
  cv::Mat rgb;
  int64_t bits = 0;
  std::string setting;
  bool within_budget = true;
  int missing_patches = 0;
};
// `index` is the image's place in the sorted list (our codec seeds its patch loss with it).
using Reconstructor =
    std::function<absl::StatusOr<Reconstruction>(const cv::Mat&, int index, int worker)>;

Reconstructor OursReconstructor(std::shared_ptr<const NqeCodec> codec, std::string setting) {
  return [codec, setting](const cv::Mat& rgb, int index,
                          int worker) -> absl::StatusOr<Reconstruction> {
    absl::StatusOr<NqeRoundTrip> trip = codec->RoundTrip(rgb, worker, index);
    if (!trip.ok()) return trip.status();
    Reconstruction rec{std::move(trip->reconstruction), trip->bits, setting, true};
    rec.missing_patches = trip->missing_patches;
    if (rec.missing_patches > 0) absl::StrAppend(&rec.setting, " missing ", rec.missing_patches);
    return rec;
  };
}

Reconstructor BaselineReconstructor(std::shared_ptr<const BaselineCodec> codec, double bpp) {
  return [codec, bpp](const cv::Mat& rgb, int, int) -> absl::StatusOr<Reconstruction> {
    absl::StatusOr<RateSearchResult> found = SearchRate(*codec, rgb, bpp);
    if (!found.ok()) return found.status();
    absl::StatusOr<cv::Mat> decoded = codec->Decode(found->file);
    if (!decoded.ok()) return decoded.status();
    if (decoded->size() != rgb.size()) {
      return absl::InternalError(absl::StrCat(codec->name(), " decoded a different size"));
    }
    return Reconstruction{*std::move(decoded), static_cast<int64_t>(found->file.size()) * 8,
                          codec->DescribeKnob(found->knob), found->within_budget};
  };
}

absl::Status CheckOptions(const RdOptions& o) {
  const bool ours = !o.encoder.empty() || !o.decoder.empty();
  if (o.images.empty()) return absl::InvalidArgumentError("--images is required");
  if (ours == !o.baseline.empty()) {
    return absl::InvalidArgumentError(
        "give either --encoder and --decoder (our codec) or --baseline and --bpp");
  }
  if (ours && (o.encoder.empty() || o.decoder.empty())) {
    return absl::InvalidArgumentError("our codec needs both --encoder and --decoder");
  }
  if (!ours && (o.entropy_code || o.patch_loss != 0)) {
    return absl::InvalidArgumentError("--entropy_code and --patch_loss apply to our codec only");
  }
  if (!o.entropy_prior.empty() && !o.entropy_code) {
    return absl::InvalidArgumentError("--entropy_prior needs --entropy_code");
  }
  if (!(o.patch_loss >= 0 && o.patch_loss < 1)) {
    return absl::InvalidArgumentError("--patch_loss must be in [0, 1)");
  }
  if (!ours && !(o.bpp > 0)) {
    return absl::InvalidArgumentError("--baseline needs a target --bpp > 0");
  }
  if (o.threads < 1) return absl::InvalidArgumentError("--threads must be >= 1");
  if (o.block_size < 2) return absl::InvalidArgumentError("--block_size must be >= 2");
  return absl::OkStatus();
}

}  // namespace

absl::Status RunRd(const RdOptions& options, std::ostream& out) {
  if (absl::Status s = CheckOptions(options); !s.ok()) return s;
  absl::StatusOr<std::vector<std::string>> paths = ListImages(options.images);
  if (!paths.ok()) return paths.status();
  if (options.limit > 0 && static_cast<int>(paths->size()) > options.limit) {
    paths->resize(options.limit);
  }
  const int count = static_cast<int>(paths->size());
  const int workers = std::min(options.threads, count);

  Reconstructor reconstruct;
  std::string label;
  if (options.baseline.empty()) {
    NqeCodecOptions codec_options;
    codec_options.workers = workers;
    codec_options.entropy_code = options.entropy_code;
    codec_options.entropy_prior = options.entropy_prior;
    codec_options.patch_loss = options.patch_loss;
    absl::StatusOr<std::unique_ptr<NqeCodec>> codec =
        NqeCodec::Load(options.encoder, options.decoder, codec_options);
    if (!codec.ok()) return codec.status();
    // Each worker runs its own decoder; OpenCV's inner threads would only oversubscribe.
    cv::setNumThreads(1);
    reconstruct = OursReconstructor(*std::move(codec), options.entropy_code ? "nqe+ac" : "nqe");
    label = "rd nqe";
  } else {
    absl::StatusOr<std::unique_ptr<BaselineCodec>> codec = MakeBaselineCodec(options.baseline);
    if (!codec.ok()) return codec.status();
    reconstruct = BaselineReconstructor(*std::move(codec), options.bpp);
    label = absl::StrFormat("rd %s %.3f bpp", options.baseline, options.bpp);
  }

  std::vector<ImageScore> scores(count);
  std::atomic<int64_t> missing_patches{0};
  Progress progress(label, count);
  absl::Status status = ParallelFor(count, workers, [&](int i, int worker) -> absl::Status {
    const std::string& path = (*paths)[i];
    absl::StatusOr<cv::Mat> original = ReadRgb(path);
    if (!original.ok()) return original.status();
    absl::StatusOr<Reconstruction> rec = reconstruct(*original, i, worker);
    if (!rec.ok())
      return absl::Status(rec.status().code(), absl::StrCat(path, ": ", rec.status().message()));
    absl::StatusOr<ImageScore> score =
        ScoreImage(std::filesystem::path(path).filename().string(), *original, rec->rgb, rec->bits,
                   options.block_size);
    if (!score.ok())
      return absl::Status(score.status().code(),
                          absl::StrCat(path, ": ", score.status().message()));
    score->setting = rec->setting;
    score->within_budget = rec->within_budget;
    scores[i] = *std::move(score);
    missing_patches += rec->missing_patches;
    progress.Tick();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;

  WriteCsvHeader(out);
  for (const ImageScore& score : scores) WriteCsvRow(score, out);
  const MeanScores fitting = Mean(scores, /*within_budget=*/true);
  if (options.baseline.empty()) {
    out << FormatMeans(fitting);
    if (options.patch_loss > 0) out << " missing_patches=" << missing_patches.load();
    out << "\n";
    return absl::OkStatus();
  }
  const MeanScores unreachable = Mean(scores, /*within_budget=*/false);
  if (unreachable.images > 0) {
    out << "best_effort images=" << unreachable.images << " " << FormatMeans(unreachable) << "\n";
  }
  out << FormatMeans(fitting) << " unreachable=" << unreachable.images << "\n";
  return absl::OkStatus();
}

}  // namespace nqe::eval
