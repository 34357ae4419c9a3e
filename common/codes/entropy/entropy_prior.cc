#include "common/codes/entropy/entropy_prior.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/codes/entropy/code_context.h"
#include "common/model/container.h"

namespace nqe {
namespace {

constexpr char kMagic[] = "nqe-entropy-prior 1";
constexpr int kPerChannel = CodeMap::kContextsPerChannel;

}  // namespace

ContextCounts::ContextCounts(int channels)
    : channels(channels),
      zeros(static_cast<size_t>(channels) * kPerChannel, 0),
      ones(static_cast<size_t>(channels) * kPerChannel, 0) {}

void ContextCounts::Add(const ContextCounts& other) {
  for (size_t i = 0; i < zeros.size() && i < other.zeros.size(); ++i) {
    zeros[i] += other.zeros[i];
    ones[i] += other.ones[i];
  }
  bits += other.bits;
}

EntropyPrior EntropyPrior::Uniform(int channels) {
  return EntropyPrior(channels, std::vector<uint32_t>(static_cast<size_t>(channels) * kPerChannel,
                                                      AdaptiveBitModel::kOne / 2));
}

EntropyPrior EntropyPrior::FromCounts(const ContextCounts& counts) {
  std::vector<uint32_t> p0(counts.zeros.size());
  for (size_t i = 0; i < p0.size(); ++i) {
    const double zero = (counts.zeros[i] + 0.5) / (counts.zeros[i] + counts.ones[i] + 1.0);
    const auto scaled = static_cast<uint32_t>(std::lround(zero * AdaptiveBitModel::kOne));
    p0[i] = std::clamp(scaled, kMargin, AdaptiveBitModel::kOne - kMargin);
  }
  return EntropyPrior(counts.channels, std::move(p0));
}

absl::StatusOr<EntropyPrior> EntropyPrior::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open the entropy prior ", path));
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": not an entropy prior (", why, ")"));
  };
  std::string line;
  if (!std::getline(in, line) || line != kMagic) return bad(absl::StrCat("no '", kMagic, "' line"));
  int channels = 0, per_channel = 0;
  std::string word1, word2;
  if (!std::getline(in, line) ||
      !(std::istringstream(line) >> word1 >> channels >> word2 >> per_channel) ||
      word1 != "channels" || word2 != "contexts_per_channel" || channels <= 0) {
    return bad("no 'channels <C> contexts_per_channel <K>' line");
  }
  if (per_channel != kPerChannel) {
    return bad(absl::StrCat(per_channel, " contexts per channel, this coder has ", kPerChannel,
                            ": a prior of another coder version; learn one anew with nqe-eval "
                            "entropy --learn_prior"));
  }
  std::vector<uint32_t> p0;
  p0.reserve(static_cast<size_t>(channels) * kPerChannel);
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream values(line);
    int64_t v;
    while (values >> v) {
      if (v < 1 || v >= AdaptiveBitModel::kOne) {
        return bad(absl::StrCat("probability ", v, " outside 1..", AdaptiveBitModel::kOne - 1));
      }
      p0.push_back(static_cast<uint32_t>(v));
    }
    if (!values.eof()) return bad(absl::StrCat("not a number in '", line.substr(0, 40), "'"));
  }
  if (p0.size() != static_cast<size_t>(channels) * kPerChannel) {
    return bad(absl::StrCat(p0.size(), " probabilities, expected ", channels * kPerChannel));
  }
  return EntropyPrior(channels, std::move(p0));
}

absl::Status EntropyPrior::Save(const std::string& path, absl::string_view provenance) const {
  // Written aside and renamed, so an interrupted run never leaves half a prior behind.
  const std::string tmp = path + ".tmp";
  std::ofstream out(tmp);
  if (!out) return absl::PermissionDeniedError(absl::StrCat("cannot write ", tmp));
  out << kMagic << "\nchannels " << channels_ << " contexts_per_channel " << kPerChannel << "\n";
  for (absl::string_view comment : absl::StrSplit(provenance, '\n')) out << "# " << comment << "\n";
  for (int c = 0; c < channels_; ++c) {
    for (int k = 0; k < kPerChannel; ++k) {
      out << (k ? " " : "") << p0_[static_cast<size_t>(c) * kPerChannel + k];
    }
    out << "\n";
  }
  out.close();
  if (!out) return absl::DataLossError(absl::StrCat("writing ", tmp, " failed"));
  std::error_code error;
  std::filesystem::rename(tmp, path, error);
  if (error)
    return absl::PermissionDeniedError(absl::StrCat("cannot rename ", tmp, ": ", error.message()));
  return absl::OkStatus();
}

absl::StatusOr<EntropyPrior> EntropyPrior::LoadFor(const std::string& path, int channels) {
  absl::StatusOr<EntropyPrior> prior = Load(path);
  if (!prior.ok()) return prior.status();
  if (prior->channels() != channels) {
    return absl::InvalidArgumentError(absl::StrCat(path, " is a prior for ", prior->channels(),
                                                   " code channels, the encoder has ", channels));
  }
  return prior;
}

std::string EntropyPrior::Checksum() const {
  // Bump kCoderVersion whenever the coding changes in a way these constants do not show (the
  // context formula, the coding order, the arithmetic). 2: the local model mixed with the
  // aligned one (logistic_mixer.h).
  constexpr int kCoderVersion = 2;
  std::string bytes = absl::StrCat("nqe-entropy-coder ", kCoderVersion, " contexts_per_channel ",
                                   kPerChannel, " shift ", AdaptiveBitModel::kShift, "\n");
  bytes.reserve(bytes.size() + p0_.size() * 2);
  for (uint32_t p : p0_) {
    bytes.push_back(static_cast<char>(p & 0xFF));
    bytes.push_back(static_cast<char>(p >> 8));
  }
  return ChecksumHex(Crc32(bytes));
}

std::vector<AdaptiveBitModel> EntropyPrior::StartingModels() const {
  return std::vector<AdaptiveBitModel>(p0_.begin(), p0_.end());
}

}  // namespace nqe
