// LoadModelBytes on hostile input: random bytes, mutated files, and mutated payloads re-framed
// with a correct CRC (so the validator, not only the CRC, sees them), including field-level
// mutations of the parsed model. It must never crash, hang or allocate absurdly.
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/model/container.h"
#include "common/model/model_builder.h"
#include "common/model/model_loader.h"
#include "common/model/weight_codec.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "google/protobuf/stubs/logging.h"
#include "gtest/gtest.h"
#include "tests/golden_file.h"
#include "tests/test_support.h"

// The largest single allocation made while the fuzz loop runs: a hostile file must not make
// the loader ask for gigabytes.
namespace {
std::atomic<size_t> largest_allocation{0};
}  // namespace

void* operator new(size_t size) {
  size_t seen = largest_allocation.load(std::memory_order_relaxed);
  while (size > seen && !largest_allocation.compare_exchange_weak(seen, size)) {
  }
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
// g++ cannot see that the replaced operator new above is malloc-based.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace nqe {
namespace {

namespace pb = google::protobuf;

constexpr size_t kAllocationLimit = size_t{160} << 20;  // 2^26 levels + slack
// A hang guard, not a speed claim: loads take milliseconds, shared CI machines stall.
constexpr double kSlowLoadSeconds = 30.0;

std::vector<std::string> SeedFiles() {
  std::vector<std::string> seeds = {ModelFileBytes(testing::TinyClassifierModel()),
                                    ModelFileBytes(SyntheticEncoderModel())};
  // A FleXOR and a cellular-automaton layer, so mutations reach their decoders.
  ModelBuilder b("exotic", model::TASK_CLASSIFY, 6, 6, 0);
  model::Weights flexor;
  flexor.set_encoding(model::FLEXOR);
  flexor.set_count(6 * 1 * 3 * 3);  // O * (C / groups) * kh * kw
  flexor.mutable_flexor()->set_n_in(4);
  flexor.mutable_flexor()->set_n_out(5);
  flexor.mutable_flexor()->set_n_tap(2);
  flexor.mutable_flexor()->set_xor_matrix(std::string("\x33\x55\x69", 3));
  flexor.set_packed(std::string(6, '\xa5'));  // 11 slices x 4 bits
  b.AddConv("flexor", {3, 6, 3, 1, 1, 3}, flexor);
  b.AddActivation("sign", model::SIGN, 1);
  model::Weights ca;
  ca.set_encoding(model::CELLULAR_AUTOMATON);
  ca.set_count(6 * 2);
  ca.mutable_ca()->set_rule(30);
  ca.mutable_ca()->set_seed(42);
  b.AddConv("ca", {6, 2, 1, 1, 0, 1}, ca);
  b.AddGlobalSumPool("sum");
  b.SetClassNames({"a", "b"});
  seeds.push_back(b.FileBytes());
  for (const std::string& name : testing::ListGoldenCases(testing::GoldenDir())) {
    seeds.push_back(testing::ReadFileBytes(testing::GoldenDir() + "/" + name + ".nqe"));
  }
  return seeds;
}

class Mutator {
 public:
  explicit Mutator(uint64_t seed) : rng_(seed) {}

  int Pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  std::string RandomBytes(size_t max_len) {
    std::string s(Pick(0, static_cast<int>(max_len)), '\0');
    for (char& c : s) c = static_cast<char>(Pick(0, 255));
    if (Pick(0, 1) == 0 && s.size() >= 4) s.replace(0, 4, "NQEM");  // get past the magic
    return s;
  }

  // Bit flips, overwritten bytes, truncation, insertion, deletion.
  std::string MutateBytes(std::string s) {
    const int edits = Pick(1, 4);
    for (int e = 0; e < edits; ++e) {
      const size_t pos = s.empty() ? 0 : Pick(0, static_cast<int>(s.size()) - 1);
      switch (Pick(0, 4)) {
        case 0:
          if (!s.empty()) s[pos] = static_cast<char>(s[pos] ^ (1 << Pick(0, 7)));
          break;
        case 1:
          if (!s.empty()) s[pos] = static_cast<char>(Pick(0, 255));
          break;
        case 2:
          s.resize(pos);
          break;
        case 3:
          s.insert(pos, std::string(Pick(1, 8), static_cast<char>(Pick(0, 255))));
          break;
        default:
          if (!s.empty()) s.erase(pos, Pick(1, 8));
          break;
      }
    }
    return s;
  }

  // Sets one scalar field somewhere in the message tree to an interesting value.
  void MutateField(pb::Message* message) {
    const pb::Descriptor* descriptor = message->GetDescriptor();
    const pb::Reflection* reflection = message->GetReflection();
    if (descriptor->field_count() == 0) return;  // e.g. GlobalSumPool
    const pb::FieldDescriptor* field = descriptor->field(Pick(0, descriptor->field_count() - 1));
    if (field->is_map()) return;
    if (field->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        const int n = reflection->FieldSize(*message, field);
        if (n == 0) return;
        const int index = Pick(0, n - 1);
        if (Pick(0, 9) == 0) {  // sometimes drop or duplicate a whole element
          if (Pick(0, 1) == 0) {
            reflection->SwapElements(message, field, index, n - 1);
            reflection->RemoveLast(message, field);
          } else {
            reflection->AddMessage(message, field)
                ->CopyFrom(reflection->GetRepeatedMessage(*message, field, index));
          }
          return;
        }
        MutateField(reflection->MutableRepeatedMessage(message, field, index));
      } else {
        MutateField(reflection->MutableMessage(message, field));
      }
      return;
    }
    const uint64_t value = InterestingValue();
    if (field->is_repeated()) {
      const int n = reflection->FieldSize(*message, field);
      if (field->cpp_type() == pb::FieldDescriptor::CPPTYPE_UINT32) {
        if (n > 0 && Pick(0, 2) > 0) {
          reflection->SetRepeatedUInt32(message, field, Pick(0, n - 1), uint32_t(value));
        } else {
          reflection->AddUInt32(message, field, uint32_t(value));
        }
      } else if (field->cpp_type() == pb::FieldDescriptor::CPPTYPE_INT32) {
        if (n > 0 && Pick(0, 2) > 0) {
          reflection->SetRepeatedInt32(message, field, Pick(0, n - 1), int32_t(value));
        } else {
          reflection->AddInt32(message, field, int32_t(value));
        }
      }
      return;
    }
    switch (field->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_UINT32:
        reflection->SetUInt32(message, field, static_cast<uint32_t>(value));
        break;
      case pb::FieldDescriptor::CPPTYPE_INT32:
        reflection->SetInt32(message, field, static_cast<int32_t>(value));
        break;
      case pb::FieldDescriptor::CPPTYPE_UINT64:
        reflection->SetUInt64(message, field, value);
        break;
      case pb::FieldDescriptor::CPPTYPE_ENUM:
        reflection->SetEnumValue(message, field, Pick(-1, 8));
        break;
      case pb::FieldDescriptor::CPPTYPE_STRING:
        if (field->type() == pb::FieldDescriptor::TYPE_BYTES) {
          reflection->SetString(message, field,
                                MutateBytes(reflection->GetString(*message, field)));
        }
        break;
      default:
        break;
    }
  }

 private:
  uint64_t InterestingValue() {
    static constexpr uint64_t kValues[] = {
        0,    1,    2,    3,        7,        8,          15,         16,
        24,   25,   64,   65,       255,      256,        1024,       4096,
        4097, 8192, 8193, 1u << 26, 1u << 31, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000};
    if (Pick(0, 3) == 0) return static_cast<uint64_t>(Pick(0, 40));
    return kValues[Pick(0, sizeof(kValues) / sizeof(kValues[0]) - 1)];
  }

  std::mt19937_64 rng_;
};

TEST(ModelFuzzTest, HostileBytesNeverCrashHangOrAllocateAbsurdly) {
  // Protobuf logs invalid UTF-8 in strings at ERROR; that is expected here.
  pb::LogSilencer silence_protobuf;
  const std::vector<std::string> seeds = SeedFiles();
  for (const std::string& seed : seeds) {
    const absl::Status status = LoadModelBytes(seed, "seed").status();
    ASSERT_TRUE(status.ok()) << status;
  }
  Mutator mutator(12345);
  int accepted = 0, refused = 0;
  const auto start = std::chrono::steady_clock::now();
  constexpr int kIterations = 60000;
  largest_allocation = 0;
  for (int iteration = 0; iteration < kIterations; ++iteration) {
    const std::string& seed = seeds[mutator.Pick(0, static_cast<int>(seeds.size()) - 1)];
    std::string input;
    switch (iteration % 4) {
      case 0:
        input = mutator.RandomBytes(300);
        break;
      case 1:
        input = mutator.MutateBytes(seed);
        break;
      case 2: {  // byte mutations of the payload, re-framed with a correct CRC
        absl::StatusOr<ContainerContents> contents = UnwrapContainer(seed, "seed");
        input = WrapContainer(mutator.MutateBytes(std::string(contents->payload)));
        break;
      }
      default: {  // field mutations of the parsed model, re-serialised and re-framed
        absl::StatusOr<ContainerContents> contents = UnwrapContainer(seed, "seed");
        model::Model m;
        ASSERT_TRUE(m.ParseFromString(std::string(contents->payload)));
        for (int edits = mutator.Pick(1, 3); edits > 0; --edits) mutator.MutateField(&m);
        input = ModelFileBytes(m);
        break;
      }
    }
    const auto load_start = std::chrono::steady_clock::now();
    const absl::StatusOr<LoadedModel> loaded = LoadModelBytes(input, "fuzz.nqe");
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();
    ASSERT_LT(seconds, kSlowLoadSeconds) << "iteration " << iteration << ": slow load";
    ASSERT_LE(largest_allocation.load(), kAllocationLimit) << "iteration " << iteration;
    if (loaded.ok()) {
      ++accepted;
    } else {
      ++refused;
      ASSERT_FALSE(loaded.status().message().empty());
    }
  }
  const double total =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[   INFO   ] " << kIterations << " inputs: " << accepted << " accepted, " << refused
            << " refused, " << total << " s, largest allocation " << largest_allocation.load()
            << " bytes\n";
  EXPECT_GT(refused, kIterations / 2);
}

TEST(ModelFuzzTest, LargestCellularAutomatonLayerLoadsWithinBoundedMemory) {
  // 72 stored bits that expand to the per-layer limit of ~2^26 levels: the cheapest way for a
  // tiny file to make the loader work hard.
  ModelBuilder b("ca_bomb", model::TASK_CLASSIFY, 8, 8, 0);
  model::Weights ca;
  ca.set_encoding(model::CELLULAR_AUTOMATON);
  const ConvSpec spec{3, 1, 4729, 1, 2361, 1};  // 3 * 4729^2 = 67,090,323 <= 2^26 weights
  ca.set_count(spec.WeightCount());
  ca.mutable_ca()->set_rule(30);
  b.AddConv("ca", spec, ca);
  b.AddGlobalSumPool("sum");
  b.SetClassNames({"only"});
  const auto start = std::chrono::steady_clock::now();
  const absl::StatusOr<LoadedModel> loaded = LoadModelBytes(b.FileBytes(), "ca_bomb.nqe");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Fine either way (its value range may be refused); what matters is memory, and that it
  // ends: the bound only catches a hang (normally ~1.3 s; CI machines are shared and noisy).
  EXPECT_LT(seconds, 120.0);
  EXPECT_LE(largest_allocation.load(), kAllocationLimit);
  std::cout << "[   INFO   ] " << spec.WeightCount()
            << " CA levels: " << (loaded.ok() ? "accepted" : std::string(loaded.status().message()))
            << " in " << seconds << " s\n";
}

}  // namespace
}  // namespace nqe
