#include "common/model/cellular_automaton.h"

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace nqe {

uint64_t SplitMix64Next(uint64_t* state) {
  *state += 0x9E3779B97F4A7C15ull;
  uint64_t z = *state;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::vector<uint8_t> CellularAutomatonInitialState(uint64_t seed, uint32_t cells) {
  std::vector<uint8_t> state(cells);
  uint64_t generator = seed;
  uint64_t word = 0;
  for (uint32_t c = 0; c < cells; ++c) {
    if (c % 64 == 0) word = SplitMix64Next(&generator);
    state[c] = static_cast<uint8_t>((word >> (c % 64)) & 1u);
  }
  return state;
}

void CellularAutomatonStep(uint8_t rule, const std::vector<uint8_t>& state,
                           std::vector<uint8_t>* next) {
  const size_t n = state.size();
  next->resize(n);
  for (size_t c = 0; c < n; ++c) {
    const int left = state[(c + n - 1) % n];
    const int right = state[(c + 1) % n];
    (*next)[c] = static_cast<uint8_t>((rule >> (4 * left + 2 * state[c] + right)) & 1);
  }
}

absl::StatusOr<std::vector<int8_t>> GenerateCellularAutomatonLevels(
    const model::CellularAutomatonParams& params, uint32_t out_channels, uint32_t count) {
  if (params.rule() > 255) {
    return absl::InvalidArgumentError(
        absl::StrFormat("CELLULAR_AUTOMATON: rule %d outside 0..255", params.rule()));
  }
  if (out_channels == 0 || count % out_channels != 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("CELLULAR_AUTOMATON: %d weights do not split into %d output channels",
                        count, out_channels));
  }
  const uint32_t rows = count / out_channels;
  const uint8_t rule = static_cast<uint8_t>(params.rule());
  std::vector<int8_t> levels(count);
  std::vector<uint8_t> state = CellularAutomatonInitialState(params.seed(), out_channels);
  std::vector<uint8_t> next;
  for (uint32_t j = 0; j < rows; ++j) {
    CellularAutomatonStep(rule, state, &next);
    state.swap(next);
    for (uint32_t o = 0; o < out_channels; ++o) {
      levels[uint64_t{o} * rows + j] = state[o] ? 1 : -1;
    }
  }
  return levels;
}

}  // namespace nqe
