// Where each of the entropy coder's contexts starts (issue 6, item 7).
//
// Without a prior every context starts each frame at p = 1/2 and pays, frame after frame, to
// learn what the encoder's codes look like. A prior, learned once from the codes of training
// photos (`nqe-eval entropy --learn_prior`), starts every context near where it ends up; the
// models still adapt within the frame. A prior belongs to one encoder (its code channels) and
// both ends of the link must hold the same one, as they hold the encoder's code shape.
//
// File (text, our choice, so a diff shows what changed):
//   nqe-entropy-prior 1
//   channels <C> contexts_per_channel <K>
//   # any number of comment lines (where the prior was learned)
//   C lines of K integers: P(bit = 0) of each context, in 1/4096
#ifndef NQE_COMMON_CODES_ENTROPY_ENTROPY_PRIOR_H_
#define NQE_COMMON_CODES_ENTROPY_ENTROPY_PRIOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/codes/entropy/binary_arithmetic_coder.h"

namespace nqe {

// How often each context saw a 0 and a 1 (CountCodeContexts in frame_codes_coder.h).
struct ContextCounts {
  explicit ContextCounts(int channels);
  void Add(const ContextCounts& other);
  int channels;
  std::vector<int64_t> zeros, ones;  // per context: every bit counts in both of its models
  int64_t bits = 0;                  // code bits counted
};

class EntropyPrior {
 public:
  // Learned probabilities stay this far from 0 and 1 (in 1/4096), so a bit a context never
  // saw in training costs at most 7 bits, and the adaptive update (1/16 steps) can move them.
  static constexpr uint32_t kMargin = 32;

  // p = 1/2 everywhere: the coder without a prior.
  static EntropyPrior Uniform(int channels);
  // Each context's frequency of 0s, smoothed by half a count of each bit (Krichevsky-Trofimov).
  static EntropyPrior FromCounts(const ContextCounts& counts);
  static absl::StatusOr<EntropyPrior> Load(const std::string& path);
  // Load, then InvalidArgument (naming the file) unless the prior is for `channels` code
  // channels: how the daemons and nqe-eval read a prior for their encoder.
  static absl::StatusOr<EntropyPrior> LoadFor(const std::string& path, int channels);
  // `provenance` goes into the comment lines.
  absl::Status Save(const std::string& path, absl::string_view provenance) const;

  int channels() const { return channels_; }
  // Names the prior, and the coder that reads it, on the uplink (Hello.entropy_prior_checksum):
  // the CRC-32, as 8 lowercase hex digits, of a line naming the coder's version, contexts per
  // channel and adaptation shift (so two builds whose coders differ never agree on a prior),
  // then the probabilities (2 bytes each, little-endian, in context order). Comment lines in
  // the file do not change it.
  std::string Checksum() const;
  // The models a frame's coding starts from, one per context.
  std::vector<AdaptiveBitModel> StartingModels() const;

 private:
  EntropyPrior(int channels, std::vector<uint32_t> p0) : channels_(channels), p0_(std::move(p0)) {}
  int channels_;
  std::vector<uint32_t> p0_;  // P(bit = 0) per context, in 1/4096
};

}  // namespace nqe

#endif  // NQE_COMMON_CODES_ENTROPY_ENTROPY_PRIOR_H_
