// Conv weight levels <-> their stored form (docs/integer-semantics.md "Weight storage").
// This file owns the dispatch and the field encodings (BINARY, TERNARY, QUINARY, INT_K);
// FleXOR decryption and cellular-automaton generation live in flexor.h and
// cellular_automaton.h.
#ifndef NQE_COMMON_MODEL_WEIGHT_CODEC_H_
#define NQE_COMMON_MODEL_WEIGHT_CODEC_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "proto/nqe_model.pb.h"

namespace nqe {

// Bits the weights occupy in parameter memory (the "bits stored" column). Meaningful once
// DecodeWeights has accepted `weights`.
uint64_t StoredWeightBits(const model::Weights& weights);

// Decodes the `weights.count()` levels (OIHW order) after checking every field range and the
// packed sizes against the count. `out_channels` is the conv's O (the automaton's cell count).
// The caller has checked that count matches the layer shape and is within the loader's limits.
// Errors are InvalidArgument stating the rule broken, without file or layer context.
absl::StatusOr<std::vector<int8_t>> DecodeWeights(const model::Weights& weights,
                                                  uint32_t out_channels);

// Packs `levels` as `encoding` (BINARY, TERNARY, QUINARY or INT_K with `int_bits`): the writer
// side, for builders and tests. Fails if a level is outside the encoding's alphabet.
absl::StatusOr<model::Weights> EncodeWeights(model::WeightEncoding encoding,
                                             absl::Span<const int8_t> levels, int int_bits = 0);

}  // namespace nqe

#endif  // NQE_COMMON_MODEL_WEIGHT_CODEC_H_
