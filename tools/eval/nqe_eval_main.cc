// nqe-eval: evaluation of NQE models.
//
//   nqe-eval classify --model <nqe> --data <cifar10 dir> [--limit N] [--predictions FILE]
//                     [--mirror]
//   nqe-eval rd --encoder <nqe> --decoder <onnx> --images <dir>
//   nqe-eval rd --baseline jpeg|webp|jp2|avif --bpp <x> --images <dir>
//   nqe-eval entropy --encoder <nqe> --images <dir> [--entropy_prior <file>]
//   nqe-eval entropy --encoder <nqe> --images <dir> --learn_prior <file>
//
// Results go to stdout (the last line is the summary scripts parse), progress to stderr.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "tools/eval/classify_command.h"
#include "tools/eval/entropy_command.h"
#include "tools/eval/rd_command.h"
#include "tools/tool_flags.h"

ABSL_FLAG(std::string, model, "", "classify: the .nqe classifier to evaluate");
ABSL_FLAG(std::string, data, "",
          "classify: CIFAR-10 folder holding cifar-10-batches-bin/test_batch.bin, "
          "test_batch.bin, test/<class>/*.jpg or cifar10-jpeg.tar.xz");
ABSL_FLAG(std::string, cache, "",
          "classify: where cifar10-jpeg.tar.xz is unpacked (default $NQE_CACHE, else the "
          "build tree's cache/ folder beside bin/)");
ABSL_FLAG(std::string, predictions, "",
          "classify: also write one 'index label predicted' line per image to this file");
ABSL_FLAG(bool, mirror, false,
          "classify: two-view ensembling, predict from the sum of the integer logits of the image "
          "and of its horizontal mirror (2x the compute; the single-view figure is the default)");
ABSL_FLAG(std::string, encoder, "", "rd: our .nqe encoder (with --decoder); entropy: the encoder");
ABSL_FLAG(std::string, decoder, "", "rd: our PURENET .onnx decoder (with --encoder)");
ABSL_FLAG(std::string, images, "", "rd, entropy: folder of images to compress (sorted by name)");
ABSL_FLAG(std::string, baseline, "",
          "rd: evaluate this codec instead of ours: jpeg, webp, jp2 (OpenJPEG rate control) "
          "or avif (libavif, speed 6, 4:4:4)");
ABSL_FLAG(double, bpp, 0,
          "rd --baseline: target bits per pixel; per image the largest file not above it");
ABSL_FLAG(bool, entropy_code, false,
          "rd (ours): send the codes through the lossless entropy coder and count its bits "
          "(the image is decoded from the entropy-decoded codes)");
ABSL_FLAG(std::string, entropy_prior, "",
          "rd (with --entropy_code), entropy: start the coder's contexts from this prior, learned "
          "for the same encoder by 'entropy --learn_prior' (models/encoder-*.prior); both ends "
          "need the same file. Default: every context starts at p = 1/2");
ABSL_FLAG(std::string, learn_prior, "",
          "entropy: instead of coding, count the coder's contexts over the codes of --images "
          "(training photos, not the ones you evaluate on) and write the prior to this file");
ABSL_FLAG(double, patch_loss, 0,
          "rd (ours): fraction of patches whose codes are lost on the way (chosen by a hash of "
          "image number and patch, so runs repeat); PURENET fills them in from their neighbours, "
          "and the last line adds missing_patches=<total>");
ABSL_FLAG(int, block_size, 32, "rd: patch grid (pixels) the blockiness figure measures");
ABSL_FLAG(int, threads, 2, "worker threads (one image per thread)");
ABSL_FLAG(int, limit, 0,
          "evaluate at most this many images (0 = all); classify spreads them evenly over the "
          "test set, rd takes the first ones by name");

