// `nqe-eval entropy`: how many bits the lossless entropy coder (common/codes/entropy/) saves on the
// codes of our encoder, with every frame decoded back and compared (issue 6, item 7); or, with
// learn_prior, the coder's prior learned from the codes of training images.
#ifndef NQE_TOOLS_EVAL_ENTROPY_COMMAND_H_
#define NQE_TOOLS_EVAL_ENTROPY_COMMAND_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"

namespace nqe::eval {

struct EntropyOptions {
  std::string encoder;
  std::string images;
  int threads = 2;
  int limit = 0;
  std::string prior;        // the prior to code with (entropy_prior.h); empty = p = 1/2
  std::string learn_prior;  // if set: count contexts over the images and write the prior here
};

// A CSV row per image (name, width, height, raw_bits, coded_bits, raw_bpp, coded_bpp), then
// "raw_bpp=<x> coded_bpp=<x> saving=<fraction> images=<n>" (saving = 1 - coded/raw over all
// bits). DataLoss if any frame does not decode back to its exact codes. With learn_prior, writes
// the prior and prints "prior=<file> contexts=<n> bits=<n> images=<n>".
absl::Status RunEntropy(const EntropyOptions& options, std::ostream& out);

}  // namespace nqe::eval

#endif  // NQE_TOOLS_EVAL_ENTROPY_COMMAND_H_
