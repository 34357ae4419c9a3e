#include "tools/eval/nqe_codec.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "cloud_decoder/purenet/missing_patches.h"
#include "common/codes/entropy/frame_codes_coder.h"
#include "edge_encoder/patches.h"
#include "tools/eval/image_io.h"

namespace nqe::eval {

NqeCodec::NqeCodec(Engine encoder, CodeShape shape, EntropyPrior prior,
                   const NqeCodecOptions& options,
                   std::vector<std::unique_ptr<PurenetDecoder>> decoders)
    : encoder_(std::move(encoder)),
      shape_(shape),
      prior_(std::move(prior)),
      options_(options),
      decoders_(std::move(decoders)) {}

absl::StatusOr<Engine> LoadEncoder(const std::string& path) {
  absl::StatusOr<LoadedModel> model = LoadModelFile(path);
  if (!model.ok()) return model.status();
  if (model->proto.task() != model::TASK_ENCODE) {
    return absl::InvalidArgumentError(absl::StrCat(path, " is not an encoder (task ",
                                                   model::Task_Name(model->proto.task()), ")"));
  }
  return Engine::Create(std::make_shared<const LoadedModel>(*std::move(model)));
}

absl::StatusOr<EntropyPrior> LoadEntropyPrior(const std::string& path, CodeShape shape) {
  if (path.empty()) return EntropyPrior::Uniform(shape.channels);
  return EntropyPrior::LoadFor(path, shape.channels);
}

absl::StatusOr<std::unique_ptr<NqeCodec>> NqeCodec::Load(const std::string& encoder_path,
                                                         const std::string& decoder_path,
                                                         const NqeCodecOptions& options) {
  absl::StatusOr<Engine> encoder = LoadEncoder(encoder_path);
  if (!encoder.ok()) return encoder.status();
  absl::StatusOr<CodeShape> shape = EncoderCodeShape(*encoder);
  if (!shape.ok()) return shape.status();
  if (!options.entropy_prior.empty() && !options.entropy_code) {
    return absl::InvalidArgumentError("an entropy prior applies only with entropy coding");
  }
  absl::StatusOr<EntropyPrior> prior = LoadEntropyPrior(options.entropy_prior, *shape);
  if (!prior.ok()) return prior.status();
  std::vector<std::unique_ptr<PurenetDecoder>> decoders;
  for (int w = 0; w < std::max(1, options.workers); ++w) {
    absl::StatusOr<std::unique_ptr<PurenetDecoder>> decoder =
        PurenetDecoder::Load(decoder_path, *shape);
    if (!decoder.ok()) return decoder.status();
    decoders.push_back(*std::move(decoder));
  }
  return std::unique_ptr<NqeCodec>(
      new NqeCodec(*std::move(encoder), *shape, *std::move(prior), options, std::move(decoders)));
}

absl::StatusOr<std::pair<FrameCodes, int64_t>> NqeCodec::Transmit(FrameCodes codes) const {
  if (!options_.entropy_code) {
    const int64_t bits = int64_t{codes.grid.count()} * codes.bits_per_patch;
    return std::make_pair(std::move(codes), bits);
  }
  absl::StatusOr<std::vector<uint8_t>> coded = EntropyEncodeCodes(codes, shape_, prior_);
  if (!coded.ok()) return coded.status();
  absl::StatusOr<FrameCodes> received = EntropyDecodeCodes(*coded, codes, shape_, prior_);
  if (!received.ok()) return received.status();
  if (received->bytes != codes.bytes) {
    return absl::DataLossError("entropy decoding did not restore the codes");
  }
  return std::make_pair(*std::move(received), static_cast<int64_t>(coded->size()) * 8);
}

absl::StatusOr<NqeRoundTrip> NqeCodec::RoundTrip(const cv::Mat& rgb, int worker,
                                                 uint64_t image_seed) const {
  // One thread per image: the caller already runs one image per worker.
  absl::StatusOr<FrameCodes> codes = EncodeFrame(encoder_, ToImageU8(rgb), /*num_threads=*/1);
  if (!codes.ok()) return codes.status();
  absl::StatusOr<std::pair<FrameCodes, int64_t>> sent = Transmit(*std::move(codes));
  if (!sent.ok()) return sent.status();
  std::vector<bool> received;
  int missing = 0;
  if (options_.patch_loss > 0) {
    received = RandomlyReceivedPatches(sent->first.grid.count(), options_.patch_loss, image_seed);
    missing = CountMissing(received);
  }
  absl::StatusOr<cv::Mat> decoded =
      decoders_.at(worker)->Decode(sent->first, missing > 0 ? &received : nullptr);
  if (!decoded.ok()) return decoded.status();
  return NqeRoundTrip{*std::move(decoded), sent->second, missing};
}

}  // namespace nqe::eval