namespace {

constexpr char kUsage[] =
    "evaluates NQE models.\n"
    "  nqe-eval classify --model <nqe> --data <cifar10 dir> [--limit N] [--predictions FILE]\n"
    "                    [--mirror]\n"
    "  nqe-eval rd --encoder <nqe> --decoder <onnx> --images <dir> [--entropy_code]\n"
    "             [--entropy_prior FILE] [--patch_loss F]\n"
    "  nqe-eval rd --baseline jpeg|webp|jp2|avif --bpp <x> --images <dir>\n"
    "  nqe-eval entropy --encoder <nqe> --images <dir> [--entropy_prior FILE]\n"
    "  nqe-eval entropy --encoder <nqe> --images <train dir> --learn_prior FILE\n"
    "classify ends with 'accuracy=<fraction> images=<n> param_bits=<n> activation_bits=<n>';\n"
    "rd prints a CSV row per image, then 'bpp=<x> psnr=<dB> msssim=<x> blockiness=<x>'\n"
    "(baselines add ' unreachable=<n>'); entropy prints the bits the lossless entropy coder\n"
    "saves on the codes: 'raw_bpp=<x> coded_bpp=<x> saving=<fraction> images=<n>', or with\n"
    "--learn_prior 'prior=<file> contexts=<n> bits=<n> images=<n>'.\n"
    "Run with --help for every flag.";

std::string DefaultCacheDir(const char* argv0) {
  if (const char* env = std::getenv("NQE_CACHE"); env != nullptr && *env != '\0') return env;
  std::error_code error;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) exe = std::filesystem::absolute(argv0);
  return (exe.parent_path().parent_path() / "cache").string();
}

// absl's --help lists only flags of files named after the program; ours live in
// nqe_eval_main.cc, so say which files count.
int Fail(const absl::Status& status) {
  std::fprintf(stderr, "nqe-eval: %s\n", std::string(status.message()).c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<char*> args = nqe::ParseToolFlags(argc, argv, kUsage);
  if (args.size() != 2) {
    std::fprintf(stderr, "nqe-eval: give exactly one subcommand (classify, rd or entropy)\n%s\n",
                 kUsage);
    return 2;
  }
  const std::string command = args[1];
  absl::Status status;
  if (command == "classify") {
    nqe::eval::ClassifyOptions o;
    o.model = absl::GetFlag(FLAGS_model);
    o.data = absl::GetFlag(FLAGS_data);
    o.cache =
        absl::GetFlag(FLAGS_cache).empty() ? DefaultCacheDir(argv[0]) : absl::GetFlag(FLAGS_cache);
    o.predictions = absl::GetFlag(FLAGS_predictions);
    o.threads = absl::GetFlag(FLAGS_threads);
    o.limit = absl::GetFlag(FLAGS_limit);
    o.mirror = absl::GetFlag(FLAGS_mirror);
    status = nqe::eval::RunClassify(o, std::cout);
  } else if (command == "rd") {
    nqe::eval::RdOptions o;
    o.images = absl::GetFlag(FLAGS_images);
    o.encoder = absl::GetFlag(FLAGS_encoder);
    o.decoder = absl::GetFlag(FLAGS_decoder);
    o.baseline = absl::GetFlag(FLAGS_baseline);
    o.bpp = absl::GetFlag(FLAGS_bpp);
    o.threads = absl::GetFlag(FLAGS_threads);
    o.limit = absl::GetFlag(FLAGS_limit);
    o.block_size = absl::GetFlag(FLAGS_block_size);
    o.entropy_code = absl::GetFlag(FLAGS_entropy_code);
    o.entropy_prior = absl::GetFlag(FLAGS_entropy_prior);
    o.patch_loss = absl::GetFlag(FLAGS_patch_loss);
    status = nqe::eval::RunRd(o, std::cout);
  } else if (command == "entropy") {
    nqe::eval::EntropyOptions o;
    o.encoder = absl::GetFlag(FLAGS_encoder);
    o.images = absl::GetFlag(FLAGS_images);
    o.threads = absl::GetFlag(FLAGS_threads);
    o.limit = absl::GetFlag(FLAGS_limit);
    o.prior = absl::GetFlag(FLAGS_entropy_prior);
    o.learn_prior = absl::GetFlag(FLAGS_learn_prior);
    status = nqe::eval::RunEntropy(o, std::cout);
  } else {
    std::fprintf(stderr, "nqe-eval: unknown subcommand '%s' (classify, rd or entropy)\n",
                 command.c_str());
    return 2;
  }
  return status.ok() ? 0 : Fail(status);
}
