// The loader's refusals (docs/model-format.md "What the loader refuses"): one hand-built bad
// model per rule, asserting the status code and the rule named in the message.
#include "common/model/model_loader.h"

#include <functional>
#include <string>
#include <vector>

#include "common/model/container.h"
#include "common/model/model_builder.h"
#include "common/model/weight_codec.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"

namespace nqe {
namespace {

using ::testing::HasSubstr;

model::Model ValidClassifier() { return testing::TinyClassifierModel(); }

absl::Status Load(const model::Model& m) {
  return LoadModelBytes(ModelFileBytes(m), "bad.nqe").status();
}

TEST(ModelLoaderTest, LoadsAValidModel) {
  const std::string bytes = ModelFileBytes(ValidClassifier());
  absl::StatusOr<LoadedModel> loaded = LoadModelBytes(bytes, "ok.nqe");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->checksum, ChecksumHex(Crc32(bytes.substr(16, bytes.size() - 20))));
  EXPECT_EQ(loaded->checksum.size(), 8u);
  EXPECT_EQ(loaded->output_shape(), (TensorShape{2, 1, 1}));
  EXPECT_EQ(loaded->tensor_shapes[4], (TensorShape{4, 4, 4}));
  EXPECT_EQ(loaded->conv_levels[0].size(), 4u * 3 * 9);
  EXPECT_EQ(loaded->tensor_ranges[0].lo, -128);
  EXPECT_EQ(loaded->tensor_ranges[0].hi, 127);
}

TEST(ModelLoaderTest, LoadsTheSyntheticEncoder) {
  EXPECT_TRUE(Load(SyntheticEncoderModel()).ok()) << Load(SyntheticEncoderModel());
}

TEST(ModelLoaderTest, MissingFile) {
  absl::StatusOr<LoadedModel> loaded = LoadModelFile("/nonexistent/model.nqe");
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(loaded.status().message(), HasSubstr("/nonexistent/model.nqe"));
}

struct ContainerCase {
  std::string name;
  std::function<std::string(std::string)> damage;
  absl::StatusCode code;
  std::string message;
};

class ContainerTest : public ::testing::TestWithParam<ContainerCase> {};

TEST_P(ContainerTest, Refuses) {
  const ContainerCase& c = GetParam();
  const absl::Status status =
      LoadModelBytes(c.damage(ModelFileBytes(ValidClassifier())), "bad.nqe").status();
  EXPECT_EQ(status.code(), c.code) << status;
  EXPECT_THAT(status.message(), HasSubstr(c.message));
  EXPECT_THAT(status.message(), HasSubstr("bad.nqe"));
}

std::string SetByte(std::string s, size_t i, char v) {
  s[i] = v;
  return s;
}

INSTANTIATE_TEST_SUITE_P(
    Rules, ContainerTest,
    ::testing::Values(
        ContainerCase{"WrongMagic", [](std::string s) { return SetByte(s, 3, 'X'); },
                      absl::StatusCode::kInvalidArgument, "not an NQE model file"},
        ContainerCase{"Version2", [](std::string s) { return SetByte(s, 4, 2); },
                      absl::StatusCode::kUnimplemented, "format version 2, this build reads 1"},
        ContainerCase{"Truncated", [](std::string s) { return s.substr(0, s.size() - 1); },
                      absl::StatusCode::kDataLoss, "truncated"},
        ContainerCase{"TinyFile", [](std::string s) { return s.substr(0, 10); },
                      absl::StatusCode::kDataLoss, "truncated"},
        ContainerCase{"TrailingBytes", [](std::string s) { return s + "x"; },
                      absl::StatusCode::kDataLoss, "trailing bytes"},
        ContainerCase{"CorruptPayload", [](std::string s) { return SetByte(s, 20, s[20] ^ 1); },
                      absl::StatusCode::kDataLoss, "corrupt"},
        ContainerCase{"HugeLength", [](std::string s) { return SetByte(s, 15, 1); },
                      absl::StatusCode::kInvalidArgument, "exceeds the limit"},
        ContainerCase{"UnparsablePayload",
                      [](std::string) { return WrapContainer("\xff\xff\xff\xff"); },
                      absl::StatusCode::kDataLoss, "not a valid nqe.model.Model"}),
    [](const ::testing::TestParamInfo<ContainerCase>& info) { return info.param.name; });

struct NetworkCase {
  std::string name;
  std::function<void(model::Model*)> break_it;
  std::string message;
};

class NetworkTest : public ::testing::TestWithParam<NetworkCase> {};

TEST_P(NetworkTest, Refuses) {
  model::Model m = ValidClassifier();
  GetParam().break_it(&m);
  const absl::Status status = Load(m);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(status.message(), HasSubstr(GetParam().message));
  EXPECT_THAT(status.message(), HasSubstr("bad.nqe: "));
}

model::Conv2d* Conv1(model::Model* m) { return m->mutable_layers(0)->mutable_conv2d(); }
model::BitShiftNorm* Bsn(model::Model* m) { return m->mutable_layers(1)->mutable_bsn(); }

// A conv 3->4 of the given encoding parameters in place of conv1.
void ReplaceConv1Weights(model::Model* m, model::Weights w) {
  *Conv1(m)->mutable_weights() = std::move(w);
}

std::vector<NetworkCase> NetworkCases() {
  return {
      {"InputChannels", [](model::Model* m) { m->mutable_input()->set_channels(4); },
       "input: channels 4 outside 3..3"},
      {"InputOffset", [](model::Model* m) { m->mutable_input()->set_offset(256); }, "offset 256"},
      {"InputTooLarge", [](model::Model* m) { m->mutable_input()->set_width(8193); }, "width 8193"},
      {"NoLayers", [](model::Model* m) { m->clear_layers(); }, "layer count 0"},
      {"TooManyLayers",
       [](model::Model* m) {
         for (int i = 0; i < 1020; ++i) *m->add_layers() = m->layers(2);
       },
       "layer count 1026"},
      {"NoOp", [](model::Model* m) { m->mutable_layers(2)->clear_op(); },
       "layer 2 'act1': no op set"},
      {"InChannelsDoNotChain", [](model::Model* m) { Conv1(m)->set_in_channels(4); },
       "layer 0 'conv1': in_channels 4, but its input has 3 channels"},
      {"GroupsDoNotDivide", [](model::Model* m) { Conv1(m)->set_groups(2); },
       "groups 2 does not divide"},
      {"GroupsZero", [](model::Model* m) { Conv1(m)->set_groups(0); }, "groups 0 outside"},
      {"StrideZero", [](model::Model* m) { Conv1(m)->set_stride(0); }, "stride 0 outside"},
      {"KernelLargerThanPaddedInput",
       [](model::Model* m) {
         Conv1(m)->set_kernel_h(11);
         Conv1(m)->set_kernel_w(11);
       },
       "kernel 11x11 larger than the padded input 10x10"},
      {"TooManyChannels", [](model::Model* m) { Conv1(m)->set_out_channels(4097); },
       "out_channels 4097 outside"},
      {"AbsurdWeightCount",
       [](model::Model* m) {
         Conv1(m)->set_out_channels(4096);
         Conv1(m)->set_kernel_h(80);
         Conv1(m)->set_kernel_w(80);
         Conv1(m)->set_padding(40);
       },
       "the limit is 67108864 per layer"},
      {"WeightCountDisagrees", [](model::Model* m) { Conv1(m)->mutable_weights()->set_count(107); },
       "weights.count 107, the layer shape needs O*(C/groups)*kh*kw = 108"},
      {"PackedSizeDisagrees",
       [](model::Model* m) { Conv1(m)->mutable_weights()->mutable_packed()->push_back('\0'); },
       "TERNARY: packed size 23 bytes"},
      {"NoWeights", [](model::Model* m) { Conv1(m)->clear_weights(); }, "without weights"},
      {"UnknownEncoding",
       [](model::Model* m) {
         Conv1(m)->mutable_weights()->set_encoding(model::WEIGHT_ENCODING_UNSPECIFIED);
       },
       "unknown weight encoding"},
      {"RadixFieldPastRadix",
       [](model::Model* m) { (*Conv1(m)->mutable_weights()->mutable_packed())[0] = '\xff'; },
       "layer 0 'conv1': TERNARY: field 0 holds 255"},
      {"IntBitsOutOfRange",
       [](model::Model* m) {
         model::Weights w = *EncodeWeights(model::INT_K, std::vector<int8_t>(108, 1), 4);
         w.set_int_bits(9);
         ReplaceConv1Weights(m, w);
       },
       "int_bits 9 outside 2..8"},
      {"FlexorRowPopcount",
       [](model::Model* m) {
         model::Weights w;
         w.set_encoding(model::FLEXOR);
         w.set_count(108);
         w.mutable_flexor()->set_n_in(8);
         w.mutable_flexor()->set_n_out(12);
         w.mutable_flexor()->set_n_tap(2);
         w.mutable_flexor()->set_xor_matrix(std::string(12, '\x03'));
         (*w.mutable_flexor()->mutable_xor_matrix())[5] = '\x07';
         w.set_packed(std::string(9, '\x5a'));
         ReplaceConv1Weights(m, w);
       },
       "xor_matrix row 5 has 3 ones, n_tap is 2"},
      {"CaRule",
       [](model::Model* m) {
         model::Weights w;
         w.set_encoding(model::CELLULAR_AUTOMATON);
         w.set_count(108);
         w.mutable_ca()->set_rule(300);
         ReplaceConv1Weights(m, w);
       },
       "rule 300 outside 0..255"},
      {"InputNamesALaterTensor", [](model::Model* m) { m->mutable_layers(2)->add_inputs(5); },
       "layer 2 'act1': input tensor 5 is not computed yet"},
      {"InputNamesItsOwnOutput", [](model::Model* m) { m->mutable_layers(2)->add_inputs(3); },
       "input tensor 3 is not computed yet"},
      {"TooManyInputs",
       [](model::Model* m) {
         m->mutable_layers(2)->add_inputs(1);
         m->mutable_layers(2)->add_inputs(2);
       },
       "activation reads 1 tensor(s), 2 listed"},
      {"ShiftTooLarge", [](model::Model* m) { Bsn(m)->set_shifts(0, 16); },
       "shift[0] 16 outside 0..15"},
      {"ShiftCount", [](model::Model* m) { Bsn(m)->add_shifts(1); },
       "2 shifts, needs 1 or one per channel (4)"},
      {"BiasCount", [](model::Model* m) { Bsn(m)->add_biases(1); },
       "5 biases, needs none or one per channel (4)"},
      {"BiasBits", [](model::Model* m) { Bsn(m)->set_bias_bits(25); }, "bias_bits 25"},
      {"BiasOutsideItsBits", [](model::Model* m) { Bsn(m)->set_biases(2, 8); },
       "bias[2] (4-bit) 8 outside -8..7"},
      {"QreluBits",
       [](model::Model* m) { m->mutable_layers(2)->mutable_activation()->set_bits(4); },
       "QRELU bits 4 outside 1..3"},
      {"HwmsbBits",
       [](model::Model* m) {
         m->mutable_layers(2)->mutable_activation()->set_kind(model::HWMSB);
         m->mutable_layers(2)->mutable_activation()->set_bits(3);
       },
       "HWMSB bits 3"},
      {"UnknownActivation",
       [](model::Model* m) {
         m->mutable_layers(2)->mutable_activation()->set_kind(model::ACTIVATION_KIND_UNSPECIFIED);
       },
       "unknown activation kind"},
      {"PoolKernelTooLarge",
       [](model::Model* m) { m->mutable_layers(3)->mutable_max_pool()->set_kernel(9); },
       "max_pool kernel 9 outside 1..8"},
      {"PoolStrideZero",
       [](model::Model* m) { m->mutable_layers(3)->mutable_max_pool()->set_stride(0); },
       "max_pool stride 0"},
      {"MuxNeedsTwoInputs",
       [](model::Model* m) { m->mutable_layers(3)->mutable_mux_residual()->set_bits(2); },
       "mux_residual reads 2 tensor(s), 1 listed"},
      {"MuxShapesDiffer",
       [](model::Model* m) {
         model::Layer* mux = m->mutable_layers(3);
         mux->mutable_mux_residual()->set_bits(2);
         mux->add_inputs(0);
         mux->add_inputs(3);
       },
       "mux inputs differ in shape: 3x8x8 and 4x8x8"},
      {"MuxBits",
       [](model::Model* m) {
         model::Layer* mux = m->mutable_layers(3);
         mux->mutable_mux_residual()->set_bits(0);
         mux->add_inputs(3);
         mux->add_inputs(3);
       },
       "mux_residual bits 0"},
      {"ValueRangeOverflow",
       [](model::Model* m) {
         // conv1 (INT8 levels, fan-in 27) straight into an INT8 conv of fan-in 36 x 128 x 127:
         // with offset 0 the second conv could reach 36 * 128 * (27 * 128 * 255) > 2^31.
         m->mutable_input()->set_offset(0);
         ReplaceConv1Weights(m, *EncodeWeights(model::INT_K, std::vector<int8_t>(108, -128), 8));
         model::Layer* conv = m->mutable_layers(1);
         conv->clear_bsn();
         *conv->mutable_conv2d() = m->layers(0).conv2d();
         conv->mutable_conv2d()->set_in_channels(4);
         *conv->mutable_conv2d()->mutable_weights() =
             *EncodeWeights(model::INT_K, std::vector<int8_t>(144, -128), 8);
       },
       "layer 1 'bsn1': values could reach"},
      {"NoClassNames", [](model::Model* m) { m->clear_class_names(); }, "no class_names"},
      {"LogitsNotClassesBy1By1", [](model::Model* m) { m->add_class_names("bird"); },
       "classifier output 2x1x1, the 3 classes need 3x1x1"},
      {"UnknownTask", [](model::Model* m) { m->set_task(model::TASK_UNSPECIFIED); },
       "unknown task 0"},
      {"EncoderWithoutSign",
       [](model::Model* m) {
         m->set_task(model::TASK_ENCODE);
         m->mutable_code_layout()->set_patch_size(8);
         m->mutable_code_layout()->set_bits_per_patch(2);
       },
       "an encoder must end with a SIGN activation"},
  };
}

INSTANTIATE_TEST_SUITE_P(Rules, NetworkTest, ::testing::ValuesIn(NetworkCases()),
                         [](const ::testing::TestParamInfo<NetworkCase>& info) {
                           return info.param.name;
                         });

TEST(ModelLoaderTest, EncoderCodeMustMatchTheLayout) {
  model::Model m = SyntheticEncoderModel();
  m.mutable_code_layout()->set_bits_per_patch(255);
  EXPECT_THAT(Load(m).message(),
              HasSubstr("the code has 256 bits (16x4x4), bits_per_patch is 255"));
  m = SyntheticEncoderModel();
  m.mutable_code_layout()->set_patch_size(16);
  EXPECT_THAT(Load(m).message(), HasSubstr("patch_size 16, the input is 32x32"));
}

TEST(ModelLoaderTest, LayerNamesInMessagesAreEscapedAndShortened) {
  model::Model m = ValidClassifier();
  m.mutable_layers(0)->set_name(std::string(500, 'a') + "\n");
  Conv1(&m)->set_stride(0);
  const std::string message(Load(m).message());
  EXPECT_THAT(message, HasSubstr("layer 0 'aaaa"));
  EXPECT_LT(message.size(), 200u);
  EXPECT_EQ(message.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace nqe
